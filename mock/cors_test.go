package mock

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/standin/standin/openapi"
)

// TestCORS: preflights are answered from the document's operations, answers to cross-origin requests carry the
// origin and the exposed headers, --cors=false (Config.DisableCORS) turns it all off, and the admin API never
// answers CORS.
func TestCORS(t *testing.T) {
	const origin = "https://app.example.com"
	ts, _ := engineServer(t, Config{}, engineAPIs(t, "aelyst"))
	off, _ := engineServer(t, Config{DisableCORS: true}, engineAPIs(t, "aelyst"))

	t.Run("preflight", func(t *testing.T) {
		resp := engineDo(t, ts, http.MethodOptions, "/aelyst/v1/contact/id:1", "",
			"Origin", origin, "Access-Control-Request-Method", "GET",
			"Access-Control-Request-Headers", "authorization, content-type")
		require.Equal(t, http.StatusNoContent, resp.status)
		require.Equal(t, origin, resp.header.Get("Access-Control-Allow-Origin"))
		require.Equal(t, "true", resp.header.Get("Access-Control-Allow-Credentials"))
		require.Equal(t, "GET, POST", resp.header.Get("Access-Control-Allow-Methods"))
		require.Equal(t, "authorization, content-type", resp.header.Get("Access-Control-Allow-Headers"))
		require.Contains(t, resp.header.Values("Vary"), "Origin")
		require.Empty(t, resp.body)
	})
	t.Run("preflight of another path lists that path's methods", func(t *testing.T) {
		resp := engineDo(t, ts, http.MethodOptions, "/aelyst/v1/contact/id:1/conversation/status", "",
			"Origin", origin, "Access-Control-Request-Method", "POST")
		require.Equal(t, http.StatusNoContent, resp.status)
		require.Equal(t, "POST", resp.header.Get("Access-Control-Allow-Methods"))
		require.Empty(t, resp.header.Get("Access-Control-Allow-Headers"))
	})
	t.Run("preflight of an unknown path is the API's 404", func(t *testing.T) {
		resp := engineDo(t, ts, http.MethodOptions, "/aelyst/v1/nothing", "",
			"Origin", origin, "Access-Control-Request-Method", "GET")
		require.Equal(t, http.StatusNotFound, resp.status)
		require.Equal(t, origin, resp.header.Get("Access-Control-Allow-Origin"))
	})
	t.Run("actual request", func(t *testing.T) {
		resp := engineDo(t, ts, http.MethodGet, "/aelyst/v1/contact/id:1", "", "Origin", origin,
			"Authorization", engineBearer)
		require.Equal(t, http.StatusOK, resp.status)
		require.Equal(t, origin, resp.header.Get("Access-Control-Allow-Origin"))
		require.Equal(t, "true", resp.header.Get("Access-Control-Allow-Credentials"))
		require.Contains(t, resp.header.Get("Access-Control-Expose-Headers"), "Retry-After")
		require.Contains(t, resp.header.Get("Access-Control-Expose-Headers"), ReasonHeader)
	})
	t.Run("error answers carry it too", func(t *testing.T) {
		resp := engineDo(t, ts, http.MethodGet, "/aelyst/v1/contact/id:1", "", "Origin", origin)
		require.Equal(t, http.StatusUnauthorized, resp.status)
		require.Equal(t, origin, resp.header.Get("Access-Control-Allow-Origin"))
	})
	t.Run("same-origin request: no CORS headers", func(t *testing.T) {
		resp := engineDo(t, ts, http.MethodGet, "/aelyst/v1/contact/id:1", "", "Authorization", engineBearer)
		require.Empty(t, resp.header.Get("Access-Control-Allow-Origin"))
	})
	t.Run("turned off", func(t *testing.T) {
		resp := engineDo(t, off, http.MethodOptions, "/aelyst/v1/contact/id:1", "",
			"Origin", origin, "Access-Control-Request-Method", "GET")
		require.Equal(t, http.StatusMethodNotAllowed, resp.status)
		require.Empty(t, resp.header.Get("Access-Control-Allow-Origin"))
		resp = engineDo(t, off, http.MethodGet, "/aelyst/v1/contact/id:1", "", "Origin", origin, "Authorization", engineBearer)
		require.Empty(t, resp.header.Get("Access-Control-Allow-Origin"))
	})
	t.Run("never for the admin API", func(t *testing.T) {
		resp := engineDo(t, ts, http.MethodOptions, "/__standin/health", "",
			"Origin", origin, "Access-Control-Request-Method", "GET")
		require.Empty(t, resp.header.Get("Access-Control-Allow-Origin"))
		require.NotEqual(t, http.StatusNoContent, resp.status)
		// A page of another origin does not reach the admin API at all (admin_access.go), and gets no CORS
		// header that would let it read the refusal.
		resp = engineDo(t, ts, http.MethodGet, "/__standin/health", "", "Origin", origin)
		require.Equal(t, http.StatusForbidden, resp.status, "a cross-origin page never reaches the admin API (issue 13)")
		require.Empty(t, resp.header.Get("Access-Control-Allow-Origin"))
	})
	t.Run("fragment keys: a preflight carries no header values", func(t *testing.T) {
		api, err := openapi.LoadFile(t.Context(), "testdata/routing.yaml")
		require.NoError(t, err)
		rts, _ := engineServer(t, Config{}, []*openapi.API{api})
		resp := engineDo(t, rts, http.MethodOptions, "/routing/v1/", "",
			"Origin", origin, "Access-Control-Request-Method", "POST", "Access-Control-Request-Headers", "x-amz-target")
		require.Equal(t, http.StatusNoContent, resp.status)
		require.Equal(t, "GET, POST", resp.header.Get("Access-Control-Allow-Methods"))
		require.Equal(t, "x-amz-target", resp.header.Get("Access-Control-Allow-Headers"))
	})
	t.Run("preflights are journalled, without security or validation", func(t *testing.T) {
		jts, _ := engineServer(t, Config{}, engineAPIs(t, "aelyst"))
		// No credentials (aelyst requires them) and a query parameter no operation declares.
		resp := engineDo(t, jts, http.MethodOptions, "/aelyst/v1/contact/id:1?unknown=1", "",
			"Origin", origin, "Access-Control-Request-Method", "GET")
		require.Equal(t, http.StatusNoContent, resp.status)
		resp = engineDo(t, jts, http.MethodGet, "/__standin/journal?api=aelyst", "")
		require.Equal(t, http.StatusOK, resp.status)
		var j struct {
			Entries []journalEntry `json:"entries"`
		}
		require.NoError(t, json.Unmarshal(resp.body, &j))
		require.Len(t, j.Entries, 1)
		e := j.Entries[0]
		require.Equal(t, []any{http.MethodOptions, "/aelyst/v1/contact/id:1", http.StatusNoContent, "cors", ""},
			[]any{e.Method, e.Path, e.Status, e.AnsweredBy, e.Operation})
		require.Equal(t, "GET, POST", e.Response.Headers["Access-Control-Allow-Methods"])
	})
}
