package mock

import (
	"bufio"
	"bytes"
	"errors"
	"maps"
	"net/http"
	"slices"
	"sync"

	"github.com/standin/standin/internal/jsonvalue"
)

// Large answers are streamed (issue 13): an answer whose JSON would exceed jsonStreamThreshold is encoded piece by piece
// straight to the connection, through a buffer of jsonStreamBuffer bytes, instead of being encoded whole first. A
// client that reads slowly then holds that buffer and one piece, not the whole answer, until the write timeout
// drops it. Such an answer has no Content-Length: HTTP/1.1 sends it chunked. Smaller answers keep their
// Content-Length.
const (
	jsonStreamThreshold = 64 << 10
	jsonStreamBuffer    = 8 << 10
	jsonStreamPiece     = 4 << 10 // a value estimated below this is encoded whole
)

// encodeLargeJSON is what writeJSON does with a body whose text passes smallJSON (data, named and err are its
// first, bounded try): the body is encoded once more, whole, into buf when its text stays within
// jsonEncodeOnce bytes, the encoder giving jsonSize's estimate on the way, so that the choice between a
// Content-Length answer and a streamed one costs no walk of its own; a streamed answer is then written from
// that text, cut as the stream encoder cuts it. sent reports that the answer is written; else data is the
// whole text (or err), for writeJSON to send. A larger body, or one that does not encode, takes writeLargeJSON.
func encodeLargeJSON(w http.ResponseWriter, status int, header http.Header, body any, buf *[]byte,
	watch *jsonvalue.KeyTest, data []byte, named bool, err error) (_ []byte, _ bool, _ error, sent bool) {
	if err == nil || errors.Is(err, jsonvalue.ErrTooLarge) {
		// The journal reads what the key watch saw only for a text of at most journalBodyLimit bytes, which only a
		// first try that finished can have given: its answer stands (named), and the watch is not asked again.
		hit := named || err != nil
		text, _, size, err2 := jsonvalue.AppendSized((*buf)[:0], body, nil, jsonEncodeOnce)
		if err2 == nil {
			if cap(text) <= maxPooledJSON {
				*buf = text[:0]
			}
			if size < jsonStreamThreshold {
				return text, hit, nil, false
			}
			writeStreamedText(w, status, header, text)
			return nil, false, nil, true
		}
		if errors.Is(err2, jsonvalue.ErrTooLarge) && size >= jsonStreamThreshold {
			// the estimate of the part encoded already passes the threshold (it only grows): stream it
			streamJSON(w, status, header, body)
			return nil, false, nil, true
		}
		if errors.Is(err, jsonvalue.ErrTooLarge) && !errors.Is(err2, jsonvalue.ErrTooLarge) {
			err = err2 // the whole body does not encode
		}
	}
	if writeLargeJSON(w, status, header, body) {
		return nil, false, nil, true
	}
	if errors.Is(err, jsonvalue.ErrTooLarge) {
		data, named, err = jsonvalue.AppendTested((*buf)[:0], body, watch, 0)
	}
	return data, named, err, false
}

// A text the first try gave up on is longer than smallJSON, so longer than the journal keeps as written.
const _ = uint(smallJSON - journalBodyLimit)

// jsonEncodeOnce bounds the text encodeLargeJSON encodes whole before choosing how to send it: an answer
// streamed from such a text holds it while the client reads it (at most about twice the streaming threshold),
// a larger one is streamed as it is encoded.
const jsonEncodeOnce = 2 * jsonStreamThreshold

// writeStreamedText writes the JSON text of a large answer as writeLargeJSON writes the answer: the same
// headers, no Content-Length, and the text in writes of jsonStreamBuffer bytes (the chunks of the stream).
func writeStreamedText(w http.ResponseWriter, status int, header http.Header, text []byte) {
	writeStreamHeader(w, status, header)
	for len(text) > 0 {
		n := min(len(text), jsonStreamBuffer)
		if _, err := w.Write(text[:n]); err != nil {
			return // the connection failed (a slow reader dropped): the rest goes nowhere
		}
		text = text[n:]
	}
}

// writeStreamHeader writes the status and header of a streamed JSON answer: no Content-Length (HTTP/1.1 sends
// it chunked) and a JSON Content-Type unless header names one.
func writeStreamHeader(w http.ResponseWriter, status int, header http.Header) {
	h := w.Header()
	maps.Copy(h, header)
	if h.Get("Content-Type") == "" {
		h.Set("Content-Type", "application/json")
	}
	h.Del("Content-Length")
	w.WriteHeader(status)
}

// writeLargeJSON writes body as writeJSON does, streamed, when it is large; it reports false, having written
// nothing, when body is small enough to be encoded whole.
func writeLargeJSON(w http.ResponseWriter, status int, header http.Header, body any) bool {
	if jsonSize(body, jsonStreamThreshold) < jsonStreamThreshold {
		return false
	}
	streamJSON(w, status, header, body)
	return true
}

