package mock

import (
	"cmp"
	"math"
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
	var conds []listCond
	for _, f := range b.Filter {
		c := listCond{field: f.Field}
		for _, ne := range []struct {
			name string
			e    *openapi.Expr
		}{{"equals", f.Equals}, {"anyOf", f.AnyOf}, {"from", f.From}, {"to", f.To}, {"contains", f.Contains}} {
			name, e := ne.name, ne.e
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
				c.vals = append(c.vals, condVal{name, v})
			}
		}
		if len(c.vals) > 0 {
			conds = append(conds, c)
		}
	}
	prefix := br.scopePrefix()
	under := false // a Google list: the records named <parent>/<segment>/<id>, not those further down
	if kf := b.KeyFrom; kf != nil && kf.Parent != "" {
		prefix += br.ex.params[kf.Parent] + "/" + kf.Segment + "/"
		under = true
	}
	// scan calls fn with each record kept by the filters, and the record's sort value when a time or number
	// window on the sort field has already read it (order.kind < 0 when not).
	scan := func(fn func(key string, rec Record, order orderKey)) error {
		return br.tx.Scan(br.qcoll, func(key string, rec Record) bool {
			if !strings.HasPrefix(key, prefix) || under && strings.Contains(key[len(prefix):], "/") {
				return true
			}
			order := orderKey{kind: -1}
			for _, c := range conds {
				have := orderKey{kind: -1}
				if !c.match(rec[c.field], &have) {
					return true
				}
				if have.kind >= 0 && c.field == b.Sort {
					order = have
				}
			}
			fn(key, rec, order)
			return true
		})
	}
	var kept []Record // stored records, shared with the answer (pageList)
	if offset, limit, ok := br.window(b.Page); ok {
		// An offset/limit window: only its first offset+limit records in order are kept, the others counted.
		w := newWindowSelect(b.Sort, b.SortDesc, offset+limit)
		// the window is sized once (at most the collection) rather than grown record by record
		if n, err := br.tx.Len(br.qcoll); err == nil {
			w.heap = make([]windowItem, 0, min(offset+limit, n))
		}
		if err := scan(w.add); err != nil {
			return internal(err)
		}
		if recs, ok := w.records(); ok {
			br.total = w.n
			offset = min(offset, w.n)
			end := min(offset+limit, w.n)
			br.hasMore = end < w.n
			kept = recs[offset:end]
			br.list = pageList(kept)
			return nil
		}
		// sort values of different kinds do not order transitively: the stable sort of every record decides
	}
	if p := b.Page; p != nil && b.Sort == "" {
		after, before, cursor := br.cursors(p)
		if offset, limit, ok := br.windowBounds(p); ok && cursor {
			// A cursor into a list in stored order: only the page's records are kept, the others counted.
			c := &cursorSelect{after: after, before: before, offset: offset, limit: limit, afterAt: -1, beforeAt: -1}
			if err := scan(c.add); err != nil {
				return internal(err)
			}
			br.total = c.n
			kept, br.hasMore = c.page()
			br.list = pageList(kept)
			return nil
		}
	}
	var keys []string // kept's keys, for cursors
	if err := scan(func(key string, rec Record, _ orderKey) {
		kept = append(kept, rec)
		keys = append(keys, key)
	}); err != nil {
		return internal(err)
	}
	if b.Sort != "" {
		kept, keys = sortRecords(kept, keys, b.Sort, b.SortDesc)
	}
	br.total = len(kept)
	if p := b.Page; p != nil {
		kept = br.page(p, kept, keys)
	}
	br.list = pageList(kept)
	return nil
}

// pageList is the answer's list of a page of stored records. The records are shared, not copied: a committed
// record is never changed (state: versions are immutable, Tx.Put stores a copy), and nothing between the
// behaviour and the encoder changes an answer's body (a template copies what it takes from the list,
// atLeastMinItems appends to a copy of the list, an inferred envelope is a copy of the documented one).
func pageList(recs []Record) []any {
	list := make([]any, len(recs))
	for i, r := range recs {
		list[i] = map[string]any(r)
	}
	return list
}

// window reads a page's offset and limit when they do not depend on the number of records and no cursor is
// given, as page reads them: ok is false for a cursor, a missing limit (the whole list), a limit of 0 that stands
// for every record, a negative limit or a window past the int range.
func (br *behaviourRun) window(p *openapi.Page) (offset, limit int, ok bool) {
	if p == nil {
		return 0, 0, false
	}
	if _, _, cursor := br.cursors(p); cursor {
		return 0, 0, false
	}
	return br.windowBounds(p)
}

