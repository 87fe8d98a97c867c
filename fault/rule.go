package fault

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Rule is one fault: which requests it matches, what it does and when. A Rule is plain data; copy it freely.
type Rule struct {
	// ID names the rule in listings and in the journal; the mock assigns one when empty.
	ID     string
	Match  Match
	Action Action
	When   When
}

// Match selects requests. Empty fields match anything.
type Match struct {
	API     string // mount name of the API ("carecycle")
	Op      string // operationId; a glob
	Method  string // HTTP method, case-insensitive
	Path    string // glob over the request path below the mount ("/v2/campaigns/**") or the path template
	Session string // session name; a glob
	// Header is a request header name; the rule matches when the header is present and, when HeaderValue is
	// not empty, equal to it.
	Header      string
	HeaderValue string
}

// Connection names a way to break the connection.
type Connection string

// Connection faults.
const (
	// ConnReset closes the connection before any byte of the response is sent.
	ConnReset Connection = "reset"
	// ConnClose sends the status line and headers (announcing the full body length), then closes.
	ConnClose Connection = "close"
	// ConnTruncate sends the real answer's headers and half of its body, then closes.
	ConnTruncate Connection = "truncate"
	// ConnDrip sends the real answer a few bytes at a time, waiting Action.Interval between writes.
	ConnDrip Connection = "drip"
)

// Mutation names a deliberate spec violation applied to the real answer (a "negative mock").
type Mutation string

// Mutations.
const (
	MutWrongType          Mutation = "wrongType"          // one field gets a value of another JSON type
	MutMissingRequired    Mutation = "missingRequired"    // one required field is removed
	MutEnumOutside        Mutation = "enumOutside"        // one enum field gets a value outside its enum
	MutUndocumentedStatus Mutation = "undocumentedStatus" // the status becomes one the operation does not document
)

// Action is what a rule does. At most one of Status, RateLimit, Queue, Connection and Mutate is set; Latency
// may accompany any of them or stand alone.
type Action struct {
	Status            int    // answer with this status
	Example           string // the documented example to answer with (Status only)
	AllowUndocumented bool   // allow a Status the operation does not document

	RateLimit  *RateLimit
	Queue      *Queue
	Latency    *Latency
	Connection Connection
	Interval   time.Duration // between writes of ConnDrip; 0 means 100ms
	Mutate     Mutation
}

// RateLimit is a request budget per window, counted per key. Spec means "the API's declared limit"; the other
// fields, when set, override it.
type RateLimit struct {
	Spec   bool
	Limit  int
	Window time.Duration
	// Per lists the parts of a request that make up the bucket key: "header:<Name>", "query:<name>", "method",
	// "path" (the exact request path).
	Per []string
}

// Queue answers "queued" (Aelyst's 449) to a request until it has been queued Times times, or for For after
// its first sighting; the same request (method and exact path) then passes.
type Queue struct {
	Times int
	For   time.Duration
}

// LatencyKind names a delay distribution.
type LatencyKind string

// Latency distributions.
const (
	LatencyFixed   LatencyKind = "fixed"
	LatencyUniform LatencyKind = "uniform"
	LatencyTail    LatencyKind = "tail" // log-normal from P50 and P95, capped at Max
)

// Latency is a delay before the answer.
type Latency struct {
	Kind     LatencyKind
	Fixed    time.Duration
	Min, Max time.Duration // uniform range; Max also caps a tail draw
	P50, P95 time.Duration
}

// When limits when a matching rule fires. The zero value means always.
type When struct {
	Probability float64 // 0 means 1 (always); else in (0, 1]
	After       int     // the first After matches pass untouched
	Times       int     // fires at most Times times; 0 means no limit
	From, Until time.Time
	For         time.Duration // active for this long after activation; 0 means no limit
}

// Terminal reports whether the action answers the request itself (as opposed to only delaying it).
func (a Action) Terminal() bool {
	return a.Status != 0 || a.RateLimit != nil || a.Queue != nil || a.Connection != "" || a.Mutate != ""
}

