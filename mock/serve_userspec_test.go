package mock

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/standin/standin/openapi"
)

// engineUserSpec serves one spec file of testdata/ (a user's spec: no x-standin errors).
func engineUserSpec(t *testing.T, file string) (*httptest.Server, *openapi.API) {
	t.Helper()
	api, err := openapi.LoadFile(t.Context(), "testdata/"+file)
	require.NoError(t, err)
	require.Empty(t, api.Ext.Errors, "%s declares no error shapes", file)
	ts, _ := engineServer(t, Config{}, []*openapi.API{api})
	return ts, api
}

// TestServeUserSpecErrors: without an x-standin shape for an error kind, the answer takes a status the operation
// documents and, when it does, the documented response's body and headers, so that it validates against the
// spec; the failure's message travels in X-Standin-Reason. Without a fitting documented status the plain shape
// answers, without the header.
func TestServeUserSpecErrors(t *testing.T) {
	ts, api := engineUserSpec(t, "doc-errors.yaml")
	const base = "/doc-errors/v1"
	tests := []struct {
		name          string
		method, path  string
		body          string
		headers       []string
		status        int
		contentType   string // "" skips the check
		reason        string // "" wants no X-Standin-Reason header
		want          string // exact JSON body; "" skips the check
		wantPlainCode string // the plain shape's code; "" wants a documented body
	}{
		{name: "validation: only 422 documented, its example", method: http.MethodPost, path: "/only422",
			body: `{"name":""}`, status: 422, contentType: "application/json",
			reason: "Request validation failed: name: minimum string length is 1", want: `{"title":"Unprocessable","status":422}`},
		{name: "query parameter: only 422 documented", method: http.MethodPost, path: "/only422?limit=11",
			body: `{"name":"a"}`, status: 422, reason: "Request validation failed: limit: number must be at most 10", want: `{"title":"Unprocessable","status":422}`},
		{name: "malformed: only 422 documented", method: http.MethodPost, path: "/only422", body: `{"name":`,
			status: 422, reason: "Malformed JSON in request body", want: `{"title":"Unprocessable","status":422}`},
		{name: "several failures are counted", method: http.MethodPost, path: "/only422?limit=11", body: `{"name":""}`,
			status: 422, reason: "(and 1 more)"},
		{name: "validation: lowest other 4xx (409, not 401)", method: http.MethodPost, path: "/conflict",
			body: `{}`, status: 409, contentType: "application/problem+json", reason: "Request validation failed"},
		{name: "validation: 400 through a 4XX range", method: http.MethodPost, path: "/ranged", body: `{}`,
			status: 400, contentType: "application/problem+json", reason: "Request validation failed"},
		{name: "validation: 400 through default", method: http.MethodPost, path: "/fallback", body: `{}`,
			status: 400, contentType: "application/problem+json", reason: "Request validation failed"},
		{name: "validation: nothing documented, plain shape", method: http.MethodPost, path: "/nothing", body: `{}`,
			status: 400, wantPlainCode: "validation"},
		{name: "documented 400 without content keeps the plain body", method: http.MethodPost, path: "/nocontent",
			body: `{}`, status: 400, reason: "Request validation failed", wantPlainCode: "validation"},
		{name: "unauthorized: documented 401", method: http.MethodGet, path: "/secure", status: 401,
			contentType: "application/problem+json", reason: "Missing or invalid credentials"},
		{name: "unauthorized: only 403 documented", method: http.MethodGet, path: "/secure403", status: 403,
			contentType: "application/problem+json", reason: "Missing or invalid credentials"},
		{name: "unauthorized: nothing documented, plain shape", method: http.MethodGet, path: "/secureBare",
			status: 401, wantPlainCode: "unauthorized"},
		{name: "authorized passes", method: http.MethodGet, path: "/secure", headers: []string{"X-Key", "k"}, status: 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := engineDo(t, ts, tt.method, base+tt.path, tt.body, tt.headers...)
			require.Equal(t, tt.status, resp.status, "%s", resp.body)
			if tt.wantPlainCode == "" || tt.reason != "" { // a documented status
				engineCheckResponse(t, api, "/doc-errors", resp)
			}
			if tt.contentType != "" {
				require.Equal(t, tt.contentType, resp.header.Get("Content-Type"))
			}
			if tt.reason == "" {
				require.Empty(t, resp.header.Values(ReasonHeader))
			} else {
				require.Contains(t, resp.header.Get(ReasonHeader), tt.reason)
			}
			if tt.want != "" {
				require.JSONEq(t, tt.want, string(resp.body))
			}
			if tt.status >= 400 {
				body, ok := resp.json(t).(map[string]any)
				require.True(t, ok, "an object: %s", resp.body)
				if tt.wantPlainCode != "" {
					require.Equal(t, tt.wantPlainCode, body["code"], "%s", resp.body)
				} else {
					require.NotContains(t, body, "code", "the documented body, not the plain shape: %s", resp.body)
				}
			}
		})
	}
	t.Run("documented headers come with the documented body", func(t *testing.T) {
		resp := engineDo(t, ts, http.MethodPost, base+"/only422", `{"name":""}`)
		require.Equal(t, 422, resp.status)
		require.NotEmpty(t, resp.header.Get("X-Request-Id"), "the 422 documents a required X-Request-Id")
	})
	t.Run("the reason header is one printable line", func(t *testing.T) {
		long := strings.Repeat("x", 2000)
		resp := engineDo(t, ts, http.MethodPost, base+"/only422?limit=11&limit="+long, `{"name":"`+long+`"}`)
		require.Equal(t, 422, resp.status)
		r := resp.header.Get(ReasonHeader)
		require.NotEmpty(t, r)
		require.LessOrEqual(t, len(r), reasonLimit)
		require.NotContains(t, r, "\n")
	})
}

