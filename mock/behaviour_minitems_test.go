package mock

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/standin/standin/openapi"
)

// TestListMinItems: an inferred list whose response array demands minItems answers at least that many items
// when the collection holds fewer (records first, then documented or generated items), for an array answer and
// for an array inside an object answer; a collection with enough records answers just its records.
func TestListMinItems(t *testing.T) {
	api, err := openapi.LoadFile(t.Context(), "testdata/list-minitems.yaml")
	require.NoError(t, err)
	require.NotNil(t, api.Operation("listTags").Behaviour)
	require.NotNil(t, api.Operation("listNotes").Behaviour)
	ts, _ := engineServer(t, Config{}, []*openapi.API{api})
	items := func(path, field string) []any {
		t.Helper()
		resp := engineDo(t, ts, http.MethodGet, path, "")
		require.Equal(t, http.StatusOK, resp.status, "%s", resp.body)
		engineCheckResponse(t, api, "/list-minitems", resp)
		if field == "" {
			return resp.json(t).([]any)
		}
		return resp.json(t).(map[string]any)[field].([]any)
	}
	require.Len(t, items("/list-minitems/tags", ""), 2)
	require.Len(t, items("/list-minitems/notes", "data"), 1)

	var ids []string
	for _, label := range []string{"red", "green", "blue"} {
		resp := engineDo(t, ts, http.MethodPost, "/list-minitems/tags", `{"id":"`+label+`","label":"`+label+`"}`)
		require.Equal(t, http.StatusCreated, resp.status, "%s", resp.body)
		ids = append(ids, resp.json(t).(map[string]any)["id"].(string))
		got := items("/list-minitems/tags", "")
		require.Len(t, got, max(2, len(ids)))
		require.Equal(t, ids[0], got[0].(map[string]any)["id"], "the record comes first")
	}
}
