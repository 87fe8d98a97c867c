package openapi

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/require"
)

// bearer is the header set the Aelyst docs send with every request.
func bearer() http.Header {
	return http.Header{
		"Authorization": {"Bearer t"},
		"Content-Type":  {"application/json"},
	}
}

// jsonHeader returns a response header set with Content-Type application/json plus the given pairs.
func jsonHeader(kv ...string) http.Header {
	h := http.Header{"Content-Type": {"application/json"}}
	for i := 0; i+1 < len(kv); i += 2 {
		h.Set(kv[i], kv[i+1])
	}
	return h
}

// exampleCase is one response example found in a spec: the operation, the status and the body.
type exampleCase struct {
	name   string
	method string
	target string
	status int
	header http.Header
	body   string
}

// responseExamples walks operations x responses x media-type examples of doc. target maps a path template
// to a concrete request target (path parameters filled in, required query added).
func responseExamples(t *testing.T, doc *openapi3.T, target func(path string) string) []exampleCase {
	t.Helper()
	var cases []exampleCase
	for _, path := range doc.Paths.InMatchingOrder() {
		for method, op := range doc.Paths.Value(path).Operations() {
			for code, ref := range op.Responses.Map() {
				var status int
				_, err := fmt.Sscan(code, &status)
				require.NoError(t, err, "%s %s: status %q", method, path, code)
				resp := ref.Value
				header := http.Header{}
				for name, h := range resp.Headers {
					ex := h.Value.Example
					if ex == nil {
						ex = 1
					}
					header.Set(name, fmt.Sprint(ex))
				}
				for mt, media := range resp.Content {
					header.Set("Content-Type", mt)
					require.NotEmpty(t, media.Examples, "%s %s %d: every response carries an example", method, path, status)
					for exName, ex := range media.Examples {
						body, err := json.Marshal(ex.Value.Value)
						require.NoError(t, err)
						cases = append(cases, exampleCase{
							name:   fmt.Sprintf("%s/%d/%s", op.OperationID, status, exName),
							method: method,
							target: target(path),
							status: status,
							header: header.Clone(),
							body:   string(body),
						})
					}
				}
			}
		}
	}
	sort.Slice(cases, func(i, j int) bool { return cases[i].name < cases[j].name })
	return cases
}

func aelystTarget(path string) string {
	return "/v1" + strings.ReplaceAll(path, "{identifier}", "id:1")
}

func TestAelystSpecShape(t *testing.T) {
	doc := loadSpec(t, "aelyst").Doc
	require.Equal(t, "3.0.3", doc.OpenAPI)
	require.Len(t, doc.Servers, 1)
	require.Equal(t, "https://api.aelyst.ai/v1", doc.Servers[0].URL)
	scheme := doc.Components.SecuritySchemes["bearerAuth"]
	require.NotNil(t, scheme)
	require.Equal(t, "http", scheme.Value.Type)
	require.Equal(t, "bearer", scheme.Value.Scheme)
	require.Equal(t, openapi3.SecurityRequirements{{"bearerAuth": {}}}, doc.Security)

	wantStatuses := []string{"200", "400", "401", "404", "429", "449", "500"}
	ops := map[string]string{
		"updateAssignee":           "POST /contact/{identifier}/conversation/assignee",
		"getContact":               "GET /contact/{identifier}",
		"updateConversationStatus": "POST /contact/{identifier}/conversation/status",
		"createContact":            "POST /contact/{identifier}",
	}
	for id, route := range ops {
		t.Run(id, func(t *testing.T) {
			method, path, _ := strings.Cut(route, " ")
			op := doc.Paths.Value(path).GetOperation(method)
			require.NotNil(t, op, route)
			require.Equal(t, id, op.OperationID)
			var got []string
			for code := range op.Responses.Map() {
				got = append(got, code)
			}
			sort.Strings(got)
			require.Equal(t, wantStatuses, got)
			rl := op.Responses.Status(429).Value
			for _, h := range []string{"Retry-After", "X-RateLimit-Limit", "X-RateLimit-Remaining"} {
				require.Contains(t, rl.Headers, h)
				require.Equal(t, "number", rl.Headers[h].Value.Schema.Value.Type.Slice()[0])
			}
		})
	}
}

