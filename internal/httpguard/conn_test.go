package httpguard

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// chunkedConn is a net.Conn whose reads return its data step bytes at a time, then io.EOF.
type chunkedConn struct {
	net.Conn
	data []byte
	step int
}

func (c *chunkedConn) Read(p []byte) (int, error) {
	if len(c.data) == 0 {
		return 0, io.EOF
	}
	n := min(c.step, len(p), len(c.data))
	copy(p, c.data[:n])
	c.data = c.data[n:]
	return n, nil
}

// deliver reads everything a watched connection delivers from stream, read step bytes at a time, into buffers of
// bufSize bytes.
func deliver(t *testing.T, g *Guard, stream string, step, bufSize int) string {
	t.Helper()
	c := &conn{Conn: &chunkedConn{data: []byte(stream), step: step}, g: g}
	var out bytes.Buffer
	buf := make([]byte, bufSize)
	for range 1_000_000 {
		n, err := c.Read(buf)
		out.Write(buf[:n])
		if err == io.EOF {
			return out.String()
		}
		require.NoError(t, err)
	}
	t.Fatal("the reads never ended")
	return ""
}

// TestFramerStreams: whatever the read sizes, a clean stream is delivered unchanged; the framer follows it to its
// end, so a smuggling head sent after it is found, and delivered up to its final empty line, then the marker and
// the end of the head, then nothing.
func TestFramerStreams(t *testing.T) {
	const smuggle = "POST /b HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n"
	tests := []struct {
		name   string
		stream string
	}{
		{"nothing", ""},
		{"one GET", "GET / HTTP/1.1\r\nHost: x\r\n\r\n"},
		{"pipelined with bodies",
			"POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\n\r\nhello world" +
				"POST /c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: Chunked\r\n\r\n5;ext=1\r\nhello\r\nA \r\n0123456789\r\n0\r\nTrailer-A: 1\r\n\r\n" +
				"GET / HTTP/1.0\r\nTransfer-Encoding: gzip\r\n\r\n" +
				"GET / HTTP/1.1\n\n"},
		{"a body that looks like a smuggling head",
			fmt.Sprintf("POST /a HTTP/1.1\r\nContent-Length: %d\r\n\r\n%s\r\n", len(smuggle)+2, smuggle)},
		{"a chunk that looks like a smuggling head",
			fmt.Sprintf("POST /a HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n%x\r\n%s\r\n\r\n0\r\n\r\n", len(smuggle)+2, smuggle)},
		{"a large body", fmt.Sprintf("PUT /a HTTP/1.1\r\nContent-Length: %d\r\n\r\n%s", 19*3000, strings.Repeat("Content-Length: 1\r\n", 3000))},
		{"empty lines after a body", "POST /a HTTP/1.1\r\nContent-Length: 1\r\n\r\nx\r\n\r\n"},
		{"HTTP/1.0 ignores Transfer-Encoding", "POST /a HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n"},
	}
	g := New()
	end := g.marker + ": 1\r\n\r\n"
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, step := range []int{1, 2, 3, 7, 64, 4096} {
				for _, bufSize := range []int{1, 5, 4096} {
					require.Equal(t, tt.stream, deliver(t, g, tt.stream, step, bufSize), "reads of %d bytes into %d", step, bufSize)
					got := deliver(t, g, tt.stream+smuggle+"\r\n0\r\n\r\nGET /next HTTP/1.1\r\n\r\n", step, bufSize)
					require.Equal(t, tt.stream+smuggle+end, got, "reads of %d bytes into %d", step, bufSize)
				}
			}
		})
	}
}

// TestFramerRefuses: each way of sending both fields is found.
func TestFramerRefuses(t *testing.T) {
	g := New()
	end := g.marker + ": 1\r\n\r\n"
	for _, head := range []string{
		"POST /b HTTP/1.1\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n",
		"POST /b HTTP/1.1\r\ntransfer-encoding: chunked\r\ncontent-length: 3\r\n",
		"POST /b HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: gzip\r\n",
		"POST /b HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n",
		"POST /b HTTP/1.0\nContent-Length: 3\nTransfer-Encoding: chunked\n",
		"GET /b HTTP/1.1\r\nContent-Length: 0\r\nTransfer-Encoding: chunked\r\n",
	} {
		require.Equal(t, head+end, deliver(t, g, head+"\r\n0\r\n\r\n", 5, 4096), head)
	}
}

// TestFramerBlind: once the framing cannot be followed (a protocol switch, a framing net/http refuses), the bytes
// pass unchecked, so a later head is not looked at.
func TestFramerBlind(t *testing.T) {
	const smuggle = "POST /b HTTP/1.1\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n"
	for _, prefix := range []string{
		"GET /ws HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n",
		"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
		"POST /a HTTP/1.1\r\nContent-Length: x1\r\n\r\n",
		"POST /a HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n",
		"POST /a HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
	} {
		stream := prefix + smuggle
		require.Equal(t, stream, deliver(t, New(), stream, 3, 4096), prefix)
	}
}

