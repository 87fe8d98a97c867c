package mock

import (
	"encoding/json"
	"encoding/xml"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/require"

	"github.com/standin/standin/openapi"
)

func answersServer(t *testing.T) *httptest.Server {
	t.Helper()
	api, err := openapi.LoadFile(t.Context(), "testdata/answers.yaml")
	require.NoError(t, err)
	ts, _ := engineServer(t, Config{}, []*openapi.API{api})
	return ts
}

// TestNegotiation: the answer's media type follows Accept (406 when nothing offered matches), a body of a type
// the operation does not take is 415, XML types get XML, and vendor +json types meet JSON offers.
func TestNegotiation(t *testing.T) {
	ts := answersServer(t)
	tests := []struct {
		name        string
		method      string
		path        string
		body        string
		headers     []string
		status      int
		contentType string
		bodyHas     string
	}{
		{"no Accept: the default JSON", "GET", "/answers/v1/pets/1", "", nil, 200, "application/json", `"name":"Rex"`},
		{"anything", "GET", "/answers/v1/pets/1", "", []string{"Accept", "*/*"}, 200, "application/json", `"code":7`},
		{"XML asked: XML sent", "GET", "/answers/v1/pets/1", "", []string{"Accept", "application/xml"}, 200, "application/xml", `<pet code="7">`},
		{"XML preferred by q", "GET", "/answers/v1/pets/1", "", []string{"Accept", "application/json;q=0.5, application/xml"}, 200, "application/xml", `<tags><tag>good</tag>`},
		{"JSON preferred by q", "GET", "/answers/v1/pets/1", "", []string{"Accept", "application/xml;q=0.2, application/json"}, 200, "application/json", `"tags":["good"`},
		{"type wildcard", "GET", "/answers/v1/pets/1", "", []string{"Accept", "application/*"}, 200, "application/json", ""},
		{"nothing offered matches", "GET", "/answers/v1/pets/1", "", []string{"Accept", "text/csv"}, 406, "", "text/csv"},
		{"explicitly refused", "GET", "/answers/v1/pets/1", "", []string{"Accept", "application/json;q=0, application/xml;q=0"}, 406, "", ""},
		{"vendor +json asked of a JSON offer", "GET", "/answers/v1/plain", "", []string{"Accept", "application/vnd.github+json"}, 200, "application/json", ""},
		{"JSON asked of a vendor +json offer", "GET", "/answers/v1/vendor", "", []string{"Accept", "application/json"}, 200, "application/vnd.example+json", ""},
		{"vendor type asked and offered", "GET", "/answers/v1/vendor", "", []string{"Accept", "application/vnd.example+json"}, 200, "application/vnd.example+json", ""},
		{"JSON body taken", "PUT", "/answers/v1/pets/1", `{"code":1,"name":"a","tags":[]}`, nil, 204, "", ""},
		{"body of a type not taken", "PUT", "/answers/v1/pets/1", `<pet/>`, []string{"Content-Type", "application/xml"}, 415, "", "application/xml"},
		{"text body not taken", "PUT", "/answers/v1/pets/1", `hello`, []string{"Content-Type", "text/plain"}, 415, "", ""},
		{"415 not documented: the documented validation status, with the reason", "POST", "/answers/v1/notes", `hello`,
			[]string{"Content-Type", "text/plain"}, 400, "application/problem+json", "Content-Type must be application/json"},
		{"JSON body of a JSON operation", "POST", "/answers/v1/notes", `{"text":"a"}`, nil, 201, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := engineDo(t, ts, tt.method, tt.path, tt.body, tt.headers...)
			require.Equal(t, tt.status, resp.status, "body: %s", resp.body)
			if tt.contentType != "" {
				require.Equal(t, tt.contentType, resp.header.Get("Content-Type"))
			}
			if tt.bodyHas != "" {
				require.Contains(t, string(resp.body)+resp.header.Get(ReasonHeader), tt.bodyHas)
			}
			if tt.status == 204 {
				require.Empty(t, resp.body)
			}
		})
	}
	t.Run("XML is well formed and follows the schema's xml object", func(t *testing.T) {
		resp := engineDo(t, ts, "GET", "/answers/v1/pets/1", "", "Accept", "application/xml")
		var pet struct {
			XMLName xml.Name `xml:"pet"`
			ID      int      `xml:"code,attr"`
			Name    string   `xml:"name"`
			Tags    []string `xml:"tags>tag"`
		}
		require.NoError(t, xml.Unmarshal(resp.body, &pet), "%s", resp.body)
		require.Equal(t, 7, pet.ID)
		require.Equal(t, "Rex", pet.Name)
		require.Contains(t, pet.Tags, "good")
	})
}

