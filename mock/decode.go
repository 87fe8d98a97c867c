package mock

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// This file turns the flat name=value pairs of a form body, a multipart body or a deepObject query parameter
// into the nested value the schema describes. Keys use the bracket notation clients send
// (metadata[key]=v, line_items[0][price]=p, features[0]=balance, expand[]=customer); the schema decides
// whether a level is an object or an array and what type a leaf has. kin-openapi's openapi3filter decodes the
// styles it knows; standin decodes here what it does not (arrays and objects nested in brackets).

// Limits of the bracket decoder: a deeper key or a larger index is a client error naming the parameter.
const (
	maxFormDepth = 16      // bracket levels below the parameter's name
	maxFormIndex = 100_000 // largest array index accepted
)

// DecodeError is a value standin could not decode from the request: which parameter (or body property), where
// it was (query, path, header, cookie or body), its serialization style and why. It never holds the value.
type DecodeError struct {
	In     string // query, path, header, cookie, body
	Name   string // the parameter or body property
	Style  string // form, deepObject, simple, label, matrix, spaceDelimited, pipeDelimited, multipart
	Reason string
}

func (e *DecodeError) Error() string {
	what := "parameter"
	if e.In == "body" || e.In == "multipart" {
		what = "property"
	}
	return fmt.Sprintf("%s %s %q (style %s): %s", e.In, what, e.Name, e.Style, e.Reason)
}

// formNode is one level of a bracketed form: the values given for it directly and its children by key.
type formNode struct {
	values []any // strings from a form or query; decoded values from a typed multipart part
	kids   map[string]*formNode
	order  []string // child keys in the order first seen
}

func (n *formNode) kid(key string) *formNode {
	if n.kids == nil {
		n.kids = map[string]*formNode{}
	}
	k := n.kids[key]
	if k == nil {
		k = &formNode{}
		n.kids[key] = k
		n.order = append(n.order, key)
	}
	return k
}

// splitKey splits "a[b][0][]" into "a" and [b 0 ""]. A key without brackets, or with brackets that do not
// close, is one name.
func splitKey(key string) (string, []string) {
	i := strings.IndexByte(key, '[')
	if i <= 0 || !strings.HasSuffix(key, "]") {
		return key, nil
	}
	name, rest := key[:i], key[i:]
	var path []string
	for rest != "" {
		if rest[0] != '[' {
			return key, nil
		}
		end := strings.IndexByte(rest, ']')
		if end < 0 {
			return key, nil
		}
		path = append(path, rest[1:end])
		rest = rest[end+1:]
	}
	return name, path
}

// add puts a value at path below n. An empty segment ("a[]") appends: at the end it adds to the values of the
// level; inside ("a[][x]") it starts a new element when the current last one already has the next key.
func (n *formNode) add(path []string, v any) {
	for i, seg := range path {
		if seg != "" {
			n = n.kid(seg)
			continue
		}
		if i == len(path)-1 {
			break
		}
		next := path[i+1]
		if len(n.order) == 0 || n.kids[n.order[len(n.order)-1]].has(next) {
			n = n.kid(strconv.Itoa(len(n.order)))
		} else {
			n = n.kids[n.order[len(n.order)-1]]
		}
	}
	n.values = append(n.values, v)
}

func (n *formNode) has(key string) bool {
	if key == "" {
		return len(n.values) > 0
	}
	_, ok := n.kids[key]
	return ok
}

// formDecoder converts form nodes to values of a schema. It names the parameter in its errors.
type formDecoder struct {
	in, name, style string
	delim           string // non-exploded arrays: the separator of one value ("," for form)
}

func (d formDecoder) fail(format string, args ...any) error {
	return &DecodeError{In: d.in, Name: d.name, Style: d.style, Reason: fmt.Sprintf(format, args...)}
}

// node converts a node to a value of schema at depth.
func (d formDecoder) node(n *formNode, s *openapi3.SchemaRef, depth int) (any, error) {
	if depth > maxFormDepth {
		return nil, d.fail("nested deeper than %d levels", maxFormDepth)
	}
	sc := pickAlternative(s, n)
	switch {
	case len(n.kids) > 0 && isArray(sc) || len(n.kids) > 0 && sc == nil && numericKeys(n):
		return d.array(n, sc, depth)
	case len(n.kids) > 0:
		return d.object(n, sc, depth)
	}
	return d.leaf(n.values, sc)
}