// cursors reads a page's after and before cursors as record keys ("" when not given, as page reads them).
func (br *behaviourRun) cursors(p *openapi.Page) (after, before string, given bool) {
	read := func(e *openapi.Expr) string {
		if e == nil {
			return ""
		}
		if v, ok := br.value(*e); ok && v != nil && text(v) != "" {
			return br.scopePrefix() + text(v)
		}
		return ""
	}
	after, before = read(p.After), read(p.Before)
	return after, before, after != "" || before != ""
}

// windowBounds reads a page's offset and limit as window does, cursors aside.
func (br *behaviourRun) windowBounds(p *openapi.Page) (offset, limit int, ok bool) {
	var has bool
	limit, has = br.pageValueOK(p.Limit)
	if !has {
		return 0, 0, false
	}
	if limit <= 0 && br.b.Inferred {
		if limit = br.pageDefault(p.Limit, -1); limit < 0 {
			return 0, 0, false
		}
	}
	if limit < 0 {
		return 0, 0, false
	}
	offset = br.pageValue(p.Offset, 0)
	if p.Number != nil {
		offset = (br.pageValue(p.Number, p.NumberBase) - p.NumberBase) * limit
	}
	offset = max(offset, 0)
	if offset > math.MaxInt-limit {
		return 0, 0, false
	}
	return offset, limit, true
}

// windowSelect keeps the first k records of a list in its order (by one field, stably, or in scan order) while
// counting every record: a bounded max-heap whose root is the last record kept, ties ordered by scan position,
// which is the stable sort's order when every record's sort value is of one kind.
type windowSelect struct {
	field string
	desc  bool
	k     int
	n     int // records added
	kind  int // the sort values' kind, once one is seen
	mixed bool
	heap  []windowItem
}

type windowItem struct {
	rec   Record
	pos   int
	order orderKey
}

func newWindowSelect(field string, desc bool, k int) *windowSelect {
	return &windowSelect{field: field, desc: desc, k: k, kind: -1}
}

// before reports whether a comes before b in the list.
func (w *windowSelect) before(a, b *windowItem) bool {
	c := a.order.compare(b.order)
	if w.desc {
		c = -c
	}
	if c != 0 {
		return c < 0
	}
	return a.pos < b.pos
}

// add counts a record and keeps it when it comes before the last one kept (or fewer than k are kept); order is the
// record's sort value when already read (kind < 0 when not).
func (w *windowSelect) add(_ string, rec Record, order orderKey) {
	pos := w.n
	w.n++
	if w.field == "" {
		if len(w.heap) < w.k {
			w.heap = append(w.heap, windowItem{rec: rec, pos: pos})
		}
		return
	}
	if w.mixed {
		return
	}
	if order.kind < 0 {
		order = newOrderKey(rec[w.field])
	}
	it := windowItem{rec: rec, pos: pos, order: order}
	switch {
	case w.kind < 0:
		w.kind = it.order.kind
	case w.kind != it.order.kind:
		w.mixed, w.heap = true, nil
		return
	}
	h := w.heap
	if len(h) < w.k {
		h = append(h, it)
		for i := len(h) - 1; i > 0; { // sift up: the root is the item that comes last
			parent := (i - 1) / 2
			if !w.before(&h[parent], &h[i]) {
				break
			}
			h[parent], h[i] = h[i], h[parent]
			i = parent
		}
		w.heap = h
		return
	}
	if len(h) == 0 || !w.before(&it, &h[0]) {
		return
	}
	h[0] = it
	for i := 0; ; { // sift down
		last, l, r := i, 2*i+1, 2*i+2
		if l < len(h) && w.before(&h[last], &h[l]) {
			last = l
		}
		if r < len(h) && w.before(&h[last], &h[r]) {
			last = r
		}
		if last == i {
			break
		}
		h[i], h[last] = h[last], h[i]
		i = last
	}
}

// cursorSelect keeps the page of a list in stored order that a cursor names: the records after the after key
// (then offset and limit), else the limit records before the before key, counting every record. A cursor naming
// no record gives an empty page.
type cursorSelect struct {
	after, before     string // full record keys, "" when not given
	offset, limit     int
	n                 int // records added
	afterAt, beforeAt int // the cursors' positions, -1 until seen
	kept              []Record
}

