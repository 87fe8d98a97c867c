package mock

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/standin/standin/openapi"
)

// fixedClock is a clock that never moves, so generated timestamps do not depend on when the test runs.
type fixedClock struct{ t time.Time }

func (c fixedClock) Now() time.Time { return c.t }

// replay sends a fixed sequence of requests in one session and returns every answer (status and body).
func replay(t *testing.T, ts *httptest.Server, session string) []string {
	t.Helper()
	steps := []struct{ method, path, body string }{
		{http.MethodPost, "/v1/customers", "name=Jenny&metadata[order]=1"},
		{http.MethodPost, "/v1/customers", "email=a@b.c"},
		{http.MethodGet, "/v1/customers/cus_123", ""},
		{http.MethodPost, "/v1/invoices", "customer=cus_123"},
		{http.MethodPost, "/v1/customers/cus_123/tax_ids", "type=eu_vat&value=DE1"},
		{http.MethodGet, "/v1/customers?limit=10", ""},
		{http.MethodDelete, "/v1/customers/cus_123", ""},
		{http.MethodPost, "/v1/customers", "name=After"},
	}
	var out []string
	for _, s := range steps {
		var body io.Reader
		if s.body != "" {
			body = strings.NewReader(s.body)
		}
		req, err := http.NewRequestWithContext(t.Context(), s.method, ts.URL+s.path, body)
		require.NoError(t, err)
		req.Header.Set("Authorization", "Bearer sk_test_1")
		req.Header.Set("X-Standin-Session", session)
		if s.body != "" {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		resp, err := ts.Client().Do(req)
		require.NoError(t, err)
		data, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		require.NoError(t, resp.Body.Close())
		require.Less(t, resp.StatusCode, 300, "%s %s: %s", s.method, s.path, data)
		out = append(out, s.method+" "+s.path+" "+resp.Status+" "+string(data))
	}
	return out
}

// TestDeterminism: with one seed, the same sequence of requests gets the same ids and bodies on two servers and
// in two sessions of each; another seed gets other ids.
func TestDeterminism(t *testing.T) {
	api, err := openapi.LoadFile(t.Context(), "testdata/stripe-style.yaml")
	require.NoError(t, err)
	clock := WithClock(fixedClock{time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC)})
	one, _ := engineServer(t, Config{Seed: 7}, []*openapi.API{api}, clock)
	two, _ := engineServer(t, Config{Seed: 7}, []*openapi.API{api}, clock)
	other, _ := engineServer(t, Config{Seed: 8}, []*openapi.API{api}, clock)

	want := replay(t, one, "alpha")
	require.Equal(t, want, replay(t, one, "beta"), "another session of the same server")
	require.Equal(t, want, replay(t, two, "alpha"), "another server")
	require.Equal(t, want, replay(t, two, "gamma"), "another server, another session")
	require.Contains(t, want[0], `"metadata":{"order":"1"}`)
	require.NotEqual(t, want[0], replay(t, other, "alpha")[0], "another seed, another id")
}
