package scenarios

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// ErrNotStandin is returned by Run when the target does not answer standin's admin API.
var ErrNotStandin = errors.New("target is not a standin server")

// Result is the outcome of one request of an expectation.
type Result struct {
	Expectation *Expectation
	// Try counts the repetitions of the expectation from 1.
	Try    int
	Status int // 0 when the connection broke
	Pass   bool
	// Problem says why it failed (empty when it passed).
	Problem string
}

// String renders the result as one line.
func (r Result) String() string {
	e := r.Expectation
	verdict := "PASS"
	if !r.Pass {
		verdict = "FAIL"
	}
	try := ""
	if e.Repeat > 1 {
		try = fmt.Sprintf(" (%d/%d)", r.Try, e.Repeat)
	}
	got := fmt.Sprintf("got %d", r.Status)
	if r.Status == 0 {
		got = "connection dropped"
	}
	line := fmt.Sprintf("%s %s /%s%s%s: want %d, %s", verdict, e.Request.Method, e.Request.API, e.Request.Path, try, e.Status, got)
	if r.Problem != "" {
		line += ": " + r.Problem
	}
	return line
}

// Runner activates a scenario on a standin target in a fresh session and checks its expectations.
type Runner struct {
	// Client sends the requests; it must not be nil.
	Client *http.Client
	// Target is a URL of the standin server: its root ("http://127.0.0.1:4010") or, as `standin test` takes it, an
	// API's base URL on it ("http://127.0.0.1:4010/aelyst/v1"); only the scheme and host are used.
	Target string
	// Session names the session to use; empty means a fresh random one.
	Session string
	// AdminToken is sent as "Authorization: Bearer <token>" on admin calls when the server requires one.
	AdminToken string
}

// Run activates sc and sends its expectations' requests in order, calling report for each result. It returns
// ErrNotStandin (wrapped) when the target is unreachable or not standin, and an error when activation fails.
// Failed expectations are results, not errors.
func (rn *Runner) Run(ctx context.Context, sc *Scenario, report func(Result)) error {
	u, err := url.Parse(rn.Target)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("target %q: %w: expected an http(s) URL such as http://127.0.0.1:4010", rn.Target, ErrNotStandin)
	}
	base := u.Scheme + "://" + u.Host
	if err := rn.probe(ctx, base); err != nil {
		return err
	}
	session := rn.Session
	if session == "" {
		var b [6]byte
		_, _ = rand.Read(b[:])
		session = "scenario-" + hex.EncodeToString(b[:])
	}
	if err := rn.activate(ctx, base, sc, session); err != nil {
		return err
	}
	defer rn.deactivate(base, sc, session)
	for i := range sc.Expect {
		e := &sc.Expect[i]
		for try := 1; try <= max(e.Repeat, 1); try++ {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			report(rn.check(ctx, base, session, e, try))
		}
	}
	return nil
}

func (rn *Runner) probe(ctx context.Context, base string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/__standin/scenarios", nil)
	if err != nil {
		return fmt.Errorf("target %s: %w: %v", rn.Target, ErrNotStandin, err)
	}
	if rn.AdminToken != "" {
		req.Header.Set("Authorization", "Bearer "+rn.AdminToken)
	}
	resp, err := rn.Client.Do(req)
	if err != nil {
		return fmt.Errorf("target %s unreachable: %w: %v", rn.Target, ErrNotStandin, err)
	}
	defer resp.Body.Close()
	var v struct {
		Scenarios []any `json:"scenarios"`
	}
	if resp.StatusCode != http.StatusOK || json.NewDecoder(io.LimitReader(resp.Body, 4<<20)).Decode(&v) != nil || v.Scenarios == nil {
		return fmt.Errorf("target %s: %w: GET /__standin/scenarios answered %s; start one with `standin serve`", rn.Target, ErrNotStandin, resp.Status)
	}
	return nil
}

