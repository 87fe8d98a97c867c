package contracttest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/standin/standin/fake"
	"github.com/standin/standin/openapi"
)

// Standin admin endpoints and headers the runner uses on a standin target.
const (
	healthPath    = "/__standin/health"
	sessionHeader = "X-Standin-Session"
	// idsHeader asks the mock to answer an id that was never written with the documented 404 instead of a
	// generated record, so that reads of unknown ids behave as on a real server.
	idsHeader = "X-Standin-Ids"
)

// Runner runs the contract tests of one API against one target. A Runner is used for one run at a time.
type Runner struct {
	cfg       Config
	client    *http.Client
	sleep     func(ctx context.Context, d time.Duration) error
	now       func() time.Time
	reporters []Reporter

	standin   bool
	mounts    []string          // the APIs a standin target serves (its /__standin/health)
	bases     map[string]string // the path each API is served under (its /__standin/apis baseUrl)
	requests  int
	lastSent  time.Time
	exhausted bool
	waited    time.Duration // time spent waiting out 429 and 449 answers
	paced     time.Duration // time spent keeping to --rate
	inTarget  time.Duration // time from sending each request to the end of its answer's body
	failures  int           // failed cases so far
	secrets   []string      // the user's credentials, masked in reports
	auths     map[*openapi.Operation]*authPlan
	twins     map[*openapi.Operation]int // status of an operation's unbroken request (negative cases' twin)
	redirects int                        // redirects to another host that were not followed
}

// New validates cfg and returns a Runner. The error is a *ConfigError naming the bad field.
func New(cfg Config, opts ...Option) (*Runner, error) {
	if err := cfg.normalize(); err != nil {
		return nil, err
	}
	r := &Runner{cfg: cfg, sleep: sleepCtx, now: time.Now, secrets: userSecrets(&cfg),
		auths: map[*openapi.Operation]*authPlan{}, twins: map[*openapi.Operation]int{}}
	for _, o := range opts {
		o(r)
	}
	if r.client == nil {
		r.client = &http.Client{Timeout: cfg.Timeout}
	}
	// Never follow a redirect: the answer is checked as it is, and a Location on another host (a document's
	// example URL of the vendor) is never visited.
	c := *r.client
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	r.client = &c
	return r, nil
}

