package openapi

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/standin/standin/openapi/pattern"
)

// linter walks a loaded document for what OpenAPI says a document SHOULD do and standin can live without:
// examples and defaults that do not match their schema, Example Objects without a value, responses without a
// description, patterns no engine compiles. Each finding is a warning at an exact JSON pointer, and the document
// is mended so that every consumer (the mock, the contract runner, the generator) can trust what remains: a
// broken example or default is removed (the mock then generates a valid value), a missing response description
// becomes "".
type linter struct {
	js       bool // OpenAPI 3.1: schemas are JSON Schema 2020-12
	warnings []*LoadError
	seen     map[any]bool // objects already walked: a $ref'd object is checked once, where it is defined
}

// direction says which side of an exchange a value travels: readOnly and writeOnly properties depend on it.
type direction int

const (
	either direction = iota
	request
	response
)

func lint(doc *openapi3.T) []*LoadError {
	l := &linter{js: doc.IsOpenAPI31OrLater(), seen: map[any]bool{}}
	if c := doc.Components; c != nil {
		for _, name := range sortedKeys(c.Examples) {
			if ex := c.Examples[name]; ex != nil && ex.Value != nil && valueless(ex.Value) {
				l.warn("/components/examples/"+escapePointer(name),
					"the example has no value (an Example Object needs value or externalValue); it is never served")
			}
		}
		for _, name := range sortedKeys(c.Schemas) {
			l.schema("/components/schemas/"+escapePointer(name), c.Schemas[name])
		}
		for _, name := range sortedKeys(c.Parameters) {
			l.parameter("/components/parameters/"+escapePointer(name), c.Parameters[name])
		}
		for _, name := range sortedKeys(c.Headers) {
			l.header("/components/headers/"+escapePointer(name), c.Headers[name])
		}
		for _, name := range sortedKeys(c.RequestBodies) {
			l.requestBody("/components/requestBodies/"+escapePointer(name), c.RequestBodies[name])
		}
		for _, name := range sortedKeys(c.Responses) {
			l.response("/components/responses/"+escapePointer(name), c.Responses[name])
		}
		for _, name := range sortedKeys(c.Callbacks) {
			l.callback("/components/callbacks/"+escapePointer(name), c.Callbacks[name])
		}
	}
	if doc.Paths != nil {
		for _, path := range sortedKeys(doc.Paths.Map()) {
			l.pathKey("/paths/"+escapePointer(path), path)
			l.pathItem("/paths/"+escapePointer(path), doc.Paths.Value(path))
		}
	}
	for _, name := range sortedKeys(doc.Webhooks) {
		l.pathItem("/webhooks/"+escapePointer(name), doc.Webhooks[name])
	}
	return l.warnings
}

func (l *linter) warn(pointer, format string, args ...any) {
	l.warnings = append(l.warnings, &LoadError{Pointer: pointer, Level: LevelWarning, Err: fmt.Errorf(format, args...)})
}

// elsewhere reports whether ref points into components, where the linter checks the object it names once.
func elsewhere(ref string) bool { return strings.HasPrefix(ref, "#/components/") }

// first reports whether v is walked for the first time.
func (l *linter) first(v any) bool {
	if l.seen[v] {
		return false
	}
	l.seen[v] = true
	return true
}

// pathKey warns about a key whose part after '#' is not a list of header or query conditions (AWS's
// "/#X-Amz-Target=X" and "/tags/{arn}#tagKeys" are; mastercard's "/send/#env/v1/partners/{partnerId}/transfer"
// is not): that part is ignored, and a path parameter named only there cannot be sent.
//
// It also warns about a template that a stricter router (gorilla/mux, kin-openapi's) refuses to mount: a '{' without
// its '}' or a '}' without its '{' (standin matches such a brace as literal text), and a parameter named twice
// (the value in its first place is the one validated and served).
func (l *linter) pathKey(ptr, key string) {
	path := key
	if p, frag, ok := strings.Cut(key, "#"); ok {
		path = p
		if strings.ContainsAny(frag, "/{}") {
			l.warn(ptr, "the part of the path after '#' is not a header or query condition (name or name=value): "+
				"requests are routed on %q, and path parameters named after the '#' cannot be sent", path)
		}
	}
	path, _, _ = strings.Cut(path, "?")
	var names []string
	for rest := path; rest != ""; {
		open, closing := strings.IndexByte(rest, '{'), strings.IndexByte(rest, '}')
		switch {
		case open < 0 && closing < 0:
			rest = ""
		case closing >= 0 && (open < 0 || closing < open):
			l.warn(ptr, "the path template %q has a '}' without its '{': it is matched as literal text", path)
			return
		default:
			end := strings.IndexByte(rest[open:], '}')
			if end < 0 {
				l.warn(ptr, "the path template %q has a '{' without its '}': it is matched as literal text", path)
				return
			}
			name := strings.TrimLeft(rest[open+1:open+end], "+")
			if name != "" && slices.Contains(names, name) {
				l.warn(ptr, "the path template %q names the parameter %q more than once: the value in its first place is "+
					"the one validated and served", path, name)
			}
			names = append(names, name)
			rest = rest[open+end+1:]
		}
	}
}

