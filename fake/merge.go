package fake

import (
	"maps"
	"slices"

	"github.com/getkin/kin-openapi/openapi3"
)

// flatten folds a schema's allOf members into one schema for generation. The result is a
// new schema when there is anything to fold; the input is never modified. Constraints
// that cannot be combined exactly (two patterns, two multipleOf) keep the first one: the
// caller verifies the value against the original schema.
func flatten(s *openapi3.Schema, depth int) *openapi3.Schema {
	if len(s.AllOf) == 0 || depth > 16 {
		return s
	}
	out := *s
	out.AllOf = nil
	res := &out
	for _, m := range s.AllOf {
		if m == nil || m.Value == nil {
			continue
		}
		res = merge(res, flatten(m.Value, depth+1))
	}
	return res
}

// merge returns a new schema that asks for what both a and b ask for, as far as the
// generator needs it. a and b must already be flat (no allOf), except that a second
// if/then/else is kept as an allOf member, which the generator handles in its turn.
func merge(a, b *openapi3.Schema) *openapi3.Schema {
	if b.IsEmpty() && len(b.Properties) == 0 && len(b.OneOf) == 0 && len(b.AnyOf) == 0 && b.Items == nil {
		return a
	}
	m := *a
	m.Extensions = nil

	switch {
	case a.Type == nil:
		m.Type = b.Type
	case b.Type != nil:
		var both openapi3.Types
		for _, t := range a.Type.Slice() {
			switch {
			case b.Type.Includes(t):
				both = append(both, t)
			case t == openapi3.TypeNumber && b.Type.Includes(openapi3.TypeInteger),
				t == openapi3.TypeInteger && b.Type.Includes(openapi3.TypeNumber):
				both = append(both, openapi3.TypeInteger)
			}
		}
		if len(both) > 0 {
			m.Type = &both
		}
	}
	m.Format = first(a.Format, b.Format)
	m.Pattern = first(a.Pattern, b.Pattern)
	m.Title = first(a.Title, b.Title)
	m.Description = first(a.Description, b.Description)
	if m.Example == nil {
		m.Example = b.Example
	}
	if m.Default == nil {
		m.Default = b.Default
	}
	if m.Const == nil {
		m.Const = b.Const
	}

	switch {
	case len(a.Enum) == 0:
		m.Enum = b.Enum
	case len(b.Enum) > 0:
		var both []any
		for _, v := range a.Enum {
			for _, w := range b.Enum {
				if jsonEqual(v, w) {
					both = append(both, v)
					break
				}
			}
		}
		m.Enum = both
		if len(both) == 0 {
			m.Enum = a.Enum
		}
	}

	if b.Min != nil && (a.Min == nil || *b.Min > *a.Min || (*b.Min == *a.Min && b.ExclusiveMin.IsTrue())) {
		m.Min, m.ExclusiveMin.Bool = b.Min, b.ExclusiveMin.Bool
	}
	if b.Max != nil && (a.Max == nil || *b.Max < *a.Max || (*b.Max == *a.Max && b.ExclusiveMax.IsTrue())) {
		m.Max, m.ExclusiveMax.Bool = b.Max, b.ExclusiveMax.Bool
	}
	if v := b.ExclusiveMin.Value; v != nil && (a.ExclusiveMin.Value == nil || *v > *a.ExclusiveMin.Value) {
		m.ExclusiveMin.Value = v
	}
	if v := b.ExclusiveMax.Value; v != nil && (a.ExclusiveMax.Value == nil || *v < *a.ExclusiveMax.Value) {
		m.ExclusiveMax.Value = v
	}
	if m.MultipleOf == nil {
		m.MultipleOf = b.MultipleOf
	}

	m.MinLength = max(a.MinLength, b.MinLength)
	m.MaxLength = minPtr(a.MaxLength, b.MaxLength)
	m.MinItems = max(a.MinItems, b.MinItems)
	m.MaxItems = minPtr(a.MaxItems, b.MaxItems)
	m.MinProps = max(a.MinProps, b.MinProps)
	m.MaxProps = minPtr(a.MaxProps, b.MaxProps)
	m.UniqueItems = a.UniqueItems || b.UniqueItems
	m.Nullable = a.Nullable && b.Nullable
	m.ReadOnly = a.ReadOnly || b.ReadOnly
	m.WriteOnly = a.WriteOnly || b.WriteOnly

	switch {
	case a.Items == nil:
		m.Items = b.Items
	case b.Items != nil && b.Items.Value != a.Items.Value:
		m.Items = &openapi3.SchemaRef{Value: &openapi3.Schema{AllOf: openapi3.SchemaRefs{a.Items, b.Items}}}
	}

	if len(b.Properties) > 0 {
		props := make(openapi3.Schemas, len(a.Properties)+len(b.Properties))
		maps.Copy(props, a.Properties)
		for k, v := range b.Properties {
			if old, ok := props[k]; ok && old != nil && v != nil && old.Value != v.Value {
				props[k] = &openapi3.SchemaRef{Value: &openapi3.Schema{AllOf: openapi3.SchemaRefs{old, v}}}
				continue
			}
			props[k] = v
		}
		m.Properties = props
	}
	if len(b.Required) > 0 {
		req := slices.Clone(a.Required)
		for _, r := range b.Required {
			if !slices.Contains(req, r) {
				req = append(req, r)
			}
		}
		m.Required = req
	}
	switch {
	case b.AdditionalProperties.Has != nil && !*b.AdditionalProperties.Has:
		m.AdditionalProperties = b.AdditionalProperties
	case a.AdditionalProperties.Has != nil && !*a.AdditionalProperties.Has:
	case a.AdditionalProperties.Schema == nil && b.AdditionalProperties.Schema != nil:
		m.AdditionalProperties = b.AdditionalProperties
	}

	if len(m.OneOf) == 0 {
		m.OneOf = b.OneOf
	}
	if len(m.AnyOf) == 0 {
		m.AnyOf = b.AnyOf
	}
	if m.Not == nil {
		m.Not = b.Not
	}
	if m.Discriminator == nil {
		m.Discriminator = b.Discriminator
	}
	merge31(&m, a, b)
	return &m
}

