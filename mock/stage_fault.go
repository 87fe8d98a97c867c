package mock

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/standin/standin/fault"
	"github.com/standin/standin/openapi"
)

// faultStage lets the active fault rules answer instead of the API. Rules are evaluated in one place, in this
// order: the request's X-Standin-Fault header, the session's own rules, then the server-wide rules. Delays add
// up; the first rule with a terminal action (a status, a rate-limit refusal, a queue answer, a broken
// connection, a mutation) decides the answer. The journal records the rules that acted (ex.faultRule).
func (s *Server) faultStage(rt *apiRuntime) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			ex := exchangeFrom(r.Context())
			if err := s.FaultConfigError(); err != nil {
				ex.standinError(w, "fault", http.StatusInternalServerError, "bad fault configuration: "+err.Error())
				return
			}
			var rules []*activeRule
			if h := r.Header[FaultHeader]; len(h) > 0 && !s.cfg.IgnoreFaultHeaders { // FaultHeader is canonical
				rule, err := fault.Parse(strings.Join(h, ","))
				if err == nil {
					err = s.checkRuleBounds(rule)
				}
				if err != nil {
					ex.standinError(w, "fault", http.StatusBadRequest, "header "+FaultHeader+": "+err.Error())
					return
				}
				rule.ID = "header"
				if status, ok := documentsFault(rt, ex, rule.Action); !rule.Action.AllowUndocumented && !ok {
					ex.standinError(w, "fault", http.StatusBadRequest, fmt.Sprintf(
						"header %s: %s does not document status %d (it documents %s); add allowUndocumented=true to send it anyway",
						FaultHeader, ex.op.ID, status, statusList(ex.op.Statuses)))
					return
				}
				rules = append(rules, &activeRule{Active: fault.NewActive(rule, s.seed(), "header", s.clock.Now())})
			}
			sess := ex.session
			if sess == nil {
				sess, _ = s.sessions.get(DefaultSession)
			}
			rules = append(rules, sess.faults.rules()...)
			if len(rules) == 0 { // faults off: no request to describe, nothing to decide
				next.ServeHTTP(w, r)
				return
			}
			p := s.planFaults(rt, ex, r, sess.name, rules)
			if len(p.ids) == 0 {
				next.ServeHTTP(w, r)
				return
			}
			ex.faultRule = strings.Join(p.ids, ",")
			if p.latency > 0 {
				if !s.sleep(r.Context(), min(p.latency, s.cfg.MaxLatency)) {
					ex.answeredBy = "fault" // the client hung up while we waited
					return
				}
			}
			if p.verdict != nil && p.verdict.Allowed {
				rateHeaders(ex, w.Header(), *p.verdict)
			}
			if p.answer == nil {
				next.ServeHTTP(w, r)
				return
			}
			s.applyFault(ex, w, r, next, p)
		})
	}
}

// faultPlan is what the rules decided for one request.
type faultPlan struct {
	ids     []string
	latency time.Duration
	verdict *fault.Verdict // the rate limiter's counts, when a limit applies
	answer  *fault.Rule    // the rule whose terminal action answers, nil when the API answers
	out     fault.Outcome
}

// planFaults asks each rule in turn. A status or queue rule whose status the operation does not document is
// skipped (not even counted) unless it allows undocumented statuses.
func (s *Server) planFaults(rt *apiRuntime, ex *exchange, r *http.Request, session string, rules []*activeRule) faultPlan {
	req := fault.Request{
		API:     rt.api.Name,
		Method:  r.Method,
		Path:    ex.path,
		Session: session,
		Header:  r.Header,
		Query:   r.URL.Query(),
		Now:     s.clock.Now(),
	}
	if ex.op != nil {
		req.Op = ex.op.ID
		req.Template = rt.api.BasePath + ex.op.Path
	}
	if rl := rt.api.Ext.RateLimit; rl != nil {
		req.Limit = &fault.RateLimit{Limit: rl.Limit, Window: rl.Window, Per: rl.Per}
	}
	var p faultPlan
	for _, a := range rules {
		act := a.Rule.Action
		if p.answer != nil && act.Terminal() {
			continue
		}
		if _, ok := documentsFault(rt, ex, act); !act.AllowUndocumented && !ok {
			continue
		}
		out, ok := a.Decide(req)
		if !ok {
			continue
		}
		p.ids = append(p.ids, a.Rule.ID)
		p.latency += out.Latency
		if out.Verdict != nil && (p.verdict == nil || !out.Verdict.Allowed) {
			p.verdict = out.Verdict
		}
		if out.Answer {
			rule := a.Rule
			p.answer, p.out = &rule, out
		}
	}
	return p
}

