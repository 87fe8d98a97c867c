package mock

import (
	"bufio"
	"errors"
	"io"
	"maps"
	"net/http"

	"github.com/standin/standin/internal/xmlvalue"
)

// Large XML answers are streamed as large JSON answers are (stream.go, issue 13): a body whose JSON estimate
// reaches jsonStreamThreshold is written as XML element by element straight to the connection, through a buffer
// of jsonStreamBuffer bytes, instead of being encoded whole (and copied twice) first. Such an answer has no
// Content-Length: HTTP/1.1 sends it chunked. Its bytes are xmlvalue.Encode's.

// sendLargeXML writes body as XML when it is large enough to stream and reports whether it did; it writes nothing
// and reports false for a body small enough to be encoded whole (send then encodes it with its Content-Length).
func (ex *exchange) sendLargeXML(w http.ResponseWriter, stage string, status int, header http.Header, body any) bool {
	if jsonSize(body, jsonStreamThreshold) < jsonStreamThreshold {
		return false
	}
	ex.answeredBy, ex.status = stage, status
	h := w.Header()
	maps.Copy(h, header)
	h.Del("Content-Length")
	w.WriteHeader(status)
	cw := &connWriter{w: w}
	bw := bufio.NewWriterSize(cw, jsonStreamBuffer)
	err := xmlvalue.EncodeTo(bw, body, ex.neg.xmlSchema)
	if err == nil {
		err = bw.Flush()
	}
	abortUnlessGone(err, cw.err)
	return true
}

// connWriter passes writes on to the response and keeps the first error the connection gave (a slow reader
// dropped at the write timeout, a client that hung up), so that it can be told from an encoding failure.
type connWriter struct {
	w   io.Writer
	err error
}

func (c *connWriter) Write(b []byte) (int, error) {
	n, err := c.w.Write(b)
	if err != nil && c.err == nil {
		c.err = err
	}
	return n, err
}

// abortUnlessGone ends a streamed answer that failed for another reason than its connection: the status line is
// out, so the connection is closed and the client sees a truncated answer rather than a complete-looking wrong
// one. A failed connection needs nothing more.
func abortUnlessGone(err, connErr error) {
	if err != nil && (connErr == nil || !errors.Is(err, connErr)) {
		panic(http.ErrAbortHandler)
	}
}
