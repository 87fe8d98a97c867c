package contracttest

import (
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"os"
	"slices"
	"strings"
	"time"
)

// ReportVersion is the version of the JSON report format documented in the package comment. It changes only
// when a field is removed or changes meaning; new fields may appear within a version.
const ReportVersion = 1

// The names of the checks. They are stable: reports, CI rules and docs refer to them.
const (
	CheckStatusDocumented  = "status_documented"
	CheckContentType       = "content_type"
	CheckBodySchema        = "body_schema"
	CheckHeadersDocumented = "headers_documented"
	CheckNoServerError     = "no_server_error"
	CheckNegativeRejected  = "negative_rejected"
	CheckAuthEnforced      = "auth_enforced"
	CheckStateConsistent   = "state_consistent"
	CheckResponseTime      = "response_time"
	CheckForcedStatus      = "forced_status"
	// CheckAuthAccepted fails when a request that carried the credentials was refused (401/403).
	CheckAuthAccepted = "auth_accepted"
	// CheckBehaviourConsistent compares what a write's answer and the read after it carry with what the write
	// sent and what the document's x-standin behaviour predicts.
	CheckBehaviourConsistent = "behaviour_consistent"
	// CheckUndocumentedRejection is a spec gap: the target refused invalid or unauthenticated input with a 4xx
	// the operation does not document, and the operation documents none for it. A warning unless Strict.
	CheckUndocumentedRejection = "undocumented_rejection"
	// CheckUndocumentedSuccess is a spec gap too: a valid request was answered with a 2xx or 3xx the operation does
	// not document, and the operation documents no success at all (only errors, or no response).
	CheckUndocumentedSuccess = "undocumented_success"
	// CheckAmbiguousSchema is a spec gap as well: the answer matches several alternatives of a oneOf that accept
	// the same values (they differ only in a default or a description), so no answer can match exactly one.
	CheckAmbiguousSchema = "ambiguous_schema"
)

// CheckNames lists every check in report order.
var CheckNames = []string{
	CheckStatusDocumented, CheckContentType, CheckBodySchema, CheckHeadersDocumented, CheckNoServerError,
	CheckNegativeRejected, CheckAuthEnforced, CheckAuthAccepted, CheckStateConsistent, CheckBehaviourConsistent,
	CheckResponseTime, CheckForcedStatus, CheckUndocumentedRejection, CheckUndocumentedSuccess, CheckAmbiguousSchema,
}

// Outcome is how a case ended.
type Outcome string

// The outcomes of a case.
const (
	Pass Outcome = "pass"
	Fail Outcome = "fail"
	Skip Outcome = "skip"
	// Error is the outcome of the one case reported when the target did not answer at all.
	Error Outcome = "error"
)

// Result is what one case did and found.
type Result struct {
	Case    *Case   `json:"case"`
	Outcome Outcome `json:"outcome"`
	// SkipReason says why a skipped case was not (fully) run; SkipCategory is the reason's family, as the
	// summary counts it.
	SkipReason   string `json:"skipReason,omitempty"`
	SkipCategory string `json:"skipCategory,omitempty"`
	// Retries counts requests repeated after a 429 or 449 answer.
	Retries   int            `json:"retries,omitempty"`
	Checks    []CheckResult  `json:"checks"`
	Exchanges []ExchangeInfo `json:"exchanges"`
	Duration  time.Duration  `json:"-"`
}

// CheckResult is one check applied to one response.
type CheckResult struct {
	Name   string `json:"name"`
	Passed bool   `json:"passed"`
	// Step is the index of the exchange the check looked at.
	Step int `json:"step"`
	// Want is what the document says; Got is what the target did (both set on failures, warnings and checks
	// that could not look).
	Want string `json:"want,omitempty"`
	Got  string `json:"got,omitempty"`
	// Warning marks a finding about the document rather than the server (a spec gap); it passes unless Strict.
	Warning bool `json:"warning,omitempty"`
	// NotChecked marks a check that could not look (a body of a media type that is not JSON); it passes.
	NotChecked bool `json:"notChecked,omitempty"`
}

