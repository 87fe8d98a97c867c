// Package xmlvalue writes decoded JSON values as XML documents shaped by an OpenAPI schema's xml objects: the
// mock answers XML media types with it, and the contract runner sends XML request bodies with it.
package xmlvalue

import (
	"bytes"
	"encoding/xml"
	"io"
	"maps"
	"slices"
	"strings"
	"unicode"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/standin/standin/internal/jsonvalue"
)

// IsMedia reports whether a media type (parameters, if any, are ignored) is XML: application/xml, text/xml or
// any +xml type.
func IsMedia(mt string) bool {
	mt, _, _ = strings.Cut(mt, ";")
	mt = strings.ToLower(strings.TrimSpace(mt))
	return mt == "application/xml" || mt == "text/xml" || strings.HasSuffix(mt, "+xml")
}

// xmlDepth bounds how deep Encode descends (generated values are bounded already; this guards the rest).
const xmlDepth = 64

// Encode writes v as an XML document, honouring the schema's xml objects where it has them: the element
// name (xml.name, else the component name of a $ref, else the property name; the root defaults to "root"),
// attributes (xml.attribute), wrapped arrays (xml.wrapped), and the root's namespace and prefix. Objects become
// elements with one child per property (keys in alphabetical order); arrays repeat their item element; null is
// an empty element. schema may be nil.
func Encode(v any, schema *openapi3.SchemaRef) ([]byte, error) {
	var buf bytes.Buffer
	err := EncodeTo(&buf, v, schema)
	return buf.Bytes(), err
}

