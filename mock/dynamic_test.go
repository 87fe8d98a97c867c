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

const enquiryDetail = "/cinnox/v1/api/apps/app1/data/enquiry-detail?startAt=2000-01-01T00:00:00Z&endAt=2100-01-01T00:00:00Z"

// dynamicPageOf reads a dynamic answer's list: the body, or its field when field is not "".
func dynamicPageOf(t *testing.T, r engineResponse, field string) []any {
	t.Helper()
	require.Equal(t, http.StatusOK, r.status, "body: %s", r.body)
	v := r.json(t)
	if field != "" {
		obj, ok := v.(map[string]any)
		require.True(t, ok, "want an object, got %s", r.body)
		v = obj[field]
	}
	list, ok := v.([]any)
	require.True(t, ok, "want a list, got %s", r.body)
	return list
}

// requireDistinctValid checks that every item is valid against schema (as a response) and that the items' id
// fields all differ.
func requireDistinctValid(t *testing.T, items []any, schema *openapi3.Schema, idField string) {
	t.Helper()
	ids := map[any]bool{}
	for i, it := range items {
		require.NoError(t, schema.VisitJSON(it, openapi3.VisitAsResponse()), "item %d", i)
		id := it.(map[string]any)[idField]
		require.NotNil(t, id, "item %d has no %s", i, idField)
		require.False(t, ids[id], "item %d repeats %s %v", i, idField, id)
		ids[id] = true
	}
}

// TestDynamicListCinnox asks CINNOX's enquiry-detail list for dynamic data: the page holds as many distinct
// generated records as limit asks (the parameter's default, 50, without limit), valid against EnquiryRecord, the
// same bytes from a second server with the same seed, and other records with another seed. The offset moves the
// window over the same generated records.
func TestDynamicListCinnox(t *testing.T) {
	apis := engineAPIs(t, "cinnox")
	record := apis[0].Doc.Components.Schemas["EnquiryRecord"].Value
	ts1, _ := engineServer(t, Config{Seed: 7}, apis)
	ts2, _ := engineServer(t, Config{Seed: 7}, engineAPIs(t, "cinnox"))
	ts3, _ := engineServer(t, Config{Seed: 8}, engineAPIs(t, "cinnox"))
	get := func(ts *httptest.Server, query string) engineResponse {
		return engineDo(t, ts, http.MethodGet, enquiryDetail+query, "", "Authorization", engineBearer, "Prefer", "dynamic=true")
	}
	tests := []struct {
		name  string
		query string
		want  int
	}{
		{"limit 5", "&limit=5", 5},
		{"limit 1", "&limit=1", 1},
		{"limit 0", "&limit=0", 0},
		{"no limit: the parameter's default", "", 50},
		{"limit at the parameter's maximum", "&limit=500", 500},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			first := get(ts1, tt.query)
			items := dynamicPageOf(t, first, "")
			require.Len(t, items, tt.want)
			requireDistinctValid(t, items, record, "_id")
			again := get(ts2, tt.query)
			require.Equal(t, string(first.body), string(again.body), "same seed, same request: same bytes")
			if tt.want > 0 {
				require.NotEqual(t, string(first.body), string(get(ts3, tt.query).body), "another seed: other records")
			}
		})
	}
	t.Run("Prism's __dynamic", func(t *testing.T) {
		r := engineDo(t, ts1, http.MethodGet, enquiryDetail+"&limit=3&__dynamic=true", "", "Authorization", engineBearer)
		require.Len(t, dynamicPageOf(t, r, ""), 3)
	})
	t.Run("offset moves the window", func(t *testing.T) {
		all := dynamicPageOf(t, get(ts1, "&limit=8"), "")
		window := dynamicPageOf(t, get(ts1, "&limit=3&offset=5"), "")
		require.Equal(t, all[5:8], window)
	})
	t.Run("without Prefer the list is the stored records", func(t *testing.T) {
		r := engineDo(t, ts1, http.MethodGet, enquiryDetail+"&limit=5", "", "Authorization", engineBearer)
		items := dynamicPageOf(t, r, "")
		require.NotEmpty(t, items)
		require.Equal(t, "6369b3f0c2a4e1a9d1f0a001", items[0].(map[string]any)["_id"], "the fixtures' first enquiry")
	})
}

// TestDynamicListShapes covers a bare array paged by limit without a maximum (capped at dynamicMaxItems), a list
// inside an envelope paged by per_page and page, an array without a page size (dynamicDefaultItems), an array
// bounded by minItems and maxItems, and an operation that is not a list (one record, as before).
func TestDynamicListShapes(t *testing.T) {
	api, err := openapi.LoadFile(t.Context(), "testdata/dynamic-lists.yaml")
	require.NoError(t, err)
	widget := api.Doc.Components.Schemas["Widget"].Value
	ts, _ := engineServer(t, Config{Seed: 3}, []*openapi.API{api})
	base := "/" + api.Name
	tests := []struct {
		name, path, field string
		want              int
	}{
		{"bare array, limit", "/widgets?limit=7", "", 7},
		{"bare array, limit above the cap", "/widgets?limit=5000", "", dynamicMaxItems},
		{"bare array, no limit and no default", "/widgets", "", dynamicDefaultItems},
		{"envelope, per_page", "/gadgets?per_page=6", "data", 6},
		{"envelope, per_page's default", "/gadgets", "data", 4},
		{"no page size parameter", "/plain", "", dynamicDefaultItems},
		{"below minItems", "/bounded?pageSize=1", "", 2},
		{"above maxItems", "/bounded?pageSize=40", "", 6},
		{"within the bounds", "/bounded?pageSize=3", "", 3},
		{"bounded, no page size: minItems", "/bounded", "", 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := engineDo(t, ts, http.MethodGet, base+tt.path, "", "Prefer", "dynamic=true")
			items := dynamicPageOf(t, r, tt.field)
			require.Len(t, items, tt.want)
			requireDistinctValid(t, items, widget, "id")
			if tt.field != "" {
				var env map[string]any
				require.NoError(t, json.Unmarshal(r.body, &env))
				require.Equal(t, "list", env["object"], "the rest of the envelope is generated from its schema")
			}
		})
	}
	t.Run("envelope, page 2", func(t *testing.T) {
		all := dynamicPageOf(t, engineDo(t, ts, http.MethodGet, base+"/gadgets?per_page=6", "", "Prefer", "dynamic=true"), "data")
		second := dynamicPageOf(t, engineDo(t, ts, http.MethodGet, base+"/gadgets?per_page=3&page=2", "", "Prefer", "dynamic=true"), "data")
		require.Equal(t, all[3:6], second)
	})
	t.Run("not a list: one record", func(t *testing.T) {
		r := engineDo(t, ts, http.MethodGet, base+"/widgets/w1", "", "Prefer", "dynamic=true")
		require.Equal(t, http.StatusOK, r.status, "body: %s", r.body)
		v, ok := r.json(t).(map[string]any)
		require.True(t, ok, "want one record, got %s", r.body)
		require.NoError(t, widget.VisitJSON(v, openapi3.VisitAsResponse()))
	})
}
