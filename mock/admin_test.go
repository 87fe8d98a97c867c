package mock

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

type adminJournalBody struct {
	Entries []journalEntry `json:"entries"`
	Count   int            `json:"count"`
}

func adminJournalGet(t *testing.T, do func(path string, headers ...string) engineResponse, query string, headers ...string) adminJournalBody {
	t.Helper()
	resp := do(AdminPrefix+"journal"+query, headers...)
	require.Equal(t, http.StatusOK, resp.status, "%s", resp.body)
	var body adminJournalBody
	require.NoError(t, json.Unmarshal(resp.body, &body))
	require.Len(t, body.Entries, body.Count)
	return body
}

func TestAdminHealthAndAPIs(t *testing.T) {
	ts, _ := engineServer(t, Config{BaseURL: "http://127.0.0.1:4010"}, engineAPIs(t))
	resp := engineDo(t, ts, http.MethodGet, AdminPrefix+"health", "")
	require.Equal(t, http.StatusOK, resp.status)
	require.JSONEq(t, `{"status":"ok","apis":["carecycle","aelyst","cinnox"],"sessions":1}`, string(resp.body))

	resp = engineDo(t, ts, http.MethodGet, AdminPrefix+"apis", "")
	require.Equal(t, http.StatusOK, resp.status)
	var apis []adminAPI
	require.NoError(t, json.Unmarshal(resp.body, &apis))
	require.Len(t, apis, 3)
	byName := map[string]adminAPI{}
	for _, a := range apis {
		byName[a.Name] = a
	}
	require.Equal(t, "http://127.0.0.1:4010/carecycle", byName["carecycle"].BaseURL)
	require.Equal(t, "http://127.0.0.1:4010/aelyst/v1", byName["aelyst"].BaseURL)
	require.Equal(t, "http://127.0.0.1:4010/cinnox", byName["cinnox"].BaseURL)
	require.Equal(t, "Aelyst API", byName["aelyst"].Title)
	require.Equal(t, "openapi/aelyst.yaml", byName["aelyst"].File)
	require.Contains(t, byName["aelyst"].Operations, adminOperation{ID: "getContact", Method: "GET",
		Path: "/v1/contact/{identifier}", Statuses: []int{200, 400, 401, 404, 429, 449, 500}})
	require.False(t, byName["aelyst"].AlsoAtRoot)
}

func TestAdminErrors(t *testing.T) {
	ts, _ := engineServer(t, Config{}, engineAPIs(t, "aelyst"))
	tests := []struct {
		name, method, path string
		status             int
		contains           string
	}{
		{"unknown endpoint", http.MethodGet, AdminPrefix + "nothing", 404, "no admin endpoint at /__standin/nothing"},
		{"admin root is the dashboard page", http.MethodPost, AdminPrefix, 405, "accepts GET"},
		{"wrong method", http.MethodPost, AdminPrefix + "health", 405, "accepts GET"},
		{"bad status", http.MethodGet, AdminPrefix + "journal?status=abc", 400, `bad status \"abc\"`},
		{"status out of range", http.MethodGet, AdminPrefix + "journal?status=999", 400, "bad status"},
		{"bad limit", http.MethodGet, AdminPrefix + "journal?limit=-1", 400, `bad limit \"-1\"`},
		{"unknown api", http.MethodGet, AdminPrefix + "journal?api=stripe", 400, `bad api \"stripe\": this server serves aelyst`},
		{"bad session", http.MethodGet, AdminPrefix + "journal?session=a%20b", 400, "bad session"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := engineDo(t, ts, tt.method, tt.path, "")
			require.Equal(t, tt.status, resp.status, "%s", resp.body)
			require.Equal(t, "application/json", resp.header.Get("Content-Type"))
			require.Contains(t, string(resp.body), tt.contains)
		})
	}
}

