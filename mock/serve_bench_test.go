package mock

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// benchPatchRequest is careCycle's campaign-status PATCH for the fixture enrollment, valid and allowed.
func benchPatchRequest() *http.Request {
	const body = `{"customerId":"87d8e330-2878-4742-a86f-dbbb3bf522ac","campaignId":"13f8bf6d-dc27-4a04-bffe-6e5b13c19ddf","status":"completed"}`
	req := httptest.NewRequest(http.MethodPatch, "/carecycle/v2/customers/campaign-status", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(engineCareHeader, engineCareKey)
	return req
}

// BenchmarkServeBaseline is the floor the other BenchmarkServe figures are read against: the same request
// building and recorder around a handler that only writes a fixed JSON body of the size campaign-status answers.
// Report BenchmarkServe* as ratios to it, measured in the same run.
func BenchmarkServeBaseline(b *testing.B) {
	const answer = `{"success":true,"previousStatus":"in_progress","newStatus":"completed","customerCampaignId":"36ca8d1d-3d3d-48cf-bd1f-a796d8849d75"}`
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		writeJSON(w, http.StatusOK, nil, json.RawMessage(answer))
	})
	b.ReportAllocs()
	for b.Loop() {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, benchPatchRequest())
		if rec.Code != http.StatusOK {
			b.Fatalf("status %d", rec.Code)
		}
	}
}

// BenchmarkServeValidatedPatch measures the whole pipeline for careCycle's campaign-status PATCH: route,
// session, journal, security, body validation and the response.
func BenchmarkServeValidatedPatch(b *testing.B) {
	srv, err := New(engineAPIs(b, "carecycle"), Config{})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, benchPatchRequest())
		if rec.Code != http.StatusOK {
			b.Fatalf("status %d: %s", rec.Code, rec.Body)
		}
	}
}

// BenchmarkServeCinnoxList measures a generated page of CINNOX enquiry records (48 fields each), asked for with
// Prefer: dynamic=true so that the body is generated from the schema rather than copied from an example.
func BenchmarkServeCinnoxList(b *testing.B) {
	srv, err := New(engineAPIs(b, "cinnox"), Config{})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		req := httptest.NewRequest(http.MethodGet,
			"/cinnox/v1/api/apps/app-1/data/enquiry-detail?startAt=2022-11-07T00:00:00Z&endAt=2022-11-08T00:00:00Z&limit=50", nil)
		req.Header.Set("Authorization", engineBearer)
		req.Header.Set("Prefer", "dynamic=true")
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("status %d: %s", rec.Code, rec.Body)
		}
		_, _ = io.Copy(io.Discard, rec.Body)
	}
}

// benchAssignPath is careCycle's inquiry assign PATCH, the request issue 12's instructions-per-request target is
// set on (../shared/tools/instr-per-req.sh measures it on a real server).
const benchAssignPath = "/carecycle/v2/inquiries/497f6eca-6276-4993-bfeb-53cbbbba6f08/assign"

// BenchmarkServeAssignPatch measures the whole pipeline for the assign PATCH with what `standin serve` runs by
// default: request validation, the state update, the journal and a text request log line (written to a discarded
// stream).
func BenchmarkServeAssignPatch(b *testing.B) {
	srv, err := New(engineAPIs(b, "carecycle"), Config{Seed: 1},
		WithLogger(slog.New(slog.NewTextHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelInfo}))))
	if err != nil {
		b.Fatal(err)
	}
	const body = `{"assignedTo":"7869c1a9-a680-4086-b6f5-9e78a651f6f2"}`
	b.ReportAllocs()
	for b.Loop() {
		req := httptest.NewRequest(http.MethodPatch, benchAssignPath, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set(engineCareHeader, engineCareKey)
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("status %d: %s", rec.Code, rec.Body)
		}
	}
}
