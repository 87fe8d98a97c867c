package fault

import (
	"encoding/json"
	"math/rand/v2"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestParse(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want Rule
	}{
		{"status with times", "op=updateAssignee,status=449,times=2",
			Rule{Match: Match{Op: "updateAssignee"}, Action: Action{Status: 449}, When: When{Times: 2}}},
		{"bare status", "429", Rule{Action: Action{Status: 429}}},
		{"drop", "drop", Rule{Action: Action{Connection: ConnReset}}},
		{"latency fixed", "latency=800ms", Rule{Action: Action{Latency: &Latency{Kind: LatencyFixed, Fixed: 800 * time.Millisecond}}}},
		{"latency uniform", "latency=200ms..2s",
			Rule{Action: Action{Latency: &Latency{Kind: LatencyUniform, Min: 200 * time.Millisecond, Max: 2 * time.Second}}}},
		{"latency tail", "api=*,latency=tail:120ms:2s:10s",
			Rule{Match: Match{API: "*"}, Action: Action{Latency: &Latency{Kind: LatencyTail, P50: 120 * time.Millisecond, P95: 2 * time.Second, Max: 10 * time.Second}}}},
		{"rate limit spec", "api=aelyst,rateLimit=spec", Rule{Match: Match{API: "aelyst"}, Action: Action{RateLimit: &RateLimit{Spec: true}}}},
		{"rate limit own", "rateLimit=5/1s,per=header:Authorization+method+path",
			Rule{Action: Action{RateLimit: &RateLimit{Limit: 5, Window: time.Second, Per: []string{"header:Authorization", "method", "path"}}}}},
		{"queue times", "op=createContact,queue=2", Rule{Match: Match{Op: "createContact"}, Action: Action{Queue: &Queue{Times: 2}}}},
		{"queue for", "queue=30s", Rule{Action: Action{Queue: &Queue{For: 30 * time.Second}}}},
		{"match all", "api=carecycle,method=patch,path=/v2/**,session=ci-*,header=X-Tenant:acme,status=500,p=5%,after=3,for=10m",
			Rule{Match: Match{API: "carecycle", Method: "PATCH", Path: "/v2/**", Session: "ci-*", Header: "X-Tenant", HeaderValue: "acme"},
				Action: Action{Status: 500}, When: When{Probability: 0.05, After: 3, For: 10 * time.Minute}}},
		{"window", "status=503,allowUndocumented=true,from=2026-11-21T09:00:00Z,until=2026-11-21T10:00:00Z",
			Rule{Action: Action{Status: 503, AllowUndocumented: true},
				When: When{From: time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC), Until: time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)}}},
		{"drip and latency", "connection=drip,interval=50ms,latency=1s",
			Rule{Action: Action{Connection: ConnDrip, Interval: 50 * time.Millisecond, Latency: &Latency{Kind: LatencyFixed, Fixed: time.Second}}}},
		{"mutate", "op=getContact,mutate=enumOutside", Rule{Match: Match{Op: "getContact"}, Action: Action{Mutate: MutEnumOutside}}},
		{"example", "status=422,example=invalidId", Rule{Action: Action{Status: 422, Example: "invalidId"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse(tt.in)
			require.NoError(t, err)
			require.Equal(t, tt.want, got)
			again, err := Parse(got.String())
			require.NoError(t, err, "String() = %q", got.String())
			require.Equal(t, got, again)
			data, err := json.Marshal(got)
			require.NoError(t, err)
			var fromJSON Rule
			require.NoError(t, json.Unmarshal(data, &fromJSON), "%s", data)
			require.Equal(t, got, fromJSON)
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", "rule: expected comma-separated key=value tokens"},
		{"op=x", "action: expected one of status"},
		{"status=abc", "status=abc: expected an HTTP status 100..599"},
		{"status=700", "status=700: expected an HTTP status"},
		{"colour=red,status=500", "colour: expected one of id, api"},
		{"status=500,drop", "action: expected at most one of"},
		{"latency=fast", "latency=fast: expected a duration (800ms)"},
		{"latency=tail:2s:1s", "P50 < P95"},
		{"queue=-1", "queue=-1: expected a positive number of times"},
		{"rateLimit=five", "rateLimit=five: expected spec or LIMIT/WINDOW"},
		{"rateLimit=5/1s,per=body", "per=body: expected header:<Name>"},
		{"per=method,status=500", "per: expected rateLimit beside it"},
		{"status=500,p=2", "p=2: expected a probability in (0, 1]"},
		{"status=500,times=x", "times=x: expected a whole number"},
		{"status=500,from=yesterday", "from=yesterday: expected an RFC 3339 time"},
		{"status=500,status=501", "status=501: expected each key once"},
		{"status=500,,times=1", "no empty token"},
		{"status", "status: expected key=value"},
		{"connection=explode", "connection=explode: expected reset, close, truncate or drip"},
		{"mutate=everything", "mutate=everything: expected wrongType"},
		{"example=x", "example: expected status=N beside it"},
		{"path=v2,status=500", "path=v2: expected a path glob starting with /"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			_, err := Parse(tt.in)
			require.Error(t, err)
			require.Contains(t, err.Error(), tt.want)
			var fe *Error
			require.ErrorAs(t, err, &fe)
		})
	}
}

