package mock

import (
	"bytes"
	"encoding/json"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/getkin/kin-openapi/openapi3"
)

// journalBodyLimit is how many bytes of a request or response body the journal keeps.
const journalBodyLimit = 4 << 10

// What the journal keeps of the rest of a request, which net/http lets reach a megabyte (a path, a query, one
// header or a thousand): a path or query string of up to journalTextLimit bytes, a header name or value of up to
// journalHeaderLimit, and headers of up to journalHeadersLimit bytes in all, per request and per answer. Past
// them a text is cut (and ends in "…") and headers are left out, so that a client cannot make a session's
// thousand entries hold a gigabyte. The entry says so (journalMessage.HeadersTruncated).
const (
	journalTextLimit    = 8 << 10
	journalHeaderLimit  = 4 << 10
	journalHeadersLimit = 16 << 10
)

// journalCut returns s, or its first bytes up to limit (not splitting a UTF-8 sequence) copied and followed by
// "…", and whether it cut. The copy lets the journal drop the text it was cut from.
func journalCut(s string, limit int) (string, bool) {
	if len(s) <= limit {
		return s, false
	}
	n := limit
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…", true // a new string: the text it was cut from can go
}

// maskedValue replaces a secret in the journal and in logs.
const maskedValue = "****"

// journalEntry is one request as the journal keeps it. Secrets are masked before an entry is built; entries
// are never changed after they are added.
type journalEntry struct {
	// Seq numbers the session's entries from 1 in the order they were added; a live subscriber uses it to skip
	// what a backlog already showed.
	Seq        uint64         `json:"seq"`
	Time       time.Time      `json:"time"`
	Session    string         `json:"session"`
	API        string         `json:"api"`
	Operation  string         `json:"operation,omitempty"`
	Method     string         `json:"method"`
	Path       string         `json:"path"`
	Query      string         `json:"query,omitempty"`
	Status     int            `json:"status"`
	LatencyMS  float64        `json:"latencyMs"`
	AnsweredBy string         `json:"answeredBy"`
	FaultRule  string         `json:"faultRule,omitempty"`
	Request    journalMessage `json:"request"`
	Response   journalMessage `json:"response"`
}

// journalMessage is the headers and the start of the body of a request or response.
type journalMessage struct {
	Headers          map[string]string `json:"headers,omitempty"`
	HeadersTruncated bool              `json:"headersTruncated,omitempty"` // a name or value cut, or headers left out
	Body             json.RawMessage   `json:"body,omitempty"`
	Truncated        bool              `json:"truncated,omitempty"`

	// pairs is Headers as the journal stage records it, already masked: name, value, name, value, ... in one
	// allocation, where a map would take two and a hash per name. An entry read from the journal has Headers.
	pairs []string
	// shared says Body is text other entries may hold too, never changed (a cut body seen again, a kept dynamic
	// page): the journal keeps it as it is rather than a copy.
	shared bool
}

// withHeaders returns m with Headers made from pairs (a new map), or cloned when it was given as a map.
func (m journalMessage) withHeaders() journalMessage {
	if m.Headers != nil || len(m.pairs) == 0 {
		m.Headers = maps.Clone(m.Headers)
		return m
	}
	h := make(map[string]string, len(m.pairs)/2)
	for i := 0; i+1 < len(m.pairs); i += 2 {
		h[m.pairs[i]] = m.pairs[i+1]
	}
	m.Headers = h
	return m
}

// shown returns a copy of e a reader may keep: its headers as maps of its own and its bodies copied (the
// journal stage's buffers are used again once the entry is stored).
func (e journalEntry) shown() journalEntry {
	e.Request = e.Request.withHeaders()
	e.Response = e.Response.withHeaders()
	e.Request.Body, e.Response.Body = bytes.Clone(e.Request.Body), bytes.Clone(e.Response.Body)
	e.Request.pairs, e.Response.pairs = nil, nil
	e.Request.shared, e.Response.shared = false, false
	return e
}

// journalFilter selects entries. Zero fields match everything; Limit keeps the most recent entries.
type journalFilter struct {
	API       string
	Operation string
	Status    int
	Limit     int
}

func (f journalFilter) match(e *journalEntry) bool {
	return (f.API == "" || f.API == e.API) && (f.Operation == "" || f.Operation == e.Operation) &&
		(f.Status == 0 || f.Status == e.Status)
}

// journal is a ring of the most recent requests of one session: it grows as requests come, up to size entries,
// then each new one replaces the oldest (a session that sees three requests holds three entries, not the room
// for size). Entries are kept packed (journal_pack.go). It is safe for concurrent use.
type journal struct {
	mu      sync.Mutex // guards entries, next, seq, spare and scratch
	size    int
	entries []journalSlot // oldest first until len(entries) == size; then oldest at next
	next    int           // where the next entry goes once entries is full
	seq     uint64        // the Seq of the last entry added
	spare   [][]byte      // buffers to use again (take): packed texts of entries replaced, answers' copies
	scratch []byte        // where add packs an entry before copying it into a buffer of its size
}

