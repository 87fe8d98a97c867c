package mock

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"
)

// BenchmarkStateSessionCreate measures making a new session, with each collection topped up to 1000 records
// (package state benchmarks the fork of the records alone).
func BenchmarkStateSessionCreate(b *testing.B) {
	_, srv := stateServer(b, Config{Records: 1000})
	b.Run("session", func(b *testing.B) {
		i := 0
		for b.Loop() {
			i++
			_, err := srv.sessions.get(fmt.Sprintf("bench-%d", i))
			require.NoError(b, err)
		}
	})
}

// BenchmarkStateWrite measures a stateful write (PATCH assign) through the whole pipeline, in memory and with a
// state file (one fsync per write when serial; shared fsyncs when 32 writers run at once).
func BenchmarkStateWrite(b *testing.B) {
	for _, mode := range []string{"memory", "state-file"} {
		cfg := Config{}
		if mode == "state-file" {
			cfg.StateFile = filepath.Join(b.TempDir(), "state.jsonl")
		}
		_, srv := stateServer(b, cfg)
		send := func(n int64) int {
			body := fmt.Sprintf(`{"assignedTo":"00000000-0000-4000-8000-%012d"}`, n)
			req := httptest.NewRequest(http.MethodPatch, "/carecycle/v2/inquiries/"+docInquiry+"/assign", strings.NewReader(body))
			req.Header.Set("x-api-key", "cc_bench")
			req.Header.Set("Content-Type", "application/json")
			rec := httptest.NewRecorder()
			srv.ServeHTTP(rec, req)
			return rec.Code
		}
		b.Run(mode+"/serial", func(b *testing.B) {
			var n int64
			for b.Loop() {
				n++
				if code := send(n); code != 200 {
					b.Fatalf("status %d", code)
				}
			}
		})
		b.Run(mode+"/parallel", func(b *testing.B) {
			var n atomic.Int64
			b.SetParallelism(16) // 16 writers per CPU: concurrent writes share fsyncs
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if code := send(n.Add(1)); code != 200 {
						b.Errorf("status %d", code)
						return
					}
				}
			})
		})
	}
}

// BenchmarkStateLookup measures reads that scan a collection of 10000 records: a typed identifier that is not the
// key (Aelyst email:) and a filtered, paged list (CINNOX enquiry-detail).
func BenchmarkStateLookup(b *testing.B) {
	_, srv := stateServer(b, Config{Records: 10000})
	for _, path := range []string{
		"/aelyst/v1/contact/email:abdc@gmail.com",
		"/cinnox/v1/api/apps/a/data/enquiry-detail?startAt=2000-01-01T00:00:00Z&endAt=2100-01-01T00:00:00Z&channel=LINE&limit=20",
	} {
		b.Run(strings.SplitN(strings.TrimPrefix(path, "/"), "/", 2)[0], func(b *testing.B) {
			for b.Loop() {
				req := httptest.NewRequest(http.MethodGet, path, nil)
				req.Header.Set("Authorization", "Bearer bench")
				rec := httptest.NewRecorder()
				srv.ServeHTTP(rec, req)
				if rec.Code != 200 {
					b.Fatalf("status %d: %s", rec.Code, rec.Body)
				}
			}
		})
	}
}