// Validate checks the rule's consistency.
func (r Rule) Validate() error {
	a := r.Action
	n := 0
	for _, set := range []bool{a.Status != 0, a.RateLimit != nil, a.Queue != nil, a.Connection != "", a.Mutate != ""} {
		if set {
			n++
		}
	}
	if a.Example != "" && a.Status == 0 {
		return &Error{Key: "example", Want: "status=N beside it"}
	}
	if n > 1 {
		return &Error{Key: "action", Want: "at most one of status, rateLimit, queue, connection (drop) and mutate; latency may join any"}
	}
	if n == 0 && a.Latency == nil {
		return &Error{Key: "action", Want: "one of status, rateLimit, queue, latency, connection (drop) or mutate"}
	}
	if a.Status != 0 && (a.Status < 100 || a.Status > 599) {
		return &Error{Key: "status", Value: strconv.Itoa(a.Status), Want: "an HTTP status 100..599"}
	}
	if w := r.When; w.Probability < 0 || w.Probability > 1 {
		return &Error{Key: "p", Value: strconv.FormatFloat(w.Probability, 'g', -1, 64), Want: "a probability in (0, 1]"}
	}
	if !r.When.From.IsZero() && !r.When.Until.IsZero() && !r.When.Until.After(r.When.From) {
		return &Error{Key: "until", Value: r.When.Until.Format(time.RFC3339), Want: "a time after from"}
	}
	return nil
}

// String renders the rule in the command-line form; Parse(r.String()) gives the rule back.
func (r Rule) String() string {
	var parts []string
	add := func(k, v string) {
		if v != "" {
			parts = append(parts, k+"="+v)
		}
	}
	add("id", r.ID)
	m := r.Match
	add("api", m.API)
	add("op", m.Op)
	add("method", m.Method)
	add("path", m.Path)
	add("session", m.Session)
	if m.Header != "" {
		h := m.Header
		if m.HeaderValue != "" {
			h += ":" + m.HeaderValue
		}
		add("header", h)
	}
	a := r.Action
	if a.Status != 0 {
		add("status", strconv.Itoa(a.Status))
	}
	add("example", a.Example)
	if a.AllowUndocumented {
		add("allowUndocumented", "true")
	}
	if rl := a.RateLimit; rl != nil {
		if rl.Spec && rl.Limit == 0 {
			add("rateLimit", "spec")
		} else {
			add("rateLimit", fmt.Sprintf("%d/%s", rl.Limit, rl.Window))
		}
		add("per", strings.Join(rl.Per, "+"))
	}
	if q := a.Queue; q != nil {
		if q.For > 0 {
			add("queue", q.For.String())
		} else {
			add("queue", strconv.Itoa(q.Times))
		}
	}
	if l := a.Latency; l != nil {
		add("latency", l.String())
	}
	add("connection", string(a.Connection))
	if a.Interval > 0 {
		add("interval", a.Interval.String())
	}
	add("mutate", string(a.Mutate))
	w := r.When
	if w.Probability > 0 {
		add("p", strconv.FormatFloat(w.Probability, 'g', -1, 64))
	}
	if w.After > 0 {
		add("after", strconv.Itoa(w.After))
	}
	if w.Times > 0 {
		add("times", strconv.Itoa(w.Times))
	}
	if !w.From.IsZero() {
		add("from", w.From.Format(time.RFC3339Nano))
	}
	if !w.Until.IsZero() {
		add("until", w.Until.Format(time.RFC3339Nano))
	}
	if w.For > 0 {
		add("for", w.For.String())
	}
	return strings.Join(parts, ",")
}

// String renders the latency in the command-line form.
func (l Latency) String() string {
	switch l.Kind {
	case LatencyUniform:
		return l.Min.String() + ".." + l.Max.String()
	case LatencyTail:
		s := "tail:" + l.P50.String() + ":" + l.P95.String()
		if l.Max > 0 {
			s += ":" + l.Max.String()
		}
		return s
	}
	return l.Fixed.String()
}

// Error is a rule that cannot be parsed: the key (or token) at fault, the value found and what was expected.
type Error struct {
	Key   string
	Value string
	Want  string
	Err   error
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Key)
	if e.Value != "" {
		fmt.Fprintf(&b, "=%s", e.Value)
	}
	b.WriteString(": expected ")
	b.WriteString(e.Want)
	if e.Err != nil {
		fmt.Fprintf(&b, " (%v)", e.Err)
	}
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }
