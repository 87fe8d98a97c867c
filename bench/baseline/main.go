// Command baseline is the floor that bench/load.sh measures standin against: a hand-written net/http server
// that answers the two benchmarked endpoints with fixed JSON bodies of about the size the mock sends, and
// nothing else (no spec, no routing table, no validation beyond one decode, no journal, no log).
//
//	PATCH .../campaign-status   decodes the body; status "completed" or "failed" -> 200 with a fixed
//	                            status-change body, anything else -> 422 with a fixed validation-error body
//	GET   .../enquiry-detail    200 with the first `limit` (query; default and at most -items) of a fixed list of
//	                            48-field records, every page rendered once at start
//	PATCH .../inquiries/{id}/assign
//	                            decodes the body ({"assignedTo": uuid or null}) -> 200 with a fixed 30-field
//	                            inquiry of the size careCycle's mock answers
//
// Usage: go run ./bench/baseline --addr 127.0.0.1:18090 [--items 50]
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "baseline:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	fs := flag.NewFlagSet("baseline", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:18090", "listen address (host:port)")
	items := fs.Int("items", 50, "records in the enquiry-detail list")
	if err := fs.Parse(args); err != nil {
		return err
	}
	h, err := newHandler(*items)
	if err != nil {
		return err
	}
	srv := &http.Server{Addr: *addr, Handler: h, ReadHeaderTimeout: 5 * time.Second}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()
	fmt.Fprintf(os.Stderr, "baseline listening on http://%s\n", *addr)
	select {
	case err := <-errc:
		return fmt.Errorf("listen on %s: %w", *addr, err)
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("shut down: %w", err)
	}
	return nil
}

// handler holds the pre-rendered bodies.
type handler struct {
	statusOK      []byte
	statusInvalid []byte
	inquiry       []byte
	pages         [][]byte // pages[n] is the list of the first n records
}

func newHandler(items int) (*handler, error) {
	if items < 0 {
		return nil, fmt.Errorf("items %d: expected 0 or more", items)
	}
	statusOK, err := json.Marshal(map[string]any{
		"success":            true,
		"previousStatus":     "in_progress",
		"newStatus":          "completed",
		"customerCampaignId": "5f0c7a52-6d0e-4c43-9a41-2b8e61f0d9a3",
	})
	if err != nil {
		return nil, fmt.Errorf("render status body: %w", err)
	}
	statusInvalid, err := json.Marshal(map[string]any{
		"message": "Request validation failed",
		"code":    "VALIDATION_ERROR",
		"errors": []map[string]any{
			{"path": []any{"campaignId"}, "message": "must be a valid uuid", "expected": "uuid", "received": "not-a-uuid", "code": "pattern"},
			{"path": []any{"status"}, "message": "value is not one of the allowed values", "expected": "pending | awaiting_call | in_progress | completed | failed | expired | cancelled | skipped | exceeded_max_calls", "received": "bogus", "code": "enum"},
		},
	})
	if err != nil {
		return nil, fmt.Errorf("render validation body: %w", err)
	}
	records := make([]map[string]any, items)
	for i := range records {
		records[i] = enquiry(i)
	}
	pages := make([][]byte, items+1)
	for n := range pages {
		if pages[n], err = json.Marshal(records[:n]); err != nil {
			return nil, fmt.Errorf("render list of %d: %w", n, err)
		}
	}
	inquiry, err := json.Marshal(map[string]any{
		"id": "497f6eca-6276-4993-bfeb-53cbbbba6f08", "createdAt": "2026-02-27T09:14:02.310Z",
		"updatedAt": "2026-12-02T05:14:31.647Z", "customerCampaignId": "36ca8d1d-3d3d-48cf-bd1f-a796d8849d75",
		"callId": "4722cd84-0ec7-4ef5-8c34-1b0150f45f53", "toolCallId": "call_Hn4sP0wq7XbZ2cLe",
		"inquiry":  "Does my plan cover a second opinion on the MRI results?",
		"response": "I have logged your question; a care coordinator will confirm your coverage by phone.",
		"status":   "new", "primaryCategory": "billing", "subcategory": "coverage_question", "severity": "low",
		"severityTriggers": "none", "escalationApplied": false, "resolutionType": "callback",
		"reasoning":          "The caller asked about insurance coverage and reported no symptoms.",
		"handlingRationale":  "Coverage question with no clinical urgency.",
		"suggestedHandling":  "Check the member's plan for second-opinion coverage and call back.",
		"additionalConcerns": "None raised.", "notes": "Member ID read back and confirmed.",
		"assignedTo": "7869c1a9-a680-4086-b6f5-9e78a651f6f2", "resolvedAt": nil,
		"resolvedBy": "14b2aa2a-efb0-4ef1-9ffc-3025efbd2222", "callbackRequestedAt": nil,
		"callbackRequestedBy": "a5a1af4e-f2c6-48c6-8e69-0acc13906fed", "callbackDisposition": "pending",
		"callbackFailureReason": "none", "callbackCallId": "3ff5b170-21ec-4fdb-9d07-d18865ce54a5",
		"callbackWorkflowId": "58c68a9f-1923-4a5a-b69b-88032c446b85", "callbackCompletedAt": nil,
	})
	if err != nil {
		return nil, fmt.Errorf("render inquiry body: %w", err)
	}
	return &handler{statusOK: statusOK, statusInvalid: statusInvalid, inquiry: inquiry, pages: pages}, nil
}

