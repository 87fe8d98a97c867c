package mock

import (
	"context"
	"log/slog"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/standin/standin/internal/jsonvalue"
)

// RequestLineAttrs is how many attributes the request log line has.
const RequestLineAttrs = 9

// RequestLineHandler is a slog.Handler that also takes the request log line as its parts: a slog.Record keeps
// five attributes inline and allocates for more, where an array passed by value allocates nothing. When the
// server's logger has one, the journal stage hands it each request line; HandleRequestLine must write what
// Handle writes for a record made of the same parts.
type RequestLineHandler interface {
	slog.Handler
	HandleRequestLine(ctx context.Context, t time.Time, level slog.Level, msg string,
		attrs [RequestLineAttrs]slog.Attr) error
}

// journalStage records every exchange in the session's journal and logs it. A panic below is answered here
// (500 in the vendor's shape) so that it is journalled too.
func (s *Server) journalStage(rt *apiRuntime) func(http.Handler) http.Handler {
	mask := newMasker(rt.api.Doc)
	// The answer's keys are mostly the declared field names: one lookup each once known. Collecting them takes
	// a big document tens of ms, so it runs beside the start; until it is done keys are searched.
	go func() { mask.body.knowKeys(declaredFieldNames(rt.api.Doc)) }()
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			ex := exchangeFrom(r.Context())
			ex.rec = recorder{ResponseWriter: w, watch: mask.body.keyMentions}
			rec := &ex.rec
			pairs := headerPairs.Get().(*[2][]string)
			reqHeaders, headersCut := mask.header(r.Header, pairs[0][:0])
			query, _ := journalCut(mask.rawQuery(r.URL.RawQuery), journalTextLimit)
			path, _ := journalCut(r.URL.Path, journalTextLimit)
			ex.jr = journalRun{ex: ex, s: s, rt: rt, mask: mask, r: r, reqHeaders: reqHeaders, reqHeadersCut: headersCut,
				query: query, path: path, pairs: pairs}
			rec.jr = &ex.jr
			defer func() {
				p := recover()
				if p != nil && p != http.ErrAbortHandler && !rec.wrote {
					s.recovered(rec, r, p)
					p = nil
				}
				ex.jr.record()
				if p != nil {
					panic(p)
				}
			}()
			next.ServeHTTP(rec, r)
		})
	}
}

// journalRun is what the journal stage knows of an exchange, held in the exchange (no allocation), for record.
type journalRun struct {
	ex            *exchange
	s             *Server
	rt            *apiRuntime
	mask          *masker
	r             *http.Request
	reqHeaders    []string
	reqHeadersCut bool
	query         string
	path          string
	pairs         *[2][]string // from headerPairs: the request's and the answer's header pairs, until packed
}

// headerPairs holds the slices the journal stage lists a request's and its answer's headers in (masker.header)
// until record packs them: a request's are transient, so they need no allocation of their own.
var headerPairs = sync.Pool{New: func() any { return new([2][]string) }}

// maxPooledPairs is the most header strings a pooled slice keeps room for (a request may send a thousand).
const maxPooledPairs = 128

// release returns jr's header pairs to headerPairs, holding no string.
func (jr *journalRun) release(req, resp []string) {
	if jr.pairs == nil {
		return
	}
	for i, p := range [2][]string{req, resp} {
		clear(p)
		if cap(p) > maxPooledPairs {
			p = nil
		}
		jr.pairs[i] = p[:0]
	}
	headerPairs.Put(jr.pairs)
	jr.pairs = nil
}

