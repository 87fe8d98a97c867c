package mock

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
)

// The form and multipart decoders replace openapi3filter's for the whole process (its registry is global, and
// these decode a superset of what its own do): the validation stage and the behaviour stage then read the same
// value. They are registered once, when the package is initialised, and never changed after.
func init() {
	openapi3filter.RegisterBodyDecoder("application/x-www-form-urlencoded", decodeFormBody)
	openapi3filter.RegisterBodyDecoder("multipart/form-data", decodeMultipartBody)
	openapi3filter.RegisterBodyDecoder("*/*", decodeOtherBody) // openapi3filter's catch-all
}

// decodeOtherBody decodes a body of a media type no other decoder takes (openapi3filter refused it as an
// unsupported content type): an XML type (application/atom+xml, ...) as XML, anything else (image/jpeg,
// application/pdf, text/markdown, ...) as its bytes, the string a server storing the upload reads. Spotify's
// playlist cover upload takes image/jpeg under {type: string, format: byte}: the base64 text is validated as
// such a string. A schema no string can meet leaves such a body unvalidated (textBodyUncheckable).
func decodeOtherBody(body io.Reader, h http.Header, schema *openapi3.SchemaRef, encFn openapi3filter.EncodingFn) (any, error) {
	if mt, _, err := mime.ParseMediaType(h.Get("Content-Type")); err == nil && isXMLMedia(mt) {
		return decodeXMLBody(body, h, schema, encFn)
	}
	return openapi3filter.FileBodyDecoder(body, h, schema, encFn)
}

// bytesMedia reports whether a body of media type mt (no parameters) is read as its bytes: no decoder of its
// own, and neither JSON nor XML (decodeOtherBody).
func bytesMedia(mt string) bool {
	return mt == "application/octet-stream" || openapi3filter.RegisteredBodyDecoder(mt) == nil && !isJSONMedia(mt) &&
		!strings.HasSuffix(mt, "+json") && !isXMLMedia(mt)
}

// formPair is one name=value of a form, in the order sent.
type formPair struct{ key, value string }

// parseFormPairs splits a urlencoded form, keeping the order of its pairs (url.ParseQuery forgets it).
func parseFormPairs(s string) ([]formPair, error) {
	var out []formPair
	for part := range strings.SplitSeq(s, "&") {
		if part == "" {
			continue
		}
		k, v, _ := strings.Cut(part, "=")
		key, err := url.QueryUnescape(k)
		if err != nil {
			return nil, fmt.Errorf("form key %q: %w", k, err)
		}
		value, err := url.QueryUnescape(v)
		if err != nil {
			return nil, fmt.Errorf("form value of %q: %w", key, err)
		}
		out = append(out, formPair{key, value})
	}
	return out, nil
}

// decodeFormBody decodes an application/x-www-form-urlencoded body into the object its schema describes:
// bracketed keys nest (metadata[k]=v, items[0][price]=p, expand[]=x), repeated keys make arrays, and each
// property's encoding (style, explode, contentType) is honoured.
func decodeFormBody(body io.Reader, _ http.Header, schema *openapi3.SchemaRef, encFn openapi3filter.EncodingFn) (any, error) {
	data, err := io.ReadAll(body)
	if err != nil {
		return nil, err
	}
	pairs, err := parseFormPairs(string(data))
	if err != nil {
		return nil, &openapi3filter.ParseError{Kind: openapi3filter.KindInvalidFormat, Reason: err.Error()}
	}
	root := &formNode{}
	for _, p := range pairs {
		name, path := splitKey(p.key)
		root.kid(name).add(path, p.value)
	}
	return decodeFormRoot(root, schema, encFn, "body")
}

