package mock

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
)

// validationFailure is one reason a request failed validation, in the terms of the root x-standin validation shape:
// $path, $message, $expected, $received and $code (the rule: kin-openapi's SchemaError.SchemaField, or
// "required", "type", "contentType" for failures found before a schema is applied).
type validationFailure struct {
	path     []any
	rule     string
	message  string // the default message of the item
	expected string
	received string
	name     string            // the parameter or property the validationFailure is about, for {name}
	schema   *openapi3.Schema  // the schema whose rule failed, for {minimum} {maximum} {limit}
	messages map[string]string // the parameter's x-standin-messages, if any
	secret   bool              // the value is a credential: never echoed
	value    any
	hasValue bool
}

// translator turns openapi3filter's errors into the vendor's validation body. It holds only what the API's
// x-standin declares; nothing in it knows a vendor.
type translator struct {
	item     any               // the shape's item template; nil: a plain {path, message, expected, received, code}
	messages map[string]string // the shape's rule -> message templates
}

func newTranslator(rt *apiRuntime) *translator {
	shape := rt.api.Ext.Errors["validation"]
	return &translator{item: shape.Item, messages: shape.Messages}
}

// failures lists every failure in err, in the order openapi3filter found them (parameters, then the body).
func (t *translator) failures(err error, ex *exchange) []validationFailure {
	var out []validationFailure
	var walk func(error)
	walk = func(err error) {
		if me, ok := err.(openapi3.MultiError); ok {
			for _, e := range me {
				walk(e)
			}
			return
		}
		var re *openapi3filter.RequestError
		if errors.As(err, &re) {
			out = append(out, t.requestFailures(re, ex)...)
			return
		}
		var sre *openapi3filter.SecurityRequirementsError
		if errors.As(err, &sre) {
			return // the security stage has already decided
		}
		if ses := schemaErrors(err); len(ses) > 0 {
			for _, se := range ses {
				out = append(out, schemaFailure(se, nil, ex.bodyValue))
			}
			return
		}
		out = append(out, validationFailure{path: []any{}, rule: "invalid", message: "the request is not valid"})
	}
	walk(err)
	if len(out) == 0 {
		out = append(out, validationFailure{path: []any{}, rule: "invalid", message: "the request is not valid"})
	}
	return dropFormatTwins(out)
}

// dropFormatTwins removes a format failure reported at the same place as a pattern failure: a schema whose
// pattern spells out its format (careCycle's uuid) fails both for one bad value, and the client needs one item.
func dropFormatTwins(fs []validationFailure) []validationFailure {
	all := slices.Clone(fs)
	return slices.DeleteFunc(fs, func(f validationFailure) bool {
		if f.rule != "format" {
			return false
		}
		return slices.ContainsFunc(all, func(o validationFailure) bool {
			return o.rule == "pattern" && slices.Equal(o.path, f.path)
		})
	})
}