func TestFromMapObjects(t *testing.T) {
	got, err := FromMap(map[string]any{
		"api":       "aelyst",
		"rateLimit": map[string]any{"limit": 5.0, "window": "1s", "per": []any{"method", "path"}},
		"latency":   map[string]any{"p50": "100ms", "p95": "2s"},
		"times":     3.0,
	})
	require.NoError(t, err)
	require.Equal(t, Rule{Match: Match{API: "aelyst"}, Action: Action{
		RateLimit: &RateLimit{Limit: 5, Window: time.Second, Per: []string{"method", "path"}},
		Latency:   &Latency{Kind: LatencyTail, P50: 100 * time.Millisecond, P95: 2 * time.Second},
	}, When: When{Times: 3}}, got)

	_, err = FromMap(map[string]any{"latency": map[string]any{"min": "1s", "max": "10ms"}})
	require.ErrorContains(t, err, "min <= max")
	_, err = FromMap(map[string]any{"status": []any{1}})
	require.ErrorContains(t, err, "status=a list: expected a string, number or boolean")
}

func TestGlob(t *testing.T) {
	tests := []struct {
		pattern, s string
		want       bool
	}{
		{"/v2/*", "/v2/campaigns", true},
		{"/v2/*", "/v2/campaigns/appointment-configs", false},
		{"/v2/**", "/v2/campaigns/appointment-configs", true},
		{"/contact/*/conversation/*", "/contact/id:1/conversation/assignee", true},
		{"update*", "updateAssignee", true},
		{"update?", "updateAssignee", false},
		{"*", "", true},
		{"", "", true},
		{"a", "", false},
		{"**", "/any/thing", true},
	}
	for _, tt := range tests {
		t.Run(tt.pattern+" "+tt.s, func(t *testing.T) {
			require.Equal(t, tt.want, Glob(tt.pattern, tt.s))
		})
	}
}

func TestDecideWhen(t *testing.T) {
	t0 := time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC)
	req := Request{API: "aelyst", Op: "updateAssignee", Method: "POST", Path: "/v1/contact/id:1/conversation/assignee", Now: t0}
	fires := func(rule string, reqs ...Request) []bool {
		r, err := Parse(rule)
		require.NoError(t, err)
		a := NewActive(r, 1, "default", t0)
		var out []bool
		for _, rq := range reqs {
			_, ok := a.Decide(rq)
			out = append(out, ok)
		}
		return out
	}
	at := func(d time.Duration) Request { r := req; r.Now = t0.Add(d); return r }
	other := req
	other.Op = "getContact"
	tests := []struct {
		name string
		rule string
		reqs []Request
		want []bool
	}{
		{"times", "status=449,times=2", []Request{req, req, req}, []bool{true, true, false}},
		{"after", "status=500,after=2", []Request{req, req, req, req}, []bool{false, false, true, true}},
		{"after and times", "status=500,after=1,times=1", []Request{req, req, req}, []bool{false, true, false}},
		{"op mismatch does not count", "op=updateAssignee,status=500,times=1", []Request{other, req, req}, []bool{false, true, false}},
		{"for", "status=500,for=1m", []Request{at(0), at(59 * time.Second), at(time.Minute)}, []bool{true, true, false}},
		{"from until", "status=500,from=2026-11-21T09:00:10Z,until=2026-11-21T09:00:20Z",
			[]Request{at(0), at(10 * time.Second), at(19 * time.Second), at(20 * time.Second)}, []bool{false, true, true, false}},
		{"header", "header=X-Tenant:acme,status=500", []Request{req}, []bool{false}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.Equal(t, tt.want, fires(tt.rule, tt.reqs...))
		})
	}
	t.Run("header matches", func(t *testing.T) {
		r := req
		r.Header = http.Header{"X-Tenant": {"acme"}}
		require.Equal(t, []bool{true}, fires("header=X-Tenant:acme,status=500", r))
	})
}