// decodeFormRoot converts the top-level names of a form (or multipart) body with their encodings.
func decodeFormRoot(root *formNode, schema *openapi3.SchemaRef, encFn openapi3filter.EncodingFn, in string) (any, error) {
	bodySchema := derefSchema(schema)
	if bodySchema != nil && len(bodySchema.AllOf) > 0 {
		bodySchema = mergedAllOf(bodySchema)
	}
	out := make(map[string]any, len(root.kids))
	spread := spreadObjects(root, bodySchema, encFn)
	for _, name := range root.order {
		if _, taken := spread.taken[name]; taken {
			continue
		}
		node := root.kids[name]
		d := formDecoder{in: in, name: name, style: "form"}
		if in == "multipart" {
			d.style = "multipart"
		}
		if encFn != nil {
			if enc := encFn(name); enc != nil {
				sm := enc.SerializationMethod()
				d.style = sm.Style
				if !sm.Explode {
					d.delim = delimiter(sm.Style)
				}
				if isJSONType(enc.ContentType) && len(node.kids) == 0 && len(node.values) == 1 {
					if s, ok := node.values[0].(string); ok {
						var v any
						if err := json.Unmarshal([]byte(s), &v); err != nil {
							return nil, &DecodeError{In: in, Name: name, Style: d.style, Reason: "the value is not the JSON its encoding's contentType says"}
						}
						out[name] = v
						continue
					}
				}
			}
		}
		v, err := d.node(node, propertySchema(bodySchema, name), 0)
		if err != nil {
			return nil, err
		}
		out[name] = v
	}
	for name, v := range spread.values {
		out[name] = v
	}
	return out, nil
}

// spread holds object properties written with style form and explode (the default): their own properties are
// top-level names of the form.
type spread struct {
	taken  map[string]struct{}
	values map[string]any
}

// spreadObjects gathers the top-level names that belong to an exploded object property of the body.
func spreadObjects(root *formNode, body *openapi3.Schema, encFn openapi3filter.EncodingFn) spread {
	sp := spread{taken: map[string]struct{}{}, values: map[string]any{}}
	if body == nil || encFn == nil {
		return sp
	}
	for _, name := range slices.Sorted(func(yield func(string) bool) {
		for k := range body.Properties {
			if !yield(k) {
				return
			}
		}
	}) {
		enc := encFn(name)
		prop := derefSchema(body.Properties[name])
		if enc == nil || !isObject(prop) || root.kids[name] != nil {
			continue
		}
		if sm := enc.SerializationMethod(); sm.Style != openapi3.SerializationForm || !sm.Explode {
			continue
		}
		obj := map[string]any{}
		for pname, ps := range prop.Properties {
			n := root.kids[pname]
			if n == nil || body.Properties[pname] != nil {
				continue
			}
			obj[pname] = coerceText(firstText(n.values), derefSchema(ps))
			sp.taken[pname] = struct{}{}
		}
		if len(obj) > 0 {
			sp.values[name] = obj
		}
	}
	return sp
}

func firstText(values []any) string {
	if len(values) == 0 {
		return ""
	}
	s, _ := values[0].(string)
	return s
}

// delimiter is the separator of a non-exploded array or object of a style.
func delimiter(style string) string {
	switch style {
	case openapi3.SerializationSpaceDelimited:
		return " "
	case openapi3.SerializationPipeDelimited:
		return "|"
	case openapi3.SerializationDeepObject:
		return ""
	}
	return ","
}

// maxParts bounds the parts of one multipart body (nested parts included).
const maxParts = 1000

// decodeMultipartBody decodes a multipart/form-data body: each part's name may be bracketed like a form key,
// a part's content is read by its Content-Type (JSON parsed, text coerced to the schema, anything else kept as
// its bytes), and a nested multipart part adds each of its parts as a value of its name.
func decodeMultipartBody(body io.Reader, header http.Header, schema *openapi3.SchemaRef, encFn openapi3filter.EncodingFn) (any, error) {
	_, params, err := mime.ParseMediaType(header.Get("Content-Type"))
	if err != nil {
		return nil, &openapi3filter.ParseError{Kind: openapi3filter.KindInvalidFormat, Reason: "Content-Type: " + err.Error()}
	}
	if params["boundary"] == "" {
		return nil, &openapi3filter.ParseError{Kind: openapi3filter.KindInvalidFormat, Reason: "Content-Type has no boundary"}
	}
	root := &formNode{}
	count := 0
	if err := readParts(multipart.NewReader(body, params["boundary"]), "", root, encFn, &count, 0); err != nil {
		return nil, err
	}
	return decodeFormRoot(root, schema, encFn, "multipart")
}

