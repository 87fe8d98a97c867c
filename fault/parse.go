package fault

import (
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Keys lists every key a rule may carry, in the command-line form and in JSON/YAML alike.
func Keys() []string { return slices.Clone(ruleKeys) }

// ruleKeys is the table behind Keys; never written.
var ruleKeys = []string{
	"id", "api", "op", "method", "path", "session", "header",
	"status", "example", "allowUndocumented", "rateLimit", "per", "queue", "latency", "drop", "connection",
	"interval", "mutate",
	"p", "after", "times", "from", "until", "for",
}

// Parse reads a rule in the command-line form: comma-separated key=value tokens, for example
// "op=updateAssignee,status=449,times=2". The bare token "drop" means connection=reset and a bare number N
// means status=N. Errors name the token at fault and what was expected.
func Parse(s string) (Rule, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return Rule{}, &Error{Key: "rule", Want: "comma-separated key=value tokens, e.g. op=updateAssignee,status=449,times=2"}
	}
	if !utf8.ValidString(s) {
		return Rule{}, &Error{Key: "rule", Want: "UTF-8 text"}
	}
	m := map[string]any{}
	for _, tok := range strings.Split(s, ",") {
		tok = strings.TrimSpace(tok)
		k, v, hasValue := strings.Cut(tok, "=")
		k = strings.TrimSpace(k)
		switch {
		case tok == "":
			return Rule{}, &Error{Key: "rule", Value: s, Want: "no empty token between commas"}
		case !hasValue && k == "drop":
			v = "true"
		case !hasValue && isDigits(k):
			k, v = "status", k
		case !hasValue:
			return Rule{}, &Error{Key: k, Want: "key=value (or the bare tokens drop and a status number)"}
		}
		if _, dup := m[k]; dup {
			return Rule{}, &Error{Key: k, Value: v, Want: "each key once"}
		}
		m[k] = strings.TrimSpace(v)
	}
	return FromMap(m)
}

