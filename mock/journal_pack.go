package mock

import (
	"encoding/binary"
	"encoding/json"
	"maps"
	"slices"
	"time"
)

// A session's journal keeps a thousand entries by default, and the collector walks what it keeps at every
// cycle: a journalEntry is a dozen strings, two header lists and two bodies, some twenty pointers, and the
// header strings keep alive the request's own header text. The ring keeps each entry as a journalSlot instead:
// its numbers inline and its texts copied into one buffer of bytes (packed), which the collector marks without
// reading, and which is used again for a later entry once this one leaves the ring (journal.take). A body other
// entries share (a cut body seen again, a kept dynamic page) is not copied: the slot points to it.
//
// packed is, in order: the strings Session, API, Operation, Method, Path, Query, AnsweredBy and FaultRule;
// then for the request and then the answer, the number of header strings, the strings (name, value, name,
// ...) and, unless the body is shared, the body. Each string or body is its length (uvarint) and its bytes.

// journalSlot is one entry as the journal's ring holds it.
type journalSlot struct {
	seq     uint64
	time    time.Time
	status  int
	latency float64
	flags   slotFlags
	packed  []byte
	// reqBody and respBody are the bodies that are shared (flagReqShared, flagRespShared); nil otherwise.
	reqBody, respBody json.RawMessage
}

type slotFlags uint8

const (
	flagReqHeadersCut slotFlags = 1 << iota
	flagReqTruncated
	flagReqShared
	flagRespHeadersCut
	flagRespTruncated
	flagRespShared
)

// packedStrings is e's strings in the order they are packed.
func (e *journalEntry) packedStrings() [8]*string {
	return [...]*string{&e.Session, &e.API, &e.Operation, &e.Method, &e.Path, &e.Query, &e.AnsweredBy, &e.FaultRule}
}

// fill makes sl hold e but for its texts, which it appends to dst and returns: sl.packed is the caller's to set.
func (sl *journalSlot) fill(e *journalEntry, dst []byte) []byte {
	*sl = journalSlot{seq: e.Seq, time: e.Time, status: e.Status, latency: e.LatencyMS}
	for _, s := range e.packedStrings() {
		dst = appendPackedString(dst, *s)
	}
	dst = sl.fillMessage(dst, &e.Request, &sl.reqBody, flagReqHeadersCut)
	return sl.fillMessage(dst, &e.Response, &sl.respBody, flagRespHeadersCut)
}

// fillMessage packs m; first is the message's first flag (HeadersCut, then Truncated, then Shared).
func (sl *journalSlot) fillMessage(dst []byte, m *journalMessage, shared *json.RawMessage, first slotFlags) []byte {
	if m.HeadersTruncated {
		sl.flags |= first
	}
	if m.Truncated {
		sl.flags |= first << 1
	}
	if m.Headers != nil { // an entry made with maps (tests): packed in name order
		dst = binary.AppendUvarint(dst, uint64(2*len(m.Headers)))
		for _, k := range slices.Sorted(maps.Keys(m.Headers)) {
			dst = appendPackedString(appendPackedString(dst, k), m.Headers[k])
		}
	} else {
		dst = binary.AppendUvarint(dst, uint64(len(m.pairs)))
		for _, s := range m.pairs {
			dst = appendPackedString(dst, s)
		}
	}
	if m.shared {
		sl.flags |= first << 2
		*shared = m.Body
		return dst
	}
	dst = binary.AppendUvarint(dst, uint64(len(m.Body)))
	return append(dst, m.Body...)
}

func appendPackedString(dst []byte, s string) []byte {
	return append(binary.AppendUvarint(dst, uint64(len(s))), s...)
}

// entry returns the entry sl holds, with strings, header maps and bodies of its own.
func (sl *journalSlot) entry() journalEntry {
	e := journalEntry{Seq: sl.seq, Time: sl.time, Status: sl.status, LatencyMS: sl.latency}
	u := unpacker{text: string(sl.packed)} // one copy; every string is cut from it
	for _, s := range e.packedStrings() {
		*s = u.string()
	}
	e.Request = sl.message(&u, sl.reqBody, flagReqHeadersCut)
	e.Response = sl.message(&u, sl.respBody, flagRespHeadersCut)
	return e
}

func (sl *journalSlot) message(u *unpacker, shared json.RawMessage, first slotFlags) journalMessage {
	m := journalMessage{HeadersTruncated: sl.flags&first != 0, Truncated: sl.flags&(first<<1) != 0}
	if n := int(u.uvarint()) / 2; n > 0 {
		m.Headers = make(map[string]string, n)
		for range n {
			k := u.string()
			m.Headers[k] = u.string()
		}
	}
	switch {
	case sl.flags&(first<<2) != 0:
		if len(shared) > 0 {
			m.Body = slices.Clone(shared)
		}
	default:
		if s := u.string(); s != "" {
			m.Body = json.RawMessage(s)
		}
	}
	return m
}

// unpacker reads what journalSlot.fill wrote. The text is the journal's own, so it is well formed; a length
// past the end reads as what is left, never as a panic.
type unpacker struct {
	text string
	at   int
}

func (u *unpacker) uvarint() uint64 {
	var x uint64
	for shift := 0; u.at < len(u.text) && shift < 64; shift += 7 {
		c := u.text[u.at]
		u.at++
		x |= uint64(c&0x7f) << shift
		if c < 0x80 {
			break
		}
	}
	return x
}

func (u *unpacker) string() string {
	n := u.uvarint()
	end := len(u.text)
	if n < uint64(end-u.at) {
		end = u.at + int(n)
	}
	s := u.text[u.at:end]
	u.at = end
	return s
}
