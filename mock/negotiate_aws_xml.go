package mock

import (
	"bytes"
	"encoding/xml"
	"maps"
	"slices"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/standin/standin/internal/jsonvalue"
)

// AWS query services write their output as the SDKs parse it, which differs from OpenAPI's reading of the
// same xml objects: a member's element is named by its xml name (APIs.guru puts it inside allOf); a list is
// wrapped, its items named by the items' xml name or "member" (EC2's "item"), unless the list schema says
// xml.wrapped false ("flattened": the items repeat under the items' xml name, else the member's); a map is
// <entry><key>…</key><value>…</value></entry> items inside the member's element, or, flattened, repeated
// member elements holding <Name> and <Value> (SQS's attribute maps, the flattened maps the query services
// answer with). awsXML writes the members of a structure value that way.

// awsXMLDepth bounds how deep awsXML descends.
const awsXMLDepth = 64

type awsXML struct {
	buf bytes.Buffer
}

// members writes the members of a structure value v of schema s (no element around them).
func (w *awsXML) members(v map[string]any, s *openapi3.SchemaRef, depth int) {
	if depth > awsXMLDepth {
		return
	}
	sh := shapeOf(s)
	for _, k := range slices.Sorted(maps.Keys(v)) {
		ps := sh.props[k]
		if ps == nil {
			ps = sh.values
		}
		psh := shapeOf(ps)
		name := k
		if psh.xmlName != "" {
			name = psh.xmlName
		}
		switch x := v[k].(type) {
		case []any:
			if flattened(ps) {
				in := name
				if n := shapeOf(psh.items).xmlName; n != "" {
					in = n
				}
				for _, e := range x {
					w.element(in, e, psh.items, depth+1)
				}
				continue
			}
		case map[string]any:
			if psh.typ == "map" && flattened(ps) {
				for _, mk := range slices.Sorted(maps.Keys(x)) {
					w.open(name)
					w.element("Name", mk, nil, depth+1)
					w.element("Value", x[mk], psh.values, depth+1)
					w.close(name)
				}
				continue
			}
		}
		w.element(name, v[k], ps, depth+1)
	}
}

// element writes v as the element name.
func (w *awsXML) element(name string, v any, s *openapi3.SchemaRef, depth int) {
	if depth > awsXMLDepth {
		return
	}
	sh := shapeOf(s)
	w.open(name)
	switch x := v.(type) {
	case map[string]any:
		if sh.typ == "map" {
			for _, k := range slices.Sorted(maps.Keys(x)) {
				w.open("entry")
				w.element("key", k, nil, depth+1)
				w.element("value", x[k], sh.values, depth+1)
				w.close("entry")
			}
		} else {
			w.members(x, s, depth+1)
		}
	case []any:
		in := "member"
		if n := shapeOf(sh.items).xmlName; n != "" {
			in = n
		}
		for _, e := range x {
			w.element(in, e, sh.items, depth+1)
		}
	case nil:
	default:
		_ = xml.EscapeText(&w.buf, []byte(jsonvalue.Text(x)))
	}
	w.close(name)
}

func (w *awsXML) open(name string) {
	w.buf.WriteString("<" + xmlElementName(name) + ">")
}

func (w *awsXML) close(name string) {
	w.buf.WriteString("</" + xmlElementName(name) + ">")
}

// xmlElementName keeps a name usable as an XML element name: letters, digits, '_', '-' and '.', not starting
// with a digit, '-' or '.'; anything else becomes '_'.
func xmlElementName(name string) string {
	if name == "" {
		return "_"
	}
	b := []byte(name)
	for i, c := range b {
		ok := c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c == '_' || i > 0 && (c >= '0' && c <= '9' || c == '-' || c == '.')
		if !ok {
			b[i] = '_'
		}
	}
	return string(b)
}

// flattened reports whether a list or map schema is sent without its wrapper: APIs.guru writes
// "xml: {wrapped: false}" on such a schema (an xml object naming nothing), on it or on one of its allOf
// members.
func flattened(s *openapi3.SchemaRef) bool {
	var walk func(s *openapi3.Schema, depth int) bool
	walk = func(s *openapi3.Schema, depth int) bool {
		if s == nil || depth > 8 {
			return false
		}
		if x := s.XML; x != nil && x.Name == "" && !x.Wrapped && !x.Attribute && x.Namespace == "" && x.Prefix == "" {
			return true
		}
		for _, m := range s.AllOf {
			if m != nil && walk(m.Value, depth+1) {
				return true
			}
		}
		return false
	}
	return s != nil && walk(s.Value, 0)
}