// TestParseAcceptAndQuality covers the pieces of negotiation alone.
func TestParseAcceptAndQuality(t *testing.T) {
	acc := parseAccept([]string{"text/*;q=0.3, application/json;q=0.8", "*/*;q=0.1, application/xml"})
	require.Equal(t, []mediaRange{{"application", "xml", 1}, {"application", "json", 0.8}, {"text", "*", 0.3}, {"*", "*", 0.1}}, acc)
	require.Equal(t, 0.8, quality(acc, "application/json; charset=utf-8"))
	require.Equal(t, 0.3, quality(acc, "text/csv"))
	require.Equal(t, 0.1, quality(acc, "image/png"))
	require.Equal(t, 0.0, quality(parseAccept([]string{"text/html"}), "application/json"))
	require.InDelta(t, 0.9, quality(parseAccept([]string{"application/vnd.github+json"}), "application/json"), 1e-9)
	require.Equal(t, []mediaRange{{"*", "*", 1}}, parseAccept([]string{"*"}))
	require.Empty(t, parseAccept([]string{"garbage", ""}))
}

// TestDocumentedStatuses: Prefer matches ranges and default, Prism's query parameters work as Prefer and are
// removed before validation, an operation without a success response never answers an undocumented 2xx, 204
// and 304 carry no body, and error bodies carry the real status and reason.
func TestDocumentedStatuses(t *testing.T) {
	ts := answersServer(t)
	tests := []struct {
		name    string
		method  string
		path    string
		body    string
		headers []string
		status  int
		check   func(t *testing.T, body map[string]any, resp engineResponse)
	}{
		{name: "Prefer code in a 5XX range", method: "GET", path: "/answers/v1/pets/1", headers: []string{"Prefer", "code=503"}, status: 503,
			check: func(t *testing.T, b map[string]any, resp engineResponse) {
				require.Equal(t, 503.0, b["status"])
				require.Equal(t, "Service Unavailable", b["title"])
				require.Equal(t, "Service Unavailable", b["detail"])
				require.Equal(t, "application/problem+json", resp.header.Get("Content-Type"))
			}},
		{name: "Prefer code covered by default", method: "PUT", path: "/answers/v1/pets/1", body: `{"code":1,"name":"a","tags":[]}`,
			headers: []string{"Prefer", "code=409"}, status: 409, check: func(t *testing.T, b map[string]any, _ engineResponse) {
				e := b["error"].(map[string]any)
				require.Equal(t, "Conflict", e["message"])
				require.NotContains(t, e, "payment_intent", "optional embedded objects are left out of generated errors")
				require.Contains(t, e, "code", "optional scalars stay")
			}},
		{name: "Prefer code not covered", method: "GET", path: "/answers/v1/pets/1", headers: []string{"Prefer", "code=409"}, status: 400,
			check: func(t *testing.T, b map[string]any, resp engineResponse) {
				require.Equal(t, "prefer", resp.header.Get("X-Standin-Error"))
				require.Contains(t, b["error"], "200, 404, 5XX")
			}},
		{name: "Prism __code", method: "GET", path: "/answers/v1/pets/1?__code=404", status: 404,
			check: func(t *testing.T, b map[string]any, _ engineResponse) { require.Equal(t, 404.0, b["status"]) }},
		{name: "Prism __code on an operation without query parameters passes validation", method: "GET",
			path: "/answers/v1/plain?__code=200&__dynamic=true", status: 200},
		{name: "Prism __example unknown", method: "GET", path: "/answers/v1/plain?__example=nope", status: 400},
		{name: "Prefer header wins over __code", method: "GET", path: "/answers/v1/pets/1?__code=404", headers: []string{"Prefer", "code=500"}, status: 500},
		{name: "Prism __code not a status", method: "GET", path: "/answers/v1/pets/1?__code=abc", status: 400},
		{name: "2XX range answers 200", method: "GET", path: "/answers/v1/ranged", status: 200},
		{name: "only error statuses: the first, never a 2xx", method: "POST", path: "/answers/v1/only-errors", status: 400,
			check: func(t *testing.T, b map[string]any, resp engineResponse) {
				require.Contains(t, resp.header.Get(ReasonHeader), "documents no success response")
			}},
		{name: "304 carries no body", method: "GET", path: "/answers/v1/cached", status: 304},
		{name: "validation error body: real reason and status", method: "PUT", path: "/answers/v1/pets/x",
			body: `{"code":1,"name":"a","tags":[]}`, status: 422, check: func(t *testing.T, b map[string]any, resp engineResponse) {
				require.Equal(t, 422.0, b["status"], "never a generated status under 422")
				require.Equal(t, "Unprocessable Entity", b["title"])
				require.Contains(t, b["detail"], "Request validation failed")
				require.Contains(t, b["detail"], "ref")
				require.Equal(t, resp.header.Get(ReasonHeader), b["detail"])
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := engineDo(t, ts, tt.method, tt.path, tt.body, tt.headers...)
			require.Equal(t, tt.status, resp.status, "body: %s", resp.body)
			if tt.status == 304 || tt.status == 204 {
				require.Empty(t, resp.body)
			}
			if tt.check == nil {
				return
			}
			var b map[string]any
			if len(resp.body) > 0 {
				require.NoError(t, json.Unmarshal(resp.body, &b), "%s", resp.body)
			}
			tt.check(t, b, resp)
		})
	}
}

// TestRedirectEndpoint: an operation that documents only a redirect answers it, with its Location.
func TestRedirectEndpoint(t *testing.T) {
	ts := answersServer(t)
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Get(ts.URL + "/answers/v1/redirect")
	require.NoError(t, err)
	require.NoError(t, resp.Body.Close())
	require.Equal(t, http.StatusFound, resp.StatusCode)
	require.Equal(t, "https://example.com/there", resp.Header.Get("Location"))
}

// TestSuccessStatusRule: the status a request that passes every stage gets, per what the operation documents.
func TestSuccessStatusRule(t *testing.T) {
	rp := &respPlan{}
	tests := []struct {
		name     string
		statuses []int
		ranges   map[int]*respPlan
		fallback *respPlan
		want     int
	}{
		{"lowest 2xx", []int{201, 200, 400}, nil, nil, 200},
		{"2XX range", []int{400}, map[int]*respPlan{2: rp}, nil, 200},
		{"default", []int{404}, nil, rp, 200},
		{"redirect", []int{302, 404}, nil, nil, 302},
		{"only errors", []int{404, 500}, nil, nil, 404},
		{"only an error range", nil, map[int]*respPlan{4: rp}, nil, 400},
		{"nothing (responses: {})", nil, nil, nil, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			statuses := append([]int(nil), tt.statuses...)
			slicesSort(statuses)
			p := &opPlan{op: &openapi.Operation{Statuses: statuses, Op: &openapi3.Operation{}}, ranges: tt.ranges, fallback: tt.fallback}
			require.Equal(t, tt.want, p.successStatus())
		})
	}
}

func slicesSort(s []int) {
	for i := range s {
		for j := i + 1; j < len(s); j++ {
			if s[j] < s[i] {
				s[i], s[j] = s[j], s[i]
			}
		}
	}
}

// TestResponsesWarning: operations without a success response are named at load.
func TestResponsesWarning(t *testing.T) {
	api, err := openapi.LoadFile(t.Context(), "testdata/answers.yaml")
	require.NoError(t, err)
	msg := openapi.ResponsesWarning(api)
	require.Contains(t, msg, "onlyErrors")
	require.Contains(t, msg, "redirect")
	require.Contains(t, msg, "cached")
	require.False(t, strings.Contains(msg, "ranged") || strings.Contains(msg, "putPet"), msg)
}
