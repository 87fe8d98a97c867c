package mock

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/standin/standin/openapi"
)

// TestInferNested serves GitHub-style paths without x-standin: issues belong to their repository and are
// numbered per repository, a list pages by page number, an item action needs its record, and a path that names
// records by something the key field cannot hold answers the documented response.
func TestInferNested(t *testing.T) {
	api, err := openapi.LoadFile(t.Context(), "testdata/infer.yaml")
	require.NoError(t, err)
	ts, _ := engineServer(t, Config{}, []*openapi.API{api})
	do := func(method, path, body string, headers ...string) engineResponse {
		t.Helper()
		resp := engineDo(t, ts, method, "/infer"+path, body, headers...)
		engineCheckResponse(t, api, "/infer", resp)
		return resp
	}
	numbers := func(resp engineResponse) []float64 {
		var list []map[string]any
		require.NoError(t, json.Unmarshal(resp.body, &list), "%s", resp.body)
		out := []float64{}
		for _, r := range list {
			out = append(out, r["number"].(float64))
		}
		return out
	}
	for _, title := range []string{"one", "two", "three"} {
		resp := do(http.MethodPost, "/repos/a/b/issues", `{"title":"`+title+`"}`)
		require.Equal(t, http.StatusCreated, resp.status, "%s", resp.body)
	}
	resp := do(http.MethodPost, "/repos/c/d/issues", `{"title":"other"}`)
	require.Equal(t, http.StatusCreated, resp.status)
	require.EqualValues(t, 1, resp.json(t).(map[string]any)["number"], "numbered per repository")

	require.Equal(t, []float64{1, 2, 3}, numbers(do(http.MethodGet, "/repos/a/b/issues", "")))
	require.Equal(t, []float64{1}, numbers(do(http.MethodGet, "/repos/c/d/issues", "")), "each repository its own")
	require.Equal(t, []float64{2}, numbers(do(http.MethodGet, "/repos/a/b/issues?per_page=1&page=2", "")))
	require.Equal(t, []float64{3}, numbers(do(http.MethodGet, "/repos/a/b/issues?per_page=2&page=2", "")))

	resp = do(http.MethodGet, "/repos/a/b/issues/2", "")
	require.Equal(t, "two", resp.json(t).(map[string]any)["title"])
	resp = do(http.MethodGet, "/repos/c/d/issues/2", "", IDsHeader, "strict")
	require.Equal(t, http.StatusNotFound, resp.status, "issue 2 of a/b is not issue 2 of c/d")

	resp = do(http.MethodPut, "/repos/a/b/issues/2/lock", "")
	require.Equal(t, http.StatusNoContent, resp.status)
	require.Empty(t, resp.body)
	require.Equal(t, true, do(http.MethodGet, "/repos/a/b/issues/2", "").json(t).(map[string]any)["locked"],
		"the action's change is kept")
	resp = do(http.MethodPut, "/repos/a/b/issues/9/lock", "", IDsHeader, "strict")
	require.Equal(t, http.StatusNotFound, resp.status, "an action needs its record")

	resp = do(http.MethodPost, "/repos/a/b/issues/2/comments", `{"body":"hi"}`, IDsHeader, "strict")
	require.Equal(t, http.StatusCreated, resp.status, "a comment on an issue that exists")
	resp = do(http.MethodPost, "/repos/a/b/issues/99/comments", `{"body":"hi"}`, IDsHeader, "strict")
	require.Equal(t, http.StatusNotFound, resp.status, "strict ids: the parent issue must exist")
	resp = do(http.MethodGet, "/repos/a/b/issues/99/comments", "", IDsHeader, "strict")
	require.Equal(t, http.StatusNotFound, resp.status)
	resp = do(http.MethodPost, "/repos/a/b/issues/99/comments", `{"body":"hi"}`)
	require.Equal(t, http.StatusCreated, resp.status, "ids not strict: no parent check")

	resp = do(http.MethodGet, "/users/octocat", "")
	require.Equal(t, http.StatusOK, resp.status, "%s", resp.body)
	require.Contains(t, resp.header.Get(ReasonHeader), "does not fit the id field")
	resp = do(http.MethodGet, "/users/octocat", "", IDsHeader, "strict")
	require.Equal(t, http.StatusNotFound, resp.status)
}

// TestInferCreateAnsweringSummary: a POST on a collection whose answer is a summary of the record (the key and a
// few fields) and whose body writes the record's fields is a create: the client's key is kept, the answer shows
// it, and the read that follows returns what was written with the answer's other fields.
func TestInferCreateAnsweringSummary(t *testing.T) {
	api, err := openapi.LoadFile(t.Context(), "testdata/summary-create.yaml")
	require.NoError(t, err)
	require.NotNil(t, api.Operation("CreateEntity").Behaviour, "a create")
	require.Equal(t, openapi.ActionCreate, api.Operation("CreateEntity").Behaviour.Action)
	ts, _ := engineServer(t, Config{}, []*openapi.API{api})
	do := func(method, path, body string, headers ...string) engineResponse {
		t.Helper()
		resp := engineDo(t, ts, method, "/summary"+path, body, headers...)
		engineCheckResponse(t, api, "/summary", resp)
		return resp
	}
	resp := do(http.MethodPost, "/workspaces/w1/entities", `{"entityId":"e-1","entityName":"pump","description":"hello"}`)
	require.Equal(t, http.StatusOK, resp.status, "%s", resp.body)
	created := resp.json(t).(map[string]any)
	require.Equal(t, "e-1", created["entityId"], "the client's key")

	resp = do(http.MethodGet, "/workspaces/w1/entities/e-1", "", IDsHeader, "strict")
	require.Equal(t, http.StatusOK, resp.status, "%s", resp.body)
	read := resp.json(t).(map[string]any)
	require.Equal(t, "pump", read["entityName"])
	require.Equal(t, "hello", read["description"])
	require.Equal(t, created["arn"], read["arn"], "the answer and the read agree")
	require.Equal(t, created["state"], read["state"])

	resp = do(http.MethodGet, "/workspaces/w2/entities/e-1", "", IDsHeader, "strict")
	require.Equal(t, http.StatusNotFound, resp.status, "created in w1 only")
}

func TestInferSearchIsNotACreate(t *testing.T) {
	api, err := openapi.LoadFile(t.Context(), "testdata/summary-create.yaml")
	require.NoError(t, err)
	b := api.Operation("SearchEntities").Behaviour
	require.True(t, b == nil || b.Action != openapi.ActionCreate, "a body of filters writes no record: %+v", b)
}
