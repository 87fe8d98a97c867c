package contracttest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"mime"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"

	"github.com/standin/standin/internal/xmlvalue"
	"github.com/standin/standin/openapi"
)

// Media types the runner builds request bodies for.
const (
	mediaJSON      = "application/json"
	mediaForm      = "application/x-www-form-urlencoded"
	mediaMultipart = "multipart/form-data"
	mediaOctets    = "application/octet-stream"
	// multipartBoundary is fixed so that the same seed sends the same bytes.
	multipartBoundary = "standin-contracttest-boundary"
)

// jsonLike reports whether a media type carries JSON: application/json, any +json type, or a wildcard (the
// runner then sends JSON).
func jsonLike(mediaType string) bool {
	mt := strings.ToLower(strings.TrimSpace(strings.Split(mediaType, ";")[0]))
	return mt == mediaJSON || strings.HasSuffix(mt, "+json") || mt == "*/*" || mt == "application/*" || strings.HasSuffix(mt, "/json")
}

// requestMedia picks the media type of op's request body: JSON-like first, then form-urlencoded, multipart and
// text/plain, then the first listed; a wildcard whose schema is a binary string is sent as
// application/octet-stream. ct is "" when the operation has no request body.
func requestMedia(op *openapi.Operation) (ct string, mt *openapi3.MediaType, required bool) {
	if op.Op.RequestBody == nil || op.Op.RequestBody.Value == nil || len(op.Op.RequestBody.Value.Content) == 0 {
		return "", nil, false
	}
	rb := op.Op.RequestBody.Value
	types := sortedKeys(rb.Content)
	pick := func(match func(string) bool) string {
		for _, t := range types {
			if match(strings.ToLower(t)) {
				return t
			}
		}
		return ""
	}
	ct = pick(func(t string) bool { return t == mediaJSON })
	if ct == "" {
		ct = pick(func(t string) bool { return jsonLike(t) && !strings.Contains(t, "*") })
	}
	for _, want := range []string{mediaForm, mediaMultipart, "text/plain"} {
		if ct == "" {
			ct = pick(func(t string) bool { return strings.HasPrefix(t, want) })
		}
	}
	if ct == "" {
		ct = pick(jsonLike)
	}
	if ct == "" {
		ct = types[0]
	}
	mt = rb.Content[ct]
	if strings.Contains(ct, "*") && mt != nil && mt.Schema != nil && mt.Schema.Value != nil &&
		mt.Schema.Value.Type.Is(openapi3.TypeString) && mt.Schema.Value.Format == "binary" {
		// Any type of a file's bytes (Apideck's upload part, */* with format binary): a client sends the bytes.
		return mediaOctets, mt, rb.Required
	}
	return ct, mt, rb.Required
}

// wireType is the Content-Type sent for a body of the document's media type ct (a wildcard becomes JSON).
func wireType(ct string) string {
	base := strings.ToLower(strings.TrimSpace(strings.Split(ct, ";")[0]))
	switch {
	case strings.Contains(base, "*") && jsonLike(base):
		return mediaJSON
	case base == mediaMultipart:
		return mediaMultipart + "; boundary=" + multipartBoundary
	}
	return ct
}

// encodeBody writes v as a body of media type ct, following the media type's encoding object for form and
// multipart bodies.
func encodeBody(ct string, mt *openapi3.MediaType, v any) []byte {
	base := strings.ToLower(strings.TrimSpace(strings.Split(ct, ";")[0]))
	switch {
	case jsonLike(base):
		b, _ := json.Marshal(v)
		return b
	case base == mediaForm:
		return []byte(encodeForm(mt, v))
	case base == mediaMultipart:
		return encodeMultipart(mt, v)
	case xmlvalue.IsMedia(base):
		// An XML body follows the schema's xml objects (element names, attributes, wrapped arrays), as the
		// mock reads it; a string schema's value is sent as it is.
		if _, ok := v.(string); !ok {
			var schema *openapi3.SchemaRef
			if mt != nil {
				schema = mt.Schema
			}
			if b, err := xmlvalue.Encode(v, schema); err == nil {
				return b
			}
		}
	}
	if s, ok := v.(string); ok {
		return []byte(s)
	}
	b, _ := json.Marshal(v)
	return b
}

// encodingOf returns the encoding object of one property (nil: the defaults).
func encodingOf(mt *openapi3.MediaType, prop string) *openapi3.Encoding {
	if mt == nil {
		return nil
	}
	return mt.Encoding[prop]
}

// encodeForm writes an object as application/x-www-form-urlencoded, each property in the style its encoding
// object gives (form with explode by default; deepObject with brackets at every level).
func encodeForm(mt *openapi3.MediaType, v any) string {
	obj, ok := v.(map[string]any)
	if !ok {
		return url.QueryEscape(scalarString(v))
	}
	var parts []string
	for _, name := range sortedKeys(obj) {
		if enc := encodingOf(mt, name); enc != nil && jsonLike(partType(enc.ContentType)) {
			// A property whose encoding names a JSON type is one field holding its JSON text (seldon's
			// /aggregate: json={"seldonMessages": [...]}), not fields of its own.
			b, _ := json.Marshal(obj[name])
			parts = append(parts, url.QueryEscape(name)+"="+url.QueryEscape(string(b)))
			continue
		}
		sm := encodingOf(mt, name).SerializationMethod()
		for _, kv := range styledPairs(name, obj[name], sm.Style, sm.Explode) {
			parts = append(parts, url.QueryEscape(kv[0])+"="+url.QueryEscape(kv[1]))
		}
	}
	return strings.Join(parts, "&")
}

// styledPairs serialises one query (or form) value as name=value pairs in the given style.
func styledPairs(name string, v any, style string, explode bool) [][2]string {
	if style == openapi3.SerializationDeepObject {
		if _, ok := v.(map[string]any); ok {
			return bracketPairs(name, v)
		}
		if arr, ok := v.([]any); ok {
			// Scalars as name[]=a&name[]=b; objects and arrays with their index, name[0][x]=1&name[0][y]=2, as
			// clients of such APIs send them: name[][x]=1&name[][y]=2 does not say where one item ends.
			var out [][2]string
			for i, e := range arr {
				if isComposite(e) {
					out = append(out, bracketPairs(fmt.Sprintf("%s[%d]", name, i), e)...)
				} else {
					out = append(out, bracketPairs(name+"[]", e)...)
				}
			}
			return out
		}
		return [][2]string{{name, scalarString(v)}}
	}
	switch t := v.(type) {
	case []any:
		if explode && style == openapi3.SerializationForm {
			out := make([][2]string, 0, len(t))
			for _, e := range t {
				out = append(out, [2]string{name, scalarString(e)})
			}
			return out
		}
		parts := make([]string, len(t))
		for i, e := range t {
			parts[i] = scalarString(e)
		}
		return [][2]string{{name, strings.Join(parts, delimiter(style))}}
	case map[string]any:
		if explode && style == openapi3.SerializationForm {
			var out [][2]string
			for _, k := range sortedKeys(t) {
				out = append(out, bracketPairs(k, t[k])...)
			}
			return out
		}
		var parts []string
		for _, k := range sortedKeys(t) {
			parts = append(parts, k, scalarString(t[k]))
		}
		return [][2]string{{name, strings.Join(parts, delimiter(style))}}
	}
	return [][2]string{{name, scalarString(v)}}
}

func delimiter(style string) string {
	switch style {
	case openapi3.SerializationSpaceDelimited:
		return " "
	case openapi3.SerializationPipeDelimited:
		return "|"
	}
	return ","
}

// bracketPairs flattens a nested value with brackets: name[a][b]=v, name[a][0]=v.
func bracketPairs(name string, v any) [][2]string {
	switch t := v.(type) {
	case map[string]any:
		var out [][2]string
		for _, k := range sortedKeys(t) {
			out = append(out, bracketPairs(name+"["+k+"]", t[k])...)
		}
		return out
	case []any:
		var out [][2]string
		for i, e := range t {
			out = append(out, bracketPairs(fmt.Sprintf("%s[%d]", name, i), e)...)
		}
		return out
	}
	return [][2]string{{name, scalarString(v)}}
}

// encodeMultipart writes an object as multipart/form-data: a part per property, repeated for arrays of scalars;
// binary strings as file parts, objects (and arrays of them) as JSON parts, scalars as plain text. A property's
// encoding contentType decides the part's type when given.
func encodeMultipart(mt *openapi3.MediaType, v any) []byte {
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	_ = w.SetBoundary(multipartBoundary)
	obj, _ := v.(map[string]any)
	var props openapi3.Schemas
	if mt != nil && mt.Schema != nil && mt.Schema.Value != nil {
		props = mt.Schema.Value.Properties
	}
	for _, name := range sortedKeys(obj) {
		var ps *openapi3.Schema
		if ref := props[name]; ref != nil {
			ps = ref.Value
		}
		ctype := ""
		if enc := encodingOf(mt, name); enc != nil {
			ctype = strings.TrimSpace(strings.Split(enc.ContentType, ",")[0])
		}
		values := []any{obj[name]}
		item := ps
		if arr, ok := obj[name].([]any); ok && (ps == nil || ps.Type.Is(openapi3.TypeArray)) && !slices.ContainsFunc(arr, isComposite) {
			values = arr
			if ps != nil && ps.Items != nil {
				item = ps.Items.Value
			}
		}
		for _, e := range values {
			h := textproto.MIMEHeader{}
			binary := item != nil && item.Type.Is(openapi3.TypeString) && (item.Format == "binary" || item.Format == "byte" && ctype != "")
			disposition := fmt.Sprintf(`form-data; name=%q`, name)
			var data []byte
			switch {
			case binary:
				disposition += `; filename="standin.bin"`
				if ctype == "" {
					ctype = "application/octet-stream"
				}
				data = []byte(scalarString(e))
			case isComposite(e) || (ctype != "" && jsonLike(ctype)):
				if ctype == "" {
					ctype = mediaJSON
				}
				data, _ = json.Marshal(e)
			default:
				data = []byte(scalarString(e))
			}
			h.Set("Content-Disposition", disposition)
			if ctype != "" && ctype != "text/plain" {
				h.Set("Content-Type", ctype)
			}
			pw, err := w.CreatePart(h)
			if err == nil {
				_, _ = pw.Write(data)
			}
		}
	}
	_ = w.Close()
	return buf.Bytes()
}