// documentsFault reports whether the operation documents the status the action answers with.
func documentsFault(rt *apiRuntime, ex *exchange, act fault.Action) (int, bool) {
	status := act.Status
	if act.Queue != nil {
		status = errorStatus(rt, "queued")
	}
	if status == 0 || ex.op == nil {
		return status, true
	}
	return status, ex.op.Documents(status)
}

// errorStatus is the status of the API's error shape for kind.
func errorStatus(rt *apiRuntime, kind string) int {
	st, _ := rt.vendorError(kind, nil)
	return st
}

// applyFault writes the answer of the plan's terminal rule.
func (s *Server) applyFault(ex *exchange, w http.ResponseWriter, r *http.Request, next http.Handler, p faultPlan) {
	act := p.answer.Action
	switch {
	case p.out.Verdict != nil:
		v := *p.out.Verdict
		h := http.Header{}
		rateHeaders(ex, h, v)
		if documentsHeader(ex, http.StatusTooManyRequests, "Retry-After") {
			h.Set("Retry-After", strconv.Itoa(v.RetryAfterSeconds()))
		}
		ex.writeVendorError(w, "fault", "rateLimited", h, map[string]any{"retryAfter": v.RetryAfterSeconds()})
	case p.out.Queued:
		h := http.Header{}
		st := errorStatus(ex.api, "queued")
		if p.out.Retry > 0 && documentsHeader(ex, st, "Retry-After") {
			h.Set("Retry-After", strconv.Itoa(int((p.out.Retry+time.Second-1)/time.Second)))
		}
		ex.writeVendorError(w, "fault", "queued", h, nil)
	case act.Status != 0:
		s.faultStatus(ex, w, act.Status, act.Example)
	case act.Connection == fault.ConnReset:
		ex.answeredBy = "fault"
		resetConn(w)
	case act.Connection != "":
		cw := newCapture()
		next.ServeHTTP(cw, r)
		s.breakConn(ex, w, r.Context(), act, cw)
	case act.Mutate != "":
		cw := newCapture()
		next.ServeHTTP(cw, r)
		status, header, body := mutate(ex, act.Mutate, cw.status, cw.header, cw.buf.Bytes())
		ex.answeredBy, ex.status = "fault", status
		header.Set("Content-Length", strconv.Itoa(len(body)))
		copyHeader(w.Header(), header)
		w.WriteHeader(status)
		_, _ = w.Write(body)
	}
}

// faultStatus answers with a documented status: the operation's documented response (example or generated
// body, documented headers), else the API's error shape for that status, else a plain body.
func (s *Server) faultStatus(ex *exchange, w http.ResponseWriter, status int, example string) {
	if ex.op != nil && ex.op.Documents(status) {
		if header, body, ok := s.renderStatus(ex, status, example); ok {
			ex.send(w, "fault", status, header, body)
			return
		}
	}
	for _, k := range openapi.AllErrorKinds() {
		kind := k.Name
		if !k.ForFaultStatus {
			continue
		}
		if shape, ok := ex.api.api.Ext.Errors[kind]; ok && shape.Status == status {
			vars := map[string]any{}
			switch kind {
			case "validation":
				vars["errors"] = []any{}
			case "rateLimited":
				vars["retryAfter"] = 60
			}
			_, body := ex.api.vendorError(kind, vars)
			ex.answer(w, "fault", status, nil, body)
			return
		}
	}
	text := http.StatusText(status)
	if text == "" {
		text = "Status " + strconv.Itoa(status)
	}
	ex.answer(w, "fault", status, nil, map[string]any{"message": text, "code": status})
}

