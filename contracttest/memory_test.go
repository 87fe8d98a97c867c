package contracttest

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/standin/standin/openapi"
)

// manyOps is a document of n operations with about 8 cases each (examples, generated, broken parameters, unknown
// id and path), for runs of thousands of cases.
func manyOps(ctx context.Context, n int) (*openapi.API, error) {
	var b strings.Builder
	b.WriteString("openapi: 3.0.3\ninfo: {title: many, version: \"1\"}\npaths:\n")
	for i := range n {
		fmt.Fprintf(&b, `  /r%d/{id}:
    get:
      operationId: get%d
      parameters:
        - {name: id, in: path, required: true, schema: {type: integer, minimum: 1, maximum: 100}, example: 5}
        - {name: q, in: query, required: true, schema: {type: string, maxLength: 10}, example: abc}
      responses:
        "200": {description: ok, content: {application/json: {schema: {type: object, properties: {id: {type: integer}}}}}}
        "400": {description: bad}
        "404": {description: none}
`, i, i)
	}
	return openapi.LoadData(ctx, "many.yaml", []byte(b.String()))
}

// okServer answers every request 200 {"id": 5}: negative cases fail, so failures are plenty.
func okServer() *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"id": 5}`)
	}))
}

// heapProbe is a reporter that measures the live heap after the first `at` cases and at the end of the run.
type heapProbe struct {
	at, cases   int
	first, last uint64
}

func liveHeap() uint64 {
	var m runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

func (h *heapProbe) Begin(*Plan) {}
func (h *heapProbe) Case(*Result) {
	h.cases++
	if h.cases == h.at {
		h.first = liveHeap()
	}
}
func (h *heapProbe) End(Summary) error { h.last = liveHeap(); return nil }

// BenchmarkRunMemory runs about 20,000 cases against a local server with the text, JSON and JUnit reporters
// and reports how the live heap grew between case 2,000 and the end, per case: flat (a few bytes) for a lean
// run, which `standin test` does; a run that keeps every result grows by its results.
//
//	go test -run '^$' -bench BenchmarkRunMemory -benchtime 1x ./contracttest/
func BenchmarkRunMemory(b *testing.B) {
	api, err := manyOps(b.Context(), 2500)
	if err != nil {
		b.Fatal(err)
	}
	ts := okServer()
	defer ts.Close()
	for _, lean := range []bool{true, false} {
		b.Run(fmt.Sprintf("lean=%v", lean), func(b *testing.B) {
			for b.Loop() {
				probe := &heapProbe{at: 2000}
				rep, err := Run(b.Context(), Config{API: api, Target: ts.URL, Lean: lean, RunID: "bench"}, WithHTTPClient(ts.Client()),
					WithReporter(NewTextReporter(io.Discard, false), NewJSONReporter(io.Discard), NewJUnitReporter(io.Discard), probe))
				if err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(float64(rep.Summary.Cases), "cases")
				b.ReportMetric(float64(int64(probe.last)-int64(probe.first))/float64(probe.cases-probe.at), "heap-B/case")
				b.ReportMetric(float64(probe.last)/(1<<20), "heap-MB-end")
				runtime.KeepAlive(rep)
			}
		})
	}
}

// TestLeanRunKeepsOnlyFailures: a lean run's Report holds at most MaxKeptResults failed results and no planned
// cases, while the summary and the JSON and JUnit reports still have every case.
func TestLeanRunKeepsOnlyFailures(t *testing.T) {
	api, err := manyOps(t.Context(), 30)
	require.NoError(t, err)
	ts := okServer()
	defer ts.Close()
	tests := []struct {
		lean bool
	}{{true}, {false}}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("lean=%v", tt.lean), func(t *testing.T) {
			var js, junit, text bytes.Buffer
			rep, err := Run(t.Context(), Config{API: api, Target: ts.URL, Lean: tt.lean, RunID: "t"}, WithHTTPClient(ts.Client()),
				WithReporter(NewJSONReporter(&js), NewJUnitReporter(&junit), NewTextReporter(&text, false)))
			require.NoError(t, err)
			require.Greater(t, rep.Summary.Failed, MaxKeptResults, "enough failures to bound")
			if tt.lean {
				require.Len(t, rep.Results, MaxKeptResults)
				require.Empty(t, rep.Plan.Cases)
				for _, r := range rep.Results {
					require.Equal(t, Fail, r.Outcome)
				}
			} else {
				require.Len(t, rep.Results, rep.Summary.Cases)
				require.Len(t, rep.Plan.Cases, rep.Summary.Cases)
			}
			var decoded struct {
				Cases []struct{ ID, Operation string }
			}
			require.NoError(t, json.Unmarshal(js.Bytes(), &decoded))
			require.Len(t, decoded.Cases, rep.Summary.Cases, "the JSON report lists every case")
			for i := 1; i < len(decoded.Cases); i++ {
				require.LessOrEqual(t, decoded.Cases[i-1].Operation, decoded.Cases[i].Operation, "sorted by operation")
			}
			var suites junitSuites
			require.NoError(t, xml.Unmarshal(junit.Bytes(), &suites))
			require.Equal(t, rep.Summary.Cases, suites.Tests)
			require.Len(t, suites.Suites[0].Cases, rep.Summary.Cases, "the JUnit report has every testcase")
			require.Equal(t, rep.Summary.Failed, suites.Suites[0].Failures)
			require.Contains(t, text.String(), fmt.Sprintf("... and %d more failed cases", rep.Summary.Failed-MaxTextFailures))
		})
	}
}

// cancelAfter cancels the run's context once it has seen n cases.
type cancelAfter struct {
	n      int
	cancel context.CancelFunc
}

func (c *cancelAfter) Begin(*Plan) {}
func (c *cancelAfter) Case(*Result) {
	if c.n--; c.n == 0 {
		c.cancel()
	}
}
func (c *cancelAfter) End(Summary) error { return nil }

// TestReportSpoolsAreRemoved: the temporary files the JSON and JUnit reporters keep their cases in are gone after
// a run, whether it ended or was cancelled.
func TestReportSpoolsAreRemoved(t *testing.T) {
	api, err := manyOps(t.Context(), 5)
	require.NoError(t, err)
	ts := okServer()
	defer ts.Close()
	for _, cancelled := range []bool{false, true} {
		t.Run(fmt.Sprintf("cancelled=%v", cancelled), func(t *testing.T) {
			tmp := t.TempDir()
			t.Setenv("TMPDIR", tmp)
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			reps := []Reporter{NewJSONReporter(io.Discard), NewJUnitReporter(io.Discard)}
			if cancelled {
				reps = append(reps, &cancelAfter{n: 3, cancel: cancel})
			}
			_, err := Run(ctx, Config{API: api, Target: ts.URL, Lean: true, RunID: "t"}, WithHTTPClient(ts.Client()), WithReporter(reps...))
			if cancelled {
				require.ErrorIs(t, err, context.Canceled)
			} else {
				require.NoError(t, err)
			}
			left, err := os.ReadDir(tmp)
			require.NoError(t, err)
			require.Empty(t, left, "no spool file is left in TMPDIR")
		})
	}
}