// record journals the exchange and logs its line, once: when the last byte of an answer of declared length is
// about to be written (recorder.Write: the client may have the whole answer before the handler returns, and a
// check of the journal made then must find it), else when the handler returns.
func (jr *journalRun) record() {
	s, rt, mask, r, path, query, reqHeaders := jr.s, jr.rt, jr.mask, jr.r, jr.path, jr.query, jr.reqHeaders
	ex := jr.ex
	rec := &ex.rec
	if rec.recorded {
		return
	}
	rec.recorded = true
	end := s.clock.Now()
	e := journalEntry{
		Time:       ex.start,
		Session:    ex.session.name,
		API:        rt.api.Name,
		Method:     r.Method,
		Path:       path,
		Query:      query,
		Status:     rec.status,
		LatencyMS:  float64(end.Sub(ex.start).Microseconds()) / 1000,
		AnsweredBy: ex.answeredBy,
		FaultRule:  ex.faultRule,
		Request:    journalMessage{pairs: reqHeaders, HeadersTruncated: jr.reqHeadersCut},
		Response:   journalMessage{Truncated: rec.truncated},
	}
	var respPairs []string
	if jr.pairs != nil {
		respPairs = jr.pairs[1][:0]
	}
	e.Response.pairs, e.Response.HeadersTruncated = mask.header(rec.Header(), respPairs)
	if ex.op != nil {
		e.Operation = ex.op.ID
	}
	if e.AnsweredBy == "" && rec.status != 0 {
		e.AnsweredBy = "response"
	}
	if rec.status == 0 && r.Context().Err() != nil {
		e.Status = StatusClientClosed
	}
	// The journal copies the bodies it keeps (journal_pack.go) but for those shared with other entries: a body
	// cut at journalBodyLimit (the masker's kept text, seen again) and a kept dynamic page's own bytes.
	e.Request.Body, e.Request.Truncated = mask.journalBodyOwned(ex.body)
	e.Request.shared = e.Request.Truncated
	switch {
	case r.Method == http.MethodHead: // net/http sent none
	case rec.clean: // valid JSON without a key to mask: kept as it is
		e.Response.Body, e.Response.shared = rec.body, rec.keptPage
	default:
		var cut bool
		e.Response.Body, cut = mask.journalBodyOwned(rec.body)
		e.Response.shared = cut || rec.keptPage && len(e.Response.Body) > 0 && &e.Response.Body[0] == &rec.body[0]
	}
	// coverage and live subscribers (dashboard.go), in the order of the entries
	ex.session.journal.add(e, s.dash.observe)
	if rec.buf != nil { // the copy of the answer is free again
		ex.session.journal.giveBack(rec.buf)
	}
	rec.buf, rec.body = nil, nil
	jr.release(e.Request.pairs, e.Response.pairs)
	// The request line is at info: --log-level error skips it before building anything.
	if s.log.Enabled(r.Context(), slog.LevelInfo) {
		attrs := [RequestLineAttrs]slog.Attr{
			slog.String("api", e.API), slog.String("method", e.Method), slog.String("path", e.Path),
			slog.String("query", e.Query), slog.String("operation", e.Operation),
			slog.Int("status", e.Status), slog.String("answeredBy", e.AnsweredBy),
			slog.String("session", e.Session), slog.Float64("latencyMs", e.LatencyMS)}
		if h, ok := s.log.Handler().(RequestLineHandler); ok {
			at := end // the clock's reading when it is the system's, else the time slog would take
			if _, system := s.clock.(systemClock); !system {
				at = time.Now()
			}
			_ = h.HandleRequestLine(r.Context(), at, slog.LevelInfo, "request", attrs)
		} else {
			s.log.LogAttrs(r.Context(), slog.LevelInfo, "request", attrs[:]...)
		}
	}
}

// recorder notes the status and the start of the body written through it. It unwraps to the writer it wraps,
// so http.ResponseController (flush, hijack) reaches the connection.
type recorder struct {
	http.ResponseWriter
	status    int
	wrote     bool
	body      []byte
	buf       []byte // body's buffer, from the session's journal (journal.take), given back once journalled
	keptPage  bool   // body is a kept dynamic page's own bytes (kept), not a copy
	truncated bool

	// watch is the masker's test of an object key (bodyMasker.mentionsKey), for writeJSON to run on the keys it
	// encodes. pending is set by noteJSON when no key passed it: the next Write carries a whole JSON text
	// encoded from a value. clean is set when the body is exactly such a text, an object or an array, kept
	// whole: the journal keeps it as it is, with nothing to mask and no need to check it is JSON.
	watch   *jsonvalue.KeyTest
	pending bool
	clean   bool

	kept *keptPage // the answer is this kept dynamic page (writeKeptPage), whose bytes need no copy

	// jr journals the exchange (journalStage); Write has it record before the last byte of an answer whose
	// Content-Length it knows goes out. recorded says it did. sent counts the body bytes written; declared is
	// the Content-Length, -1 when none is known (read at the first Write).
	jr       *journalRun
	recorded bool
	sized    bool
	sent     int64
	declared int64
}

