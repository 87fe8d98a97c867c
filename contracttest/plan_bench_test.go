package contracttest

import (
	"testing"

	"github.com/standin/standin/openapi"
)

// BenchmarkPlan plans every case of a 270 KB third-party document (476 cases) without sending anything.
// bench/roundtrip_test.go (build tag corpus) measures larger public documents.
func BenchmarkPlan(b *testing.B) {
	api, err := openapi.LoadFile(b.Context(), "testdata/issue796.yml")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	cases := 0
	for b.Loop() {
		r, err := New(Config{API: api, Target: "http://127.0.0.1:1", DryRun: true, RunID: "bench"})
		if err != nil {
			b.Fatal(err)
		}
		cases = len(r.Plan().Cases)
	}
	b.ReportMetric(float64(cases), "cases")
}
