package mock

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/standin/standin/openapi"
)

// gateClock is a clock whose fault delays last until the test opens the gate, and which says when a request
// has started waiting.
type gateClock struct {
	waiting chan struct{}
	gate    chan time.Time
}

func (c *gateClock) Now() time.Time { return time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC) }
func (c *gateClock) After(time.Duration) <-chan time.Time {
	c.waiting <- struct{}{}
	return c.gate
}

func reloadDoc(t *testing.T, word string, extra string) *openapi.API {
	t.Helper()
	api, err := openapi.LoadData(t.Context(), "greet.yaml", []byte(`openapi: 3.0.3
info: {title: Greet, version: "1"}
paths:
  /hello:
    get:
      operationId: hello
      responses:
        "200":
          description: a greeting
          content:
            application/json:
              schema: {type: object, properties: {word: {type: string}}}
              example: {word: `+word+`}
`+extra))
	require.NoError(t, err)
	return api
}

// TestReloadSwapsAtomically pins that a request in flight finishes on the document it started with, the next
// request sees the new one, a new path is served, and a name the server does not serve is refused.
func TestReloadSwapsAtomically(t *testing.T) {
	clock := &gateClock{waiting: make(chan struct{}), gate: make(chan time.Time)}
	srv, err := New([]*openapi.API{reloadDoc(t, "old", "")}, Config{}, WithClock(clock))
	require.NoError(t, err)
	t.Cleanup(func() { _ = srv.Close() })
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	get := func(path string, header ...string) (int, string) {
		req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, ts.URL+path, nil)
		require.NoError(t, err)
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		resp, err := ts.Client().Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		return resp.StatusCode, string(body)
	}

	// A request held in a latency fault, on the old document.
	type answer struct {
		status int
		body   string
	}
	inFlight := make(chan answer, 1)
	go func() {
		status, body := get("/greet/hello", "X-Standin-Fault", "latency=1s")
		inFlight <- answer{status, body}
	}()
	<-clock.waiting

	added := "  /bye:\n    get:\n      responses:\n        \"204\": {description: gone}\n"
	require.NoError(t, srv.Reload(reloadDoc(t, "new", added)))
	status, body := get("/greet/hello")
	require.Equal(t, http.StatusOK, status)
	require.JSONEq(t, `{"word":"new"}`, body, "the next request sees the new document")
	status, _ = get("/greet/bye")
	require.Equal(t, http.StatusNoContent, status, "a path added by the reload is served")
	status, body = get(AdminPrefix + "apis")
	require.Equal(t, http.StatusOK, status)
	require.Contains(t, body, `"/bye"`, "the admin API lists the reloaded document's operations")
	require.NotNil(t, srv.APIs()[0].Doc.Paths.Value("/bye"), "APIs() returns the reloaded document")

	clock.gate <- time.Time{}
	a := <-inFlight
	require.Equal(t, http.StatusOK, a.status)
	require.JSONEq(t, `{"word":"old"}`, a.body, "the request in flight finished on the document it started with")

	other := reloadDoc(t, "x", "")
	other.Name = "other"
	require.ErrorContains(t, srv.Reload(other), `reload other (greet.yaml): no API of that name is served`)
	status, body = get("/greet/hello")
	require.Equal(t, http.StatusOK, status)
	require.JSONEq(t, `{"word":"new"}`, body)
}

// TestReloadUnderLoad reloads while requests run, for the race detector.
func TestReloadUnderLoad(t *testing.T) {
	srv, err := New([]*openapi.API{reloadDoc(t, "a", "")}, Config{})
	require.NoError(t, err)
	t.Cleanup(func() { _ = srv.Close() })
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 25 {
				resp, err := ts.Client().Get(ts.URL + "/greet/hello")
				if !assertNoErr(t, err) {
					return
				}
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), `"word"`) {
					t.Errorf("got %d %s", resp.StatusCode, body)
					return
				}
			}
		})
	}
	for i := range 20 {
		require.NoError(t, srv.Reload(reloadDoc(t, []string{"a", "b"}[i%2], "")))
	}
	wg.Wait()
}

func assertNoErr(t *testing.T, err error) bool {
	if err != nil {
		t.Error(err)
		return false
	}
	return true
}
