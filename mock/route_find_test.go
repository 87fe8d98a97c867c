package mock

import (
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/routers"
	"github.com/stretchr/testify/require"

	"github.com/standin/standin/openapi"
)

// findRouteByPasses is FindRoute as it was written before findPass: every match of a pass listed (matchPass),
// then the first with the method taken. findPass stops early and shares the routes it hands out; the answers
// must be the same.
func findRouteByPasses(pr *pathRouter, req *http.Request) (*routers.Route, map[string]string, error) {
	found := false
	for _, spanning := range []bool{false, true} {
		if spanning && !pr.spanning {
			break
		}
		matches := pr.matchPass(req, true, spanning)
		found = found || len(matches) > 0
		for _, method := range methodsFor(req.Method) {
			for _, m := range matches {
				if op := m.route.item.GetOperation(method); op != nil {
					return &routers.Route{Spec: pr.doc, Path: m.route.key, PathItem: m.route.item, Method: method,
						Operation: op}, m.params, nil
				}
			}
		}
	}
	if !found {
		return nil, nil, routers.ErrPathNotFound
	}
	return nil, nil, routers.ErrMethodNotAllowed
}

// TestFindRouteAsMatchPass: on the bundled specs and every test document, for paths made from each template
// (parameters filled with plain, escaped and segment-spanning values) and each method, FindRoute answers as
// findRouteByPasses does, and so does findBelow for the same request below a mount prefix, filling the map the
// last match returned, emptied, as a recycled exchange's.
func TestFindRouteAsMatchPass(t *testing.T) {
	var apis []*openapi.API
	for _, name := range openapi.Bundled() {
		api, err := openapi.Load(t.Context(), name)
		require.NoError(t, err)
		apis = append(apis, api)
	}
	files, _ := filepath.Glob("testdata/*.yaml")
	for _, f := range files {
		if api, err := openapi.LoadFile(t.Context(), f); err == nil {
			apis = append(apis, api)
		}
	}
	require.NotEmpty(t, apis)
	checked := 0
	recycled := map[string]string{}
	for _, api := range apis {
		pr := newPathRouter(api)
		for _, r := range pr.routes {
			for _, value := range []string{"abc", "a%2Fb", "a/b", "x:y", "42"} {
				var b strings.Builder
				b.WriteString(pr.base)
				for _, p := range r.parts {
					if p.param != "" {
						b.WriteString(value)
					} else {
						b.WriteString(p.lit)
					}
				}
				for _, c := range r.conds {
					if c.in != "header" {
						sep := "?"
						if strings.Contains(b.String(), "?") {
							sep = "&"
						}
						b.WriteString(sep + c.name + "=" + c.value)
					}
				}
				for _, method := range []string{"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"} {
					req := httptest.NewRequest(method, "http://x"+b.String(), nil)
					for _, c := range r.conds {
						if c.in != "query" {
							req.Header.Set(c.name, c.value)
						}
					}
					route, params, err := pr.FindRoute(req)
					wantRoute, wantParams, wantErr := findRouteByPasses(pr, req)
					require.Equal(t, wantErr, err, "%s %s %s", api.Name, method, req.URL)
					require.Equal(t, wantParams, params, "%s %s %s", api.Name, method, req.URL)
					if wantRoute != nil {
						require.NotNil(t, route)
						require.Equal(t, *wantRoute, *route, "%s %s %s", api.Name, method, req.URL)
					}
					// Below a mount prefix, as the route stage matches it: findBelow answers as the probe request did.
					mounted := httptest.NewRequest(method, "http://x/mnt"+b.String(), nil)
					mounted.Header = req.Header
					below := strings.TrimPrefix(mounted.URL.Path, "/mnt")
					clear(recycled) // as a recycled exchange's map: the last match's, emptied
					route, params, err = pr.findBelow(mounted, below, recycled)
					if params != nil {
						recycled = params
					}
					wantRoute, wantParams, wantErr = findRouteByPasses(pr, routeProbe(mounted, below))
					require.Equal(t, wantErr, err, "mounted %s %s %s", api.Name, method, mounted.URL)
					require.Equal(t, wantParams, params, "mounted %s %s %s", api.Name, method, mounted.URL)
					if wantRoute != nil {
						require.NotNil(t, route)
						require.Equal(t, *wantRoute, *route, "mounted %s %s %s", api.Name, method, mounted.URL)
					}
					checked++
				}
			}
		}
	}
	t.Logf("%d requests routed alike", checked)
}
