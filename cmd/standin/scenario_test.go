package main

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/standin/standin/mock"
	"github.com/standin/standin/openapi"
)

// scenarioCLI runs `standin scenario args...` and returns stdout, stderr and the exit code.
func scenarioCLI(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	e := env{getenv: func(string) string { return "" }, stdin: strings.NewReader(""), stdout: &stdout, stderr: &stderr}
	err := run(context.Background(), append([]string{"scenario"}, args...), e)
	code := 0
	if err != nil {
		var coded interface{ ExitCode() int }
		require.True(t, asExitCoder(err, &coded), "error without exit code: %v", err)
		code = coded.ExitCode()
		if msg := err.Error(); msg != "" {
			stderr.WriteString(msg + "\n")
		}
	}
	return stdout.String(), stderr.String(), code
}

// scenarioTarget starts an in-process standin serving the bundled APIs.
func scenarioTarget(t *testing.T) string {
	t.Helper()
	var apis []*openapi.API
	for _, n := range []string{"carecycle", "aelyst", "cinnox"} {
		api, err := openapi.Load(context.Background(), n)
		require.NoError(t, err)
		apis = append(apis, api)
	}
	srv, err := mock.New(apis, mock.Config{})
	require.NoError(t, err)
	ts := httptest.NewServer(srv)
	t.Cleanup(func() {
		ts.Close()
		_ = srv.Close()
	})
	return ts.URL
}

func TestScenarioCLIListAndShow(t *testing.T) {
	out, _, code := scenarioCLI(t, "list")
	require.Equal(t, 0, code)
	for _, name := range []string{"carecycle-rate-limited", "carecycle-validation-outage", "aelyst-queue-449",
		"aelyst-rate-limit", "cinnox-outage", "flaky-network", "slow-vendor"} {
		require.Contains(t, out, name)
	}
	require.True(t, strings.HasPrefix(out, "NAME"))

	out, _, code = scenarioCLI(t, "show", "aelyst-queue-449")
	require.Equal(t, 0, code)
	require.Contains(t, out, "aelyst-queue-449 (scenarios/aelyst-queue-449.yaml)")
	require.Contains(t, out, "id=aelyst-queue-449#1,op=updateAssignee,queue=2")
	require.Contains(t, out, "POST /aelyst/v1/contact/id:1/conversation/assignee x2 -> 449")
}

func TestScenarioCLIUsageErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no subcommand", nil, "expected a subcommand"},
		{"unknown subcommand", []string{"explode"}, `unknown subcommand "explode"`},
		{"show without name", []string{"show"}, "expected one scenario name"},
		{"unknown scenario", []string{"show", "nope"}, `scenario "nope": no such scenario`},
		{"run without target", []string{"run", "slow-vendor"}, "--target URL is required"},
		{"list with args", []string{"list", "x"}, "takes no arguments"},
		{"bad flag", []string{"list", "--colour"}, "unknown flag --colour"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, stderr, code := scenarioCLI(t, tt.args...)
			require.Equal(t, 2, code)
			require.Contains(t, stderr, tt.want)
		})
	}
}

func TestScenarioCLIRun(t *testing.T) {
	target := scenarioTarget(t)
	out, stderr, code := scenarioCLI(t, "run", "aelyst-queue-449", "--target", target)
	require.Equal(t, 0, code, "stdout:\n%s\nstderr:\n%s", out, stderr)
	require.Equal(t, strings.Join([]string{
		"PASS POST /aelyst/v1/contact/id:1/conversation/assignee (1/2): want 449, got 449",
		"PASS POST /aelyst/v1/contact/id:1/conversation/assignee (2/2): want 449, got 449",
		"PASS POST /aelyst/v1/contact/id:1/conversation/assignee: want 200, got 200",
		"aelyst-queue-449: 3 passed, 0 failed",
	}, "\n")+"\n", out)

	// A user scenario whose expectation is wrong fails with exit 1; flags may follow the name.
	dir := t.TempDir()
	require.NoError(t, writeFile(filepath.Join(dir, "wrong.yaml"), `
description: expects the wrong status
rules: [ { api: cinnox, status: 500 } ]
expect:
  - request: { api: cinnox, method: GET, path: /v1/api/apps/a/labels, headers: { Authorization: Bearer t } }
    status: 200
`))
	out, _, code = scenarioCLI(t, "run", "wrong", "--dir", dir, "--target", target)
	require.Equal(t, 1, code)
	require.Contains(t, out, "FAIL GET /cinnox/v1/api/apps/a/labels: want 200, got 500: status differs")
	require.Contains(t, out, "wrong: 0 passed, 1 failed")
}

func TestScenarioCLIRunTargetProblems(t *testing.T) {
	notStandin := httptest.NewServer(http.NotFoundHandler())
	t.Cleanup(notStandin.Close)
	_, stderr, code := scenarioCLI(t, "run", "slow-vendor", "--target", notStandin.URL)
	require.Equal(t, 2, code)
	require.Contains(t, stderr, "is not a standin server")

	closed := httptest.NewServer(http.NotFoundHandler())
	url := closed.URL
	closed.Close()
	_, stderr, code = scenarioCLI(t, "run", "slow-vendor", "--target", url)
	require.Equal(t, 2, code)
	require.Contains(t, stderr, "unreachable")
}