// readParts adds every part of mr to root; inherited names the parts of a nested multipart part.
func readParts(mr *multipart.Reader, inherited string, root *formNode, encFn openapi3filter.EncodingFn, count *int, depth int) error {
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return &openapi3filter.ParseError{Kind: openapi3filter.KindInvalidFormat, Reason: "multipart: " + err.Error()}
		}
		if *count++; *count > maxParts {
			return &DecodeError{In: "body", Name: inherited, Style: "multipart", Reason: fmt.Sprintf("more than %d parts", maxParts)}
		}
		key := part.FormName()
		if key == "" {
			key = inherited
		}
		if key == "" {
			continue // a part without a name belongs to no property
		}
		name, path := splitKey(key)
		ct := part.Header.Get("Content-Type")
		mt, mparams, _ := mime.ParseMediaType(ct)
		if encFn != nil {
			if enc := encFn(name); enc != nil && enc.ContentType != "" && ct != "" && !enc.AllowsContentType(mt) {
				return &DecodeError{In: "body", Name: name, Style: "multipart",
					Reason: fmt.Sprintf("part Content-Type %s is not the encoding's %s", mt, enc.ContentType)}
			}
		}
		if strings.HasPrefix(mt, "multipart/") {
			if depth >= 2 {
				return &DecodeError{In: "body", Name: name, Style: "multipart", Reason: "multipart nested more than 2 levels"}
			}
			if err := readParts(multipart.NewReader(part, mparams["boundary"]), key, root, encFn, count, depth+1); err != nil {
				return err
			}
			continue
		}
		data, err := io.ReadAll(part)
		if err != nil {
			return &openapi3filter.ParseError{Kind: openapi3filter.KindInvalidFormat, Reason: "multipart: " + err.Error()}
		}
		var v any = string(data)
		if isJSONType(ct) {
			if err := json.Unmarshal(data, &v); err != nil {
				return &DecodeError{In: "body", Name: name, Style: "multipart", Reason: "the part is not the JSON its Content-Type says"}
			}
		}
		root.kid(name).add(path, v)
	}
}

// textBodyUncheckable reports whether the request's body is text (text/plain, text/csv, ...; not XML, which
// decodes to a value) or bytes (application/octet-stream, image/png, any type bytesMedia names) while the
// document gives that media type a schema no
// string can meet (chain49's sendtx takes "transaction hex as plain text" under {type: object}; Google's
// converted upload operations give octet-stream the resource's object schema). No text is an object or a number, so such a body
// is accepted as sent, unvalidated, as a server reading the text would; a text body whose schema admits a string
// is validated as that string.
func textBodyUncheckable(r *http.Request, rb *openapi3.RequestBody) bool {
	if rb == nil {
		return false
	}
	ct := r.Header.Get("Content-Type")
	mt, _, err := mime.ParseMediaType(ct)
	raw := strings.HasPrefix(mt, "text/") && !strings.HasSuffix(mt, "xml") || bytesMedia(mt)
	if err != nil || !raw || isJSONType(ct) {
		return false
	}
	media := rb.Content.Get(ct)
	if media == nil || media.Schema == nil || media.Schema.Value == nil {
		return false
	}
	return !admitsString(media.Schema.Value, 0)
}

// admitsString reports whether some string can be valid against s as far as its types say: no type, a type
// list with string, or (for a schema without a type of its own) an anyOf/oneOf branch that does.
func admitsString(s *openapi3.Schema, depth int) bool {
	if s == nil || depth > 8 {
		return true
	}
	if !s.Type.IsEmpty() {
		return s.Type.Includes("string")
	}
	for _, r := range s.AllOf {
		if r != nil && !admitsString(r.Value, depth+1) {
			return false
		}
	}
	branches := append(slices.Clone(s.AnyOf), s.OneOf...)
	if len(branches) == 0 {
		return true
	}
	for _, r := range branches {
		if r == nil || admitsString(r.Value, depth+1) {
			return true
		}
	}
	return false
}
