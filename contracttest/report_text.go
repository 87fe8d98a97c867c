package contracttest

import (
	"fmt"
	"io"
	"slices"
	"strings"
)

// TextReporter writes a human report: a line per case (or one live progress line on a terminal), then the
// failures in detail, per-check counts, the coverage matrix and the totals. It is not safe for concurrent use.
type TextReporter struct {
	w    io.Writer
	live bool
	plan *Plan
	err  error
	// What End prints besides the totals, kept as the cases come: the first MaxTextFailures failed results and
	// one spec gap per operation and answer.
	cases, failedN int
	failures       []*Result
	gapList        []textGap
	gapSeen        map[textGap]bool
}

// MaxTextFailures is how many failed cases the text report shows in detail; the JSON and JUnit reports have
// them all.
const MaxTextFailures = 50

type textGap struct{ op, got, want string }

var _ Reporter = (*TextReporter)(nil)

// NewTextReporter writes to w. With live set (a terminal), one progress line is rewritten in place; otherwise
// each case gets its own plain line (CI logs).
func NewTextReporter(w io.Writer, live bool) *TextReporter { return &TextReporter{w: w, live: live} }

func (t *TextReporter) printf(format string, args ...any) {
	if t.err == nil {
		_, t.err = fmt.Fprintf(t.w, format, args...)
	}
}

// Begin prints the header and, on a dry run, the plan.
func (t *TextReporter) Begin(p *Plan) {
	t.plan = p
	t.printf("standin test: %s (%s)\n", p.API, p.Spec)
	kind := "not a standin server"
	if p.Standin {
		kind = "standin, session " + p.Session
	}
	if p.DryRun {
		kind = "not probed"
	}
	t.printf("target: %s (%s)\n", p.Target, kind)
	if p.DryRun {
		t.printf("seed %d, %d cases\n", p.Seed, len(p.Cases))
	} else {
		t.printf("seed %d, %d operations\n", p.Seed, p.Operations)
	}
	for _, n := range p.Notes {
		t.printf("note: %s\n", n)
	}
	if !p.DryRun {
		t.printf("\n")
		return
	}
	t.printf("\nPlan:\n")
	for _, c := range p.Cases {
		w := ""
		if c.Write {
			w = "  [write]"
		}
		t.printf("  %s%s\n", c.ID, w)
		if c.skip != "" {
			t.printf("      # skipped: %s\n", c.skip)
			continue
		}
		for _, st := range c.Steps {
			t.printf("      # %s %s: %s\n", st.Method, st.Path, st.Note)
			if st.Curl != "" {
				t.printf("      %s\n", st.Curl)
			}
		}
	}
}

// Case prints the case's line or updates the progress line.
func (t *TextReporter) Case(r *Result) {
	t.cases++
	if r.Outcome == Fail {
		t.failedN++
		if len(t.failures) < MaxTextFailures {
			t.failures = append(t.failures, r)
		}
	}
	for _, c := range r.Checks {
		g := textGap{r.Case.Operation, c.Got, c.Want}
		if c.Warning && !t.gapSeen[textGap{op: g.op, got: g.got}] {
			if t.gapSeen == nil {
				t.gapSeen = map[textGap]bool{}
			}
			t.gapSeen[textGap{op: g.op, got: g.got}] = true
			t.gapList = append(t.gapList, g)
		}
	}
	if t.live {
		t.printf("\r\033[K[%d cases] %d failed  %s", t.cases, t.failedN, r.Case.ID)
		return
	}
	line := strings.ToUpper(string(r.Outcome)) + " " + r.Case.ID
	if r.Retries > 0 {
		line += fmt.Sprintf(" (retried %d)", r.Retries)
	}
	if r.SkipReason != "" {
		line += " (" + r.SkipReason + ")"
	}
	for _, c := range r.Checks {
		if c.Warning {
			line += " [spec gap: " + c.Name + " " + c.Got + "]"
			break
		}
	}
	for _, ex := range r.Exchanges {
		if ex.Redirect != "" {
			line += " [" + ex.Redirect + "]"
		}
	}
	t.printf("%s\n", line)
}

