package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// serveRun starts `standin serve args...` in-process and returns the first wantLines lines it prints and a
// function that cancels its context and returns its error and stderr.
func serveRun(t *testing.T, wantLines int, args ...string) ([]string, func() (error, string)) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	var stderr bytes.Buffer
	done := make(chan error, 1)
	go func() {
		err := run(ctx, append([]string{"serve"}, args...), env{
			getenv: func(string) string { return "" }, stdin: strings.NewReader(""), stdout: pw, stderr: &stderr,
		})
		_ = pw.CloseWithError(io.EOF)
		done <- err
	}()
	var lines []string
	sc := bufio.NewScanner(pr)
	for len(lines) < wantLines && sc.Scan() {
		lines = append(lines, sc.Text())
	}
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	stopped := false
	stop := func() (error, string) {
		if !stopped {
			stopped = true
			cancel()
		}
		err := <-done
		done <- err
		return err, stderr.String()
	}
	t.Cleanup(func() { _, _ = stop() })
	return lines, stop
}

// baseOf finds the URL in a start line.
func baseOf(t *testing.T, line string) string {
	t.Helper()
	for _, f := range strings.Fields(line) {
		if strings.HasPrefix(f, "http://") {
			return f
		}
	}
	t.Fatalf("no URL in %q", line)
	return ""
}

func serveGet(t *testing.T, url string, headers ...string) (int, string) {
	t.Helper()
	req, err := http.NewRequestWithContext(context.Background(), http.MethodGet, url, nil)
	require.NoError(t, err)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	resp, err := tr.RoundTrip(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, string(body)
}

func TestServeCommand(t *testing.T) {
	lines, stop := serveRun(t, 4, "--addr", "127.0.0.1:0", "--seed", "7", "--log-format", "json")
	require.Len(t, lines, 4, "one line per API and one for the admin API")
	require.Contains(t, lines[0], "aelyst")
	require.True(t, strings.HasSuffix(baseOf(t, lines[0]), "/aelyst/v1"), lines[0])
	require.Contains(t, lines[1], "carecycle")
	require.Contains(t, lines[1], "careCycle API v2")
	require.Contains(t, lines[2], "cinnox")
	require.Contains(t, lines[3], "/__standin/")
	aelyst := baseOf(t, lines[0])
	care := baseOf(t, lines[1])
	admin := baseOf(t, lines[3])

	status, body := serveGet(t, care+"/v2/campaigns/appointment-configs", "x-api-key", "cc_secret_cli")
	require.Equal(t, http.StatusOK, status, body)
	status, body = serveGet(t, aelyst+"/contact/id:1")
	require.Equal(t, http.StatusUnauthorized, status)
	require.JSONEq(t, `{"code":401,"message":"UN_AUTHORIZED"}`, body)
	status, body = serveGet(t, admin+"health")
	require.Equal(t, http.StatusOK, status)
	require.Contains(t, body, `"status":"ok"`)

	err, stderr := stop()
	require.NoError(t, err, "a cancelled context is a clean shutdown")
	require.Contains(t, stderr, `"msg":"request"`, "JSON request logs")
	require.Contains(t, stderr, `"path":"/carecycle/v2/campaigns/appointment-configs"`)
	require.NotContains(t, stderr, "cc_secret_cli", "credentials never reach the log")
	require.Contains(t, stderr, "shutting down")
}

func TestServeSingleAPIAtRoot(t *testing.T) {
	lines, _ := serveRun(t, 2, "--addr", "127.0.0.1:0", "--api", "cinnox", "--deny-key", "blocked-*")
	require.Len(t, lines, 2)
	require.Contains(t, lines[0], "(also at http://127.0.0.1:")
	root := strings.TrimSuffix(strings.TrimSuffix(baseOf(t, lines[0]), "/cinnox"), "/")
	status, body := serveGet(t, root+"/v1/api/apps/a/labels?limit=501", "Authorization", "Bearer t")
	require.Equal(t, http.StatusBadRequest, status)
	require.JSONEq(t, `{"code":6451000,"message":"exceed maximum limit 500"}`, body)
	status, _ = serveGet(t, root+"/v1/api/apps/a/labels", "Authorization", "Bearer blocked-1")
	require.Equal(t, http.StatusUnauthorized, status, "CINNOX documents no 403")
}

func TestServeUserSpecFile(t *testing.T) {
	lines, _ := serveRun(t, 2, "--addr", "127.0.0.1:0", "--spec", "../../openapi/testdata/petstore.yaml")
	require.Len(t, lines, 2)
	require.Contains(t, lines[0], "petstore")
	status, body := serveGet(t, baseOf(t, lines[0])+"/pets")
	require.Equal(t, http.StatusOK, status, body)
}

func TestServeErrors(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { busy.Close() })
	tests := []struct {
		name   string
		args   []string
		code   int
		stderr []string
	}{
		{"port in use", []string{"serve", "--addr", busy.Addr().String()}, 2,
			[]string{"cannot listen on " + busy.Addr().String(), "pick another with --addr"}},
		{"unknown API", []string{"serve", "--api", "stripe"}, 2, []string{`unknown API "stripe"`}},
		{"missing spec file", []string{"serve", "--spec", "nope.yaml"}, 2, []string{"--spec nope.yaml", "standin spec check nope.yaml"}},
		{"bad log format", []string{"serve", "--log-format", "xml"}, 2, []string{`"xml" is not a log format`}},
		{"bad size", []string{"serve", "--max-body", "lots"}, 2, []string{`"lots" is not a size`}},
		{"stray argument", []string{"serve", "carecycle"}, 2, []string{"serve takes no arguments"}},
		{"same API twice", []string{"serve", "--addr", "127.0.0.1:0", "--api", "aelyst,aelyst"}, 2, []string{`two APIs are named "aelyst"`}},
		{"help", []string{"serve", "--help"}, 0, []string{"Usage:", "--max-body", "--deny-key", "Prefer: code=NNN", "Examples:"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stdout, stderr, code := runCLI(t, tt.args...)
			require.Equal(t, tt.code, code, stderr)
			for _, s := range tt.stderr {
				require.Contains(t, stdout+stderr, s) // help goes to stdout, mistakes to stderr
			}
		})
	}
}

