package mock

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/standin/standin/openapi"
)

// runList filters, sorts and pages the collection.
func (br *behaviourRun) runList() *bFailure {
	if br.ex.preferDynamic {
		return nil // the answer is a generated page (dynamic.go), not the stored records: no need to scan them
	}
	b := br.b
	type cond struct {
		f    openapi.Filter
		vals map[string]any
	}
	var conds []cond
	for _, f := range b.Filter {
		c := cond{f: f, vals: map[string]any{}}
		for name, e := range map[string]*openapi.Expr{"equals": f.Equals, "anyOf": f.AnyOf, "from": f.From, "to": f.To, "contains": f.Contains} {
			if e == nil {
				continue
			}
			if v, ok := br.value(*e); ok && v != nil {
				if list, isList := v.([]any); isList && len(list) == 0 {
					continue
				}
				if _, isObject := v.(map[string]any); isObject && name == "equals" {
					continue // a range object (created[gte]=...) is read by from and to
				}
				if name == "from" || name == "to" {
					v = newOrderKey(v) // parsed once, not once per record
				}
				c.vals[name] = v
			}
		}
		if len(c.vals) > 0 {
			conds = append(conds, c)
		}
	}
	var kept []Record // stored records: copied below, once paged
	var keys []string // kept's keys, for cursors
	prefix := br.scopePrefix()
	under := false // a Google list: the records named <parent>/<segment>/<id>, not those further down
	if kf := b.KeyFrom; kf != nil && kf.Parent != "" {
		prefix += br.ex.params[kf.Parent] + "/" + kf.Segment + "/"
		under = true
	}
	err := br.tx.Scan(br.qcoll, func(key string, rec Record) bool {
		if !strings.HasPrefix(key, prefix) || under && strings.Contains(key[len(prefix):], "/") {
			return true
		}
		for _, c := range conds {
			if !matches(rec[c.f.Field], c.vals) {
				return true
			}
		}
		kept = append(kept, rec)
		keys = append(keys, key)
		return true
	})
	if err != nil {
		return internal(err)
	}
	if b.Sort != "" {
		kept, keys = sortRecords(kept, keys, b.Sort, b.SortDesc)
	}
	br.total = len(kept)
	if p := b.Page; p != nil {
		kept = br.page(p, kept, keys)
	}
	br.list = make([]any, len(kept))
	for i, r := range kept {
		br.list[i] = map[string]any(deepCopyRecord(r))
	}
	return nil
}

// pageValue reads an offset or limit, falling back to the parameter's default, then to def.
func (br *behaviourRun) pageValue(e *openapi.Expr, def int) int {
	if e == nil {
		return def
	}
	v, ok := br.value(*e)
	if !ok && e.Root() == "query" {
		if p := openapi.OperationParam(br.ex.op, "query", e.Path()[0]); p != nil && p.Schema != nil && p.Schema.Value != nil {
			v, ok = p.Schema.Value.Default, p.Schema.Value.Default != nil
		}
	}
	if !ok {
		return def
	}
	switch n := v.(type) {
	case float64:
		return int(n)
	case int:
		return n
	case string:
		if i, err := strconv.Atoi(n); err == nil {
			return i
		}
	}
	return def
}

// pageDefault is the page size a limit of 0 stands for: the limit parameter's positive default, else def.
func (br *behaviourRun) pageDefault(e *openapi.Expr, def int) int {
	if e == nil || e.Root() != "query" {
		return def
	}
	if p := openapi.OperationParam(br.ex.op, "query", e.Path()[0]); p != nil && p.Schema != nil && p.Schema.Value != nil {
		if n, ok := p.Schema.Value.Default.(float64); ok && n > 0 {
			return int(n)
		}
	}
	return def
}

