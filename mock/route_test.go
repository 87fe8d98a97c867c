package mock

import (
	"encoding/json"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"

	"github.com/getkin/kin-openapi/routers"
	"github.com/stretchr/testify/require"

	"github.com/standin/standin/openapi"
)

// TestPathRouter: literal suffixes (Google's ":verb"), fragment and query keys (AWS), the most specific template
// winning, and 404/405, on testdata/routing.yaml.
func TestPathRouter(t *testing.T) {
	api, err := openapi.LoadFile(t.Context(), "testdata/routing.yaml")
	require.NoError(t, err)
	pr := newPathRouter(api)
	tests := []struct {
		name         string
		method, path string
		header       []string
		wantOp       string
		wantParams   map[string]string
		wantErr      error
	}{
		{name: "bare parameter", method: "GET", path: "/v1/things/abc", wantOp: "getThing",
			wantParams: map[string]string{"name": "abc"}},
		{name: "literal beats parameter", method: "GET", path: "/v1/things/me", wantOp: "getMe"},
		{name: "verb suffix beats bare parameter", method: "POST", path: "/v1/things/abc:cancel", wantOp: "cancelThing",
			wantParams: map[string]string{"name": "abc"}},
		{name: "verb suffix with another parameter name", method: "GET", path: "/v1/things/abc:getIamPolicy",
			wantOp: "getIamPolicy", wantParams: map[string]string{"resource": "abc"}},
		{name: "verb template lacks the method: the next template that has it", method: "GET", path: "/v1/things/abc:cancel",
			wantOp: "getThing", wantParams: map[string]string{"name": "abc:cancel"}},
		{name: "colon inside a bare parameter", method: "GET", path: "/v1/things/a:b", wantOp: "getThing",
			wantParams: map[string]string{"name": "a:b"}},
		{name: "extension suffix", method: "GET", path: "/v1/files/report.json", wantOp: "getFileJSON",
			wantParams: map[string]string{"name": "report"}},
		{name: "escaped slash stays in its parameter", method: "GET", path: "/v1/things/a%2Fb", wantOp: "getThing",
			wantParams: map[string]string{"name": "a%2Fb"}},
		{name: "a parameter spans segments only when nothing else matches (a document with verbs)", method: "GET",
			path: "/v1/things/a/b", wantOp: "getThing", wantParams: map[string]string{"name": "a/b"}},
		{name: "fragment key by header", method: "POST", path: "/v1/", header: []string{"X-Amz-Target", "Store_2024.PutItem"},
			wantOp: "PutItem"},
		{name: "fragment key by another header value", method: "POST", path: "/v1/", header: []string{"X-Amz-Target", "Store_2024.GetItem"},
			wantOp: "GetItem"},
		{name: "fragment key without its header", method: "POST", path: "/v1/", wantErr: routers.ErrPathNotFound},
		{name: "fragment key with an unknown target", method: "POST", path: "/v1/", header: []string{"X-Amz-Target", "Store_2024.Nope"},
			wantErr: routers.ErrPathNotFound},
		{name: "fragment key by query", method: "GET", path: "/v1/?Action=Describe&Version=2", wantOp: "Describe"},
		{name: "query key with a template value", method: "GET", path: "/v1/search?kind=book", wantOp: "searchByKind",
			wantParams: map[string]string{"kind": "book"}},
		{name: "query key not met falls back to the plain path", method: "GET", path: "/v1/search?q=x", wantOp: "search"},
		{name: "a URL after '#' is no condition: routed on the part before it", method: "POST", path: "/v1/send/", wantOp: "sendTransfer"},
		{name: "unknown path", method: "GET", path: "/v1/nothing", wantErr: routers.ErrPathNotFound},
		{name: "outside the base path", method: "GET", path: "/v2/things/abc", wantErr: routers.ErrPathNotFound},
		{name: "known path, other method", method: "PUT", path: "/v1/things/abc", wantErr: routers.ErrMethodNotAllowed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest(tt.method, tt.path, nil)
			for i := 0; i+1 < len(tt.header); i += 2 {
				req.Header.Set(tt.header[i], tt.header[i+1])
			}
			route, params, err := pr.FindRoute(req)
			if tt.wantErr != nil {
				require.ErrorIs(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.wantOp, route.Operation.OperationID)
			if tt.wantParams != nil {
				require.Equal(t, tt.wantParams, params)
			}
		})
	}
	t.Run("allow lists the methods of every matching template", func(t *testing.T) {
		req := httptest.NewRequest(http.MethodPut, "/v1/things/abc", nil)
		require.Equal(t, []string{"GET", "DELETE"}, pr.allowed(req, true))
	})
}

