package httpguard

import (
	"bufio"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// echo answers with the method, path, body length and whether the request came over TLS.
var echo = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	b, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	fmt.Fprintf(w, "%s %s %d tls=%t proto=%d", r.Method, r.URL.Path, len(b), r.TLS != nil, r.ProtoMajor)
})

// serveGuarded serves echo behind a Guard on 127.0.0.1, over TLS when cfg is not nil, and returns the address.
func serveGuarded(t *testing.T, cfg *tls.Config) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	g := New()
	hs := &http.Server{Handler: g.Handler(echo), ReadHeaderTimeout: 10 * time.Second, TLSConfig: cfg}
	if cfg != nil {
		ln = g.TLSListener(ln, cfg, 5*time.Second)
	} else {
		ln = g.Listener(ln)
	}
	done := make(chan struct{})
	go func() { defer close(done); _ = hs.Serve(ln) }()
	t.Cleanup(func() { _ = hs.Close(); <-done })
	return ln.Addr().String()
}

// exchange sends raw bytes on one connection and reads the answers until the server closes it (closed=true) or
// nothing more comes for a second.
func exchange(t *testing.T, dial func() (net.Conn, error), raw string) (answers []string, closed bool) {
	t.Helper()
	c, err := dial()
	require.NoError(t, err)
	defer c.Close()
	_, err = io.WriteString(c, raw)
	require.NoError(t, err)
	br := bufio.NewReader(c)
	for {
		require.NoError(t, c.SetReadDeadline(time.Now().Add(time.Second)))
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				return answers, false
			}
			return answers, true // EOF or reset: the server closed the connection
		}
		b, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		answers = append(answers, fmt.Sprintf("%d %s", resp.StatusCode, b))
	}
}

// TestIssue13Smuggling: over plain TCP and over TLS (HTTP/1.1), a request with both Content-Length and
// Transfer-Encoding gets 400 and the connection is closed, so the request pipelined after it is never answered;
// requests before it, pipelined with bodies of both framings, are answered.
func TestIssue13Smuggling(t *testing.T) {
	const next = "GET /next HTTP/1.1\r\nHost: x\r\n\r\n"
	big := strings.Repeat("x", 1<<20)
	tests := []struct {
		name    string
		raw     string
		answers []string
		closed  bool
	}{
		{"Content-Length then Transfer-Encoding",
			"POST /s HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + next,
			[]string{"400 " + Message}, true},
		{"Transfer-Encoding then Content-Length, HTTP/1.0",
			"POST /s HTTP/1.0\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\nhello" + next,
			[]string{"400 " + Message}, true},
		{"after pipelined requests with bodies",
			"POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello" +
				"POST /b HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3;x=y\r\nabc\r\n0\r\nT: 1\r\n\r\n" +
				"POST /s HTTP/1.1\r\nHost: x\r\nContent-Length: 40\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + next,
			[]string{"200 POST /a 5", "200 POST /b 3", "400 " + Message}, true},
		{"clean pipeline stays open",
			"GET /1 HTTP/1.1\r\nHost: x\r\n\r\n" +
				fmt.Sprintf("PUT /big HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n%s", len(big), big) +
				fmt.Sprintf("PUT /chunks HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n%x\r\n%s\r\n1\r\nz\r\n0\r\n\r\n", len(big), big) + next,
			[]string{"200 GET /1 0", "200 PUT /big 1048576", "200 PUT /chunks 1048577", "200 GET /next 0"}, false},
	}
	cfg, roots := testTLS(t)
	plain, secure := serveGuarded(t, nil), serveGuarded(t, cfg)
	dialers := map[string]func() (net.Conn, error){
		"tcp": func() (net.Conn, error) { return net.Dial("tcp", plain) },
		"tls": func() (net.Conn, error) {
			return tls.Dial("tcp", secure, &tls.Config{RootCAs: roots, ServerName: "localhost", NextProtos: []string{"http/1.1"}})
		},
	}
	for _, over := range []string{"tcp", "tls"} {
		for _, tt := range tests {
			t.Run(over+"/"+tt.name, func(t *testing.T) {
				answers, closed := exchange(t, dialers[over], tt.raw)
				for i := range answers { // TestTLSListenerProtocols checks these
					answers[i] = strings.TrimSuffix(answers[i], " tls=false proto=1")
					answers[i] = strings.TrimSuffix(answers[i], " tls=true proto=1")
				}
				require.Equal(t, tt.answers, answers)
				require.Equal(t, tt.closed, closed, "connection closed")
			})
		}
	}
}

