package bench_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/standin/standin/mock"
	"github.com/standin/standin/openapi"
)

// BenchmarkStartBundled is `standin serve` with no document up to its first answer, in-process: the three bundled
// APIs loaded (parse, lint, validation, behaviour inference), the mock built (plans, fixtures) and one request
// answered. Profile the start with
//
//	go test -run '^$' -bench StartBundled -benchmem -cpuprofile /tmp/start.out ./bench/ && go tool pprof -top /tmp/start.out
func BenchmarkStartBundled(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		var apis []*openapi.API
		for _, name := range openapi.Bundled() {
			api, err := openapi.Load(context.Background(), name)
			if err != nil {
				b.Fatal(err)
			}
			apis = append(apis, api)
		}
		srv, err := mock.New(apis, mock.Config{})
		if err != nil {
			b.Fatal(err)
		}
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
		if rec.Code == 0 {
			b.Fatal("no answer")
		}
		_ = srv.Close()
	}
}
