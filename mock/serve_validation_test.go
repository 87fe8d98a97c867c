package mock

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestServeValidation sends invalid requests and requires the vendor's exact validation body, built from the
// spec's root x-standin declaration, with every failure collected.
func TestServeValidation(t *testing.T) {
	apis := engineAPIs(t)
	ts, _ := engineServer(t, Config{}, apis)
	cc, ae, cx := engineAuth("carecycle"), engineAuth("aelyst"), engineAuth("cinnox")
	const status = "/carecycle/v2/customers/campaign-status"
	const configs = "/carecycle/v2/campaigns/appointment-configs"
	const enquiries = "/cinnox/v1/api/apps/app-1/data/enquiry-detail"
	const period = "startAt=2022-11-07T00:00:00.000Z&endAt=2022-11-08T00:00:00.000Z"
	tests := []struct {
		name         string
		method, path string
		body         string
		headers      []string
		status       int
		want         string
	}{
		{
			name: "carecycle booking hour out of range", method: http.MethodPost, path: configs, headers: cc,
			body:   `{"name":"Consult","bookingHours":[{"startHour":9,"dayOfWeek":[1]},{"startHour":24,"dayOfWeek":[7]}]}`,
			status: 422,
			want: `{"message":"Request validation failed","code":"VALIDATION_ERROR","errors":[
				{"path":["bookingHours",1,"dayOfWeek",0],"message":"number must be at most 6","expected":"<=6","received":"7","code":"maximum"},
				{"path":["bookingHours",1,"startHour"],"message":"number must be at most 23","expected":"<=23","received":"24","code":"maximum"}],"failedRecords":[]}`,
		},
		{
			name: "carecycle first booking hour", method: http.MethodPost, path: configs, headers: cc,
			body:   `{"bookingHours":[{"startHour":24}]}`,
			status: 422,
			want: `{"message":"Request validation failed","code":"VALIDATION_ERROR","errors":[
				{"path":["bookingHours",0,"startHour"],"message":"number must be at most 23","expected":"<=23","received":"24","code":"maximum"}],"failedRecords":[]}`,
		},
		{
			name: "carecycle every missing field", method: http.MethodPatch, path: status, headers: cc, body: `{}`,
			status: 422,
			want: `{"message":"Request validation failed","code":"VALIDATION_ERROR","errors":[
				{"path":["customerId"],"message":"property \"customerId\" is missing","expected":"string (uuid)","received":"missing","code":"required"},
				{"path":["campaignId"],"message":"property \"campaignId\" is missing","expected":"string (uuid)","received":"missing","code":"required"},
				{"path":["status"],"message":"property \"status\" is missing","expected":"string","received":"missing","code":"required"}]}`,
		},
		{
			name: "carecycle wrong types and enum", method: http.MethodPatch, path: status, headers: cc,
			body:   `{"customerId":5,"campaignId":null,"status":"done"}`,
			status: 422,
			want: `{"message":"Request validation failed","code":"VALIDATION_ERROR","errors":[
				{"path":["campaignId"],"message":"Value is not nullable","expected":"string (uuid)","received":"null","code":"nullable"},
				{"path":["customerId"],"message":"value must be a string","expected":"string (uuid)","received":"integer","code":"type"},
				{"path":["status"],"message":"value is not one of the allowed values [\"pending\",\"awaiting_call\",\"in_progress\",\"completed\",\"failed\",\"expired\",\"cancelled\",\"skipped\",\"exceeded_max_calls\"]",
				 "expected":"pending | awaiting_call | in_progress | completed | failed | expired | cancelled | skipped | exceeded_max_calls","received":"done","code":"enum"}]}`,
		},
		{
			name: "carecycle path parameter and body together", method: http.MethodPatch,
			path: "/carecycle/v2/inquiries/not-a-uuid/assign", headers: cc, body: `{"assignedTo":"x"}`,
			status: 422,
			want: `{"message":"Request validation failed","code":"VALIDATION_ERROR","errors":[
				{"path":["id"],"message":"must be a valid uuid","expected":"uuid","received":"not-a-uuid","code":"pattern"},
				{"path":["assignedTo"],"message":"must be a valid uuid","expected":"uuid","received":"x","code":"pattern"}]}`,
		},
		{
			name: "carecycle missing body", method: http.MethodPatch,
			path: "/carecycle/v2/inquiries/a2cc1c26-6a12-43fd-9dc0-f4e5fedb3bef/assign", headers: cc,
			status: 422,
			want: `{"message":"Request validation failed","code":"VALIDATION_ERROR","errors":[
				{"path":[],"message":"the request body is required","expected":"a request body","received":"missing","code":"required"}]}`,
		},
		{
			name: "carecycle malformed JSON", method: http.MethodPatch, path: status, headers: cc, body: `{"customerId":`,
			status: 400, want: `{"message":"Malformed JSON in request body","code":"BAD_REQUEST"}`,
		},
		{
			name: "carecycle trailing garbage", method: http.MethodPatch, path: status, headers: cc, body: `{} {}`,
			status: 400, want: `{"message":"Malformed JSON in request body","code":"BAD_REQUEST"}`,
		},
		{
			name: "aelyst bad enum", method: http.MethodPost, path: "/aelyst/v1/contact/id:1/conversation/status",
			headers: ae, body: `{"status":"done"}`, status: 400, want: `{"code":400,"message":"Validation error."}`,
		},
		{
			name: "aelyst bad identifier", method: http.MethodGet, path: "/aelyst/v1/contact/example", headers: ae,
			status: 400, want: `{"code":400,"message":"Validation error."}`,
		},
		{
			name: "aelyst malformed JSON", method: http.MethodPost, path: "/aelyst/v1/contact/id:1/conversation/status",
			headers: ae, body: `{"status":`, status: 400, want: `{"code":400,"message":"Validation error."}`,
		},
		{
			name: "cinnox missing period", method: http.MethodGet, path: enquiries, headers: cx,
			status: 400, want: `{"code":6451000,"message":"missing one of startAt, endAt"}`,
		},
		{
			name: "cinnox missing endAt", method: http.MethodGet, path: enquiries + "?startAt=2022-11-07T00:00:00.000Z", headers: cx,
			status: 400, want: `{"code":6451000,"message":"missing one of startAt, endAt"}`,
		},
		{
			name: "cinnox negative offset", method: http.MethodGet, path: enquiries + "?" + period + "&offset=-1", headers: cx,
			status: 400, want: `{"code":6451000,"message":"negative offset"}`,
		},
		{
			name: "cinnox negative limit", method: http.MethodGet, path: enquiries + "?" + period + "&limit=-5", headers: cx,
			status: 400, want: `{"code":6451000,"message":"negative limit"}`,
		},
		{
			name: "cinnox limit too large", method: http.MethodGet, path: enquiries + "?" + period + "&limit=501", headers: cx,
			status: 400, want: `{"code":6451000,"message":"exceed maximum limit 500"}`,
		},
		{
			name: "cinnox label list limit too large", method: http.MethodGet, path: "/cinnox/v1/api/apps/app-1/labels?limit=1000", headers: cx,
			status: 400, want: `{"code":6451000,"message":"exceed maximum limit 500"}`,
		},
		{
			name: "cinnox bad date has no template", method: http.MethodGet, path: enquiries + "?startAt=yesterday&endAt=2022-11-08T00:00:00.000Z", headers: cx,
			status: 400, want: `{"code":6451000,"message":"Bad query"}`,
		},
		{
			name: "cinnox non-numeric limit", method: http.MethodGet, path: enquiries + "?" + period + "&limit=ten", headers: cx,
			status: 400, want: `{"code":6451000,"message":"Bad query"}`,
		},
		{
			name: "cinnox first templated failure wins", method: http.MethodGet, path: enquiries + "?offset=-1&limit=900", headers: cx,
			status: 400, want: `{"code":6451000,"message":"missing one of startAt, endAt"}`,
		},
		{
			name: "cinnox body wrong type", method: http.MethodPost, path: "/cinnox/v1/api/apps/app-1/inquiries/enq-1/labels",
			headers: cx, body: `{"labelIds":"label-01"}`, status: 400, want: `{"code":6451000,"message":"Bad query"}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := engineDo(t, ts, tt.method, tt.path, tt.body, tt.headers...)
			require.Equal(t, tt.status, resp.status, "body: %s", resp.body)
			require.JSONEq(t, tt.want, string(resp.body))
			for _, a := range apis {
				if strings.HasPrefix(tt.path, "/"+a.Name+"/") {
					engineCheckResponse(t, a, "/"+a.Name, resp)
				}
			}
		})
	}
}

// TestServeRoutingAndLimits covers unknown paths (404), wrong methods (405 with Allow) and bodies over the limit
// (413), each in the vendor's shape, and a body without Content-Type read as JSON.
func TestServeRoutingAndLimits(t *testing.T) {
	apis := engineAPIs(t)
	ts, _ := engineServer(t, Config{MaxBody: 1024}, apis)
	big := `{"firstName":"` + strings.Repeat("a", 2000) + `"}`
	tests := []struct {
		name         string
		method, path string
		body         string
		headers      []string
		status       int
		want         string
		allow        string
	}{
		{"carecycle unknown path", http.MethodGet, "/carecycle/v2/nothing", "", nil, 404, `{"message":"Resource not found","code":"NOT_FOUND"}`, ""},
		{"carecycle wrong method", http.MethodPut, "/carecycle/v2/campaigns/appointment-configs", "", nil, 405, `{"message":"Method not allowed","code":"METHOD_NOT_ALLOWED"}`, "GET, POST"},
		{"aelyst unknown path", http.MethodGet, "/aelyst/v1/contacts", "", nil, 404, `{"code":404,"message":"Not Found"}`, ""},
		{"aelyst path without base", http.MethodGet, "/aelyst/contact/id:1", "", nil, 404, `{"code":404,"message":"Not Found"}`, ""},
		{"aelyst wrong method", http.MethodDelete, "/aelyst/v1/contact/id:1", "", nil, 405, `{"code":405,"message":"Method Not Allowed"}`, "GET, POST"},
		{"cinnox unknown path", http.MethodGet, "/cinnox/v2/x", "", nil, 404, `{"code":404,"message":"Not found"}`, ""},
		{"cinnox wrong method", http.MethodPut, "/cinnox/v1/api/apps/a/labels", "", nil, 405, `{"code":6450001,"message":"method not found"}`, "GET"},
		{"aelyst body too large", http.MethodPost, "/aelyst/v1/contact/id:1", big, engineAuth("aelyst"), 413, `{"code":413,"message":"Payload Too Large"}`, ""},
		{"carecycle body too large", http.MethodPost, "/carecycle/v2/campaigns/appointment-configs", big, engineAuth("carecycle"), 413, `{"message":"Request body too large","code":"PAYLOAD_TOO_LARGE"}`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := engineDo(t, ts, tt.method, tt.path, tt.body, tt.headers...)
			require.Equal(t, tt.status, resp.status, "body: %s", resp.body)
			require.JSONEq(t, tt.want, string(resp.body))
			require.Equal(t, tt.allow, resp.header.Get("Allow"))
		})
	}
	t.Run("body without content type", func(t *testing.T) {
		req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, ts.URL+"/aelyst/v1/contact/id:1/conversation/status",
			strings.NewReader(`{"status":"open"}`))
		require.NoError(t, err)
		req.Header.Set("Authorization", engineBearer)
		resp, err := ts.Client().Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		require.Equal(t, http.StatusOK, resp.StatusCode)
	})
	t.Run("chunked body over the limit", func(t *testing.T) {
		req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, ts.URL+"/aelyst/v1/contact/id:1",
			struct{ *strings.Reader }{strings.NewReader(big)}) // hides the length: sent chunked
		require.NoError(t, err)
		req.Header.Set("Authorization", engineBearer)
		req.Header.Set("Content-Type", "application/json")
		resp, err := ts.Client().Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		require.Equal(t, http.StatusRequestEntityTooLarge, resp.StatusCode)
	})
}

// TestServeStrictValidation covers what round trips (standin test against standin serve) found accepted that
// the document forbids: a null, or nothing, for a field whose schema gives a default (openapi3filter filled the
// default in before validating), an empty form for an object with required fields, boolean and enum query
// parameters, and bearer tokens that are not JWTs where bearerFormat says JWT. Each answer is the document's
// error shape and names the field.
func TestServeStrictValidation(t *testing.T) {
	ts, api := engineUserSpec(t, "strict.yaml")
	const base = "/strict/v1"
	const form, jsonType = "application/x-www-form-urlencoded", "application/json"
	const jwt = "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl"
	tests := []struct {
		name         string
		method, path string
		body         string
		headers      []string
		status       int
		want         string // the answer's message
	}{
		{name: "null for a field with a default", method: http.MethodPost, path: "/things", headers: []string{"Content-Type", jsonType},
			body: `{"name":"x","kind":"k","size":null}`, status: 400, want: "Request validation failed: size: Value is not nullable"},
		{name: "null for a field without a default", method: http.MethodPost, path: "/things", headers: []string{"Content-Type", jsonType},
			body: `{"name":"x","kind":"k","note":null}`, status: 400, want: "Request validation failed: note: Value is not nullable"},
		{name: "required field with a default left out", method: http.MethodPost, path: "/things", headers: []string{"Content-Type", jsonType},
			body: `{"name":"x"}`, status: 400, want: `Request validation failed: property "kind" is missing`},
		{name: "null where the schema is nullable", method: http.MethodPost, path: "/things", headers: []string{"Content-Type", jsonType},
			body: `{"name":"x","kind":"k","count":null}`, status: 201},
		{name: "required form field with a default left out", method: http.MethodPost, path: "/forms", headers: []string{"Content-Type", form},
			body: `name=x&amount=1`, status: 400, want: `Request validation failed: property "currency" is missing`},
		{name: "complete form", method: http.MethodPost, path: "/forms", headers: []string{"Content-Type", form},
			body: `name=x&amount=1&currency=eur`, status: 200},
		{name: "empty form for an optional body with required fields", method: http.MethodPost, path: "/optform",
			headers: []string{"Content-Type", form}, status: 400, want: `Request validation failed: property "name" is missing`},
		{name: "no body at all for an optional body", method: http.MethodPost, path: "/optform", status: 200},
		{name: "multipart without a required part", method: http.MethodPost, path: "/uploads",
			headers: []string{"Content-Type", "multipart/form-data; boundary=b"},
			body:    "--b\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nt\r\n--b--\r\n", status: 400,
			want: `Request validation failed: property "file" is missing`},
		{name: "required query parameter with a default left out", method: http.MethodGet, path: "/things", status: 400,
			want: `Request validation failed: query parameter "region" is required`},
		{name: "boolean query parameter", method: http.MethodGet, path: "/things?region=eu&active=maybe", status: 400,
			want: `Request validation failed: query parameter "active" is not a valid boolean`},
		{name: "enum query parameter", method: http.MethodGet, path: "/things?region=eu&sort=up", status: 400,
			want: `Request validation failed: sort: value is not one of the allowed values ["asc","desc"]`},
		{name: "enum query array item", method: http.MethodGet, path: "/things?region=eu&kinds=a&kinds=z", status: 400,
			want: `Request validation failed: kinds.1: value is not one of the allowed values ["a","b"]`},
		{name: "deepObject boolean", method: http.MethodGet, path: "/things?region=eu&flags[on]=maybe", status: 400,
			want: `Request validation failed: flags.on: value must be a boolean`},
		{name: "empty boolean query parameter with a default", method: http.MethodGet, path: "/things?region=eu&verbose=", status: 400,
			want: `Request validation failed: query parameter "verbose" must not be empty`},
		{name: "empty enum query parameter with a default", method: http.MethodGet, path: "/things?region=eu&order=", status: 400,
			want: `Request validation failed: order: value is not one of the allowed values ["asc","desc"]`},
		{name: "valid query", method: http.MethodGet, path: "/things?region=eu&active=true&sort=asc&kinds=a&kinds=b&flags[on]=false", status: 200},
		{name: "bearer token that is not a JWT", method: http.MethodGet, path: "/secure/jwt", headers: []string{"Authorization", "Bearer abc"},
			status: 401, want: "Missing or invalid credentials"},
		{name: "JWT with two segments", method: http.MethodGet, path: "/secure/jwt", headers: []string{"Authorization", "Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0"},
			status: 401, want: "Missing or invalid credentials"},
		{name: "JWT segment that is not base64url", method: http.MethodGet, path: "/secure/jwt", headers: []string{"Authorization", "Bearer eyJhbGciOiJub25lIn0.e+J/.c2ln"},
			status: 401, want: "Missing or invalid credentials"},
		{name: "JWT", method: http.MethodGet, path: "/secure/jwt", headers: []string{"Authorization", jwt}, status: 200},
		{name: "unsecured JWT", method: http.MethodGet, path: "/secure/jwt", headers: []string{"Authorization", "Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0."}, status: 200},
		{name: "other bearerFormat is free text", method: http.MethodGet, path: "/secure/opaque", headers: []string{"Authorization", "Bearer abc"}, status: 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := sendRequest(t, ts, tt.method, base+tt.path, "", tt.body, false, tt.headers...)
			require.Equal(t, tt.status, resp.status, "body: %s", resp.body)
			engineCheckResponse(t, api, "/strict", resp)
			if tt.want == "" {
				return
			}
			var got struct {
				Message string `json:"message"`
				Status  int    `json:"status"`
			}
			require.NoError(t, json.Unmarshal(resp.body, &got), "body: %s", resp.body)
			require.Equal(t, tt.want, got.Message)
			require.Equal(t, tt.status, got.Status)
		})
	}
}