func TestProbabilityIsSeeded(t *testing.T) {
	r, err := Parse("status=500,p=0.3")
	require.NoError(t, err)
	req := Request{Method: "GET", Path: "/x", Now: time.Unix(0, 0)}
	seq := func(seed uint64, scope string) []bool {
		a := NewActive(r, seed, scope, req.Now)
		out := make([]bool, 200)
		for i := range out {
			_, out[i] = a.Decide(req)
		}
		return out
	}
	first := seq(42, "default")
	require.Equal(t, first, seq(42, "default"), "same seed, same sequence")
	require.NotEqual(t, first, seq(43, "default"), "another seed, another sequence")
	n := 0
	for _, f := range first {
		if f {
			n++
		}
	}
	require.InDelta(t, 60, n, 25, "about 30%% of 200 fire")
}

func TestLimiter(t *testing.T) {
	t0 := time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC)
	l := NewLimiter(3, time.Minute)
	var got []Verdict
	for _, d := range []time.Duration{0, 10 * time.Second, 20 * time.Second, 30 * time.Second} {
		got = append(got, l.Allow("k", t0.Add(d)))
	}
	require.Equal(t, []int{2, 1, 0, 0}, []int{got[0].Remaining, got[1].Remaining, got[2].Remaining, got[3].Remaining})
	require.Equal(t, []bool{true, true, true, false}, []bool{got[0].Allowed, got[1].Allowed, got[2].Allowed, got[3].Allowed})
	require.Equal(t, 30*time.Second, got[3].RetryAfter, "the first request leaves the window at 60s")
	require.Equal(t, 30, got[3].RetryAfterSeconds())

	require.True(t, l.Allow("other", t0.Add(30*time.Second)).Allowed, "keys are counted apart")
	require.False(t, l.Allow("k", t0.Add(59*time.Second)).Allowed)
	v := l.Allow("k", t0.Add(60*time.Second))
	require.True(t, v.Allowed, "a slot frees when the oldest request is a window old")
	require.Equal(t, 0, v.Remaining)
	v = l.Allow("k", t0.Add(60*time.Second+500*time.Millisecond))
	require.False(t, v.Allowed)
	require.Equal(t, 9500*time.Millisecond, v.RetryAfter)
	require.Equal(t, 10, v.RetryAfterSeconds(), "rounded up")
}

func TestDecideRateLimitPerKey(t *testing.T) {
	t0 := time.Unix(1_800_000_000, 0)
	r, err := Parse("rateLimit=spec")
	require.NoError(t, err)
	a := NewActive(r, 1, "default", t0)
	spec := &RateLimit{Limit: 2, Window: time.Second, Per: []string{"header:Authorization", "method", "path"}}
	mk := func(path, token string, d time.Duration) Request {
		return Request{API: "aelyst", Method: "POST", Path: path, Header: http.Header{"Authorization": {token}}, Now: t0.Add(d), Limit: spec}
	}
	var allowed []bool
	for _, rq := range []Request{mk("/a", "t1", 0), mk("/a", "t1", 0), mk("/a", "t1", 0), mk("/b", "t1", 0), mk("/a", "t2", 0), mk("/a", "t1", time.Second)} {
		out, ok := a.Decide(rq)
		require.True(t, ok)
		require.NotNil(t, out.Verdict)
		require.Equal(t, !out.Verdict.Allowed, out.Answer)
		allowed = append(allowed, out.Verdict.Allowed)
	}
	require.Equal(t, []bool{true, true, false, true, true, true}, allowed)

	noSpec := mk("/a", "t1", 0)
	noSpec.Limit = nil
	_, ok := NewActive(r, 1, "s", t0).Decide(noSpec)
	require.False(t, ok, "rateLimit=spec on an API without a declared limit does nothing")

	own, err := Parse("rateLimit=1/1m")
	require.NoError(t, err)
	b := NewActive(own, 1, "s", t0)
	out, _ := b.Decide(mk("/a", "t1", 0))
	require.True(t, out.Verdict.Allowed)
	out, _ = b.Decide(mk("/a", "t1", 30*time.Second))
	require.False(t, out.Verdict.Allowed, "the rule's limit (1 a minute) overrides the spec's (2 a second)")
	require.Equal(t, 30, out.Verdict.RetryAfterSeconds())
	out, _ = b.Decide(mk("/b", "t1", 30*time.Second))
	require.True(t, out.Verdict.Allowed, "the spec's key parts stay")
}

