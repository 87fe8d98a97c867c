package mock

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/standin/standin/openapi"
)

// TestSessionIDsSetting turns strict ids on for one session through the admin API (what a contract run can do
// instead of sending X-Standin-Ids on every request): that session answers 404 for an issue never created,
// another session still materialises it, the header still wins per request, and "" gives the decision back to
// the server.
func TestSessionIDsSetting(t *testing.T) {
	api, err := openapi.LoadFile(t.Context(), "testdata/infer.yaml")
	require.NoError(t, err)
	ts, _ := engineServer(t, Config{}, []*openapi.API{api})
	settings := func(method, session, body string) engineResponse {
		t.Helper()
		return engineDo(t, ts, method, AdminPrefix+"settings", body, SessionHeader, session)
	}
	get := func(session, path string, headers ...string) int {
		t.Helper()
		return engineDo(t, ts, http.MethodGet, "/infer"+path, "", append([]string{SessionHeader, session}, headers...)...).status
	}

	resp := settings(http.MethodGet, "ci", "")
	require.Equal(t, http.StatusOK, resp.status, "%s", resp.body)
	require.Equal(t, map[string]any{"session": "ci", "ids": ""}, resp.json(t))

	resp = settings(http.MethodPut, "ci", `{"ids":"strict"}`)
	require.Equal(t, http.StatusOK, resp.status, "%s", resp.body)
	require.Equal(t, map[string]any{"session": "ci", "ids": "strict"}, resp.json(t))

	tests := []struct {
		name, session, path string
		headers             []string
		want                int
	}{
		{"strict session: unknown issue", "ci", "/repos/a/b/issues/7", nil, http.StatusNotFound},
		{"strict session: action on an unknown issue", "ci", "/repos/a/b/issues/7/comments", nil, http.StatusNotFound},
		{"the header wins for one request", "ci", "/repos/a/b/issues/8", []string{IDsHeader, "generate"}, http.StatusOK},
		{"the materialised issue is then found", "ci", "/repos/a/b/issues/8", nil, http.StatusOK},
		{"another session materialises", "other", "/repos/a/b/issues/7", nil, http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.Equal(t, tt.want, get(tt.session, tt.path, tt.headers...))
		})
	}

	sessions := engineDo(t, ts, http.MethodGet, AdminPrefix+"sessions", "")
	require.Contains(t, string(sessions.body), `"name":"ci","records":{"infer/issues":1},"ids":"strict"`)

	resp = settings(http.MethodPut, "ci", `{"ids":""}`)
	require.Equal(t, http.StatusOK, resp.status)
	require.Equal(t, http.StatusOK, get("ci", "/repos/a/b/issues/9"), "back to the server's choice: materialised")

	for _, body := range []string{`{"ids":"sometimes"}`, `{"idz":"strict"}`, `not json`} {
		resp = settings(http.MethodPut, "ci", body)
		require.Equal(t, http.StatusBadRequest, resp.status, "%s: %s", body, resp.body)
	}
	resp = engineDo(t, ts, http.MethodPut, AdminPrefix+"settings?all=true", `{"ids":"strict"}`)
	require.Equal(t, http.StatusBadRequest, resp.status, "settings belong to one session")
}