// TestServeUserSpecIssue796 serves a third-party spec whose operations document 400 as RFC 7807 ProblemDetails:
// every validation and malformed-body failure answers that 400, valid against the spec.
func TestServeUserSpecIssue796(t *testing.T) {
	ts, api := engineUserSpec(t, "issue796.yml")
	const base = "/issue796/ooxml-automation"
	const id = "4e2bb3e7-6bc8-4627-819b-3215a8ff73bc"
	tests := []struct {
		name, method, path, body string
		status                   int
		reason                   string
	}{
		{"path parameter type", http.MethodGet, "/Charts/AxisDataTypes/TypeId/not-a-number", "", 400, `"type_id"`},
		{"body type", http.MethodPut, "/Charts/ChartUpdate/" + id, `"not-an-object"`, 400, "body: value must be an object"},
		{"body property type", http.MethodPut, "/Charts/ChartUpdate/" + id, `{"chartId":12}`, 400, "chartId: "},
		{"malformed body", http.MethodPut, "/Charts/ChartUpdate/" + id, `{"chartId":`, 400, "Malformed JSON"},
		{"query parameter type", http.MethodGet, "/Charts/OpenOfficeXml/" + id + "?updated=maybe", "", 400, `"updated"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := engineDo(t, ts, tt.method, base+tt.path, tt.body)
			require.Equal(t, tt.status, resp.status, "%s", resp.body)
			engineCheckResponse(t, api, "/issue796", resp)
			require.Contains(t, resp.header.Get(ReasonHeader), tt.reason)
			var problem map[string]any
			require.NoError(t, json.Unmarshal(resp.body, &problem), "%s", resp.body)
			require.NotContains(t, problem, "code", "a ProblemDetails body, not the plain shape: %s", resp.body)
		})
	}
}

// TestServeUserSpecInferredCRUD: a behaviour inferred from the path never answers a status the operation does
// not document; a missing record falls back to the operation's success response.
func TestServeUserSpecInferredCRUD(t *testing.T) {
	t.Run("link-example", func(t *testing.T) {
		ts, api := engineUserSpec(t, "link-example.yaml")
		for _, path := range []string{
			"/link-example/2.0/repositories/alice/repo/pullrequests/42", // getPullRequestsById documents only 200
			"/link-example/2.0/users/alice",                             // getUserByName documents only 200
		} {
			resp := engineDo(t, ts, http.MethodGet, path, "", IDsHeader, "strict")
			require.Equal(t, http.StatusOK, resp.status, "%s: %s", path, resp.body)
			engineCheckResponse(t, api, "/link-example", resp)
			require.Contains(t, resp.header.Get(ReasonHeader), "documents no 404", path)
		}
	})
	t.Run("issue796", func(t *testing.T) {
		ts, api := engineUserSpec(t, "issue796.yml")
		resp := engineDo(t, ts, http.MethodGet, "/issue796/ooxml-automation/Charts/Axes/d65ec61d-f82e-4892-90fd-947671acb1b8", "")
		require.Equal(t, http.StatusOK, resp.status, "chart_axes_get_id documents 200 and 401: %s", resp.body)
		engineCheckResponse(t, api, "/issue796", resp)
	})

	ts, api := engineUserSpec(t, "doc-errors.yaml")
	const base = "/doc-errors/v1"
	tests := []struct {
		name, method, path, body string
		status                   int
		inferred                 bool // strict ids did not apply: no 404 documented, the record materialised (X-Standin-Reason)
	}{
		{"strict: read of a missing record, no 404 documented", http.MethodGet, "/gadgets/nope", "", 200, true},
		{"strict: update of a missing record, no 404 documented", http.MethodPut, "/gadgets/nope-2", `{"name":"a"}`, 200, true},
		{"strict: delete of a missing record, no 404 documented", http.MethodDelete, "/gadgets/nope-3", "", 204, true},
		{"strict: read of a missing record, 404 documented", http.MethodGet, "/widgets/nope", "", 404, false},
		{"a create answering a list is not inferred", http.MethodPost, "/uploads", `{"name":"a"}`, 200, false},
		{"create still inferred", http.MethodPost, "/gadgets", `{"id":"g1","name":"one"}`, 201, false},
		{"and read back", http.MethodGet, "/gadgets/g1", "", 200, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var headers []string
			if strings.HasPrefix(tt.name, "strict:") {
				headers = []string{IDsHeader, "strict"}
			}
			resp := engineDo(t, ts, tt.method, base+tt.path, tt.body, headers...)
			require.Equal(t, tt.status, resp.status, "%s", resp.body)
			engineCheckResponse(t, api, "/doc-errors", resp)
			if tt.inferred {
				require.Contains(t, resp.header.Get(ReasonHeader), "documents no 404: a record never created is materialised")
			}
		})
	}
	resp := engineDo(t, ts, http.MethodGet, base+"/gadgets/nope-2", "", IDsHeader, "strict")
	require.Equal(t, "a", resp.json(t).(map[string]any)["name"], "the update acted on the materialised record, and the read finds it")
	resp = engineDo(t, ts, http.MethodGet, base+"/gadgets/g1", "")
	require.JSONEq(t, `{"id":"g1","name":"one"}`, string(resp.body), "the stored record, not generated data")
	resp = engineDo(t, ts, http.MethodGet, base+"/widgets/nope", "", IDsHeader, "strict")
	require.Contains(t, resp.header.Get(ReasonHeader), "Not found")
	require.Equal(t, "application/problem+json", resp.header.Get("Content-Type"), "the documented 404")
}
