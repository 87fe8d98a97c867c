package mock

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// ownDecoding reports whether standin decodes a parameter itself because openapi3filter cannot: a deepObject
// query parameter (arrays, nested objects, "expand[]=x"), a query array whose items declare no type
// (openapi3filter decodes it as no value: "must not be empty"), and a cookie holding an array or an object
// (cookies explode by default). Every other parameter is decoded and validated by openapi3filter.
func ownDecoding(p *openapi3.Parameter) bool {
	if p == nil || p.Schema == nil || p.Schema.Value == nil || p.Content != nil {
		return false
	}
	sm, err := p.SerializationMethod()
	if err != nil {
		return false
	}
	switch p.In {
	case openapi3.ParameterInQuery:
		if composedItems(p.Schema.Value) || explodedObject(p) != nil || freeFormMap(p) { // decode_aws.go
			return true
		}
		return sm.Style == openapi3.SerializationDeepObject || untypedItems(p.Schema.Value)
	case openapi3.ParameterInCookie:
		s := p.Schema.Value
		for _, alt := range append([]*openapi3.Schema{s}, alternatives(s)...) {
			if alt.Type.Is("array") || alt.Type.Is("object") {
				return true
			}
		}
	}
	return false
}

// untypedItems reports whether s is an array whose items schema declares no type and no alternatives ("items:
// {}"), which openapi3filter cannot decode.
func untypedItems(s *openapi3.Schema) bool {
	if !isArray(s) {
		return false
	}
	if s.Items == nil || s.Items.Value == nil {
		return true
	}
	it := s.Items.Value
	return it.Type.IsEmpty() && len(it.AllOf) == 0 && len(it.AnyOf) == 0 && len(it.OneOf) == 0
}

// queryPairs splits a raw query in order; a pair that does not unescape is skipped, as net/url does.
func queryPairs(raw string) []formPair {
	var out []formPair
	for part := range strings.SplitSeq(raw, "&") {
		if part == "" {
			continue
		}
		k, v, _ := strings.Cut(part, "=")
		key, err1 := url.QueryUnescape(k)
		value, err2 := url.QueryUnescape(v)
		if err1 != nil || err2 != nil {
			continue
		}
		out = append(out, formPair{key, value})
	}
	return out
}

// freeFormMap reports whether p is a query parameter of an object that declares no properties and allows others,
// written as OpenAPI's exploded form writes such an object: one query field per entry. Microcks' search takes
// queryMap {type: object, additionalProperties: {type: string}} as /services/search?name=x&labels.env=prod;
// openapi3filter reads an exploded object by its declared properties only, so found none and answered that
// the required queryMap was missing.
func freeFormMap(p *openapi3.Parameter) bool {
	s := explodedFormSchema(p) // decode_aws.go
	return s != nil && s.Type.Is("object") && len(s.Properties) == 0 &&
		(s.AdditionalProperties.Has == nil || *s.AdditionalProperties.Has)
}

// otherQueryParams are the names of the query parameters of the lists besides p; nil when another of them is a
// free-form map too (the fields could be either's: none is read as a map then).
func otherQueryParams(p *openapi3.Parameter, lists ...openapi3.Parameters) map[string]bool {
	out := map[string]bool{}
	for _, list := range lists {
		for _, ref := range list {
			if ref == nil || ref.Value == nil || ref.Value == p || ref.Value.In != openapi3.ParameterInQuery {
				continue
			}
			if freeFormMap(ref.Value) {
				return nil
			}
			out[ref.Value.Name] = true
		}
	}
	return out
}

// decodeParam decodes a parameter ownDecoding selected; found reports whether the request carries it. others
// are the operation's other query parameters (paramPlan.others), which a free-form map's fields are not.
func decodeParam(r *http.Request, pairs []formPair, p *openapi3.Parameter, others map[string]bool) (any, bool, error) {
	sm, _ := p.SerializationMethod()
	d := formDecoder{in: p.In, name: p.Name, style: sm.Style}
	node := &formNode{}
	found := false
	switch p.In {
	case openapi3.ParameterInQuery:
		if others != nil && freeFormMap(p) {
			for _, pair := range pairs {
				name, _ := splitKey(pair.key)
				if name == p.Name || others[name] || others[pair.key] {
					continue
				}
				found = true
				node.kid(pair.key).add(nil, pair.value)
			}
			break
		}
		if !sm.Explode && sm.Style != openapi3.SerializationDeepObject {
			d.delim = delimiter(sm.Style)
		}
		obj := explodedObject(p) // decode_aws.go
		for _, pair := range pairs {
			name, path := splitKey(pair.key)
			if name != p.Name && obj != nil && obj.Properties[name] != nil {
				if len(path) == 0 && scalarProperty(obj, name) && node.has(name) {
					preferFitting(node.kids[name], obj.Properties[name], pair.value) // another object's property, perhaps
					continue
				}
				name, path = p.Name, append([]string{name}, path...) // a property of an exploded object
			}
			if name != p.Name {
				continue
			}
			found = true
			node.add(path, pair.value)
		}
	case openapi3.ParameterInCookie:
		if !sm.Explode {
			d.delim = ","
		}
		var obj *openapi3.Schema
		for _, alt := range alternatives(p.Schema.Value) {
			if alt.Type.Is("object") {
				obj = alt
				break
			}
		}
		for _, c := range r.Cookies() {
			switch {
			case c.Name == p.Name:
				found = true
				node.values = append(node.values, c.Value)
			case sm.Explode && obj != nil && propertySchema(obj, c.Name) != nil:
				found = true
				node.kid(c.Name).add(nil, c.Value)
			}
		}
	}
	if !found {
		return nil, false, nil
	}
	v, err := d.node(node, p.Schema, 0)
	return v, true, err
}