func (d formDecoder) array(n *formNode, s *openapi3.Schema, depth int) (any, error) {
	type indexed struct {
		i int
		n *formNode
	}
	elems := make([]indexed, 0, len(n.kids))
	for _, k := range n.order {
		i, err := strconv.Atoi(k)
		if err != nil || i < 0 {
			return nil, d.fail("array key [%s] is not an index: expected [0], [1], ... or []", k)
		}
		if i > maxFormIndex {
			return nil, d.fail("array index %d is above the limit of %d", i, maxFormIndex)
		}
		elems = append(elems, indexed{i, n.kids[k]})
	}
	slices.SortStableFunc(elems, func(a, b indexed) int { return a.i - b.i })
	var items *openapi3.SchemaRef
	if s != nil {
		items = s.Items
	}
	out := make([]any, 0, len(elems)+len(n.values))
	for _, v := range n.values { // "a[]=x" beside "a[0]=y"
		item, err := d.leaf([]any{v}, derefSchema(items))
		if err != nil {
			return nil, err
		}
		out = append(out, item)
	}
	for _, e := range elems {
		item, err := d.node(e.n, items, depth+1)
		if err != nil {
			return nil, err
		}
		out = append(out, item)
	}
	return out, nil
}

func (d formDecoder) object(n *formNode, s *openapi3.Schema, depth int) (any, error) {
	out := make(map[string]any, len(n.kids))
	for _, k := range n.order {
		v, err := d.node(n.kids[k], propertySchema(s, k), depth+1)
		if err != nil {
			return nil, err
		}
		out[k] = v
	}
	return out, nil
}

// leaf converts the values given for one name: one value for a scalar, every value (split at the delimiter
// when the style does not explode) for an array.
func (d formDecoder) leaf(values []any, s *openapi3.Schema) (any, error) {
	if len(values) == 0 {
		return nil, nil
	}
	if isArray(s) {
		if list, ok := values[0].([]any); ok && len(values) == 1 {
			return list, nil // one typed part holding the whole array
		}
		var items *openapi3.Schema
		if s.Items != nil {
			items = s.Items.Value
		}
		out := make([]any, 0, len(values))
		for _, v := range values {
			str, isText := v.(string)
			if !isText {
				out = append(out, v)
				continue
			}
			parts := []string{str}
			if d.delim != "" {
				parts = strings.Split(str, d.delim)
			}
			for _, p := range parts {
				out = append(out, coerceText(p, items))
			}
		}
		return out, nil
	}
	if isObject(s) && d.delim != "" {
		if str, ok := values[0].(string); ok && str != "" {
			return d.pairs(str, s)
		}
	}
	str, isText := values[0].(string)
	if !isText {
		return values[0], nil
	}
	if s == nil && len(values) > 1 {
		out := make([]any, len(values))
		for i, v := range values {
			out[i] = v
		}
		return out, nil
	}
	return coerceText(str, s), nil
}

// pairs reads a non-exploded object ("R,100,G,200").
func (d formDecoder) pairs(str string, s *openapi3.Schema) (any, error) {
	parts := strings.Split(str, d.delim)
	if len(parts)%2 != 0 {
		return nil, d.fail("expected name%svalue pairs separated by %q, got an odd number of parts", d.delim, d.delim)
	}
	out := make(map[string]any, len(parts)/2)
	for i := 0; i < len(parts); i += 2 {
		out[parts[i]] = coerceText(parts[i+1], derefSchema(propertySchema(s, parts[i])))
	}
	return out, nil
}

// coerceText reads a text value as the schema's type: an integer, a number or a boolean when the text is one,
// JSON for an object or array written as JSON; otherwise the text itself, which validation then judges.
func coerceText(s string, sc *openapi3.Schema) any {
	if sc == nil {
		return s
	}
	for _, alt := range alternatives(sc) {
		switch {
		case alt.Type.Is("integer"):
			if i, err := strconv.ParseInt(s, 10, 64); err == nil {
				return float64(i)
			}
		case alt.Type.Is("number"):
			if f, err := strconv.ParseFloat(s, 64); err == nil {
				return f
			}
		case alt.Type.Is("boolean"):
			if b, err := strconv.ParseBool(s); err == nil {
				return b
			}
		case alt.Type.Is("null"):
			if s == "" || s == "null" {
				return nil
			}
		case alt.Type.Is("string"):
			if alt.Enum == nil || slices.Contains(alt.Enum, any(s)) {
				return s
			}
		case alt.Type.Is("object") || alt.Type.Is("array"):
			if strings.HasPrefix(s, "{") || strings.HasPrefix(s, "[") {
				var v any
				if json.Unmarshal([]byte(s), &v) == nil {
					return v
				}
			}
		}
	}
	return s
}

