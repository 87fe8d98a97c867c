package contracttest

import (
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/standin/standin/internal/jsonvalue"
)

// A breaker produces, for one schema node and its current valid value, a value that breaks exactly one
// constraint. Every candidate is checked with kin-openapi before it is used: the whole value must fail, and only
// with errors of the constraint's own kind. A constraint that cannot be broken alone is left out.

// maxBroken bounds the length of a string (and, divided by 16, of an array) built to break maxLength or maxItems.
const maxBroken = 4096

// mutation is one broken constraint at one place.
type mutation struct {
	rule  string // constraint: required, type, enum, pattern, format, minimum, maximum, minLength, ...
	where string // "body /bookingHours/0/startHour", "query limit"
	value any    // the replacement value (unused for required)
	drop  bool   // remove the value (required)
	ptr   []string
	body  any // the whole body with the mutation applied (body mutations only)
	// node is the schema of the value broken (of the object that lost a member, for required); local says that
	// the schemas above it judge it through node alone (see localVerdict), so node's verdict on the value is the
	// body's (body mutations only).
	node  *openapi3.Schema
	local bool
}

func (m mutation) name() string {
	return m.where + ": " + m.rule
}

// ruleFields lists the kin-openapi SchemaError fields that prove a rule was broken.
var ruleFields = map[string][]string{
	"required":  {"required"},
	"type":      {"type"},
	"nullable":  {"nullable", "type"},
	"enum":      {"enum"},
	"pattern":   {"pattern"},
	"format":    {"format"},
	"minimum":   {"minimum", "exclusiveMinimum"},
	"maximum":   {"maximum", "exclusiveMaximum"},
	"minLength": {"minLength"},
	"maxLength": {"maxLength"},
	"minItems":  {"minItems"},
	"maxItems":  {"maxItems"},
}

// breaksOnly reports whether err holds at least one schema error and only errors proving rule.
func breaksOnly(err error, rule string) bool {
	if err == nil {
		return false
	}
	var errs []error
	var multi openapi3.MultiError
	if errors.As(err, &multi) {
		errs = flattenMulti(multi)
	} else {
		errs = []error{err}
	}
	for _, e := range errs {
		var se *openapi3.SchemaError
		if !errors.As(e, &se) || !slices.Contains(ruleFields[rule], se.SchemaField) {
			return false
		}
	}
	return len(errs) > 0
}

func flattenMulti(me openapi3.MultiError) []error {
	var out []error
	for _, e := range me {
		var inner openapi3.MultiError
		if errors.As(e, &inner) {
			out = append(out, flattenMulti(inner)...)
			continue
		}
		out = append(out, e)
	}
	return out
}

var requestOpts = []openapi3.SchemaValidationOption{openapi3.VisitAsRequest(), openapi3.MultiErrors()}

