package mock

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"

	"github.com/standin/standin/openapi"
)

// engineFuzzHeaders are the header names the fuzzer picks from (by index), so it reaches every stage.
var engineFuzzHeaders = []string{"Authorization", "x-api-key", "Content-Type", "Prefer", SessionHeader, "Cookie", "X-Other"}

// FuzzServeHTTP sends random methods, paths, headers and bodies. Properties: no panic reaches the client as a
// 5xx (unless the request asked for one with Prefer), and every response whose status the matched operation
// documents validates against the spec.
func FuzzServeHTTP(f *testing.F) {
	f.Add("GET", "/aelyst/v1/contact/id:1", uint8(0), "Bearer x", "")
	f.Add("PATCH", "/carecycle/v2/customers/campaign-status", uint8(1), "cc_1", `{"customerId":"87d8e330-2878-4742-a86f-dbbb3bf522ac","campaignId":"13f8bf6d-dc27-4a04-bffe-6e5b13c19ddf","status":"failed"}`)
	f.Add("POST", "/carecycle/v2/campaigns/appointment-configs", uint8(1), "cc_1", `{"bookingHours":[{"startHour":99}]}`)
	f.Add("POST", "/aelyst/v1/contact/email:a@b.c", uint8(2), "text/plain", `{"firstName":1}`)
	f.Add("GET", "/cinnox/v1/api/apps/x/data/enquiry-detail?limit=9999&offset=-3", uint8(0), "Bearer t", "")
	f.Add("DELETE", "/carecycle/v2/campaigns/appointment-configs/00000000-0000-0000-0000-000000000000", uint8(3), "code=404", "")
	f.Add("GET", "/aelyst/v1/contact/id:1", uint8(3), "example=nope", "")
	f.Add("POST", "/cinnox/v1/api/apps/a/inquiries/i/labels", uint8(0), "Bearer t", "{\"labelIds\":[\"\x00\"]}")
	f.Add("PUT", "/__standin/journal?limit=x", uint8(4), "bad name", "")
	f.Add("GET", "/%zz/../aelyst", uint8(5), "a=b", "null")

	apis := engineAPIs(f)
	srv, err := New(apis, Config{MaxBody: 4096, JournalSize: 16})
	if err != nil {
		f.Fatal(err)
	}
	routes := map[string]routers.Router{}
	for _, api := range apis {
		r, err := api.Router("/" + api.Name)
		if err != nil {
			f.Fatal(err)
		}
		routes[api.Name] = r
	}
	f.Fuzz(func(t *testing.T, method, target string, header uint8, value, body string) {
		if !strings.HasPrefix(target, "/") {
			target = "/" + target
		}
		req, err := http.NewRequestWithContext(context.Background(), method, "http://127.0.0.1"+target, strings.NewReader(body))
		if err != nil {
			return
		}
		name := engineFuzzHeaders[int(header)%len(engineFuzzHeaders)]
		req.Header.Set(name, value)
		if body != "" && name != "Content-Type" {
			req.Header.Set("Content-Type", "application/json")
		}
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		asked := name == "Prefer"
		if rec.Code >= 500 && !asked {
			t.Fatalf("%s %s (%s: %q) -> %d %s", method, target, name, value, rec.Code, rec.Body.Bytes())
		}
		if rec.Header().Get(StandinErrorHeader) != "" || strings.HasPrefix(req.URL.Path, AdminPrefix) {
			return
		}
		for _, api := range apis {
			engineFuzzCheck(t, api, routes[api.Name], req, rec)
		}
	})
}

// engineFuzzCheck validates rec against the operation req routes to in api, when the status is documented.
func engineFuzzCheck(t *testing.T, api *openapi.API, router routers.Router, req *http.Request, rec *httptest.ResponseRecorder) {
	probe := req.Clone(context.Background())
	probe.Body = http.NoBody
	route, params, err := router.FindRoute(probe)
	if err != nil {
		return
	}
	op := api.Operation(route.Operation.OperationID)
	if op == nil || !op.Documents(rec.Code) {
		return
	}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: probe, PathParams: params, Route: route},
		Status:                 rec.Code,
		Header:                 rec.Header(),
		Options:                &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true},
	}
	in.SetBodyBytes(bytes.Clone(rec.Body.Bytes()))
	if err := openapi3filter.ValidateResponse(context.Background(), in); err != nil {
		t.Fatalf("%s %s -> %d %s: %v", req.Method, req.URL, rec.Code, rec.Body.Bytes(), err)
	}
}