// FromMap reads a rule from a decoded JSON or YAML object with the keys of the command-line form. Values may
// be strings (parsed as on the command line) or native numbers, booleans and lists; rateLimit and latency also
// accept objects ({limit, window, per}; {fixed} | {min, max} | {p50, p95, max}).
func FromMap(m map[string]any) (Rule, error) {
	var r Rule
	for _, k := range slices.Sorted(maps.Keys(m)) {
		if !slices.Contains(ruleKeys, k) {
			return Rule{}, &Error{Key: k, Want: "one of " + strings.Join(ruleKeys, ", ")}
		}
	}
	str := func(k string) (string, bool, error) {
		v, ok := m[k]
		if !ok || v == nil {
			return "", false, nil
		}
		switch x := v.(type) {
		case string:
			return x, true, nil
		case bool:
			return strconv.FormatBool(x), true, nil
		case float64:
			return strconv.FormatFloat(x, 'f', -1, 64), true, nil
		case int:
			return strconv.Itoa(x), true, nil
		case int64:
			return strconv.FormatInt(x, 10), true, nil
		case uint64:
			return strconv.FormatUint(x, 10), true, nil
		case time.Time: // YAML decodes unquoted timestamps
			return x.Format(time.RFC3339Nano), true, nil
		}
		return "", true, &Error{Key: k, Value: describe(v), Want: "a string, number or boolean"}
	}
	var firstErr error
	get := func(k string) (string, bool) {
		v, ok, err := str(k)
		if err != nil && firstErr == nil {
			firstErr = err
		}
		return v, ok && err == nil
	}
	fail := func(err error) {
		if firstErr == nil {
			firstErr = err
		}
	}
	r.ID, _ = get("id")
	r.Match.API, _ = get("api")
	r.Match.Op, _ = get("op")
	if v, ok := get("method"); ok {
		r.Match.Method = strings.ToUpper(v)
		if !isToken(v) {
			fail(&Error{Key: "method", Value: v, Want: "an HTTP method such as GET or PATCH"})
		}
	}
	if v, ok := get("path"); ok {
		if !strings.HasPrefix(v, "/") {
			fail(&Error{Key: "path", Value: v, Want: "a path glob starting with /"})
		}
		r.Match.Path = v
	}
	r.Match.Session, _ = get("session")
	if v, ok := get("header"); ok {
		name, value, _ := strings.Cut(v, ":")
		r.Match.Header, r.Match.HeaderValue = strings.TrimSpace(name), strings.TrimSpace(value)
		if !isToken(r.Match.Header) {
			fail(&Error{Key: "header", Value: v, Want: "Name or Name:value"})
		}
	}
	if v, ok := get("status"); ok {
		n, err := strconv.Atoi(v)
		if err != nil || n < 100 || n > 599 {
			fail(&Error{Key: "status", Value: v, Want: "an HTTP status 100..599"})
		}
		r.Action.Status = n
	}
	r.Action.Example, _ = get("example")
	if v, ok := get("allowUndocumented"); ok {
		b, err := strconv.ParseBool(v)
		if err != nil {
			fail(&Error{Key: "allowUndocumented", Value: v, Want: "true or false"})
		}
		r.Action.AllowUndocumented = b
	}
	if raw, ok := m["rateLimit"]; ok && raw != nil {
		rl, err := parseRateLimit(raw)
		if err != nil {
			fail(err)
		}
		r.Action.RateLimit = rl
	}
	if raw, ok := m["per"]; ok && raw != nil {
		per, err := parsePer(raw)
		if err != nil {
			fail(err)
		}
		if r.Action.RateLimit == nil {
			fail(&Error{Key: "per", Want: "rateLimit beside it"})
		} else {
			r.Action.RateLimit.Per = per
		}
	}
	if v, ok := get("queue"); ok {
		q := &Queue{}
		if n, err := strconv.Atoi(v); err == nil && n > 0 {
			q.Times = n
		} else if d, err := time.ParseDuration(v); err == nil && d > 0 {
			q.For = d
		} else {
			fail(&Error{Key: "queue", Value: v, Want: "a positive number of times (queue=2) or a duration (queue=30s)"})
		}
		r.Action.Queue = q
	}
	if raw, ok := m["latency"]; ok && raw != nil {
		l, err := parseLatencyValue(raw)
		if err != nil {
			fail(err)
		}
		r.Action.Latency = l
	}
	if v, ok := get("drop"); ok {
		b, err := strconv.ParseBool(v)
		if err != nil {
			fail(&Error{Key: "drop", Value: v, Want: "true (or the bare token drop)"})
		}
		if b {
			r.Action.Connection = ConnReset
		}
	}
	if v, ok := get("connection"); ok {
		c := Connection(v)
		if !slices.Contains([]Connection{ConnReset, ConnClose, ConnTruncate, ConnDrip}, c) {
			fail(&Error{Key: "connection", Value: v, Want: "reset, close, truncate or drip"})
		}
		if r.Action.Connection != "" && r.Action.Connection != c {
			fail(&Error{Key: "connection", Value: v, Want: "either drop or connection, not both"})
		}
		r.Action.Connection = c
	}
	if v, ok := get("interval"); ok {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			fail(&Error{Key: "interval", Value: v, Want: "a positive duration such as 200ms"})
		}
		r.Action.Interval = d
	}
	if v, ok := get("mutate"); ok {
		mu := Mutation(v)
		if !slices.Contains([]Mutation{MutWrongType, MutMissingRequired, MutEnumOutside, MutUndocumentedStatus}, mu) {
			fail(&Error{Key: "mutate", Value: v, Want: "wrongType, missingRequired, enumOutside or undocumentedStatus"})
		}
		r.Action.Mutate = mu
	}
	if v, ok := get("p"); ok {
		p, err := strconv.ParseFloat(strings.TrimSuffix(v, "%"), 64)
		if strings.HasSuffix(v, "%") {
			p /= 100
		}
		if err != nil || !(p > 0 && p <= 1) || math.IsNaN(p) {
			fail(&Error{Key: "p", Value: v, Want: "a probability in (0, 1], such as 0.05 or 5%"})
		}
		r.When.Probability = p
	}
	for _, k := range []string{"after", "times"} {
		if v, ok := get(k); ok {
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 {
				fail(&Error{Key: k, Value: v, Want: "a whole number of requests"})
			}
			if k == "after" {
				r.When.After = n
			} else {
				r.When.Times = n
			}
		}
	}
	for _, k := range []string{"from", "until"} {
		if v, ok := get(k); ok {
			t, err := time.Parse(time.RFC3339Nano, v)
			if err != nil {
				fail(&Error{Key: k, Value: v, Want: "an RFC 3339 time such as 2026-11-21T09:00:00Z"})
			}
			if k == "from" {
				r.When.From = t
			} else {
				r.When.Until = t
			}
		}
	}
	if v, ok := get("for"); ok {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			fail(&Error{Key: "for", Value: v, Want: "a positive duration such as 10m"})
		}
		r.When.For = d
	}
	if firstErr != nil {
		return Rule{}, firstErr
	}
	if err := r.Validate(); err != nil {
		return Rule{}, err
	}
	return r, nil
}

