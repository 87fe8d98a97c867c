package mock

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/standin/standin/mock/state"
	"github.com/standin/standin/openapi"
)

// find looks the record up by Lookup or Identifier: notFound when absent, queued while it settles.
func (br *behaviourRun) find() *bFailure {
	b := br.b
	br.before, br.beforeParts = nil, state.Patched{} // a transaction run again starts afresh
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
			br.key, br.before, found = key, rec, true // stored records are read only (state.Tx.Lookup)
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
	key = br.scopePrefix() + keyText(br.coll, key)
	var parts state.Patched
	var err error
	if br.b.Action == openapi.ActionUpdate || br.b.Action == openapi.ActionInvoke && len(br.b.Set) > 0 {
		parts, err = br.tx.LookupParts(br.qcoll, key) // the write sets its fields over the stored record's
	} else {
		parts.Base, err = br.tx.Lookup(br.qcoll, key) // the stored record, read only: br.before is never modified
	}
	if errors.Is(err, ErrNotFound) {
		if br.materialises() {
			return br.materialise(key)
		}
		return br.missing()
	}
	if err != nil {
		return internal(err)
	}
	br.key, br.beforeParts = key, parts
	if len(parts.Over) == 0 {
		br.before = parts.Base
	}
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
	br.refs = nil
	if len(br.b.Refs) > 0 {
		br.refs = make(map[string]any, len(br.b.Refs))
	}
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
			return nil, br.conflictFailure(field, value) // errorkind_fallback.go
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

// keyText is the key a record of c is stored under for an id given as text: for a numeric key field, decimal digits
// without leading zeros ("035" names the record whose id is 35, stored under "35"), else the text unchanged.
func keyText(c *openapi.Collection, id string) string {
	if c == nil || c.Schema == nil || c.Schema.Value == nil {
		return id
	}
	p := c.Schema.Value.Properties[c.Key]
	if p == nil || p.Value == nil || !(p.Value.Type.Is("integer") || p.Value.Type.Is("number")) {
		return id
	}
	digits := strings.TrimPrefix(id, "-")
	if digits == "" || strings.Trim(digits, "0123456789") != "" {
		return id
	}
	trimmed := strings.TrimLeft(digits, "0")
	if trimmed == "" {
		return "0"
	}
	if len(digits) < len(id) {
		return "-" + trimmed
	}
	return trimmed
}

// recordWrite is a record being written: a create's new map (wholeRecord), or an update's fields over the stored
// record (patchWrite). Only top-level fields are set, each to a value of its own.
type recordWrite interface {
	get(field string) (any, bool)
	set(field string, v any)
}

// wholeRecord is a record written in its own map.
type wholeRecord Record

func (r wholeRecord) get(field string) (any, bool) { v, ok := r[field]; return v, ok }
func (r wholeRecord) set(field string, v any)      { r[field] = v }

// patchWrite is an update's record: the fields it sets (with those set over the stored record before) over the
// stored record's base, which is never modified.
type patchWrite struct {
	state.Patched // Over is this write's own slice
}

func (p *patchWrite) get(field string) (any, bool) { return p.Get(field) }

func (p *patchWrite) set(field string, v any) {
	for i := range p.Over {
		if p.Over[i].Key == field {
			p.Over[i].Value = v
			return
		}
	}
	p.Over = append(p.Over, state.Field{Key: field, Value: v})
}

// apply merges the body (when the behaviour merges) and assigns the set fields.
func (br *behaviourRun) apply(rec recordWrite) {
	if br.b.Merge {
		if obj, ok := br.body.(map[string]any); ok {
			props := br.recordProps()
			for k, v := range obj {
				if _, known := props[k]; known && k != br.coll.Key || known && br.b.Action == openapi.ActionCreate {
					if br.b.Inferred {
						old, _ := rec.get(k)
						if merged, ok := br.mergeField(k, old, v); ok {
							rec.set(k, merged)
						}
						continue
					}
					if br.fits(k, v) { // a request value of another shape than the record's field is not stored
						rec.set(k, deepCopy(v))
					}
				}
			}
			br.applyNested(rec, obj)
		}
	}
	for _, a := range br.b.Set {
		if v, ok := br.value(a.Value); ok {
			if mapped, ok := a.Map[text(v)]; ok && v != nil {
				v = mapped
			}
			rec.set(a.Field, deepCopy(v))
		}
	}
	if br.idField != "" {
		rec.set(br.idField, br.idValue) // the identifier a record is created under wins over the body
	}
}

// fits reports whether v is a valid value of the record's field (true when the record schema does not say).
func (br *behaviourRun) fits(field string, v any) bool {
	if br.coll.Schema == nil || br.coll.Schema.Value == nil {
		return true
	}
	ps := propertySchema(br.coll.Schema.Value, field)
	return ps == nil || ps.Value == nil || ps.Value.VisitJSON(v, br.rt.api.SchemaOptions()...) == nil
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
		if inUse, _ := br.tx.Has(br.qcoll, br.key); inUse {
			return br.conflictFailure(br.coll.Key, v) // the value as sent, not the scoped key it is stored under
		}
		return nil
	}
	// The state's ordered index answers both questions in O(log n): how many records the request's scope holds
	// (issue numbers count per repository) and its greatest integer key.
	var v any
	var key string
	if br.coll.IDs == "sequence" {
		last, ok, err := br.tx.MaxIntIn(br.qcoll, prefix)
		if err != nil {
			return internal(err)
		}
		next := int64(1)
		if ok {
			n, _ := strconv.ParseInt(strings.TrimPrefix(last, prefix), 10, 64)
			next = n + 1
		}
		v, key = float64(next), strconv.FormatInt(next, 10)
	} else {
		n, err := br.tx.CountIn(br.qcoll, prefix)
		if err != nil {
			return internal(err)
		}
		v, key = br.newID(n, func(k string) bool {
			inUse, _ := br.tx.Has(br.qcoll, prefix+k)
			return inUse
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
	props, required := s.Value.Properties, s.Value.Required
	if len(s.Value.AllOf) > 0 {
		// Azure's resources require location in their allOf member Resource: the members' required and
		// properties count as the schema's own.
		props = mergedAllOf(s.Value).Properties
		required = slices.Clone(required)
		for _, m := range s.Value.AllOf {
			if v := derefSchema(m); v != nil {
				required = append(required, v.Required...)
			}
		}
	}
	for _, name := range required {
		if _, ok := rec[name]; ok {
			continue
		}
		ps := props[name]
		if ps == nil {
			// Required but not declared (GitHub Enterprise 2.19's authorization requires expires_at and
			// declares no such property): any value meets it, unless additionalProperties says what.
			ap := s.Value.AdditionalProperties
			if ap.Has != nil && !*ap.Has {
				continue // no value can: the document contradicts itself
			}
			ps = ap.Schema
			if ps == nil {
				ps = anyValue
			}
		}
		rec[name] = br.s.gen.ValueNamed(ps, br.qcoll+"/"+br.key+"/"+name, name)
	}
}

// anyValue is the schema of a property that is required but not declared: no constraint.
var anyValue = openapi3.NewSchemaRef("", &openapi3.Schema{})

// applyLabels adds (or replaces) the requested ids that exist to the record's label field.
func (br *behaviourRun) applyLabels(rec recordWrite) *bFailure {
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
	old, _ := rec.get(l.Field)
	if !l.Replace {
		current, _ = old.([]any)
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
	if len(all) == 0 && !l.Replace && old == nil {
		rec.set(l.Field, nil) // an enquiry without labels keeps null
	} else {
		rec.set(l.Field, all)
	}
	br.labels = map[string]any{"added": added, "missing": missing, "all": all}
	return nil
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
