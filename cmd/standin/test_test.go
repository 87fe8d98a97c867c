package main

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

// pingServer implements testdata/contract-ping.yaml under /v1; broken answers 500 to everything. It records the
// Authorization headers it saw.
type pingServer struct {
	broken bool
	mu     sync.Mutex // guards auth
	auth   []string
}

func (p *pingServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	p.auth = append(p.auth, r.Header.Get("Authorization"))
	p.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	switch {
	case p.broken:
		w.WriteHeader(http.StatusInternalServerError)
		w.Write([]byte(`{"message":"boom"}`))
	case r.URL.Path != "/v1/ping":
		w.WriteHeader(http.StatusNotFound)
		w.Write([]byte(`{"message":"not found"}`))
	case !strings.HasPrefix(r.Header.Get("Authorization"), "Bearer ") || len(r.Header.Get("Authorization")) == len("Bearer "):
		w.WriteHeader(http.StatusUnauthorized)
		w.Write([]byte(`{"message":"no token"}`))
	default:
		w.Write([]byte(`{"ok":true}`))
	}
}

func runTestCLI(t *testing.T, env map[string]string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	err := run(t.Context(), args, testCmdEnv(env, &out, &errb))
	code = 0
	if err != nil {
		var coded interface{ ExitCode() int }
		require.True(t, asExitCoder(err, &coded), "error %v has no exit code", err)
		code = coded.ExitCode()
		if msg := err.Error(); msg != "" {
			errb.WriteString(msg + "\n")
		}
	}
	return out.String(), errb.String(), code
}

func testCmdEnv(vars map[string]string, stdout, stderr *bytes.Buffer) env {
	return env{getenv: func(k string) string { return vars[k] }, stdin: strings.NewReader(""), stdout: stdout, stderr: stderr}
}

func TestTestCommand(t *testing.T) {
	good := &pingServer{}
	goodTS := httptest.NewServer(good)
	t.Cleanup(goodTS.Close)
	badTS := httptest.NewServer(&pingServer{broken: true})
	t.Cleanup(badTS.Close)
	dead := httptest.NewServer(http.NotFoundHandler())
	deadURL := dead.URL
	dead.Close()
	spec := filepath.Join("testdata", "contract-ping.yaml")
	dir := t.TempDir()

	tests := []struct {
		name     string
		env      map[string]string
		args     []string
		code     int
		stdout   []string
		stderr   []string
		noSecret bool
	}{
		{name: "passes", env: map[string]string{"STANDIN_BEARER": "s3cret-env"},
			args: []string{"--spec", spec, "--target", goodTS.URL + "/v1"}, code: 0,
			stdout: []string{"PASS ping/positive/example", "PASS ping/auth/missing", "Coverage", "0 failed"}, noSecret: true},
		{name: "a failed check exits 1 and masks the token", args: []string{"--spec", spec, "--target", badTS.URL + "/v1", "--bearer", "s3cret-flag"},
			code: 1, stdout: []string{"FAIL ping/positive/example", "no_server_error", "Bearer ****"}, stderr: []string{"cases failed"}, noSecret: true},
		{name: "dry run sends nothing", args: []string{"--spec", spec, "--target", badTS.URL + "/v1", "--dry-run"},
			code: 0, stdout: []string{"Plan:", "ping/positive/example", "nothing sent"}},
		{name: "no api nor spec", args: []string{"--target", goodTS.URL}, code: 2, stderr: []string{"--api NAME"}},
		{name: "both api and spec", args: []string{"--api", "aelyst", "--spec", spec, "--target", goodTS.URL}, code: 2, stderr: []string{"exactly one"}},
		{name: "no target", args: []string{"--api", "aelyst"}, code: 2, stderr: []string{"--target URL"}},
		{name: "unknown api", args: []string{"--api", "nope", "--target", goodTS.URL}, code: 2, stderr: []string{"unknown API"}},
		{name: "bad target", args: []string{"--spec", spec, "--target", "ftp://x"}, code: 2, stderr: []string{`--target: "ftp://x" is not an absolute http(s) URL`}},
		{name: "unknown include", args: []string{"--spec", spec, "--target", goodTS.URL + "/v1", "--include", "nosuchop"}, code: 2, stderr: []string{"nosuchop"}},
		{name: "bad rate", args: []string{"--spec", spec, "--target", goodTS.URL + "/v1", "--rate", "fast"}, code: 2, stderr: []string{"not a rate"}},
		{name: "unreachable target", args: []string{"--spec", spec, "--target", deadURL + "/v1"}, code: 2, stderr: []string{"unreachable"}},
		{name: "base path hint", args: []string{"--spec", spec, "--target", goodTS.URL, "--dry-run"}, code: 0, stdout: []string{"did you mean " + goodTS.URL + "/v1?"}},
		{name: "vars file", args: []string{"--spec", spec, "--target", goodTS.URL + "/v1", "--vars", writeVars(t, dir), "--bearer", "tok", "--dry-run"}, code: 0},
		{name: "json to stdout, text to stderr", args: []string{"--spec", spec, "--target", goodTS.URL + "/v1", "--bearer", "tok", "--json", "-"},
			code: 0, stdout: []string{`"version": 1`, `"checkNames"`}, stderr: []string{"standin test: contract-ping", "Coverage"}},
		{name: "rate and budget", args: []string{"--spec", spec, "--target", goodTS.URL + "/v1", "--bearer", "tok", "--max-requests", "1", "--rate", "1000/s"},
			code: 0, stdout: []string{"request budget of 1 exhausted"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stdout, stderr, code := runTestCLI(t, tt.env, append([]string{"test"}, tt.args...)...)
			require.Equalf(t, tt.code, code, "stdout:\n%s\nstderr:\n%s", stdout, stderr)
			for _, s := range tt.stdout {
				require.Contains(t, stdout, s)
			}
			for _, s := range tt.stderr {
				require.Contains(t, stderr, s)
			}
			if tt.noSecret {
				require.NotContains(t, stdout+stderr, "s3cret")
			}
		})
	}
	good.mu.Lock()
	defer good.mu.Unlock()
	require.Contains(t, good.auth, "Bearer s3cret-env", "STANDIN_BEARER is sent")
}