func (l *linter) pathItem(ptr string, item *openapi3.PathItem) {
	if item == nil || !l.first(item) {
		return
	}
	item.Parameters = l.parameters(ptr, item.Parameters)
	ops := item.Operations()
	for _, method := range sortedKeys(ops) {
		l.operation(ptr+"/"+strings.ToLower(method), ops[method])
	}
}

func (l *linter) operation(ptr string, op *openapi3.Operation) {
	if op == nil {
		return
	}
	op.Parameters = l.parameters(ptr, op.Parameters)
	if op.RequestBody != nil {
		l.requestBody(ptr+"/requestBody", op.RequestBody)
	}
	if op.Responses != nil {
		for _, code := range sortedKeys(op.Responses.Map()) {
			l.response(ptr+"/responses/"+escapePointer(code), op.Responses.Value(code))
		}
	}
	for _, name := range sortedKeys(op.Callbacks) {
		l.callback(ptr+"/callbacks/"+escapePointer(name), op.Callbacks[name])
	}
}

func (l *linter) callback(ptr string, ref *openapi3.CallbackRef) {
	if ref == nil || ref.Value == nil || elsewhere(ref.Ref) || !l.first(ref.Value) {
		return
	}
	for _, expr := range sortedKeys(ref.Value.Map()) {
		l.pathItem(ptr+"/"+escapePointer(expr), ref.Value.Value(expr))
	}
}

// parameters checks a list of parameters and leaves out those without a name (nothing can send them).
func (l *linter) parameters(ptr string, ps openapi3.Parameters) openapi3.Parameters {
	kept := ps[:0:0]
	for i, p := range ps {
		at := ptr + "/parameters/" + strconv.Itoa(i)
		if p != nil && p.Value != nil && p.Value.Name == "" {
			l.warn(at, "the parameter has no name (OpenAPI requires one); standin leaves it out")
			continue
		}
		if p != nil && p.Value != nil && p.Value.In == openapi3.ParameterInHeader && ignoredHeader(p.Value.Name) {
			l.warn(at, "a header parameter named %s is ignored (OpenAPI: the media types and the security schemes "+
				"say it); standin leaves it out", p.Value.Name)
			continue
		}
		l.parameter(at, p)
		kept = append(kept, p)
	}
	if len(kept) == len(ps) {
		return ps
	}
	return kept
}

// ignoredHeader reports whether a header parameter of that name is one OpenAPI says to ignore: Accept,
// Content-Type and Authorization.
func ignoredHeader(name string) bool {
	return strings.EqualFold(name, "Accept") || strings.EqualFold(name, "Content-Type") || strings.EqualFold(name, "Authorization")
}

func (l *linter) parameter(ptr string, ref *openapi3.ParameterRef) {
	if ref == nil || ref.Value == nil || elsewhere(ref.Ref) || !l.first(ref.Value) {
		return
	}
	l.param(ptr, ref.Value, request)
}

func (l *linter) header(ptr string, ref *openapi3.HeaderRef) {
	if ref == nil || ref.Value == nil || elsewhere(ref.Ref) || !l.first(ref.Value) {
		return
	}
	l.param(ptr, &ref.Value.Parameter, response)
}

// param checks a parameter or a header: its schema, its example, its examples and its content.
func (l *linter) param(ptr string, p *openapi3.Parameter, dir direction) {
	l.schema(ptr+"/schema", p.Schema)
	if p.Schema != nil && p.Schema.Value != nil {
		if p.Example != nil {
			if err := l.validate(p.Schema.Value, p.Example, dir); err != nil {
				l.warn(ptr+"/example", "%s", mismatch("example", err))
				p.Example = nil
			}
		}
		l.examples(ptr, p.Examples, p.Schema.Value, dir)
	}
	for _, ct := range sortedKeys(p.Content) {
		l.mediaType(ptr+"/content/"+escapePointer(ct), p.Content[ct], dir)
	}
}