// ExchangeInfo is one request and its final response (after retries).
type ExchangeInfo struct {
	Step     int           `json:"step"`
	Request  RequestInfo   `json:"request"`
	Response *ResponseInfo `json:"response,omitempty"`
	// Retried are the 429 and 449 answers that were waited out and retried, oldest first.
	Retried []ResponseInfo `json:"retried,omitempty"`
	// Error is set when no response came (connection refused, timeout, dropped connection).
	Error string `json:"error,omitempty"`
	// Redirect says that a redirect was not followed and why.
	Redirect string        `json:"redirect,omitempty"`
	Retries  int           `json:"retries,omitempty"`
	Duration time.Duration `json:"-"`
	// Statuses lists every status received for this request, retried ones included.
	Statuses []int `json:"-"`
}

// RequestInfo is a request as reported: credentials are masked.
type RequestInfo struct {
	Method string      `json:"method"`
	URL    string      `json:"url"`
	Header http.Header `json:"headers,omitempty"`
	Body   string      `json:"body,omitempty"`
	// Curl reproduces the request; credentials are masked.
	Curl string `json:"curl"`
}

// ResponseInfo is a response as reported; the body is truncated to MaxBodyReport bytes.
type ResponseInfo struct {
	Status int         `json:"status"`
	Header http.Header `json:"headers,omitempty"`
	Body   string      `json:"body,omitempty"`
}

// MaxBodyReport is how much of a response body reports keep.
const MaxBodyReport = 2048

// CheckCount counts one check's verdicts.
type CheckCount struct {
	Passed int `json:"passed"`
	Failed int `json:"failed"`
	// Warnings counts spec gaps (among Passed unless Strict, else among Failed); NotChecked counts checks that
	// could not look (among Passed).
	Warnings   int `json:"warnings,omitempty"`
	NotChecked int `json:"notChecked,omitempty"`
}

// SkipCount counts the skipped cases of one reason.
type SkipCount struct {
	Reason string `json:"reason"`
	Cases  int    `json:"cases"`
}

// Coverage says which documented statuses of one operation were seen.
type Coverage struct {
	Operation string        `json:"operation"`
	Statuses  []StatusCover `json:"statuses"`
}

// StatusCover is one documented status and whether some response had it.
type StatusCover struct {
	Status    int  `json:"status"`
	Exercised bool `json:"exercised"`
}

// Summary totals a run.
type Summary struct {
	Cases    int `json:"cases"`
	Passed   int `json:"passed"`
	Failed   int `json:"failed"`
	Skipped  int `json:"skipped"`
	Errors   int `json:"errors,omitempty"`
	Retried  int `json:"retried"`
	Requests int `json:"requests"`
	// Skips counts the skipped cases by reason, most frequent first.
	Skips []SkipCount `json:"skips,omitempty"`
	// FailOnSkip is set when skipped cases make the run fail.
	FailOnSkip bool `json:"failOnSkip,omitempty"`
	// Waited is the time spent waiting out 429 and 449 answers.
	Waited time.Duration `json:"-"`
	// Redirects counts redirects to another host that were not followed.
	Redirects int `json:"redirects,omitempty"`
	// Checks maps a check name to its counts; checks that never ran are absent.
	Checks   map[string]CheckCount `json:"checks"`
	Coverage []Coverage            `json:"coverage"`
	Duration time.Duration         `json:"-"`
	// InTarget is the time the target took: from sending each request to the end of its answer's body, retried
	// requests included. Paced is the time spent keeping to Config.Rate.
	InTarget time.Duration `json:"-"`
	Paced    time.Duration `json:"-"`
}

// Own is the runner's own time: the run's duration less the target's time and the waits (429 and 449 answers,
// --rate). It is what standin itself costs a run: planning, building requests, checks and reports.
func (s Summary) Own() time.Duration {
	return max(s.Duration-s.InTarget-s.Waited-s.Paced, 0)
}