// alternatives lists the schemas a value may match: the schema itself, then its anyOf and oneOf members
// (allOf members add their types), depth-first and without cycles.
func alternatives(s *openapi3.Schema) []*openapi3.Schema {
	var out []*openapi3.Schema
	var walk func(*openapi3.Schema, int)
	walk = func(s *openapi3.Schema, depth int) {
		if s == nil || depth > 4 || slices.Contains(out, s) {
			return
		}
		if s.Type != nil && !s.Type.IsEmpty() {
			out = append(out, s)
		}
		for _, list := range []openapi3.SchemaRefs{s.AllOf, s.AnyOf, s.OneOf} {
			for _, r := range list {
				walk(derefSchema(r), depth+1)
			}
		}
	}
	walk(s, 0)
	return out
}

// pickAlternative chooses the schema that fits a node: an array or object one for a node with children, a
// scalar one for a leaf. A schema without alternatives is itself.
func pickAlternative(s *openapi3.SchemaRef, n *formNode) *openapi3.Schema {
	sc := derefSchema(s)
	if sc == nil || len(sc.AnyOf) == 0 && len(sc.OneOf) == 0 && len(sc.AllOf) == 0 {
		return sc
	}
	alts := alternatives(sc)
	if len(alts) == 0 {
		return sc
	}
	if len(sc.AllOf) > 0 && len(sc.AnyOf) == 0 && len(sc.OneOf) == 0 {
		return mergedAllOf(sc)
	}
	if len(n.kids) == 0 && len(n.values) <= 1 && sc.Type.IsEmpty() && len(sc.Properties) == 0 {
		// one text value against branches (a string enum or an integer): it is read by whichever branch takes
		// it (coerceText tries each in turn), not by the first scalar one alone ("5" is 5, "minimum" a string)
		return sc
	}
	for _, alt := range alts {
		nested := alt.Type.Is("array") || alt.Type.Is("object")
		switch {
		case len(n.kids) > 0 && alt.Type.Is("array") && numericKeys(n):
			return alt
		case len(n.kids) > 0 && alt.Type.Is("object"):
			return alt
		case len(n.kids) == 0 && len(n.values) > 1 && alt.Type.Is("array"):
			return alt
		case len(n.kids) == 0 && len(n.values) <= 1 && !nested:
			return alt
		}
	}
	return alts[0]
}

// mergedAllOf returns a schema with the properties of every allOf member, so a form level finds its children.
func mergedAllOf(s *openapi3.Schema) *openapi3.Schema {
	out := &openapi3.Schema{Type: s.Type, Properties: openapi3.Schemas{}, Items: s.Items,
		AdditionalProperties: s.AdditionalProperties}
	for name, p := range s.Properties {
		out.Properties[name] = p
	}
	for _, r := range s.AllOf {
		m := derefSchema(r)
		if m == nil {
			continue
		}
		if out.Type == nil || out.Type.IsEmpty() {
			out.Type = m.Type
		}
		if out.Items == nil {
			out.Items = m.Items
		}
		for name, p := range m.Properties {
			out.Properties[name] = p
		}
	}
	return out
}

func numericKeys(n *formNode) bool {
	for _, k := range n.order {
		if _, err := strconv.Atoi(k); err != nil {
			return false
		}
	}
	return len(n.order) > 0
}

func derefSchema(s *openapi3.SchemaRef) *openapi3.Schema {
	if s == nil {
		return nil
	}
	return s.Value
}

func isArray(s *openapi3.Schema) bool { return s != nil && s.Type.Is("array") }
func isObject(s *openapi3.Schema) bool {
	return s != nil && (s.Type.Is("object") || len(s.Properties) > 0)
}

// propertySchema returns the schema of property name of an object schema (its properties, else its
// additionalProperties schema), or nil.
func propertySchema(s *openapi3.Schema, name string) *openapi3.SchemaRef {
	if s == nil {
		return nil
	}
	if p := s.Properties[name]; p != nil {
		return p
	}
	for _, r := range s.AllOf {
		if p := propertySchema(derefSchema(r), name); p != nil {
			return p
		}
	}
	return s.AdditionalProperties.Schema
}
