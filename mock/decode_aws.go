package mock

import "github.com/getkin/kin-openapi/openapi3"

// composedItems reports whether s is an array whose items openapi3filter cannot decode from a query string:
// items that are objects or arrays (written as JSON, one value per item, as standin's runner sends them), or
// whose type comes only from allOf/anyOf/oneOf members. The AWS descriptions of query-protocol services (EC2,
// CloudWatch, ...) declare most list parameters that way ("items: {allOf: [{$ref: ...}, {xml: ...}]}"), and
// openapi3filter answers them "must not be empty" or "is not a valid array" whatever was sent.
func composedItems(s *openapi3.Schema) bool {
	if !isArray(s) || s.Items == nil || s.Items.Value == nil {
		return false
	}
	it := s.Items.Value
	return it.Type.IsEmpty() || it.Type.Is("object") || it.Type.Is("array")
}

// explodedObject returns the object schema of a query parameter of style form, exploded, whose properties are
// sent under their own names ("InstanceIds[0]=i-1&DedicatedHostIds[0]=h-1" for AWS's AssociationTarget) and
// that openapi3filter cannot decode because a property is not a scalar (an array, an object, or typed only
// through allOf); nil for any other parameter. Properties are found through allOf members too.
func explodedObject(p *openapi3.Parameter) *openapi3.Schema {
	s := explodedFormSchema(p)
	if s == nil || !s.Type.Is("object") || len(s.Properties) == 0 {
		return nil
	}
	for _, prop := range s.Properties {
		v := derefSchema(prop)
		if v == nil || v.Type.IsEmpty() || v.Type.Is("array") || v.Type.Is("object") {
			return s
		}
	}
	return nil
}

// explodedFormSchema is p's schema, allOf members merged, when p is a query parameter in exploded form style
// (OpenAPI's default for the query); nil otherwise.
func explodedFormSchema(p *openapi3.Parameter) *openapi3.Schema {
	if p == nil || p.In != openapi3.ParameterInQuery || p.Schema == nil || p.Schema.Value == nil || p.Content != nil {
		return nil
	}
	sm, err := p.SerializationMethod()
	if err != nil || sm.Style != openapi3.SerializationForm || !sm.Explode {
		return nil
	}
	s := p.Schema.Value
	if len(s.AllOf) > 0 {
		s = mergedAllOf(s)
	}
	return s
}

// scalarProperty reports whether property name of obj takes one value (a string, number, integer or boolean).
func scalarProperty(obj *openapi3.Schema, name string) bool {
	v := derefSchema(obj.Properties[name])
	if v == nil {
		return false
	}
	if len(v.AllOf) > 0 {
		v = mergedAllOf(v)
	}
	return !v.Type.IsEmpty() && !v.Type.Is("array") && !v.Type.Is("object")
}

// preferFitting settles a scalar property given more than once, as when two exploded objects of one operation
// share a property name (EC2 CreateFleet's OnDemandOptions and SpotOptions both have AllocationStrategy, and the
// query cannot say whose each value is): the first value the property's schema accepts, else the first value.
func preferFitting(n *formNode, prop *openapi3.SchemaRef, v string) {
	if n == nil || len(n.values) != 1 || prop == nil || prop.Value == nil {
		return
	}
	fits := func(x any) bool {
		s, ok := x.(string)
		return ok && prop.Value.VisitJSON(coerceText(s, prop.Value)) == nil
	}
	if !fits(n.values[0]) && fits(v) {
		n.values[0] = v
	}
}
