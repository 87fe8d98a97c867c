package mock

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/standin/standin/openapi"
)

// stateAPINames are the bundled APIs the state tests serve.
var stateAPINames = []string{"carecycle", "aelyst", "cinnox"}

// stateAPIs loads the bundled specs once per test binary.
var stateAPIs = sync.OnceValues(func() ([]*openapi.API, error) {
	var out []*openapi.API
	for _, name := range stateAPINames {
		api, err := openapi.Load(context.Background(), name)
		if err != nil {
			return nil, err
		}
		out = append(out, api)
	}
	return out, nil
})

// newStateClock is the fault tests' hand-moved clock, started on the date the state tests' figures assume.
func newStateClock() *faultClock {
	c := newFaultClock()
	c.now = time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)
	return c
}

// stateServer starts the bundled APIs with cfg on httptest.
func stateServer(t testing.TB, cfg Config, opts ...Option) (*httptest.Server, *Server) {
	t.Helper()
	apis, err := stateAPIs()
	require.NoError(t, err)
	return stateServerFor(t, apis, cfg, opts...)
}

// stateServerFor starts apis with cfg on httptest.
func stateServerFor(t testing.TB, apis []*openapi.API, cfg Config, opts ...Option) (*httptest.Server, *Server) {
	t.Helper()
	srv, err := New(apis, cfg, opts...)
	require.NoError(t, err)
	ts := httptest.NewServer(srv)
	t.Cleanup(func() {
		ts.Close()
		require.NoError(t, srv.Close())
	})
	return ts, srv
}

// stateResponse is a response read whole.
type stateResponse struct {
	status int
	header http.Header
	body   []byte
}

func (r stateResponse) json(t testing.TB) map[string]any {
	t.Helper()
	var v map[string]any
	require.NoError(t, json.Unmarshal(r.body, &v), "body %s", r.body)
	return v
}

func (r stateResponse) list(t testing.TB) []any {
	t.Helper()
	var v []any
	require.NoError(t, json.Unmarshal(r.body, &v), "body %s", r.body)
	return v
}

// stateAuth returns credential headers that pass each API's security stage.
func stateAuth(path string) []string {
	switch {
	case strings.HasPrefix(path, "/carecycle"):
		return []string{"x-api-key", "cc_test_state_key"}
	default:
		return []string{"Authorization", "Bearer test-token"}
	}
}

// stateDo sends a request with the API's credentials plus headers (name, value pairs) and reads the answer.
func stateDo(t testing.TB, ts *httptest.Server, method, path, body string, headers ...string) stateResponse {
	t.Helper()
	r := engineDo(t, ts, method, path, body, append(stateAuth(path), headers...)...)
	return stateResponse{status: r.status, header: r.header, body: r.body}
}

// readStateLines returns the lines of a state file.
func readStateLines(t testing.TB, path string) []string {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	return strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
}