// maxSpare bounds the buffers a journal holds for reuse: each request takes one or two as it answers and
// gives as many back as its entry replaces the oldest, so a few cover the requests in flight.
const maxSpare = 64

// maxSpareCap is the largest buffer kept for reuse.
const maxSpareCap = 16 << 10

// take returns an empty buffer with room for n bytes: a spare one when one of about that size is at hand
// (never more than a quarter and 64 bytes over, so an entry holds little more than its text).
func (j *journal) take(n int) []byte {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.takeLocked(n)
}

// takeLocked is take with j.mu held.
func (j *journal) takeLocked(n int) []byte {
	for i := len(j.spare) - 1; i >= 0; i-- {
		if b := j.spare[i]; cap(b) >= n && cap(b) <= n+n/4+64 {
			j.spare[i] = j.spare[len(j.spare)-1]
			j.spare[len(j.spare)-1] = nil
			j.spare = j.spare[:len(j.spare)-1]
			return b[:0]
		}
	}
	return make([]byte, 0, n)
}

// keep holds b for take; j.mu is held. A buffer past maxSpareCap (an entry of a request with many headers) is
// left to the collector: most entries take a few KiB.
func (j *journal) keep(b []byte) {
	if cap(b) == 0 || cap(b) > maxSpareCap {
		return
	}
	if len(j.spare) == maxSpare {
		copy(j.spare, j.spare[1:]) // the oldest goes to the collector
		j.spare = j.spare[:len(j.spare)-1]
	}
	j.spare = append(j.spare, b)
}

// giveBack returns a buffer take handed out, which nothing holds any more.
func (j *journal) giveBack(b []byte) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.keep(b)
}

func newJournal(size int) *journal {
	return &journal{size: max(size, 1)}
}

// add stores e under the next sequence number and calls then (when not nil) with e as stored, in the order of
// the entries: then may read e's bodies and headers, but keeps them only as copies (journalEntry.shown). It
// returns e's sequence number. e's texts are copied: the caller may use its buffers again.
func (j *journal) add(e journalEntry, then func(journalEntry)) uint64 {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.seq++
	e.Seq = j.seq
	var sl *journalSlot
	if len(j.entries) < j.size {
		j.entries = append(j.entries, journalSlot{})
		sl = &j.entries[len(j.entries)-1]
	} else {
		sl = &j.entries[j.next]
		j.keep(sl.packed) // nothing reads it any more: readers were handed copies
		j.next = (j.next + 1) % j.size
	}
	// Packed into the scratch buffer first, then copied into a buffer of its size: the entry replaced gave its
	// own back above, so the usual entry takes it again.
	j.scratch = sl.fill(&e, j.scratch[:0])
	sl.packed = append(j.takeLocked(len(j.scratch)), j.scratch...)
	if cap(j.scratch) > maxSpareCap {
		j.scratch = nil
	}
	if then != nil {
		then(e)
	}
	return e.Seq
}

// list returns copies of the entries matching f, oldest first. With a Limit it reads from the newest back and
// stops there: a client polling for the last entry does not unpack the whole ring.
func (j *journal) list(f journalFilter) []journalEntry {
	j.mu.Lock()
	defer j.mu.Unlock()
	out := []journalEntry{}
	for i := len(j.entries) - 1; i >= 0 && (f.Limit <= 0 || len(out) < f.Limit); i-- {
		sl := &j.entries[(j.next+i)%len(j.entries)]
		if f.Status != 0 && sl.status != f.Status {
			continue
		}
		if e := sl.entry(); f.match(&e) {
			out = append(out, e)
		}
	}
	slices.Reverse(out)
	return out
}

// clear drops every entry and reports how many there were.
func (j *journal) clear() int {
	j.mu.Lock()
	defer j.mu.Unlock()
	n := len(j.entries)
	j.entries, j.next, j.spare, j.scratch = nil, 0, nil, nil
	return n
}

// masker hides credentials: Authorization-like headers, cookies and every header, query parameter or cookie a
// security scheme of the API names.
type masker struct {
	headers map[string]bool // canonical header names
	query   map[string]bool
	body    *bodyMasker

	// secretHeader remembers, per header name as sent, whether its value is masked, so that a request does not
	// canonicalise and lower-case every name again. It is read without a lock and replaced whole (under
	// secretMu) when a name is added; it stops growing at maxRememberedHeaders names.
	secretMu     sync.Mutex
	secretHeader atomic.Pointer[map[string]bool]
	// commonSecret is whether each of commonHeaders is masked.
	commonSecret [len(commonHeaders)]bool

	// lastCut is the last body kept cut at journalBodyLimit, as read and as kept: the same answer journaled
	// again (a list polled, a load test) shares the kept text instead of another masked copy per entry.
	lastCut atomic.Pointer[cutBody]
}