func writeVars(t *testing.T, dir string) string {
	t.Helper()
	path := filepath.Join(dir, "vars.yaml")
	require.NoError(t, os.WriteFile(path, []byte("id: abc\nping.id: 42\n"), 0o600))
	return path
}

func TestTestCommandReportFiles(t *testing.T) {
	ts := httptest.NewServer(&pingServer{broken: true})
	t.Cleanup(ts.Close)
	dir := t.TempDir()
	jsonPath, junitPath := filepath.Join(dir, "r.json"), filepath.Join(dir, "r.xml")
	_, _, code := runTestCLI(t, map[string]string{"STANDIN_BEARER": "s3cret"}, "test", "--spec", filepath.Join("testdata", "contract-ping.yaml"),
		"--target", ts.URL+"/v1", "--json", jsonPath, "--junit", junitPath, "--no-progress", "--seed", "3")
	require.Equal(t, 1, code)
	js, err := os.ReadFile(jsonPath)
	require.NoError(t, err)
	var report struct {
		Version int    `json:"version"`
		Seed    uint64 `json:"seed"`
		Cases   []struct {
			Outcome string `json:"outcome"`
		} `json:"cases"`
	}
	require.NoError(t, json.Unmarshal(js, &report))
	require.Equal(t, 1, report.Version)
	require.EqualValues(t, 3, report.Seed)
	require.NotEmpty(t, report.Cases)
	require.NotContains(t, string(js), "s3cret")
	x, err := os.ReadFile(junitPath)
	require.NoError(t, err)
	var suites struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
	}
	require.NoError(t, xml.Unmarshal(x, &suites))
	require.Equal(t, len(report.Cases), suites.Tests)
	require.Positive(t, suites.Failures)
	require.NotContains(t, string(x), "s3cret")
}

