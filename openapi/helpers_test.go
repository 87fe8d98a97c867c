package openapi

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/stretchr/testify/require"
)

var (
	specCacheMu sync.Mutex
	specCache   = map[string]*API{}
)

// loadSpec loads the bundled spec called name once per test binary and fails the test on error.
func loadSpec(t testing.TB, name string) *API {
	t.Helper()
	specCacheMu.Lock()
	defer specCacheMu.Unlock()
	if api, ok := specCache[name]; ok {
		return api
	}
	api, err := Load(context.Background(), name)
	require.NoError(t, err, "load bundled spec %s", name)
	specCache[name] = api
	return api
}

func findRoute(t testing.TB, api *API, req *http.Request) (*routers.Route, map[string]string) {
	t.Helper()
	router, err := api.Router("")
	require.NoError(t, err)
	route, params, err := router.FindRoute(req)
	require.NoError(t, err, "route %s %s", req.Method, req.URL)
	return route, params
}

// validateRequest validates a request against api with openapi3filter (every failure collected, security not
// checked). target is the full vendor path plus query ("/v1/contact/id:1/conversation/assignee").
func validateRequest(t testing.TB, api *API, method, target string, header http.Header, body string) error {
	t.Helper()
	var rd *strings.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	var req *http.Request
	if rd != nil {
		req = httptest.NewRequest(method, target, rd)
	} else {
		req = httptest.NewRequest(method, target, nil)
	}
	for k, vs := range header {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	if body != "" && req.Header.Get("Content-Type") == "" {
		req.Header.Set("Content-Type", "application/json")
	}
	route, params := findRoute(t, api, req)
	return openapi3filter.ValidateRequest(context.Background(), &openapi3filter.RequestValidationInput{
		Request:    req,
		PathParams: params,
		Route:      route,
		Options: &openapi3filter.Options{
			MultiError:         true,
			AuthenticationFunc: openapi3filter.NoopAuthenticationFunc,
		},
	})
}

// validateResponse validates a response to method+target against the operation it routes to.
func validateResponse(t testing.TB, api *API, method, target string, status int, header http.Header, body string) error {
	t.Helper()
	req := httptest.NewRequest(method, target, nil)
	route, params := findRoute(t, api, req)
	h := http.Header{}
	for k, vs := range header {
		h[http.CanonicalHeaderKey(k)] = vs
	}
	if h.Get("Content-Type") == "" && body != "" {
		h.Set("Content-Type", "application/json")
	}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route},
		Status:                 status,
		Header:                 h,
		Options:                &openapi3filter.Options{MultiError: true, IncludeResponseStatus: true},
	}
	in.SetBodyBytes(bytes.Clone([]byte(body)))
	return openapi3filter.ValidateResponse(context.Background(), in)
}

func readTestdata(name string) ([]byte, error) { return os.ReadFile("testdata/" + name) }
