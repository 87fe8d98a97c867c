package fake

import (
	"errors"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// This file holds what OpenAPI 3.1 (JSON Schema 2020-12) adds: choosing the validator,
// if/then/else, and the object keywords patternProperties, propertyNames,
// dependentRequired and dependentSchemas. Arrays (prefixItems, contains) are in value.go.

var errNeeds2020 = errors.New("schema uses a JSON Schema 2020-12 keyword")

// maxDialects bounds the needs2020 cache, so that a caller building new schemas for every
// call does not make it grow without end (a spec has far fewer schemas).
const maxDialects = 1 << 14

// needs2020 reports whether s, or a schema below it, uses a keyword that only kin-openapi's
// JSON Schema 2020-12 validator checks (its built-in OpenAPI 3.0 validator ignores them).
// The answer is cached per schema (loaded schemas do not change), for up to maxDialects schemas.
func (g *Generator) needs2020(s *openapi3.Schema) bool {
	if v, ok := g.dialect.Load(s); ok {
		return v.(bool)
	}
	err := openapi3.NewSchemaRef("", s).WalkSubtree(func(_ string, ref *openapi3.SchemaRef) error {
		if ref.Value != nil && uses2020(ref.Value) {
			return errNeeds2020
		}
		return nil
	})
	found := errors.Is(err, errNeeds2020)
	if g.dialects.Add(1) <= maxDialects {
		g.dialect.Store(s, found)
	}
	return found
}

// uses2020 reports whether s itself has a keyword only the 2020-12 validator checks.
func uses2020(s *openapi3.Schema) bool {
	return s.Const != nil || len(s.PrefixItems) > 0 || s.Contains != nil ||
		len(s.PatternProperties) > 0 || len(s.DependentSchemas) > 0 || s.PropertyNames != nil ||
		s.UnevaluatedItems.Has != nil || s.UnevaluatedItems.Schema != nil ||
		s.UnevaluatedProperties.Has != nil || s.UnevaluatedProperties.Schema != nil ||
		s.If != nil || s.Then != nil || s.Else != nil ||
		len(s.DependentRequired) > 0 || s.ContentSchema != nil
}

// isFalse reports whether s is the boolean schema false, which no value meets.
func isFalse(s *openapi3.Schema) bool {
	return s != nil && s.Always != nil && !*s.Always
}

// conditional handles if/then/else. One way merges "if" and "then" into the rest of the
// schema; the other merges "else" and asks for "not if". It starts with a seeded choice
// (the "then" way for a minimal value) and keeps the first value the whole schema accepts.
func (c *cursor) conditional(p pos, s *openapi3.Schema, minimal bool) any {
	base := *s
	base.If, base.Then, base.Else = nil, nil, nil
	flat := flatten(&base, 0)
	then := flat
	for _, r := range []*openapi3.SchemaRef{s.If, s.Then} {
		if r != nil && r.Value != nil {
			then = merge(then, flatten(r.Value, 0))
		}
	}
	otherwise := flat
	if s.Else != nil && s.Else.Value != nil {
		otherwise = merge(otherwise, flatten(s.Else.Value, 0))
	}
	otherwise = withNot(otherwise, s.If)
	ways := [2]*openapi3.Schema{then, otherwise}
	start := 0
	if !minimal {
		start = p.f.IntN(2)
	}
	var last any
	for i := range 2 {
		v := c.value(c.retry(p, 16+i), ways[(start+i)%2], minimal)
		if s.VisitJSON(v, c.vopts...) == nil {
			return v
		}
		last = v
	}
	return last
}

// withNot returns a copy of s that also asks for "not n".
func withNot(s *openapi3.Schema, n *openapi3.SchemaRef) *openapi3.Schema {
	out := *s
	if out.Not == nil {
		out.Not = n
		return &out
	}
	out.AllOf = append(slices.Clone(out.AllOf), &openapi3.SchemaRef{Value: &openapi3.Schema{Not: n}})
	return &out
}

// propSchema is the schema the value of property name must meet: its declared schema
// and the schema of every patternProperties pattern that matches the name; for a name
// that has neither, the schema for additional properties.
func (c *cursor) propSchema(s *openapi3.Schema, name string) *openapi3.Schema {
	decl := s.Properties[name]
	if len(s.PatternProperties) == 0 {
		if decl != nil && decl.Value != nil {
			return decl.Value
		}
		return additional(s)
	}
	var refs openapi3.SchemaRefs
	if decl != nil && decl.Value != nil {
		refs = append(refs, decl)
	}
	for _, pat := range slices.Sorted(maps.Keys(s.PatternProperties)) {
		ref := s.PatternProperties[pat]
		if re := c.g.pattern(pat); ref != nil && ref.Value != nil && re != nil && re.MatchString(name) {
			refs = append(refs, ref)
		}
	}
	switch len(refs) {
	case 0:
		return additional(s)
	case 1:
		return refs[0].Value
	}
	return &openapi3.Schema{AllOf: refs}
}

// nameOK reports whether propertyNames accepts name.
func (c *cursor) nameOK(s *openapi3.Schema, name string) bool {
	pn := s.PropertyNames
	return pn == nil || pn.Value == nil || pn.Value.VisitJSON(name, c.vopts...) == nil
}

// open reports whether an object may hold property name: it is declared, matches a
// pattern, or additional (and unevaluated) properties are allowed.
func (c *cursor) open(s *openapi3.Schema, name string) bool {
	if s.Properties[name] != nil {
		return true
	}
	for pat := range s.PatternProperties {
		if re := c.g.pattern(pat); re != nil && re.MatchString(name) {
			return true
		}
	}
	if has := s.AdditionalProperties.Has; has != nil && !*has {
		return false
	}
	if s.AdditionalProperties.Schema == nil {
		if has := s.UnevaluatedProperties.Has; has != nil && !*has {
			return false
		}
	}
	return true
}

// extraName proposes the name of the i-th try at an additional property: a word, or when
// propertyNames has constraints the word does not meet, a string made for them.
func (c *cursor) extraName(p pos, s *openapi3.Schema, i, n int) string {
	name := strings.ToLower(p.f.Noun())
	if i > 3 || name == "" {
		name += strconv.Itoa(n + i)
	}
	if pn := s.PropertyNames; pn != nil && pn.Value != nil && !c.nameOK(s, name) {
		// value, not str: it folds allOf (a $ref with sibling keywords, for one).
		q := c.child(p, "\x00name"+strconv.Itoa(n*8+i))
		if typed, ok := c.value(q, withType(pn.Value, openapi3.TypeString), false).(string); ok {
			name = typed
		}
	}
	return name
}

// withType returns s, or a copy of it with type t when s has no type.
func withType(s *openapi3.Schema, t string) *openapi3.Schema {
	if s.Type != nil {
		return s
	}
	out := *s
	out.Type = &openapi3.Types{t}
	return &out
}

// addPatterned adds one property whose name matches pattern pat, made from the pattern
// (with a word appended when the pattern allows it, so "^x-" gives "x-ledger").
func (c *cursor) addPatterned(p pos, s *openapi3.Schema, out map[string]any, pat string) {
	re := c.g.pattern(pat)
	if re == nil {
		return
	}
	q := c.child(p, "\x00pattern "+pat)
	src := goPattern(pat)
	for range 8 {
		name := q.f.Regex(src)
		if longer := name + strings.ToLower(q.f.Noun()); re.MatchString(longer) {
			name = longer
		}
		if _, taken := out[name]; taken || name == "" || s.Properties[name] != nil || !re.MatchString(name) || !c.nameOK(s, name) {
			continue
		}
		out[name] = c.value(c.child(p, name), c.propSchema(s, name), false)
		return
	}
}

// addDependents adds the properties dependentRequired asks for because of the ones
// present, until nothing more is needed.
func (c *cursor) addDependents(p pos, s *openapi3.Schema, out map[string]any, minimal bool) {
	if len(s.DependentRequired) == 0 {
		return
	}
	keys := slices.Sorted(maps.Keys(s.DependentRequired))
	for range len(keys) + 1 {
		added := false
		for _, k := range keys {
			if _, ok := out[k]; !ok {
				continue
			}
			for _, d := range s.DependentRequired[k] {
				if _, ok := out[d]; !ok {
					out[d] = c.value(c.child(p, d), c.propSchema(s, d), minimal)
					added = true
				}
			}
		}
		if !added {
			return
		}
	}
}

// needed reports whether property name must stay in out: it is required, or
// dependentRequired asks for it because of another property present.
func needed(s *openapi3.Schema, out map[string]any, name string) bool {
	if slices.Contains(s.Required, name) {
		return true
	}
	for k, deps := range s.DependentRequired {
		if _, ok := out[k]; ok && k != name && slices.Contains(deps, name) {
			return true
		}
	}
	return false
}

// withRequiredDependents merges into s the dependentSchemas of its required properties,
// which always apply.
func withRequiredDependents(s *openapi3.Schema) *openapi3.Schema {
	if len(s.DependentSchemas) == 0 {
		return s
	}
	for _, k := range slices.Sorted(maps.Keys(s.DependentSchemas)) {
		if d := s.DependentSchemas[k]; d != nil && d.Value != nil && slices.Contains(s.Required, k) {
			s = merge(s, flatten(d.Value, 0))
		}
	}
	return s
}

// dropDependents removes optional properties whose dependentSchemas the object does
// not meet.
func (c *cursor) dropDependents(s *openapi3.Schema, out map[string]any) {
	if len(s.DependentSchemas) == 0 {
		return
	}
	for _, k := range slices.Sorted(maps.Keys(s.DependentSchemas)) {
		d := s.DependentSchemas[k]
		if _, ok := out[k]; !ok || d == nil || d.Value == nil || needed(s, out, k) {
			continue
		}
		if d.Value.VisitJSON(out, c.vopts...) != nil {
			delete(out, k)
		}
	}
}