// End prints the failures, the check counts, the coverage matrix and the totals.
func (t *TextReporter) End(s Summary) error {
	if t.live {
		t.printf("\r\033[K")
	}
	if t.plan != nil && t.plan.DryRun {
		t.printf("\ndry run: %d cases planned, nothing sent\n", len(t.plan.Cases))
		return t.err
	}
	if len(t.failures) > 0 {
		t.printf("\nFailures:\n")
		for _, r := range sortedResults(t.failures) {
			t.failure(r)
		}
		if more := t.failedN - len(t.failures); more > 0 {
			t.printf("\n... and %d more failed cases (the JSON and JUnit reports list them all)\n", more)
		}
	}
	t.gaps()
	t.printf("\nChecks:\n")
	for _, name := range CheckNames {
		c, ok := s.Checks[name]
		if !ok {
			continue
		}
		extra := ""
		if c.Warnings > 0 {
			extra += fmt.Sprintf(" (%d spec-gap warnings)", c.Warnings)
		}
		if c.NotChecked > 0 {
			extra += fmt.Sprintf(" (%d not checked: not JSON)", c.NotChecked)
		}
		t.printf("  %-22s %5d passed %5d failed%s\n", name, c.Passed, c.Failed, extra)
	}
	t.coverage(s.Coverage)
	if len(s.Skips) > 0 {
		t.printf("\nSkipped (%d cases; --fail-on-skip makes them fail):\n", s.Skipped)
		for _, sk := range s.Skips {
			t.printf("  %5d  %s\n", sk.Cases, sk.Reason)
		}
	}
	t.printf("\n")
	if refused, valid := s.Refused(); refused > 0 {
		t.printf("%d of %d valid requests were refused: check the credentials\n", refused, valid)
	}
	if s.Redirects > 0 {
		t.printf("%d redirects to another host were not followed\n", s.Redirects)
	}
	if s.Errors > 0 {
		t.printf("the target did not answer: nothing was tested\n")
	}
	t.printf("%d cases: %d passed, %d failed, %d skipped; %d retried after 429/449 (%s waiting); %d requests in %s\n",
		s.Cases, s.Passed, s.Failed, s.Skipped, s.Retried, s.Waited.Round(1e6), s.Requests, s.Duration.Round(1e6))
	if run, own := s.CasesPerSecond(); run > 0 {
		t.printf("speed: %.0f cases/s; the target answered in %s, standin's own time %s (%.0f cases/s: planning, requests, checks, reports)\n",
			run, s.InTarget.Round(1e6), s.Own().Round(1e6), own)
	}
	return t.err
}

// gaps prints the spec gaps: findings about the document, not the server, one line per operation and status.
func (t *TextReporter) gaps() {
	list := slices.Clone(t.gapList)
	slices.SortStableFunc(list, func(a, b textGap) int { return strings.Compare(a.op, b.op) })
	if len(list) == 0 {
		return
	}
	t.printf("\nSpec gaps (warnings about the document, not the server; --strict makes them fail):\n")
	for _, g := range list {
		t.printf("  %s: answered %s; want %s\n", g.op, g.got, g.want)
	}
}

func (t *TextReporter) failure(r *Result) {
	t.printf("\nFAIL %s\n", r.Case.ID)
	for _, c := range r.Checks {
		if c.Passed {
			continue
		}
		t.printf("  %s: want %s; got %s\n", c.Name, c.Want, c.Got)
	}
	shown := map[int]bool{}
	for _, c := range r.Checks {
		if c.Passed || shown[c.Step] {
			continue
		}
		shown[c.Step] = true
		for _, ex := range r.Exchanges {
			if ex.Step != c.Step {
				continue
			}
			st := r.Case.Steps[ex.Step]
			t.printf("  spec:     %s %s (%s) documents %s\n", st.Method, st.Path, st.Operation, statusList(st.op))
			t.printf("  request:  %s\n", ex.Request.Curl)
			if ex.Response == nil {
				t.printf("  response: none (%s)\n", ex.Error)
				continue
			}
			for _, rr := range ex.Retried {
				t.response("retried: ", rr)
			}
			t.response("response:", *ex.Response)
		}
	}
}

func (t *TextReporter) coverage(rows []Coverage) {
	if len(rows) == 0 {
		return
	}
	var cols []int
	width := len("operation")
	for _, r := range rows {
		width = max(width, len(r.Operation))
		for _, s := range r.Statuses {
			if !slices.Contains(cols, s.Status) {
				cols = append(cols, s.Status)
			}
		}
	}
	slices.Sort(cols)
	t.printf("\nCoverage (documented statuses: x exercised, - not exercised):\n")
	t.printf("  %-*s", width, "operation")
	for _, c := range cols {
		t.printf(" %3d", c)
	}
	t.printf("\n")
	for _, r := range rows {
		t.printf("  %-*s", width, r.Operation)
		hit := 0
		for _, c := range cols {
			i := slices.IndexFunc(r.Statuses, func(s StatusCover) bool { return s.Status == c })
			switch {
			case i < 0:
				t.printf("    ")
			case r.Statuses[i].Exercised:
				hit++
				t.printf("   x")
			default:
				t.printf("   -")
			}
		}
		t.printf("  %d/%d\n", hit, len(r.Statuses))
	}
}

func (t *TextReporter) response(label string, r ResponseInfo) {
	t.printf("  %s %d\n", label, r.Status)
	for _, k := range sortedKeys(r.Header) {
		if k == "Date" || k == "Content-Length" {
			continue
		}
		t.printf("    %s: %s\n", k, strings.Join(r.Header[k], ", "))
	}
	if body := r.Body; body != "" {
		if len(body) > 512 {
			body = body[:512] + "..."
		}
		t.printf("    %s\n", strings.TrimSpace(body))
	}
}
