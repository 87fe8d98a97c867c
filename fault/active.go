package fault

import (
	"hash/fnv"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// Request is what a rule sees of one request.
type Request struct {
	API      string // mount name
	Op       string // operationId
	Method   string
	Path     string // exact request path below the mount ("/v1/contact/id:1/conversation/assignee")
	Template string // the operation's path template, with the API's base path ("/v1/contact/{identifier}/...")
	Session  string
	Header   http.Header
	Query    url.Values
	Now      time.Time
	// Limit is the API's declared rate limit, used by rules with rateLimit=spec; nil when it declares none.
	Limit *RateLimit
}

// Outcome is what an Active rule does to one request.
type Outcome struct {
	// Latency is the delay to apply before answering (0 when none).
	Latency time.Duration
	// Verdict is set for a rateLimit rule: whether the request fits the budget, and the counts.
	Verdict *Verdict
	// Queued is true when a queue rule answers "queued" to this request.
	Queued bool
	// Retry is, for a queue answer, how long until the request would pass (0 when it depends on a count).
	Retry time.Duration
	// Answer is true when the rule's terminal action (status, queue, refusal, connection, mutate) applies.
	Answer bool
}

// Active is a rule with its run-time state: counts, random source, rate-limit buckets and queue. It is safe for
// concurrent use.
type Active struct {
	Rule      Rule
	Activated time.Time

	mu       sync.Mutex // guards everything below
	matched  int
	fired    int
	rng      *rand.Rand
	limiters map[string]*Limiter // per API
	queue    map[string]*queueEntry
}

type queueEntry struct {
	count int
	first time.Time
}

// NewActive activates r at now. seed and scope (the session, typically) seed the rule's random source, so the
// same seed gives the same sequence of probabilistic decisions.
func NewActive(r Rule, seed uint64, scope string, now time.Time) *Active {
	h := fnv.New64a()
	h.Write([]byte(scope))
	h.Write([]byte{0})
	h.Write([]byte(r.ID))
	h.Write([]byte{0})
	h.Write([]byte(r.String()))
	return &Active{
		Rule:      r,
		Activated: now,
		rng:       rand.New(rand.NewPCG(seed, h.Sum64())),
		limiters:  map[string]*Limiter{},
		queue:     map[string]*queueEntry{},
	}
}

// Stats reports how many requests matched the rule and how many it answered or delayed.
func (a *Active) Stats() (matched, fired int) {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.matched, a.fired
}

// Exhausted reports whether the rule can never fire again (its times are used up or its window has closed).
func (a *Active) Exhausted(now time.Time) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	w := a.Rule.When
	return (w.Times > 0 && a.fired >= w.Times) || (!w.Until.IsZero() && !now.Before(w.Until)) ||
		(w.For > 0 && !now.Before(a.Activated.Add(w.For)))
}

// Matches reports whether the request is one the rule selects, ignoring When.
func (r Rule) Matches(req Request) bool {
	m := r.Match
	if m.API != "" && !Glob(m.API, req.API) {
		return false
	}
	if m.Op != "" && !Glob(m.Op, req.Op) {
		return false
	}
	if m.Method != "" && !strings.EqualFold(m.Method, req.Method) {
		return false
	}
	if m.Path != "" && !Glob(m.Path, req.Path) && (req.Template == "" || !Glob(m.Path, req.Template)) {
		return false
	}
	if m.Session != "" && !Glob(m.Session, req.Session) {
		return false
	}
	if m.Header != "" {
		vals := req.Header.Values(m.Header)
		if len(vals) == 0 {
			return false
		}
		if m.HeaderValue != "" {
			found := false
			for _, v := range vals {
				found = found || v == m.HeaderValue
			}
			if !found {
				return false
			}
		}
	}
	return true
}

