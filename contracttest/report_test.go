package contracttest

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

var (
	portRE = regexp.MustCompile(`127\.0\.0\.1:\d+`)
	dateRE = regexp.MustCompile(`("Date": \[\s*")[^"]*(")|(Date: )[A-Z][a-z]{2}, .* GMT`)
)

// scrub removes what changes from run to run: the listener's port and Date headers. Durations are zero because
// the tests' clock never moves.
func scrub(b []byte) []byte {
	b = portRE.ReplaceAll(b, []byte("127.0.0.1:PORT"))
	return dateRE.ReplaceAllFunc(b, func(m []byte) []byte {
		if bytes.HasPrefix(m, []byte("Date: ")) {
			return []byte("Date: DATE")
		}
		return regexp.MustCompile(`"[^"]*"$`).ReplaceAll(m, []byte(`"DATE"`))
	})
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		require.NoError(t, os.WriteFile(path, got, 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run `go test ./contracttest -run TestReportGolden -update` to create it")
	require.Equal(t, string(want), string(got), "golden %s differs; review and rerun with -update", path)
}

func TestReportGolden(t *testing.T) {
	tests := []struct {
		name string
		bugs bugs
	}{
		{"pass", bugs{}},
		{"fail", bugs{badEnum: true, missingHeader: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var text, js, junit bytes.Buffer
			rep := runPets(t, tt.bugs, Config{Seed: 7},
				WithReporter(NewTextReporter(&text, false), NewJSONReporter(&js), NewJUnitReporter(&junit)))
			require.Equal(t, tt.name == "fail", rep.Failed())

			var decoded map[string]any
			require.NoError(t, json.Unmarshal(js.Bytes(), &decoded), "the JSON report is valid JSON")
			require.EqualValues(t, ReportVersion, decoded["version"])
			var suites junitSuites
			require.NoError(t, xml.Unmarshal(junit.Bytes(), &suites), "the JUnit report is valid XML")
			require.Equal(t, len(rep.Results), suites.Tests, "one testcase per case")
			require.Equal(t, rep.Summary.Failed, suites.Failures)

			golden(t, "report."+tt.name+".golden.txt", scrub(text.Bytes()))
			golden(t, "report."+tt.name+".golden.json", scrub(js.Bytes()))
			golden(t, "report."+tt.name+".golden.xml", scrub(junit.Bytes()))
		})
	}
}

func TestLiveProgressLine(t *testing.T) {
	var text bytes.Buffer
	runPets(t, bugs{}, Config{}, WithReporter(NewTextReporter(&text, true)))
	require.Contains(t, text.String(), "\r\033[K[", "a live reporter rewrites one progress line")
	require.NotContains(t, text.String(), "\nPASS ", "a live reporter prints no line per case")
}

func TestDryRunSendsNothing(t *testing.T) {
	ps, ts := newPetServer(t, bugs{})
	var text bytes.Buffer
	rep, err := Run(t.Context(), Config{API: loadPets(t), Target: ts.URL + "/api", DryRun: true, Bearer: "secret-token", RunID: "run1"},
		WithHTTPClient(ts.Client()), WithReporter(NewTextReporter(&text, false)))
	require.NoError(t, err)
	require.Empty(t, rep.Results)
	require.Zero(t, rep.Summary.Requests)
	require.NotEmpty(t, rep.Plan.Cases)
	ps.mu.Lock()
	defer ps.mu.Unlock()
	require.Empty(t, ps.throttled, "no request reached the server")
	golden(t, "plan.golden.txt", scrub(text.Bytes()))
}

// TestRunSpeedAccounting checks the speed figures of the summary with a clock that advances one second per
// reading: every request takes exactly one second of target time, and the rest of the run is the runner's own.
func TestRunSpeedAccounting(t *testing.T) {
	rep := runPets(t, bugs{}, Config{}, WithClock(tickingClock(time.Second)))
	s := rep.Summary
	require.Positive(t, s.Requests)
	require.Equal(t, time.Duration(s.Requests)*time.Second, s.InTarget, "one second of target time per request")
	require.Equal(t, s.Duration-s.InTarget-s.Waited-s.Paced, s.Own())
	require.Positive(t, s.Own(), "planning and checks read the clock too")
	run, own := s.CasesPerSecond()
	require.InDelta(t, float64(s.Cases)/s.Duration.Seconds(), run, 1e-9)
	require.InDelta(t, float64(s.Cases)/s.Own().Seconds(), own, 1e-9)

	var out strings.Builder
	tr := NewTextReporter(&out, false)
	tr.Begin(rep.Plan)
	require.NoError(t, tr.End(s))
	require.Contains(t, out.String(), fmt.Sprintf("speed: %.0f cases/s; the target answered in %s, standin's own time %s",
		run, s.InTarget, s.Own()))

	// A run that took no measurable time prints no speed line.
	out.Reset()
	s.Duration, s.InTarget = 0, 0
	require.NoError(t, tr.End(s))
	require.NotContains(t, out.String(), "speed:")
}
