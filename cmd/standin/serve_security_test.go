package main

import (
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestIssue13ServeBeyondLoopback: binding beyond loopback with the admin API open and no token is refused,
// naming the flags; the refusal happens before anything listens.
func TestIssue13ServeBeyondLoopback(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		stderr []string
	}{
		{"all interfaces", []string{"serve", "--api", "aelyst", "--addr", "0.0.0.0:0"},
			[]string{"refusing to serve the admin API on 0.0.0.0:0 (every network interface) without a token", "--admin-token", "STANDIN_ADMIN_TOKEN", "--admin=off"}},
		{"empty host", []string{"serve", "--api", "aelyst", "--addr", ":0"}, []string{"every network interface", "--admin-token"}},
		{"IPv6 any", []string{"serve", "--api", "aelyst", "--addr", "[::]:0"}, []string{"--admin-token"}},
		{"short token", []string{"serve", "--api", "aelyst", "--admin-token", "abc"}, []string{"too short"}},
		{"bad admin value", []string{"serve", "--admin", "maybe"}, []string{`"maybe": expected on or off`}},
		{"bad header-faults value", []string{"serve", "--header-faults", "sometimes"}, []string{"expected auto, on or off"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stdout, stderr, code := runCLI(t, tt.args...)
			require.Equal(t, 2, code, stderr)
			require.Empty(t, stdout, "nothing was served")
			for _, s := range tt.stderr {
				require.Contains(t, stderr, s)
			}
		})
	}
}

// TestIssue13ServeStartLines: the start lines say what is exposed, and the token is never printed.
func TestIssue13ServeStartLines(t *testing.T) {
	lines, stop := serveRun(t, 2, "--api", "aelyst", "--addr", "127.0.0.1:0", "--admin-token", "tok-0123456789abcdef")
	require.Contains(t, lines[1], "(bearer token required)")
	admin := baseOf(t, lines[1])
	status, body := serveGet(t, admin+"health")
	require.Equal(t, 401, status, body)
	status, body = serveGet(t, admin+"health", "Authorization", "Bearer tok-0123456789abcdef")
	require.Equal(t, 200, status, body)
	_, stderr := stop()
	require.NotContains(t, strings.Join(lines, "\n")+stderr, "tok-0123456789abcdef")

	lines, _ = serveRun(t, 2, "--api", "aelyst", "--addr", "127.0.0.1:0")
	require.Contains(t, lines[1], "(loopback only, no token)")

	lines, _ = serveRun(t, 2, "--api", "aelyst", "--addr", "127.0.0.1:0", "--admin=off")
	require.Contains(t, lines[1], "admin      off (--admin=off)")
	u, err := url.Parse(baseOf(t, lines[0]))
	require.NoError(t, err)
	status, body = serveGet(t, "http://"+u.Host+"/__standin/health")
	require.Equal(t, 404, status)
	require.Contains(t, body, "admin API is off")
	status, _ = serveGet(t, "http://"+u.Host+"/aelyst/v1/contact/id:1", "Authorization", "Bearer x")
	require.Equal(t, 200, status)
}
