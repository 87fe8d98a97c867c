package mock

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
)

// XML request bodies are decoded by their schema's xml objects (element names, attributes, wrapped arrays), so
// that validation and behaviour read the same value as for JSON. Registered once, at package initialisation.
func init() {
	openapi3filter.RegisterBodyDecoder("application/xml", decodeXMLBody)
	openapi3filter.RegisterBodyDecoder("text/xml", decodeXMLBody)
}

// maxXMLDepth bounds the nesting of an XML body.
const maxXMLDepth = 64

// xmlNode is one element of a parsed XML body.
type xmlNode struct {
	name  string
	attrs map[string]string
	kids  []*xmlNode
	text  strings.Builder
}

func (n *xmlNode) children(name string) []*xmlNode {
	var out []*xmlNode
	for _, k := range n.kids {
		if k.name == name {
			out = append(out, k)
		}
	}
	return out
}

// parseXML reads the root element of an XML document.
func parseXML(r io.Reader) (*xmlNode, error) {
	dec := xml.NewDecoder(r)
	var stack []*xmlNode
	var root *xmlNode
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if len(stack) >= maxXMLDepth {
				return nil, &DecodeError{In: "body", Name: t.Name.Local, Style: "xml",
					Reason: fmt.Sprintf("nested deeper than %d elements", maxXMLDepth)}
			}
			n := &xmlNode{name: t.Name.Local, attrs: map[string]string{}}
			for _, a := range t.Attr {
				n.attrs[a.Name.Local] = a.Value
			}
			if len(stack) > 0 {
				parent := stack[len(stack)-1]
				parent.kids = append(parent.kids, n)
			} else if root == nil {
				root = n
			}
			stack = append(stack, n)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 {
				stack[len(stack)-1].text.Write(t)
			}
		}
	}
	if root == nil {
		return nil, errors.New("no root element")
	}
	return root, nil
}

// decodeXMLBody decodes an XML body into the value its schema describes.
func decodeXMLBody(body io.Reader, _ http.Header, schema *openapi3.SchemaRef, _ openapi3filter.EncodingFn) (any, error) {
	root, err := parseXML(body)
	if err != nil {
		var de *DecodeError
		if errors.As(err, &de) {
			return nil, de
		}
		return nil, &openapi3filter.ParseError{Kind: openapi3filter.KindInvalidFormat, Reason: "XML: " + err.Error()}
	}
	return xmlValue(root, derefSchema(schema), 0), nil
}

// xmlName is the element (or attribute) name of a property: its xml.name, else the property name.
func xmlName(s *openapi3.SchemaRef, prop string) string {
	if s != nil && s.Value != nil && s.Value.XML != nil && s.Value.XML.Name != "" {
		return s.Value.XML.Name
	}
	return prop
}

// xmlValue converts an element to a value of schema s (nil: by the element's shape).
func xmlValue(n *xmlNode, s *openapi3.Schema, depth int) any {
	if s != nil && len(s.AllOf)+len(s.AnyOf)+len(s.OneOf) > 0 {
		shape := &formNode{}
		if len(n.kids) > 0 || len(n.attrs) > 0 {
			shape.kid("x")
		}
		s = pickAlternative(&openapi3.SchemaRef{Value: s}, shape)
	}
	switch {
	case isArray(s):
		var items *openapi3.Schema
		if s.Items != nil {
			items = s.Items.Value
		}
		out := make([]any, 0, len(n.kids))
		for _, k := range n.kids {
			out = append(out, xmlValue(k, items, depth+1))
		}
		return out
	case isObject(s):
		out := map[string]any{}
		for prop, ps := range s.Properties {
			name := xmlName(ps, prop)
			p := derefSchema(ps)
			if p != nil && p.Type.IsEmpty() && len(p.AllOf) > 0 && len(p.AnyOf)+len(p.OneOf) == 0 {
				// Typed only through allOf (AWS writes every member as allOf: [{$ref: List}, {xml: ...}]): a list
				// must be read as its repeated elements, not as its first one.
				m := mergedAllOf(p)
				m.XML = p.XML
				p = m
			}
			switch {
			case p != nil && p.XML != nil && p.XML.Attribute:
				if v, ok := n.attrs[name]; ok {
					out[prop] = coerceText(v, p)
				}
			case isArray(p):
				itemsRef := p.Items
				elems := n.children(xmlName(itemsRef, name))
				if p.XML != nil && p.XML.Wrapped {
					elems = nil
					if w := n.children(name); len(w) > 0 {
						elems = w[0].kids
					}
				}
				if len(elems) == 0 && (p.XML == nil || !p.XML.Wrapped) {
					elems = n.children(name)
				}
				if elems == nil {
					continue
				}
				list := make([]any, 0, len(elems))
				for _, e := range elems {
					list = append(list, xmlValue(e, derefSchema(itemsRef), depth+1))
				}
				out[prop] = list
			default:
				if kids := n.children(name); len(kids) > 0 {
					out[prop] = xmlValue(kids[0], p, depth+1)
				}
			}
		}
		return out
	case s == nil && (len(n.kids) > 0 || len(n.attrs) > 0):
		out := map[string]any{}
		for k, v := range n.attrs {
			out[k] = v
		}
		for _, k := range n.kids {
			v := xmlValue(k, nil, depth+1)
			switch prev := out[k.name].(type) {
			case nil:
				out[k.name] = v
			case []any:
				out[k.name] = append(prev, v)
			default:
				out[k.name] = []any{prev, v}
			}
		}
		return out
	}
	return coerceText(strings.TrimSpace(n.text.String()), s)
}