func (l *linter) requestBody(ptr string, ref *openapi3.RequestBodyRef) {
	if ref == nil || ref.Value == nil || elsewhere(ref.Ref) || !l.first(ref.Value) {
		return
	}
	for _, ct := range sortedKeys(ref.Value.Content) {
		l.mediaType(ptr+"/content/"+escapePointer(ct), ref.Value.Content[ct], request)
	}
}

func (l *linter) response(ptr string, ref *openapi3.ResponseRef) {
	if ref == nil || ref.Value == nil || elsewhere(ref.Ref) || !l.first(ref.Value) {
		return
	}
	r := ref.Value
	if r.Description == nil {
		l.warn(ptr, "the response has no description (OpenAPI requires one; standin does without)")
		r.Description = new("")
	}
	for _, name := range sortedKeys(r.Headers) {
		l.header(ptr+"/headers/"+escapePointer(name), r.Headers[name])
	}
	for _, ct := range sortedKeys(r.Content) {
		l.mediaType(ptr+"/content/"+escapePointer(ct), r.Content[ct], response)
	}
}

func (l *linter) mediaType(ptr string, mt *openapi3.MediaType, dir direction) {
	if mt == nil || !l.first(mt) {
		return
	}
	l.schema(ptr+"/schema", mt.Schema)
	if mt.Schema == nil || mt.Schema.Value == nil {
		// Nothing to check examples against; still drop those without a value.
		l.examples(ptr, mt.Examples, nil, dir)
		return
	}
	if mt.Example != nil {
		if err := l.validate(mt.Schema.Value, mt.Example, dir); err != nil {
			l.warn(ptr+"/example", "%s", mismatch("example", err))
			mt.Example = nil
		}
	}
	l.examples(ptr, mt.Examples, mt.Schema.Value, dir)
}

// examples checks a map of Example Objects against schema (nil: no schema to check against) and removes those
// that have no value or do not match.
func (l *linter) examples(ptr string, exs openapi3.Examples, schema *openapi3.Schema, dir direction) {
	for _, name := range sortedKeys(exs) {
		ref := exs[name]
		if ref == nil || ref.Value == nil {
			continue
		}
		at := ptr + "/examples/" + escapePointer(name)
		if valueless(ref.Value) {
			if ref.Ref == "" { // a $ref'd one is reported once, under components
				l.warn(at, "the example has no value (an Example Object needs value or externalValue); it is never served")
			}
			delete(exs, name)
			continue
		}
		if schema == nil || ref.Value.Value == nil { // externalValue: standin does not fetch it
			continue
		}
		if err := l.validate(schema, ref.Value.Value, dir); err != nil {
			what := "example"
			if ref.Ref != "" {
				what = "example " + ref.Ref
			}
			l.warn(at, "%s", mismatch(what, err))
			delete(exs, name)
		}
	}
}

// schema checks a schema and the schemas below it: pattern, example, examples and default.
func (l *linter) schema(ptr string, ref *openapi3.SchemaRef) {
	if ref == nil || ref.Value == nil || elsewhere(ref.Ref) || !l.first(ref.Value) {
		return
	}
	s := ref.Value
	if s.Pattern != "" {
		if _, err := pattern.Compile(s.Pattern); err != nil {
			l.warn(ptr+"/pattern", "pattern %q: %v; it is not enforced", s.Pattern, err)
		}
	}
	if s.Example != nil {
		if err := l.validate(s, s.Example, either); err != nil {
			l.warn(ptr+"/example", "%s", mismatch("example", err))
			s.Example = nil
		}
	}
	if len(s.Examples) > 0 {
		kept := s.Examples[:0:0]
		for i, ex := range s.Examples {
			if err := l.validate(s, ex, either); err != nil {
				l.warn(ptr+"/examples/"+strconv.Itoa(i), "%s", mismatch("example", err))
				continue
			}
			kept = append(kept, ex)
		}
		s.Examples = kept
	}
	if s.Default != nil {
		if err := l.validate(s, s.Default, either); err != nil {
			l.warn(ptr+"/default", "%s", mismatchDefault(err))
			s.Default = nil
		}
	}
	l.schemaMap(ptr, "/properties/", s.Properties)
	l.sub(ptr, "/items", s.Items)
	l.sub(ptr, "/additionalProperties", s.AdditionalProperties.Schema)
	l.sub(ptr, "/not", s.Not)
	l.schemaList(ptr, "/allOf/", s.AllOf)
	l.schemaList(ptr, "/anyOf/", s.AnyOf)
	l.schemaList(ptr, "/oneOf/", s.OneOf)
	l.schemaList(ptr, "/prefixItems/", s.PrefixItems)
	l.sub(ptr, "/contains", s.Contains)
	l.sub(ptr, "/propertyNames", s.PropertyNames)
	l.sub(ptr, "/if", s.If)
	l.sub(ptr, "/then", s.Then)
	l.sub(ptr, "/else", s.Else)
	l.sub(ptr, "/contentSchema", s.ContentSchema)
	l.sub(ptr, "/unevaluatedItems", s.UnevaluatedItems.Schema)
	l.sub(ptr, "/unevaluatedProperties", s.UnevaluatedProperties.Schema)
	l.schemaMap(ptr, "/patternProperties/", s.PatternProperties)
	l.schemaMap(ptr, "/dependentSchemas/", s.DependentSchemas)
	l.schemaMap(ptr, "/$defs/", s.Defs)
}