func parseRateLimit(raw any) (*RateLimit, error) {
	switch x := raw.(type) {
	case string:
		if x == "spec" || x == "true" {
			return &RateLimit{Spec: true}, nil
		}
		n, w, ok := strings.Cut(x, "/")
		limit, err1 := strconv.Atoi(n)
		window, err2 := time.ParseDuration(w)
		if !ok || err1 != nil || err2 != nil || limit <= 0 || window <= 0 {
			return nil, &Error{Key: "rateLimit", Value: x, Want: "spec or LIMIT/WINDOW such as 5/1s or 60/1m"}
		}
		return &RateLimit{Limit: limit, Window: window}, nil
	case bool:
		if x {
			return &RateLimit{Spec: true}, nil
		}
		return nil, nil
	case map[string]any:
		rl := &RateLimit{}
		for _, k := range slices.Sorted(maps.Keys(x)) {
			if !slices.Contains([]string{"limit", "window", "per"}, k) {
				return nil, &Error{Key: "rateLimit." + k, Want: "one of limit, window, per"}
			}
		}
		switch n := x["limit"].(type) {
		case float64:
			rl.Limit = int(n)
		case int:
			rl.Limit = n
		case string:
			rl.Limit, _ = strconv.Atoi(n)
		}
		if rl.Limit <= 0 || rl.Limit > 1_000_000 {
			return nil, &Error{Key: "rateLimit.limit", Value: describe(x["limit"]), Want: "a positive number of requests"}
		}
		w, _ := x["window"].(string)
		d, err := time.ParseDuration(w)
		if err != nil || d <= 0 {
			return nil, &Error{Key: "rateLimit.window", Value: w, Want: "a positive duration such as 1s or 60s"}
		}
		rl.Window = d
		if per, ok := x["per"]; ok && per != nil {
			p, err := parsePer(per)
			if err != nil {
				return nil, err
			}
			rl.Per = p
		}
		return rl, nil
	}
	return nil, &Error{Key: "rateLimit", Value: describe(raw), Want: "spec, LIMIT/WINDOW or {limit, window, per}"}
}

func parsePer(raw any) ([]string, error) {
	var parts []string
	switch x := raw.(type) {
	case string:
		for p := range strings.SplitSeq(x, "+") {
			parts = append(parts, strings.TrimSpace(p))
		}
	case []any:
		for _, p := range x {
			s, ok := p.(string)
			if !ok {
				return nil, &Error{Key: "per", Value: describe(p), Want: "a list of key parts"}
			}
			parts = append(parts, s)
		}
	case []string:
		parts = slices.Clone(x)
	default:
		return nil, &Error{Key: "per", Value: describe(raw), Want: "key parts joined by + (header:X-Api-Key+method+path) or a list"}
	}
	for _, p := range parts {
		name, arg, _ := strings.Cut(p, ":")
		switch {
		case (name == "method" || name == "path") && arg == "":
		case (name == "header" || name == "query") && arg != "":
		default:
			return nil, &Error{Key: "per", Value: p, Want: "header:<Name>, query:<name>, method or path"}
		}
	}
	return parts, nil
}

func parseLatencyValue(raw any) (*Latency, error) {
	switch x := raw.(type) {
	case string:
		return ParseLatency(x)
	case float64:
		return &Latency{Kind: LatencyFixed, Fixed: time.Duration(x) * time.Millisecond}, nil
	case int:
		return &Latency{Kind: LatencyFixed, Fixed: time.Duration(x) * time.Millisecond}, nil
	case map[string]any:
		d := map[string]time.Duration{}
		for _, k := range slices.Sorted(maps.Keys(x)) {
			if !slices.Contains([]string{"fixed", "min", "max", "p50", "p95"}, k) {
				return nil, &Error{Key: "latency." + k, Want: "one of fixed, min, max, p50, p95"}
			}
			s, _ := x[k].(string)
			v, err := time.ParseDuration(s)
			if err != nil || v < 0 {
				return nil, &Error{Key: "latency." + k, Value: describe(x[k]), Want: "a duration such as 800ms"}
			}
			d[k] = v
		}
		switch {
		case len(d) == 1 && d["fixed"] > 0:
			return &Latency{Kind: LatencyFixed, Fixed: d["fixed"]}, nil
		case d["p50"] > 0 && d["p95"] > d["p50"] && len(d) <= 3 && (d["max"] == 0 || d["max"] >= d["p95"]):
			return &Latency{Kind: LatencyTail, P50: d["p50"], P95: d["p95"], Max: d["max"]}, nil
		case len(d) == 2 && d["max"] > 0 && d["max"] >= d["min"]:
			if _, ok := x["min"]; ok {
				return &Latency{Kind: LatencyUniform, Min: d["min"], Max: d["max"]}, nil
			}
		}
		return nil, &Error{Key: "latency", Value: describe(raw), Want: "{fixed}, {min, max} with min <= max, or {p50, p95[, max]} with p50 < p95 <= max"}
	}
	return nil, &Error{Key: "latency", Value: describe(raw), Want: "a duration, MIN..MAX, tail:P50:P95[:MAX] or an object"}
}

