//go:build corpus

package bench_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"

	"github.com/standin/standin/internal/corpus"
	"github.com/standin/standin/mock"
	"github.com/standin/standin/openapi"
)

// BenchmarkStartGitHub is `standin serve --spec api.github.com.json` up to its first answer (GET /zen), in-process:
// bench/stripe.sh's GitHub start figure, split so that its stages can be profiled:
//
//	go test -tags corpus -run '^$' -bench StartGitHub -benchtime 3x -cpuprofile /tmp/gh.out ./bench/
func BenchmarkStartGitHub(b *testing.B) {
	file := corpus.GitHub()
	if _, err := os.Stat(file); err != nil {
		b.Skipf("GitHub's description is not installed: %v", err)
	}
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
