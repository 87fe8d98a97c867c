package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/standin/standin/contracttest"
	"github.com/standin/standin/openapi"
)

const testSynopsis = "standin test (--api NAME | --spec FILE) --target URL [--api-key K | --bearer T] [flags]"

const testHelp = `Check a server (the standin mock, a staging box, the real vendor) against an API's contract.

The target is the base URL that replaces the spec's server URL, base path included:
  careCycle (server https://api.carecycle.ai)       --target http://127.0.0.1:4010/carecycle
  Aelyst    (server https://api.aelyst.ai/v1)        --target http://127.0.0.1:4010/aelyst/v1
  CINNOX    (server https://examplebaseurl.com)      --target http://127.0.0.1:4010/cinnox

Cases per operation: positive (examples, then generated valid requests), negative (one constraint broken per
request, an unknown id, an unknown path, malformed JSON), auth (missing and malformed credentials), stateful
(follow the spec's links: write, then read back or delete) and, on a standin target, every documented status
forced with Prefer: code=N. Checks: status_documented, content_type, body_schema, headers_documented,
no_server_error, negative_rejected, auth_enforced, state_consistent, response_time, forced_status.

Credentials come from --api-key/--bearer or, better in CI, STANDIN_API_KEY/STANDIN_BEARER; they are never
printed (curl lines show ****). Writes (POST, PUT, PATCH, DELETE) reach a non-loopback target only with
--allow-writes. 429 and 449 answers are waited out (Retry-After, at most 5s) and retried.

Exit status: 0 every check passed, 1 a check failed, 2 a usage error or an unreachable target.

Examples:
  standin test --api carecycle --target http://127.0.0.1:4010/carecycle
  standin test --api aelyst --target http://127.0.0.1:4010/aelyst/v1 --junit report.xml --json report.json
  STANDIN_BEARER=$TOKEN standin test --api aelyst --target https://api.aelyst.ai/v1 --include getContact --max-requests 20 --rate 2
  standin test --spec my-api.yaml --target http://localhost:8080 --dry-run`

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
		apiName, specFile, target, apiKey, bearer, varsFile, jsonFile, junitFile string
		dryRun, allowWrites, noProgress                                          bool
		include, exclude                                                         listFlag
		maxRequests                                                              int
		rate                                                                     rateFlag
		timeout, responseTime                                                    time.Duration
		seed                                                                     uint64
	)
	fs.StringVar(&apiName, "api", "", "bundled API to test against: "+strings.Join(openapi.Bundled(), ", "))
	fs.StringVar(&specFile, "spec", "", "OpenAPI 3.x or Swagger 2.0 document (a file or an http(s) URL) to test against (instead of --api)")
	fs.StringVar(&target, "target", "", "base URL of the server under test; replaces the spec's server URL including its base path")
	fs.StringVar(&apiKey, "api-key", "", "API key for apiKey security schemes (default $STANDIN_API_KEY); never printed")
	fs.StringVar(&bearer, "bearer", "", "token for bearer security schemes (default $STANDIN_BEARER); never printed")
	fs.StringVar(&varsFile, "vars", "", "YAML or JSON `file` of parameter values: name: value for every operation, operationId.name: value for one")
	fs.BoolVar(&dryRun, "dry-run", false, "print the plan and send nothing")
	fs.BoolVar(&allowWrites, "allow-writes", false, "send POST, PUT, PATCH and DELETE to a target that is not a loopback address")
	fs.Var(&include, "include", "test only these operationIds or tags (comma-separated, repeatable)")
	fs.Var(&exclude, "exclude", "leave out these operationIds or tags (comma-separated, repeatable)")
	fs.IntVar(&maxRequests, "max-requests", 0, "stop sending after this many requests, retries included (0: no cap)")
	fs.Var(&rate, "rate", "at most this many requests per second, e.g. 5 or 5/s (0: no limit)")
	fs.DurationVar(&timeout, "timeout", contracttest.DefaultTimeout, "time limit of each request")
	fs.DurationVar(&responseTime, "response-time", 0, "budget every response must meet (check response_time; 0: off)")
	fs.StringVar(&jsonFile, "json", "", "write the JSON report (versioned) to `file` (- for stdout)")
	fs.StringVar(&junitFile, "junit", "", "write a JUnit XML report to `file` (- for stdout)")
	fs.Uint64Var(&seed, "seed", 0, "seed of the generated requests; the same seed sends the same requests (0: the default seed 1)")
	fs.BoolVar(&noProgress, "no-progress", false, "print a plain line per case even on a terminal")
	var lf loadFlags // --strict, --warnings (issue 9)
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
	if apiKey == "" {
		apiKey = e.getenv("STANDIN_API_KEY")
	}
	if bearer == "" {
		bearer = e.getenv("STANDIN_BEARER")
	}
	vars, err := readVars(varsFile)
	if err != nil {
		return usageError(err.Error())
	}
	cfg := contracttest.Config{
		API: api, Target: target, APIKey: apiKey, Bearer: bearer, Vars: vars, DryRun: dryRun, AllowWrites: allowWrites,
		Include: include, Exclude: exclude, MaxRequests: maxRequests, Rate: float64(rate), Timeout: timeout,
		ResponseTime: responseTime, Seed: seed,
	}
	if api.BasePath != "" && !strings.HasSuffix(strings.TrimSuffix(target, "/"), api.BasePath) {
		fmt.Fprintf(e.stderr, "note: --target replaces the server URL %s including its base path %s; did you mean %s%s? (a standin mount root gets it appended)\n",
			api.ServerURL, api.BasePath, strings.TrimSuffix(target, "/"), api.BasePath)
	}

	textOut := e.stdout
	var files []*os.File
	defer func() {
		for _, f := range files {
			f.Close()
		}
	}()
	open := func(name string) (io.Writer, error) {
		if name == "-" {
			textOut = e.stderr
			return e.stdout, nil
		}
		f, err := os.Create(name)
		if err != nil {
			return nil, err
		}
		files = append(files, f)
		return f, nil
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

	rep, err := contracttest.Run(ctx, cfg, contracttest.WithReporter(reporters...))
	var cfgErr *contracttest.ConfigError
	switch {
	case errors.As(err, &cfgErr):
		return usageError(flagName(cfgErr.Field) + ": " + cfgErr.Err.Error())
	case errors.Is(err, contracttest.ErrUnreachable):
		return &exitError{code: 2, msg: err.Error()}
	case err != nil:
		return err
	}
	for _, f := range files {
		if err := f.Close(); err != nil {
			return fmt.Errorf("write report %s: %w", f.Name(), err)
		}
	}
	files = nil
	if rep.Failed() {
		return checkFailed(fmt.Sprintf("%d of %d cases failed against %s", rep.Summary.Failed, rep.Summary.Cases, target))
	}
	return nil
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