// skip tells that schema would do nothing with ref: checked already, elsewhere or empty. The callers below ask
// first so that a big document does not build the pointer of every schema it meets again (Stripe's: 45 MB).
func (l *linter) skip(ref *openapi3.SchemaRef) bool {
	return ref == nil || ref.Value == nil || elsewhere(ref.Ref) || l.seen[ref.Value]
}

// sub checks the subschema at ptr+key.
func (l *linter) sub(ptr, key string, ref *openapi3.SchemaRef) {
	if !l.skip(ref) {
		l.schema(ptr+key, ref)
	}
}

// schemaList checks the subschemas of a list keyword (prefix "/allOf/"), by index.
func (l *linter) schemaList(ptr, prefix string, list openapi3.SchemaRefs) {
	for i, ref := range list {
		if !l.skip(ref) {
			l.schema(ptr+prefix+strconv.Itoa(i), ref)
		}
	}
}

// schemaMap checks the subschemas of a map keyword (prefix "/properties/"), in name order.
func (l *linter) schemaMap(ptr, prefix string, m openapi3.Schemas) {
	if len(m) == 0 {
		return
	}
	for _, name := range sortedKeys(m) {
		if ref := m[name]; !l.skip(ref) {
			l.schema(ptr+prefix+escapePointer(name), ref)
		}
	}
}

// validate checks value against schema as the mock and the contract runner will: as a request or a response
// value (readOnly and writeOnly), or, for a schema's own example, as either.
func (l *linter) validate(schema *openapi3.Schema, value any, dir direction) error {
	opts := []openapi3.SchemaValidationOption{openapi3.SetSchemaRegexCompiler(pattern.Lenient)}
	if l.js {
		opts = append(opts, openapi3.EnableJSONSchema2020())
	}
	switch dir {
	case request:
		return schema.VisitJSON(value, append(opts, openapi3.VisitAsRequest())...)
	case response:
		return schema.VisitJSON(value, append(opts, openapi3.VisitAsResponse())...)
	}
	err := schema.VisitJSON(value, append(opts, openapi3.VisitAsResponse())...)
	if err == nil || schema.VisitJSON(value, append(opts, openapi3.VisitAsRequest())...) == nil {
		return nil
	}
	return err
}

// valueless reports an Example Object with neither value nor externalValue (a summary alone, say).
func valueless(ex *openapi3.Example) bool { return ex.Value == nil && ex.ExternalValue == "" }

func mismatch(what string, err error) string {
	return fmt.Sprintf("%s does not match its schema: %s; standin never serves it and generates a valid value instead",
		what, schemaReason(err))
}

func mismatchDefault(err error) string {
	return fmt.Sprintf("default does not match its schema: %s; standin ignores it", schemaReason(err))
}

// schemaReason says where in a value a schema check failed and why, without the schema dump kin-openapi's
// message carries.
func schemaReason(err error) string {
	var se *openapi3.SchemaError
	if errors.As(err, &se) {
		// allOf, anyOf and oneOf wrap the failure that tells what is wrong.
		for depth := 0; se.Origin != nil && depth < 8; depth++ {
			var inner *openapi3.SchemaError
			if !errors.As(se.Origin, &inner) {
				break
			}
			se = inner
		}
		return fmt.Sprintf("value at %q: %s", "/"+strings.Join(se.JSONPointer(), "/"), strings.Join(strings.Fields(se.Reason), " "))
	}
	msg := err.Error()
	if i := strings.IndexByte(msg, '\n'); i > 0 {
		msg = msg[:i]
	}
	return msg
}
