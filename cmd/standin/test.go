package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/standin/standin/contracttest"
	"github.com/standin/standin/openapi"
)

const testSynopsis = "standin test (--api NAME | --spec FILE) --target URL [--api-key K | --bearer T | --basic U:P | -H 'Name: value'] [flags]"

const testHelp = `Check a server (the standin mock, a staging box, the real vendor) against an API's contract.

The target is the base URL that replaces the spec's server URL, base path included:
  careCycle (server https://api.carecycle.ai)       --target http://127.0.0.1:4010/carecycle
  Aelyst    (server https://api.aelyst.ai/v1)        --target http://127.0.0.1:4010/aelyst/v1
  CINNOX    (server https://examplebaseurl.com)      --target http://127.0.0.1:4010/cinnox
A standin server's root (http://127.0.0.1:4010) works too: the mounts it lists at /__standin/health complete it.

Cases per operation: stateful (follow the spec's links, an x-standin write twice, a record's write then its
read), positive (examples, then generated valid requests), negative (one constraint broken per request, an
unknown id, an unknown path, malformed JSON), auth (missing and malformed credentials) and, on a standin
target, every documented status forced with Prefer: code=N. Checks: status_documented, content_type,
body_schema, headers_documented, no_server_error, negative_rejected, auth_enforced, auth_accepted,
state_consistent, behaviour_consistent, response_time, forced_status, undocumented_rejection (a spec gap: a
warning unless --strict).

Credentials: --api-key for apiKey schemes (header, query or cookie), --bearer for http bearer, oauth2 and
openIdConnect, --basic user:password for http basic, -H 'Name: value' for anything else; or STANDIN_API_KEY,
STANDIN_BEARER, STANDIN_BASIC. They are never printed (curl lines show ****). Writes (POST, PUT, PATCH,
DELETE) reach a non-loopback target only with --allow-writes. 429 and 449 answers are waited out
(Retry-After, within --max-wait for the whole run) and retried.

Exit status: 0 every check passed, 1 a check failed (or a case was skipped, with --fail-on-skip), 2 a usage
error or an unreachable target (the --json and --junit reports then hold one errored case).

Examples:
  standin test --api carecycle --target http://127.0.0.1:4010/carecycle
  standin test --api aelyst --target http://127.0.0.1:4010 --junit report.xml --json report.json
  STANDIN_BEARER=$TOKEN standin test --api aelyst --target https://api.aelyst.ai/v1 --include getContact --max-requests 20 --rate 2
  standin test --spec my-api.yaml --target http://localhost:8080 --basic admin:secret -H 'X-Tenant: t1' --dry-run`

// headerFlag collects repeatable -H 'Name: value' headers.
type headerFlag struct{ h http.Header }

func (f *headerFlag) String() string { return "" }
func (f *headerFlag) Set(v string) error {
	name, value, ok := strings.Cut(v, ":")
	name = strings.TrimSpace(name)
	if !ok || name == "" || strings.ContainsAny(name, " \t") {
		return fmt.Errorf("%q is not a header: expected 'Name: value'", v)
	}
	if f.h == nil {
		f.h = http.Header{}
	}
	f.h.Add(name, strings.TrimSpace(value))
	return nil
}

// rateFlag reads a request rate written "N" or "N/s".
type rateFlag float64

func (r *rateFlag) String() string { return strconv.FormatFloat(float64(*r), 'g', -1, 64) }
func (r *rateFlag) Set(v string) error {
	f, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(v), "/s"), 64)
	if err != nil || f < 0 {
		return fmt.Errorf("%q is not a rate: expected requests per second such as 5 or 5/s", v)
	}
	*r = rateFlag(f)
	return nil
}

