package httpguard

import (
	"bytes"
	"strconv"
)

// maxLine bounds the bytes held while a line is incomplete. net/http refuses a head larger than its
// MaxHeaderBytes (1 MiB by default, plus 4 KiB of slack) and a chunk-size line longer than 4 KiB, so a longer
// line never reaches a handler: the framer stops checking and lets net/http refuse it.
const maxLine = 1<<20 + 8<<10

type framerState uint8

const (
	stHead      framerState = iota // reading a request head, line by line
	stBody                         // inside a Content-Length body: remain bytes left
	stChunkSize                    // expecting a chunk-size line
	stChunkData                    // inside chunk data: remain bytes left
	stChunkCRLF                    // expecting the CRLF after chunk data: remain bytes of it left
	stTrailer                      // reading trailer lines after the last chunk
	stBlind                        // framing unknown or not HTTP/1 any more: bytes pass unchecked
	stRefused                      // a smuggling head was found: nothing more is delivered
)

// framer follows HTTP/1 request framing through a connection's byte stream, the way net/http reads it: heads
// line by line, then Content-Length or chunked bodies, so that it finds every request head, pipelined or not,
// and can tell which carries both Content-Length and Transfer-Encoding. It is not safe for concurrent use.
type framer struct {
	state  framerState
	remain uint64
	head   headFacts
}

// headFacts are what the framer learns from one head's lines.
type headFacts struct {
	started   bool // the request line was seen
	http10    bool
	lastField int // 1 Content-Length, 2 Transfer-Encoding, 0 other: for folded continuation lines
	clCount   int
	cl        string
	clDiffers bool
	teCount   int
	te        string
	unknown   bool // the framing cannot be followed (CONNECT, Upgrade, folded framing fields, not HTTP/1)
}

// feed processes data, which continues the stream after what earlier calls processed. It returns how many
// leading bytes are fully processed and may be delivered; the rest is an incomplete line the caller keeps and
// hands back, with more bytes, to the next call. When feed finds a smuggling head, it sets the state to
// stRefused and returns the offset of the head's final empty line: the bytes before it are delivered, the rest
// never are.
func (f *framer) feed(data []byte) int {
	i := 0
	for i < len(data) {
		switch f.state {
		case stBlind:
			return len(data)
		case stRefused:
			return i
		case stBody, stChunkData:
			take := uint64(len(data) - i)
			if take > f.remain {
				take = f.remain
			}
			i += int(take)
			f.remain -= take
			if f.remain == 0 {
				if f.state == stBody {
					f.state = stHead
				} else {
					f.state, f.remain = stChunkCRLF, 2
				}
			}
		case stChunkCRLF:
			want := byte('\n')
			if f.remain == 2 {
				want = '\r'
			}
			if data[i] != want {
				f.state = stBlind // net/http refuses the body and closes
				return len(data)
			}
			i++
			f.remain--
			if f.remain == 0 {
				f.state = stChunkSize
			}
		default: // line states
			nl := bytes.IndexByte(data[i:], '\n')
			if nl < 0 {
				if len(data)-i > maxLine {
					f.state = stBlind
					return len(data)
				}
				return i
			}
			line := data[i : i+nl]
			end := i + nl + 1
			if n := len(line); n > 0 && line[n-1] == '\r' {
				line = line[:n-1]
			}
			switch f.state {
			case stHead:
				if len(line) == 0 && f.head.started {
					if f.endHead() {
						f.state = stRefused
						return i
					}
				} else if len(line) > 0 {
					f.headLine(line)
				}
			case stChunkSize:
				f.chunkSize(line)
			case stTrailer:
				if len(line) == 0 {
					f.state = stHead
				}
			}
			i = end
		}
	}
	return i
}

// headLine records one line of a head.
func (f *framer) headLine(line []byte) {
	h := &f.head
	if !h.started {
		h.started = true
		switch {
		case bytes.HasSuffix(line, []byte(" HTTP/1.1")):
		case bytes.HasSuffix(line, []byte(" HTTP/1.0")):
			h.http10 = true
		default:
			h.unknown = true // HTTP/2's preface, HTTP/0.9 or garbage: net/http answers and closes, or switches protocol
		}
		if bytes.HasPrefix(line, []byte("CONNECT ")) {
			h.unknown = true
		}
		return
	}
	if line[0] == ' ' || line[0] == '\t' { // a folded continuation of the previous field
		if h.lastField != 0 {
			h.unknown = true
		}
		return
	}
	h.lastField = 0
	colon := bytes.IndexByte(line, ':')
	if colon < 0 {
		return // net/http refuses a malformed field line
	}
	name := line[:colon]
	switch len(name) { // most fields are none of these three: a length test sends them on
	case len("content-length"):
		if asciiEqualFold(name, "content-length") {
			h.lastField = 1
			h.clCount++
			if value := trimOWS(line[colon+1:]); h.clCount == 1 {
				h.cl = string(value)
			} else if h.cl != string(value) {
				h.clDiffers = true
			}
		}
	case len("transfer-encoding"):
		if asciiEqualFold(name, "transfer-encoding") {
			h.lastField = 2
			h.teCount++
			h.te = string(trimOWS(line[colon+1:]))
		}
	case len("upgrade"):
		if asciiEqualFold(name, "upgrade") {
			h.unknown = true
		}
	}
}

// trimOWS removes the spaces and tabs around a field value.
func trimOWS(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t') {
		b = b[1:]
	}
	for len(b) > 0 && (b[len(b)-1] == ' ' || b[len(b)-1] == '\t') {
		b = b[:len(b)-1]
	}
	return b
}

// endHead decides the body's framing when a head is complete; it reports whether the head carries both
// Content-Length and Transfer-Encoding.
func (f *framer) endHead() (smuggling bool) {
	h := f.head
	f.head = headFacts{}
	if h.clCount > 0 && h.teCount > 0 {
		return true
	}
	f.state = stHead
	switch {
	case h.unknown:
		f.state = stBlind
	case h.teCount > 0 && !h.http10: // net/http ignores Transfer-Encoding in HTTP/1.0
		if h.teCount != 1 || !asciiEqualFold([]byte(h.te), "chunked") {
			f.state = stBlind // net/http answers 501 and closes
		} else {
			f.state = stChunkSize
		}
	case h.clCount > 0:
		n, err := strconv.ParseUint(h.cl, 10, 63)
		switch {
		case err != nil || h.clDiffers:
			f.state = stBlind // net/http answers 400 and closes
		case n > 0:
			f.state, f.remain = stBody, n
		}
	}
	return false
}

// chunkSize reads a chunk-size line as net/http's chunked reader does (extensions after ';' ignored).
func (f *framer) chunkSize(line []byte) {
	line, _, _ = bytes.Cut(line, []byte(";"))
	line = trimOWS(line)
	n, err := strconv.ParseUint(string(line), 16, 64)
	if err != nil || len(line) > 16 {
		f.state = stBlind // net/http refuses the body and closes
		return
	}
	if n == 0 {
		f.state = stTrailer
		return
	}
	f.state, f.remain = stChunkData, n
}

// asciiEqualFold reports whether b equals the lower-case ASCII string lower, ignoring case.
func asciiEqualFold(b []byte, lower string) bool {
	if len(b) != len(lower) {
		return false
	}
	for i := range len(b) {
		c := b[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != lower[i] {
			return false
		}
	}
	return true
}
