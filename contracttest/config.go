package contracttest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/standin/standin/openapi"
)

// Defaults used when the matching Config field is zero.
const (
	DefaultTimeout   = 10 * time.Second
	DefaultMaxWait   = 2 * time.Minute
	DefaultRetries   = 3
	DefaultGenerated = 1
	DefaultSeed      = 1
)

// Config holds what a user chooses for a run. The zero value of every field except API and Target is safe.
type Config struct {
	// API is the loaded document the target is checked against. Required.
	API *openapi.API
	// Target is the base URL that replaces the document's server URL, base path included
	// ("http://127.0.0.1:4010/aelyst/v1" for Aelyst, whose server URL is https://api.aelyst.ai/v1). Required.
	Target string
	// APIKey is sent where an apiKey security scheme says (header, query or cookie). Bearer is sent as
	// "Authorization: Bearer" for http bearer, oauth2 and openIdConnect schemes. Basic is "user:password" for
	// http basic schemes, sent base64-encoded. Headers are sent on every request (-H); a header named by a
	// security scheme (or Authorization, Cookie) counts as a credential for it. When an operation offers
	// alternatives, the first one the given credentials satisfy is used. None of them is ever printed.
	APIKey  string
	Bearer  string
	Basic   string
	Headers http.Header
	// InvalidCredential is a credential the user knows the target refuses; the auth/malformed case sends it in
	// place of the real one. Without it, that case runs only where the document says what a valid credential
	// looks like (a key prefix in x-standin, a JWT bearer format, an http scheme word). It is shown in reports.
	InvalidCredential string
	// Vars gives parameter values: "name" for every operation, "operationId.name" for one operation. They win
	// over the document's examples, so ids that must exist on the target can be supplied.
	Vars map[string]string
	// DryRun builds the plan and sends nothing.
	DryRun bool
	// AllowWrites lets POST, PUT, PATCH and DELETE reach a target that is not a loopback address. Writes to
	// 127.0.0.1, ::1 and localhost are always allowed.
	AllowWrites bool
	// Include and Exclude select operations by operationId or tag. Empty Include means every operation.
	Include []string
	Exclude []string
	// MaxRequests caps the requests sent (retries included); 0 means no cap. Cases that do not fit are skipped.
	MaxRequests int
	// Rate caps requests per second; 0 means as fast as the target answers.
	Rate float64
	// Timeout bounds each request; 0 means DefaultTimeout.
	Timeout time.Duration
	// ResponseTime is the budget each response must meet (check response_time); 0 turns the check off.
	ResponseTime time.Duration
	// Retries is how often a request answered 429 or 449 is retried after waiting Retry-After; 0 means
	// DefaultRetries, a negative value never retries.
	Retries int
	// MaxWait is the budget of the whole run for waiting out 429 and 449 answers; a Retry-After longer than what
	// is left is not waited and the case is skipped. 0 means DefaultMaxWait.
	MaxWait time.Duration
	// FailOnSkip makes a skipped case count as failed.
	FailOnSkip bool
	// Strict makes spec gaps (a rejection the document does not describe) fail instead of warn.
	Strict bool
	// MaxFailures stops the run after this many failed cases (the rest are skipped); 0 means no limit.
	MaxFailures int
	// Checks keeps only these checks (empty: all); ExcludeChecks drops these. Names are in CheckNames.
	Checks        []string
	ExcludeChecks []string
	// RunID makes the session name and the fresh ids of creates unique to the run; empty draws a random one.
	RunID string
	// Generated is how many generated valid requests each operation gets after its examples; 0 means
	// DefaultGenerated, a negative value none.
	Generated int
	// Seed makes generated requests repeatable; 0 means DefaultSeed.
	Seed uint64
	// Lean keeps a run's memory flat however many cases it has: the Report keeps only failed and errored results
	// (at most MaxKeptResults) and a plan without its cases. Reporters still receive every case and result.
	Lean bool
}

// Option supplies a collaborator or a test seam to New.
type Option func(*Runner)

// WithHTTPClient sends requests with c instead of a client of the runner's own (never http.DefaultClient).
func WithHTTPClient(c *http.Client) Option { return func(r *Runner) { r.client = c } }

// WithSleep replaces the function that waits before a retry or to keep the rate; tests pass one that returns
// at once (or advances a fake clock).
func WithSleep(sleep func(ctx context.Context, d time.Duration) error) Option {
	return func(r *Runner) { r.sleep = sleep }
}

// WithClock replaces time.Now for measuring durations and pacing requests.
func WithClock(now func() time.Time) Option { return func(r *Runner) { r.now = now } }

// WithReporter adds reporters that receive the plan, every result and the summary, in that order.
func WithReporter(rs ...Reporter) Option {
	return func(r *Runner) { r.reporters = append(r.reporters, rs...) }
}

// ConfigError names a Config field that is wrong and says what was expected.
type ConfigError struct {
	Field string
	Err   error
}

