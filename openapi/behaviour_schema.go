package openapi

import (
	"maps"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// OperationParam finds a parameter of op by location and name (operation level first, then path level).
func OperationParam(op *Operation, in, name string) *openapi3.Parameter {
	for _, list := range []openapi3.Parameters{op.Op.Parameters, op.Item.Parameters} {
		for _, ref := range list {
			if ref != nil && ref.Value != nil && ref.Value.In == in && ref.Value.Name == name {
				return ref.Value
			}
		}
	}
	return nil
}

// RequestSchema returns the request body schema of op (JSON, else a form or multipart body), or nil.
func RequestSchema(op *Operation) *openapi3.SchemaRef {
	rb := op.Op.RequestBody
	if rb == nil || rb.Value == nil {
		return nil
	}
	mt := jsonMedia(rb.Value.Content)
	if mt == nil {
		mt = rb.Value.Content.Get("application/x-www-form-urlencoded")
	}
	if mt == nil {
		mt = rb.Value.Content.Get("multipart/form-data")
	}
	if mt == nil {
		return nil
	}
	return mt.Schema
}

// jsonMedia returns application/json's media type, else the first other JSON one (application/vnd.x+json, or
// application/json with parameters) in name order, or nil.
func jsonMedia(c openapi3.Content) *openapi3.MediaType {
	if mt := c.Get("application/json"); mt != nil {
		return mt
	}
	for _, name := range slices.Sorted(maps.Keys(c)) {
		// A key may carry parameters: GameSparks documents "application/json;charset=UTF-8".
		base := strings.ToLower(strings.TrimSpace(strings.Split(name, ";")[0]))
		if strings.HasSuffix(base, "+json") || strings.HasSuffix(base, "/json") {
			return c[name]
		}
	}
	return nil
}

// ResponseSchema returns the JSON schema of op's response for status (application/json, else another JSON
// type), or nil.
func ResponseSchema(op *Operation, status int) *openapi3.SchemaRef {
	r := op.Response(status)
	if r == nil {
		return nil
	}
	mt := jsonMedia(r.Content)
	if mt == nil {
		return nil
	}
	return mt.Schema
}

// properties returns the properties of an object schema, including those of allOf members.
func properties(s *openapi3.SchemaRef) map[string]*openapi3.SchemaRef {
	out := map[string]*openapi3.SchemaRef{}
	if s == nil || s.Value == nil {
		return out
	}
	maps.Copy(out, s.Value.Properties)
	for _, sub := range s.Value.AllOf {
		maps.Copy(out, properties(sub))
	}
	return out
}

// schemaAlternatives returns s itself when it has a type, else its anyOf and oneOf members that have one.
func schemaAlternatives(s *openapi3.SchemaRef) []*openapi3.Schema {
	if s == nil || s.Value == nil {
		return nil
	}
	if !s.Value.Type.IsEmpty() {
		return []*openapi3.Schema{s.Value}
	}
	var out []*openapi3.Schema
	for _, list := range []openapi3.SchemaRefs{s.Value.AnyOf, s.Value.OneOf} {
		for _, alt := range list {
			if alt != nil && alt.Value != nil && !alt.Value.Type.IsEmpty() {
				out = append(out, alt.Value)
			}
		}
	}
	return out
}

// recordOf returns the object schema of s: s itself, else its first anyOf/oneOf member that is an object
// with properties (Stripe answers a customer as anyOf [customer, deleted_customer]).
func recordOf(s *openapi3.SchemaRef) *openapi3.SchemaRef {
	if isObjectSchema(s) {
		return s
	}
	if s == nil || s.Value == nil {
		return nil
	}
	for _, list := range []openapi3.SchemaRefs{s.Value.AnyOf, s.Value.OneOf} {
		for _, alt := range list {
			if isObjectSchema(alt) && len(properties(alt)) > 0 {
				return alt
			}
		}
	}
	return nil
}

func isObjectSchema(s *openapi3.SchemaRef) bool {
	return s != nil && s.Value != nil && (s.Value.Type.Is("object") || len(s.Value.Properties) > 0)
}

func isArraySchema(s *openapi3.SchemaRef) bool {
	return s != nil && s.Value != nil && s.Value.Type.Is("array")
}
