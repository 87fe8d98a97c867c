package fake

import (
	"maps"
	"slices"

	"github.com/getkin/kin-openapi/openapi3"
)

// maxExclusiveChecks bounds the validations one exclusive call makes, so a oneOf with many wide branches costs
// a bounded amount however its branches overlap.
const maxExclusiveChecks = 96

// exclusive makes an object generated for branch k of s's oneOf (own: the branch merged into the rest of s)
// fail every other branch, as oneOf asks: exactly one branch may match. Branches without required properties
// or closed property lists accept each other's objects, as in
//
//	oneOf: [{properties: {command: {enum: [cancel]}, status: {type: string}}},
//	        {properties: {error_text: {type: string}, status: {enum: ["1", "2"]}}}]
//
// For each other branch that still accepts the object it tries, in order: leaving out an optional property the
// other branch requires; a new value (from own's schema) for a property both declare, such as a status outside
// the other's enum; a value of another type for a property only the other declares, where own allows it; a
// property the other's closed list (additionalProperties: false) does not have. Each change is kept only when
// own still accepts the object. v is returned unchanged when it is not an object or nothing works; Generate
// then reports the schema as unsatisfiable, which it may be (two branches with the same properties).
func (c *cursor) exclusive(p pos, own *openapi3.Schema, branches openapi3.SchemaRefs, k int, v any) any {
	obj, ok := v.(map[string]any)
	if !ok {
		return v
	}
	checks := maxExclusiveChecks
	accepts := func(s *openapi3.Schema, x any) bool {
		checks--
		return s.VisitJSON(x, c.vopts...) == nil
	}
	saved := c.varied
	c.varied = true // schema examples are what the branches share: draw fresh values
	defer func() { c.varied = saved }()
	for j, b := range branches {
		if j == k || b == nil || b.Value == nil || checks <= 0 || !accepts(b.Value, obj) {
			continue
		}
		if out, ok := c.breakBranch(p, own, b.Value, obj, accepts, &checks); ok {
			obj = out
		}
	}
	return obj
}

// breakBranch returns a copy of obj that own accepts and other rejects, and whether it found one.
func (c *cursor) breakBranch(p pos, own, other *openapi3.Schema, obj map[string]any, accepts func(*openapi3.Schema, any) bool, checks *int) (map[string]any, bool) {
	other = flatten(other, 0)
	try := func(name string, val any, drop bool) (map[string]any, bool) {
		if *checks <= 0 {
			return nil, false
		}
		cand := maps.Clone(obj)
		if drop {
			delete(cand, name)
		} else {
			cand[name] = val
		}
		if !accepts(other, cand) && accepts(own, cand) {
			return cand, true
		}
		return nil, false
	}
	for _, name := range other.Required {
		if _, has := obj[name]; has && !slices.Contains(own.Required, name) {
			if out, ok := try(name, nil, true); ok {
				return out, true
			}
		}
	}
	names := slices.Sorted(maps.Keys(other.Properties))
	for _, name := range names {
		if own.Properties[name] == nil {
			continue
		}
		for i := range 6 {
			val := c.value(c.retry(c.child(p, name), 100+i), c.propSchema(own, name), false)
			if out, ok := try(name, val, false); ok {
				return out, true
			}
		}
	}
	for _, name := range names {
		ref := other.Properties[name]
		if own.Properties[name] != nil || ref == nil || ref.Value == nil || !c.open(own, name) {
			continue
		}
		for _, val := range c.misfits(ref.Value) {
			if out, ok := try(name, val, false); ok {
				return out, true
			}
		}
	}
	if has := other.AdditionalProperties.Has; has != nil && !*has {
		for i := range 4 {
			name := c.extraName(p, own, i, len(obj))
			if _, taken := obj[name]; taken || other.Properties[name] != nil || !c.open(own, name) {
				continue
			}
			if out, ok := try(name, c.value(c.child(p, name), c.propSchema(own, name), false), false); ok {
				return out, true
			}
		}
	}
	return nil, false
}

// misfits are small values of each JSON type that s rejects, for a property whose value must break s.
func (c *cursor) misfits(s *openapi3.Schema) []any {
	var out []any
	for _, v := range []any{"standin", 0.0, false, nil, map[string]any{}, []any{}} {
		if s.VisitJSON(v, c.vopts...) != nil {
			out = append(out, v)
		}
	}
	return out
}