// ParseLatency reads a latency in the command-line form: "800ms" (fixed), "200ms..2s" (uniform) or
// "tail:120ms:2s[:10s]" (log-normal with that median and 95th percentile, optionally capped).
func ParseLatency(s string) (*Latency, error) {
	bad := &Error{Key: "latency", Value: s, Want: "a duration (800ms), a range MIN..MAX (200ms..2s) or tail:P50:P95[:MAX] (tail:120ms:2s)"}
	if rest, ok := strings.CutPrefix(s, "tail:"); ok {
		parts := strings.Split(rest, ":")
		if len(parts) < 2 || len(parts) > 3 {
			return nil, bad
		}
		var d [3]time.Duration
		for i, p := range parts {
			v, err := time.ParseDuration(p)
			if err != nil || v <= 0 {
				return nil, bad
			}
			d[i] = v
		}
		if d[1] <= d[0] || (d[2] != 0 && d[2] < d[1]) {
			bad.Want = "tail:P50:P95[:MAX] with P50 < P95 <= MAX"
			return nil, bad
		}
		return &Latency{Kind: LatencyTail, P50: d[0], P95: d[1], Max: d[2]}, nil
	}
	if lo, hi, ok := strings.Cut(s, ".."); ok {
		a, err1 := time.ParseDuration(lo)
		b, err2 := time.ParseDuration(hi)
		if err1 != nil || err2 != nil || a < 0 || b < a {
			return nil, bad
		}
		return &Latency{Kind: LatencyUniform, Min: a, Max: b}, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return nil, bad
	}
	return &Latency{Kind: LatencyFixed, Fixed: d}, nil
}

// Map renders the rule as a JSON/YAML object with the keys of the command-line form; FromMap reads it back.
func (r Rule) Map() map[string]any {
	out := map[string]any{}
	put := func(k, v string) {
		if v != "" {
			out[k] = v
		}
	}
	put("id", r.ID)
	put("api", r.Match.API)
	put("op", r.Match.Op)
	put("method", r.Match.Method)
	put("path", r.Match.Path)
	put("session", r.Match.Session)
	if r.Match.Header != "" {
		h := r.Match.Header
		if r.Match.HeaderValue != "" {
			h += ":" + r.Match.HeaderValue
		}
		out["header"] = h
	}
	a := r.Action
	if a.Status != 0 {
		out["status"] = a.Status
	}
	put("example", a.Example)
	if a.AllowUndocumented {
		out["allowUndocumented"] = true
	}
	if rl := a.RateLimit; rl != nil {
		if rl.Spec && rl.Limit == 0 {
			out["rateLimit"] = "spec"
		} else {
			out["rateLimit"] = fmt.Sprintf("%d/%s", rl.Limit, rl.Window)
		}
		if len(rl.Per) > 0 {
			out["per"] = slices.Clone(rl.Per)
		}
	}
	if q := a.Queue; q != nil {
		if q.For > 0 {
			out["queue"] = q.For.String()
		} else {
			out["queue"] = q.Times
		}
	}
	if a.Latency != nil {
		out["latency"] = a.Latency.String()
	}
	put("connection", string(a.Connection))
	if a.Interval > 0 {
		out["interval"] = a.Interval.String()
	}
	put("mutate", string(a.Mutate))
	w := r.When
	if w.Probability > 0 {
		out["p"] = w.Probability
	}
	if w.After > 0 {
		out["after"] = w.After
	}
	if w.Times > 0 {
		out["times"] = w.Times
	}
	if !w.From.IsZero() {
		out["from"] = w.From.Format(time.RFC3339Nano)
	}
	if !w.Until.IsZero() {
		out["until"] = w.Until.Format(time.RFC3339Nano)
	}
	if w.For > 0 {
		out["for"] = w.For.String()
	}
	return out
}

// MarshalJSON renders the rule as Map does.
func (r Rule) MarshalJSON() ([]byte, error) { return json.Marshal(r.Map()) }

// UnmarshalJSON reads a rule object as FromMap does.
func (r *Rule) UnmarshalJSON(data []byte) error {
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		return fmt.Errorf("fault rule: expected a JSON object: %w", err)
	}
	rule, err := FromMap(m)
	if err != nil {
		return err
	}
	*r = rule
	return nil
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// isToken reports whether s is a non-empty HTTP token (header names, methods).
func isToken(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.ContainsRune("!#$%&'*+-.^_`|~", c)) {
			return false
		}
	}
	return true
}

func describe(v any) string {
	switch x := v.(type) {
	case nil:
		return "nothing"
	case string:
		return x
	case float64, int, int64, bool:
		return fmt.Sprint(x)
	case []any:
		return "a list"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", v)
}