// streamJSON writes body streamed, as writeLargeJSON does once it has found body large.
func streamJSON(w http.ResponseWriter, status int, header http.Header, body any) {
	writeStreamHeader(w, status, header)
	se := streamEncoders.Get().(*streamEncoder)
	se.w.Reset(w)
	err := se.value(body)
	if err == nil {
		err = se.w.Flush()
	}
	if err != nil && se.writeErr == nil {
		// The value cannot be encoded (a NaN, say) and the status line is gone: end the connection so that the
		// client sees a truncated answer rather than a complete-looking wrong one.
		panic(http.ErrAbortHandler)
	}
	se.w.Reset(nil) // keeps no writer of a finished answer
	se.writeErr = nil
	if se.piece.Cap() <= maxPooledJSON {
		streamEncoders.Put(se)
	}
}

// streamEncoders pools the encoders of streamed answers: each holds a jsonStreamBuffer writer and a piece buffer
// sized for the usual piece, which a polled list page would otherwise allocate (and grow) answer after answer.
var streamEncoders = sync.Pool{New: func() any {
	se := &streamEncoder{w: bufio.NewWriterSize(nil, jsonStreamBuffer)}
	se.piece.Grow(2 * jsonStreamPiece)
	return se
}}

// streamEncoder writes a JSON value in pieces. Its output is byte for byte what marshalJSON gives: objects'
// keys sorted, no HTML escaping, invalid UTF-8 replaced.
type streamEncoder struct {
	w        *bufio.Writer
	piece    bytes.Buffer // the text of the piece being written
	writeErr error        // the connection failed (a slow reader dropped): stop encoding
}

func (se *streamEncoder) value(v any) error {
	if se.writeErr != nil {
		return se.writeErr
	}
	switch x := v.(type) {
	case []any:
		if x != nil {
			if err := se.small(v); err != errPiece {
				return err
			}
			return streamArray(se, x)
		}
	case []map[string]any:
		if x != nil {
			if err := se.small(v); err != errPiece {
				return err
			}
			return streamArray(se, x)
		}
	case map[string]any:
		if x != nil {
			if err := se.small(v); err != errPiece {
				return err
			}
			return se.object(x)
		}
	}
	return se.whole(v)
}

// errPiece reports that a value is too large to be written in one piece.
var errPiece = errors.New("standin: a value larger than a piece")

// small writes v in one piece when its text stays within about jsonStreamPiece bytes, else writes nothing and
// returns errPiece: the value is then written member by member. Which way it goes changes only how the text is
// cut into writes, never the text, so encoding it (and giving up past the bound) stands in for sizing it first.
func (se *streamEncoder) small(v any) error {
	se.piece.Reset()
	b, _, err := jsonvalue.AppendWatched(se.piece.AvailableBuffer(), v, nil, jsonStreamPiece)
	if errors.Is(err, jsonvalue.ErrTooLarge) {
		return errPiece
	}
	if err != nil {
		return err
	}
	se.piece.Write(b) // keeps the grown buffer for the next piece
	return se.write(b)
}

func streamArray[E any](se *streamEncoder, items []E) error {
	if err := se.raw("["); err != nil {
		return err
	}
	for i, item := range items {
		if i > 0 {
			if err := se.raw(","); err != nil {
				return err
			}
		}
		if err := se.value(item); err != nil {
			return err
		}
	}
	return se.raw("]")
}

func (se *streamEncoder) object(m map[string]any) error {
	if err := se.raw("{"); err != nil {
		return err
	}
	for i, k := range slices.Sorted(maps.Keys(m)) {
		if i > 0 {
			if err := se.raw(","); err != nil {
				return err
			}
		}
		if err := se.whole(k); err != nil {
			return err
		}
		if err := se.raw(":"); err != nil {
			return err
		}
		if err := se.value(m[k]); err != nil {
			return err
		}
	}
	return se.raw("}")
}

// whole encodes v in one piece.
func (se *streamEncoder) whole(v any) error {
	se.piece.Reset()
	b, err := jsonvalue.Append(se.piece.AvailableBuffer(), v) // as writeJSON encodes smaller answers
	if err != nil {
		return err
	}
	se.piece.Write(b) // keeps the grown buffer for the next piece
	return se.write(b)
}

func (se *streamEncoder) raw(s string) error { return se.write([]byte(s)) }

func (se *streamEncoder) write(b []byte) error {
	if _, err := se.w.Write(b); err != nil {
		se.writeErr = err
		return err
	}
	return nil
}

// jsonSize estimates the length of v's JSON encoding, counting no further than limit: it returns limit or more
// as soon as the estimate reaches it (jsonvalue.EstimateUpTo). Escapes are not counted and a number counts 8
// bytes, so the estimate is close enough to choose between streaming and encoding whole, not a length to send.
func jsonSize(v any, limit int) int { return jsonvalue.EstimateUpTo(v, limit) }
