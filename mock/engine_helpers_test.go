package mock

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/stretchr/testify/require"

	"github.com/standin/standin/openapi"
)

// update rewrites the package's golden output from what the tests produce: go test ./mock -update (today the
// dashboard screenshot docs/dashboard.png, written by the browser test when Chromium is found). Review the diff
// before committing.
var update = flag.Bool("update", false, "rewrite golden output (docs/dashboard.png) from the current run")

// Credentials the engine tests send.
const (
	engineCareKey    = "cc_test_0123456789"
	engineBearer     = "Bearer test-token-123"
	engineCareHeader = "x-api-key"
)

// engineAPIs loads bundled specs (all three when none is named).
func engineAPIs(t testing.TB, names ...string) []*openapi.API {
	t.Helper()
	if len(names) == 0 {
		names = []string{"carecycle", "aelyst", "cinnox"}
	}
	apis := make([]*openapi.API, 0, len(names))
	for _, n := range names {
		api, err := openapi.Load(context.Background(), n)
		require.NoError(t, err)
		apis = append(apis, api)
	}
	return apis
}

// engineServer starts the mock for apis on an httptest server.
func engineServer(t testing.TB, cfg Config, apis []*openapi.API, opts ...Option) (*httptest.Server, *Server) {
	t.Helper()
	srv, err := New(apis, cfg, opts...)
	require.NoError(t, err)
	ts := httptest.NewServer(srv)
	t.Cleanup(func() {
		ts.Close()
		_ = srv.Close()
	})
	return ts, srv
}

// engineResponse is a response read whole.
type engineResponse struct {
	status int
	header http.Header
	body   []byte
	req    *http.Request
}

func (r engineResponse) json(t testing.TB) any {
	t.Helper()
	var v any
	require.NoError(t, json.Unmarshal(r.body, &v), "body: %s", r.body)
	return v
}

// engineDo sends one request; headers are name/value pairs. A body is sent as JSON unless a header says otherwise.
func engineDo(t testing.TB, ts *httptest.Server, method, path, body string, headers ...string) engineResponse {
	t.Helper()
	return sendRequest(t, ts, method, path, "", body, true, headers...)
}

// sendRequest sends one request with an explicit Host (empty: the server's own) and header pairs; jsonBody
// labels a body application/json before the headers are set.
func sendRequest(t testing.TB, ts *httptest.Server, method, path, host, body string, jsonBody bool, headers ...string) engineResponse {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(context.Background(), method, ts.URL+path, rd)
	require.NoError(t, err)
	if host != "" {
		req.Host = host
	}
	if body != "" && jsonBody {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := ts.Client().Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return engineResponse{status: resp.StatusCode, header: resp.Header, body: data, req: req}
}

// engineAuth returns the credential header pair an API needs.
func engineAuth(api string) []string {
	if api == "carecycle" {
		return []string{engineCareHeader, engineCareKey}
	}
	return []string{"Authorization", engineBearer}
}

// engineCheckResponse validates a response against the operation the request routes to.
func engineCheckResponse(t testing.TB, api *openapi.API, mountPrefix string, resp engineResponse) {
	t.Helper()
	router, err := api.Router(mountPrefix)
	require.NoError(t, err)
	req := resp.req.Clone(context.Background())
	req.Body = http.NoBody
	route, params, err := router.FindRoute(req)
	require.NoError(t, err, "route %s %s", req.Method, req.URL.Path)
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route,
			Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}},
		Status:  resp.status,
		Header:  resp.header,
		Options: &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true},
	}
	in.SetBodyBytes(bytes.Clone(resp.body))
	require.NoError(t, openapi3filter.ValidateResponse(context.Background(), in),
		"%s %s -> %d %s", req.Method, req.URL.Path, resp.status, resp.body)
}

// engineRequest is a request built from the spec: path parameters and required query parameters from their
// examples (a fixed word when none), and the body example named bodyExample ("" for the first).
type engineRequest struct {
	method, path, body string
}

// engineParamOverrides gives path parameters that name records of the bundled fixtures where the spec's own
// example would not do (a create needs a new identifier; an enquiry ID has no example). Never written.
var engineParamOverrides = map[string]map[string]string{
	"aelyst/createContact": {"identifier": "phone:+60129990000"},
	"cinnox/labelEnquiry":  {"inquiryID": "6369b3f0c2a4e1a9d1f0a0aa"},
}

// engineValidRequest builds a request for op that passes validation and names existing fixture records.
func engineValidRequest(t testing.TB, api *openapi.API, op *openapi.Operation, bodyExample string) engineRequest {
	t.Helper()
	path := "/" + api.Name + api.BasePath + op.Path
	query := url.Values{}
	for _, params := range []openapi3.Parameters{op.Item.Parameters, op.Op.Parameters} {
		for _, ref := range params {
			p := ref.Value
			if p.In != openapi3.ParameterInPath && !p.Required {
				continue
			}
			v, ok := engineParamOverrides[api.Name+"/"+op.ID][p.Name]
			if !ok {
				v = engineParamExample(p)
			}
			switch p.In {
			case openapi3.ParameterInPath:
				path = strings.ReplaceAll(path, "{"+p.Name+"}", url.PathEscape(v))
			case openapi3.ParameterInQuery:
				query.Set(p.Name, v)
			}
		}
	}
	if len(query) > 0 {
		path += "?" + query.Encode()
	}
	req := engineRequest{method: op.Method, path: path}
	if rb := op.Op.RequestBody; rb != nil && rb.Value != nil {
		media := rb.Value.Content.Get("application/json")
		require.NotNil(t, media, "%s has no JSON body", op.ID)
		var value any = map[string]any{}
		switch {
		case bodyExample != "":
			value = media.Examples[bodyExample].Value.Value
		case media.Example != nil:
			value = media.Example
		default:
			names := slices.Sorted(maps.Keys(media.Examples))
			if len(names) > 0 {
				value = media.Examples[names[0]].Value.Value
			}
		}
		data, err := json.Marshal(value)
		require.NoError(t, err)
		req.body = string(data)
	}
	return req
}

func engineParamExample(p *openapi3.Parameter) string {
	if p.Example != nil {
		return text(p.Example)
	}
	for _, name := range slices.Sorted(maps.Keys(p.Examples)) {
		return text(p.Examples[name].Value.Value)
	}
	if p.Schema != nil && p.Schema.Value != nil && p.Schema.Value.Example != nil {
		return text(p.Schema.Value.Example)
	}
	return "app-1"
}