// rateHeaders sets the rate-limit headers the operation documents on its 429 answer.
func rateHeaders(ex *exchange, h http.Header, v fault.Verdict) {
	if documentsHeader(ex, http.StatusTooManyRequests, "X-RateLimit-Limit") {
		h.Set("X-RateLimit-Limit", strconv.Itoa(v.Limit))
	}
	if documentsHeader(ex, http.StatusTooManyRequests, "X-RateLimit-Remaining") {
		h.Set("X-RateLimit-Remaining", strconv.Itoa(v.Remaining))
	}
	if documentsHeader(ex, http.StatusTooManyRequests, "X-RateLimit-Reset") {
		h.Set("X-RateLimit-Reset", strconv.Itoa(int((v.Reset+time.Second-1)/time.Second)))
	}
}

// documentsHeader reports whether the operation's response for status declares header.
func documentsHeader(ex *exchange, status int, header string) bool {
	if ex.op == nil {
		return false
	}
	resp := ex.op.Response(status)
	if resp == nil {
		return false
	}
	for name := range resp.Headers {
		if strings.EqualFold(name, header) {
			return true
		}
	}
	return false
}

// sleeper is implemented by a test clock that controls delays.
type sleeper interface {
	After(d time.Duration) <-chan time.Time
}

// sleep waits for d or until ctx ends; it reports whether the full delay passed. When the server's Clock also
// has After(d) (a test clock), the delay comes from it.
func (s *Server) sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	if sl, ok := s.clock.(sleeper); ok {
		select {
		case <-sl.After(d):
			return true
		case <-ctx.Done():
			return false
		}
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// resetConn closes the connection without sending a byte, with a TCP reset where possible. When the writer
// cannot be hijacked (HTTP/2), the handler aborts, which also breaks the exchange for the client.
func resetConn(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	if tcp, ok := conn.(*net.TCPConn); ok {
		_ = tcp.SetLinger(0)
	}
	_ = conn.Close()
}

// breakConn sends the captured answer broken as the action says.
func (s *Server) breakConn(ex *exchange, w http.ResponseWriter, ctx context.Context, act fault.Action, cw *capture) {
	if cw.status == 0 {
		cw.status = http.StatusOK
	}
	ex.answeredBy, ex.status = "fault", cw.status
	body := cw.buf.Bytes()
	header := cw.header.Clone()
	header.Set("Content-Length", strconv.Itoa(max(len(body), 1)))
	if act.Connection == fault.ConnDrip {
		copyHeader(w.Header(), header)
		w.WriteHeader(cw.status)
		rc := http.NewResponseController(w)
		step := max((len(body)+dripSteps-1)/dripSteps, 1)
		interval := act.Interval
		if interval <= 0 {
			interval = 100 * time.Millisecond
		}
		interval = min(interval, s.cfg.MaxLatency/dripSteps)
		_ = rc.SetWriteDeadline(time.Now().Add(s.cfg.WriteTimeout + dripSteps*interval))
		for i := 0; i < len(body); i += step {
			if i > 0 && !s.sleep(ctx, interval) {
				return
			}
			if _, err := w.Write(body[i:min(i+step, len(body))]); err != nil {
				return
			}
			_ = rc.Flush()
		}
		if len(body) == 0 { // keep the announced length honest
			_, _ = w.Write([]byte(" "))
		}
		return
	}
	conn, bw, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	defer conn.Close()
	writeRawHead(bw, cw.status, header)
	if act.Connection == fault.ConnTruncate {
		_, _ = bw.Write(body[:len(body)/2])
	}
	_ = bw.Flush()
}

func writeRawHead(bw *bufio.ReadWriter, status int, header http.Header) {
	fmt.Fprintf(bw, "HTTP/1.1 %d %s\r\n", status, http.StatusText(status))
	header.Set("Connection", "close")
	_ = header.Write(bw)
	_, _ = bw.WriteString("\r\n")
}

func copyHeader(dst, src http.Header) {
	for k, v := range src {
		dst[k] = slices.Clone(v)
	}
}

// capture buffers a response so a fault can reshape it.
type capture struct {
	header http.Header
	status int
	buf    bytes.Buffer
}

func newCapture() *capture { return &capture{header: http.Header{}} }

func (c *capture) Header() http.Header { return c.header }
func (c *capture) WriteHeader(status int) {
	if c.status == 0 {
		c.status = status
	}
}
func (c *capture) Write(b []byte) (int, error) {
	if c.status == 0 {
		c.status = http.StatusOK
	}
	return c.buf.Write(b)
}

// decodeJSON decodes b, reporting whether it is JSON.
func decodeJSON(b []byte) (any, bool) {
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		return nil, false
	}
	return v, true
}
