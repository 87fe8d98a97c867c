package mock

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/stretchr/testify/require"

	"github.com/standin/standin/openapi"
)

// TestBehaviourAnswersMatchTheSpec sends requests that run every bundled behaviour (successes and the errors the
// behaviours answer) and validates each answer against the operation's documented response.
func TestBehaviourAnswersMatchTheSpec(t *testing.T) {
	clock := newStateClock()
	ts, srv := stateServer(t, Config{}, WithClock(clock))
	type call struct {
		method, path, body string
		status             int
	}
	tests := []call{
		{http.MethodPatch, "/carecycle/v2/inquiries/" + docInquiry + "/assign", `{"assignedTo":null}`, 200},
		{http.MethodPatch, "/carecycle/v2/inquiries/0b6f1a6e-1f1d-4c55-9d59-2d4a4d1b9e10/assign", `{}`, 404},
		{http.MethodPatch, "/carecycle/v2/customers/campaign-status", `{"customerId":"` + docCustomer + `","campaignId":"` + docCampaign + `","status":"pending"}`, 422},
		{http.MethodPatch, "/carecycle/v2/customers/campaign-status", `{"customerId":"` + docCustomer + `","campaignId":"` + docCampaign + `","status":"failed"}`, 200},
		{http.MethodPost, "/carecycle/v2/campaigns/appointment-configs", `{}`, 201},
		{http.MethodGet, "/carecycle/v2/campaigns/appointment-configs", "", 200},
		{http.MethodDelete, "/carecycle/v2/campaigns/appointment-configs/d55b1c95-4352-4014-b7aa-dd2690122da9", "", 200},
		{http.MethodDelete, "/carecycle/v2/campaigns/appointment-configs/d55b1c95-4352-4014-b7aa-dd2690122da9", "", 404},
		{http.MethodGet, "/aelyst/v1/contact/id:2", "", 200},
		{http.MethodGet, "/aelyst/v1/contact/id:9999", "", 404},
		{http.MethodPost, "/aelyst/v1/contact/id:1/conversation/assignee", `{"assignee":"abc@gmail.com"}`, 200},
		{http.MethodPost, "/aelyst/v1/contact/id:1/conversation/assignee", `{"assignee":424242}`, 400},
		{http.MethodPost, "/aelyst/v1/contact/id:1/conversation/status", `{"status":"close"}`, 200},
		{http.MethodPost, "/aelyst/v1/contact/phone:+60111111111", `{"firstName":"Lee"}`, 200},
		{http.MethodGet, "/aelyst/v1/contact/phone:+60111111111", "", 449},
		{http.MethodGet, "/cinnox/v1/api/apps/a/data/enquiry-detail?startAt=2026-01-01T00:00:00Z&endAt=2026-12-31T00:00:00Z", "", 200},
		{http.MethodGet, "/cinnox/v1/api/apps/a/data/enquiry-detail?startAt=2026-02-01T00:00:00Z&endAt=2026-01-01T00:00:00Z", "", 400},
		{http.MethodGet, "/cinnox/v1/api/apps/a/labels?limit=3", "", 200},
		{http.MethodPost, "/cinnox/v1/api/apps/a/inquiries/6369b3f0c2a4e1a9d1f0a0aa/labels", `{"labelIds":["label-03","x"]}`, 200},
		{http.MethodPost, "/cinnox/v1/api/apps/a/inquiries/unknown/labels", `{"labelIds":["label-03"]}`, 400},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			resp := stateDo(t, ts, tt.method, tt.path, tt.body)
			require.Equal(t, tt.status, resp.status, "body %s", resp.body)
			stateCheckResponse(t, srv, tt.method, tt.path, tt.body, resp)
		})
	}
}

// stateCheckResponse validates an answer against the spec of the API mounted at the path's first segment.
func stateCheckResponse(t *testing.T, srv *Server, method, path, body string, resp stateResponse) {
	t.Helper()
	name, rest, _ := strings.Cut(strings.TrimPrefix(path, "/"), "/")
	rt := srv.byName[name]
	require.NotNil(t, rt)
	router, err := rt.api.Router("")
	require.NoError(t, err)
	req := httptest.NewRequest(method, "/"+rest, strings.NewReader(body))
	route, params, err := router.FindRoute(req)
	require.NoError(t, err)
	opts := &openapi3filter.Options{IncludeResponseStatus: true, AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route, Options: opts},
		Status:                 resp.status,
		Header:                 resp.header,
		Options:                opts,
	}
	in.SetBodyBytes(resp.body)
	require.NoError(t, openapi3filter.ValidateResponse(context.Background(), in), "body %s", resp.body)
}

// TestBehaviourInferredCRUD serves a spec without x-standin: CRUD is inferred from its paths.
func TestBehaviourInferredCRUD(t *testing.T) {
	api, err := openapi.LoadFile(context.Background(), "../openapi/testdata/petstore.yaml")
	require.NoError(t, err)
	ts, _ := stateServerFor(t, []*openapi.API{api}, Config{})
	tests := []struct {
		method, path, body string
		headers            []string
		status             int
		want               string
	}{
		{http.MethodGet, "/petstore/api/pets", "", nil, 200, `[]`},
		{http.MethodPost, "/petstore/api/pets", `{"name":"Rex","tag":"dog"}`, nil, 201, `{"id":1,"name":"Rex","tag":"dog"}`},
		{http.MethodPost, "/petstore/api/pets", `{"name":"Tom"}`, nil, 201, `{"id":2,"name":"Tom"}`},
		{http.MethodGet, "/petstore/api/pets/1", "", nil, 200, `{"id":1,"name":"Rex","tag":"dog"}`},
		{http.MethodGet, "/petstore/api/pets", "", nil, 200, `[{"id":1,"name":"Rex","tag":"dog"},{"id":2,"name":"Tom"}]`},
		{http.MethodGet, "/petstore/api/pets/3", "", []string{IDsHeader, "strict"}, 404, `"code":"notFound"`},
		{http.MethodGet, "/petstore/api/pets/3", "", nil, 200, `"id":3`}, // materialised for the id asked
		{http.MethodGet, "/petstore/api/pets/3", "", []string{IDsHeader, "strict"}, 200, `"id":3`},
		{http.MethodGet, "/petstore/api/pets", "", nil, 200, `"name":"Tom"},{"id":3,`},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			resp := stateDo(t, ts, tt.method, tt.path, tt.body, tt.headers...)
			require.Equal(t, tt.status, resp.status, "body %s", resp.body)
			if strings.HasPrefix(tt.want, "{") || strings.HasPrefix(tt.want, "[") {
				require.JSONEq(t, tt.want, string(resp.body))
				return
			}
			require.Contains(t, string(resp.body), tt.want)
		})
	}
}