// Run builds a Runner and runs it.
func Run(ctx context.Context, cfg Config, opts ...Option) (*Report, error) {
	r, err := New(cfg, opts...)
	if err != nil {
		return nil, err
	}
	return r.Run(ctx)
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Plan builds the plan without sending anything. On a dry run the target is not probed, so the forced cases a
// standin target gets are not included.
func (r *Runner) Plan() *Plan {
	return r.planner().plan()
}

func (r *Runner) planner() *planner {
	p := &planner{cfg: &r.cfg, api: r.cfg.API, gen: fake.New(fake.Options{Seed: r.cfg.Seed, Now: r.now}), standin: r.standin, auths: r.auths}
	return p
}

// Run probes the target, runs every case of the plan and reports them. The error is non-nil only when the run
// could not happen (unreachable target: ErrUnreachable, after the reporters got a report with one errored case;
// cancelled context); failed checks are in the report.
func (r *Runner) Run(ctx context.Context) (*Report, error) {
	start := r.now()
	var notes []string
	if !r.cfg.DryRun {
		standin, mounts, err := r.probe(ctx)
		if err != nil {
			return nil, r.unreachable(start, err)
		}
		r.standin, r.mounts = standin, mounts
		if n := r.adjustTarget(); n != "" {
			notes = append(notes, n)
		}
	}
	var pl *Plan
	p := r.planner()
	if r.cfg.DryRun {
		var err error
		if pl, err = p.planContext(ctx); err != nil {
			return nil, err
		}
	} else {
		pl = p.header()
	}
	pl.Notes = append(notes, pl.Notes...)
	if !r.standin && r.cfg.API.BasePath != "" && !strings.HasSuffix(r.cfg.Target, r.cfg.API.BasePath) {
		pl.Notes = append(pl.Notes, fmt.Sprintf("the target replaces the server URL %s including its base path %s; did you mean %s%s?",
			r.cfg.API.ServerURL, r.cfg.API.BasePath, r.cfg.Target, r.cfg.API.BasePath))
	}
	if !r.cfg.DryRun && !r.standin && r.cfg.APIKey == "" && r.cfg.Bearer == "" && r.cfg.Basic == "" && len(r.cfg.Headers) == 0 && len(r.cfg.API.Doc.Security) > 0 {
		pl.Notes = append(pl.Notes, "no credentials given: cases that need them are skipped; give --api-key, --bearer, --basic or -H (or STANDIN_API_KEY, STANDIN_BEARER, STANDIN_BASIC)")
	}
	if !r.cfg.DryRun && !r.cfg.AllowWrites && !loopback(r.cfg.Target) {
		pl.Notes = append(pl.Notes, "writes skipped: the target is not a loopback address and --allow-writes is not set")
	}
	if r.cfg.DryRun {
		for _, c := range pl.Cases {
			for _, st := range c.Steps {
				if _, info, err := r.httpRequest(ctx, st.req); err == nil {
					st.Curl = info.Curl
				}
			}
		}
		for _, rep := range r.reporters {
			rep.Begin(pl)
		}
		rep := &Report{Plan: pl, Summary: r.summary(nil)}
		return rep, r.end(rep.Summary)
	}
	for _, rep := range r.reporters {
		rep.Begin(pl)
	}
	var results []*Result
	var totals tally
	planned := 0
	for _, op := range r.cfg.API.Operations {
		if !r.cfg.selected(op) {
			continue
		}
		if err := ctx.Err(); err != nil {
			r.abandon()
			return nil, err
		}
		cases := p.cases(op, planned)
		planned += len(cases)
		if !r.cfg.Lean {
			pl.Cases = append(pl.Cases, cases...)
		}
		for _, c := range cases {
			if err := ctx.Err(); err != nil {
				r.abandon()
				return nil, err
			}
			res := r.runCase(ctx, c)
			if res.Outcome == Fail {
				r.failures++
			}
			totals.add(res)
			if keep := res.Outcome == Fail || res.Outcome == Error; !r.cfg.Lean || (keep && len(results) < MaxKeptResults) {
				results = append(results, res)
			}
			for _, rep := range r.reporters {
				rep.Case(res)
			}
		}
		// The requests as planned are in the exchanges now; let the planned values go (large bodies add up
		// over thousands of cases).
		for _, c := range cases {
			for _, st := range c.Steps {
				st.req, st.twin, st.predict = nil, nil, nil
			}
		}
	}
	s := r.summaryOf(&totals)
	s.Duration = r.now().Sub(start)
	rep := &Report{Plan: pl, Results: results, Summary: s}
	return rep, r.end(s)
}

// MaxKeptResults bounds the results a lean run keeps in its Report (failed and errored ones only).
const MaxKeptResults = 100

// unreachable reports a run that could not start: a plan without cases and one errored case saying why, so a
// CI job still gets a valid report. It returns err.
func (r *Runner) unreachable(start time.Time, err error) error {
	pl := &Plan{API: r.cfg.API.Name, Spec: r.cfg.API.File, Target: r.cfg.Target, Seed: r.cfg.Seed,
		Notes: []string{"the target did not answer; nothing was tested"}}
	c := &Case{ID: "target/unreachable", Operation: "target", Kind: KindProbe, Name: "unreachable",
		Steps: []*Step{{Method: http.MethodGet, Path: healthPath, Note: "probe the target"}}}
	pl.Cases = []*Case{c}
	res := &Result{Case: c, Outcome: Error, SkipReason: r.redact(err.Error()),
		Exchanges: []ExchangeInfo{{Request: RequestInfo{Method: http.MethodGet, URL: r.root() + healthPath}, Error: r.redact(err.Error())}}}
	for _, rep := range r.reporters {
		rep.Begin(pl)
		rep.Case(res)
	}
	s := summarize([]*Result{res}, nil, nil)
	s.Duration = r.now().Sub(start)
	return errors.Join(err, r.end(s))
}

// abandon tells the reporters that keep temporary files that the run stopped before its end.
func (r *Runner) abandon() {
	for _, rep := range r.reporters {
		if a, ok := rep.(interface{ abandon() }); ok {
			a.abandon()
		}
	}
}

func (r *Runner) end(s Summary) error {
	var errs []error
	for _, rep := range r.reporters {
		if err := rep.End(s); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

func (r *Runner) summary(results []*Result) Summary {
	var t tally
	for _, res := range results {
		t.add(res)
	}
	return r.summaryOf(&t)
}

func (r *Runner) summaryOf(t *tally) Summary {
	var ops []string
	documented := map[string][]int{}
	for _, op := range r.cfg.API.Operations {
		if r.cfg.selected(op) {
			ops = append(ops, op.ID)
			documented[op.ID] = op.Statuses
		}
	}
	s := t.summary(ops, documented)
	s.Waited = r.waited
	s.Paced = r.paced
	s.InTarget = r.inTarget
	s.Redirects = r.redirects
	s.FailOnSkip = r.cfg.FailOnSkip
	return s
}

// adjustTarget completes a standin target given as the server root or as the API's mount root with the mount and
// the document's base path, from the mounts the target's health endpoint lists. It returns a note saying so, or "".
func (r *Runner) adjustTarget() string {
	api := r.cfg.API
	if !r.standin {
		return ""
	}
	u, err := url.Parse(r.cfg.Target)
	if err != nil {
		return ""
	}
	path := strings.TrimSuffix(u.Path, "/")
	served := slices.Contains(r.mounts, api.Name)
	var want string
	switch base, known := r.bases[api.Name]; {
	case known && (path == "" || path == "/"+api.Name):
		want = base // what the server itself says it serves the API under
	case path == "" && len(r.mounts) == 1 && served:
		want = api.BasePath // a single API is served at the root too
	case path == "" && served:
		want = "/" + api.Name + api.BasePath
	case path == "/"+api.Name && api.BasePath != "":
		want = path + api.BasePath
	case path == "" && len(r.mounts) > 0:
		return "the standin target serves " + strings.Join(r.mounts, ", ") + ", not " + api.Name + "; give the target of the API (" + r.root() + "/<name><base path>)"
	default:
		return ""
	}
	if want == path {
		return ""
	}
	r.cfg.Target = r.root() + want
	return "the target is the standin root of " + api.Name + "; using " + r.cfg.Target + " (mount " + api.Name + ", base path " + orNone(api.BasePath) + ")"
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

// root is the scheme and host of the target.
func (r *Runner) root() string {
	u, _ := url.Parse(r.cfg.Target)
	return u.Scheme + "://" + u.Host
}

// probe checks that the target answers and whether it is a standin server (its admin health endpoint answers
// 200 with JSON), and if so which APIs it serves.
func (r *Runner) probe(ctx context.Context) (bool, []string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, r.root()+healthPath, nil)
	if err != nil {
		return false, nil, err
	}
	resp, err := r.client.Do(req)
	if err != nil {
		return false, nil, fmt.Errorf("%w: %s: %w (is the server running? start the mock with `standin serve`)", ErrUnreachable, r.cfg.Target, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<16))
	var health struct {
		Status string   `json:"status"`
		APIs   []string `json:"apis"`
	}
	if resp.StatusCode != http.StatusOK || json.Unmarshal(body, &health) != nil || health.Status == "" {
		return false, nil, nil
	}
	r.bases = r.mountBases(ctx)
	return true, health.APIs, nil
}

// mountBases reads GET /__standin/apis for the path each API is served under (its baseUrl: the mount plus the
// base path). An older standin without that endpoint gives none.
func (r *Runner) mountBases(ctx context.Context) map[string]string {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, r.root()+"/__standin/apis", nil)
	if err != nil {
		return nil
	}
	resp, err := r.client.Do(req)
	if err != nil {
		return nil
	}
	defer resp.Body.Close()
	var apis []struct {
		Name    string `json:"name"`
		BaseURL string `json:"baseUrl"`
	}
	if resp.StatusCode != http.StatusOK || json.NewDecoder(io.LimitReader(resp.Body, 8<<20)).Decode(&apis) != nil {
		return nil
	}
	out := map[string]string{}
	for _, a := range apis {
		if u, err := url.Parse(a.BaseURL); err == nil && a.Name != "" {
			out[a.Name] = strings.TrimSuffix(u.Path, "/")
		}
	}
	return out
}

// authPlan returns op's credentials plan, computed once per run.
func (r *Runner) authPlan(op *openapi.Operation) *authPlan {
	if ap, ok := r.auths[op]; ok {
		return ap
	}
	ap := planAuth(&r.cfg, r.cfg.API, op, r.standin)
	r.auths[op] = ap
	return ap
}

// skip ends a result as skipped, with the reason's category and its details.
func (res *Result) skip(category, detail string) {
	res.Outcome, res.SkipCategory, res.SkipReason = Skip, category, detail
}

// Skip categories, as the summary counts them.
const (
	skipWrites      = "writes need --allow-writes"
	skipBudget      = "request budget exhausted"
	skipThrottled   = "still throttled after the retries"
	skipWaitBudget  = "Retry-After beyond what --max-wait leaves"
	skipLink        = "link not followed"
	skipNoCreds     = "no credentials for the operation's security"
	skipClash       = "security requirements no request can meet"
	skipNoMalformed = "no malformed credential known"
	skipNotRouted   = "the unbroken request was not routed either"
	skipNotKept     = "the mock keeps no records the unknown id names"
	skipUnplaced    = "a path parameter has no place in the path"
	skipSelects     = "the broken parameter picks another operation"
	skipNoBody      = "no valid request body found"
	skipMaxFailures = "stopped: --max-failures reached"
)

// runCase sends the steps of a case in order and checks each response.
func (r *Runner) runCase(ctx context.Context, c *Case) *Result {
	start := r.now()
	res := &Result{Case: c, Outcome: Pass}
	defer func() { res.Duration = r.now().Sub(start) }()
	switch {
	case r.cfg.MaxFailures > 0 && r.failures >= r.cfg.MaxFailures:
		res.skip(skipMaxFailures, fmt.Sprintf("not run: %d cases failed (--max-failures %d)", r.failures, r.cfg.MaxFailures))
		return res
	case c.skip != "":
		cat := c.skipCat
		if cat == "" {
			cat = skipNoMalformed
		}
		res.skip(cat, c.skip)
		return res
	case c.Write && !r.cfg.AllowWrites && !loopback(r.cfg.Target):
		res.skip(skipWrites, "writes to a non-loopback target need --allow-writes")
		return res
	case r.exhausted:
		res.skip(skipBudget, fmt.Sprintf("request budget of %d exhausted", r.cfg.MaxRequests))
		return res
	}
	for _, st := range c.Steps {
		if ap := r.authPlan(st.op); st.req.auth == authValid && ap.required && ap.origin == credsNone {
			if ap.clash != "" {
				res.skip(skipClash, "no request can meet the security requirements of "+st.Operation+": "+ap.clash+" (a gap in the document)")
				return res
			}
			res.skip(skipNoCreds, "no credentials for "+ap.schemes+" ("+st.Operation+"): give --api-key, --bearer, --basic or -H")
			return res
		}
	}
	var prev *exchangeData
	var written any
	var writtenPath []string
	for i, st := range c.Steps {
		req := st.req.clone()
		if st.link != nil && prev != nil {
			if err := applyLink(req, st.op, st.link, prev); err != nil {
				res.skip(skipLink, err.Error())
				break
			}
		}
		hreq, info, resp, throttledResps, retries, err := r.send(ctx, req, st.expect != expectForced)
		res.Retries += retries
		ex := ExchangeInfo{Step: i, Request: info, Retries: retries}
		for _, tr := range throttledResps {
			ex.Statuses = append(ex.Statuses, tr.status)
		}
		var waitErr *waitBudgetError
		if errors.Is(err, errBudget) {
			res.skip(skipBudget, fmt.Sprintf("request budget of %d exhausted", r.cfg.MaxRequests))
			break
		}
		ck := &checker{doc: r.cfg.API.Doc, opts: r.cfg.API.SchemaOptions(), budget: r.cfg.ResponseTime, step: i, strict: r.cfg.Strict}
		if st.expect != expectUnknown && hreq != nil {
			// The answers that were retried are part of the contract too (a 429 must carry its headers).
			for _, tr := range throttledResps {
				ck.note = fmt.Sprintf(" (on the %d answer that was retried)", tr.status)
				ck.common(st.op, hreq, tr)
				ex.Retried = append(ex.Retried, ResponseInfo{Status: tr.status, Header: tr.header, Body: r.redact(truncate(tr.body))})
			}
			ck.note = ""
		}
		if errors.As(err, &waitErr) {
			res.Exchanges = append(res.Exchanges, ex)
			res.Checks = append(res.Checks, ck.out...)
			res.skip(skipWaitBudget, waitErr.Error())
			break
		}
		if err != nil {
			ex.Error = r.redact(err.Error())
			res.Exchanges = append(res.Exchanges, ex)
			ck.add(mainCheck(st.expect), false, "a response", "no response: "+ex.Error)
			res.Checks = append(res.Checks, ck.out...)
			break
		}
		ex.Statuses = append(ex.Statuses, resp.status)
		ex.Response = &ResponseInfo{Status: resp.status, Header: resp.header, Body: r.redact(truncate(resp.body))}
		ex.Duration = resp.duration
		if loc := resp.header.Get("Location"); resp.status >= 300 && resp.status < 400 && loc != "" {
			if lu, err := hreq.URL.Parse(loc); err == nil && lu.Host != hreq.URL.Host {
				ex.Redirect = "not followed: a redirect to another host (" + lu.Host + ")"
				r.redirects++
			}
		}
		res.Exchanges = append(res.Exchanges, ex)
		throttled := st.expect != expectForced && (resp.status == http.StatusTooManyRequests || resp.status == 449)
		if i == 0 {
			written = withoutKeys(req.bodyValue, req.pathParams)
			for _, v := range req.pathParams {
				writtenPath = append(writtenPath, v)
			}
		}
		r.check(ck, st, req, hreq, resp, written, writtenPath, throttled)
		if st.expect == expectRejected && resp.status == http.StatusNotFound && !st.unknownID && st.twin != nil {
			if twin := r.twinStatus(ctx, st); twin == http.StatusNotFound {
				res.Checks = append(res.Checks, ck.out...)
				res.skip(skipNotRouted, "the request without the broken value got 404 as well, so the 404 says nothing about the broken constraint (is the operation routed, does the example's id exist?)")
				res.Checks = dropCheck(res.Checks, CheckNegativeRejected)
				break
			}
		}
		res.Checks = append(res.Checks, ck.out...)
		if throttled {
			res.skip(skipThrottled, fmt.Sprintf("still answered %d after %d retries", resp.status, retries))
			break
		}
		if i < len(c.Steps)-1 && (resp.status < 200 || resp.status > 299) {
			if i == 0 {
				res.SkipCategory, res.SkipReason = skipLink, fmt.Sprintf("%s answered %d, so the link was not followed", st.Operation, resp.status)
			}
			break
		}
		if i == 0 {
			prev = &exchangeData{req: req, url: info.URL, status: resp.status, header: resp.header, body: decodeJSON(resp.body)}
		}
	}
	res.Checks = slices.DeleteFunc(res.Checks, func(ck CheckResult) bool { return !r.cfg.checkSelected(ck.Name) })
	for _, ck := range res.Checks {
		if !ck.Passed {
			res.Outcome = Fail
		}
	}
	if res.Outcome == Pass && res.SkipReason != "" {
		res.Outcome = Skip
	}
	return res
}

func dropCheck(cs []CheckResult, name string) []CheckResult {
	return slices.DeleteFunc(cs, func(c CheckResult) bool { return c.Name == name })
}

// twinStatus sends, once per operation, the request a negative case broke one value of, and returns its status
// (0 when it got none).
func (r *Runner) twinStatus(ctx context.Context, st *Step) int {
	if s, ok := r.twins[st.op]; ok {
		return s
	}
	_, _, resp, _, _, err := r.send(ctx, st.twin.clone(), true)
	status := 0
	if err == nil {
		status = resp.status
	}
	r.twins[st.op] = status
	return status
}

// mainCheck is the check a step's expectation is judged by.
func mainCheck(e expectation) string {
	switch e {
	case expectRejected, expectUnknown:
		return CheckNegativeRejected
	case expectAuth:
		return CheckAuthEnforced
	case expectForced:
		return CheckForcedStatus
	case expectState, expectGone:
		return CheckStateConsistent
	}
	return CheckNoServerError
}

// rejectionStatuses lists the 4xx statuses op documents for input it refuses: every documented 4xx but those
// about credentials, a missing record, the method, negotiation and rate limits.
func rejectionStatuses(op *openapi.Operation) []int {
	var out []int
	for _, s := range documented4xx(op) {
		switch s {
		case http.StatusUnauthorized, http.StatusForbidden, http.StatusNotFound, http.StatusMethodNotAllowed, http.StatusNotAcceptable, http.StatusTooManyRequests:
			continue
		}
		out = append(out, s)
	}
	return out
}

// check applies the common checks and the step's own. A throttled answer (429/449 after every retry) gets only
// the common checks.
func (r *Runner) check(ck *checker, st *Step, req *request, hreq *http.Request, resp *response, written any, writtenPath []string, throttled bool) {
	op := st.op
	if st.expect != expectUnknown {
		ck.common(op, hreq, resp)
	} else {
		ck.timing(resp)
	}
	if throttled {
		return
	}
	code := resp.status
	ap := r.authPlan(op)
	if req.auth == authValid && ap.required && ap.origin != credsNone {
		switch st.expect {
		case expectValid, expectState:
			ck.add(CheckAuthAccepted, code != http.StatusUnauthorized && code != http.StatusForbidden,
				"the request with the "+credsWord(ap.origin)+" credentials ("+ap.schemes+") to be accepted", strconv.Itoa(code)+": check the credentials")
		case expectRejected:
			ck.add(CheckAuthAccepted, code != http.StatusUnauthorized,
				"the request with the "+credsWord(ap.origin)+" credentials ("+ap.schemes+") to get past authentication", strconv.Itoa(code)+": the broken constraint was never looked at; check the credentials")
		}
	}
	if code >= 200 && code < 300 && (len(st.predict) > 0 || st.echo) {
		answer := decodeJSON(resp.body)
		if len(st.predict) > 0 {
			want, got := comparePredictions(st.predict, answer)
			ck.add(CheckBehaviourConsistent, want == "", "the answer the behaviour predicts: "+want, got)
		}
		if st.echo {
			var pathValues []string
			for _, v := range req.pathParams {
				pathValues = append(pathValues, v)
			}
			diff, _ := reflects(withoutKeys(req.bodyValue, req.pathParams), answer, successSchema(op, code), pathValues...)
			ck.add(CheckBehaviourConsistent, diff == "", "the answer of "+op.ID+" to show the values written", diff)
		}
	}
	undocumented := code >= 400 && code < 500 && documentedResponse(op, code) == nil
	switch st.expect {
	case expectValid:
		if code >= 400 && !documentsSuccess(op) && (documentedResponse(op, code) != nil || len(op.Statuses) == 0) {
			// The operation documents no success (only errors, or no response at all: httpbin's /status/500,
			// ReadMe's operations without responses), so an error answer is what the document describes: a spec gap, not a server
			// refusing valid input or failing.
			ck.out = slices.DeleteFunc(ck.out, func(c CheckResult) bool { return c.Name == CheckAuthAccepted && c.Step == ck.step })
			ck.gapAs(CheckUndocumentedSuccess, r.cfg.Strict, op, code, "a valid request, and a success")
			break
		}
		ck.add(CheckNoServerError, code < 500, "no 5xx for a valid request", strconv.Itoa(code))
		if code >= 200 && code < 400 && documentedResponse(op, code) == nil && !documentsSuccess(op) {
			ck.gap(r.cfg.Strict, op, code, "a valid request")
		}
	case expectRejected:
		want := documented4xx(op)
		gap := undocumented && len(rejectionStatuses(op)) == 0 && !st.unknownID
		ok := code >= 400 && code < 500 && (len(want) == 0 || documentedResponse(op, code) != nil || gap)
		w := "a documented 4xx (" + intsString(want) + ")"
		if len(want) == 0 {
			w = "a 4xx"
		}
		ck.add(CheckNegativeRejected, ok, w+" for input that breaks the contract", strconv.Itoa(code))
		if gap {
			ck.gap(r.cfg.Strict, op, code, "invalid input")
		}
	case expectUnknown:
		ck.add(CheckNegativeRejected, code >= 400 && code < 500, "a 4xx (usually 404) for a path no operation has", strconv.Itoa(code))
	case expectConflict:
		ck.add(CheckNegativeRejected, code == http.StatusConflict, "the documented 409 for a create whose key is already in use", strconv.Itoa(code))
	case expectAuth:
		var want []int
		for _, s := range documented4xx(op) {
			if s == http.StatusForbidden || s == http.StatusUnauthorized {
				want = append(want, s)
			}
		}
		if op.Documents(http.StatusUnauthorized) {
			want = []int{http.StatusUnauthorized}
		}
		ok := code >= 400 && code < 500
		w := "a 4xx"
		if len(want) > 0 {
			ok = slices.Contains(want, code)
			w = intsString(want)
		}
		ck.add(CheckAuthEnforced, ok, w+" for a request without valid credentials", strconv.Itoa(code))
		if ok && undocumented && len(want) == 0 {
			ck.gap(r.cfg.Strict, op, code, "a request without valid credentials")
		}
	case expectForced:
		if st.status >= 200 && st.status < 300 && (code < 200 || code > 299) {
			// A success status is a preference, not an order: the request still meets validation and behaviour
			// (a record deleted earlier is still gone). Judge it as a valid request instead.
			ck.add(CheckNoServerError, code < 500, "no 5xx for a valid request", strconv.Itoa(code))
			return
		}
		ck.add(CheckForcedStatus, code == st.status, strconv.Itoa(st.status)+" as forced with Prefer: code="+strconv.Itoa(st.status), strconv.Itoa(code))
	case expectState:
		ok := code >= 200 && code < 300
		if !ok {
			ck.add(CheckStateConsistent, false, "a 2xx from "+op.ID+" for the record just written", strconv.Itoa(code))
			return
		}
		if st.reflect {
			if diff, _ := reflects(written, decodeJSON(resp.body), successSchema(op, code), writtenPath...); diff != "" {
				ck.add(CheckStateConsistent, false, "the read to show what was written", diff)
				return
			}
		}
		ck.add(CheckStateConsistent, true, "", "")
	case expectGone:
		ck.add(CheckStateConsistent, code == http.StatusNotFound, "404 from "+op.ID+" for a record already deleted", strconv.Itoa(code))
	}
}

func credsWord(origin string) string {
	if origin == credsStandin {
		return "standin test"
	}
	return "given"
}

// successSchema is the JSON schema documented for status.
func successSchema(op *openapi.Operation, status int) *openapi3.Schema {
	doc := documentedResponse(op, status)
	if doc == nil {
		return nil
	}
	for _, ct := range sortedKeys(doc.Content) {
		if mt := doc.Content[ct]; jsonLike(ct) && mt.Schema != nil {
			return mt.Schema.Value
		}
	}
	return nil
}

func truncate(b []byte) string {
	if len(b) <= MaxBodyReport {
		return string(b)
	}
	return string(b[:MaxBodyReport]) + fmt.Sprintf("... (%d bytes more)", len(b)-MaxBodyReport)
}

var errBudget = errors.New("request budget exhausted")

// waitBudgetError says a Retry-After was longer than what the wait budget had left.
type waitBudgetError struct {
	status     int
	wait, left time.Duration
}

func (e *waitBudgetError) Error() string {
	return fmt.Sprintf("answered %d with Retry-After %s, more than the %s left of --max-wait", e.status, e.wait, e.left)
}

// send sends req, answering 429 and 449 by waiting Retry-After (within the run's wait budget) and retrying when
// retry is set.
func (r *Runner) send(ctx context.Context, req *request, retry bool) (*http.Request, RequestInfo, *response, []*response, int, error) {
	var statuses []*response
	retries := 0
	for {
		if r.cfg.MaxRequests > 0 && r.requests >= r.cfg.MaxRequests {
			r.exhausted = true
			return nil, RequestInfo{}, nil, statuses, retries, errBudget
		}
		if err := r.pace(ctx); err != nil {
			return nil, RequestInfo{}, nil, statuses, retries, err
		}
		hreq, info, err := r.httpRequest(ctx, req)
		if err != nil {
			return nil, info, nil, statuses, retries, err
		}
		r.requests++
		start := r.now()
		hresp, err := r.client.Do(hreq)
		if err != nil {
			return hreq, info, nil, statuses, retries, err
		}
		body, err := io.ReadAll(io.LimitReader(hresp.Body, 8<<20))
		hresp.Body.Close()
		if err != nil {
			return hreq, info, nil, statuses, retries, fmt.Errorf("read response body: %w", err)
		}
		resp := &response{status: hresp.StatusCode, header: hresp.Header, body: body, duration: r.now().Sub(start)}
		r.inTarget += resp.duration
		if !retry || (resp.status != http.StatusTooManyRequests && resp.status != 449) || retries >= r.cfg.Retries {
			return hreq, info, resp, statuses, retries, nil
		}
		wait := r.retryWait(resp.status, resp.header)
		if left := r.cfg.MaxWait - r.waited; wait > left {
			statuses = append(statuses, resp)
			return hreq, info, nil, statuses, retries, &waitBudgetError{status: resp.status, wait: wait, left: max(left, 0)}
		}
		retries++
		statuses = append(statuses, resp)
		r.waited += wait
		if err := r.sleep(ctx, wait); err != nil {
			return hreq, info, nil, statuses, retries, err
		}
	}
}

// retryWait reads Retry-After (seconds or an HTTP date). Without it a 429 waits one second and a 449 ("in
// queue, try again in a few minutes") ten.
func (r *Runner) retryWait(status int, h http.Header) time.Duration {
	wait := time.Second
	if status == 449 {
		wait = 10 * time.Second
	}
	if v := strings.TrimSpace(h.Get("Retry-After")); v != "" {
		if secs, err := strconv.ParseFloat(v, 64); err == nil && secs >= 0 {
			wait = time.Duration(secs * float64(time.Second))
		} else if t, err := http.ParseTime(v); err == nil {
			wait = t.Sub(r.now())
		}
	}
	return max(wait, 0)
}

// pace waits so requests keep to the configured rate.
func (r *Runner) pace(ctx context.Context) error {
	if r.cfg.Rate <= 0 {
		return nil
	}
	gap := time.Duration(float64(time.Second) / r.cfg.Rate)
	now := r.now()
	if !r.lastSent.IsZero() {
		if wait := r.lastSent.Add(gap).Sub(now); wait > 0 {
			if err := r.sleep(ctx, wait); err != nil {
				return err
			}
			r.paced += wait
			now = r.lastSent.Add(gap)
		}
	}
	r.lastSent = now
	return nil
}

// sessionName is the session of a run on a standin target: the seed and the run id, so reruns and parallel jobs
// never share one.
func (r *Runner) sessionName() string {
	return "contracttest-" + strconv.FormatUint(r.cfg.Seed, 10) + "-" + r.cfg.RunID
}

// httpRequest turns a planned request into an http.Request with the target URL, the user's headers,
// credentials and, on a standin target, the session and strict ids.
func (r *Runner) httpRequest(ctx context.Context, req *request) (*http.Request, RequestInfo, error) {
	u := r.cfg.Target + req.urlPath()
	header := http.Header{}
	for k, v := range r.cfg.Headers {
		header[http.CanonicalHeaderKey(k)] = slices.Clone(v)
	}
	for k, v := range req.header {
		header[k] = slices.Clone(v)
	}
	for _, name := range sortedKeys(req.cookies) {
		header.Add("Cookie", name+"="+req.cookies[name])
	}
	query := url.Values{}
	for k, v := range req.query {
		query[k] = v
	}
	if req.op != nil {
		r.authPlan(req.op).apply(req.auth, header, query)
	}
	if enc := query.Encode(); enc != "" {
		u += "?" + enc
	}
	if r.standin {
		header.Set(sessionHeader, r.sessionName())
		header.Set(idsHeader, "strict")
	}
	data := req.payload()
	var body io.Reader
	if req.hasBody || len(data) > 0 {
		body = bytes.NewReader(data)
	}
	hreq, err := http.NewRequestWithContext(ctx, req.method, u, body)
	if err == nil && !req.hasBody && len(data) == 0 {
		hreq.Body, hreq.ContentLength = nil, 0
	}
	if err != nil {
		return nil, RequestInfo{Method: req.method, URL: maskURL(u, r.secrets)}, fmt.Errorf("build request %s %s: %w", req.method, maskURL(u, r.secrets), err)
	}
	hreq.Header = header
	info := RequestInfo{Method: req.method, URL: maskURL(u, r.secrets), Header: maskHeader(header, r.secrets), Body: r.redact(string(data))}
	info.Curl = curl(info)
	return hreq, info, nil
}

// redact masks the user's credentials wherever they appear in text that reaches a report (an error that quotes
// a URL with a query key, a server that echoes a header back). Secrets shorter than 4 characters are masked
// only in headers and URLs.
func (r *Runner) redact(s string) string {
	for _, secret := range r.secrets {
		if len(secret) >= 4 {
			s = strings.ReplaceAll(s, secret, masked)
		}
	}
	return s
}

// withoutKeys drops from a written body the fields the path decides: those named like a path parameter, and id
// when the path names a record. A server keeps the record's key from its path, whatever the body says.
func withoutKeys(body any, pathParams map[string]string) any {
	m, ok := body.(map[string]any)
	if !ok || len(pathParams) == 0 {
		return body
	}
	out := maps.Clone(m)
	delete(out, "id")
	for name := range pathParams {
		delete(out, name)
	}
	return out
}