// EncodeTo writes what Encode returns to out as it goes, element by element: it holds no more of the document than
// out buffers plus the xml.Encoder's own 4 KiB buffer (none extra when out is a *bufio.Writer of at least 4 KiB,
// which the encoder then writes into directly, flushing it when it fills and once at the end), so a large answer
// can be streamed to a connection. It stops at the first error out returns and returns it.
func EncodeTo(out io.Writer, v any, schema *openapi3.SchemaRef) error {
	if _, err := io.WriteString(out, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(out)
	name := "root"
	if n := refName(schema); n != "" {
		name = n
	}
	if x := xmlOf(schema); x != nil && x.Name != "" {
		name = x.Name
	}
	w := xmlWriter{enc: enc}
	w.element(name, v, schema, true, 0)
	if w.err == nil {
		w.err = enc.Flush()
	}
	return w.err
}

type xmlWriter struct {
	enc *xml.Encoder
	err error
}

func xmlOf(s *openapi3.SchemaRef) *openapi3.XML {
	if s == nil || s.Value == nil {
		return nil
	}
	return s.Value.XML
}

func refName(s *openapi3.SchemaRef) string {
	if s == nil || s.Ref == "" {
		return ""
	}
	return s.Ref[strings.LastIndex(s.Ref, "/")+1:]
}

// propSchema finds the schema of property name in s, looking into allOf branches too.
func propSchema(s *openapi3.SchemaRef, name string, depth int) *openapi3.SchemaRef {
	if s == nil || s.Value == nil || depth > 8 {
		return nil
	}
	if p := s.Value.Properties[name]; p != nil {
		return p
	}
	for _, branch := range slices.Concat(s.Value.AllOf, s.Value.OneOf, s.Value.AnyOf) {
		if p := propSchema(branch, name, depth+1); p != nil {
			return p
		}
	}
	if ap := s.Value.AdditionalProperties.Schema; ap != nil {
		return ap
	}
	return nil
}

func itemsOf(s *openapi3.SchemaRef) *openapi3.SchemaRef {
	if s == nil || s.Value == nil {
		return nil
	}
	return s.Value.Items
}

// element writes one element named name for v.
func (w *xmlWriter) element(name string, v any, schema *openapi3.SchemaRef, root bool, depth int) {
	if w.err != nil || depth > xmlDepth {
		return
	}
	start := xml.StartElement{Name: xml.Name{Local: xmlSafeName(name)}}
	if x := xmlOf(schema); root && x != nil {
		if x.Prefix != "" {
			start.Name.Local = xmlSafeName(x.Prefix) + ":" + start.Name.Local
			if x.Namespace != "" {
				start.Attr = append(start.Attr, xml.Attr{Name: xml.Name{Local: "xmlns:" + xmlSafeName(x.Prefix)}, Value: x.Namespace})
			}
		} else if x.Namespace != "" {
			start.Attr = append(start.Attr, xml.Attr{Name: xml.Name{Local: "xmlns"}, Value: x.Namespace})
		}
	}
	switch x := v.(type) {
	case map[string]any:
		keys := slices.Sorted(maps.Keys(x))
		var children []string
		for _, k := range keys {
			ps := propSchema(schema, k, 0)
			if px := xmlOf(ps); px != nil && px.Attribute && isScalar(x[k]) {
				an := k
				if px.Name != "" {
					an = px.Name
				}
				start.Attr = append(start.Attr, xml.Attr{Name: xml.Name{Local: xmlSafeName(an)}, Value: jsonvalue.Text(x[k])})
				continue
			}
			children = append(children, k)
		}
		w.token(start)
		for _, k := range children {
			w.property(k, x[k], propSchema(schema, k, 0), depth+1)
		}
		w.token(start.End())
	case []any:
		w.token(start)
		item := itemsOf(schema)
		in := "item"
		if n := refName(item); n != "" {
			in = n
		}
		if ix := xmlOf(item); ix != nil && ix.Name != "" {
			in = ix.Name
		}
		for _, e := range x {
			w.element(in, e, item, false, depth+1)
		}
		w.token(start.End())
	case nil:
		w.token(start)
		w.token(start.End())
	default:
		w.token(start)
		w.token(xml.CharData(jsonvalue.Text(x)))
		w.token(start.End())
	}
}

// property writes the property name of an object: an array repeats its item element under the property's
// name, inside a wrapper element when xml.wrapped says so.
func (w *xmlWriter) property(name string, v any, schema *openapi3.SchemaRef, depth int) {
	x := xmlOf(schema)
	if x != nil && x.Name != "" {
		name = x.Name
	}
	arr, ok := v.([]any)
	if !ok {
		w.element(name, v, schema, false, depth)
		return
	}
	item := itemsOf(schema)
	in := name
	if ix := xmlOf(item); ix != nil && ix.Name != "" {
		in = ix.Name
	}
	if x != nil && x.Wrapped {
		start := xml.StartElement{Name: xml.Name{Local: xmlSafeName(name)}}
		w.token(start)
		for _, e := range arr {
			w.element(in, e, item, false, depth+1)
		}
		w.token(start.End())
		return
	}
	for _, e := range arr {
		w.element(in, e, item, false, depth+1)
	}
}

func (w *xmlWriter) token(t xml.Token) {
	if w.err == nil {
		w.err = w.enc.EncodeToken(t)
	}
}

func isScalar(v any) bool {
	switch v.(type) {
	case map[string]any, []any, nil:
		return false
	}
	return true
}

// xmlSafeName makes s a valid XML element or attribute name: characters a name cannot hold become "_", and a name
// that cannot start as it does gets a leading "_".
func xmlSafeName(s string) string {
	if s == "" {
		return "_"
	}
	var b strings.Builder
	for i, r := range s {
		ok := r == '_' || unicode.IsLetter(r) || i > 0 && (unicode.IsDigit(r) || r == '-' || r == '.')
		if !ok && i == 0 && (unicode.IsDigit(r) || r == '-' || r == '.') {
			b.WriteByte('_')
			ok = true
		}
		if !ok {
			r = '_'
		}
		b.WriteRune(r)
	}
	name := b.String()
	if strings.HasPrefix(strings.ToLower(name), "xml") {
		name = "_" + name
	}
	return name
}
