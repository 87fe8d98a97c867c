package mock

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/stretchr/testify/require"

	"github.com/standin/standin/openapi"
)

// faultClock is a test clock: time moves only when the test says, and delays (After) return at once while
// recording what was asked. With hang set, delays never end, and started receives each requested delay.
type faultClock struct {
	mu      sync.Mutex // guards now and delays
	now     time.Time
	delays  []time.Duration
	hang    bool
	started chan time.Duration
}

func newFaultClock() *faultClock {
	return &faultClock{now: time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC), started: make(chan time.Duration, 16)}
}

func (c *faultClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *faultClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func (c *faultClock) After(d time.Duration) <-chan time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.delays = append(c.delays, d)
	select {
	case c.started <- d:
	default:
	}
	if c.hang {
		return nil // blocks forever: only the request's context ends the wait
	}
	ch := make(chan time.Time, 1)
	ch <- c.now.Add(d)
	return ch
}

func (c *faultClock) Delays() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]time.Duration(nil), c.delays...)
}

// faultAPIs loads the three bundled specs once per test.
func faultAPIs(t testing.TB) []*openapi.API {
	t.Helper()
	var apis []*openapi.API
	for _, n := range []string{"carecycle", "aelyst", "cinnox"} {
		api, err := openapi.Load(context.Background(), n)
		require.NoError(t, err)
		apis = append(apis, api)
	}
	return apis
}

// faultServer starts the mock for the bundled APIs with a test clock.
func faultServer(t testing.TB, cfg Config) (*httptest.Server, *Server, *faultClock) {
	t.Helper()
	clock := newFaultClock()
	srv, err := New(faultAPIs(t), cfg, WithClock(clock))
	require.NoError(t, err)
	ts := httptest.NewServer(srv)
	t.Cleanup(func() {
		ts.Close()
		_ = srv.Close()
	})
	return ts, srv, clock
}

// faultResp is a response read whole, or the error the client saw.
type faultResp struct {
	status int
	header http.Header
	body   []byte
	err    error
	req    *http.Request
}

func (r faultResp) json(t testing.TB) map[string]any {
	t.Helper()
	var v map[string]any
	require.NoError(t, json.Unmarshal(r.body, &v), "body: %s", r.body)
	return v
}

// faultReq is one request of the tests: the API's credentials are added by faultDo.
type faultReq struct {
	method, path, body string
	header             map[string]string
}

// Requests that pass security and validation, one per API.
var (
	faultCareList   = faultReq{method: "GET", path: "/carecycle/v2/campaigns/appointment-configs"}
	faultCareAssign = faultReq{method: "PATCH", path: "/carecycle/v2/inquiries/a2cc1c26-6a12-43fd-9dc0-f4e5fedb3bef/assign", body: `{"assignedTo":null}`}
	faultAelystGet  = faultReq{method: "GET", path: "/aelyst/v1/contact/id:1"}
	faultAssignee   = faultReq{method: "POST", path: "/aelyst/v1/contact/id:1/conversation/assignee", body: `{"assignee":null}`}
	faultCinnoxList = faultReq{method: "GET", path: "/cinnox/v1/api/apps/app-1/labels"}
)

// with returns a copy of the request with extra headers.
func (fr faultReq) with(kv ...string) faultReq {
	h := map[string]string{}
	for k, v := range fr.header {
		h[k] = v
	}
	for i := 0; i+1 < len(kv); i += 2 {
		h[kv[i]] = kv[i+1]
	}
	fr.header = h
	return fr
}

// faultDo sends the request with the API's credentials; transport errors are returned in the response.
func faultDo(t testing.TB, ts *httptest.Server, fr faultReq) faultResp {
	t.Helper()
	return faultDoCtx(t, context.Background(), ts, fr)
}

func faultDoCtx(t testing.TB, ctx context.Context, ts *httptest.Server, fr faultReq) faultResp {
	t.Helper()
	var rd io.Reader
	if fr.body != "" {
		rd = strings.NewReader(fr.body)
	}
	req, err := http.NewRequestWithContext(ctx, fr.method, ts.URL+fr.path, rd)
	require.NoError(t, err)
	if fr.body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if strings.HasPrefix(fr.path, "/carecycle/") {
		req.Header.Set("x-api-key", "cc_fault_test_key")
	} else {
		req.Header.Set("Authorization", "Bearer fault-test-token")
	}
	for k, v := range fr.header {
		req.Header.Set(k, v)
	}
	// A fresh transport per request: a dropped connection must not poison the next request's connection.
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	resp, err := client.Do(req)
	if err != nil {
		return faultResp{err: err, req: req}
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	return faultResp{status: resp.StatusCode, header: resp.Header, body: data, err: err, req: req}
}

// faultAdmin sends an admin request and decodes the JSON answer.
func faultAdmin(t testing.TB, ts *httptest.Server, method, path string, body any) (int, map[string]any) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		data, err := json.Marshal(body)
		require.NoError(t, err)
		rd = bytes.NewReader(data)
	}
	req, err := http.NewRequestWithContext(context.Background(), method, ts.URL+path, rd)
	require.NoError(t, err)
	resp, err := ts.Client().Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	var v map[string]any
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&v))
	return resp.StatusCode, v
}

// faultValidate checks a response against the spec of the API its request went to.
func faultValidate(t testing.TB, srv *Server, r faultResp) error {
	t.Helper()
	require.NoError(t, r.err)
	name := strings.Split(strings.TrimPrefix(r.req.URL.Path, "/"), "/")[0]
	var api *openapi.API
	for _, a := range srv.APIs() {
		if a.Name == name {
			api = a
		}
	}
	require.NotNil(t, api, "no API for %s", r.req.URL.Path)
	router, err := api.Router("/" + name)
	require.NoError(t, err)
	req := r.req.Clone(context.Background())
	req.Body = http.NoBody
	route, params, err := router.FindRoute(req)
	require.NoError(t, err)
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route,
			Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}},
		Status:  r.status,
		Header:  r.header,
		Options: &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true},
	}
	in.SetBodyBytes(bytes.Clone(r.body))
	return openapi3filter.ValidateResponse(context.Background(), in)
}