func TestParseSize(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"1048576", 1 << 20, true}, {"1MiB", 1 << 20, true}, {"512KiB", 512 << 10, true}, {"2MB", 2e6, true},
		{"1m", 1 << 20, true}, {"10B", 10, true}, {"0", 0, false}, {"-5", 0, false}, {"MiB", 0, false}, {"9999999G", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := parseSize(tt.in)
			if !tt.ok {
				require.Error(t, err)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.want, got)
			back, err := parseSize(formatSize(got)) // a flag's default, as --help prints it, reads back
			require.NoError(t, err)
			require.Equal(t, got, back)
		})
	}
	for n, want := range map[int64]string{13 << 20: "13MiB", 1536 << 10: "1536KiB", 2 << 30: "2GiB", 2e6: "2000000", 10: "10", 0: "0"} {
		require.Equal(t, want, formatSize(n))
	}
}

// TestServeJournalSize: --journal-size N keeps each session's N most recent requests; a size out of 1 to
// 1,000,000 is a usage error that says so.
func TestServeJournalSize(t *testing.T) {
	lines, _ := serveRun(t, 2, "--addr", "127.0.0.1:0", "--api", "aelyst", "--journal-size", "2")
	require.Len(t, lines, 2)
	api, admin := baseOf(t, lines[0]), baseOf(t, lines[1])
	for _, id := range []string{"1", "2", "3"} {
		status, body := serveGet(t, api+"/contact/id:"+id)
		require.Equal(t, http.StatusUnauthorized, status, body)
	}
	status, body := serveGet(t, admin+"journal")
	require.Equal(t, http.StatusOK, status, body)
	var journal struct {
		Count   int `json:"count"`
		Entries []struct {
			Path string `json:"path"`
		} `json:"entries"`
	}
	require.NoError(t, json.Unmarshal([]byte(body), &journal))
	require.Equal(t, 2, journal.Count)
	require.True(t, strings.HasSuffix(journal.Entries[0].Path, "/contact/id:2"), body)
	require.True(t, strings.HasSuffix(journal.Entries[1].Path, "/contact/id:3"), body)

	for _, n := range []string{"0", "-1", "1000001"} {
		_, stderr, code := runTestCLI(t, nil, "serve", "--addr", "127.0.0.1:0", "--journal-size", n)
		require.Equal(t, 2, code, n)
		require.Contains(t, stderr, "--journal-size must be between 1 and 1000000, got "+n)
	}
}