func TestAelystDocExamplesValidate(t *testing.T) {
	api := loadSpec(t, "aelyst")
	const assignee = "/v1/contact/id:123/conversation/assignee"

	requests := []struct {
		name   string
		method string
		target string
		body   string
	}{
		// The three request bodies of the assignee page, typed in as printed.
		{"assignee null", http.MethodPost, assignee, `{ "assignee": null}`},
		{"assignee user id", http.MethodPost, assignee, `{ "assignee": 1}`},
		{"assignee email", http.MethodPost, assignee, `{ "assignee": "abc@gmail.com"}`},
		// The three identifier forms of the docs.
		{"identifier id", http.MethodGet, "/v1/contact/id:123", ""},
		{"identifier email", http.MethodGet, "/v1/contact/email:abdc@gmail.com", ""},
		{"identifier phone", http.MethodGet, "/v1/contact/phone:+60121233112", ""},
		{"status open", http.MethodPost, "/v1/contact/id:1/conversation/status", `{"status":"open"}`},
		{"status close with note", http.MethodPost, "/v1/contact/id:1/conversation/status",
			`{"status":"close","category":"Resolved","summary":"Done."}`},
		{"create minimal", http.MethodPost, "/v1/contact/phone:+60121233112", `{"firstName":"Aisyah"}`},
		{"create full", http.MethodPost, "/v1/contact/email:abdc@gmail.com",
			`{"firstName":"Aisyah","lastName":"Rahman","phone":"+60121233112","email":"abdc@gmail.com",` +
				`"language":"ms","profilePic":"https://x.test/a.png","countryCode":"MY",` +
				`"custom_fields":[{"name":"order_id","value":"ORD-1"}]}`},
	}
	for _, tt := range requests {
		t.Run("request/"+tt.name, func(t *testing.T) {
			body := tt.body
			require.NoError(t, validateRequest(t, api, tt.method, tt.target, bearer(), body))
		})
	}

	rateHeaders := jsonHeader("Retry-After", "1", "X-RateLimit-Limit", "10", "X-RateLimit-Remaining", "5")
	responses := []struct {
		name   string
		status int
		header http.Header
		body   string
	}{
		// The assignee page's response examples, typed in as printed.
		{"200", 200, jsonHeader(), `{ "contactId": 1}`},
		{"400", 400, jsonHeader(), `{ "code": 400, "message": "Validation error."}`},
		{"401", 401, jsonHeader(), `{ "code": 401, "message": "UN_AUTHORIZED"}`},
		{"404", 404, jsonHeader(), `{ "code": 404, "message": "Contact not found"}`},
		{"429", 429, rateHeaders, `{ "code": 429, "message": "Too Many Requests"}`},
		{"449", 449, jsonHeader(), `{ "code": 449, "message": "Your request cannot be processed at the moment as it is currently in queue. Please try again in a few minutes."}`},
		{"500", 500, jsonHeader(), `{ "code": 500, "message": "Unexpected error occurred"}`},
	}
	for _, tt := range responses {
		t.Run("response/"+tt.name, func(t *testing.T) {
			require.NoError(t, validateResponse(t, api, http.MethodPost, assignee, tt.status, tt.header, tt.body))
		})
	}
}

func TestAelystSpecExamplesValidate(t *testing.T) {
	api := loadSpec(t, "aelyst")
	doc := api.Doc

	t.Run("request bodies", func(t *testing.T) {
		n := 0
		for _, path := range doc.Paths.InMatchingOrder() {
			for method, op := range doc.Paths.Value(path).Operations() {
				if op.RequestBody == nil {
					continue
				}
				for name, ex := range op.RequestBody.Value.Content.Get("application/json").Examples {
					body, err := json.Marshal(ex.Value.Value)
					require.NoError(t, err)
					require.NoError(t, validateRequest(t, api, method, aelystTarget(path), bearer(), string(body)),
						"%s example %s", op.OperationID, name)
					n++
				}
			}
		}
		require.Equal(t, 7, n, "examples: 3 assignee, 2 status, 2 create")
	})

	cases := responseExamples(t, doc, aelystTarget)
	require.GreaterOrEqual(t, len(cases), 4*7)
	for _, c := range cases {
		t.Run("response/"+c.name, func(t *testing.T) {
			require.NoError(t, validateResponse(t, api, c.method, c.target, c.status, c.header, c.body))
		})
	}
}

