package mock

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
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

// benchAnswer is the assign PATCH's answer, the body the response and journal stages handle.
const benchAnswer = `{"additionalConcerns":"None raised.","assignedTo":"7869c1a9-a680-4086-b6f5-9e78a651f6f2","callId":"4722cd84-0ec7-4ef5-8c34-1b0150f45f53","callbackCallId":"3ff5b170-21ec-4fdb-9d07-d18865ce54a5","callbackCompletedAt":null,"callbackDisposition":"pending","callbackFailureReason":"none","callbackRequestedAt":null,"callbackRequestedBy":"a5a1af4e-f2c6-48c6-8e69-0acc13906fed","callbackWorkflowId":"58c68a9f-1923-4a5a-b69b-88032c446b85","createdAt":"2026-02-27T09:14:02.310Z","customerCampaignId":"36ca8d1d-3d3d-48cf-bd1f-a796d8849d75","escalationApplied":false,"handlingRationale":"Coverage question with no clinical urgency.","id":"497f6eca-6276-4993-bfeb-53cbbbba6f08","inquiry":"Does my plan cover a second opinion on the MRI results?","notes":"Member ID read back and confirmed.","primaryCategory":"billing","reasoning":"The caller asked about insurance coverage and reported no symptoms.","resolutionType":"callback","resolvedAt":null,"resolvedBy":"14b2aa2a-efb0-4ef1-9ffc-3025efbd2222","response":"I have logged your question; a care coordinator will confirm your coverage by phone.","severity":"low","severityTriggers":"none","status":"new","subcategory":"coverage_question","suggestedHandling":"Check the member's plan for second-opinion coverage and call back.","toolCallId":"call_Hn4sP0wq7XbZ2cLe","updatedAt":"2026-12-02T05:14:31.647Z"}`

// BenchmarkStageJournalBody is the journal stage's work on the answer: the credential check, the JSON check and
// keeping it.
func BenchmarkStageJournalBody(b *testing.B) {
	m := newMasker(engineAPIs(b, "carecycle")[0].Doc)
	body := []byte(benchAnswer)
	b.ReportAllocs()
	for b.Loop() {
		if got, _ := m.journalBodyOwned(body); len(got) != len(body) {
			b.Fatalf("kept %d bytes of %d", len(got), len(body))
		}
	}
}

// BenchmarkStageResponseEncode is the response stage's encoding of the answer record (decoded JSON) with its
// headers.
func BenchmarkStageResponseEncode(b *testing.B) {
	var rec map[string]any
	if err := json.Unmarshal([]byte(benchAnswer), &rec); err != nil {
		b.Fatal(err)
	}
	w := &discardWriter{h: http.Header{}}
	b.ReportAllocs()
	for b.Loop() {
		clear(w.h)
		writeJSON(w, http.StatusOK, nil, rec)
	}
	if w.n != len(benchAnswer) {
		b.Fatalf("wrote %d bytes, want %d", w.n, len(benchAnswer))
	}
}

// discardWriter is a ResponseWriter that keeps only the size of the last body.
type discardWriter struct {
	h http.Header
	n int
}

func (d *discardWriter) Header() http.Header         { return d.h }
func (d *discardWriter) WriteHeader(int)             {}
func (d *discardWriter) Write(p []byte) (int, error) { d.n = len(p); return len(p), nil }

// BenchmarkStageJournalAdd is the journal stage's keeping of the assign PATCH's entry in a full ring: packing
// its texts into the buffer of the entry it replaces (journal_pack.go). It allocates nothing once the ring is
// full.
func BenchmarkStageJournalAdd(b *testing.B) {
	j := newJournal(1000)
	e := journalEntry{Time: time.Now(), Session: DefaultSession, API: "carecycle", Operation: "assignInquiry",
		Method: http.MethodPatch, Path: benchAssignPath, Status: http.StatusOK, LatencyMS: 0.2, AnsweredBy: "behaviour",
		Request: journalMessage{pairs: []string{"Content-Type", "application/json", "X-Api-Key", maskedValue,
			"User-Agent", "hey/0.0.1", "Accept-Encoding", "gzip", "Content-Length", "54"},
			Body: json.RawMessage(`{"assignedTo":"7869c1a9-a680-4086-b6f5-9e78a651f6f2"}`)},
		Response: journalMessage{pairs: []string{"Content-Type", "application/json", "Content-Length", "1342",
			"Date", "Thu, 03 Dec 2026 08:02:58 GMT"}, Body: json.RawMessage(benchAnswer)},
	}
	for range 1000 {
		j.add(e, nil)
	}
	b.ReportAllocs()
	for b.Loop() {
		j.add(e, nil)
	}
	if got := j.list(journalFilter{Limit: 1})[0]; string(got.Response.Body) != benchAnswer {
		b.Fatalf("kept %.80s", got.Response.Body)
	}
}