// TestTLSListenerProtocols: through the TLS listener, HTTP/2 is negotiated and served, HTTP/1.1 requests keep
// Request.TLS, and a plain-HTTP request to the TLS port gets net/http's 400.
func TestTLSListenerProtocols(t *testing.T) {
	cfg, roots := testTLS(t)
	addr := serveGuarded(t, cfg)
	for _, tt := range []struct {
		name  string
		h2    bool
		proto int
	}{{"HTTP/2", true, 2}, {"HTTP/1.1", false, 1}} {
		t.Run(tt.name, func(t *testing.T) {
			tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots}, ForceAttemptHTTP2: tt.h2}
			if !tt.h2 {
				tr.TLSNextProto = map[string]func(string, *tls.Conn) http.RoundTripper{}
			}
			defer tr.CloseIdleConnections()
			resp, err := (&http.Client{Transport: tr}).Post("https://localhost:"+port(addr)+"/p", "text/plain", strings.NewReader("abc"))
			require.NoError(t, err)
			b, err := io.ReadAll(resp.Body)
			require.NoError(t, err)
			require.NoError(t, resp.Body.Close())
			require.Equal(t, tt.proto, resp.ProtoMajor)
			require.Equal(t, fmt.Sprintf("POST /p 3 tls=true proto=%d", tt.proto), string(b))
		})
	}
	c, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	defer c.Close()
	_, err = io.WriteString(c, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
	require.NoError(t, err)
	require.NoError(t, c.SetReadDeadline(time.Now().Add(5*time.Second)))
	b, err := io.ReadAll(c)
	require.NoError(t, err)
	require.Contains(t, string(b), "400 Bad Request")
}

// TestTLSListenerClose: Close ends Accept, and a pending handshake does not hold it up.
func TestTLSListenerClose(t *testing.T) {
	cfg, _ := testTLS(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	tl := New().TLSListener(ln, cfg, time.Minute)
	silent, err := net.Dial("tcp", ln.Addr().String()) // connects, never says hello
	require.NoError(t, err)
	defer silent.Close()
	accepted := make(chan error, 1)
	go func() { _, err := tl.Accept(); accepted <- err }()
	require.NoError(t, tl.Close())
	require.ErrorIs(t, <-accepted, net.ErrClosed)
	require.NoError(t, silent.SetReadDeadline(time.Now().Add(5*time.Second)))
	_, err = io.ReadAll(silent)
	// Closed either way: an EOF once the listener had taken the connection, a reset when the close found it still
	// in the kernel's queue. What must not happen is the read running into its deadline.
	if err != nil {
		require.ErrorIs(t, err, syscall.ECONNRESET, "the pending handshake's connection is closed")
	}
}

func port(addr string) string {
	_, p, _ := net.SplitHostPort(addr)
	return p
}

// testTLS returns a server config with a fresh self-signed certificate for localhost, and a pool trusting it.
func testTLS(t *testing.T) (*tls.Config, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "localhost"}, DNSNames: []string{"localhost"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IsCA: true, BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	require.NoError(t, err)
	leaf, err := x509.ParseCertificate(der)
	require.NoError(t, err)
	roots := x509.NewCertPool()
	roots.AddCert(leaf)
	return &tls.Config{
		Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}},
		NextProtos:   []string{"h2", "http/1.1"},
	}, roots
}
