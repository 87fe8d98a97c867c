package mock

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/require"

	"github.com/standin/standin/openapi"
)

func errCacheServer(t testing.TB, seed uint64) *httptest.Server {
	api, err := openapi.LoadFile(t.Context(), "testdata/doc-errors.yaml")
	require.NoError(t, err)
	ts, _ := engineServer(t, Config{Seed: seed, StrictIDs: true}, []*openapi.API{api})
	return ts
}

// TestErrorBodyTemplate: a generated error body is the same for every request to an operation (for a seed), with
// only the failure's reason varying, and it still validates against the document.
func TestErrorBodyTemplate(t *testing.T) {
	api, err := openapi.LoadFile(t.Context(), "testdata/doc-errors.yaml")
	require.NoError(t, err)
	ts := errCacheServer(t, 7)
	post := func(ts *httptest.Server, body string) (map[string]any, string) {
		resp := engineDo(t, ts, http.MethodPost, "/doc-errors/v1/conflict", body)
		require.Equal(t, http.StatusConflict, resp.status, "%s", resp.body)
		engineCheckResponse(t, api, "/doc-errors", resp)
		var v map[string]any
		require.NoError(t, json.Unmarshal(resp.body, &v))
		reason := resp.header.Get(ReasonHeader)
		require.Equal(t, reason, v["detail"], "the reason goes in the message field")
		require.Equal(t, 409.0, v["status"])
		return v, reason
	}
	a, reasonA := post(ts, `{}`)
	b, reasonB := post(ts, `{"name":""}`)
	again, _ := post(ts, `{}`)
	require.Equal(t, a, again, "the same request, the same answer")
	require.NotEqual(t, reasonA, reasonB)
	delete(a, "detail")
	delete(b, "detail")
	require.Equal(t, a, b, "only the reason varies between requests")

	// Another server with the same seed answers the same body, whatever came first.
	other, _ := post(errCacheServer(t, 7), `{"name":""}`)
	delete(other, "detail")
	require.Equal(t, b, other)

	// A 404 of a record never created (strict ids) is documented the same way.
	for _, id := range []string{"a1", "b2"} {
		resp := engineDo(t, ts, http.MethodGet, "/doc-errors/v1/widgets/"+id, "")
		require.Equal(t, http.StatusNotFound, resp.status, "%s", resp.body)
		engineCheckResponse(t, api, "/doc-errors", resp)
	}
}

// TestErrorBodyConstrained: only a plain string reached through plain objects skips the per-answer validation.
func TestErrorBodyConstrained(t *testing.T) {
	str := &openapi3.SchemaRef{Value: openapi3.NewStringSchema()}
	limited := &openapi3.SchemaRef{Value: openapi3.NewStringSchema().WithMaxLength(10)}
	patterned := &openapi3.SchemaRef{Value: openapi3.NewStringSchema().WithPattern("^[a-z]+$")}
	obj := func(props map[string]*openapi3.SchemaRef) *openapi3.SchemaRef {
		s := openapi3.NewObjectSchema()
		s.Properties = props
		return &openapi3.SchemaRef{Value: s}
	}
	anyOf := obj(map[string]*openapi3.SchemaRef{"message": str})
	anyOf.Value.AnyOf = openapi3.SchemaRefs{str}
	tests := []struct {
		name   string
		schema *openapi3.SchemaRef
		path   []string
		want   bool
	}{
		{"plain string", obj(map[string]*openapi3.SchemaRef{"message": str}), []string{"message"}, false},
		{"nested plain string", obj(map[string]*openapi3.SchemaRef{"error": obj(map[string]*openapi3.SchemaRef{"message": str})}), []string{"error", "message"}, false},
		{"length limit (checked per answer)", obj(map[string]*openapi3.SchemaRef{"message": limited}), []string{"message"}, false},
		{"pattern", obj(map[string]*openapi3.SchemaRef{"message": patterned}), []string{"message"}, true},
		{"combinator on the way", anyOf, []string{"message"}, true},
		{"unknown member", obj(nil), []string{"message"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, plain := plainString(tt.schema, tt.path)
			require.Equal(t, tt.want, !plain)
		})
	}
}

func BenchmarkErrorBody404(b *testing.B) {
	ts := errCacheServer(b, 1)
	client := ts.Client()
	b.ReportAllocs()
	for b.Loop() {
		resp, err := client.Get(ts.URL + "/doc-errors/v1/widgets/nope")
		require.NoError(b, err)
		_ = resp.Body.Close()
		require.Equal(b, http.StatusNotFound, resp.StatusCode)
	}
}

// TestErrorBodyLengthLimit: a reason longer than the message field allows leaves the generated text in it.
func TestErrorBodyLengthLimit(t *testing.T) {
	api, err := openapi.LoadFile(t.Context(), "testdata/errcache.yaml")
	require.NoError(t, err)
	ts, _ := engineServer(t, Config{Seed: 3}, []*openapi.API{api})
	for _, tt := range []struct {
		path           string
		reason, nested bool
	}{{"/short", false, false}, {"/long", true, false}, {"/short", false, false}, {"/nested", false, true}, {"/nested", false, true}} {
		resp := engineDo(t, ts, http.MethodPost, "/errcache/v1"+tt.path, `{"name":""}`)
		if tt.nested {
			require.Equal(t, http.StatusBadRequest, resp.status, "%s", resp.body)
			engineCheckResponse(t, api, "/errcache", resp)
			var body struct{ Info map[string]any }
			require.NoError(t, json.Unmarshal(resp.body, &body))
			require.NotEqual(t, resp.header.Get(ReasonHeader), body.Info["detail"], "too long for the field")
			continue
		}
		require.Equal(t, http.StatusBadRequest, resp.status, "%s", resp.body)
		engineCheckResponse(t, api, "/errcache", resp)
		var body map[string]any
		require.NoError(t, json.Unmarshal(resp.body, &body))
		reason := resp.header.Get(ReasonHeader)
		require.Greater(t, len(reason), 20)
		if tt.reason {
			require.Equal(t, reason, body["detail"])
		} else {
			require.NotEqual(t, reason, body["detail"])
			require.NotEmpty(t, body["detail"])
		}
	}
}

// TestErrorBodySharedBySchema: operations whose error response is the same named schema share one template per
// status and media type, so the first error answer of a second operation generates nothing.
func TestErrorBodySharedBySchema(t *testing.T) {
	api, err := openapi.LoadFile(t.Context(), "testdata/doc-errors.yaml")
	require.NoError(t, err)
	ts, srv := engineServer(t, Config{Seed: 3, StrictIDs: true}, []*openapi.API{api})
	var bodies []map[string]any
	for _, path := range []string{"/doc-errors/v1/ranged", "/doc-errors/v1/fallback"} {
		resp := engineDo(t, ts, http.MethodPost, path, `{}`)
		require.Equal(t, http.StatusBadRequest, resp.status, "%s: %s", path, resp.body)
		engineCheckResponse(t, api, "/doc-errors", resp)
		var v map[string]any
		require.NoError(t, json.Unmarshal(resp.body, &v))
		bodies = append(bodies, v)
	}
	require.Equal(t, bodies[0], bodies[1])
	c := srv.byName["doc-errors"].errBodies
	c.mu.Lock()
	defer c.mu.Unlock()
	require.Len(t, c.m, 1, "one template for the two operations")
	for k := range c.m {
		require.Nil(t, k.resp)
		require.Same(t, api.Doc.Components.Schemas["Problem"].Value, k.op)
	}
}
