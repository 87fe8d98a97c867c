package mock

import (
	"cmp"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/standin/standin/mock/state"
	"github.com/standin/standin/openapi"
)

// behaviourStage runs the operation's x-standin behaviour (openapi.Behaviour): it reads or changes the session's
// state and leaves the answer in ex.result for the response stage, or answers an error in the API's shape
// (notFound, validation, queued). An operation without a behaviour passes through to generated data, and so does
// a behaviour inferred from the path whose failure would answer a status the operation does not document.
func (s *Server) behaviourStage(rt *apiRuntime) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			ex := exchangeFrom(r.Context())
			if ex == nil || ex.op == nil || ex.op.Behaviour == nil || ex.session == nil {
				next.ServeHTTP(w, r)
				return
			}
			run := &behaviourRun{s: s, rt: rt, ex: ex, r: r, b: ex.op.Behaviour, sess: ex.session.state, now: s.clock.Now()}
			if fail := run.do(); fail != nil {
				if r.Context().Err() != nil {
					// The client hung up before the change was committed: nothing was applied, and nothing is
					// answered (no empty 200 to a client that half-closed): the journal says 499.
					ex.answeredBy = "behaviour"
					panic(http.ErrAbortHandler)
				}
				if fail.kind == "internal" {
					s.log.Error("behaviour failed", "api", rt.api.Name, "op", ex.op.ID, "err", fail.err)
				} else if fail.generate {
					w.Header().Set(ReasonHeader, printable(fail.reason, reasonLimit))
					next.ServeHTTP(w, r)
					return
				} else if run.b.Inferred {
					// A behaviour standin inferred from the path never answers a status the operation does not
					// document: the response stage answers (example or generated data); the header says why.
					if status, documented := ex.documentsError(fail.kind); !documented {
						w.Header().Set(ReasonHeader, printable(fmt.Sprintf("%s; %s %s documents no %d, so its success response answers",
							reason(fail.kind, fail.vars), ex.op.Method, ex.op.Path, status), reasonLimit))
						next.ServeHTTP(w, r)
						return
					}
				}
				ex.writeVendorError(w, "behaviour", fail.kind, nil, fail.vars)
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

// behaviourRun is one execution of a behaviour.
type behaviourRun struct {
	s    *Server
	rt   *apiRuntime
	ex   *exchange
	r    *http.Request
	b    *openapi.Behaviour
	sess *state.Session
	tx   *state.Tx // the transaction the behaviour reads and writes in
	now  time.Time

	coll   *openapi.Collection
	qcoll  string // qualified collection name
	body   any
	hasBod bool

	idField string // the field a create's identifier names, and its value
	idValue any

	key           string // key of the found record
	before, after Record
	list          []any
	total         int
	hasMore       bool // a list left records out after its window
	refs          map[string]any
	labels        map[string]any
}

// bFailure is an error answer: an error kind of the API and its template variables.
type bFailure struct {
	kind string
	vars map[string]any
	err  error
	// generate hands the request to the response stage (documented example or generated data) instead of
	// answering the error: an id the record's key field cannot hold, with ids not strict. reason says why.
	generate bool
	reason   string
}

func internal(err error) *bFailure { return &bFailure{kind: "internal", err: err} }

// errBehaviourFailed ends the transaction of a behaviour that answers an error, so nothing it wrote is kept.
var errBehaviourFailed = errors.New("behaviour answered an error")

// do runs the behaviour; a nil result means ex.result holds the answer.
func (br *behaviourRun) do() *bFailure {
	b := br.b
	br.coll = br.rt.api.Collections[b.Resource]
	if br.coll == nil {
		return internal(fmt.Errorf("collection %q is not declared", b.Resource))
	}
	br.qcoll = qualify(br.rt.api.Name, br.coll.Name)
	if err := br.readBody(); err != nil {
		return &bFailure{kind: "malformed"}
	}
	for _, rule := range b.Require {
		if f := br.checkRule(rule); f != nil {
			return f
		}
	}
	writes := b.Action == openapi.ActionCreate || b.Action == openapi.ActionUpdate || b.Action == openapi.ActionDelete ||
		b.Action == openapi.ActionInvoke
	var f *bFailure
	run := func(tx *state.Tx) error {
		br.tx = tx
		defer func() { br.tx = nil }()
		if f = br.checkParent(); f != nil {
			return errBehaviourFailed
		}
		if writes {
			f = br.write()
		} else {
			f = br.read()
		}
		if f != nil {
			return errBehaviourFailed // nothing the transaction wrote is kept
		}
		return nil
	}
	var err error
	if writes || br.materialises() { // a read may store the record it materialises
		err = br.sess.Update(br.r.Context(), run)
	} else {
		err = br.sess.View(br.r.Context(), run)
	}
	if f != nil {
		return f
	}
	if err != nil {
		return internal(err)
	}
	status := b.Status
	if status == 0 {
		status = br.ex.op.SuccessStatus()
	}
	var body any
	switch {
	case b.Inferred && (b.Action == openapi.ActionList && b.ListField != "" || b.AnswerGenerated):
		body = br.inferredAnswer(status)
	case b.Respond != nil:
		body = br.template(b.Respond)
	case b.Action == openapi.ActionList:
		body = br.list
	case b.Action == openapi.ActionDelete:
		body = br.before
	default:
		body = br.after
	}
	if rp := br.ex.plan.lookup(status); status == http.StatusNoContent || b.Inferred && rp != nil && rp.media == nil {
		body = noBody // the documented answer has no content
	}
	br.ex.result = &result{status: status, header: http.Header{}, body: body}
	return nil
}

// read runs a get or a list.
func (br *behaviourRun) read() *bFailure {
	switch br.b.Action {
	case openapi.ActionGet:
		if f := br.find(); f != nil {
			return f
		}
		if f := br.resolveRefs(); f != nil {
			return f
		}
		br.after = br.before
		return nil
	case openapi.ActionList:
		if f := br.resolveRefs(); f != nil {
			return f
		}
		return br.runList()
	}
	return internal(fmt.Errorf("action %q reads nothing", br.b.Action))
}

// write runs a create, update or delete in br.tx.
func (br *behaviourRun) write() *bFailure {
	b := br.b
	var err error
	switch b.Action {
	case openapi.ActionCreate:
		rec, f := br.newRecord()
		if f != nil {
			return f
		}
		if f := br.resolveRefs(); f != nil {
			return f
		}
		br.apply(rec)
		if f := br.assignKey(rec); f != nil {
			return f
		}
		br.fillRequired(rec)
		br.after = rec
		if err = br.tx.Put(br.qcoll, br.key, rec); err != nil {
			return internal(err)
		}
		if f := br.forgetDeleted(); f != nil {
			return f
		}
		if d := br.settleTime(); d > 0 {
			if err = br.tx.Settle(br.qcoll, br.key, br.now.Add(d)); err != nil {
				return internal(err)
			}
		}
	case openapi.ActionUpdate:
		if f := br.find(); f != nil {
			return f
		}
		if f := br.resolveRefs(); f != nil {
			return f
		}
		rec := deepCopyRecord(br.before)
		if f := br.applyLabels(rec); f != nil {
			return f
		}
		br.apply(rec)
		rec[br.coll.Key] = br.before[br.coll.Key] // the key never changes
		br.after = rec
		if err = br.tx.Put(br.qcoll, br.key, rec); err != nil {
			return internal(err)
		}
	case openapi.ActionDelete:
		if f := br.find(); f != nil {
			return f
		}
		if f := br.resolveRefs(); f != nil {
			return f
		}
		if err = br.tx.Delete(br.qcoll, br.key); err != nil && !errors.Is(err, ErrNotFound) {
			return internal(err)
		}
		if f := br.markDeleted(); f != nil {
			return f
		}
	case openapi.ActionInvoke:
		return br.invoke()
	}
	return nil
}

// settleTime is how long a record created now answers queued: Config.Settle, else the collection's settle.
func (br *behaviourRun) settleTime() time.Duration {
	if br.coll.Settle == 0 {
		return 0
	}
	if br.s.cfg.Settle > 0 {
		return br.s.cfg.Settle
	}
	return br.coll.Settle
}

// readBody takes the decoded body from the validation stage, or reads and decodes it.
func (br *behaviourRun) readBody() error {
	ex := br.ex
	if ex.bodyValue != nil {
		br.body, br.hasBod = ex.bodyValue, true
		return nil
	}
	if ex.body == nil && br.r.Body != nil && br.r.Body != http.NoBody {
		data, err := io.ReadAll(io.LimitReader(br.r.Body, br.s.cfg.MaxBody))
		if err != nil {
			return err
		}
		ex.body = data
	}
	if len(strings.TrimSpace(string(ex.body))) == 0 {
		return nil
	}
	if ct := br.r.Header.Get("Content-Type"); ct != "" && !isJSONType(ct) {
		return nil // a body of another type decodes in the validation stage, or is not read as data
	}
	var v any
	if err := json.Unmarshal(ex.body, &v); err != nil {
		return err
	}
	ex.bodyValue = v
	br.body, br.hasBod = v, true
	return nil
}

// find looks the record up by Lookup or Identifier: notFound when absent, queued while it settles.
func (br *behaviourRun) find() *bFailure {
	b := br.b
	var match func(Record) bool
	switch {
	case b.Identifier != nil:
		raw, ok := br.value(b.Identifier.From)
		field, want, good := parseIdentifier(text(raw), b.Identifier.Forms)
		if !ok || !good {
			return br.missing()
		}
		if field == br.coll.Key {
			return br.getKey(want)
		}
		match = func(r Record) bool { return sameValue(r[field], want) }
	case len(b.Lookup) == 1 && b.Lookup[0].Field == br.coll.Key:
		v, ok := br.value(b.Lookup[0].Value)
		if !ok {
			return br.missing()
		}
		return br.getKey(text(v))
	default:
		want := make([]any, len(b.Lookup))
		for i, m := range b.Lookup {
			v, ok := br.value(m.Value)
			if !ok {
				return br.missing()
			}
			want[i] = v
		}
		match = func(r Record) bool {
			for i, m := range b.Lookup {
				if !sameValue(r[m.Field], want[i]) {
					return false
				}
			}
			return true
		}
	}
	found := false
	prefix := br.scopePrefix()
	err := br.tx.Scan(br.qcoll, func(key string, rec Record) bool {
		if strings.HasPrefix(key, prefix) && match(rec) {
			br.key, br.before, found = key, deepCopyRecord(rec), true
		}
		return !found
	})
	if err != nil {
		return internal(err)
	}
	if found {
		return br.checkSettled()
	}
	return br.missing()
}

func (br *behaviourRun) getKey(key string) *bFailure {
	key = br.scopePrefix() + key
	rec, err := br.tx.Get(br.qcoll, key)
	if errors.Is(err, ErrNotFound) {
		if br.materialises() {
			return br.materialise(key)
		}
		return br.missing()
	}
	if err != nil {
		return internal(err)
	}
	br.key, br.before = key, rec
	return br.checkSettled()
}

func (br *behaviourRun) checkSettled() *bFailure {
	until, ok := br.sess.SettlingUntil(br.qcoll, br.key, br.now)
	if !ok {
		return nil
	}
	secs := int(math.Ceil(until.Sub(br.now).Seconds()))
	return &bFailure{kind: "queued", vars: map[string]any{"retryAfter": secs}}
}

// parseIdentifier splits a typed identifier ("email:a@b.c") into the record field its prefix names and the
// value. ok is false for an unknown prefix or an empty value.
func parseIdentifier(id string, forms map[string]string) (field, value string, ok bool) {
	prefix, value, found := strings.Cut(id, ":")
	if !found || value == "" {
		return "", "", false
	}
	field, ok = forms[prefix]
	return field, value, ok
}

// checkRule answers the validation error when a require rule fails.
func (br *behaviourRun) checkRule(rule openapi.Rule) *bFailure {
	v, ok := br.value(rule.Value)
	if !ok {
		return nil
	}
	var expected string
	failed := false
	switch {
	case rule.In != nil:
		names := make([]string, len(rule.In))
		for i, a := range rule.In {
			names[i] = text(a)
		}
		expected = strings.Join(names, " | ")
		failed = !slices.ContainsFunc(rule.In, func(a any) bool { return sameValue(a, v) })
	case rule.After != nil:
		other, ok := br.value(*rule.After)
		if !ok {
			return nil
		}
		expected = "not before " + strings.Join(rule.After.Path(), ".")
		if c, comparable := compareValues(v, other); comparable && c < 0 {
			failed = true
		}
	}
	if !failed {
		return nil
	}
	code := rule.Code
	if code == "" {
		code = rule.Name
	}
	msg := rule.Message
	if msg == "" {
		msg = fmt.Sprintf("%s: rule %s failed", strings.Join(rule.Value.Path(), "."), rule.Name)
	}
	path := make([]any, 0, 2)
	for _, p := range rule.Value.Path() {
		path = append(path, p)
	}
	vars := map[string]any{"message": msg}
	if shape, ok := br.rt.api.Ext.Errors["validation"]; ok && shape.Item != nil {
		item := fillTemplate(shape.Item, map[string]any{"path": path, "message": msg, "expected": expected,
			"received": text(v), "code": code})
		vars["errors"] = []any{item}
	} else {
		vars["errors"] = []any{map[string]any{"path": path, "message": msg, "code": code}}
	}
	return &bFailure{kind: "validation", vars: vars}
}

// resolveRefs finds the records the refs name; a null value makes the ref null.
func (br *behaviourRun) resolveRefs() *bFailure {
	br.refs = map[string]any{}
	for _, ref := range br.b.Refs {
		v, ok := br.value(ref.Value)
		if !ok {
			continue
		}
		if v == nil || v == "" {
			br.refs[ref.Name] = nil // null or an empty value clears the reference
			continue
		}
		var found Record
		for _, field := range ref.Match {
			err := br.tx.Scan(qualify(br.rt.api.Name, ref.Resource), func(_ string, rec Record) bool {
				if sameValue(rec[field], v) {
					found = deepCopyRecord(rec)
				}
				return found == nil
			})
			if err != nil {
				return internal(err)
			}
			if found != nil {
				break
			}
		}
		if found == nil {
			vars := map[string]any{}
			if ref.Message != "" {
				vars["message"] = ref.Message
			}
			if ref.Missing == "validation" {
				vars["errors"] = []any{}
			}
			return &bFailure{kind: ref.Missing, vars: vars}
		}
		br.refs[ref.Name] = map[string]any(found)
	}
	return nil
}

// newRecord starts a created record: the identifier's field, then the defaults.
func (br *behaviourRun) newRecord() (Record, *bFailure) {
	rec := Record{}
	if id := br.b.Identifier; id != nil {
		raw, ok := br.value(id.From)
		field, value, good := parseIdentifier(text(raw), id.Forms)
		if !ok || !good {
			return nil, &bFailure{kind: "validation", vars: map[string]any{"errors": []any{}}}
		}
		typed := br.typed(field, value)
		inUse := false
		err := br.tx.Scan(br.qcoll, func(_ string, rec Record) bool {
			inUse = sameValue(rec[field], typed)
			return !inUse
		})
		if err != nil {
			return nil, internal(err)
		}
		if inUse {
			return nil, &bFailure{kind: "validation", vars: map[string]any{
				"message": fmt.Sprintf("a record with %s %s already exists", field, value), "errors": []any{}}}
		}
		rec[field] = typed
		br.idField, br.idValue = field, typed
	}
	for k, v := range br.b.Defaults {
		if _, set := rec[k]; !set {
			rec[k] = deepCopy(v)
		}
	}
	return rec, nil
}

// typed converts an identifier's text to the type of the record field (a number for an integer id).
func (br *behaviourRun) typed(field, value string) any {
	props := br.coll.Schema.Value.Properties
	if p := props[field]; p != nil && p.Value != nil && (p.Value.Type.Is("integer") || p.Value.Type.Is("number")) {
		if f, err := strconv.ParseFloat(value, 64); err == nil {
			return f
		}
	}
	return value
}

// apply merges the body (when the behaviour merges) and assigns the set fields.
func (br *behaviourRun) apply(rec Record) {
	if br.b.Merge {
		if obj, ok := br.body.(map[string]any); ok {
			props := br.recordProps()
			for k, v := range obj {
				if _, known := props[k]; known && k != br.coll.Key || known && br.b.Action == openapi.ActionCreate {
					if br.b.Inferred {
						if merged, ok := br.mergeField(k, rec[k], v); ok {
							rec[k] = merged
						}
						continue
					}
					rec[k] = deepCopy(v)
				}
			}
		}
	}
	for _, a := range br.b.Set {
		if v, ok := br.value(a.Value); ok {
			if mapped, ok := a.Map[text(v)]; ok && v != nil {
				v = mapped
			}
			rec[a.Field] = deepCopy(v)
		}
	}
	if br.idField != "" {
		rec[br.idField] = br.idValue // the identifier a record is created under wins over the body
	}
}

func (br *behaviourRun) recordProps() map[string]bool {
	out := map[string]bool{}
	for _, f := range br.coll.Fields() {
		out[f] = true
	}
	return out
}

// assignKey gives a created record its key: the one it has, else a new one.
func (br *behaviourRun) assignKey(rec Record) *bFailure {
	prefix := br.scopePrefix()
	if v, ok := rec[br.coll.Key]; ok && v != nil {
		br.key = prefix + text(v)
		if _, err := br.tx.Get(br.qcoll, br.key); err == nil {
			return &bFailure{kind: "validation", vars: map[string]any{
				"message": fmt.Sprintf("a record with %s %s already exists", br.coll.Key, br.key), "errors": []any{}}}
		}
		return nil
	}
	var entries []Entry // keys only, of the request's scope (issue numbers count per repository)
	err := br.tx.Scan(br.qcoll, func(key string, rec Record) bool {
		if strings.HasPrefix(key, prefix) {
			entries = append(entries, Entry{Key: key, Record: Record{br.coll.Key: rec[br.coll.Key]}})
		}
		return true
	})
	if err != nil {
		return internal(err)
	}
	var v any
	var key string
	if br.coll.IDs == "sequence" {
		v, key = newKey(br.coll, entries, len(entries))
	} else {
		v, key = br.newID(len(entries), func(k string) bool {
			_, err := br.tx.Get(br.qcoll, prefix+k)
			return err == nil
		})
	}
	rec[br.coll.Key], br.key = v, prefix+key
	return nil
}

// fillRequired generates the required fields a created record still lacks, so it matches its schema.
func (br *behaviourRun) fillRequired(rec Record) {
	s := br.coll.Schema
	if s == nil || s.Value == nil {
		return
	}
	props := s.Value.Properties
	for _, name := range s.Value.Required {
		if _, ok := rec[name]; ok || props[name] == nil {
			continue
		}
		rec[name] = br.s.gen.ValueNamed(props[name], br.qcoll+"/"+br.key+"/"+name, name)
	}
}

// applyLabels adds (or replaces) the requested ids that exist to the record's label field.
func (br *behaviourRun) applyLabels(rec Record) *bFailure {
	l := br.b.Labels
	if l == nil {
		return nil
	}
	raw, _ := br.value(l.From)
	requested, _ := raw.([]any)
	exists := map[string]bool{}
	err := br.tx.Scan(qualify(br.rt.api.Name, l.Resource), func(key string, _ Record) bool {
		exists[key] = true
		return true
	})
	if err != nil {
		return internal(err)
	}
	var current []any
	if !l.Replace {
		current, _ = rec[l.Field].([]any)
	}
	all := slices.Clone(current)
	added, missing := []any{}, []any{}
	for _, id := range requested {
		s := text(id)
		switch {
		case !exists[s]:
			missing = append(missing, s)
		case !slices.ContainsFunc(all, func(a any) bool { return text(a) == s }):
			all = append(all, s)
			added = append(added, s)
		}
	}
	if all == nil {
		all = []any{}
	}
	if len(all) == 0 && !l.Replace && rec[l.Field] == nil {
		rec[l.Field] = nil // an enquiry without labels keeps null
	} else {
		rec[l.Field] = all
	}
	br.labels = map[string]any{"added": added, "missing": missing, "all": all}
	return nil
}

// runList filters, sorts and pages the collection.
func (br *behaviourRun) runList() *bFailure {
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
	err := br.tx.Scan(br.qcoll, func(key string, rec Record) bool {
		if !strings.HasPrefix(key, prefix) {
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

// value evaluates an expression; ok is false when the value is absent from the request or the state.
func (br *behaviourRun) value(e openapi.Expr) (any, bool) {
	if e.IsLiteral() {
		return e.Literal, true
	}
	path := e.Path()
	switch e.Root() {
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
		return br.now.UTC().Format("2006-01-02T15:04:05.000Z07:00"), true
	case "nowUnix":
		return float64(br.now.Unix()), true
	case "clientId":
		return derivedUUID(br.rt.api.Name, "client", br.credential()), true
	case "userId":
		return derivedUUID(br.rt.api.Name, "user", br.credential()), true
	case "before":
		if br.before == nil {
			return nil, false
		}
		return walk(map[string]any(br.before), path)
	case "after":
		if br.after == nil {
			return nil, false
		}
		return walk(map[string]any(br.after), path)
	case "record":
		rec := br.after
		if rec == nil {
			rec = br.before
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

// missing is the answer for a record that is not found: the behaviour's Missing kind and message.
func (br *behaviourRun) missing() *bFailure {
	m := br.b.Missing
	if m.Kind == "" {
		m.Kind = "notFound"
	}
	vars := map[string]any{}
	if m.Message != "" {
		vars["message"] = m.Message
	}
	if m.Kind == "validation" {
		vars["errors"] = []any{}
	}
	return &bFailure{kind: m.Kind, vars: vars}
}