// TestPathRouterGoogleResourceNames: in a document with "{name}:verb" keys a parameter may span segments when
// nothing matches segment by segment, as Google clients send resource names unescaped.
func TestPathRouterGoogleResourceNames(t *testing.T) {
	api, err := openapi.LoadData(t.Context(), "google.yaml", []byte(`openapi: 3.0.0
info: {title: g, version: "1"}
servers: [{url: "https://pubsub.googleapis.com/"}]
paths:
  /v1/{topic}:
    get:
      operationId: getTopic
      parameters: [{name: topic, in: path, required: true, schema: {type: string}}]
      responses: {"200": {description: ok}}
  /v1/{topic}:publish:
    post:
      operationId: publish
      parameters: [{name: topic, in: path, required: true, schema: {type: string}}]
      responses: {"200": {description: ok}}
  /v1/{project}/topics:
    get:
      operationId: listTopics
      parameters: [{name: project, in: path, required: true, schema: {type: string}}]
      responses: {"200": {description: ok}}
`))
	require.NoError(t, err)
	pr := newPathRouter(api)
	tests := []struct {
		method, path, op, param, value string
	}{
		{"POST", "/v1/projects/p/topics/t:publish", "publish", "topic", "projects/p/topics/t"},
		{"POST", "/v1/projects%2Fp%2Ftopics%2Ft:publish", "publish", "topic", "projects%2Fp%2Ftopics%2Ft"},
		{"GET", "/v1/projects/p/topics/t", "getTopic", "topic", "projects/p/topics/t"},
		{"GET", "/v1/p1/topics", "listTopics", "project", "p1"},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			route, params, err := pr.FindRoute(httptest.NewRequest(tt.method, tt.path, nil))
			require.NoError(t, err)
			require.Equal(t, tt.op, route.Operation.OperationID)
			require.Equal(t, tt.value, params[tt.param])
		})
	}
	t.Run("no spanning in a document without verbs", func(t *testing.T) {
		plain, err := openapi.LoadFile(t.Context(), "testdata/issue796.yml")
		require.NoError(t, err)
		pr := newPathRouter(plain)
		require.False(t, pr.spanning)
		req := httptest.NewRequest("GET", "/ooxml-automation/Charts/Axes/a/b", nil)
		_, _, err = pr.FindRoute(httptest.NewRequest("GET", "/ooxml-automation/Charts/Axes/a", nil))
		require.NoError(t, err)
		_, _, err = pr.FindRoute(req)
		require.ErrorIs(t, err, routers.ErrPathNotFound)
	})
}

// TestServeRouting: the routing table through the whole server, and format: uuid path ids validated on a user's
// spec.
func TestServeRouting(t *testing.T) {
	api, err := openapi.LoadFile(t.Context(), "testdata/routing.yaml")
	require.NoError(t, err)
	ts, _ := engineServer(t, Config{}, []*openapi.API{api})
	tests := []struct {
		name         string
		method, path string
		headers      []string
		status       int
		op           string
	}{
		{"google verb", "POST", "/routing/v1/things/t1:cancel", nil, 200, "cancelThing"},
		{"aws target header", "POST", "/routing/v1/", []string{"X-Amz-Target", "Store_2024.GetItem", "Content-Type", "application/x-amz-json-1.0"}, 200, "GetItem"},
		{"aws action query", "GET", "/routing/v1/?Action=Describe", nil, 200, "Describe"},
		{"uuid path id", "GET", "/routing/v1/users/0b6cbc5e-23d4-4c8f-9a61-0c4f1e7d9a10", nil, 200, "getUser"},
		{"not a uuid", "GET", "/routing/v1/users/42", nil, 400, ""},
		{"wrong method", "PATCH", "/routing/v1/things/t1", nil, 405, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := engineDo(t, ts, tt.method, tt.path, "", tt.headers...)
			require.Equal(t, tt.status, resp.status, "body: %s", resp.body)
			if tt.op != "" {
				var body map[string]any
				require.NoError(t, json.Unmarshal(resp.body, &body))
				require.Equal(t, tt.op, body["op"])
			}
		})
	}
	resp := engineDo(t, ts, "GET", "/routing/v1/users/42", "")
	require.Contains(t, resp.header.Get(ReasonHeader), "uuid")
}