// enquiry is one 48-field enquiry-detail record; i varies the identifiers.
func enquiry(i int) map[string]any {
	id := fmt.Sprintf("7a41c0de93b2f1e0a5d4%04x", i)
	ts := time.Date(2023, 3, 1, 9, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Hour)
	stamp := func(d time.Duration) string { return ts.Add(d).Format("2006-01-02T15:04:05.000Z") }
	return map[string]any{
		"_id": id, "attachment": i%2 == 0, "channel": "Weblink", "closeDuration": 1200000 + i,
		"closedAt": stamp(20 * time.Minute), "createdAt": stamp(0), "destinationEndPoint": "STAFF",
		"destinationID": "192.0.2.15", "destinationName": "Help Desk", "destinationType": "STAFF",
		"displayCaseNumber": fmt.Sprint(200000 + i), "duration": 900000 + i,
		"handledPartyDepartmentID": "dept-12", "handledPartyName": "Ana Silva", "handledTarget": "eid-7301",
		"handledType": "Staff", "huntedStaffTargetHistory": "eid-7301,eid-7302", "id": fmt.Sprintf("channel-%04d", i),
		"initChannel": "IM", "inquiry": id + "ff", "inquiryDeepLink": fmt.Sprintf("https://example.test/inbox/enquiry/%d", 200000+i),
		"inquiryGroup": "", "inquiryType": "normal", "ip": "198.51.100.42", "labelIDs": []string{"label-02", "label-05"},
		"language": "pt:Portuguese", "location": "BR",
		"locationDetail":   map[string]any{"city": "Recife", "province": "Pernambuco", "regionCode": "BR-PE", "subdivision": "Pernambuco"},
		"maaiiDisplayName": "Website chat", "missedAt": "", "name": "", "omniType": "CINNOX",
		"pickedUpAt": stamp(90 * time.Second), "platform": "Firefox 121 on Ubuntu", "reopenedAt": "",
		"roomID": fmt.Sprintf("room-%08x", i), "staffFirstName": "Ana", "staffLastName": "Silva", "status": "closed",
		"svcID": "svc-8d21b6a0", "tag": "tag-2c9f44", "transferredParty": []string{}, "type": "web",
		"uniqueKey": fmt.Sprintf("%s-%d", id, ts.UnixMilli()), "updatedAt": stamp(20 * time.Minute),
		"visitor": fmt.Sprintf("visitor-%06x", i), "visitorFirstName": "João", "visitorLastName": "Costa",
	}
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.Method == http.MethodPatch && strings.HasSuffix(r.URL.Path, "/campaign-status"):
		var body struct {
			Status string `json:"status"`
		}
		if err := json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(&body); err != nil {
			write(w, http.StatusBadRequest, []byte(`{"message":"Malformed JSON in request body","code":"BAD_REQUEST"}`))
			return
		}
		if body.Status == "completed" || body.Status == "failed" {
			write(w, http.StatusOK, h.statusOK)
			return
		}
		write(w, http.StatusUnprocessableEntity, h.statusInvalid)
	case r.Method == http.MethodPatch && strings.HasPrefix(r.URL.Path, "/v2/inquiries/") && strings.HasSuffix(r.URL.Path, "/assign"):
		var body struct {
			AssignedTo *string `json:"assignedTo"`
		}
		if err := json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(&body); err != nil {
			write(w, http.StatusBadRequest, []byte(`{"message":"Malformed JSON in request body","code":"BAD_REQUEST"}`))
			return
		}
		write(w, http.StatusOK, h.inquiry)
	case r.Method == http.MethodGet && strings.HasSuffix(r.URL.Path, "/enquiry-detail"):
		n := len(h.pages) - 1
		if l, err := strconv.Atoi(r.URL.Query().Get("limit")); err == nil && l >= 0 && l < n {
			n = l
		}
		write(w, http.StatusOK, h.pages[n])
	default:
		write(w, http.StatusNotFound, []byte(`{"message":"Resource not found","code":"NOT_FOUND"}`))
	}
}

func write(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}
