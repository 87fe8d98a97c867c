package fake

import (
	"encoding/json"
	"maps"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// hardDepth is how far past MaxDepth a schema that requires its own recursion may go
// before the generator gives up and returns nil.
const hardDepth = 24

// anyTypes are the JSON types tried in turn for an untyped schema with "not".
var anyTypes = []string{openapi3.TypeString, openapi3.TypeInteger, openapi3.TypeBoolean, openapi3.TypeNumber,
	openapi3.TypeObject, openapi3.TypeArray}

// value generates a value for s at p. minimal asks for the smallest valid value.
func (c *cursor) value(p pos, s *openapi3.Schema, minimal bool) any {
	if s == nil {
		return p.f.Noun()
	}
	if isFalse(s) {
		return nil // the false schema: no value is valid; Generate reports it
	}
	if c.budget.spend() || c.selfComposed(s) {
		return nil // the budget is spent, or no validator could check s: Generate reports it
	}
	depth := len(c.stack)
	if depth > c.g.maxDepth+hardDepth {
		return nil
	}
	if depth >= c.g.maxDepth || c.repeats(s) >= 2 || c.budget.lean() {
		minimal = true
	}
	c.stack = append(c.stack, s)
	defer func() { c.stack = c.stack[:depth] }()

	if onlyNull(s) || (minimal && c.permitsNull(s)) {
		return nil
	}
	if v, ok := c.sample(s); ok {
		return v
	}
	switch {
	case s.If != nil && (s.Then != nil || s.Else != nil):
		return c.conditional(p, s, minimal)
	case len(s.OneOf) > 0 || len(s.AnyOf) > 0:
		return c.composed(p, s, minimal)
	case len(s.AllOf) > 0 || s.Not != nil:
		flat := *flatten(s, 0) // a copy: the caller's schema is never modified
		flat.Not = nil
		untyped := flat.Type == nil
		var v any
		for i := range len(anyTypes) {
			q := p
			if i > 0 {
				q = c.retry(p, i)
				if untyped {
					// "not" may rule out the inferred type: try the others in turn.
					flat.Type = &openapi3.Types{anyTypes[i]}
				}
			}
			if len(flat.OneOf) > 0 || len(flat.AnyOf) > 0 {
				v = c.composed(q, &flat, minimal)
			} else {
				v = c.plain(q, &flat, minimal)
			}
			if s.VisitJSON(v, c.vopts...) == nil {
				return v
			}
		}
		return v
	}
	return c.plain(p, s, minimal)
}

// repeats counts how often s is already on the path from the root.
func (c *cursor) repeats(s *openapi3.Schema) int {
	n := 0
	for _, x := range c.stack {
		if x == s {
			n++
		}
	}
	return n
}

// composed handles oneOf and anyOf: it merges one branch into the rest of the schema,
// generates, and keeps the first value the whole schema accepts (for oneOf: exactly one
// branch matches; a value that matches others too is changed to fail them, see exclusive).
// Branches are tried in order from a seeded start; a second round includes every optional
// property, which often tells branches apart.
func (c *cursor) composed(p pos, s *openapi3.Schema, minimal bool) any {
	branches := s.OneOf
	base := *s
	if len(branches) > 0 {
		base.OneOf = nil
	} else {
		branches = s.AnyOf
		base.AnyOf = nil
	}
	n := len(branches)
	start := 0
	if !minimal {
		start = p.f.IntN(n)
	}
	var last any
	saved := c.forceAll
	defer func() { c.forceAll = saved }()
	for round := range 2 {
		for i := range n {
			b := branches[(start+i)%n]
			if b == nil || b.Value == nil {
				continue
			}
			eff := merge(flatten(&base, 0), flatten(b.Value, 0))
			q := c.retry(p, round*n+i)
			v := c.value(q, eff, minimal)
			c.setDiscriminator(s, b, v)
			if s.VisitJSON(v, c.vopts...) == nil {
				return v
			}
			if len(s.OneOf) > 0 && eff.VisitJSON(v, c.vopts...) == nil {
				// The branch's value matches another branch too: make it tell them apart (oneof.go).
				v = c.exclusive(q, eff, branches, (start+i)%n, v)
				if s.VisitJSON(v, c.vopts...) == nil {
					return v
				}
			}
			last = v
		}
		c.forceAll = true
	}
	return last
}

// setDiscriminator writes the discriminator value that selects branch b into v.
func (c *cursor) setDiscriminator(s *openapi3.Schema, b *openapi3.SchemaRef, v any) {
	d := s.Discriminator
	obj, ok := v.(map[string]any)
	if d == nil || d.PropertyName == "" || !ok {
		return
	}
	name := ""
	for _, k := range slices.Sorted(maps.Keys(d.Mapping)) {
		if ref := d.Mapping[k].Ref; ref == b.Ref || (ref != "" && !strings.Contains(ref, "/") && strings.HasSuffix(b.Ref, "/"+ref)) {
			name = k
			break
		}
	}
	if name == "" && b.Ref != "" {
		name = b.Ref[strings.LastIndex(b.Ref, "/")+1:]
	}
	if name != "" {
		obj[d.PropertyName] = name
	}
}

// plain generates for a schema without oneOf/anyOf/allOf/not at this level.
func (c *cursor) plain(p pos, s *openapi3.Schema, minimal bool) any {
	if len(s.Enum) > 0 {
		return c.enum(p, s)
	}
	if s.Const != nil {
		return normalize(s.Const)
	}
	switch typeOf(p, s) {
	case openapi3.TypeObject:
		return c.object(p, s, minimal)
	case openapi3.TypeArray:
		return c.array(p, s, minimal)
	case openapi3.TypeInteger:
		return c.number(p, s, true)
	case openapi3.TypeNumber:
		return c.number(p, s, false)
	case openapi3.TypeBoolean:
		return p.f.Bool()
	case openapi3.TypeNull:
		return nil
	}
	return c.budget.charge(c.str(p, s))
}

// enum picks one of the schema's enum values, starting at a seeded index and preferring
// non-null values the whole schema accepts.
func (c *cursor) enum(p pos, s *openapi3.Schema) any {
	n := len(s.Enum)
	start := p.f.IntN(n)
	var fallback any
	for i := range n {
		v := s.Enum[(start+i)%n]
		if v == nil && n > 1 {
			continue
		}
		v = normalize(v)
		if i == 0 {
			fallback = v
		}
		if s.VisitJSON(v, c.vopts...) == nil {
			return v
		}
	}
	return fallback
}

// object generates an object: required properties always, optional ones per
// OptionalProbability, then minProperties/maxProperties and additionalProperties.
// 3.1 objects also get one property per patternProperties pattern, names that
// propertyNames accepts, and the properties dependentRequired asks for.
func (c *cursor) object(p pos, s *openapi3.Schema, minimal bool) map[string]any {
	s = withRequiredDependents(s)
	out := make(map[string]any, len(s.Properties))
	var skipped []string
	for _, name := range c.g.propertyNames(s) {
		ref := s.Properties[name]
		required := slices.Contains(s.Required, name)
		if ref == nil || ref.Value == nil || c.hidden(ref.Value, required) {
			continue
		}
		if !required {
			if isFalse(ref.Value) || !c.nameOK(s, name) {
				continue // the property must be absent
			}
			if minimal || (!c.forceAll && c.g.optional < 1 && p.f.Float64() >= c.g.optional) {
				skipped = append(skipped, name)
				continue
			}
		}
		out[name] = c.value(c.child(p, name), c.propSchema(s, name), minimal)
	}
	for _, name := range s.Required {
		if _, ok := out[name]; !ok && s.Properties[name] == nil {
			out[name] = c.value(c.child(p, name), c.propSchema(s, name), minimal)
		}
	}
	if !minimal {
		if len(s.Properties) == 0 && len(s.PatternProperties) == 0 &&
			(s.AdditionalProperties.Schema != nil || s.UnevaluatedProperties.Schema != nil || s.PropertyNames != nil) {
			for range p.f.IntRange(1, 3) {
				c.addExtra(p, s, out)
			}
		}
		for _, pat := range slices.Sorted(maps.Keys(s.PatternProperties)) {
			c.addPatterned(p, s, out, pat)
		}
	}
	for i := 0; uint64(len(out)) < s.MinProps && i < int(min(s.MinProps, 1<<30))+len(skipped)+8 && !c.budget.over; i++ {
		if len(skipped) > 0 {
			name := skipped[0]
			skipped = skipped[1:]
			out[name] = c.value(c.child(p, name), c.propSchema(s, name), minimal)
			continue
		}
		if !c.addExtra(p, s, out) {
			break
		}
	}
	c.addDependents(p, s, out, minimal)
	c.dropDependents(s, out)
	if s.MaxProps != nil {
		for _, name := range slices.Sorted(maps.Keys(out)) {
			if uint64(len(out)) <= *s.MaxProps {
				break
			}
			if !needed(s, out, name) {
				delete(out, name)
			}
		}
	}
	return out
}

// propertyNames is s's property names, sorted, computed once per schema (sorting them for every object was a
// tenth of a generated record's time). Schemas made on the fly (merged branches) are sorted each time once the
// cache holds maxCachedSchemas schemas.
func (g *Generator) propertyNames(s *openapi3.Schema) []string {
	if v, ok := g.names.Load(s); ok {
		return v.([]string)
	}
	names := slices.Sorted(maps.Keys(s.Properties))
	if g.namesSeen.Add(1) <= maxCachedSchemas {
		g.names.Store(s, names)
	}
	return names
}

// hidden reports whether a property is left out in the cursor's direction. The JSON
// Schema 2020-12 validator knows nothing of readOnly and writeOnly, so there a required
// property is never hidden.
func (c *cursor) hidden(s *openapi3.Schema, required bool) bool {
	if required && c.js {
		return false
	}
	return (c.dir == Request && s.ReadOnly) || (c.dir == Response && s.WriteOnly)
}

// addExtra adds one additional property with a word for its name (or one propertyNames
// accepts). It reports false when none could be added.
func (c *cursor) addExtra(p pos, s *openapi3.Schema, out map[string]any) bool {
	for i := range 8 {
		name := c.extraName(p, s, i, len(out))
		if _, taken := out[name]; taken || s.Properties[name] != nil || !c.open(s, name) {
			continue
		}
		out[name] = c.value(c.child(p, name), c.propSchema(s, name), false)
		return true
	}
	return false
}

// additional is the schema for properties not listed in properties nor matching a
// pattern: additionalProperties, else unevaluatedProperties, else a string.
func additional(s *openapi3.Schema) *openapi3.Schema {
	if ref := s.AdditionalProperties.Schema; ref != nil && ref.Value != nil {
		return ref.Value
	}
	if ref := s.UnevaluatedProperties.Schema; ref != nil && ref.Value != nil {
		return ref.Value
	}
	return &openapi3.Schema{Type: &openapi3.Types{openapi3.TypeString}}
}

// array generates minItems..maxItems items (a realistic 1-3 when unbounded), distinct
// when uniqueItems is set. With prefixItems (3.1) the first items follow their own
// schemas (all of them unless that breaks maxItems, or the value is minimal) and "items"
// the rest ("items: false": none). With contains, the first minContains (default 1)
// items after the prefix meet it too, and with maxContains the others are made not to.
func (c *cursor) array(p pos, s *openapi3.Schema, minimal bool) []any {
	var items *openapi3.Schema
	switch {
	case s.Items != nil:
		items = s.Items.Value
	case s.UnevaluatedItems.Schema != nil:
		items = s.UnevaluatedItems.Schema.Value
	}
	prefix := len(s.PrefixItems)
	closed := isFalse(items) || (s.Items == nil && s.UnevaluatedItems.Has != nil && !*s.UnevaluatedItems.Has)
	hit, miss, need := c.containsSchemas(s, items)

	lo := int(min(s.MinItems, 1<<16))
	if need > 0 && !closed && (s.MaxItems == nil || uint64(prefix+need) <= *s.MaxItems) {
		lo = max(lo, prefix+need)
	}
	hi := lo + 3
	if s.MaxItems != nil {
		hi = int(min(*s.MaxItems, 1<<16))
	}
	n := lo
	if !minimal {
		a, b := max(lo, 1), min(max(lo, 3), hi)
		a = min(a, b)
		n = max(p.f.IntRange(a, b), 0)
		n = max(n, min(prefix, hi))
	}
	if closed {
		n = min(n, prefix)
	}
	out := make([]any, 0, n)
	var seen map[string]bool
	if s.UniqueItems {
		seen = make(map[string]bool, n)
	}
	saved, savedVaried := c.wide, c.varied
	defer func() { c.wide, c.varied = saved, savedVaried }()
	for i := 0; len(out) < n && i < 10*n+10 && !c.budget.over; i++ {
		c.varied = savedVaried || i > 0
		if seen != nil && i >= 2*n+2 {
			c.wide = true // too few distinct realistic values: draw from the whole range
		}
		it := items
		switch k := len(out); {
		case k < prefix:
			it = nil
			if r := s.PrefixItems[k]; r != nil {
				it = r.Value
			}
		case hit != nil && k-prefix < need:
			it = hit
		case miss != nil:
			it = miss
		}
		if isFalse(it) {
			break // no value fits this position: the array ends before it
		}
		v := c.value(c.item(p, i), it, minimal && i < n)
		if seen != nil {
			k := string(canonical(v))
			if seen[k] {
				continue
			}
			seen[k] = true
		}
		out = append(out, v)
	}
	return out
}

// containsSchemas returns, for an array with contains, the schema of the items that must
// match it (items and contains merged), the schema of the others when maxContains limits
// the matches (items and not contains), and how many must match.
func (c *cursor) containsSchemas(s *openapi3.Schema, items *openapi3.Schema) (hit, miss *openapi3.Schema, need int) {
	if s.Contains == nil || s.Contains.Value == nil {
		return nil, nil, 0
	}
	need = 1
	if s.MinContains != nil {
		need = int(min(*s.MinContains, 1<<16))
	}
	hit = flatten(s.Contains.Value, 0)
	if items != nil && !isFalse(items) {
		hit = merge(flatten(items, 0), hit)
	}
	if s.MaxContains != nil {
		miss = &openapi3.Schema{Not: s.Contains}
		if items != nil && !isFalse(items) {
			miss = &openapi3.Schema{AllOf: openapi3.SchemaRefs{{Value: items}, {Value: miss}}}
		}
	}
	return hit, miss, need
}

// typeOf picks the JSON type to generate: the first non-null declared type, else one
// inferred from the keywords present.
func typeOf(p pos, s *openapi3.Schema) string {
	var types []string
	for _, t := range s.Type.Slice() {
		if t != openapi3.TypeNull {
			types = append(types, t)
		}
	}
	switch {
	case len(types) == 1:
		return types[0]
	case len(types) > 1:
		return types[p.f.IntN(len(types))]
	case s.Type.IncludesNull():
		return openapi3.TypeNull
	case len(s.Properties) > 0 || s.AdditionalProperties.Schema != nil || len(s.Required) > 0 || s.MinProps > 0 ||
		len(s.PatternProperties) > 0 || s.PropertyNames != nil || len(s.DependentRequired) > 0 ||
		len(s.DependentSchemas) > 0 || s.UnevaluatedProperties.Schema != nil:
		return openapi3.TypeObject
	case s.Items != nil || s.MinItems > 0 || s.MaxItems != nil || s.UniqueItems ||
		len(s.PrefixItems) > 0 || s.Contains != nil || s.UnevaluatedItems.Schema != nil:
		return openapi3.TypeArray
	case s.Format == "int32" || s.Format == "int64":
		return openapi3.TypeInteger
	case s.Min != nil || s.Max != nil || s.MultipleOf != nil || s.ExclusiveMin.IsSet() || s.ExclusiveMax.IsSet() ||
		s.Format == "float" || s.Format == "double":
		return openapi3.TypeNumber
	}
	return openapi3.TypeString
}

// onlyNull reports whether null is the only value the schema's type allows.
func onlyNull(s *openapi3.Schema) bool {
	if t := s.Type.Slice(); len(t) == 1 && t[0] == openapi3.TypeNull {
		return true
	}
	return len(s.Enum) == 1 && s.Enum[0] == nil
}

// permitsNull reports whether null is valid for the schema in OpenAPI 3.0 terms
// (kin-openapi accepts null for a nullable schema before looking at allOf/oneOf/anyOf),
// or for JSON Schema 2020-12, where nullable means nothing and only a "null" type counts.
// With an enum, null must be listed too, which every validator agrees on.
func (c *cursor) permitsNull(s *openapi3.Schema) bool {
	if len(s.Enum) > 0 {
		return slices.Contains(s.Enum, nil)
	}
	return (s.Nullable && !c.js) || s.Type.IncludesNull()
}

// normalize deep-copies a schema-held value (enum, const, example) into the types
// encoding/json decodes into.
func normalize(v any) any {
	switch x := v.(type) {
	case nil, string, bool, float64:
		return x
	case int:
		return float64(x)
	case int64:
		return float64(x)
	case int32:
		return float64(x)
	case uint64:
		return float64(x)
	case float32:
		return float64(x)
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = normalize(e)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = normalize(e)
		}
		return out
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil
	}
	var out any
	if json.Unmarshal(b, &out) != nil {
		return nil
	}
	return out
}

// canonical is the JSON encoding of v (object keys sorted), used to compare values.
func canonical(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		return nil
	}
	return b
}
