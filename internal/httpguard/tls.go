package httpguard

import (
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"time"
)

// TLSListener is Listener for TLS: it serves TLS with cfg on the connections ln accepts and watches those that
// speak HTTP/1 after the handshake. A connection that negotiates HTTP/2 through ALPN is handed to net/http as the
// *tls.Conn it needs to serve HTTP/2 (HTTP/2 has no Content-Length/Transfer-Encoding ambiguity). Handshakes run on
// their own goroutines, each within handshakeTimeout, so a slow client never holds up Accept; the watched
// connections keep Request.TLS (net/http reads it from their ConnectionState).
func (g *Guard) TLSListener(ln net.Listener, cfg *tls.Config, handshakeTimeout time.Duration) net.Listener {
	ctx, stop := context.WithCancel(context.Background())
	l := &tlsListener{Listener: ln, g: g, cfg: cfg, timeout: handshakeTimeout,
		ready: make(chan net.Conn), errs: make(chan error), ctx: ctx, stop: stop}
	go l.acceptLoop()
	return l
}

type tlsListener struct {
	net.Listener
	g       *Guard
	cfg     *tls.Config
	timeout time.Duration
	ready   chan net.Conn   // connections whose handshake succeeded
	errs    chan error      // errors from the inner Accept
	ctx     context.Context // done once Close is called
	stop    context.CancelFunc
}

func (l *tlsListener) Accept() (net.Conn, error) {
	select {
	case c := <-l.ready:
		return c, nil
	case err := <-l.errs:
		return nil, err
	case <-l.ctx.Done():
		return nil, net.ErrClosed
	}
}

func (l *tlsListener) Close() error {
	l.stop()
	return l.Listener.Close()
}

func (l *tlsListener) acceptLoop() {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			select {
			case l.errs <- err:
			case <-l.ctx.Done():
				return
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				continue // net/http retries such errors
			}
			return
		}
		go l.handshake(c)
	}
}

func (l *tlsListener) handshake(raw net.Conn) {
	tc := tls.Server(raw, l.cfg)
	ctx, cancel := context.WithTimeout(l.ctx, l.timeout) // Close ends pending handshakes too
	err := tc.HandshakeContext(ctx)
	cancel()
	if err != nil {
		// A plain-HTTP request to the TLS port gets the answer net/http gives it.
		var re tls.RecordHeaderError
		if errors.As(err, &re) && re.Conn != nil && looksLikeHTTP(re.RecordHeader) {
			_ = re.Conn.SetWriteDeadline(time.Now().Add(time.Second))
			_, _ = io.WriteString(re.Conn, "HTTP/1.0 400 Bad Request\r\n\r\nClient sent an HTTP request to an HTTPS server.\n")
		}
		_ = raw.Close()
		return
	}
	var c net.Conn = tc
	if p := tc.ConnectionState().NegotiatedProtocol; p == "" || p == "http/1.1" || p == "http/1.0" {
		c = &tlsConn{conn: conn{Conn: tc, g: l.g}, tc: tc}
	}
	select {
	case l.ready <- c:
	case <-l.ctx.Done():
		_ = c.Close()
	}
}

func looksLikeHTTP(hdr [5]byte) bool {
	switch string(hdr[:]) {
	case "GET /", "HEAD ", "POST ", "PUT /", "OPTIO":
		return true
	}
	return false
}

// tlsConn is a watched HTTP/1 connection over TLS; ConnectionState gives net/http the Request.TLS it would have
// taken from the *tls.Conn.
type tlsConn struct {
	conn
	tc *tls.Conn
}

func (c *tlsConn) ConnectionState() tls.ConnectionState { return c.tc.ConnectionState() }

// CloseWrite sends TLS's close_notify, as net/http does for a *tls.Conn before closing it.
func (c *tlsConn) CloseWrite() error { return c.tc.CloseWrite() }