func (c *cursorSelect) add(key string, rec Record, _ orderKey) {
	pos := c.n
	c.n++
	switch {
	case c.after != "":
		if c.afterAt >= 0 {
			if rel := pos - c.afterAt - 1; rel >= c.offset && rel-c.offset < c.limit {
				c.kept = append(c.kept, rec)
			}
		} else if key == c.after {
			c.afterAt = pos
		}
		if c.beforeAt < 0 && key == c.before {
			c.beforeAt = pos
		}
	case c.beforeAt < 0:
		if key == c.before {
			c.beforeAt = pos
			return
		}
		if c.limit <= 0 {
			return
		}
		c.kept = append(c.kept, rec)
		if len(c.kept) >= 2*c.limit+16 { // the last limit records are enough
			c.kept = append(c.kept[:0], c.kept[len(c.kept)-c.limit:]...)
		}
	}
}

// page returns the page and whether records follow it (after) or precede it (before).
func (c *cursorSelect) page() ([]Record, bool) {
	if c.after != "" && c.afterAt < 0 || c.before != "" && c.beforeAt < 0 {
		return nil, false
	}
	if c.after != "" {
		rest := c.n - c.afterAt - 1
		end := min(min(c.offset, rest)+c.limit, rest)
		return c.kept, end < rest
	}
	start := max(c.beforeAt-c.limit, 0)
	return c.kept[max(len(c.kept)-c.limit, 0):], start > 0
}

// records returns the records kept, in the list's order; ok is false when the sort values were of different
// kinds (the caller sorts every record instead).
func (w *windowSelect) records() ([]Record, bool) {
	if w.mixed {
		return nil, false
	}
	if w.field != "" {
		slices.SortFunc(w.heap, func(a, b windowItem) int {
			if w.before(&a, &b) {
				return -1
			}
			if w.before(&b, &a) {
				return 1
			}
			return 0
		})
	}
	recs := make([]Record, len(w.heap))
	for i := range w.heap {
		recs[i] = w.heap[i].rec
	}
	return recs, true
}

// pageValue reads an offset or limit, falling back to the parameter's default, then to def.
func (br *behaviourRun) pageValue(e *openapi.Expr, def int) int {
	if n, ok := br.pageValueOK(e); ok {
		return n
	}
	return def
}

// pageValueOK reads an offset or limit, falling back to the parameter's default; ok is false when neither gives
// a number.
func (br *behaviourRun) pageValueOK(e *openapi.Expr) (int, bool) {
	if e == nil {
		return 0, false
	}
	v, ok := br.value(*e)
	if !ok && e.Root() == "query" {
		if p := openapi.OperationParam(br.ex.op, "query", e.Path()[0]); p != nil && p.Schema != nil && p.Schema.Value != nil {
			v, ok = p.Schema.Value.Default, p.Schema.Value.Default != nil
		}
	}
	if !ok {
		return 0, false
	}
	switch n := v.(type) {
	case float64:
		return int(n), true
	case int:
		return n, true
	case string:
		if i, err := strconv.Atoi(n); err == nil {
			return i, true
		}
	}
	return 0, false
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

// listCond is a list filter on one field: its values by kind (equals, anyOf, from, to, contains), each read once
// per request.
type listCond struct {
	field string
	vals  []condVal
}

type condVal struct {
	name string
	v    any // from and to: an orderKey
}

// match tests one record field against the filter's values; have holds the field's order key once a time or
// number window has read it (kind < 0 before), so the field is parsed at most once per record.
func (c *listCond) match(field any, have *orderKey) bool {
	for _, cv := range c.vals {
		switch v := cv.v; cv.name {
		case "equals":
			if !sameValue(field, v) {
				return false
			}
		case "anyOf":
			want, _ := v.([]any)
			if want == nil {
				want = []any{v}
			}
			hv, isList := field.([]any)
			if !isList {
				hv = []any{field}
			}
			hit := false
			for _, h := range hv {
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
			if have.kind < 0 {
				*have = newOrderKey(field)
			}
			if !have.comparable(bound) {
				return false
			}
			if c := have.compare(bound); cv.name == "from" && c < 0 || cv.name == "to" && c > 0 {
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