// TestServeMalformedTemplates: a document whose path templates gorilla/mux would refuse (a brace without its
// partner, a parameter named twice) mounts: the loader warns, an unpaired brace is matched as literal text, and
// the first place of a repeated parameter is the value validated.
func TestServeMalformedTemplates(t *testing.T) {
	api, err := openapi.LoadData(t.Context(), "templates.yaml", []byte(`openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /open/{id:
    get:
      operationId: open
      responses: {"200": {description: ok, content: {application/json: {example: {op: open}}}}}
  /close/x}y:
    get:
      operationId: close
      responses: {"200": {description: ok, content: {application/json: {example: {op: close}}}}}
  /twice/{n}/again/{n}:
    get:
      operationId: twice
      parameters: [{name: n, in: path, required: true, schema: {type: integer}}]
      responses: {"200": {description: ok, content: {application/json: {example: {op: twice}}}}}
`))
	require.NoError(t, err)
	require.Len(t, api.Warnings, 3, "%v", api.Warnings)
	ts, _ := engineServer(t, Config{}, []*openapi.API{api})
	tests := []struct {
		path   string
		status int
		op     string
	}{
		{"/templates/open/%7Bid", 200, "open"},
		{"/templates/open/7", 404, ""},
		{"/templates/close/x%7Dy", 200, "close"},
		{"/templates/twice/2/again/abc", 200, "twice"},
		{"/templates/twice/abc/again/1", 400, ""},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			resp := engineDo(t, ts, "GET", tt.path, "")
			require.Equal(t, tt.status, resp.status, "body: %s", resp.body)
			if tt.op != "" {
				var body map[string]any
				require.NoError(t, json.Unmarshal(resp.body, &body))
				require.Equal(t, tt.op, body["op"])
			}
		})
	}
}

// TestRouteOrderIsTotal: the routes' specificity order is a total order, so the router's choice never depends on
// the order the document's paths came in (a map's): every triple is transitive, and sorting shuffled copies
// always gives the same order.
func TestRouteOrderIsTotal(t *testing.T) {
	for _, file := range []string{"testdata/routing.yaml", "testdata/google-like.yaml", "testdata/google-names.yaml",
		"testdata/aws-like.yaml", "testdata/infer.yaml", "../openapi/cinnox.yaml", "../openapi/carecycle.yaml"} {
		t.Run(file, func(t *testing.T) {
			api, err := openapi.LoadFile(t.Context(), file)
			require.NoError(t, err)
			routes := newPathRouter(api).routes
			require.NotEmpty(t, routes)
			for _, a := range routes {
				require.Zero(t, compareSpecificity(a, a), a.key)
				for _, b := range routes {
					require.Equal(t, compareSpecificity(a, b), -compareSpecificity(b, a), "%s vs %s", a.key, b.key)
					for _, c := range routes {
						if compareSpecificity(a, b) < 0 && compareSpecificity(b, c) < 0 {
							require.Negative(t, compareSpecificity(a, c), "%s before %s before %s, yet not %s before %s",
								a.key, b.key, c.key, a.key, c.key)
						}
					}
				}
			}
			want := keysOf(routes)
			rng := rand.New(rand.NewPCG(1, 2))
			for range 200 {
				shuffled := slices.Clone(routes)
				rng.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
				slices.SortFunc(shuffled, compareSpecificity)
				require.Equal(t, want, keysOf(shuffled))
			}
		})
	}
}

func keysOf(routes []*pathRoute) []string {
	keys := make([]string, len(routes))
	for i, r := range routes {
		keys[i] = r.key
	}
	return keys
}
