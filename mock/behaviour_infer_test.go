package mock

import (
	"encoding/json"
	"net/http"
	"strings"
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

	resp = do(http.MethodGet, "/accounts/acme", "")
	require.Equal(t, http.StatusOK, resp.status, "%s", resp.body)
	require.Contains(t, resp.header.Get(ReasonHeader), "does not fit the id field")
	resp = do(http.MethodGet, "/accounts/acme", "", IDsHeader, "strict")
	require.Equal(t, http.StatusNotFound, resp.status)
}

// TestInferHandleKey: a string path parameter that is no id by its name ({org}, {username}) names a record whose
// id is an integer by its login, so that a write and the next read of /orgs/acme agree; an unknown login stays
// 404 with strict ids.
func TestInferHandleKey(t *testing.T) {
	api, err := openapi.LoadFile(t.Context(), "testdata/infer.yaml")
	require.NoError(t, err)
	for _, op := range []string{"getOrg", "updateOrg", "getUser"} {
		b := api.Operation(op).Behaviour
		require.NotNil(t, b, op)
		require.Equal(t, "login", api.Collections[b.Resource].Key, op)
	}
	require.Equal(t, "id", api.Collections[api.Operation("getAccount").Behaviour.Resource].Key, "no handle field: the id")
	ts, _ := engineServer(t, Config{}, []*openapi.API{api})
	do := func(method, path, body string, headers ...string) engineResponse {
		t.Helper()
		resp := engineDo(t, ts, method, "/infer"+path, body, headers...)
		engineCheckResponse(t, api, "/infer", resp)
		return resp
	}
	tests := []struct {
		name, method, path, body string
		strict                   bool
		status                   int
		want                     map[string]any
	}{
		{"an unknown login is not found", http.MethodGet, "/orgs/acme", "", true, http.StatusNotFound, nil},
		{"the write names the record by its login", http.MethodPatch, "/orgs/acme", `{"description":"rockets"}`, true,
			http.StatusOK, map[string]any{"login": "acme", "description": "rockets"}},
		{"the read finds it", http.MethodGet, "/orgs/acme", "", true, http.StatusOK, map[string]any{"login": "acme", "description": "rockets"}},
		{"another login is another record", http.MethodGet, "/orgs/other", "", true, http.StatusNotFound, nil},
		{"a user by login materialises", http.MethodGet, "/users/octocat", "", false, http.StatusOK, map[string]any{"login": "octocat"}},
	}
	for _, tt := range tests {
		var headers []string
		if tt.strict {
			headers = []string{IDsHeader, "strict"}
		}
		resp := do(tt.method, tt.path, tt.body, headers...)
		require.Equal(t, tt.status, resp.status, "%s: %s", tt.name, resp.body)
		got, _ := resp.json(t).(map[string]any)
		for k, v := range tt.want {
			require.Equal(t, v, got[k], "%s: %s", tt.name, k)
		}
		if tt.want != nil {
			require.IsType(t, float64(0), got["id"], "%s: the record keeps an integer id", tt.name)
		}
	}
}

// TestInferNestedFields: a write whose body carries at the top level fields the record holds under an object
// property (Azure's PATCH {displayName} against properties.displayName) writes them there, so the answer and the
// next read show them; the property marked x-ms-client-flatten wins over another holding the same field.
func TestInferNestedFields(t *testing.T) {
	api, err := openapi.LoadFile(t.Context(), "testdata/azure-flatten.yaml")
	require.NoError(t, err)
	ts, _ := engineServer(t, Config{}, []*openapi.API{api})
	mount := "/" + api.Name
	do := func(method, path, body string) map[string]any {
		t.Helper()
		resp := engineDo(t, ts, method, mount+path, body)
		engineCheckResponse(t, api, mount, resp)
		require.Equal(t, http.StatusOK, resp.status, "%s %s: %s", method, path, resp.body)
		return resp.json(t).(map[string]any)
	}
	props := func(rec map[string]any) map[string]any {
		t.Helper()
		p, ok := rec["properties"].(map[string]any)
		require.True(t, ok, "%v", rec)
		return p
	}
	before := props(do(http.MethodGet, "/providers/Example/groups/g1", ""))
	answer := do(http.MethodPatch, "/providers/Example/groups/g1", `{"displayName":"Finance","parentId":"/providers/Example/groups/root"}`)
	require.Equal(t, "Finance", props(answer)["displayName"], "the answer shows the write")
	read := props(do(http.MethodGet, "/providers/Example/groups/g1", ""))
	require.Equal(t, "Finance", read["displayName"], "the read shows the write")
	require.Equal(t, before["tenantId"], read["tenantId"], "the other properties stay")
	require.Equal(t, before["details"], read["details"])
	require.NotContains(t, read, "parentId", "a field the record has nowhere is not stored")

	do(http.MethodPut, "/providers/Example/groups/g2", `{"properties":{"displayName":"Ops"}}`)
	do(http.MethodPatch, "/providers/Example/groups/g2", `{"displayName":"Ops 2"}`)
	require.Equal(t, "Ops 2", props(do(http.MethodGet, "/providers/Example/groups/g2", ""))["displayName"])

	for _, severity := range []string{"critical", "minimal"} {
		old := do(http.MethodGet, "/providers/Example/tickets/t1", "")
		answer = do(http.MethodPatch, "/providers/Example/tickets/t1", `{"severity":"`+severity+`"}`)
		require.Equal(t, severity, props(answer)["severity"])
		read := do(http.MethodGet, "/providers/Example/tickets/t1", "")
		require.Equal(t, severity, props(read)["severity"])
		require.Equal(t, old["history"], read["history"], "the other holder of severity is left alone")
	}
}

// TestInferGoogleNames: Google's "/v1/{name}" serves every resource; with an item action on the same template
// listed first under another parameter name, a PATCH and the GET of the same resource name still address one
// record.
func TestInferGoogleNames(t *testing.T) {
	api, err := openapi.LoadFile(t.Context(), "testdata/google-names.yaml")
	require.NoError(t, err)
	for _, op := range []string{"urlLists.get", "urlLists.patch", "urlLists.delete", "addressGroups.addItems"} {
		b := api.Operation(op).Behaviour
		require.NotNil(t, b, op)
		require.Equal(t, "name", api.Collections[b.Resource].Key, op)
	}
	ts, _ := engineServer(t, Config{}, []*openapi.API{api})
	do := func(method, path, body string, status int) map[string]any {
		t.Helper()
		resp := engineDo(t, ts, method, "/gnames"+path, body, IDsHeader, "strict")
		if !strings.Contains(strings.TrimPrefix(path, "/v1/"), "/") { // kin-openapi's router spans no segments
			engineCheckResponse(t, api, "/gnames", resp)
		}
		require.Equal(t, status, resp.status, "%s %s: %s", method, path, resp.body)
		got, _ := resp.json(t).(map[string]any)
		return got
	}
	const name = "projects/p1/locations/global/urlLists/blocked"
	for _, path := range []string{"/v1/" + name, "/v1/standin-plain"} {
		do(http.MethodPatch, path+"?updateMask=description", `{"description":"no gambling","values":["bet.example"]}`, http.StatusOK)
		got := do(http.MethodGet, path, "", http.StatusOK)
		require.Equal(t, "no gambling", got["description"], path)
		require.Equal(t, []any{"bet.example"}, got["values"], path)
		require.Equal(t, strings.TrimPrefix(path, "/v1/"), got["name"], "the record's name is its resource name")
		do(http.MethodDelete, path, "", http.StatusOK)
	}
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