// CasesPerSecond is the rate of cases over the whole run, and over the runner's own time alone (0 when a
// duration is too short to measure).
func (s Summary) CasesPerSecond() (run, own float64) {
	if s.Duration > 0 {
		run = float64(s.Cases) / s.Duration.Seconds()
	}
	if o := s.Own(); o > 0 {
		own = float64(s.Cases) / o.Seconds()
	}
	return run, own
}

// Report is everything a run found. Results are in plan order; a Lean run keeps only failed and errored ones
// (at most MaxKeptResults) and a Plan without cases, while the Summary counts every case.
type Report struct {
	Plan    *Plan
	Results []*Result
	Summary Summary
}

// Failed reports whether the run failed: a check failed, the target did not answer, or (with FailOnSkip) a
// case was skipped.
func (r *Report) Failed() bool { return r.Summary.Fails() }

// Fails reports whether the totals make a run fail.
func (s Summary) Fails() bool {
	return s.Failed > 0 || s.Errors > 0 || (s.FailOnSkip && s.Skipped > 0)
}

// Refused returns how many requests that carried credentials were refused, out of how many.
func (s Summary) Refused() (refused, valid int) {
	c := s.Checks[CheckAuthAccepted]
	return c.Failed, c.Passed + c.Failed
}

// CheckError is one failed check of one case.
type CheckError struct {
	Case      string
	Operation string
	Check     string
	Want      string
	Got       string
}

func (e *CheckError) Error() string {
	return e.Case + ": " + e.Check + ": want " + e.Want + ", got " + e.Got
}

// Err returns every failed check as a *CheckError, joined, or nil when all passed (in a Lean run, those of the
// results kept).
func (r *Report) Err() error {
	var errs []error
	for _, res := range r.Results {
		for _, c := range res.Checks {
			if !c.Passed {
				errs = append(errs, &CheckError{Case: res.Case.ID, Operation: res.Case.Operation, Check: c.Name, Want: c.Want, Got: c.Got})
			}
		}
	}
	return errors.Join(errs...)
}

// Reporter receives a run as it happens. Begin is called once with the plan, Case once per case in plan order,
// End once with the totals. Calls never overlap.
type Reporter interface {
	Begin(p *Plan)
	Case(r *Result)
	End(s Summary) error
}

// summarize totals results and builds the coverage matrix.
func summarize(results []*Result, ops []string, documented map[string][]int) Summary {
	var t tally
	for _, r := range results {
		t.add(r)
	}
	return t.summary(ops, documented)
}

// tally totals results one at a time, so a run need not keep them: its size grows with the operations and
// statuses seen, not with the cases.
type tally struct {
	s     Summary
	seen  map[string]map[int]bool
	skips map[string]int
}

func (t *tally) add(r *Result) {
	s := &t.s
	if s.Checks == nil {
		s.Checks, t.seen, t.skips = map[string]CheckCount{}, map[string]map[int]bool{}, map[string]int{}
	}
	s.Cases++
	switch r.Outcome {
	case Pass:
		s.Passed++
	case Fail:
		s.Failed++
	case Skip:
		s.Skipped++
		cat := r.SkipCategory
		if cat == "" {
			cat = r.SkipReason
		}
		t.skips[cat]++
	case Error:
		s.Errors++
	}
	if r.Retries > 0 {
		s.Retried++
	}
	for _, c := range r.Checks {
		cc := s.Checks[c.Name]
		if c.Passed {
			cc.Passed++
		} else {
			cc.Failed++
		}
		if c.Warning {
			cc.Warnings++
		}
		if c.NotChecked {
			cc.NotChecked++
		}
		s.Checks[c.Name] = cc
	}
	for _, ex := range r.Exchanges {
		s.Requests += 1 + ex.Retries
		if ex.Response == nil || ex.Step >= len(r.Case.Steps) || r.Case.Steps[ex.Step].expect == expectUnknown || r.Case.Steps[ex.Step].op == nil {
			continue
		}
		op := r.Case.Steps[ex.Step].Operation
		if t.seen[op] == nil {
			t.seen[op] = map[int]bool{}
		}
		for _, st := range ex.Statuses {
			t.seen[op][st] = true
		}
	}
}