// matches tests one record field against a filter's values.
func matches(field any, vals map[string]any) bool {
	for name, v := range vals {
		switch name {
		case "equals":
			if !sameValue(field, v) {
				return false
			}
		case "anyOf":
			want, _ := v.([]any)
			if want == nil {
				want = []any{v}
			}
			have, isList := field.([]any)
			if !isList {
				have = []any{field}
			}
			hit := false
			for _, h := range have {
				if slices.ContainsFunc(want, func(w any) bool { return sameValue(h, w) }) {
					hit = true
					break
				}
			}
			if !hit {
				return false
			}
		case "from", "to":
			bound, _ := v.(orderKey)
			have := newOrderKey(field)
			if !have.comparable(bound) {
				return false
			}
			if c := have.compare(bound); name == "from" && c < 0 || name == "to" && c > 0 {
				return false
			}
		case "contains":
			if !strings.Contains(strings.ToLower(text(field)), strings.ToLower(text(v))) {
				return false
			}
		}
	}
	return true
}

// sameValue compares two JSON values by their text, so the path's "1" equals the record's 1.
func sameValue(a, b any) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return text(a) == text(b)
}

// sortRecords orders records (and their keys, in step) by one field, stably, reading each record's value once (a
// time is parsed once per record, not once per comparison), with the order compareValues gives.
func sortRecords(recs []Record, keys []string, field string, desc bool) ([]Record, []string) {
	type keyed struct {
		rec   Record
		key   string
		order orderKey
	}
	ks := make([]keyed, len(recs))
	for i, r := range recs {
		ks[i] = keyed{r, keys[i], newOrderKey(r[field])}
	}
	slices.SortStableFunc(ks, func(x, y keyed) int {
		c := x.order.compare(y.order)
		if desc {
			return -c
		}
		return c
	})
	for i := range ks {
		recs[i], keys[i] = ks[i].rec, ks[i].key
	}
	return recs, keys
}

// orderKey is a value prepared for ordering: a number, a time (RFC 3339), another string, or nothing comparable.
type orderKey struct {
	kind int // 0 not comparable, 1 number, 2 time, 3 string
	f    float64
	t    time.Time
	s    string
}

func newOrderKey(v any) orderKey {
	switch x := v.(type) {
	case float64:
		return orderKey{kind: 1, f: x}
	case string:
		if t, err := time.Parse(time.RFC3339Nano, x); err == nil {
			return orderKey{kind: 2, t: t}
		}
		return orderKey{kind: 3, s: x}
	}
	return orderKey{}
}

// comparable reports whether two keys are of one kind that orders.
func (a orderKey) comparable(b orderKey) bool { return a.kind != 0 && a.kind == b.kind }

// compare orders keys of one kind; keys of different kinds, or not comparable, are equal (stable order).
func (a orderKey) compare(b orderKey) int {
	if a.kind != b.kind {
		return 0
	}
	switch a.kind {
	case 1:
		return cmp.Compare(a.f, b.f)
	case 2:
		return a.t.Compare(b.t)
	case 3:
		return strings.Compare(a.s, b.s)
	}
	return 0
}

// compareValues orders two numbers, two times (RFC 3339) or two other strings; ok is false when they do not
// compare.
func compareValues(a, b any) (int, bool) {
	ka, kb := newOrderKey(a), newOrderKey(b)
	if !ka.comparable(kb) {
		return 0, false
	}
	return ka.compare(kb), true
}

// atLeastMinItems makes a list answer hold as many items as the response schema's array demands (minItems): a
// list with fewer records is completed with items of the documented response (its example, else generated
// data), so an empty collection still answers a valid body. field names the array inside an object answer
// ("" for an array answer). The records stay as they are; the items added are not stored.
func (br *behaviourRun) atLeastMinItems(status int, list []any, field string) []any {
	rp := br.ex.plan.lookup(status)
	if rp == nil || rp.media == nil || rp.media.Schema == nil || rp.media.Schema.Value == nil {
		return list
	}
	arr := rp.media.Schema.Value
	if field != "" {
		ps := propertySchema(arr, field)
		if ps == nil {
			return list
		}
		arr = ps.Value
	}
	if arr == nil || !arr.Type.Is("array") || uint64(len(list)) >= arr.MinItems {
		return list
	}
	_, doc := br.rt.render(br.ex, rp)
	if field != "" {
		m, _ := doc.(map[string]any)
		doc = m[field]
	}
	more, _ := doc.([]any)
	out := slices.Clone(list)
	for _, item := range more {
		if uint64(len(out)) >= arr.MinItems {
			break
		}
		out = append(out, deepCopy(item))
	}
	return out
}
