package mock

import (
	"crypto/sha256"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/standin/standin/openapi"
)

// value evaluates an expression; ok is false when the value is absent from the request or the state.
func (br *behaviourRun) value(e openapi.Expr) (any, bool) {
	if e.IsLiteral() {
		return e.Literal, true
	}
	// e.Root() and e.Path() without their allocations: a path of one name (the usual one) is held on the stack.
	root, rest, _ := strings.Cut(strings.TrimPrefix(e.Ref, "$"), ".")
	var one [1]string
	var path []string
	switch {
	case rest == "":
	case strings.IndexByte(rest, '.') < 0:
		one[0] = rest
		path = one[:]
	default:
		path = strings.Split(rest, ".")
	}
	switch root {
	case "path":
		v, ok := br.ex.params[path[0]]
		return v, ok
	case "query":
		v, ok := br.queryValue(path[0])
		if ok && len(path) > 1 {
			return walk(v, path[1:]) // a part of a deepObject parameter (created[gte])
		}
		return v, ok
	case "header":
		v := br.r.Header.Values(path[0])
		if len(v) == 0 {
			return nil, false
		}
		return v[0], true
	case "body":
		if !br.hasBod {
			return nil, false
		}
		return walk(br.body, path)
	case "now":
		return nowValue(br.now), true
	case "nowUnix":
		return float64(br.now.Unix()), true
	case "clientId":
		return derivedUUID(br.rt.api.Name, "client", br.credential()), true
	case "userId":
		return derivedUUID(br.rt.api.Name, "user", br.credential()), true
	case "before":
		if br.beforeRecord() == nil {
			return nil, false
		}
		return walk(map[string]any(br.before), path)
	case "after":
		if br.afterRecord() == nil {
			return nil, false
		}
		return walk(map[string]any(br.after), path)
	case "record":
		rec := br.afterRecord()
		if rec == nil {
			rec = br.beforeRecord()
		}
		if rec == nil {
			return nil, false
		}
		return walk(map[string]any(rec), path)
	case "list":
		return br.list, br.list != nil
	case "total":
		return float64(br.total), true
	case "ref":
		v, ok := br.refs[path[0]]
		if !ok {
			return nil, false
		}
		return walk(v, path[1:])
	case "labels":
		v, ok := br.labels[path[0]]
		return v, ok
	}
	return nil, false
}

// lastNow is the last $now made: requests within one millisecond share its text, boxed once.
var lastNow atomic.Pointer[nowText]

type nowText struct {
	ms int64 // Unix milliseconds
	v  any   // formatNow's text
}

// nowValue is formatNow(t) as an any, shared with the other requests of the same millisecond.
func nowValue(t time.Time) any {
	ms := t.UnixMilli()
	if last := lastNow.Load(); last != nil && last.ms == ms {
		return last.v
	}
	n := &nowText{ms: ms, v: formatNow(t)}
	lastNow.Store(n)
	return n.v
}

// nowLayout is how $now is written: RFC 3339 in UTC with milliseconds.
const nowLayout = "2006-01-02T15:04:05.000Z07:00"

// formatNow is t.UTC().Format(nowLayout), written digit by digit for the years of four digits.
func formatNow(t time.Time) string {
	t = t.UTC()
	year, month, day := t.Date()
	if year < 0 || year > 9999 {
		return t.Format(nowLayout)
	}
	hour, minute, sec := t.Clock()
	ms := t.Nanosecond() / int(time.Millisecond)
	var b [24]byte
	put := func(at, v, digits int) {
		for i := at + digits - 1; i >= at; i-- {
			b[i] = byte('0' + v%10)
			v /= 10
		}
	}
	put(0, year, 4)
	b[4] = '-'
	put(5, int(month), 2)
	b[7] = '-'
	put(8, day, 2)
	b[10] = 'T'
	put(11, hour, 2)
	b[13] = ':'
	put(14, minute, 2)
	b[16] = ':'
	put(17, sec, 2)
	b[19] = '.'
	put(20, ms, 3)
	b[23] = 'Z'
	return string(b[:])
}

// queryValue reads a query parameter typed by its schema: arrays as lists, integers and numbers as float64.
func (br *behaviourRun) queryValue(name string) (any, bool) {
	if v, ok := br.ex.paramValues["query:"+name]; ok {
		return v, true
	}
	q := br.r.URL.Query()
	vals, ok := q[name]
	if !ok || len(vals) == 0 {
		return nil, false
	}
	var schema *openapi3.Schema
	if p := openapi.OperationParam(br.ex.op, "query", name); p != nil && p.Schema != nil {
		schema = p.Schema.Value
	}
	if schema != nil && schema.Type.Is("array") {
		out := make([]any, 0, len(vals))
		for _, v := range vals {
			for _, part := range strings.Split(v, ",") {
				if part != "" {
					out = append(out, part)
				}
			}
		}
		return out, true
	}
	if schema != nil && (schema.Type.Is("integer") || schema.Type.Is("number")) {
		if f, err := strconv.ParseFloat(vals[0], 64); err == nil {
			return f, true
		}
	}
	return vals[0], true
}

// credential is the credential presented (from the security stage, else the usual headers).
func (br *behaviourRun) credential() string {
	if br.ex.credential != "" {
		return br.ex.credential
	}
	if k := br.r.Header.Get("x-api-key"); k != "" {
		return k
	}
	return br.r.Header.Get("Authorization")
}

// derivedUUID makes a stable UUID (version 8) from a credential, so a key always maps to the same client.
func derivedUUID(api, kind, credential string) string {
	sum := sha256.Sum256([]byte(api + "\x00" + kind + "\x00" + credential))
	var b [16]byte
	copy(b[:], sum[:16])
	b[6] = b[6]&0x0f | 0x80
	b[8] = b[8]&0x3f | 0x80
	return formatUUID(b)
}

// walk follows a path of property names through a decoded JSON value.
func walk(v any, path []string) (any, bool) {
	for _, p := range path {
		m, ok := v.(map[string]any)
		if !ok {
			return nil, false
		}
		if v, ok = m[p]; !ok {
			return nil, false
		}
	}
	return v, true
}

// template fills a response template: strings starting with '$' are values (a key whose value is absent is
// left out), everything else is copied.
func (br *behaviourRun) template(t any) any {
	switch x := t.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for _, k := range slices.Sorted(maps.Keys(x)) {
			if s, ok := x[k].(string); ok && strings.HasPrefix(s, "$") {
				if v, ok := br.value(openapi.Expr{Ref: s}); ok {
					out[k] = deepCopy(v)
				}
				continue
			}
			out[k] = br.template(x[k])
		}
		return out
	case []any:
		out := make([]any, 0, len(x))
		for _, item := range x {
			out = append(out, br.template(item))
		}
		return out
	case string:
		if strings.HasPrefix(x, "$") {
			v, _ := br.value(openapi.Expr{Ref: x})
			return deepCopy(v)
		}
	}
	return t
}
