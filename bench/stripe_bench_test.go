//go:build corpus

package bench_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"

	"github.com/standin/standin/internal/corpus"
	"github.com/standin/standin/mock"
	"github.com/standin/standin/openapi"
)

// BenchmarkStripe is bench/stripe.sh's per-request figures in-process: a 2xx (GET /v1/customers) and a
// documented error answer (GET /v1/customers/cus_123 under --strict-ids, a 404) on Stripe's description, so
// that the two can be profiled apart:
//
//	go test -tags corpus -run '^$' -bench Stripe/404 -benchmem -cpuprofile /tmp/404.out ./bench/
func BenchmarkStripe(b *testing.B) {
	file := installed(b, corpus.Stripe(), "Stripe's description")
	api, err := openapi.LoadFile(context.Background(), file)
	if err != nil {
		b.Fatal(err)
	}
	srv, err := mock.New([]*openapi.API{api}, mock.Config{StrictIDs: true, Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = srv.Close() })
	// first404 is the first error answer of an operation on a fresh server: the documented error body is
	// generated then (mock/errcache.go) and reused by later answers.
	b.Run("first404", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			b.StopTimer()
			fresh, err := mock.New([]*openapi.API{api}, mock.Config{StrictIDs: true, Seed: 1})
			if err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
			req := httptest.NewRequest(http.MethodGet, "/v1/customers/cus_123", nil)
			req.Header.Set("Authorization", "Bearer sk_test_123")
			rec := httptest.NewRecorder()
			fresh.ServeHTTP(rec, req)
			if rec.Code != http.StatusNotFound {
				b.Fatalf("status %d: %.300s", rec.Code, rec.Body)
			}
			b.StopTimer()
			_ = fresh.Close()
			b.StartTimer()
		}
	})
	for _, tc := range []struct {
		name, path string
		status     int
	}{
		{"2xx", "/v1/customers", http.StatusOK},
		{"404", "/v1/customers/cus_123", http.StatusNotFound},
	} {
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				req := httptest.NewRequest(http.MethodGet, tc.path, nil)
				req.Header.Set("Authorization", "Bearer sk_test_123")
				rec := httptest.NewRecorder()
				srv.ServeHTTP(rec, req)
				if rec.Code != tc.status {
					b.Fatalf("status %d, want %d: %.300s", rec.Code, tc.status, rec.Body)
				}
				_, _ = io.Copy(io.Discard, rec.Body)
			}
		})
	}
}

// installed returns file, or skips b when it is not there (the corpus is installed apart: bench/README.md).
func installed(b *testing.B, file, what string) string {
	if _, err := os.Stat(file); err != nil {
		b.Skipf("%s is not installed: %v", what, err)
	}
	return file
}

// BenchmarkStartGitHub is `standin serve --spec api.github.com.json` up to its first answer (GET /zen), in-process:
// bench/stripe.sh's GitHub start figure, split so that its stages can be profiled:
//
//	go test -tags corpus -run '^$' -bench StartGitHub -benchtime 3x -cpuprofile /tmp/gh.out ./bench/
func BenchmarkStartGitHub(b *testing.B) {
	file := installed(b, corpus.GitHub(), "GitHub's description")
	b.ReportAllocs()
	for b.Loop() {
		api, err := openapi.LoadFile(context.Background(), file)
		if err != nil {
			b.Fatal(err)
		}
		srv, err := mock.New([]*openapi.API{api}, mock.Config{})
		if err != nil {
			b.Fatal(err)
		}
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/"+api.Name+"/zen", nil))
		if rec.Code != http.StatusOK {
			b.Fatalf("status %d: %.300s", rec.Code, rec.Body)
		}
		_ = srv.Close()
	}
}