func (t *translator) requestFailures(re *openapi3filter.RequestError, ex *exchange) []validationFailure {
	var de *DecodeError // a value standin could not decode (decode.go): its message names parameter and style
	if errors.As(re.Err, &de) {
		return []validationFailure{{path: []any{de.Name}, name: de.Name, rule: "style", message: de.Error(),
			expected: "style " + de.Style}}
	}
	switch {
	case re.Parameter != nil:
		p := re.Parameter
		pp := ex.plan.params[p]
		base := validationFailure{path: []any{p.Name}, name: p.Name}
		if pp != nil {
			base.messages, base.secret = pp.messages, pp.secret
		}
		var schema *openapi3.Schema
		if p.Schema != nil {
			schema = p.Schema.Value
		}
		var pe *openapi3filter.ParseError
		switch {
		case errors.Is(re.Err, openapi3filter.ErrInvalidRequired):
			f := base
			f.rule, f.schema = "required", schema
			f.message = fmt.Sprintf("%s parameter %q is required", p.In, p.Name)
			f.expected, f.received = typeName(schema), "missing"
			return []validationFailure{f}
		case errors.Is(re.Err, openapi3filter.ErrInvalidEmptyValue):
			f := base
			f.rule, f.schema = "required", schema
			f.message = fmt.Sprintf("%s parameter %q must not be empty", p.In, p.Name)
			f.expected, f.received = typeName(schema), "empty"
			return []validationFailure{f}
		case errors.As(re.Err, &pe):
			f := base
			f.rule, f.schema = "type", schema
			f.message = fmt.Sprintf("%s parameter %q is not a valid %s", p.In, p.Name, typeName(schema))
			f.expected = typeName(schema)
			if s, ok := pe.Value.(string); ok {
				f.received, f.value, f.hasValue = s, s, true
			}
			return []validationFailure{f}
		}
		var out []validationFailure
		for _, se := range schemaErrors(re.Err) {
			f := schemaFailure(se, nil, nil)
			f.path = append([]any{p.Name}, f.path...)
			if len(f.path) == 1 {
				f.name = p.Name
			}
			f.messages, f.secret = base.messages, base.secret
			out = append(out, f)
		}
		if len(out) == 0 {
			f := base
			f.rule, f.message = "invalid", fmt.Sprintf("%s parameter %q is not valid", p.In, p.Name)
			out = append(out, f)
		}
		return out
	case re.RequestBody != nil:
		switch {
		case errors.Is(re.Err, openapi3filter.ErrInvalidRequired):
			return []validationFailure{{path: []any{}, rule: "required", message: "the request body is required",
				expected: "a request body", received: "missing"}}
		case strings.HasPrefix(re.Reason, "header Content-Type has unexpected value"):
			types := make([]string, 0, len(re.RequestBody.Content))
			for mt := range re.RequestBody.Content {
				types = append(types, mt)
			}
			slices.Sort(types)
			return []validationFailure{{path: []any{}, rule: "contentType",
				message:  "Content-Type must be " + strings.Join(types, " or "),
				expected: strings.Join(types, " | "), received: re.Input.Request.Header.Get("Content-Type")}}
		}
		var out []validationFailure
		for _, se := range schemaErrors(re.Err) {
			out = append(out, schemaFailure(se, nil, ex.bodyValue))
		}
		if len(out) == 0 {
			out = append(out, validationFailure{path: []any{}, rule: "invalid", message: "the request body is not valid"})
		}
		return out
	}
	return []validationFailure{{path: []any{}, rule: "invalid", message: "the request is not valid"}}
}

// schemaErrors flattens the schema errors in err (a SchemaError or a MultiError of them). A composite rule
// (oneOf, anyOf, allOf, not) stays one error: its inner errors are not the client's to read.
func schemaErrors(err error) []*openapi3.SchemaError {
	var out []*openapi3.SchemaError
	var walk func(error)
	walk = func(err error) {
		switch e := err.(type) {
		case *openapi3.SchemaError:
			out = append(out, e)
		case openapi3.MultiError:
			for _, inner := range e {
				walk(inner)
			}
		default:
			var se *openapi3.SchemaError
			if errors.As(err, &se) {
				out = append(out, se)
			}
		}
	}
	walk(err)
	return out
}

var quotedProperty = regexp.MustCompile(`property "([^"]*)"`)