// candidates proposes values for s (whose current valid value is v) that may break rule.
func candidates(s *openapi3.Schema, v any, rule string, param bool) []any {
	var out []any
	str, isStr := v.(string)
	switch rule {
	case "type":
		switch {
		case s.Type.Is(openapi3.TypeString):
			if !param {
				out = append(out, 12345.0, true)
			}
		case s.Type.Is(openapi3.TypeInteger), s.Type.Is(openapi3.TypeNumber):
			out = append(out, "not-a-number")
		case s.Type.Is(openapi3.TypeBoolean):
			out = append(out, "not-a-boolean")
		case s.Type.Is(openapi3.TypeObject):
			out = append(out, "not-an-object")
		case s.Type.Is(openapi3.TypeArray):
			if !param {
				out = append(out, "not-an-array")
			}
		}
	case "nullable":
		if !param && !s.Nullable && s.Type != nil && len(*s.Type) > 0 {
			out = append(out, nil)
		}
	case "enum":
		if len(s.Enum) > 0 {
			switch {
			case s.Type.Is(openapi3.TypeString):
				out = append(out, "standin-not-in-enum", "zz-not-listed")
			case s.Type.Is(openapi3.TypeBoolean):
				// Only the boolean the enum leaves out breaks it: a number would be read as a boolean ("0" is
				// false to most decoders), and Azure's enum [false, true] leaves nothing out.
				for _, b := range []bool{false, true} {
					if !slices.Contains(s.Enum, any(b)) {
						out = append(out, b)
					}
				}
			default:
				hi := -1.0
				for _, e := range s.Enum {
					if f, ok := e.(float64); ok && f > hi {
						hi = f
					}
				}
				out = append(out, hi+1)
			}
		}
	case "pattern":
		if s.Pattern != "" {
			out = append(out, "!invalid!", "0", "~", "not valid", strings.Repeat("!", max(int(s.MinLength), 1)))
			if isStr && str != "" {
				out = append(out, "!"+str[1:], str[:len(str)-1]+"!")
			}
		}
	case "format":
		if s.Format != "" && s.Type.Is(openapi3.TypeString) {
			out = append(out, "not-a-"+s.Format, "2021-13-45T99:99:99Z", "0")
		}
		if s.Format == "int32" {
			out = append(out, float64(math.MaxInt32)+1)
		}
	case "minimum":
		if s.Min != nil {
			lo := *s.Min
			if s.Type.Is(openapi3.TypeInteger) {
				out = append(out, math.Ceil(lo)-1)
				if s.ExclusiveMin.IsTrue() {
					out = append(out, math.Ceil(lo))
				}
			} else {
				out = append(out, lo-1, lo)
			}
		}
	case "maximum":
		if s.Max != nil {
			hi := *s.Max
			if s.Type.Is(openapi3.TypeInteger) {
				out = append(out, math.Floor(hi)+1)
				if s.ExclusiveMax.IsTrue() {
					out = append(out, math.Floor(hi))
				}
			} else {
				out = append(out, hi+1, hi)
			}
		}
	case "minLength":
		if s.MinLength > 0 && isStr {
			rs := []rune(str)
			if n := int(s.MinLength) - 1; n <= len(rs) {
				out = append(out, string(rs[:n]))
			}
		}
	case "maxLength":
		// A limit beyond maxBroken is not tried: the request would be too large to say anything useful.
		if s.MaxLength != nil && isStr && *s.MaxLength < maxBroken {
			rs := []rune(str)
			fill := "a"
			if len(rs) > 0 {
				fill = string(rs[len(rs)-1])
			}
			if n := int(*s.MaxLength) + 1 - len(rs); n > 0 {
				str += strings.Repeat(fill, n)
			}
			out = append(out, str)
		}
	case "minItems":
		if arr, ok := v.([]any); ok && s.MinItems > 0 && int(s.MinItems)-1 <= len(arr) {
			out = append(out, slices.Clone(arr[:s.MinItems-1]))
		}
	case "maxItems":
		if arr, ok := v.([]any); ok && s.MaxItems != nil && len(arr) > 0 && *s.MaxItems < maxBroken/16 {
			grown := slices.Clone(arr)
			for len(grown) <= int(*s.MaxItems) {
				grown = append(grown, deepCopy(arr[len(grown)%len(arr)]))
			}
			out = append(out, grown)
		}
	}
	return out
}

// valueRules are the rules tried on every schema node, in report order.
var valueRules = []string{"type", "nullable", "enum", "pattern", "format", "minimum", "maximum", "minLength", "maxLength", "minItems", "maxItems"}

// bodyMutations walks a valid body value with its schema and returns one mutation per constraint that can be
// broken alone. Composite schemas (oneOf, anyOf, not) are not entered; allOf is not entered either.
//
// A candidate is first validated against its own node's schema only: the whole body's errors include the node's,
// so a candidate that does not break the rule alone there cannot break it alone in the body. When every schema
// above the node judges its value only through its children (localVerdict), the node's errors are the body's and
// the whole body is not validated again; else it is, to be sure.
func bodyMutations(root *openapi3.Schema, body any, opts []openapi3.SchemaValidationOption) []mutation {
	var out []mutation
	var walk func(s *openapi3.Schema, v any, ptr []string, depth int, local bool)
	walk = func(s *openapi3.Schema, v any, ptr []string, depth int, local bool) {
		if s == nil || depth > 6 || len(s.OneOf) > 0 || len(s.AnyOf) > 0 || len(s.AllOf) > 0 || s.Not != nil {
			return
		}
		where := "body /" + strings.Join(ptr, "/")
		for _, rule := range valueRules {
			for _, c := range candidates(s, v, rule, false) {
				if !breaksOnly(s.VisitJSON(c, opts...), rule) {
					continue
				}
				mutated := replacedAt(body, ptr, c, false)
				if local || breaksOnly(root.VisitJSON(mutated, opts...), rule) {
					out = append(out, mutation{rule: rule, where: where, value: c, ptr: slices.Clone(ptr), body: mutated, node: s, local: local})
					break
				}
			}
		}
		switch t := v.(type) {
		case map[string]any:
			for _, name := range s.Required {
				if _, ok := t[name]; !ok {
					continue
				}
				without := maps.Clone(t)
				delete(without, name)
				if !breaksOnly(s.VisitJSON(without, opts...), "required") {
					continue
				}
				p := append(slices.Clone(ptr), name)
				mutated := replacedAt(body, p, nil, true)
				if local || breaksOnly(root.VisitJSON(mutated, opts...), "required") {
					out = append(out, mutation{rule: "required", where: "body /" + strings.Join(p, "/"), drop: true, ptr: p, body: mutated, node: s, local: local})
				}
			}
			below := local && localVerdict(s)
			for _, name := range sortedKeys(t) {
				if ps := s.Properties[name]; ps != nil && ps.Value != nil {
					walk(ps.Value, t[name], append(slices.Clone(ptr), name), depth+1, below)
				}
			}
		case []any:
			if len(t) > 0 && s.Items != nil && s.Items.Value != nil {
				walk(s.Items.Value, t[0], append(slices.Clone(ptr), "0"), depth+1, local && localVerdict(s))
			}
		}
	}
	walk(root, body, nil, 0, true)
	return out
}