// TestIssue11UnreachableTargetKeepsValidReports: an unreachable target writes valid reports with one errored case
// and exits 2; a report file is replaced whole, never truncated, and no temporary file is left behind.
func TestIssue11UnreachableTargetKeepsValidReports(t *testing.T) {
	url := "http://127.0.0.1:1" // a privileged port nothing listens on: the connection is refused
	dir := t.TempDir()
	jsonPath, junitPath := filepath.Join(dir, "r.json"), filepath.Join(dir, "r.xml")
	require.NoError(t, os.WriteFile(jsonPath, []byte(`{"previous": true}`), 0o600))
	_, stderr, code := runTestCLI(t, nil, "test", "--spec", filepath.Join("testdata", "contract-ping.yaml"),
		"--target", url+"/v1", "--json", jsonPath, "--junit", junitPath, "--no-progress")
	require.Equal(t, 2, code)
	require.Contains(t, stderr, "unreachable")
	var report struct {
		Cases []struct {
			Outcome    string `json:"outcome"`
			SkipReason string `json:"skipReason"`
		} `json:"cases"`
	}
	js, err := os.ReadFile(jsonPath)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(js, &report))
	require.Len(t, report.Cases, 1)
	require.Equal(t, "error", report.Cases[0].Outcome)
	require.Contains(t, report.Cases[0].SkipReason, "unreachable")
	x, err := os.ReadFile(junitPath)
	require.NoError(t, err)
	var suites struct {
		Errors int `xml:"errors,attr"`
	}
	require.NoError(t, xml.Unmarshal(x, &suites))
	require.Equal(t, 1, suites.Errors)
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.Len(t, entries, 2, "no temporary files left")
}

// TestIssue11OneURLShape: `standin test` and `standin scenario run` both take the server root, and both take an
// API's base URL.
func TestIssue11OneURLShape(t *testing.T) {
	root := scenarioTarget(t)
	for _, target := range []string{root, root + "/aelyst/v1"} {
		out, stderr, code := runTestCLI(t, nil, "test", "--api", "aelyst", "--target", target, "--include", "getContact", "--no-progress")
		require.Equalf(t, 0, code, "test --target %s\n%s\n%s", target, out, stderr)
		require.Contains(t, out, "target: "+root+"/aelyst/v1 (standin, session contracttest-1-")
		out, stderr, code = scenarioCLI(t, "run", "aelyst-queue-449", "--target", target)
		require.Equalf(t, 0, code, "scenario run --target %s\n%s\n%s", target, out, stderr)
	}
}

func TestTestCommandVarsAreSent(t *testing.T) {
	var mu sync.Mutex
	var queries []string
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		queries = append(queries, r.URL.RawQuery)
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"ok":true}`))
	}))
	t.Cleanup(ts.Close)
	runTestCLI(t, nil, "test", "--spec", filepath.Join("testdata", "contract-ping.yaml"), "--target", ts.URL+"/v1",
		"--vars", writeVars(t, t.TempDir()), "--bearer", "tok")
	mu.Lock()
	defer mu.Unlock()
	require.Contains(t, queries, "id=42", "operationId.name wins over name")
}

// TestTestCommandGolden pins argv, stdout and the exit status of `standin test` runs whose output does not
// depend on the listener (dry runs) or whose port is scrubbed.
func TestTestCommandGolden(t *testing.T) {
	ts := httptest.NewServer(&pingServer{broken: true})
	t.Cleanup(ts.Close)
	spec := filepath.Join("testdata", "contract-ping.yaml")
	tests := []struct {
		name string
		args []string
		code int
	}{
		{"dry-run", []string{"test", "--spec", spec, "--target", "http://127.0.0.1:4010/v1", "--dry-run"}, 0},
		{"failing", []string{"test", "--spec", spec, "--target", ts.URL + "/v1", "--bearer", "s3cret", "--no-progress"}, 1},
	}
	port := regexp.MustCompile(`127\.0\.0\.1:\d+`)
	timing := regexp.MustCompile(`requests in [0-9.]+[mµn]?s`)
	speed := regexp.MustCompile(`(?m)^speed: .*$`)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stdout, _, code := runTestCLI(t, nil, tt.args...)
			require.Equal(t, tt.code, code)
			got := "$ standin " + strings.Join(tt.args, " ") + "\n" + stdout + "exit " + strconv.Itoa(code) + "\n"
			got = timing.ReplaceAllString(port.ReplaceAllString(got, "127.0.0.1:PORT"), "requests in DURATION")
			got = speed.ReplaceAllString(got, "speed: SPEED")
			path := filepath.Join("testdata", "test-"+tt.name+".golden")
			if *update {
				require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
			}
			want, err := os.ReadFile(path)
			require.NoError(t, err, "run go test ./cmd/standin -run TestTestCommandGolden -update")
			require.Equal(t, string(want), got)
		})
	}
}
