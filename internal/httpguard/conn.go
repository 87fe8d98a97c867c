package httpguard

import (
	"bytes"
	"errors"
	"io"
	"net"
	"os"
)

// Listener wraps ln so that every connection it accepts is watched (see the package comment). Give it plain-text
// connections only: under TLS it would see encrypted bytes.
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
	g    *Guard
	fr   framer
	held []byte // an incomplete line, read but not yet delivered
	out  []byte // checked bytes not yet delivered (after a split line or a refusal)
}

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
		n, err := c.Conn.Read(p)
		if n > 0 {
			if len(c.held) == 0 {
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
			} else if bytes.IndexByte(p[:n], '\n') < 0 && len(c.held)+n <= maxLine {
				c.held = append(c.held, p[:n]...) // the held line goes on: nothing new to check
			} else {
				data := append(c.held, p[:n]...)
				k := c.fr.feed(data)
				if c.fr.state == stRefused {
					c.out, c.held = c.refuse(data[:k]), nil
					continue
				}
				c.out = append([]byte(nil), data[:k]...)
				c.held = append(c.held[:0], data[k:]...)
			}
		}
		if err != nil {
			if len(c.out) > 0 {
				return c.drainOut(p), nil // the error comes back on the next read
			}
			var ne net.Error
			if len(c.held) > 0 && !(errors.As(err, &ne) && ne.Timeout()) && !errors.Is(err, os.ErrDeadlineExceeded) {
				c.fr.state = stBlind // the stream ends inside a line: net/http reports it
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