// cutBody is a body cut at journalBodyLimit: the bytes read and the JSON string kept for them.
type cutBody struct {
	in   []byte
	kept json.RawMessage
}

// maxRememberedHeaders bounds masker.secretHeader: names beyond it are judged afresh each time.
const maxRememberedHeaders = 512

// commonHeaders are header names nearly every request or answer carries, as net/http spells them: the masker
// judges them once (commonSecret), and a switch finds them faster than a map.
var commonHeaders = [...]string{"Accept", "Accept-Encoding", "Connection", "Content-Length", "Content-Type", "Date",
	"User-Agent"}

func commonHeader(k string) int {
	switch k {
	case "Accept":
		return 0
	case "Accept-Encoding":
		return 1
	case "Connection":
		return 2
	case "Content-Length":
		return 3
	case "Content-Type":
		return 4
	case "Date":
		return 5
	case "User-Agent":
		return 6
	}
	return -1
}

// secretHeaderName reports whether the value of the header named k is masked.
func (m *masker) secretHeaderName(k string) bool {
	if i := commonHeader(k); i >= 0 {
		return m.commonSecret[i]
	}
	return m.judgedHeader(k)
}

// judgedHeader is secretHeaderName for a name that is not one of commonHeaders.
func (m *masker) judgedHeader(k string) bool {
	if secret, known := (*m.secretHeader.Load())[k]; known {
		return secret
	}
	secret := m.headers[http.CanonicalHeaderKey(k)] || looksLikeCredential(k)
	m.secretMu.Lock()
	defer m.secretMu.Unlock()
	if old := *m.secretHeader.Load(); len(old) < maxRememberedHeaders {
		if _, known := old[k]; !known {
			next := make(map[string]bool, len(old)+1)
			maps.Copy(next, old)
			next[k] = secret
			m.secretHeader.Store(&next)
		}
	}
	return secret
}

func newMasker(doc *openapi3.T) *masker {
	m := &masker{headers: map[string]bool{}, query: map[string]bool{}, body: newBodyMasker(secretFieldNames(doc))}
	m.secretHeader.Store(&map[string]bool{})
	for _, h := range []string{"Authorization", "Proxy-Authorization", "X-Api-Key", "Cookie", "Set-Cookie"} {
		m.headers[h] = true
	}
	if doc != nil && doc.Components != nil {
		for _, ref := range doc.Components.SecuritySchemes {
			if ref == nil || ref.Value == nil || ref.Value.Type != "apiKey" {
				continue
			}
			switch ref.Value.In {
			case "header":
				m.headers[http.CanonicalHeaderKey(ref.Value.Name)] = true
			case "query":
				m.query[ref.Value.Name] = true
			}
		}
	}
	for i, k := range commonHeaders {
		m.commonSecret[i] = m.judgedHeader(k)
	}
	return m
}

// header appends to out a flat copy of h with secrets masked: name, value, name, value, ...
// (journalMessage.pairs), within the journal's limits (journalHeaderLimit, journalHeadersLimit); cut says a
// name or value was cut or a header left out. Authorization keeps its scheme ("Bearer ****").
func (m *masker) header(h http.Header, out []string) (pairs []string, cut bool) {
	if len(h) == 0 {
		return out, false
	}
	size := 0
	for k, vs := range h {
		var v string
		if len(vs) == 1 {
			v = vs[0]
		} else {
			v = strings.Join(vs, ", ")
		}
		if v != "" && m.secretHeaderName(k) {
			v = maskCredential(k, v)
		}
		k, kc := journalCut(k, journalHeaderLimit)
		v, vc := journalCut(v, journalHeaderLimit)
		if size += len(k) + len(v); size > journalHeadersLimit {
			cut = true
			continue
		}
		cut = cut || kc || vc
		out = append(out, k, v)
	}
	return out, cut
}

func maskCredential(name, v string) string {
	if strings.EqualFold(name, "Authorization") || strings.EqualFold(name, "Proxy-Authorization") {
		if scheme, _, ok := strings.Cut(strings.TrimSpace(v), " "); ok {
			return scheme + " " + maskedValue
		}
	}
	return maskedValue
}

// rawQuery returns q with the values of secret parameters masked: those the spec names and those whose name
// looks like a credential.
func (m *masker) rawQuery(q string) string {
	if q == "" {
		return q
	}
	values, err := url.ParseQuery(q)
	if err != nil {
		return maskedValue // cannot tell the secrets apart: hide it all
	}
	changed := false
	for name, vs := range values {
		if m.query[name] || looksLikeCredential(name) {
			for i := range vs {
				vs[i] = maskedValue
			}
			changed = true
		}
	}
	if !changed {
		return q
	}
	return values.Encode()
}

// StatusClientClosed is the status the journal records for a request whose client hung up before it was
// answered (nginx's 499); nothing is sent.
const StatusClientClosed = 499