func TestDecideQueue(t *testing.T) {
	t0 := time.Unix(1_800_000_000, 0)
	req := func(path string, d time.Duration) Request {
		return Request{Method: "POST", Path: path, Now: t0.Add(d)}
	}
	r, err := Parse("queue=2")
	require.NoError(t, err)
	a := NewActive(r, 1, "s", t0)
	var queued []bool
	for _, rq := range []Request{req("/a", 0), req("/b", 0), req("/a", 0), req("/a", 0), req("/b", 0), req("/b", 0)} {
		out, _ := a.Decide(rq)
		queued = append(queued, out.Queued)
	}
	require.Equal(t, []bool{true, true, true, false, true, false}, queued, "each request is queued twice, then passes")

	r, err = Parse("queue=30s")
	require.NoError(t, err)
	a = NewActive(r, 1, "s", t0)
	out, _ := a.Decide(req("/a", 0))
	require.True(t, out.Queued)
	require.Equal(t, 30*time.Second, out.Retry)
	out, _ = a.Decide(req("/a", 29*time.Second))
	require.True(t, out.Queued)
	_, ok := a.Decide(req("/a", 30*time.Second))
	require.False(t, ok)
}

func TestLatencySample(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	uni := Latency{Kind: LatencyUniform, Min: 100 * time.Millisecond, Max: 200 * time.Millisecond}
	tail := Latency{Kind: LatencyTail, P50: 100 * time.Millisecond, P95: 2 * time.Second}
	var tails []time.Duration
	for range 2000 {
		d := uni.Sample(rng)
		require.GreaterOrEqual(t, d, 100*time.Millisecond)
		require.LessOrEqual(t, d, 200*time.Millisecond)
		tails = append(tails, tail.Sample(rng))
	}
	below := func(limit time.Duration) float64 {
		n := 0
		for _, d := range tails {
			if d <= limit {
				n++
			}
		}
		return float64(n) / float64(len(tails))
	}
	require.InDelta(t, 0.5, below(100*time.Millisecond), 0.05, "P50")
	require.InDelta(t, 0.95, below(2*time.Second), 0.02, "P95")
	require.Equal(t, 1.0, below(40*time.Second), "capped at 20 x P95")
	require.Equal(t, 800*time.Millisecond, Latency{Kind: LatencyFixed, Fixed: 800 * time.Millisecond}.Sample(rng))
}

func FuzzRule(f *testing.F) {
	for _, s := range []string{
		"op=updateAssignee,status=449,times=2", "429", "drop", "latency=800ms", "latency=tail:120ms:2s",
		"rateLimit=5/1s,per=method+path", "queue=30s,api=aelyst", "p=5%,drop,path=/v2/**", "status=500,from=2026-11-21T09:00:00Z",
		"mutate=wrongType,op=get*", "header=X-A:b,latency=1s..2s",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := Parse(s)
		if err != nil {
			var fe *Error
			require.ErrorAs(t, err, &fe)
			return
		}
		require.NoError(t, r.Validate())
		data, err := json.Marshal(r)
		require.NoError(t, err)
		var back Rule
		require.NoError(t, json.Unmarshal(data, &back), "%s", data)
		require.Equal(t, r.Map(), back.Map())
		_ = Glob(r.Match.Path, s)
	})
}