// schemaFailure describes one schema error. root is the decoded value the error's JSON pointer walks (the
// body); array indices along it become integers.
func schemaFailure(se *openapi3.SchemaError, _ *openapi3.Schema, root any) validationFailure {
	ptr := se.JSONPointer()
	f := validationFailure{path: pointerPath(ptr, root), rule: se.SchemaField, schema: se.Schema, message: se.Reason,
		value: se.Value, hasValue: true}
	if f.message == "" {
		f.message = fmt.Sprintf("value does not match the %q rule of its schema", se.SchemaField)
	}
	if len(ptr) > 0 {
		f.name = ptr[len(ptr)-1]
	}
	s := se.Schema
	switch se.SchemaField {
	case "type":
		f.expected, f.received = typeName(s), jsonType(se.Value)
	case "nullable":
		f.expected, f.received = typeName(s), "null"
	case "enum":
		if s != nil {
			vals := make([]string, len(s.Enum))
			for i, v := range s.Enum {
				vals[i] = text(v)
			}
			f.expected = strings.Join(vals, " | ")
		}
		f.received = text(se.Value)
	case "pattern":
		switch {
		case s != nil && s.Format != "":
			// The pattern spells out a format (careCycle's uuid pattern): name the format, not the regexp.
			f.expected = s.Format
			f.message = "must be a valid " + s.Format
		case s != nil:
			f.expected = s.Pattern
		}
		f.received = text(se.Value)
	case "format":
		if s != nil {
			f.expected = s.Format
			f.message = "must be a valid " + s.Format
		}
		f.received = text(se.Value)
	case "minimum", "exclusiveMinimum":
		if s != nil && s.Min != nil {
			op := ">="
			if s.ExclusiveMin.IsTrue() || se.SchemaField == "exclusiveMinimum" {
				op = ">"
			}
			f.expected = op + number(*s.Min)
		}
		f.received = text(se.Value)
	case "maximum", "exclusiveMaximum":
		if s != nil && s.Max != nil {
			op := "<="
			if s.ExclusiveMax.IsTrue() || se.SchemaField == "exclusiveMaximum" {
				op = "<"
			}
			f.expected = op + number(*s.Max)
		}
		f.received = text(se.Value)
	case "multipleOf":
		if s != nil && s.MultipleOf != nil {
			f.expected = "multiple of " + number(*s.MultipleOf)
		}
		f.received = text(se.Value)
	case "minLength":
		if s != nil {
			f.expected = fmt.Sprintf(">=%d characters", s.MinLength)
		}
		f.received = lengthOf(se.Value, "characters")
	case "maxLength":
		if s != nil && s.MaxLength != nil {
			f.expected = fmt.Sprintf("<=%d characters", *s.MaxLength)
		}
		f.received = lengthOf(se.Value, "characters")
	case "minItems":
		if s != nil {
			f.expected = fmt.Sprintf(">=%d items", s.MinItems)
		}
		f.received = lengthOf(se.Value, "items")
	case "maxItems":
		if s != nil && s.MaxItems != nil {
			f.expected = fmt.Sprintf("<=%d items", *s.MaxItems)
		}
		f.received = lengthOf(se.Value, "items")
	case "uniqueItems":
		f.expected, f.received = "unique items", "duplicate items"
	case "required":
		prop := ""
		if m := quotedProperty.FindStringSubmatch(se.Reason); m != nil {
			prop = m[1]
		}
		if len(ptr) == 0 || ptr[len(ptr)-1] != prop {
			if prop != "" {
				f.path = append(f.path, prop)
			}
		}
		f.name = prop
		if s != nil {
			if ps := s.Properties[prop]; ps != nil {
				f.expected = typeName(ps.Value)
			}
		}
		f.received = "missing"
		f.hasValue = false
	case "additionalProperties":
		f.expected = "no additional properties"
		if m := quotedProperty.FindStringSubmatch(se.Reason); m != nil {
			f.received = m[1]
		}
	case "oneOf", "anyOf", "allOf", "not":
		f.expected = "a value matching the documented " + se.SchemaField + " schemas"
		f.received = jsonType(se.Value)
	}
	return f
}

// pointerPath turns JSON pointer segments into path items: an index into an array of root becomes an integer.
func pointerPath(ptr []string, root any) []any {
	out := make([]any, 0, len(ptr)+1)
	cur := root
	for _, seg := range ptr {
		switch c := cur.(type) {
		case []any:
			if i, err := strconv.Atoi(seg); err == nil {
				out = append(out, i)
				if i >= 0 && i < len(c) {
					cur = c[i]
				} else {
					cur = nil
				}
				continue
			}
			cur = nil
		case map[string]any:
			cur = c[seg]
		default:
			cur = nil
		}
		out = append(out, seg)
	}
	return out
}

