package mock

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/standin/standin/scenarios"
)

// accessDo sends one admin request with an explicit Host (empty: the server's own) and header pairs, the body
// unlabelled unless a header labels it.
func accessDo(t testing.TB, ts *httptest.Server, method, path, host, body string, headers ...string) engineResponse {
	t.Helper()
	return sendRequest(t, ts, method, path, host, body, false, headers...)
}

// TestIssue13AdminHostAndOrigin: a page the developer visits must not reach the admin API, neither with a
// cross-origin "simple" request nor through DNS rebinding; the server's own pages and curl still do.
func TestIssue13AdminHostAndOrigin(t *testing.T) {
	ts, _ := engineServer(t, Config{
		AllowHosts:   []string{"standin.test"},
		AllowOrigins: []string{"http://localhost:3000"},
	}, engineAPIs(t, "aelyst"))
	self := "http://" + strings.TrimPrefix(ts.URL, "http://")
	rule := `{"op":"getContact","status":500}`
	tests := []struct {
		name, method, path, host, body string
		headers                        []string
		status                         int
		contains                       string
	}{
		{"curl on loopback", "GET", "health", "", "", nil, 200, `"status":"ok"`},
		{"localhost by name", "GET", "health", "localhost:4010", "", nil, 200, `"status":"ok"`},
		{"allowed host name", "GET", "health", "standin.test:80", "", nil, 200, `"status":"ok"`},
		{"rebinding host", "GET", "journal", "evil.example:4010", "", nil, 421, `Host \"evil.example:4010\" is not this server's`},
		{"rebinding host write", "POST", "faults", "attacker.example", rule,
			[]string{"Content-Type", "application/json"}, 421, "--allow-host"},
		{"browser cross-origin text/plain POST", "POST", "faults", "", rule,
			[]string{"Origin", "http://evil.example", "Content-Type", "text/plain"}, 403, `origin \"http://evil.example\" are refused`},
		{"browser cross-origin bodyless POST", "DELETE", "faults", "", "",
			[]string{"Origin", "https://evil.example"}, 403, "--allow-origin"},
		{"opaque origin", "POST", "faults", "", rule,
			[]string{"Origin", "null", "Content-Type", "application/json"}, 403, "refused"},
		{"cross-site fetch metadata", "GET", "journal", "", "", []string{"Sec-Fetch-Site", "cross-site"}, 403, "cross-site"},
		{"form POST without Origin", "POST", "faults", "", "op=getContact",
			[]string{"Content-Type", "application/x-www-form-urlencoded"}, 415, "send application/json"},
		{"text/plain POST without Origin", "POST", "faults", "", rule, []string{"Content-Type", "text/plain"}, 415, "Content-Type"},
		{"multipart POST", "POST", "faults", "", rule, []string{"Content-Type", "multipart/form-data; boundary=x"}, 415, "Content-Type"},
		{"same-origin page", "POST", "faults", "", rule,
			[]string{"Origin", self, "Content-Type", "application/json", "Sec-Fetch-Site", "same-origin"}, 201, `"ids"`},
		{"allowed origin", "GET", "faults", "", "", []string{"Origin", "http://localhost:3000"}, 200, `"rules"`},
		{"JSON POST from a script", "POST", "faults", "", rule, []string{"Content-Type", "application/json; charset=utf-8"}, 201, `"ids"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := accessDo(t, ts, tt.method, AdminPrefix+tt.path, tt.host, tt.body, tt.headers...)
			require.Equal(t, tt.status, resp.status, "%s", resp.body)
			require.Contains(t, string(resp.body), tt.contains)
			require.Equal(t, "application/json", resp.header.Get("Content-Type"))
		})
	}
	// Nothing a refused request asked for happened: only the two allowed POSTs added a rule.
	resp := accessDo(t, ts, "GET", AdminPrefix+"faults", "", "")
	require.Equal(t, 2, strings.Count(string(resp.body), `"op":"getContact"`), "%s", resp.body)
}

// TestIssue13AdminToken: with a token, every admin call needs it as a bearer token; the dashboard's static page
// loads without it so that it can ask for it.
func TestIssue13AdminToken(t *testing.T) {
	ts, _ := engineServer(t, Config{AdminToken: "s3cret-admin"}, engineAPIs(t, "aelyst"))
	tests := []struct {
		name, method, path string
		headers            []string
		status             int
	}{
		{"no token", "GET", "health", nil, 401},
		{"wrong token", "GET", "journal", []string{"Authorization", "Bearer s3cret-admiN"}, 401},
		{"token prefix", "GET", "journal", []string{"Authorization", "Bearer s3cret"}, 401},
		{"basic scheme", "GET", "journal", []string{"Authorization", "Basic czNjcmV0LWFkbWlu"}, 401},
		{"no token write", "DELETE", "faults", nil, 401},
		{"right token", "GET", "health", []string{"Authorization", "Bearer s3cret-admin"}, 200},
		{"right token, lower-case scheme", "DELETE", "faults", []string{"Authorization", "bearer s3cret-admin"}, 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := accessDo(t, ts, tt.method, AdminPrefix+tt.path, "", "", tt.headers...)
			require.Equal(t, tt.status, resp.status, "%s", resp.body)
			if tt.status == 401 {
				require.Contains(t, string(resp.body), "Authorization: Bearer TOKEN")
				require.NotContains(t, string(resp.body), "s3cret")
				require.Equal(t, `Bearer realm="standin admin"`, resp.header.Get("WWW-Authenticate"))
			}
		})
	}
	// The dashboard page and its assets are not behind the token (they hold no data); the data is.
	for _, p := range []string{AdminPrefix, AdminPrefix + "ui/app.js"} {
		resp := accessDo(t, ts, "GET", p, "", "")
		require.NotEqual(t, 401, resp.status, "%s: %s", p, resp.body)
	}
	for _, p := range []string{AdminPrefix + "ui/catalog", AdminPrefix + "ui/../journal", AdminPrefix + "journal/stream"} {
		resp := accessDo(t, ts, "GET", p, "", "")
		require.Contains(t, []int{401, 404}, resp.status, "%s: %s", p, resp.body)
		require.NotContains(t, string(resp.body), `"entries"`)
	}
	// The APIs themselves do not need the admin token.
	resp := engineDo(t, ts, "GET", "/v1/contact/id:1", "", "Authorization", engineBearer)
	require.Equal(t, 200, resp.status, "%s", resp.body)
}

// TestIssue13AdminOff serves the APIs with no admin API at all.
func TestIssue13AdminOff(t *testing.T) {
	ts, _ := engineServer(t, Config{AdminOff: true}, engineAPIs(t, "aelyst"))
	for _, p := range []string{"health", "journal", "faults", ""} {
		resp := accessDo(t, ts, "GET", AdminPrefix+p, "", "")
		require.Equal(t, 404, resp.status)
		require.Contains(t, string(resp.body), "admin API is off")
	}
	resp := accessDo(t, ts, "POST", AdminPrefix+"reset", "", "")
	require.Equal(t, 404, resp.status)
	resp = engineDo(t, ts, "GET", "/v1/contact/id:1", "", "Authorization", engineBearer)
	require.Equal(t, 200, resp.status, "%s", resp.body)
}

// TestIssue13ScenarioRunnerToken: `standin scenario run` reaches a server started with an admin token when it has
// the token, and is refused without it.
func TestIssue13ScenarioRunnerToken(t *testing.T) {
	ts, _, _ := faultServer(t, Config{AdminToken: "runner-token-123"})
	sc, err := scenarios.LoadName("aelyst-queue-449", "")
	require.NoError(t, err)
	rn := &scenarios.Runner{Client: ts.Client(), Target: ts.URL}
	require.ErrorIs(t, rn.Run(t.Context(), sc, func(scenarios.Result) {}), scenarios.ErrNotStandin)
	rn.AdminToken = "runner-token-123"
	passed := 0
	require.NoError(t, rn.Run(t.Context(), sc, func(r scenarios.Result) {
		require.True(t, r.Pass, "%s", r)
		passed++
	}))
	require.Positive(t, passed)
}