// merge31 merges the OpenAPI 3.1 (JSON Schema 2020-12) keywords of b into m, a copy of a.
func merge31(m, a, b *openapi3.Schema) {
	switch {
	case a.Always == nil || *a.Always:
		m.Always = b.Always
	case b.Always != nil && !*b.Always:
		m.Always = b.Always
	}
	if len(m.Examples) == 0 {
		m.Examples = b.Examples
	}
	if n := max(len(a.PrefixItems), len(b.PrefixItems)); len(b.PrefixItems) > 0 {
		items := make(openapi3.SchemaRefs, n)
		for i := range n {
			items[i] = both(position(a, i), position(b, i))
		}
		m.PrefixItems = items
	}
	if b.Contains != nil {
		m.Contains = both(a.Contains, b.Contains)
		if a.MinContains == nil || (b.MinContains != nil && *b.MinContains > *a.MinContains) {
			m.MinContains = b.MinContains
		}
		m.MaxContains = minPtr(a.MaxContains, b.MaxContains)
	}
	m.PatternProperties = bothMaps(a.PatternProperties, b.PatternProperties)
	m.DependentSchemas = bothMaps(a.DependentSchemas, b.DependentSchemas)
	m.PropertyNames = both(a.PropertyNames, b.PropertyNames)
	if len(b.DependentRequired) > 0 {
		deps := maps.Clone(a.DependentRequired)
		if deps == nil {
			deps = make(map[string][]string, len(b.DependentRequired))
		}
		for k, names := range b.DependentRequired {
			for _, n := range names {
				if !slices.Contains(deps[k], n) {
					deps[k] = append(slices.Clone(deps[k]), n)
				}
			}
		}
		m.DependentRequired = deps
	}
	m.UnevaluatedItems = bothBool(a.UnevaluatedItems, b.UnevaluatedItems)
	m.UnevaluatedProperties = bothBool(a.UnevaluatedProperties, b.UnevaluatedProperties)
	if b.If != nil || b.Then != nil || b.Else != nil {
		cond := &openapi3.Schema{If: b.If, Then: b.Then, Else: b.Else}
		if a.If == nil && a.Then == nil && a.Else == nil {
			m.If, m.Then, m.Else = cond.If, cond.Then, cond.Else
		} else {
			m.AllOf = append(slices.Clone(a.AllOf), &openapi3.SchemaRef{Value: cond})
		}
	}
	if m.ContentSchema == nil {
		m.ContentSchema, m.ContentMediaType, m.ContentEncoding = b.ContentSchema, b.ContentMediaType, b.ContentEncoding
	}
}

// position is the schema for the i-th item of an array schema: its prefixItems entry,
// else items.
func position(s *openapi3.Schema, i int) *openapi3.SchemaRef {
	if i < len(s.PrefixItems) {
		return s.PrefixItems[i]
	}
	return s.Items
}

// both is a schema asking for what a and b ask for (either may be nil).
func both(a, b *openapi3.SchemaRef) *openapi3.SchemaRef {
	switch {
	case a == nil || a.Value == nil:
		return b
	case b == nil || b.Value == nil || a.Value == b.Value:
		return a
	}
	return &openapi3.SchemaRef{Value: &openapi3.Schema{AllOf: openapi3.SchemaRefs{a, b}}}
}

// bothMaps joins two maps of schemas; a key in both gets both schemas.
func bothMaps(a, b openapi3.Schemas) openapi3.Schemas {
	if len(b) == 0 {
		return a
	}
	out := make(openapi3.Schemas, len(a)+len(b))
	maps.Copy(out, a)
	for k, v := range b {
		out[k] = both(out[k], v)
	}
	return out
}

// bothBool joins two unevaluatedItems/unevaluatedProperties values: false wins.
func bothBool(a, b openapi3.BoolSchema) openapi3.BoolSchema {
	switch {
	case b.Has != nil && !*b.Has:
		return b
	case a.Has != nil && !*a.Has:
		return a
	case a.Schema == nil && a.Has == nil:
		return b
	case b.Schema != nil:
		return openapi3.BoolSchema{Schema: both(a.Schema, b.Schema)}
	}
	return a
}

func first(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func minPtr(a, b *uint64) *uint64 {
	switch {
	case a == nil:
		return b
	case b == nil || *a <= *b:
		return a
	}
	return b
}

func jsonEqual(a, b any) bool {
	return slices.Equal(canonical(normalize(a)), canonical(normalize(b)))
}
