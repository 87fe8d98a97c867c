package mock

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/standin/standin/openapi"
)

// TestFreeFormQueryMap: a query parameter of an object with no properties of its own, exploded form (OpenAPI's
// default for query objects), takes every query field no other parameter of the operation declares; before,
// openapi3filter read it by its declared properties, found none, and a required one was always missing.
func TestFreeFormQueryMap(t *testing.T) {
	api, err := openapi.LoadFile(t.Context(), "testdata/freeform.yaml")
	require.NoError(t, err)
	ts, _ := engineServer(t, Config{}, []*openapi.API{api})
	for _, tc := range []struct {
		path   string
		status int
		reason string
	}{
		{"/freeform/search?name=x&labels.env=prod", 200, ""},
		{"/freeform/search?name=x&page=2", 200, ""},
		{"/freeform/search?page=2", 400, `"queryMap"`}, // page is not an entry: the map is missing
		{"/freeform/search?page=two&name=x", 400, `"page"`},
		{"/freeform/counts?a=1&b=22", 200, ""},
		{"/freeform/counts?a=one", 400, `counts`},
		{"/freeform/counts", 200, ""},
	} {
		t.Run(tc.path, func(t *testing.T) {
			resp := engineDo(t, ts, http.MethodGet, tc.path, "")
			require.Equal(t, tc.status, resp.status, "%s %s", resp.body, resp.header.Get(ReasonHeader))
			if tc.reason != "" {
				require.Contains(t, resp.header.Get(ReasonHeader)+string(resp.body), tc.reason)
			}
		})
	}
}