// Decide evaluates the rule for one request and updates its state. ok is false when the rule does not match or
// does not fire; otherwise the outcome says what to do.
func (a *Active) Decide(req Request) (out Outcome, ok bool) {
	r := a.Rule
	if !r.Matches(req) {
		return Outcome{}, false
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	a.matched++
	w := r.When
	switch {
	case a.matched <= w.After,
		w.Times > 0 && a.fired >= w.Times,
		!w.From.IsZero() && req.Now.Before(w.From),
		!w.Until.IsZero() && !req.Now.Before(w.Until),
		w.For > 0 && !req.Now.Before(a.Activated.Add(w.For)):
		return Outcome{}, false
	}
	if w.Probability > 0 && w.Probability < 1 && a.rng.Float64() >= w.Probability {
		return Outcome{}, false
	}
	act := r.Action
	if act.Latency != nil {
		out.Latency = act.Latency.Sample(a.rng)
	}
	switch {
	case act.RateLimit != nil:
		rl := a.effectiveLimit(req.Limit)
		if rl == nil {
			return Outcome{}, false
		}
		lim := a.limiters[req.API]
		if lim == nil || lim.limit != rl.Limit || lim.window != rl.Window {
			lim = NewLimiter(rl.Limit, rl.Window)
			a.limiters[req.API] = lim
		}
		v := lim.Allow(bucketKey(rl.Per, req), req.Now)
		out.Verdict = &v
		out.Answer = !v.Allowed
		if v.Allowed && out.Latency == 0 {
			// Counting is not firing: only refusals (and delays) use up times.
			return out, true
		}
	case act.Queue != nil:
		key := req.Method + " " + req.Path
		e := a.queue[key]
		if e == nil {
			if len(a.queue) >= maxBuckets {
				clear(a.queue)
			}
			e = &queueEntry{first: req.Now}
			a.queue[key] = e
		}
		switch {
		case act.Queue.Times > 0 && e.count < act.Queue.Times:
			e.count++
			out.Queued = true
		case act.Queue.For > 0 && req.Now.Before(e.first.Add(act.Queue.For)):
			e.count++
			out.Queued = true
			out.Retry = e.first.Add(act.Queue.For).Sub(req.Now)
		}
		out.Answer = out.Queued
		if !out.Queued && out.Latency == 0 {
			return Outcome{}, false
		}
	default:
		out.Answer = act.Terminal()
	}
	a.fired++
	return out, true
}

// effectiveLimit merges the rule's rate limit over the API's declared one. a.mu must be held.
func (a *Active) effectiveLimit(declared *RateLimit) *RateLimit {
	own := a.Rule.Action.RateLimit
	rl := RateLimit{}
	if declared != nil {
		rl = *declared
	}
	if own.Limit > 0 {
		rl.Limit, rl.Window = own.Limit, own.Window
	}
	if len(own.Per) > 0 {
		rl.Per = own.Per
	}
	if rl.Limit <= 0 || rl.Window <= 0 {
		return nil
	}
	return &rl
}

// bucketKey joins the request's values of the key parts.
func bucketKey(per []string, req Request) string {
	var b strings.Builder
	for _, p := range per {
		name, arg, _ := strings.Cut(p, ":")
		switch name {
		case "method":
			b.WriteString(req.Method)
		case "path":
			b.WriteString(req.Path)
		case "header":
			b.WriteString(req.Header.Get(arg))
		case "query":
			b.WriteString(req.Query.Get(arg))
		}
		b.WriteByte(0)
	}
	return b.String()
}

// Glob reports whether s matches pattern, where * matches any run of characters other than '/', ** matches any
// run including '/', and ? matches one character other than '/'. Every other character matches itself.
func Glob(pattern, s string) bool {
	// dp[j] reports whether pattern[:i] matches s[:j]; computed row by row, O(len(pattern)*len(s)).
	prev := make([]bool, len(s)+1)
	cur := make([]bool, len(s)+1)
	prev[0] = true
	for i := 0; i < len(pattern); i++ {
		c := pattern[i]
		double := c == '*' && i+1 < len(pattern) && pattern[i+1] == '*'
		cur[0] = prev[0] && c == '*'
		for j := 1; j <= len(s); j++ {
			switch {
			case c == '*' && double:
				cur[j] = prev[j] || cur[j-1]
			case c == '*':
				cur[j] = prev[j] || (cur[j-1] && s[j-1] != '/')
			case c == '?':
				cur[j] = prev[j-1] && s[j-1] != '/'
			default:
				cur[j] = prev[j-1] && s[j-1] == c
			}
		}
		if double {
			i++ // the second star adds nothing
		}
		prev, cur = cur, prev
	}
	return prev[len(s)]
}