func TestAelystRejectsBrokenConstraints(t *testing.T) {
	api := loadSpec(t, "aelyst")
	const (
		assignee = "/v1/contact/id:1/conversation/assignee"
		status   = "/v1/contact/id:1/conversation/status"
		contact  = "/v1/contact/id:1"
	)
	tests := []struct {
		name    string
		method  string
		target  string
		body    string
		wantErr bool
	}{
		{"assignee missing", http.MethodPost, assignee, `{}`, true},
		{"assignee boolean", http.MethodPost, assignee, `{"assignee":true}`, true},
		{"assignee object", http.MethodPost, assignee, `{"assignee":{"id":1}}`, true},
		{"assignee array", http.MethodPost, assignee, `{"assignee":[1]}`, true},
		{"assignee body absent", http.MethodPost, assignee, ``, true},
		{"assignee integer", http.MethodPost, assignee, `{"assignee":42}`, false},
		{"assignee string id", http.MethodPost, assignee, `{"assignee":"42"}`, false},

		{"status missing", http.MethodPost, status, `{"category":"x"}`, true},
		{"status closed is not close", http.MethodPost, status, `{"status":"closed"}`, true},
		{"status blocked", http.MethodPost, status, `{"status":"blocked"}`, true},
		{"status close", http.MethodPost, status, `{"status":"close"}`, false},
		{"category 129 chars", http.MethodPost, status, `{"status":"close","category":"` + strings.Repeat("c", 129) + `"}`, true},
		{"category 128 chars", http.MethodPost, status, `{"status":"close","category":"` + strings.Repeat("c", 128) + `"}`, false},
		{"summary 513 chars", http.MethodPost, status, `{"status":"close","summary":"` + strings.Repeat("s", 513) + `"}`, true},
		{"summary 512 chars", http.MethodPost, status, `{"status":"close","summary":"` + strings.Repeat("s", 512) + `"}`, false},

		{"create without firstName", http.MethodPost, contact, `{"lastName":"Rahman"}`, true},
		{"create firstName not a string", http.MethodPost, contact, `{"firstName":7}`, true},
		{"create language not ISO 639-1", http.MethodPost, contact, `{"firstName":"A","language":"english"}`, true},
		{"create countryCode not alpha-2", http.MethodPost, contact, `{"firstName":"A","countryCode":"MYS"}`, true},
		{"create custom_fields not an array", http.MethodPost, contact, `{"firstName":"A","custom_fields":{"a":"b"}}`, true},
		{"create with firstName", http.MethodPost, contact, `{"firstName":"A"}`, false},

		{"identifier docs placeholder", http.MethodGet, "/v1/contact/example", ``, true},
		{"identifier bare number", http.MethodGet, "/v1/contact/123", ``, true},
		{"identifier id not numeric", http.MethodGet, "/v1/contact/id:abc", ``, true},
		{"identifier email without at", http.MethodGet, "/v1/contact/email:abdc", ``, true},
		{"identifier phone with letters", http.MethodGet, "/v1/contact/phone:abc", ``, true},
		{"identifier unknown prefix", http.MethodGet, "/v1/contact/uuid:123", ``, true},
		{"identifier phone without plus", http.MethodGet, "/v1/contact/phone:60121233112", ``, false},
		{"identifier on assignee route", http.MethodPost, "/v1/contact/example/conversation/assignee", `{"assignee":null}`, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := validateRequest(t, api, tt.method, tt.target, bearer(), tt.body)
			if tt.wantErr {
				require.Error(t, err)
				return
			}
			require.NoError(t, err)
		})
	}
}

func TestAelystResponseConstraints(t *testing.T) {
	api := loadSpec(t, "aelyst")
	contact := func(extra string) string {
		return `{"id":1,"firstName":"A"` + extra + `}`
	}
	tags := func(n int) string {
		items := make([]string, n)
		for i := range items {
			items[i] = fmt.Sprintf("%q", fmt.Sprintf("t%d", i))
		}
		return `,"tags":[` + strings.Join(items, ",") + `]`
	}
	tests := []struct {
		name    string
		status  int
		header  http.Header
		body    string
		wantErr bool
	}{
		{"contact minimal", 200, jsonHeader(), contact(""), false},
		{"contact typical", 200, jsonHeader(), contact(`,"status":"open","created_at":1700000000,"isBlocked":false,"lifecycle":null`), false},
		{"contact without firstName", 200, jsonHeader(), `{"id":1}`, true},
		{"tags 10", 200, jsonHeader(), contact(tags(10)), false},
		{"tags 11", 200, jsonHeader(), contact(tags(11)), true},
		{"tags duplicated", 200, jsonHeader(), contact(`,"tags":["a","a"]`), true},
		{"status outside enum", 200, jsonHeader(), contact(`,"status":"pending"`), true},
		{"assignee null", 200, jsonHeader(), contact(`,"assignee":null`), false},
		{"assignee user", 200, jsonHeader(), contact(`,"assignee":{"id":7,"firstName":"D","lastName":"T","email":"abc@gmail.com"}`), false},
		{"assignee id not integer", 200, jsonHeader(), contact(`,"assignee":{"id":"7"}`), true},
		{"created_at not unix seconds", 200, jsonHeader(), contact(`,"created_at":"2024-01-01"`), true},
		{"isBlocked not boolean", 200, jsonHeader(), contact(`,"isBlocked":"no"`), true},
		{"error code not integer", 404, jsonHeader(), `{"code":"404","message":"Contact not found"}`, true},
		{"error without message", 500, jsonHeader(), `{"code":500}`, true},
		{"429 without Retry-After", 429, jsonHeader(), `{"code":429,"message":"Too Many Requests"}`, true},
		{"429 Retry-After not a number", 429, jsonHeader("Retry-After", "soon"), `{"code":429,"message":"Too Many Requests"}`, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := validateResponse(t, api, http.MethodGet, "/v1/contact/id:1", tt.status, tt.header, tt.body)
			if tt.wantErr {
				require.Error(t, err)
				return
			}
			require.NoError(t, err)
		})
	}
}
