package mock

import (
	"encoding/base64"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/standin/standin/openapi"
)

// TestServeAuth checks each way credentials fail, with the vendor's exact body, and the ways they pass.
func TestServeAuth(t *testing.T) {
	apis := engineAPIs(t)
	ts, _ := engineServer(t, Config{ForbiddenKeys: []string{"cc_denied_*", "revoked-*"}}, apis)
	careList := "/carecycle/v2/campaigns/appointment-configs"
	aelystGet := "/aelyst/v1/contact/id:1"
	cinnoxLabels := "/cinnox/v1/api/apps/app-1/labels"
	const careUnauthorized = `{"message":"Invalid or missing API key","code":"UNAUTHORIZED"}`
	const careForbidden = `{"message":"API key lacks required permissions","code":"FORBIDDEN"}`
	const aelystUnauthorized = `{"code":401,"message":"UN_AUTHORIZED"}`
	const cinnoxUnauthorized = `{"code":401,"message":"Unauthorized"}`
	tests := []struct {
		name    string
		path    string
		headers []string
		status  int
		body    string // exact JSON; "" to skip
	}{
		{"carecycle missing key", careList, nil, 401, careUnauthorized},
		{"carecycle empty key", careList, []string{"x-api-key", ""}, 401, careUnauthorized},
		{"carecycle key without cc_", careList, []string{"x-api-key", "sk_live_123"}, 401, careUnauthorized},
		{"carecycle key in bearer instead", careList, []string{"Authorization", "Bearer cc_123"}, 401, careUnauthorized},
		{"carecycle good key", careList, []string{"x-api-key", "cc_live_123"}, 200, ""},
		{"carecycle forbidden by spec glob", careList, []string{"x-api-key", "cc_forbidden_readonly"}, 403, careForbidden},
		{"carecycle forbidden by --deny-key", careList, []string{"x-api-key", "cc_denied_1"}, 403, careForbidden},
		{"aelyst missing token", aelystGet, nil, 401, aelystUnauthorized},
		{"aelyst empty bearer", aelystGet, []string{"Authorization", "Bearer "}, 401, aelystUnauthorized},
		{"aelyst bearer word only", aelystGet, []string{"Authorization", "Bearer"}, 401, aelystUnauthorized},
		{"aelyst wrong scheme", aelystGet, []string{"Authorization", "Basic " + base64.StdEncoding.EncodeToString([]byte("a:b"))}, 401, aelystUnauthorized},
		{"aelyst token without scheme", aelystGet, []string{"Authorization", "abc123"}, 401, aelystUnauthorized},
		{"aelyst api key header instead", aelystGet, []string{"x-api-key", "cc_123"}, 401, aelystUnauthorized},
		{"aelyst good bearer", aelystGet, []string{"Authorization", "Bearer abc"}, 200, ""},
		{"aelyst scheme is case-insensitive", aelystGet, []string{"Authorization", "bearer abc"}, 200, ""},
		// Aelyst documents no 403: a denied token is unauthorized there.
		{"aelyst denied token", aelystGet, []string{"Authorization", "Bearer revoked-1"}, 401, aelystUnauthorized},
		{"cinnox missing token", cinnoxLabels, nil, 401, cinnoxUnauthorized},
		{"cinnox empty bearer", cinnoxLabels, []string{"Authorization", "Bearer   "}, 401, cinnoxUnauthorized},
		{"cinnox good bearer", cinnoxLabels, []string{"Authorization", "Bearer app-token"}, 200, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := engineDo(t, ts, http.MethodGet, tt.path, "", tt.headers...)
			require.Equal(t, tt.status, resp.status, "body: %s", resp.body)
			if tt.body != "" {
				require.JSONEq(t, tt.body, string(resp.body))
			}
			api := apis[0]
			for _, a := range apis {
				if strings.HasPrefix(tt.path, "/"+a.Name+"/") {
					api = a
				}
			}
			engineCheckResponse(t, api, "/"+api.Name, resp)
		})
	}
}

// TestServeAuthSchemes covers the scheme kinds and requirement logic the bundled specs do not use: apiKey in
// query and cookie, http basic, alternatives (OR), a requirement needing two schemes (AND) and an operation
// that opts out with an empty requirement.
func TestServeAuthSchemes(t *testing.T) {
	const spec = `openapi: 3.0.3
info: {title: Schemes, version: "1"}
security:
  - queryKey: []
  - basic: []
paths:
  /either:
    get:
      responses: {"200": {description: ok, content: {application/json: {schema: {type: object}}}}}
  /both:
    get:
      security: [{cookieKey: [], headerKey: []}]
      responses: {"200": {description: ok, content: {application/json: {schema: {type: object}}}}}
  /open:
    get:
      security: [{}]
      responses: {"200": {description: ok, content: {application/json: {schema: {type: object}}}}}
components:
  securitySchemes:
    queryKey: {type: apiKey, in: query, name: key}
    cookieKey: {type: apiKey, in: cookie, name: sid}
    headerKey: {type: apiKey, in: header, name: X-Key}
    basic: {type: http, scheme: basic}
`
	api, err := openapi.LoadData(t.Context(), "schemes.yaml", []byte(spec))
	require.NoError(t, err)
	ts, _ := engineServer(t, Config{}, []*openapi.API{api})
	basic := "Basic " + base64.StdEncoding.EncodeToString([]byte("user:pw"))
	tests := []struct {
		name    string
		path    string
		headers []string
		status  int
	}{
		{"no credentials", "/either", nil, 401},
		{"query key", "/either?key=k1", nil, 200},
		{"empty query key", "/either?key=", nil, 401},
		{"basic", "/either", []string{"Authorization", basic}, 200},
		{"basic without colon", "/either", []string{"Authorization", "Basic " + base64.StdEncoding.EncodeToString([]byte("user"))}, 401},
		{"basic not base64", "/either", []string{"Authorization", "Basic !!!"}, 401},
		{"both present", "/both", []string{"Cookie", "sid=s1", "X-Key", "h1"}, 200},
		{"cookie only", "/both", []string{"Cookie", "sid=s1"}, 401},
		{"header only", "/both", []string{"X-Key", "h1"}, 401},
		{"open", "/open", nil, 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := engineDo(t, ts, http.MethodGet, tt.path, "", tt.headers...)
			require.Equal(t, tt.status, resp.status, "body: %s", resp.body)
		})
	}
}