// jsonKeyWatch and noteJSON are what writeJSON looks for in its writer (jsonNoter).
func (rc *recorder) jsonKeyWatch() *jsonvalue.KeyTest { return rc.watch }

func (rc *recorder) noteJSON(keysClean bool) { rc.pending = keysClean }

func (rc *recorder) WriteHeader(code int) {
	if !rc.wrote && code >= 200 {
		rc.status = code
		rc.wrote = true
		rc.date()
	}
	rc.ResponseWriter.WriteHeader(code)
}

// date gives the answer the Date header net/http would (it formats one for every answer that has none, a cost
// the size of a small handler's), formatted once a second; the journal then records it with the other headers.
func (rc *recorder) date() {
	h := rc.Header()
	if _, ok := h["Date"]; !ok { // a nil value, as in net/http, asks for no Date at all
		h["Date"] = httpDate()
	}
}

// lastDate is the Date header value of the current second.
var lastDate atomic.Pointer[dateValue]

type dateValue struct {
	sec int64
	v   []string
}

// httpDate returns the Date header value net/http gives an answer now (http.TimeFormat), shared by the answers
// of one second: net/http formats it for every answer that has none, a cost the size of a small handler's.
func httpDate() []string {
	now := time.Now()
	if d := lastDate.Load(); d != nil && d.sec == now.Unix() {
		return d.v
	}
	d := &dateValue{sec: now.Unix(), v: []string{now.UTC().Format(http.TimeFormat)}}
	lastDate.Store(d)
	return d.v
}

// take returns a buffer for n bytes of the answer: one the session's journal recycles when the recorder
// journals an exchange, else a new one.
func (rc *recorder) take(n int) []byte {
	if rc.jr == nil {
		return make([]byte, 0, n)
	}
	return rc.jr.ex.session.journal.take(n)
}

func (rc *recorder) Write(b []byte) (int, error) {
	if !rc.wrote {
		rc.status, rc.wrote = http.StatusOK, true
		rc.date()
	}
	if !rc.sized {
		rc.sized, rc.declared = true, -1
		if v := rc.Header()["Content-Length"]; len(v) == 1 {
			if n, err := strconv.ParseInt(v[0], 10, 64); err == nil {
				rc.declared = n
			}
		}
	}
	rc.sent += int64(len(b))
	rc.clean = rc.pending && len(rc.body) == 0 && len(b) > 0 && len(b) <= journalBodyLimit && (b[0] == '{' || b[0] == '[')
	rc.pending = false
	if room := journalBodyLimit + 1 - len(rc.body); room > 0 && !rc.recorded { // once recorded, nothing more is kept
		switch {
		case rc.body == nil && rc.kept.writes(b): // a kept dynamic page's own bytes, never changed: no copy
			rc.body, rc.keptPage = b[:min(room, len(b)):min(room, len(b))], true
		case rc.body == nil && len(b) > 0: // most answers are written in one piece: one buffer of about its size
			rc.buf = rc.take(min(room, len(b)))
			rc.body = append(rc.buf, b[:min(room, len(b))]...)
		case len(b) > 0: // a copy of its own (a kept page's bytes have no room past them)
			rc.body, rc.keptPage = append(rc.body, b[:min(room, len(b))]...), false
		}
	}
	rc.truncated = len(rc.body) > journalBodyLimit
	if rc.sent == rc.declared && rc.jr != nil && len(b) > 0 {
		rc.jr.record() // the answer is whole: journalled before its last bytes reach the client
	}
	return rc.ResponseWriter.Write(b)
}

func (rc *recorder) headerWritten() bool { return rc.wrote }

func (rc *recorder) Unwrap() http.ResponseWriter { return rc.ResponseWriter }
