package mock

import (
	"fmt"
	"net/http"
	"time"

	"github.com/standin/standin/fault"
)

// DefaultMaxLatency is the longest delay faults may add to one request unless Config.MaxLatency says otherwise.
const DefaultMaxLatency = 2 * time.Minute

// DefaultWriteTimeout is how long one answer may take to send unless Config.WriteTimeout says otherwise.
const DefaultWriteTimeout = 30 * time.Second

// dripSteps is how many writes a drip fault splits an answer into.
const dripSteps = 20

// checkRuleBounds refuses a fault rule whose delays exceed Config.MaxLatency: a latency that can draw longer, or
// a drip whose writes together take longer.
func (s *Server) checkRuleBounds(r fault.Rule) error {
	limit := s.cfg.MaxLatency
	if l := r.Action.Latency; l != nil {
		if longest := l.Longest(); longest > limit {
			return fmt.Errorf("latency %s can wait %s, longer than the %s cap; shorten it or raise --max-latency",
				l, longest, limit)
		}
	}
	if r.Action.Connection == fault.ConnDrip && r.Action.Interval > limit/dripSteps {
		return fmt.Errorf("interval %s drips an answer over %s, longer than the %s cap; shorten it or raise --max-latency",
			r.Action.Interval, dripSteps*r.Action.Interval, limit)
	}
	return nil
}

// checkRulesBounds is checkRuleBounds for a list, naming the rule at fault.
func (s *Server) checkRulesBounds(rules []fault.Rule) error {
	for i, r := range rules {
		if err := s.checkRuleBounds(r); err != nil {
			return &itemError{i, err}
		}
	}
	return nil
}

// deadlineWriter gives an answer Config.WriteTimeout to be sent, counted from its first byte (so generating a
// large body or waiting out a fault delay does not eat into it): a client that reads slowly, or not at all, is
// dropped instead of holding the answer and its goroutine. Writers that cannot take a deadline
// (httptest.ResponseRecorder) are left alone. It unwraps to the writer it wraps, so http.ResponseController
// reaches the connection.
type deadlineWriter struct {
	http.ResponseWriter
	timeout time.Duration
	started bool
}

func (d *deadlineWriter) start() {
	if !d.started {
		d.started = true
		_ = http.NewResponseController(d.ResponseWriter).SetWriteDeadline(time.Now().Add(d.timeout))
	}
}

func (d *deadlineWriter) WriteHeader(code int) {
	if code >= 200 {
		d.start()
	}
	d.ResponseWriter.WriteHeader(code)
}

func (d *deadlineWriter) Write(b []byte) (int, error) {
	d.start()
	return d.ResponseWriter.Write(b)
}

func (d *deadlineWriter) Unwrap() http.ResponseWriter { return d.ResponseWriter }