func runTest(ctx context.Context, args []string, e env) error {
	fs := newFlagSet("test", testSynopsis, testHelp, e)
	var (
		apiName, specFile, target, apiKey, bearer, basic, invalid, varsFile, jsonFile, junitFile string
		dryRun, allowWrites, noProgress, failOnSkip, failFast                                    bool
		include, exclude, checks, excludeChecks                                                  listFlag
		headers                                                                                  headerFlag
		maxRequests, maxFailures                                                                 int
		rate                                                                                     rateFlag
		timeout, responseTime, maxWait                                                           time.Duration
		seed                                                                                     uint64
	)
	fs.StringVar(&apiName, "api", "", "bundled API to test against: "+strings.Join(openapi.Bundled(), ", "))
	fs.StringVar(&specFile, "spec", "", "OpenAPI 3.x or Swagger 2.0 document (a file or an http(s) URL) to test against (instead of --api)")
	fs.StringVar(&target, "target", "", "base URL of the server under test; replaces the spec's server URL including its base path (a standin root works too)")
	fs.StringVar(&apiKey, "api-key", "", "API key for apiKey security schemes, in header, query or cookie (default $STANDIN_API_KEY); never printed")
	fs.StringVar(&bearer, "bearer", "", "token for http bearer, oauth2 and openIdConnect schemes (default $STANDIN_BEARER); never printed")
	fs.StringVar(&basic, "basic", "", "user:password for http basic schemes, sent base64-encoded (default $STANDIN_BASIC); never printed")
	fs.Var(&headers, "H", "header sent with every request, 'Name: value' (repeatable); credential-like values are never printed")
	fs.StringVar(&invalid, "invalid-credential", "", "a credential the target refuses, for the auth/malformed case where the spec does not say what a valid one looks like (printed)")
	fs.StringVar(&varsFile, "vars", "", "YAML or JSON `file` of parameter values: name: value for every operation, operationId.name: value for one")
	fs.BoolVar(&dryRun, "dry-run", false, "print the plan, one curl line per request, and send nothing")
	fs.BoolVar(&allowWrites, "allow-writes", false, "send POST, PUT, PATCH and DELETE to a target that is not a loopback address")
	fs.Var(&include, "include", "test only these operationIds or tags (comma-separated, repeatable)")
	fs.Var(&exclude, "exclude", "leave out these operationIds or tags (comma-separated, repeatable)")
	fs.Var(&checks, "checks", "run only these checks (comma-separated, repeatable)")
	fs.Var(&excludeChecks, "exclude-checks", "leave out these checks (comma-separated, repeatable)")
	fs.IntVar(&maxRequests, "max-requests", 0, "stop sending after this many requests, retries included (0: no cap)")
	fs.IntVar(&maxFailures, "max-failures", 0, "stop after this many failed cases; the rest are skipped (0: no limit)")
	fs.BoolVar(&failFast, "x", false, "stop at the first failed case (--max-failures 1)")
	fs.BoolVar(&failOnSkip, "fail-on-skip", false, "a skipped case fails the run")
	fs.Var(&rate, "rate", "at most this many requests per second, e.g. 5 or 5/s (0: no limit)")
	fs.DurationVar(&timeout, "timeout", contracttest.DefaultTimeout, "time limit of each request")
	fs.DurationVar(&maxWait, "max-wait", contracttest.DefaultMaxWait, "time the whole run may spend waiting out 429/449 Retry-After")
	fs.DurationVar(&responseTime, "response-time", 0, "budget every response must meet (check response_time; 0: off)")
	fs.StringVar(&jsonFile, "json", "", "write the JSON report (versioned) to `file` (- for stdout)")
	fs.StringVar(&junitFile, "junit", "", "write a JUnit XML report to `file` (- for stdout)")
	fs.Uint64Var(&seed, "seed", 0, "seed of the generated requests; the same seed sends the same requests (0: the default seed 1)")
	fs.BoolVar(&noProgress, "no-progress", false, "print a plain line per case even on a terminal")
	// --strict refuses a document with warnings and makes spec gaps (rejections the document does not
	// document) fail the run; --warnings lists the document's warnings.
	var lf loadFlags
	lf.register(fs, false)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError(fmt.Sprintf("test takes no arguments, got %q; flags go before nothing else", fs.Args()))
	}
	if (apiName == "") == (specFile == "") {
		return usageError("test needs exactly one of --api NAME (" + strings.Join(openapi.Bundled(), ", ") + ") or --spec FILE")
	}
	if target == "" {
		return usageError("test needs --target URL, e.g. --target http://127.0.0.1:4010/carecycle (start the mock with `standin serve`)")
	}
	if failFast && maxFailures == 0 {
		maxFailures = 1
	}
	var (
		api *openapi.API
		err error
	)
	if apiName != "" {
		api, err = openapi.Load(ctx, apiName)
	} else {
		api, err = openapi.LoadWith(ctx, specFile, lf.options())
	}
	if err != nil {
		return usageError(err.Error())
	}
	loadNotes(e.stderr, api, lf.warnings)
	for _, c := range []struct {
		v   *string
		env string
	}{{&apiKey, "STANDIN_API_KEY"}, {&bearer, "STANDIN_BEARER"}, {&basic, "STANDIN_BASIC"}} {
		if *c.v == "" {
			*c.v = e.getenv(c.env)
		}
	}
	vars, err := readVars(varsFile)
	if err != nil {
		return usageError(err.Error())
	}
	cfg := contracttest.Config{
		API: api, Target: target, APIKey: apiKey, Bearer: bearer, Basic: basic, Headers: headers.h, InvalidCredential: invalid,
		Vars: vars, DryRun: dryRun, AllowWrites: allowWrites, Include: include, Exclude: exclude, MaxRequests: maxRequests,
		Rate: float64(rate), Timeout: timeout, ResponseTime: responseTime, Seed: seed, MaxWait: maxWait,
		FailOnSkip: failOnSkip, Strict: lf.strict, MaxFailures: maxFailures, Checks: checks, ExcludeChecks: excludeChecks,
		Lean: true, // the reporters stream every case; the run keeps only totals, so its memory stays flat
	}
	runner, err := contracttest.New(cfg)
	var cfgErr *contracttest.ConfigError
	if errors.As(err, &cfgErr) {
		return usageError(flagName(cfgErr.Field) + ": " + cfgErr.Err.Error())
	} else if err != nil {
		return err
	}

	textOut := e.stdout
	var files []*reportFile
	defer func() {
		for _, f := range files {
			f.discard()
		}
	}()
	open := func(name string) (io.Writer, error) {
		if name == "-" {
			textOut = e.stderr
			return e.stdout, nil
		}
		f, err := createReport(name)
		if err != nil {
			return nil, err
		}
		files = append(files, f)
		return f.tmp, nil
	}
	var reporters []contracttest.Reporter
	if jsonFile != "" {
		w, err := open(jsonFile)
		if err != nil {
			return usageError(fmt.Sprintf("--json: %v", err))
		}
		reporters = append(reporters, contracttest.NewJSONReporter(w))
	}
	if junitFile != "" {
		w, err := open(junitFile)
		if err != nil {
			return usageError(fmt.Sprintf("--junit: %v", err))
		}
		reporters = append(reporters, contracttest.NewJUnitReporter(w))
	}
	live := !noProgress && isTerminal(textOut) && e.getenv("CI") != "true"
	reporters = append([]contracttest.Reporter{contracttest.NewTextReporter(textOut, live)}, reporters...)
	runner, _ = contracttest.New(cfg, contracttest.WithReporter(reporters...))

	rep, err := runner.Run(ctx)
	unreachable := errors.Is(err, contracttest.ErrUnreachable)
	if err != nil && !unreachable {
		return err
	}
	// The reports are complete (an unreachable target too has one errored case): put them in place.
	for _, f := range files {
		if cerr := f.commit(); cerr != nil {
			return fmt.Errorf("write report %s: %w", f.name, cerr)
		}
	}
	files = nil
	if unreachable {
		return &exitError{code: 2, msg: err.Error()}
	}
	if rep.Failed() {
		s := rep.Summary
		msg := fmt.Sprintf("%d of %d cases failed against %s", s.Failed, s.Cases, rep.Plan.Target)
		if s.Failed == 0 {
			msg = fmt.Sprintf("%d of %d cases were skipped against %s (--fail-on-skip)", s.Skipped, s.Cases, rep.Plan.Target)
		}
		if refused, valid := s.Refused(); refused > 0 {
			msg += fmt.Sprintf("; %d of %d valid requests were refused: check the credentials", refused, valid)
		}
		return checkFailed(msg)
	}
	return nil
}

