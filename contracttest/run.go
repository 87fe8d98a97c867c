package contracttest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
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

// malformed credentials sent by auth cases.
const (
	malformedAPIKey = "standin-malformed-key"
	malformedAuth   = "Basic c3RhbmRpbjptYWxmb3JtZWQ=" // the wrong scheme where Bearer is expected
)

// Runner runs the contract tests of one API against one target. A Runner is used for one run at a time.
type Runner struct {
	cfg       Config
	client    *http.Client
	sleep     func(ctx context.Context, d time.Duration) error
	now       func() time.Time
	reporters []Reporter

	standin   bool
	requests  int
	lastSent  time.Time
	exhausted bool
}

// New validates cfg and returns a Runner. The error is a *ConfigError naming the bad field.
func New(cfg Config, opts ...Option) (*Runner, error) {
	if err := cfg.normalize(); err != nil {
		return nil, err
	}
	r := &Runner{cfg: cfg, sleep: sleepCtx, now: time.Now}
	for _, o := range opts {
		o(r)
	}
	if r.client == nil {
		r.client = &http.Client{Timeout: cfg.Timeout}
	}
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
	p := &planner{cfg: &r.cfg, api: r.cfg.API, gen: fake.New(fake.Options{Seed: r.cfg.Seed, Now: r.now}), standin: r.standin}
	if router, err := r.cfg.API.Router(""); err == nil {
		p.router = router
	}
	return p
}

// Run probes the target, runs every case of the plan and reports them. The error is non-nil only when the run
// could not happen (unreachable target: ErrUnreachable; cancelled context); failed checks are in the report.
func (r *Runner) Run(ctx context.Context) (*Report, error) {
	start := r.now()
	if !r.cfg.DryRun {
		standin, err := r.probe(ctx)
		if err != nil {
			return nil, err
		}
		r.standin = standin
	}
	adjusted := r.adjustTarget()
	pl := r.Plan()
	if adjusted != "" {
		pl.Notes = append(pl.Notes, adjusted)
	}
	if !r.cfg.DryRun && !r.standin && r.cfg.APIKey == "" && r.cfg.Bearer == "" && len(r.cfg.API.Doc.Security) > 0 {
		pl.Notes = append(pl.Notes, "no credentials given: valid requests will likely be refused; set STANDIN_API_KEY or STANDIN_BEARER")
	}
	if !r.cfg.DryRun && !r.cfg.AllowWrites && !loopback(r.cfg.Target) {
		pl.Notes = append(pl.Notes, "writes skipped: the target is not a loopback address and --allow-writes is not set")
	}
	if r.cfg.DryRun {
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
	for _, c := range pl.Cases {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		res := r.runCase(ctx, c)
		results = append(results, res)
		for _, rep := range r.reporters {
			rep.Case(res)
		}
	}
	s := r.summary(results)
	s.Duration = r.now().Sub(start)
	rep := &Report{Plan: pl, Results: results, Summary: s}
	return rep, r.end(s)
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
	var ops []string
	documented := map[string][]int{}
	for _, op := range r.cfg.API.Operations {
		if r.cfg.selected(op) {
			ops = append(ops, op.ID)
			documented[op.ID] = op.Statuses
		}
	}
	return summarize(results, ops, documented)
}

// adjustTarget appends the document's base path to a standin target given as the API's mount root
// (http://127.0.0.1:4010/aelyst becomes http://127.0.0.1:4010/aelyst/v1), the one case where the target rule
// can be told to be misapplied. It returns a note saying so, or "".
func (r *Runner) adjustTarget() string {
	api := r.cfg.API
	if !r.standin || api.BasePath == "" || strings.HasSuffix(r.cfg.Target, api.BasePath) || !strings.HasSuffix(r.cfg.Target, "/"+api.Name) {
		return ""
	}
	r.cfg.Target += api.BasePath
	return "the target is the standin mount root of " + api.Name + "; the base path " + api.BasePath + " was appended (target " + r.cfg.Target + ")"
}

// root is the scheme and host of the target.
func (r *Runner) root() string {
	u, _ := url.Parse(r.cfg.Target)
	return u.Scheme + "://" + u.Host
}

// probe checks that the target answers and whether it is a standin server (its admin health endpoint answers
// 200 with JSON).
func (r *Runner) probe(ctx context.Context) (bool, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, r.root()+healthPath, nil)
	if err != nil {
		return false, err
	}
	resp, err := r.client.Do(req)
	if err != nil {
		return false, fmt.Errorf("%w: %s: %w (is the server running? start the mock with `standin serve`)", ErrUnreachable, r.cfg.Target, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<16))
	return resp.StatusCode == http.StatusOK && decodeJSON(body) != nil, nil
}

