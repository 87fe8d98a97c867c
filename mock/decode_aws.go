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
