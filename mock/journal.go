package mock

import (
	"bytes"
	"encoding/json"
	"maps"
	"net/http"
	"net/url"
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

	// respBuf is the buffer Response.Body is in when the journal owns it (the recorder's copy of the answer):
	// when the entry leaves the ring the buffer is used again (journal.takeBody), so nothing may keep
	// Response.Body past that without copying it (list and observe copy).
	respBuf *bodyBuf
}

// bodyBuf holds the copy of an answer's body a journal entry keeps (up to journalBodyLimit bytes). The recorder
// takes one from its session's journal (takeBody), which gives back the buffer of the entry a new one replaces:
// once a session's journal is full, keeping an answer costs no allocation, and the collector runs less often.
type bodyBuf struct{ b []byte }

// holds reports whether p starts at the start of bb's buffer (an answer copied in whole or in part, not grown
// out of it by a later write).
func (bb *bodyBuf) holds(p []byte) bool {
	return len(p) > 0 && cap(bb.b) > 0 && &p[0] == &bb.b[:1][0]
}

// journalMessage is the headers and the start of the body of a request or response.
type journalMessage struct {
	Headers          map[string]string `json:"headers,omitempty"`
	HeadersTruncated bool              `json:"headersTruncated,omitempty"` // a name or value cut, or headers left out
	Body             json.RawMessage   `json:"body,omitempty"`
	Truncated        bool              `json:"truncated,omitempty"`

	// pairs is Headers as the journal stage records it, already masked: name, value, name, value, ... in one
	// allocation, where a map would take two and a hash per name. An entry leaving the journal (clone, and
	// observed) has Headers made from it.
	pairs []string
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

// shown returns e as readers see it: its headers as maps of its own, and an answer body of its own when the
// stored one is in a buffer the journal recycles (respBuf). Other bodies are shared (never changed).
func (e journalEntry) shown() journalEntry {
	e.Request = e.Request.withHeaders()
	e.Response = e.Response.withHeaders()
	if e.respBuf != nil {
		e.Response.Body, e.respBuf = bytes.Clone(e.Response.Body), nil
	}
	return e
}

func (e journalEntry) clone() journalEntry {
	recycled := e.respBuf != nil
	e = e.shown()
	e.Request.Body = bytes.Clone(e.Request.Body)
	if !recycled { // shown copied it already
		e.Response.Body = bytes.Clone(e.Response.Body)
	}
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
// for size). It is safe for concurrent use.
type journal struct {
	mu      sync.Mutex // guards entries, next, seq and spare
	size    int
	entries []journalEntry // oldest first until len(entries) == size; then oldest at next
	next    int            // where the next entry goes once entries is full
	seq     uint64         // the Seq of the last entry added
	spare   []*bodyBuf     // the answer buffers of entries replaced, for takeBody; at most maxSpareBodies
}

// maxSpareBodies bounds the answer buffers a journal holds for reuse: each request takes one as it answers and
// gives one back as its entry replaces the oldest, so a few cover the requests in flight.
const maxSpareBodies = 64

// takeBody returns an empty buffer with room for n bytes: a spare one when one of about that size is at hand
// (never more than a quarter and 64 bytes over, so an entry holds little more than its body).
func (j *journal) takeBody(n int) *bodyBuf {
	j.mu.Lock()
	for i := len(j.spare) - 1; i >= 0; i-- {
		if bb := j.spare[i]; cap(bb.b) >= n && cap(bb.b) <= n+n/4+64 {
			j.spare[i] = j.spare[len(j.spare)-1]
			j.spare[len(j.spare)-1] = nil
			j.spare = j.spare[:len(j.spare)-1]
			j.mu.Unlock()
			bb.b = bb.b[:0]
			return bb
		}
	}
	j.mu.Unlock()
	return &bodyBuf{b: make([]byte, 0, n)}
}

// giveBody keeps bb for takeBody; j.mu is held.
func (j *journal) giveBody(bb *bodyBuf) {
	if len(j.spare) == maxSpareBodies {
		copy(j.spare, j.spare[1:]) // the oldest goes to the collector
		j.spare = j.spare[:len(j.spare)-1]
	}
	j.spare = append(j.spare, bb)
}

// giveBack returns a buffer takeBody handed out that no entry kept.
func (j *journal) giveBack(bb *bodyBuf) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.giveBody(bb)
}

func newJournal(size int) *journal {
	return &journal{size: max(size, 1)}
}

// add stores e under the next sequence number and calls then (when not nil) with e as stored, before a later
// entry can take its place and its answer's buffer: then may read e's bodies, but keeps them only as copies
// (journalEntry.shown). It returns e as stored without its answer body, which is the journal's from now on.
func (j *journal) add(e journalEntry, then func(journalEntry)) journalEntry {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.seq++
	e.Seq = j.seq
	if len(j.entries) < j.size {
		j.entries = append(j.entries, e)
	} else {
		if old := j.entries[j.next].respBuf; old != nil {
			j.giveBody(old) // nothing reads it any more: readers were handed copies
		}
		j.entries[j.next] = e
		j.next = (j.next + 1) % j.size
	}
	if then != nil {
		then(e)
	}
	e.Response.Body, e.respBuf = nil, nil
	return e
}

// list returns copies of the entries matching f, oldest first.
func (j *journal) list(f journalFilter) []journalEntry {
	j.mu.Lock()
	defer j.mu.Unlock()
	out := []journalEntry{}
	for i := range j.entries {
		e := &j.entries[(j.next+i)%len(j.entries)]
		if f.match(e) {
			out = append(out, e.clone())
		}
	}
	if f.Limit > 0 && len(out) > f.Limit {
		out = out[len(out)-f.Limit:]
	}
	return out
}

// clear drops every entry and reports how many there were.
func (j *journal) clear() int {
	j.mu.Lock()
	defer j.mu.Unlock()
	n := len(j.entries)
	j.entries, j.next, j.spare = nil, 0, nil
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

// header returns a flat copy of h with secrets masked: name, value, name, value, ... (journalMessage.pairs),
// within the journal's limits (journalHeaderLimit, journalHeadersLimit); cut says a name or value was cut or a
// header left out. Authorization keeps its scheme ("Bearer ****").
func (m *masker) header(h http.Header) (pairs []string, cut bool) {
	if len(h) == 0 {
		return nil, false
	}
	out := make([]string, 0, 2*min(len(h), 64))
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
