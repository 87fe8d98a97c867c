package mock

import (
	"maps"
	"slices"

	"github.com/getkin/kin-openapi/openapi3"
)

// A record keeps every field a client wrote, writeOnly ones too (a user's password): the state is what was
// written. An answer built from records leaves them out, as the response schema says (writeOnly: "MAY be sent
// as part of a request but SHOULD NOT be sent as part of the response"); intellifi.nl's GET /users/{id} answered
// the password it was created with, which standin test's body_schema check refused.

// maxWriteOnlyDepth bounds the walks of a schema and of a body along it.
const maxWriteOnlyDepth = 8

// hasWriteOnly reports whether s declares a writeOnly property: in its properties, its allOf members, its items
// or additionalProperties, down to maxWriteOnlyDepth. Each subschema is walked once (seen): a document whose
// objects refer to each other walks in the size of its schemas, not in the number of paths through them.
func hasWriteOnly(s *openapi3.Schema, depth int, seen map[*openapi3.Schema]bool) bool {
	if s == nil || depth > maxWriteOnlyDepth || seen[s] {
		return false
	}
	seen[s] = true
	for _, p := range s.Properties {
		if p != nil && p.Value != nil && (p.Value.WriteOnly || hasWriteOnly(p.Value, depth+1, seen)) {
			return true
		}
	}
	for _, m := range s.AllOf {
		if m != nil && hasWriteOnly(m.Value, depth+1, seen) {
			return true
		}
	}
	if s.Items != nil && hasWriteOnly(s.Items.Value, depth+1, seen) {
		return true
	}
	return s.AdditionalProperties.Schema != nil && hasWriteOnly(s.AdditionalProperties.Schema.Value, depth+1, seen)
}

// writeOnlyProperty is the schema of property name in s (its properties, else an allOf member's), and whether
// that property is writeOnly.
func writeOnlyProperty(s *openapi3.Schema, name string, depth int) (*openapi3.Schema, bool) {
	if s == nil || depth > maxWriteOnlyDepth {
		return nil, false
	}
	if p := s.Properties[name]; p != nil && p.Value != nil {
		return p.Value, p.Value.WriteOnly
	}
	for _, m := range s.AllOf {
		if m == nil {
			continue
		}
		if ps, wo := writeOnlyProperty(m.Value, name, depth+1); ps != nil {
			return ps, wo
		}
	}
	if ap := s.AdditionalProperties.Schema; ap != nil && ap.Value != nil {
		return ap.Value, ap.Value.WriteOnly
	}
	return nil, false
}

// withoutWriteOnly is v without the properties s marks writeOnly, at any depth along s (objects' properties,
// arrays' items). v itself is never changed (records are shared): a map or slice that loses something is
// copied, the rest is shared.
func withoutWriteOnly(v any, s *openapi3.Schema, depth int) any {
	out, _ := stripWriteOnly(v, s, depth)
	return out
}

// stripWriteOnly is withoutWriteOnly, also reporting whether anything was left out.
func stripWriteOnly(v any, s *openapi3.Schema, depth int) (any, bool) {
	if s == nil || depth > maxWriteOnlyDepth {
		return v, false
	}
	switch x := v.(type) {
	case map[string]any:
		var out map[string]any
		for _, k := range slices.Sorted(maps.Keys(x)) {
			ps, wo := writeOnlyProperty(s, k, 0)
			if ps == nil {
				continue
			}
			var nv any
			if !wo {
				var changed bool
				if nv, changed = stripWriteOnly(x[k], ps, depth+1); !changed {
					continue
				}
			}
			if out == nil {
				out = maps.Clone(x)
			}
			if wo {
				delete(out, k)
			} else {
				out[k] = nv
			}
		}
		if out != nil {
			return out, true
		}
	case []any:
		if s.Items == nil || s.Items.Value == nil {
			return v, false
		}
		var out []any
		for i, item := range x {
			ni, changed := stripWriteOnly(item, s.Items.Value, depth+1)
			if !changed {
				continue
			}
			if out == nil {
				out = slices.Clone(x)
			}
			out[i] = ni
		}
		if out != nil {
			return out, true
		}
	}
	return v, false
}
