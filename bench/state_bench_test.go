package bench_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"runtime/pprof"
	"testing"

	"github.com/standin/standin/mock"
	"github.com/standin/standin/openapi"
)

// BenchmarkStartFixtures is `standin serve --api cinnox --fixtures $BENCH_FIXTURES` up to its first 50-record
// page, in-process, to profile the start with a big collection (skipped without BENCH_FIXTURES):
//
//	go run ./bench/bigfixtures -n 100000 -out /tmp/big
//	BENCH_FIXTURES=/tmp/big go test -run '^$' -bench StartFixtures -benchtime 1x -cpuprofile /tmp/state.out ./bench/
//
// With BENCH_HEAP=FILE it also writes the heap in use after the first page (after a GC) to FILE, for
// `go tool pprof -sample_index=inuse_space`, and reports it as live-MiB.
func BenchmarkStartFixtures(b *testing.B) {
	dir := os.Getenv("BENCH_FIXTURES")
	if dir == "" {
		b.Skip("BENCH_FIXTURES names no fixture folder")
	}
	b.ReportAllocs()
	for b.Loop() {
		api, err := openapi.Load(context.Background(), "cinnox")
		if err != nil {
			b.Fatal(err)
		}
		srv, err := mock.New([]*openapi.API{api}, mock.Config{FixturesDir: dir})
		if err != nil {
			b.Fatal(err)
		}
		req := httptest.NewRequest(http.MethodGet, "/v1/api/apps/app1/data/enquiry-detail?startAt=2000-01-01T00:00:00.000Z&endAt=2100-01-01T00:00:00.000Z&limit=50", nil)
		req.Header.Set("Authorization", "Bearer t")
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("status %d: %.300s", rec.Code, rec.Body)
		}
		if path := os.Getenv("BENCH_HEAP"); path != "" {
			runtime.GC()
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			b.ReportMetric(float64(ms.HeapAlloc)/(1<<20), "live-MiB")
			f, err := os.Create(path)
			if err != nil {
				b.Fatal(err)
			}
			if err := pprof.WriteHeapProfile(f); err != nil {
				b.Fatal(err)
			}
			_ = f.Close()
		}
		_ = srv.Close()
	}
}
