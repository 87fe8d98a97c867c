package mock

import (
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/standin/standin/fixtures"
)

// writeBigEnquiries writes a fixture folder whose CINNOX enquiry collection holds n records: the bundled
// enquiries in turn, each with its own _id and a createdAt spread over n minutes in a scrambled order (with ties:
// the step is not prime to n).
func writeBigEnquiries(b *testing.B, n int) string {
	b.Helper()
	src, err := fs.ReadFile(fixtures.FS, "cinnox/enquiries.json")
	if err != nil {
		b.Fatal(err)
	}
	var seed []map[string]any
	if err := json.Unmarshal(src, &seed); err != nil {
		b.Fatal(err)
	}
	labels, err := fs.ReadFile(fixtures.FS, "cinnox/labels.json")
	if err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "cinnox"), 0o755); err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "cinnox", "labels.json"), labels, 0o644); err != nil {
		b.Fatal(err)
	}
	base := time.Date(2022, 11, 7, 0, 0, 0, 0, time.UTC)
	recs := make([]map[string]any, n)
	for i := range n {
		rec := make(map[string]any, len(seed[0]))
		for k, v := range seed[i%len(seed)] {
			rec[k] = v
		}
		rec["_id"] = fmt.Sprintf("6369b3f0c2a4e1a9%08x", i)
		rec["createdAt"] = base.Add(time.Duration(i*7920%n) * time.Minute).Format("2006-01-02T15:04:05.000Z")
		recs[i] = rec
	}
	body, err := json.Marshal(recs)
	if err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "cinnox", "enquiries.json"), body, 0o644); err != nil {
		b.Fatal(err)
	}
	return dir
}

// BenchmarkListPage100k is a 50-record page of CINNOX's enquiry-detail list (filtered on createdAt, sorted by
// createdAt, offset/limit) over a collection of 100,000 stored records: the first page and one half way.
func BenchmarkListPage100k(b *testing.B) {
	srv, err := New(engineAPIs(b, "cinnox"), Config{FixturesDir: writeBigEnquiries(b, 100_000)})
	if err != nil {
		b.Fatal(err)
	}
	defer func() { _ = srv.Close() }()
	for _, bc := range []struct{ name, query string }{
		{"first", "limit=50"},
		{"offset50000", "offset=50000&limit=50"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				req := httptest.NewRequest(http.MethodGet,
					"/cinnox/v1/api/apps/app-1/data/enquiry-detail?startAt=2000-01-01T00:00:00Z&endAt=2100-01-01T00:00:00Z&"+bc.query, nil)
				req.Header.Set("Authorization", engineBearer)
				rec := httptest.NewRecorder()
				srv.ServeHTTP(rec, req)
				if rec.Code != http.StatusOK {
					b.Fatalf("status %d: %.300s", rec.Code, rec.Body)
				}
				_, _ = io.Copy(io.Discard, rec.Body)
			}
		})
	}
}

// BenchmarkListPageRecords60 is the page `standin serve --api cinnox --records 60 --seed 1` answers a client
// polling the enquiry list: 50 generated records of 48 fields, about 75 KB, streamed.
func BenchmarkListPageRecords60(b *testing.B) {
	srv, err := New(engineAPIs(b, "cinnox"), Config{Records: 60, Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	defer func() { _ = srv.Close() }()
	b.ReportAllocs()
	for b.Loop() {
		req := httptest.NewRequest(http.MethodGet,
			"/cinnox/v1/api/apps/app1/data/enquiry-detail?startAt=2000-01-01T00:00:00.000Z&endAt=2100-01-01T00:00:00.000Z&limit=50", nil)
		req.Header.Set("Authorization", engineBearer)
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK || rec.Body.Len() < 64<<10 {
			b.Fatalf("status %d, %d bytes: %.300s", rec.Code, rec.Body.Len(), rec.Body)
		}
	}
}
