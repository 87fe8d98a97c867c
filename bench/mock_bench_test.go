package bench_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/standin/standin/mock"
	"github.com/standin/standin/openapi"
)

// These benchmarks drive the mock in-process with the requests bench/load.sh sends over the network, so that a
// hot spot the load run shows can be profiled without the HTTP stack and wrk in the picture:
//
//	go test -run '^$' -bench BenchmarkLoad -cpuprofile /tmp/cpu.out ./bench/ && go tool pprof -top /tmp/cpu.out

const (
	loadStatusPath = "/v2/customers/campaign-status"
	loadListPath   = "/v1/api/apps/app1/data/enquiry-detail?startAt=2000-01-01T00:00:00.000Z&endAt=2100-01-01T00:00:00.000Z&limit=50"
	loadBodyOK     = `{"customerId":"87d8e330-2878-4742-a86f-dbbb3bf522ac","campaignId":"13f8bf6d-dc27-4a04-bffe-6e5b13c19ddf","status":"completed"}`
	loadBodyBad    = `{"customerId":"87d8e330-2878-4742-a86f-dbbb3bf522ac","campaignId":"not-a-uuid","status":"bogus"}`
)

// loadServer is the mock serving one bundled API, as `standin serve --api name --records records` runs it.
func loadServer(b *testing.B, name string, records int) http.Handler {
	b.Helper()
	api, err := openapi.Load(context.Background(), name)
	if err != nil {
		b.Fatal(err)
	}
	srv, err := mock.New([]*openapi.API{api}, mock.Config{Records: records})
	if err != nil {
		b.Fatal(err)
	}
	return srv
}

func BenchmarkLoad(b *testing.B) {
	tests := []struct {
		name, api, method, path, body string
		headers                       map[string]string
		status                        int
	}{
		{"patch", "carecycle", http.MethodPatch, loadStatusPath, loadBodyOK,
			map[string]string{"Content-Type": "application/json", "x-api-key": "cc_bench"}, http.StatusOK},
		{"invalid", "carecycle", http.MethodPatch, loadStatusPath, loadBodyBad,
			map[string]string{"Content-Type": "application/json", "x-api-key": "cc_bench"}, http.StatusUnprocessableEntity},
		{"list", "cinnox", http.MethodGet, loadListPath, "",
			map[string]string{"Authorization": "Bearer t"}, http.StatusOK},
		{"list2", "cinnox", http.MethodGet, strings.Replace(loadListPath, "limit=50", "limit=2", 1), "",
			map[string]string{"Authorization": "Bearer t"}, http.StatusOK},
		{"dynamic", "cinnox", http.MethodGet, loadListPath, "",
			map[string]string{"Authorization": "Bearer t", "Prefer": "dynamic=true"}, http.StatusOK},
	}
	for _, tc := range tests {
		b.Run(tc.name, func(b *testing.B) {
			h := loadServer(b, tc.api, 60)
			b.ReportAllocs()
			for b.Loop() {
				req := httptest.NewRequest(tc.method, tc.path, strings.NewReader(tc.body))
				for k, v := range tc.headers {
					req.Header.Set(k, v)
				}
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				if rec.Code != tc.status {
					b.Fatalf("status %d, want %d: %s", rec.Code, tc.status, rec.Body)
				}
				_, _ = io.Copy(io.Discard, rec.Body)
			}
		})
	}
}

// BenchmarkLoadParallelList sends the stateful 50-record list page from GOMAXPROCS goroutines at once, to show
// contention (run with -blockprofile / -mutexprofile) that the sequential BenchmarkLoad/list cannot.
func BenchmarkLoadParallelList(b *testing.B) {
	h := loadServer(b, "cinnox", 60)
	b.ReportAllocs()
	b.SetParallelism(16)
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req := httptest.NewRequest(http.MethodGet, loadListPath, nil)
			req.Header.Set("Authorization", "Bearer t")
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != http.StatusOK {
				b.Errorf("status %d: %s", rec.Code, rec.Body)
				return
			}
		}
	})
}