// TestConnKeepsHeldBytesAcrossTimeouts: net/http aborts a pending read with a past deadline; a line held back at
// that moment is still delivered afterwards.
func TestConnKeepsHeldBytesAcrossTimeouts(t *testing.T) {
	client, server := net.Pipe()
	defer client.Close()
	c := &conn{Conn: server, g: New()}
	go func() { _, _ = client.Write([]byte("GET / HTTP/1.1\r\nHo")) }()
	buf := make([]byte, 4096)
	n, err := c.Read(buf)
	require.NoError(t, err)
	require.Equal(t, "GET / HTTP/1.1\r\n", string(buf[:n]))
	require.NoError(t, c.SetReadDeadline(time.Now().Add(-time.Second)))
	_, err = c.Read(buf)
	var ne net.Error
	require.ErrorAs(t, err, &ne)
	require.True(t, ne.Timeout())
	require.NoError(t, c.SetReadDeadline(time.Time{}))
	go func() { _, _ = client.Write([]byte("st: x\r\n\r\n")) }()
	var got strings.Builder
	for got.Len() < len("Host: x\r\n\r\n") {
		n, err = c.Read(buf)
		require.NoError(t, err)
		got.Write(buf[:n])
	}
	require.Equal(t, "Host: x\r\n\r\n", got.String())
}

// FuzzFramerSplits: what a watched connection delivers does not depend on how the bytes arrive, and nothing is
// delivered that the client did not send, except the marker ending a refused head.
func FuzzFramerSplits(f *testing.F) {
	for _, seed := range []string{
		"GET / HTTP/1.1\r\nHost: x\r\n\r\n",
		"POST /a HTTP/1.1\r\nContent-Length: 3\r\n\r\nabcGET / HTTP/1.1\r\n\r\n",
		"POST /a HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3;e\r\nabc\r\n0\r\nT: 1\r\n\r\nGET / HTTP/1.1\r\n\r\n",
		"POST /b HTTP/1.1\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET / HTTP/1.1\r\n\r\n",
		"POST /b HTTP/1.0\nContent-Length: 4\n Transfer-Encoding: chunked\n\n",
		"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
	} {
		f.Add(seed, uint8(3))
	}
	g := New()
	f.Fuzz(func(t *testing.T, stream string, step uint8) {
		whole := deliver(t, g, stream, len(stream)+1, len(stream)+1)
		split := deliver(t, g, stream, int(step%16)+1, 7)
		require.Equal(t, whole, split)
		if before, ok := strings.CutSuffix(whole, g.marker+": 1\r\n\r\n"); ok {
			require.True(t, strings.HasPrefix(stream, before))
		} else {
			require.Equal(t, stream, whole)
		}
	})
}

// FuzzFramerFollowsNetHTTP: on any stream net/http reads as a clean sequence of HTTP/1 requests (none with both
// fields), the framer stays in step with it to the end, so a smuggling head sent after the stream is refused.
func FuzzFramerFollowsNetHTTP(f *testing.F) {
	for _, seed := range []string{
		"GET / HTTP/1.1\r\nHost: x\r\n\r\n",
		"POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabcGET / HTTP/1.1\r\nHost: x\r\n\r\n",
		"POST /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3;e\r\nabc\r\n0\r\nT: 1\r\n\r\n",
		"POST /a HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n",
		"PUT /a HTTP/1.1\nHost: x\nContent-Length:  2 \n\n{}",
	} {
		f.Add(seed)
	}
	const smuggle = "POST /b HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n"
	g := New()
	f.Fuzz(func(t *testing.T, stream string) {
		br := bufio.NewReader(strings.NewReader(stream))
		for {
			if _, err := br.Peek(1); err == io.EOF {
				break
			}
			req, err := http.ReadRequest(br)
			if err != nil || req.ProtoMajor != 1 || req.Method == http.MethodConnect || req.Header.Get("Upgrade") != "" ||
				(len(req.TransferEncoding) > 0 && req.Header.Get("Content-Length") != "") {
				t.Skip("not a clean HTTP/1 request stream")
			}
			if _, err := io.Copy(io.Discard, req.Body); err != nil {
				t.Skip("a body net/http cannot read")
			}
		}
		got := deliver(t, g, stream+smuggle+"\r\n0\r\n\r\n", 5, 4096)
		require.Equal(t, stream+smuggle+g.marker+": 1\r\n\r\n", got)
	})
}
