package main

import (
	"bufio"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

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

// TestIssue13ServeRefusesSmuggling: `standin serve` answers a request with both Content-Length and
// Transfer-Encoding 400 and closes the connection, so the request pipelined after it is not answered; a clean
// pipeline on one connection is answered in full.
func TestIssue13ServeRefusesSmuggling(t *testing.T) {
	lines, _ := serveRun(t, 2, "--api", "aelyst", "--addr", "127.0.0.1:0")
	u, err := url.Parse(baseOf(t, lines[0]))
	require.NoError(t, err)
	const next = "GET /aelyst/v1/contact/id:1 HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer x\r\n\r\n"
	tests := []struct {
		name     string
		raw      string
		statuses []int
		closed   bool
	}{
		{"smuggling", "POST /aelyst/v1/contact HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n" +
			"Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + next, []int{400}, true},
		{"clean pipeline", next + "POST /aelyst/v1/contact HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer x\r\n" +
			"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n" + next, []int{200, 404, 200}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := net.Dial("tcp", u.Host)
			require.NoError(t, err)
			defer c.Close()
			_, err = io.WriteString(c, tt.raw)
			require.NoError(t, err)
			br := bufio.NewReader(c)
			var statuses []int
			closed := false
			for {
				require.NoError(t, c.SetReadDeadline(time.Now().Add(time.Second)))
				resp, err := http.ReadResponse(br, nil)
				if err != nil {
					var ne net.Error
					closed = !errors.As(err, &ne) || !ne.Timeout()
					break
				}
				body, err := io.ReadAll(resp.Body)
				require.NoError(t, err)
				statuses = append(statuses, resp.StatusCode)
				if resp.StatusCode == 400 {
					require.Contains(t, string(body), "both Content-Length and Transfer-Encoding")
					require.True(t, resp.Close, "Connection: close")
				}
			}
			require.Equal(t, tt.statuses, statuses)
			require.Equal(t, tt.closed, closed, "connection closed")
		})
	}
}