// activate turns the scenario on for the session: by name when the target knows it, else by posting its rules
// (a scenario file the target does not have; its state overrides are then not applied).
func (rn *Runner) activate(ctx context.Context, base string, sc *Scenario, session string) error {
	q := "?session=" + url.QueryEscape(session)
	status, body, err := rn.send(ctx, http.MethodPost, base+"/__standin/scenarios/"+url.PathEscape(sc.Name)+q, nil)
	if err != nil {
		return fmt.Errorf("activate scenario %s: %w", sc.Name, err)
	}
	if status == http.StatusOK {
		return nil
	}
	if status != http.StatusNotFound {
		return fmt.Errorf("activate scenario %s: target answered %d: %s", sc.Name, status, body)
	}
	if len(sc.State) > 0 {
		return fmt.Errorf("activate scenario %s: the target does not know it and it has state overrides; start the target with --scenario-dir holding %s", sc.Name, sc.File)
	}
	rules := make([]map[string]any, len(sc.Rules))
	for i, r := range sc.Rules {
		rules[i] = r.Map()
	}
	status, body, err = rn.send(ctx, http.MethodPost, base+"/__standin/faults"+q, rules)
	if err != nil {
		return fmt.Errorf("activate scenario %s: %w", sc.Name, err)
	}
	if status != http.StatusCreated {
		return fmt.Errorf("activate scenario %s: target refused its rules (%d): %s", sc.Name, status, body)
	}
	return nil
}

func (rn *Runner) deactivate(base string, sc *Scenario, session string) {
	q := "?session=" + url.QueryEscape(session)
	ctx := context.Background()
	if status, _, err := rn.send(ctx, http.MethodDelete, base+"/__standin/scenarios/"+url.PathEscape(sc.Name)+q, nil); err == nil && status == http.StatusNotFound {
		_, _, _ = rn.send(ctx, http.MethodDelete, base+"/__standin/faults"+q, nil)
	}
}

func (rn *Runner) send(ctx context.Context, method, u string, body any) (int, string, error) {
	var rd io.Reader
	if body != nil {
		data, err := json.Marshal(body)
		if err != nil {
			return 0, "", err
		}
		rd = bytes.NewReader(data)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, rd)
	if err != nil {
		return 0, "", err
	}
	req.Header.Set("Content-Type", "application/json")
	if rn.AdminToken != "" {
		req.Header.Set("Authorization", "Bearer "+rn.AdminToken)
	}
	resp, err := rn.Client.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	return resp.StatusCode, strings.TrimSpace(string(data)), nil
}

// check sends one expectation's request and compares the answer.
func (rn *Runner) check(ctx context.Context, base, session string, e *Expectation, try int) Result {
	res := Result{Expectation: e, Try: try}
	var rd io.Reader
	if e.Request.Body != nil {
		data, err := json.Marshal(e.Request.Body)
		if err != nil {
			res.Problem = "body: " + err.Error()
			return res
		}
		rd = bytes.NewReader(data)
	}
	req, err := http.NewRequestWithContext(ctx, e.Request.Method, base+"/"+e.Request.API+e.Request.Path, rd)
	if err != nil {
		res.Problem = err.Error()
		return res
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range e.Request.Headers {
		req.Header.Set(k, v)
	}
	req.Header.Set("X-Standin-Session", session)
	resp, err := rn.Client.Do(req)
	if err == nil {
		_, err = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	if err != nil {
		if e.MayDrop {
			res.Pass = true
			return res
		}
		res.Problem = err.Error()
		return res
	}
	res.Status = resp.StatusCode
	if res.Status != e.Status {
		res.Problem = "status differs"
		return res
	}
	for name, want := range e.Headers {
		got, ok := resp.Header[http.CanonicalHeaderKey(name)]
		switch {
		case !ok:
			res.Problem = fmt.Sprintf("header %s missing", name)
			return res
		case want != "" && got[0] != want:
			res.Problem = fmt.Sprintf("header %s is %q, want %q", name, got[0], want)
			return res
		}
	}
	res.Pass = true
	return res
}