// localVerdict reports whether s, holding a valid value, judges a change to one of its property values or items
// only through that child's own schema: nothing in s compares the children with each other or with a list of
// whole values (uniqueItems, enum, const, contains) or applies further schemas to them (patternProperties,
// dependentSchemas, propertyNames, unevaluated*, if/then/else, prefixItems, discriminator, composites).
func localVerdict(s *openapi3.Schema) bool {
	return !s.UniqueItems && len(s.Enum) == 0 && s.Const == nil && len(s.OneOf) == 0 && len(s.AnyOf) == 0 &&
		len(s.AllOf) == 0 && s.Not == nil && len(s.PatternProperties) == 0 && len(s.DependentSchemas) == 0 &&
		len(s.DependentRequired) == 0 && s.PropertyNames == nil && s.UnevaluatedItems == (openapi3.BoolSchema{}) &&
		s.UnevaluatedProperties == (openapi3.BoolSchema{}) && s.If == nil && s.Then == nil && s.Else == nil &&
		s.Contains == nil && len(s.PrefixItems) == 0 && s.Discriminator == nil && s.Always == nil
}

// paramMutations returns the mutations of one scalar parameter whose valid value is v.
func paramMutations(s *openapi3.Schema, v any, opts []openapi3.SchemaValidationOption) []mutation {
	var out []mutation
	if s == nil || len(s.OneOf) > 0 || len(s.AnyOf) > 0 || len(s.AllOf) > 0 || s.Type.Is(openapi3.TypeArray) || s.Type.Is(openapi3.TypeObject) {
		return nil
	}
	for _, rule := range valueRules {
		for _, c := range candidates(s, v, rule, true) {
			if str, ok := c.(string); ok && (str == "" || strings.ContainsAny(str, "/?#")) {
				continue
			}
			if breaksOnly(s.VisitJSON(c, opts...), rule) {
				out = append(out, mutation{rule: rule, value: c})
				break
			}
		}
	}
	return out
}

// replacedAt returns a copy of root with the value at ptr replaced (or removed when drop is set). Only the objects
// and arrays on the way to ptr are copied; the rest is shared with root, which must not be changed in place after.
func replacedAt(root any, ptr []string, v any, drop bool) any {
	switch t := root.(type) {
	case map[string]any:
		if len(ptr) > 0 {
			if _, ok := t[ptr[0]]; ok || len(ptr) == 1 {
				c := maps.Clone(t)
				return setAt(c, ptr[:1], replacedAt(t[ptr[0]], ptr[1:], v, drop), drop && len(ptr) == 1)
			}
		}
	case []any:
		if len(ptr) > 0 {
			if i, err := strconv.Atoi(ptr[0]); err == nil && i >= 0 && i < len(t) {
				return setAt(slices.Clone(t), ptr[:1], replacedAt(t[i], ptr[1:], v, drop), drop && len(ptr) == 1)
			}
		}
	}
	if len(ptr) == 0 {
		return v
	}
	return root
}

// setAt returns root with the value at ptr replaced (or removed when drop is set).
func setAt(root any, ptr []string, v any, drop bool) any {
	if len(ptr) == 0 {
		return v
	}
	switch t := root.(type) {
	case map[string]any:
		if len(ptr) == 1 {
			if drop {
				delete(t, ptr[0])
			} else {
				t[ptr[0]] = v
			}
			return t
		}
		t[ptr[0]] = setAt(t[ptr[0]], ptr[1:], v, drop)
		return t
	case []any:
		var i int
		if _, err := fmt.Sscan(ptr[0], &i); err != nil || i < 0 || i >= len(t) {
			return t
		}
		if len(ptr) == 1 {
			if drop {
				return slices.Delete(t, i, i+1)
			}
			t[i] = v
			return t
		}
		t[i] = setAt(t[i], ptr[1:], v, drop)
		return t
	}
	return root
}

func sortedKeys[V any](m map[string]V) []string { return jsonvalue.SortedKeys(m) }