// summary returns the totals so far with the coverage of ops, whose documented statuses are given.
func (t *tally) summary(ops []string, documented map[string][]int) Summary {
	s := t.s
	s.Checks = maps.Clone(s.Checks)
	if s.Checks == nil {
		s.Checks = map[string]CheckCount{}
	}
	s.Skips = nil
	for reason, n := range t.skips {
		s.Skips = append(s.Skips, SkipCount{Reason: reason, Cases: n})
	}
	slices.SortFunc(s.Skips, func(a, b SkipCount) int {
		if a.Cases != b.Cases {
			return b.Cases - a.Cases
		}
		return strings.Compare(a.Reason, b.Reason)
	})
	s.Coverage = nil
	for _, op := range ops {
		row := Coverage{Operation: op}
		for _, st := range documented[op] {
			row.Statuses = append(row.Statuses, StatusCover{Status: st, Exercised: t.seen[op][st]})
		}
		s.Coverage = append(s.Coverage, row)
	}
	return s
}

// sortedResults orders results by operation, then plan order, as every report lists them.
func sortedResults(rs []*Result) []*Result {
	out := slices.Clone(rs)
	slices.SortStableFunc(out, func(a, b *Result) int {
		if c := strings.Compare(a.Case.Operation, b.Case.Operation); c != 0 {
			return c
		}
		return a.Case.order - b.Case.order
	})
	return out
}

// spool keeps the cases a reporter has written, in a temporary file, until the run ends and they are written out
// in report order: by operation, then plan order. The cases of one operation come one after the other, so the
// spool remembers a stretch of the file per operation, not an entry per case. Each case is stored after the
// separator that goes before it in the report; the first one's is left out when written.
type spool struct {
	sep     string
	f       *os.File
	size    int64
	stretch map[string][][2]int64 // operation -> offsets and lengths in f, in plan order
	err     error
}

// add stores one case's text for operation op.
func (sp *spool) add(op string, b []byte) {
	if sp.err != nil {
		return
	}
	if sp.f == nil {
		if sp.f, sp.err = os.CreateTemp("", "standin-report-*"); sp.err != nil {
			sp.err = fmt.Errorf("report: a temporary file for the cases: %w", sp.err)
			return
		}
		sp.stretch = map[string][][2]int64{}
	}
	n := int64(len(sp.sep) + len(b))
	if _, err := io.WriteString(sp.f, sp.sep); err != nil {
		sp.err = fmt.Errorf("report: writing %s: %w", sp.f.Name(), err)
		return
	}
	if _, err := sp.f.Write(b); err != nil {
		sp.err = fmt.Errorf("report: writing %s: %w", sp.f.Name(), err)
		return
	}
	sts := sp.stretch[op]
	if k := len(sts) - 1; k >= 0 && sts[k][0]+sts[k][1] == sp.size {
		sts[k][1] += n
	} else {
		sts = append(sts, [2]int64{sp.size, n})
	}
	sp.stretch[op] = sts
	sp.size += n
}

// writeTo writes the cases in report order.
func (sp *spool) writeTo(w io.Writer) error {
	if sp.err != nil || sp.f == nil {
		return sp.err
	}
	skip := int64(len(sp.sep))
	for _, op := range slices.Sorted(maps.Keys(sp.stretch)) {
		for _, st := range sp.stretch[op] {
			if _, err := io.Copy(w, io.NewSectionReader(sp.f, st[0]+skip, st[1]-skip)); err != nil {
				return err
			}
			skip = 0
		}
	}
	return nil
}

// close removes the temporary file.
func (sp *spool) close() {
	if sp.f != nil {
		sp.f.Close()
		os.Remove(sp.f.Name())
		sp.f = nil
	}
}
