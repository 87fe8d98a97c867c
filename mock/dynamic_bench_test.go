package mock

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
)

// benchDynamicPath is issue 12's dynamic page: CINNOX's enquiry-detail list, 50 records.
const benchDynamicPath = "/cinnox/v1/api/apps/app1/data/enquiry-detail?startAt=2000-01-01T00:00:00.000Z&endAt=2100-01-01T00:00:00.000Z&limit=50"

// BenchmarkServeDynamicPage measures a repeated `Prefer: dynamic=true` 50-record page through the whole pipeline
// with what `standin serve` runs by default (validation, the journal, a text request log line), written to a
// writer that only counts, so that the figure is the server's work and not a recorder's growing buffer.
func BenchmarkServeDynamicPage(b *testing.B) {
	srv, err := New(engineAPIs(b, "cinnox"), Config{Seed: 1, Records: 60},
		WithLogger(slog.New(slog.NewTextHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelInfo}))))
	if err != nil {
		b.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodGet, benchDynamicPath, nil)
	req.Header.Set("Authorization", engineBearer)
	req.Header.Set("Prefer", "dynamic=true")
	w := &discardWriter{h: http.Header{}}
	b.ReportAllocs()
	for b.Loop() {
		clear(w.h)
		srv.ServeHTTP(w, req)
	}
}