func isComposite(v any) bool {
	switch v.(type) {
	case map[string]any, []any:
		return true
	}
	return false
}

// decodeBody reads a body the runner encoded back with kin-openapi's decoder for its media type, as the
// target's validator would: a value broken on purpose is proven broken as it travels, not only as JSON.
func decodeBody(ct string, mt *openapi3.MediaType, body []byte) (any, error) {
	media, _, err := mime.ParseMediaType(wireType(ct))
	if err != nil {
		return nil, err
	}
	if jsonLike(media) {
		v := decodeJSON(body)
		if v == nil && len(bytes.TrimSpace(body)) > 0 && string(bytes.TrimSpace(body)) != "null" {
			return nil, fmt.Errorf("not JSON")
		}
		return v, nil
	}
	dec := openapi3filter.RegisteredBodyDecoder(media)
	if dec == nil || mt == nil || mt.Schema == nil {
		return nil, fmt.Errorf("no decoder for %s", media)
	}
	encFn := func(name string) *openapi3.Encoding { return encodingOf(mt, name) }
	return dec(bytes.NewReader(body), http.Header{"Content-Type": {wireType(ct)}}, mt.Schema, encFn)
}

// paramPairs serialises a query or cookie parameter in its style.
func paramPairs(pr *openapi3.Parameter, v any) [][2]string {
	sm, err := pr.SerializationMethod()
	if err != nil {
		return [][2]string{{pr.Name, scalarString(v)}}
	}
	return styledPairs(pr.Name, v, sm.Style, sm.Explode)
}

// pathSegment serialises a path parameter in its style (simple, label or matrix), escaping each value.
func pathSegment(pr *openapi3.Parameter, v any) string {
	sm, err := pr.SerializationMethod()
	if err != nil {
		return url.PathEscape(scalarString(v))
	}
	esc := func(x any) string { return url.PathEscape(scalarString(x)) }
	var prefix, sep, kvSep string
	switch sm.Style {
	case openapi3.SerializationLabel:
		prefix, sep = ".", ","
		if sm.Explode {
			sep = "."
		}
	case openapi3.SerializationMatrix:
		prefix, sep = ";"+pr.Name+"=", ","
		if sm.Explode {
			sep = ";" + pr.Name + "="
		}
	default:
		sep = ","
	}
	kvSep = ","
	if sm.Explode {
		kvSep = "="
	}
	switch t := v.(type) {
	case []any:
		parts := make([]string, len(t))
		for i, e := range t {
			parts[i] = esc(e)
		}
		return prefix + strings.Join(parts, sep)
	case map[string]any:
		var parts []string
		for _, k := range sortedKeys(t) {
			parts = append(parts, url.PathEscape(k)+kvSep+esc(t[k]))
		}
		if sm.Style == openapi3.SerializationMatrix && sm.Explode {
			return ";" + strings.Join(parts, ";")
		}
		return prefix + strings.Join(parts, sep)
	}
	return prefix + esc(v)
}

// headerValue serialises a header parameter (style simple).
func headerParam(pr *openapi3.Parameter, v any) string {
	explode := pr.Explode != nil && *pr.Explode
	switch t := v.(type) {
	case []any:
		parts := make([]string, len(t))
		for i, e := range t {
			parts[i] = scalarString(e)
		}
		return strings.Join(parts, ",")
	case map[string]any:
		var parts []string
		for _, k := range sortedKeys(t) {
			if explode {
				parts = append(parts, k+"="+scalarString(t[k]))
			} else {
				parts = append(parts, k, scalarString(t[k]))
			}
		}
		return strings.Join(parts, ",")
	}
	return scalarString(v)
}

// urlSafe reports whether s is made only of characters that need no escaping in a path segment.
func urlSafe(s string) bool {
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_', r == '.', r == '~', r == ':', r == '@':
		default:
			return false
		}
	}
	return s != ""
}

// safeID returns a URL-safe id for key that s accepts, or "" when none of the tried shapes fits.
func safeID(s *openapi3.Schema, key string, opts []openapi3.SchemaValidationOption) string {
	h := fnv.New64a()
	_, _ = h.Write([]byte(key))
	sum := fmt.Sprintf("%016x", h.Sum64())
	for _, c := range []string{"standin-" + sum[:10], sum, "s" + sum[:6], sum[:4]} {
		if s == nil || s.VisitJSON(c, opts...) == nil {
			return c
		}
	}
	return ""
}

// partType is the first media type of an encoding object's contentType ("image/png, image/jpeg" lists several),
// lower case and without parameters.
func partType(ct string) string {
	first, _, _ := strings.Cut(ct, ",")
	return strings.ToLower(strings.TrimSpace(strings.Split(first, ";")[0]))
}
