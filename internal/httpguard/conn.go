package httpguard

import (
	"bytes"
	"errors"
	"io"
	"net"
)

// Listener wraps ln so that every connection it accepts is watched (see the package comment). It is for plain
// text: under TLS it would see encrypted bytes (use TLSListener).
func (g *Guard) Listener(ln net.Listener) net.Listener { return &listener{Listener: ln, g: g} }

type listener struct {
	net.Listener
	g *Guard
}

func (l *listener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &conn{Conn: c, g: l.g}, nil
}

// conn delivers the bytes it reads only once the framer has checked them: a line still incomplete is held back
// until its end arrives, so that a refused head can be given the marker before its final empty line.
// Reads come from one goroutine at a time (net/http's connection reader), so conn has no lock.
type conn struct {
	net.Conn
	g       *Guard
	fr      framer
	held    []byte // an incomplete line, read but not yet delivered
	out     []byte // checked bytes not yet delivered (after a split line or a refusal)
	outBuf  []byte // out's reusable storage
	scratch []byte // where small reads go, made on first use
}

const (
	minInPlace  = 512     // reads into a smaller p go through scratch
	scratchSize = 4 << 10 // as net/http's own read buffer
)

func (c *conn) Read(p []byte) (int, error) {
	for {
		if len(c.out) > 0 {
			n := copy(p, c.out)
			c.out = c.out[n:]
			return n, nil
		}
		if len(p) == 0 {
			return 0, nil
		}
		switch c.fr.state {
		case stBlind:
			if len(c.held) > 0 {
				c.out, c.held = c.held, nil
				continue
			}
			return c.Conn.Read(p)
		case stRefused:
			// Nothing after a refused head reaches net/http: the stream ends there, so that net/http does not wait
			// for the refused request's body before it closes the connection.
			return 0, io.EOF
		}
		// Read into p itself when it can take a whole head; a small p (net/http's one-byte background read) or a
		// held line goes through scratch, so that a line is never read a byte per system call.
		inPlace := len(c.held) == 0 && len(p) >= minInPlace
		buf := p
		if !inPlace {
			if c.scratch == nil {
				c.scratch = make([]byte, scratchSize)
			}
			buf = c.scratch
		}
		n, err := c.Conn.Read(buf)
		if n > 0 {
			if inPlace {
				// The common case: the bytes read are checked where they lie.
				k := c.fr.feed(p[:n])
				if c.fr.state == stRefused {
					c.out = c.refuse(p[:k])
					return c.drainOut(p), nil
				}
				if k < n {
					c.held = append(c.held, p[k:n]...)
				}
				if k > 0 {
					return k, nil
				}
			} else if bytes.IndexByte(buf[:n], '\n') < 0 && len(c.held)+n <= maxLine {
				c.held = append(c.held, buf[:n]...) // the held line goes on: nothing new to check
			} else {
				data := append(c.held, buf[:n]...)
				k := c.fr.feed(data)
				if c.fr.state == stRefused {
					c.out, c.held = c.refuse(data[:k]), nil
					continue
				}
				c.outBuf = append(c.outBuf[:0], data[:k]...)
				c.out = c.outBuf
				c.held = append(c.held[:0], data[k:]...)
			}
		}
		if err != nil {
			if len(c.out) > 0 {
				return c.drainOut(p), nil // the error comes back on the next read
			}
			if len(c.held) > 0 && !isTimeout(err) {
				// The stream ends inside a line: deliver it unchecked (net/http reports the broken request); the
				// error comes back on the next read.
				c.fr.state = stBlind
				c.out, c.held = c.held, nil
				return c.drainOut(p), nil
			}
			return 0, err
		}
	}
}

// refuse returns the bytes to deliver for a refused head: those checked before its final empty line, then the
// marker field and the end of the head.
func (c *conn) refuse(before []byte) []byte {
	b := make([]byte, 0, len(before)+len(c.g.line))
	return append(append(b, before...), c.g.line...)
}

func (c *conn) drainOut(p []byte) int {
	n := copy(p, c.out)
	c.out = c.out[n:]
	return n
}

// CloseWrite half-closes the connection as net/http does before closing it (it skips the step for a connection
// without the method).
func (c *conn) CloseWrite() error {
	if cw, ok := c.Conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return nil
}

// ReadFrom keeps net/http's sendfile path for bodies copied from files.
func (c *conn) ReadFrom(r io.Reader) (int64, error) {
	if rf, ok := c.Conn.(io.ReaderFrom); ok {
		return rf.ReadFrom(r)
	}
	return io.Copy(struct{ io.Writer }{c.Conn}, r)
}

// isTimeout reports whether err is a deadline passing (net/http aborts a pending read that way), after which the
// connection is still usable.
func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}