// runCase sends the steps of a case in order and checks each response.
func (r *Runner) runCase(ctx context.Context, c *Case) *Result {
	start := r.now()
	res := &Result{Case: c, Outcome: Pass}
	defer func() { res.Duration = r.now().Sub(start) }()
	if c.Write && !r.cfg.AllowWrites && !loopback(r.cfg.Target) {
		res.Outcome, res.SkipReason = Skip, "writes to a non-loopback target need --allow-writes"
		return res
	}
	if r.exhausted {
		res.Outcome, res.SkipReason = Skip, fmt.Sprintf("request budget of %d exhausted", r.cfg.MaxRequests)
		return res
	}
	var prev *exchangeData
	var written any
	var writtenPath []string
	for i, st := range c.Steps {
		req := st.req.clone()
		if st.link != nil && prev != nil {
			if err := applyLink(req, st.op, st.link, prev); err != nil {
				res.Outcome, res.SkipReason = Skip, err.Error()
				break
			}
		}
		hreq, info, resp, throttledResps, retries, err := r.send(ctx, req, st.expect != expectForced)
		res.Retries += retries
		ex := ExchangeInfo{Step: i, Request: info, Retries: retries}
		for _, tr := range throttledResps {
			ex.Statuses = append(ex.Statuses, tr.status)
		}
		if errors.Is(err, errBudget) {
			res.Outcome, res.SkipReason = Skip, fmt.Sprintf("request budget of %d exhausted", r.cfg.MaxRequests)
			break
		}
		ck := &checker{doc: r.cfg.API.Doc, budget: r.cfg.ResponseTime, step: i}
		if st.expect != expectUnknown && hreq != nil {
			// The answers that were retried are part of the contract too (a 429 must carry its headers).
			for _, tr := range throttledResps {
				ck.note = fmt.Sprintf(" (on the %d answer that was retried)", tr.status)
				ck.common(st.op, hreq, tr)
				ex.Retried = append(ex.Retried, ResponseInfo{Status: tr.status, Header: tr.header, Body: r.redact(truncate(tr.body))})
			}
			ck.note = ""
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
		res.Exchanges = append(res.Exchanges, ex)
		throttled := st.expect != expectForced && (resp.status == http.StatusTooManyRequests || resp.status == 449)
		if i == 0 {
			written = req.bodyValue
			for _, v := range req.pathParams {
				writtenPath = append(writtenPath, v)
			}
		}
		r.check(ck, st, hreq, resp, written, writtenPath, throttled)
		res.Checks = append(res.Checks, ck.out...)
		if throttled {
			res.Outcome, res.SkipReason = Skip, fmt.Sprintf("still answered %d after %d retries", resp.status, retries)
			break
		}
		if i < len(c.Steps)-1 && (resp.status < 200 || resp.status > 299) {
			if i == 0 {
				res.SkipReason = fmt.Sprintf("%s answered %d, so the link was not followed", st.Operation, resp.status)
			}
			break
		}
		if i == 0 {
			prev = &exchangeData{req: req, url: info.URL, status: resp.status, header: resp.header, body: decodeJSON(resp.body)}
		}
	}
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

// check applies the common checks and the step's own. A throttled answer (429/449 after every retry) gets only
// the common checks.
func (r *Runner) check(ck *checker, st *Step, hreq *http.Request, resp *response, written any, writtenPath []string, throttled bool) {
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
	switch st.expect {
	case expectValid:
		ck.add(CheckNoServerError, code < 500, "no 5xx for a valid request", strconv.Itoa(code))
	case expectRejected:
		want := documented4xx(op)
		ok := code >= 400 && code < 500 && (len(want) == 0 || op.Documents(code))
		w := "a documented 4xx (" + intsString(want) + ")"
		if len(want) == 0 {
			w = "a 4xx"
		}
		ck.add(CheckNegativeRejected, ok, w+" for input that breaks the contract", strconv.Itoa(code))
	case expectUnknown:
		ck.add(CheckNegativeRejected, code >= 400 && code < 500, "a 4xx (usually 404) for a path no operation has", strconv.Itoa(code))
	case expectAuth:
		want := []int{http.StatusUnauthorized}
		if !op.Documents(http.StatusUnauthorized) {
			want = nil
			for _, s := range documented4xx(op) {
				if s == http.StatusForbidden || s == http.StatusUnauthorized {
					want = append(want, s)
				}
			}
		}
		ok := code >= 400 && code < 500
		w := "a 4xx"
		if len(want) > 0 {
			ok = false
			for _, s := range want {
				ok = ok || code == s
			}
			w = intsString(want)
		}
		ck.add(CheckAuthEnforced, ok, w+" for a request without valid credentials", strconv.Itoa(code))
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

// successSchema is the JSON schema documented for status.
func successSchema(op *openapi.Operation, status int) *openapi3.Schema {
	doc := documentedResponse(op, status)
	if doc == nil {
		return nil
	}
	for _, ct := range sortedKeys(doc.Content) {
		if mt := doc.Content[ct]; strings.Contains(ct, "json") && mt.Schema != nil {
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

// send sends req, answering 429 and 449 by waiting Retry-After (capped) and retrying when retry is set.
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
		if !retry || (resp.status != http.StatusTooManyRequests && resp.status != 449) || retries >= r.cfg.Retries {
			return hreq, info, resp, statuses, retries, nil
		}
		retries++
		statuses = append(statuses, resp)
		if err := r.sleep(ctx, r.retryWait(resp.status, resp.header)); err != nil {
			return hreq, info, nil, statuses, retries, err
		}
	}
}

// retryWait reads Retry-After (seconds or an HTTP date), capped at MaxRetryWait. Without it a 429 waits one
// second and a 449 ("in queue, try again in a few minutes") the longest wait allowed.
func (r *Runner) retryWait(status int, h http.Header) time.Duration {
	wait := time.Second
	if status == 449 {
		wait = r.cfg.MaxRetryWait
	}
	if v := strings.TrimSpace(h.Get("Retry-After")); v != "" {
		if secs, err := strconv.ParseFloat(v, 64); err == nil && secs >= 0 {
			wait = time.Duration(secs * float64(time.Second))
		} else if t, err := http.ParseTime(v); err == nil {
			wait = t.Sub(r.now())
		}
	}
	return min(max(wait, 0), r.cfg.MaxRetryWait)
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
			now = r.lastSent.Add(gap)
		}
	}
	r.lastSent = now
	return nil
}

// httpRequest turns a planned request into an http.Request with the target URL, credentials and session.
func (r *Runner) httpRequest(ctx context.Context, req *request) (*http.Request, RequestInfo, error) {
	u := r.cfg.Target + req.urlPath()
	header := req.header.Clone()
	if header == nil {
		header = http.Header{}
	}
	query := url.Values{}
	for k, v := range req.query {
		query[k] = v
	}
	secret := r.applyAuth(req, header, query)
	if enc := query.Encode(); enc != "" {
		u += "?" + enc
	}
	if r.standin {
		header.Set(sessionHeader, sessionName(r.cfg.Seed))
		header.Set(idsHeader, "strict")
	}
	var body io.Reader
	if req.hasBody || len(req.body) > 0 {
		body = bytes.NewReader(req.body)
	}
	hreq, err := http.NewRequestWithContext(ctx, req.method, u, body)
	if err == nil && !req.hasBody && len(req.body) == 0 {
		hreq.Body, hreq.ContentLength = nil, 0
	}
	if err != nil {
		return nil, RequestInfo{Method: req.method, URL: u}, fmt.Errorf("build request %s %s: %w", req.method, u, err)
	}
	hreq.Header = header
	info := RequestInfo{Method: req.method, URL: maskURL(u, secret), Header: maskHeader(header, secret), Body: string(req.body)}
	info.Curl = curl(info)
	return hreq, info, nil
}

// secretNames are the header and query names that carry credentials in this request.
type secretNames struct {
	headers []string
	query   []string
}

// applyAuth adds credentials as the operation's first security requirement says, or the malformed or missing
// ones an auth case asks for.
func (r *Runner) applyAuth(req *request, header http.Header, query url.Values) secretNames {
	var names secretNames
	names.headers = append(names.headers, "Authorization", "Cookie")
	doc := r.cfg.API.Doc
	op := findOp(r.cfg.API, req)
	if op == nil {
		return names
	}
	p := &planner{api: r.cfg.API}
	reqs := p.security(op)
	if len(reqs) == 0 || doc.Components == nil {
		return names
	}
	for _, schemeName := range sortedKeys(reqs[0]) {
		ref := doc.Components.SecuritySchemes[schemeName]
		if ref == nil || ref.Value == nil {
			continue
		}
		s := ref.Value
		switch {
		case s.Type == "apiKey":
			key := r.apiKey()
			if req.auth == authMalformed {
				key = malformedAPIKey
			}
			switch s.In {
			case "header":
				names.headers = append(names.headers, s.Name)
				if req.auth != authNone && key != "" {
					header.Set(s.Name, key)
				}
			case "query":
				names.query = append(names.query, s.Name)
				if req.auth != authNone && key != "" {
					query.Set(s.Name, key)
				}
			case "cookie":
				if req.auth != authNone && key != "" {
					header.Add("Cookie", s.Name+"="+key)
				}
			}
		case s.Type == "http" && strings.EqualFold(s.Scheme, "bearer"):
			switch req.auth {
			case authValid:
				if tok := r.bearer(); tok != "" {
					header.Set("Authorization", "Bearer "+tok)
				}
			case authMalformed:
				header.Set("Authorization", malformedAuth)
			}
		case s.Type == "http" && strings.EqualFold(s.Scheme, "basic"):
			switch req.auth {
			case authValid:
				if key := r.apiKey(); key != "" {
					header.Set("Authorization", "Basic "+key)
				}
			case authMalformed:
				header.Set("Authorization", "Bearer")
			}
		}
	}
	return names
}

func findOp(api *openapi.API, req *request) *openapi.Operation {
	for _, op := range api.Operations {
		if op.Path == req.path && op.Method == req.method {
			return op
		}
	}
	return nil
}

// apiKey is the configured key, else the bearer token, else (standin targets only) a key the mock accepts.
func (r *Runner) apiKey() string {
	switch {
	case r.cfg.APIKey != "":
		return r.cfg.APIKey
	case r.cfg.Bearer != "":
		return r.cfg.Bearer
	}
	return r.standinKey()
}

func (r *Runner) bearer() string {
	switch {
	case r.cfg.Bearer != "":
		return r.cfg.Bearer
	case r.cfg.APIKey != "":
		return r.cfg.APIKey
	}
	return r.standinKey()
}

// standinKey is the credential sent to a standin target when none is configured: the spec's key prefix (the
// mock's only demand) followed by "standin_contracttest". Other targets get none.
func (r *Runner) standinKey() string {
	if !r.standin {
		return ""
	}
	return r.cfg.API.Ext.Auth.Prefix + "standin_contracttest"
}

// redact masks the configured credentials wherever they appear in text that reaches a report (an error that
// quotes a URL with a query key, a server that echoes a header back).
func (r *Runner) redact(s string) string {
	for _, secret := range []string{r.cfg.APIKey, r.cfg.Bearer} {
		if len(secret) >= 4 {
			s = strings.ReplaceAll(s, secret, masked)
		}
	}
	return s
}