func TestAdminJournal(t *testing.T) {
	ts, _ := engineServer(t, Config{JournalSize: 3}, engineAPIs(t))
	do := func(path string, headers ...string) engineResponse {
		return engineDo(t, ts, http.MethodGet, path, "", headers...)
	}
	// Default session: one careCycle success, one Aelyst 401, one CINNOX 400 with a key in the query.
	require.Equal(t, 200, do("/carecycle/v2/campaigns/appointment-configs", engineCareHeader, "cc_secret_value_1").status)
	require.Equal(t, 401, do("/aelyst/v1/contact/id:1", "Authorization", "Bearer").status)
	require.Equal(t, 400, do("/cinnox/v1/api/apps/a/labels?limit=-1", "Authorization", "Bearer very-secret-token", "Cookie", "sid=abc").status)
	// Another session, where a wrong path is journalled too.
	require.Equal(t, 200, do("/aelyst/v1/contact/id:2", "Authorization", "Bearer other-secret", SessionHeader, "job-2").status)
	require.Equal(t, 404, do("/aelyst/contact/id:2", "Authorization", "Bearer other-secret", SessionHeader, "job-2").status)

	all := adminJournalGet(t, do, "?all=true")
	require.Equal(t, 5, all.Count)
	raw := do(AdminPrefix + "journal?all=true").body
	for _, secret := range []string{"cc_secret_value_1", "very-secret-token", "other-secret", "sid=abc"} {
		require.NotContains(t, string(raw), secret)
	}
	first := all.Entries[0]
	require.Equal(t, "carecycle", first.API)
	require.Equal(t, "listAppointmentConfigs", first.Operation)
	require.Equal(t, "GET", first.Method)
	require.Equal(t, "/carecycle/v2/campaigns/appointment-configs", first.Path)
	require.Equal(t, 200, first.Status)
	require.Contains(t, []string{"response", "behaviour"}, first.AnsweredBy, "the success came from the last stages")
	require.Equal(t, "default", first.Session)
	require.Equal(t, maskedValue, first.Request.Headers["X-Api-Key"])
	require.NotEmpty(t, first.Response.Body)

	tests := []struct {
		name, query string
		headers     []string
		want        []string // paths, oldest first
	}{
		{"by api, every session", "?all=true&api=aelyst", nil, []string{"/aelyst/v1/contact/id:1", "/aelyst/v1/contact/id:2", "/aelyst/contact/id:2"}},
		{"by status", "?status=401", nil, []string{"/aelyst/v1/contact/id:1"}},
		{"by operation", "?operation=getLabelList", nil, []string{"/cinnox/v1/api/apps/a/labels"}},
		{"by session", "?session=job-2", nil, []string{"/aelyst/v1/contact/id:2", "/aelyst/contact/id:2"}},
		{"session from the header", "?status=404", []string{SessionHeader, "job-2"}, []string{"/aelyst/contact/id:2"}},
		{"unknown session is empty", "?session=nobody", nil, nil},
		{"no session named: the default session only", "?api=aelyst", nil, []string{"/aelyst/v1/contact/id:1"}},
		{"limit keeps the most recent", "?session=default&limit=2", nil, []string{"/aelyst/v1/contact/id:1", "/cinnox/v1/api/apps/a/labels"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := adminJournalGet(t, do, tt.query, tt.headers...)
			var paths []string
			for _, e := range body.Entries {
				paths = append(paths, e.Path)
			}
			require.Equal(t, tt.want, paths)
		})
	}
	t.Run("unmatched routes", func(t *testing.T) {
		e := adminJournalGet(t, do, "?all=true&status=404").Entries[0]
		require.Equal(t, "route", e.AnsweredBy)
		require.Empty(t, e.Operation)
		require.Equal(t, "job-2", e.Session)
	})
	t.Run("masking", func(t *testing.T) {
		e := adminJournalGet(t, do, "?operation=getLabelList").Entries[0]
		require.Equal(t, "Bearer "+maskedValue, e.Request.Headers["Authorization"])
		require.Equal(t, maskedValue, e.Request.Headers["Cookie"])
		require.Equal(t, "limit=-1", e.Query)
		require.Equal(t, "validation", e.AnsweredBy)
	})
	t.Run("ring keeps the newest", func(t *testing.T) {
		require.Equal(t, 200, do("/cinnox/v1/api/apps/a/labels", "Authorization", engineBearer).status)
		body := adminJournalGet(t, do, "?session=default")
		require.Equal(t, 3, body.Count, "JournalSize is 3")
		require.Equal(t, "/aelyst/v1/contact/id:1", body.Entries[0].Path)
	})
	t.Run("delete one session", func(t *testing.T) {
		resp := engineDo(t, ts, http.MethodDelete, AdminPrefix+"journal?session=job-2", "")
		require.Equal(t, http.StatusOK, resp.status)
		require.JSONEq(t, `{"deleted":2}`, string(resp.body))
		require.Equal(t, 3, adminJournalGet(t, do, "").Count)
	})
	t.Run("delete all", func(t *testing.T) {
		resp := engineDo(t, ts, http.MethodDelete, AdminPrefix+"journal", "")
		require.Equal(t, http.StatusOK, resp.status)
		require.Equal(t, 0, adminJournalGet(t, do, "").Count)
	})
}

func TestJournalMaskQueryKey(t *testing.T) {
	m := &masker{headers: map[string]bool{}, query: map[string]bool{"api_key": true}}
	require.Equal(t, "api_key=%2A%2A%2A%2A&page=2", m.rawQuery("api_key=s3cret&page=2"))
	require.Equal(t, "page=2", m.rawQuery("page=2"))
	require.Equal(t, maskedValue, m.rawQuery("api_key=%zz"))
	require.False(t, strings.Contains(m.rawQuery("page=1&api_key=a&api_key=b"), "a&"))
}
