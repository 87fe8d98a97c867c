package mock

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/standin/standin/openapi"
)

// TestIssue13SlowReaders: 200 clients that ask for a large answer and never read it are dropped after the write
// timeout; meanwhile other clients are served, and the memory the readers held is given back.
func TestIssue13SlowReaders(t *testing.T) {
	// The timeout counts from the first byte, and a streamed answer is encoded after it: 6 s leaves the clients
	// that do read room to finish under -race on a loaded machine; the slow readers never will.
	ts, _ := slowServer(t, 1500, 6*time.Second)

	full := engineDo(t, ts, "GET", "/thing", "")
	require.Equal(t, 200, full.status)
	require.Greater(t, len(full.body), 50_000, "an answer larger than the socket buffers")

	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)

	const readers = 200
	conns := dialReaders(t, ts, readers)

	// Others are served while the readers hang.
	for range 10 {
		require.Equal(t, 200, engineDo(t, ts, "GET", AdminPrefix+"health", "").status)
		require.Equal(t, 200, engineDo(t, ts, "GET", "/thing", "").status)
	}

	// Every slow reader's handler ends (the journal records it once its write failed): bounded wait.
	deadline := time.Now().Add(60 * time.Second)
	for {
		resp := engineDo(t, ts, "GET", AdminPrefix+"journal?limit=1000", "")
		if n := strings.Count(string(resp.body), `"path":"/thing"`); n >= readers+11 || time.Now().After(deadline) {
			require.GreaterOrEqual(t, n, readers+11, "every slow reader's handler returned")
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	// Each slow reader got less than the whole answer: the server gave up on it.
	got := make([]int64, len(conns))
	var wg sync.WaitGroup
	for i, c := range conns {
		wg.Go(func() {
			_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
			got[i], _ = io.Copy(io.Discard, bufio.NewReader(c))
		})
	}
	wg.Wait()
	for _, n := range got {
		require.Less(t, n, int64(len(full.body)), "a slow reader is dropped, not served forever")
	}

	runtime.GC()
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	grown := int64(after.HeapInuse) - int64(before.HeapInuse)
	t.Logf("heap in use: %d KiB before, %d KiB after 200 slow readers (answer %d KiB)", before.HeapInuse>>10, after.HeapInuse>>10, len(full.body)>>10)
	require.Less(t, grown, int64(32<<20), "memory held by slow readers is given back")
}

// TestIssue13SlowReadersMemory: 200 clients ask for a 512 KiB answer and stop reading after its status line. While
// they hang, the server holds a bounded piece of each answer (it streams large answers), not the whole of it, and
// other clients are served. Memory is measured as heap in use, not time.
func TestIssue13SlowReadersMemory(t *testing.T) {
	ts, size := slowServer(t, 7000, 5*time.Minute)
	require.Greater(t, size, 500_000)

	hangReaders(t, ts, 200, size, "", func() {
		require.Equal(t, 200, engineDo(t, ts, "GET", AdminPrefix+"health", "").status)
	})
}

// hangReaders has n clients ask for GET /thing (an answer of size bytes) and stop reading after its status line.
// While they hang, the heap in use may grow by less than 64 KiB a reader, and others are served whole (five
// more requests, each after also, when given). Once they leave, every hanging handler must end, as the journal
// shows.
func hangReaders(t *testing.T, ts *httptest.Server, n, size int, kind string, also func()) {
	t.Helper()
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)

	conns := dialReaders(t, ts, n)
	// Each reader sees its status line, so its handler is writing; then it reads no more.
	for _, c := range conns {
		_ = c.SetReadDeadline(time.Now().Add(time.Minute))
		line := make([]byte, len("HTTP/1.1 200"))
		_, err := io.ReadFull(c, line)
		require.NoError(t, err)
		require.Equal(t, "HTTP/1.1 200", string(line))
	}
	const others = 5
	for range others {
		if also != nil {
			also()
		}
		require.Equal(t, size, len(engineDo(t, ts, "GET", "/thing", "").body), "others are served whole")
	}

	runtime.GC()
	var during runtime.MemStats
	runtime.ReadMemStats(&during)
	grown := int64(during.HeapInuse) - int64(before.HeapInuse)
	t.Logf("heap in use: %d KiB before, %d KiB with %d readers hanging on a %d KiB %sanswer (%d KiB each)",
		before.HeapInuse>>10, during.HeapInuse>>10, n, size>>10, kind, grown/int64(n)>>10)
	require.Less(t, grown, int64(n*64<<10), "each hanging reader holds less than 64 KiB")

	for _, c := range conns {
		_ = c.Close()
	}
	deadline := time.Now().Add(60 * time.Second)
	for {
		resp := engineDo(t, ts, "GET", AdminPrefix+"journal?limit=1000", "")
		if got := strings.Count(string(resp.body), `"path":"/thing"`); got >= n+others || time.Now().After(deadline) {
			require.GreaterOrEqual(t, got, n+others, "every hanging handler ended once its reader left")
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// smallBuffers gives every accepted connection a small send buffer.
type smallBuffers struct{ net.Listener }

func (l smallBuffers) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if tc, ok := c.(*net.TCPConn); ok {
		_ = tc.SetWriteBuffer(4096)
	}
	return c, err
}

// slowServer serves one operation whose documented example is an array of items small objects (about 75 bytes
// each, so the answer costs no generation and a test measures the writes only), on a listener with small socket
// buffers so that the kernel cannot absorb a whole answer for a reader. It returns the server and the example's
// size.
func slowServer(t *testing.T, items int, writeTimeout time.Duration) (*httptest.Server, int) {
	t.Helper()
	item := `{"a":"` + strings.Repeat("x", 60) + `","b":1}`
	example := "[" + strings.TrimSuffix(strings.Repeat(item+",", items), ",") + "]"
	doc := `{"openapi":"3.0.3","info":{"title":"slow","version":"1"},"paths":{"/thing":{"get":{"operationId":"getThing",` +
		`"responses":{"200":{"description":"ok","content":{"application/json":{"schema":{"type":"array","items":{"type":"object"}},` +
		`"example":` + example + `}}}}}}}}`
	api, err := openapi.LoadData(context.Background(), "slow.json", []byte(doc))
	require.NoError(t, err)
	srv, err := New([]*openapi.API{api}, Config{WriteTimeout: writeTimeout, JournalSize: 1000})
	require.NoError(t, err)
	ts := httptest.NewUnstartedServer(srv)
	ts.Listener = smallBuffers{ts.Listener}
	ts.Start()
	t.Cleanup(func() { ts.Close(); _ = srv.Close() })
	return ts, len(example)
}

// dialReaders opens n connections with small receive buffers, each sending GET /thing and reading nothing yet;
// they are closed when the test ends.
func dialReaders(t *testing.T, ts *httptest.Server, n int) []net.Conn {
	t.Helper()
	addr := strings.TrimPrefix(ts.URL, "http://")
	conns := make([]net.Conn, 0, n)
	t.Cleanup(func() {
		for _, c := range conns {
			_ = c.Close()
		}
	})
	for range n {
		c, err := net.Dial("tcp", addr)
		require.NoError(t, err)
		conns = append(conns, c)
		_ = c.(*net.TCPConn).SetReadBuffer(4096)
		_, err = io.WriteString(c, "GET /thing HTTP/1.1\r\nHost: "+addr+"\r\n\r\n")
		require.NoError(t, err)
	}
	return conns
}
