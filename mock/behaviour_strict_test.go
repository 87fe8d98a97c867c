package mock

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/standin/standin/openapi"
)

// TestInferStrictIDs runs strict ids over GitHub-style paths: an operation without a behaviour (a summary that is
// no record) answers its documented 404 when the issue its path names was never created, and its answer once the
// issue exists; an update that documents no 404 materialises the issue it names, so its answer and the next
// strict read agree; ids that are not strict leave every answer alone.
func TestInferStrictIDs(t *testing.T) {
	api, err := openapi.LoadFile(t.Context(), "testdata/infer.yaml")
	require.NoError(t, err)
	ts, _ := engineServer(t, Config{}, []*openapi.API{api})
	strict := []string{IDsHeader, "strict"}
	tests := []struct {
		name, method, path, body string
		headers                  []string
		want                     int
		wantTitle                string // the title in the answer
		reason                   string // in X-Standin-Reason
	}{
		{"no behaviour, issue never created", http.MethodGet, "/repos/a/b/issues/5/timeline/summary", "", strict, 404, "", ""},
		{"no behaviour, ids not strict", http.MethodGet, "/repos/a/b/issues/5/timeline/summary", "", nil, 200, "", ""},
		{"update documenting no 404 materialises", http.MethodPatch, "/repos/a/b/issues/7", `{"title":"patched"}`, strict, 200, "patched",
			"documents no 404: a record never created is materialised"},
		{"the strict read finds the updated issue", http.MethodGet, "/repos/a/b/issues/7", "", strict, 200, "patched", ""},
		{"no behaviour, the issue now exists", http.MethodGet, "/repos/a/b/issues/7/timeline/summary", "", strict, 200, "", ""},
		{"a create under a missing parent", http.MethodPost, "/repos/a/b/issues/8/comments", `{"body":"x"}`, strict, 404, "", ""},
		{"a create under the materialised parent", http.MethodPost, "/repos/a/b/issues/7/comments", `{"body":"x"}`, strict, 201, "", ""},
		{"a strict read documenting 404 does not materialise", http.MethodGet, "/repos/a/b/issues/9", "", strict, 404, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := engineDo(t, ts, tt.method, "/infer"+tt.path, tt.body, tt.headers...)
			require.Equal(t, tt.want, resp.status, "%s", resp.body)
			engineCheckResponse(t, api, "/infer", resp)
			if tt.wantTitle != "" {
				require.Equal(t, tt.wantTitle, resp.json(t).(map[string]any)["title"])
			}
			require.Contains(t, resp.header.Get(ReasonHeader), tt.reason)
		})
	}
}

// TestInferStrictIDsWriteThenRead: an update that documents no 404 materialises a comment under an issue and a
// repository never created; the strict read of that comment (which documents 404) then finds it, though its
// issue does not exist: the record vouches for the records above it.
func TestInferStrictIDsWriteThenRead(t *testing.T) {
	api, err := openapi.LoadFile(t.Context(), "testdata/infer.yaml")
	require.NoError(t, err)
	ts, _ := engineServer(t, Config{}, []*openapi.API{api})
	strict := []string{IDsHeader, "strict"}
	resp := engineDo(t, ts, http.MethodPatch, "/infer/repos/a/b/issues/3/comments/11", `{"body":"edited"}`, strict...)
	require.Equal(t, http.StatusOK, resp.status, "%s", resp.body)
	require.Contains(t, resp.header.Get(ReasonHeader), "documents no 404")
	resp = engineDo(t, ts, http.MethodGet, "/infer/repos/a/b/issues/3/comments/11", "", strict...)
	require.Equal(t, http.StatusOK, resp.status, "%s", resp.body)
	require.Equal(t, "edited", resp.json(t).(map[string]any)["body"])
	resp = engineDo(t, ts, http.MethodGet, "/infer/repos/a/b/issues/3/comments/12", "", strict...)
	require.Equal(t, http.StatusNotFound, resp.status, "another comment of the missing issue: %s", resp.body)
}

// TestInferPutCreates: a PUT on an item creates the record its path names when there is none, under strict ids
// too, with the path's id (not the body's) and the body's values; its parent must exist under strict ids.
func TestInferPutCreates(t *testing.T) {
	api, err := openapi.LoadFile(t.Context(), "testdata/infer.yaml")
	require.NoError(t, err)
	ts, _ := engineServer(t, Config{}, []*openapi.API{api})
	strict := []string{IDsHeader, "strict"}
	require.Equal(t, http.StatusCreated, engineDo(t, ts, http.MethodPost, "/infer/repos/a/b/issues", `{"title":"t"}`, strict...).status)
	tests := []struct {
		name, method, path, body string
		want                     int
		wantBody                 string
	}{
		{"PUT creates under an existing issue", http.MethodPut, "/repos/a/b/issues/1/comments/21", `{"id":99,"body":"first"}`, 200, "first"},
		{"the read finds it, under the path's id", http.MethodGet, "/repos/a/b/issues/1/comments/21", "", 200, "first"},
		{"the body's id made no other record", http.MethodGet, "/repos/a/b/issues/1/comments/99", "", 404, ""},
		{"PUT again replaces the values", http.MethodPut, "/repos/a/b/issues/1/comments/21", `{"body":"second"}`, 200, "second"},
		{"and the read agrees", http.MethodGet, "/repos/a/b/issues/1/comments/21", "", 200, "second"},
		{"PUT under an issue never created", http.MethodPut, "/repos/a/b/issues/2/comments/21", `{"body":"x"}`, 404, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := engineDo(t, ts, tt.method, "/infer"+tt.path, tt.body, strict...)
			require.Equal(t, tt.want, resp.status, "%s", resp.body)
			engineCheckResponse(t, api, "/infer", resp)
			if tt.wantBody != "" {
				got := resp.json(t).(map[string]any)
				require.Equal(t, tt.wantBody, got["body"])
				require.EqualValues(t, 21, got["id"])
			}
		})
	}
}

// TestIDsHeaderCanonical: strictRequest reads the header map with IDsHeader as it is, so the name must be in
// the form net/http gives the header names it reads.
func TestIDsHeaderCanonical(t *testing.T) {
	if got := http.CanonicalHeaderKey(IDsHeader); got != IDsHeader {
		t.Fatalf("IDsHeader %q is not canonical (%q)", IDsHeader, got)
	}
}