// vars renders the failures as the shape's variables: $errors (one item per failure) and, when a rule message
// template applies to a validationFailure, $message (the first such validationFailure's text; otherwise the shape's message).
func (t *translator) vars(fs []validationFailure) map[string]any {
	items := make([]any, 0, len(fs))
	var message string
	for _, f := range fs {
		msg := f.message
		if tmpl, ok := t.template(f); ok {
			msg = interpolate(tmpl, f.templateVars())
			if message == "" {
				message = msg
			}
		}
		iv := map[string]any{"path": f.path, "message": msg, "code": f.rule}
		if f.expected != "" {
			iv["expected"] = f.expected
		}
		if f.received != "" && !f.secret {
			iv["received"] = f.received
		}
		if t.item != nil {
			items = append(items, fillTemplate(t.item, iv))
		} else {
			items = append(items, iv)
		}
	}
	vars := map[string]any{"errors": items}
	if message != "" {
		vars["message"] = message
	}
	return vars
}

// template finds the message template for f: the parameter's x-standin-messages, else the shape's messages.
func (t *translator) template(f validationFailure) (string, bool) {
	if tmpl, ok := f.messages[f.rule]; ok {
		return tmpl, true
	}
	tmpl, ok := t.messages[f.rule]
	return tmpl, ok
}

func (f validationFailure) templateVars() map[string]any {
	v := map[string]any{"name": f.name, "expected": f.expected, "rule": f.rule}
	if !f.secret {
		v["received"] = f.received
		if f.hasValue {
			v["value"] = text(f.value)
		}
	}
	if s := f.schema; s != nil {
		if s.Min != nil {
			v["minimum"] = number(*s.Min)
		}
		if s.Max != nil {
			v["maximum"] = number(*s.Max)
		}
		switch f.rule {
		case "minimum", "exclusiveMinimum":
			v["limit"] = v["minimum"]
		case "maximum", "exclusiveMaximum":
			v["limit"] = v["maximum"]
		case "minLength":
			v["limit"] = strconv.FormatUint(s.MinLength, 10)
		case "maxLength":
			if s.MaxLength != nil {
				v["limit"] = strconv.FormatUint(*s.MaxLength, 10)
			}
		case "minItems":
			v["limit"] = strconv.FormatUint(s.MinItems, 10)
		case "maxItems":
			if s.MaxItems != nil {
				v["limit"] = strconv.FormatUint(*s.MaxItems, 10)
			}
		}
	}
	return v
}

// typeName describes what a schema accepts: "integer", "string | null", "object".
func typeName(s *openapi3.Schema) string {
	if s == nil {
		return ""
	}
	var names []string
	if s.Type != nil {
		names = append(names, s.Type.Slice()...)
	}
	if len(names) == 0 {
		switch {
		case len(s.Properties) > 0:
			names = []string{"object"}
		case s.Items != nil:
			names = []string{"array"}
		default:
			return "any"
		}
	}
	if s.Format != "" && len(names) == 1 && names[0] == "string" {
		names[0] = "string (" + s.Format + ")"
	}
	if s.Nullable {
		names = append(names, "null")
	}
	return strings.Join(names, " | ")
}

// jsonType names the JSON type of a decoded value.
func jsonType(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case float64:
		if x == math.Trunc(x) {
			return "integer"
		}
		return "number"
	case int, int64, int32, uint64:
		return "integer"
	case json.Number:
		if _, err := x.Int64(); err == nil {
			return "integer"
		}
		return "number"
	case string:
		return "string"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return "number"
}

func lengthOf(v any, unit string) string {
	switch x := v.(type) {
	case string:
		return fmt.Sprintf("%d %s", len([]rune(x)), unit)
	case []any:
		return fmt.Sprintf("%d %s", len(x), unit)
	}
	return ""
}

func number(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }
