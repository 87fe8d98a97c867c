package openapi

import "github.com/getkin/kin-openapi/openapi3"

// KeySchema returns the schema a record's key field has in effect, for deciding what kind of id to make: s
// itself when it declares a type and no allOf; else a copy whose type, pattern, format, length limits and enum
// come from s and, where s leaves them unset, from its allOf members in order (AWS documents write every field
// as allOf: [{$ref: Integer}, {description: ...}], so the field itself declares no type). nil for nil.
func KeySchema(s *openapi3.SchemaRef) *openapi3.Schema {
	if s == nil || s.Value == nil {
		return nil
	}
	if !s.Value.Type.IsEmpty() && len(s.Value.AllOf) == 0 {
		return s.Value
	}
	out := *s.Value
	var gather func(list openapi3.SchemaRefs, depth int)
	gather = func(list openapi3.SchemaRefs, depth int) {
		if depth > 8 {
			return
		}
		for _, r := range list {
			if r == nil || r.Value == nil {
				continue
			}
			m := r.Value
			if out.Type.IsEmpty() {
				out.Type = m.Type
			}
			if out.Pattern == "" {
				out.Pattern = m.Pattern
			}
			if out.Format == "" {
				out.Format = m.Format
			}
			if out.MaxLength == nil {
				out.MaxLength = m.MaxLength
			}
			out.MinLength = max(out.MinLength, m.MinLength)
			if out.Enum == nil {
				out.Enum = m.Enum
			}
			gather(m.AllOf, depth+1)
		}
	}
	gather(s.Value.AllOf, 0)
	return &out
}
