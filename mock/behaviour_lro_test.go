package mock

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/standin/standin/openapi"
)

// TestInferLongRunningWrites: a Google-style API creates, patches and deletes through long-running operations
// (testdata/google-lro.yaml). The create under {parent} stores its body as the record GET /v1/{name} reads,
// named "<parent>/playlists/<playlistId>"; each write answers its Operation finished, with the record as the
// response; the list under the parent shows it until the delete, which is followed by a 404.
func TestInferLongRunningWrites(t *testing.T) {
	api, err := openapi.LoadFile(t.Context(), "testdata/google-lro.yaml")
	require.NoError(t, err)
	schemas := api.Doc.Components.Schemas
	ts, _ := engineServer(t, Config{}, []*openapi.API{api})
	do := func(method, path, body string, status int, schema string) map[string]any {
		t.Helper()
		resp := engineDo(t, ts, method, "/glro"+path, body)
		require.Equal(t, status, resp.status, "%s %s: %s", method, path, resp.body)
		var got map[string]any
		require.NoError(t, json.Unmarshal(resp.body, &got), "%s", resp.body)
		// kin-openapi's router spans no segments: the answer is checked against its schema here
		require.NoError(t, schemas[schema].Value.VisitJSON(got), "%s %s answers a valid %s: %s", method, path, schema, resp.body)
		return got
	}
	const parent = "projects/p1/locations/eu"
	const name = parent + "/playlists/u1"

	op := do(http.MethodPost, "/v1/"+parent+"/playlists?playlistId=u1",
		`{"name":"ignored","displayName":"Road trip","tracks":["a","b"]}`, http.StatusOK, "Operation")
	require.Equal(t, true, op["done"], "the operation is finished")
	require.NotContains(t, op, "error", "a finished operation that succeeded carries no error")
	require.Equal(t, map[string]any{"@type": "type.googleapis.com/Playlist", "name": name, "displayName": "Road trip",
		"tracks": []any{"a", "b"}}, op["response"], "the response is the record")

	got := do(http.MethodGet, "/v1/"+name, "", http.StatusOK, "Playlist")
	require.Equal(t, name, got["name"], "named by parent, collection and id")
	require.Equal(t, "Road trip", got["displayName"])
	require.Equal(t, []any{"a", "b"}, got["tracks"])

	list := func(parent string, query ...string) []any {
		t.Helper()
		resp := engineDo(t, ts, http.MethodGet, "/glro/v1/"+parent+"/playlists"+strings.Join(query, ""), "")
		require.Equal(t, http.StatusOK, resp.status, "%s", resp.body)
		got := resp.json(t).(map[string]any)
		require.NoError(t, schemas["ListPlaylistsResponse"].Value.VisitJSON(got), "%s", resp.body)
		require.NotContains(t, got, "nextPageToken", "the only page names no next one")
		return got["playlists"].([]any)
	}
	playlists := list(parent)
	require.Len(t, playlists, 1, "the list under the parent shows the created playlist")
	require.Equal(t, name, playlists[0].(map[string]any)["name"])
	require.Empty(t, list("projects/p1/locations/us"), "another parent has none")
	require.Len(t, list(parent, "?pageSize=0"), 1, "a page size of 0 asks for the default page, not an empty one")
	require.Len(t, list(parent, "?pageSize=1"), 1)

	op = do(http.MethodPatch, "/v1/"+name+"?updateMask=displayName", `{"displayName":"Night drive"}`, http.StatusOK, "Operation")
	require.Equal(t, true, op["done"])
	response := op["response"].(map[string]any)
	require.Equal(t, "Night drive", response["displayName"])
	require.Equal(t, name, response["name"])
	require.NotEqual(t, name, op["name"], "the operation's own name is not the record's")
	got = do(http.MethodGet, "/v1/"+name, "", http.StatusOK, "Playlist")
	require.Equal(t, "Night drive", got["displayName"])
	require.Equal(t, []any{"a", "b"}, got["tracks"], "a field the patch left out is kept")

	do(http.MethodPost, "/v1/"+parent+"/playlists?playlistId=u1", `{"displayName":"again","tracks":[]}`, http.StatusConflict, "ErrorBody")

	op = do(http.MethodDelete, "/v1/"+name, "", http.StatusOK, "Operation")
	require.Equal(t, true, op["done"])
	require.Equal(t, map[string]any{"@type": "type.googleapis.com/google.protobuf.Empty"}, op["response"])
	do(http.MethodGet, "/v1/"+name, "", http.StatusNotFound, "ErrorBody")
	require.Empty(t, list(parent), "the deleted playlist is no longer listed")
}

// TestInferLongRunningNames: how a create under {parent} names its record without the id parameter (a new id
// under the parent, or the body's name when it lies there), and a create answering an operation of another
// shape (no done, no response) that stores its body under the body's key.
func TestInferLongRunningNames(t *testing.T) {
	api, err := openapi.LoadFile(t.Context(), "testdata/google-lro.yaml")
	require.NoError(t, err)
	tests := []struct {
		name, path, body string
		read             string // the record's path; "" to take the name the create answered
		want             map[string]any
	}{
		{"new id under the parent", "/v1/projects/p2/locations/us/playlists", `{"displayName":"gen","tracks":["x"]}`, "",
			map[string]any{"displayName": "gen"}},
		{"the body's name under the parent", "/v1/projects/p2/locations/us/playlists",
			`{"name":"projects/p2/locations/us/playlists/mine","displayName":"own","tracks":[]}`,
			"/v1/projects/p2/locations/us/playlists/mine", map[string]any{"displayName": "own"}},
		{"the body's name elsewhere is replaced", "/v1/projects/p2/locations/us/playlists?playlistId=fixed",
			`{"name":"projects/other/playlists/x","displayName":"moved","tracks":[]}`,
			"/v1/projects/p2/locations/us/playlists/fixed", map[string]any{"displayName": "moved"}},
		{"another operation shape", "/v1/projects/p3/snapshots", `{"id":"s1","label":"nightly","sizeBytes":"42"}`,
			"/v1/projects/p3/snapshots/s1", map[string]any{"id": "s1", "label": "nightly", "sizeBytes": "42"}},
	}
	ts, _ := engineServer(t, Config{}, []*openapi.API{api})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := engineDo(t, ts, http.MethodPost, "/glro"+tt.path, tt.body)
			require.Equal(t, http.StatusOK, resp.status, "%s", resp.body)
			answer := resp.json(t).(map[string]any)
			read := tt.read
			if read == "" {
				created, ok := answer["response"].(map[string]any)
				require.True(t, ok, "%s", resp.body)
				parentPath, _ := strings.CutPrefix(tt.path, "/v1/")
				require.True(t, strings.HasPrefix(created["name"].(string), parentPath+"/"), "named under the parent: %v", created["name"])
				read = "/v1/" + created["name"].(string)
			}
			resp = engineDo(t, ts, http.MethodGet, "/glro"+read, "", IDsHeader, "strict")
			require.Equal(t, http.StatusOK, resp.status, "%s", resp.body)
			got := resp.json(t).(map[string]any)
			for k, v := range tt.want {
				require.Equal(t, v, got[k], k)
			}
		})
	}
}