func (e *ConfigError) Error() string { return "contracttest: " + e.Field + ": " + e.Err.Error() }
func (e *ConfigError) Unwrap() error { return e.Err }

// ErrUnreachable reports that the target did not answer at all (connection refused, DNS, timeout).
var ErrUnreachable = errors.New("target unreachable")

func (c *Config) normalize() error {
	if c.API == nil {
		return &ConfigError{Field: "API", Err: errors.New("missing: load a document with openapi.Load or openapi.LoadFile")}
	}
	if c.Target == "" {
		return &ConfigError{Field: "Target", Err: errors.New("missing: give the base URL of the server under test")}
	}
	u, err := url.Parse(c.Target)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return &ConfigError{Field: "Target", Err: fmt.Errorf("%q is not an absolute http(s) URL, e.g. http://127.0.0.1:4010/%s", c.Target, c.API.Name)}
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return &ConfigError{Field: "Target", Err: fmt.Errorf("%q has a query or fragment; give only scheme, host and base path", c.Target)}
	}
	c.Target = strings.TrimSuffix(u.String(), "/")
	for _, f := range []struct {
		name string
		v    time.Duration
	}{{"Timeout", c.Timeout}, {"ResponseTime", c.ResponseTime}, {"MaxWait", c.MaxWait}} {
		if f.v < 0 {
			return &ConfigError{Field: f.name, Err: fmt.Errorf("%s is negative", f.v)}
		}
	}
	if c.MaxRequests < 0 {
		return &ConfigError{Field: "MaxRequests", Err: fmt.Errorf("%d is negative; 0 means no cap", c.MaxRequests)}
	}
	if c.MaxFailures < 0 {
		return &ConfigError{Field: "MaxFailures", Err: fmt.Errorf("%d is negative; 0 means no limit", c.MaxFailures)}
	}
	if c.Basic != "" && !strings.Contains(c.Basic, ":") {
		return &ConfigError{Field: "Basic", Err: errors.New("expected user:password (the colon is missing)")}
	}
	for _, sel := range []struct {
		name string
		v    []string
	}{{"Checks", c.Checks}, {"ExcludeChecks", c.ExcludeChecks}} {
		for _, n := range sel.v {
			if !slices.Contains(CheckNames, n) {
				return &ConfigError{Field: sel.name, Err: fmt.Errorf("%q is not a check; known: %s", n, strings.Join(CheckNames, ", "))}
			}
		}
	}
	if c.Rate < 0 {
		return &ConfigError{Field: "Rate", Err: fmt.Errorf("%g is negative; 0 means no limit", c.Rate)}
	}
	known := map[string]bool{}
	for _, op := range c.API.Operations {
		known[op.ID] = true
		for _, t := range op.Op.Tags {
			known[t] = true
		}
	}
	for _, sel := range []struct {
		name string
		v    []string
	}{{"Include", c.Include}, {"Exclude", c.Exclude}} {
		for _, n := range sel.v {
			if !known[n] {
				names := make([]string, 0, len(known))
				for k := range known {
					names = append(names, k)
				}
				slices.Sort(names)
				return &ConfigError{Field: sel.name, Err: fmt.Errorf("%q is neither an operationId nor a tag of %s; known: %s", n, c.API.Name, strings.Join(names, ", "))}
			}
		}
	}
	if c.Timeout == 0 {
		c.Timeout = DefaultTimeout
	}
	if c.MaxWait == 0 {
		c.MaxWait = DefaultMaxWait
	}
	if c.RunID == "" {
		var b [4]byte
		_, _ = rand.Read(b[:])
		c.RunID = hex.EncodeToString(b[:])
	}
	if c.Retries == 0 {
		c.Retries = DefaultRetries
	}
	if c.Retries < 0 {
		c.Retries = 0
	}
	if c.Generated == 0 {
		c.Generated = DefaultGenerated
	}
	if c.Generated < 0 {
		c.Generated = 0
	}
	if c.Seed == 0 {
		c.Seed = DefaultSeed
	}
	return nil
}

// selected reports whether op passes Include and Exclude.
func (c *Config) selected(op *openapi.Operation) bool {
	match := func(list []string) bool {
		for _, n := range list {
			if n == op.ID || slices.Contains(op.Op.Tags, n) {
				return true
			}
		}
		return false
	}
	if len(c.Include) > 0 && !match(c.Include) {
		return false
	}
	return !match(c.Exclude)
}

// loopback reports whether the target's host is a loopback address or localhost.
func loopback(target string) bool {
	u, err := url.Parse(target)
	if err != nil {
		return false
	}
	host := u.Hostname()
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// checkSelected reports whether the check name is kept by Checks and ExcludeChecks.
func (c *Config) checkSelected(name string) bool {
	if len(c.Checks) > 0 && !slices.Contains(c.Checks, name) {
		return false
	}
	return !slices.Contains(c.ExcludeChecks, name)
}