// reportFile is a report written to a temporary file beside its name and renamed into place only when complete,
// so a run that stops early never leaves a truncated report nor destroys the previous one.
type reportFile struct {
	name string
	tmp  *os.File
}

func createReport(name string) (*reportFile, error) {
	dir, base := filepath.Split(name)
	if dir == "" {
		dir = "."
	}
	tmp, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return nil, err
	}
	return &reportFile{name: name, tmp: tmp}, nil
}

func (f *reportFile) commit() error {
	if err := f.tmp.Close(); err != nil {
		os.Remove(f.tmp.Name())
		return err
	}
	if err := os.Chmod(f.tmp.Name(), 0o644); err != nil {
		os.Remove(f.tmp.Name())
		return err
	}
	if err := os.Rename(f.tmp.Name(), f.name); err != nil {
		os.Remove(f.tmp.Name())
		return err
	}
	return nil
}

func (f *reportFile) discard() {
	f.tmp.Close()
	os.Remove(f.tmp.Name())
}

// readVars reads a --vars file: a YAML (or JSON) mapping of parameter names to scalar values.
func readVars(path string) (map[string]string, error) {
	if path == "" {
		return nil, nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("--vars: %w", err)
	}
	var raw map[string]any
	if err := yaml.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("--vars %s: %w; expected a mapping such as `id: 123` or `getContact.identifier: id:1`", path, err)
	}
	out := make(map[string]string, len(raw))
	for k, v := range raw {
		switch t := v.(type) {
		case string:
			out[k] = t
		case int, int64, float64, bool:
			out[k] = fmt.Sprint(t)
		default:
			return nil, fmt.Errorf("--vars %s: %s is not a scalar; expected a string, number or boolean", path, k)
		}
	}
	return out, nil
}

// isTerminal reports whether w is a character device (a terminal).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
