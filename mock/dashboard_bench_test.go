package mock

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
)

// BenchmarkServeValidatedPatchDashboard is BenchmarkServeValidatedPatch with a dashboard tab open: one live
// journal stream over real HTTP that receives every request as an event. Read it against
// BenchmarkServeValidatedPatch from the same run; the difference is what watching the traffic costs the mock.
func BenchmarkServeValidatedPatchDashboard(b *testing.B) { benchWithStream(b, "") }

// BenchmarkServeValidatedPatchDashboardElsewhere has the tab's stream filtered to another session, so no entry
// is sent: what an open tab costs the request path alone.
func BenchmarkServeValidatedPatchDashboardElsewhere(b *testing.B) {
	benchWithStream(b, "?session=elsewhere")
}

func benchWithStream(b *testing.B, query string) {
	srv, err := New(engineAPIs(b, "carecycle"), Config{})
	if err != nil {
		b.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	defer ts.Close()
	defer srv.EndStreams() // before ts.Close, which waits for the stream
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, ts.URL+AdminPrefix+"journal/stream"+query, nil)
	if err != nil {
		b.Fatal(err)
	}
	// The stream has subscribed once its headers arrive; the tab reads what comes.
	res, err := ts.Client().Do(req)
	if err != nil {
		b.Fatal(err)
	}
	go func() {
		defer res.Body.Close()
		_, _ = io.Copy(io.Discard, res.Body)
	}()
	b.ReportAllocs()
	for b.Loop() {
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, benchPatchRequest())
		if rec.Code != http.StatusOK {
			b.Fatalf("status %d: %s", rec.Code, rec.Body)
		}
	}
}
