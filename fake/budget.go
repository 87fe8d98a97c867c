package fake

import (
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// maxCachedSchemas bounds the selfComposed cache (schemas built on the fly, by merging, are never the same twice).
const maxCachedSchemas = 100_000

// Default per-value budget of a Generator (Options.MaxValues, Options.MaxBytes).
const (
	DefaultMaxValues = 100_000
	DefaultMaxBytes  = 8 << 20
)

// ErrBudget reports that a value would take more than the Generator's budget of values or bytes. Generate stops
// building as soon as the budget is spent, so a schema asking for millions of items costs the budget, never more.
var ErrBudget = errors.New("value exceeds the generator's budget")

// budget is what one Generate call may still spend. The zero value is spent.
//
// Past the soft part of the budget (a tenth of the values) the generator makes only what the schema requires
// (no optional properties, the fewest array items, null where allowed), so a wide schema whose optional
// properties nest deep (a 2.9 MB body for one record of a public document) ends in a smaller valid value instead
// of running out and making none.
type budget struct {
	values int  // values (scalars, objects, arrays) left
	soft   int  // when values falls below this, only required values are made
	bytes  int  // bytes of string content left
	over   bool // values or bytes are spent
	loop   bool // a schema containing itself through composition was met
}

func (g *Generator) newBudget() budget {
	return budget{values: g.maxValues, soft: g.maxValues - g.maxValues/10, bytes: g.maxBytes}
}

// lean reports whether the soft part of the budget is spent: from then on only required values are made.
func (b *budget) lean() bool { return b.values < b.soft }

// spend counts one value and reports whether the budget is spent; then the caller makes nothing more.
func (b *budget) spend() bool {
	if b.over {
		return true
	}
	b.values--
	if b.values < 0 {
		b.over = true
	}
	return b.over
}

// charge counts the bytes of a generated string.
func (b *budget) charge(s string) string {
	b.bytes -= len(s)
	if b.bytes < 0 {
		b.over = true
	}
	return s
}

// selfComposed reports whether s contains itself through allOf, anyOf, oneOf or not. Neither the generator
// (through kin-openapi's Schema.IsEmpty) nor a validator could finish with such a schema, so the generator stops
// there; CheckDoc refuses the document at load. Answers are cached per schema like the dialect cache.
func (c *cursor) selfComposed(s *openapi3.Schema) bool {
	if len(s.AllOf) == 0 && len(s.AnyOf) == 0 && len(s.OneOf) == 0 && s.Not == nil {
		return false
	}
	loop, ok := c.g.loops.Load(s)
	if !ok {
		loop = cycle(s, s, compositionEdges, map[*openapi3.Schema]bool{}) != nil
		if c.g.loopsSeen.Add(1) <= maxCachedSchemas {
			c.g.loops.Store(s, loop)
		}
	}
	if loop.(bool) {
		c.budget.loop, c.budget.over = true, true
	}
	return loop.(bool)
}

// SchemaProblem is a schema the generator cannot make a value for within its budget, or that no validator can
// finish checking. Pointer is the JSON pointer of the schema in the document ("/components/schemas/Node").
type SchemaProblem struct {
	Pointer string
	Msg     string
}

func (p SchemaProblem) Error() string { return p.Pointer + ": " + p.Msg }

// CheckDoc reports the schemas of doc that would make the generator (or any validator) explode, each once, with
// its pointer, sorted by pointer:
//
//   - a schema that contains itself through allOf, anyOf, oneOf or not without a property or item in between
//     (C: {allOf: [{$ref: C}, ...]}): checking a value against it never ends;
//   - a schema every value of which must contain another value of it (a required, non-nullable property or a
//     minItems >= 1 array leading back to it): no finite value exists;
//   - a schema whose smallest value holds more than maxValues values (nested minItems: 65536, minProperties:
//     100000000): it cannot be generated within the budget. maxValues <= 0 means DefaultMaxValues.
//
// Only component schemas are walked: every cycle passes through one.
func CheckDoc(doc *openapi3.T, maxValues int) []SchemaProblem {
	if doc == nil || doc.Components == nil {
		return nil
	}
	if maxValues <= 0 {
		maxValues = DefaultMaxValues
	}
	var out []SchemaProblem
	sizes := map[*openapi3.Schema]float64{}
	for _, name := range slices.Sorted(maps.Keys(doc.Components.Schemas)) {
		ref := doc.Components.Schemas[name]
		if ref == nil || ref.Value == nil {
			continue
		}
		ptr := "/components/schemas/" + strings.ReplaceAll(strings.ReplaceAll(name, "~", "~0"), "/", "~1")
		s := ref.Value
		if path := cycle(s, s, compositionEdges, map[*openapi3.Schema]bool{}); path != nil {
			out = append(out, SchemaProblem{ptr, fmt.Sprintf("contains itself through %s with no property or item in between: "+
				"checking a value against it never ends; remove the reference to itself", strings.Join(path, " → "))})
			continue // the other checks would walk the same loop
		}
		if path := cycle(s, s, forcedEdges, map[*openapi3.Schema]bool{}); path != nil {
			out = append(out, SchemaProblem{ptr, fmt.Sprintf("every value must contain another one (%s): no finite value exists; "+
				"make one step optional, nullable or allow an empty array (minItems: 0)", strings.Join(path, " → "))})
			continue
		}
		if n := minValues(s, sizes, map[*openapi3.Schema]bool{}); n > float64(maxValues) {
			out = append(out, SchemaProblem{ptr, fmt.Sprintf("its smallest value holds %s values, more than the generator's budget of %d "+
				"per response; lower minItems or minProperties", humanCount(n), maxValues)})
		}
	}
	return out
}

// edge is one step from a schema to a schema inside it, with a label for the message.
type edge struct {
	label string
	to    *openapi3.Schema
}

// compositionEdges are the steps that stay at the same place in the value: allOf, anyOf, oneOf and not.
func compositionEdges(s *openapi3.Schema) []edge {
	var out []edge
	for _, kw := range []struct {
		name string
		refs openapi3.SchemaRefs
	}{{"allOf", s.AllOf}, {"anyOf", s.AnyOf}, {"oneOf", s.OneOf}} {
		for _, r := range kw.refs {
			if r != nil && r.Value != nil {
				out = append(out, edge{kw.name, r.Value})
			}
		}
	}
	if s.Not != nil && s.Not.Value != nil {
		out = append(out, edge{"not", s.Not.Value})
	}
	return out
}

// forcedEdges are the steps every value must take: allOf members, required properties whose schema does not
// allow null, and the items of an array with minItems >= 1.
func forcedEdges(s *openapi3.Schema) []edge {
	var out []edge
	for _, r := range s.AllOf {
		if r != nil && r.Value != nil {
			out = append(out, edge{"allOf", r.Value})
		}
	}
	if allowsNull(s) {
		return out
	}
	for _, name := range s.Required {
		if r := s.Properties[name]; r != nil && r.Value != nil && !allowsNull(r.Value) {
			out = append(out, edge{"required " + name, r.Value})
		}
	}
	if s.MinItems > 0 && s.Items != nil && s.Items.Value != nil && !allowsNull(s.Items.Value) {
		out = append(out, edge{fmt.Sprintf("minItems %d", s.MinItems), s.Items.Value})
	}
	return out
}

// allowsNull reports whether null is a valid value in OpenAPI 3.0 or 3.1 terms.
func allowsNull(s *openapi3.Schema) bool {
	if len(s.Enum) > 0 {
		return slices.Contains(s.Enum, nil)
	}
	return s.Nullable || s.Type.IncludesNull()
}

// cycle looks for a path of edges from s back to target and returns its labels, nil when there is none.
func cycle(target, s *openapi3.Schema, edges func(*openapi3.Schema) []edge, seen map[*openapi3.Schema]bool) []string {
	if seen[s] {
		return nil
	}
	seen[s] = true
	for _, e := range edges(s) {
		if e.to == target {
			return []string{e.label}
		}
		if rest := cycle(target, e.to, edges, seen); rest != nil {
			return append([]string{e.label}, rest...)
		}
	}
	return nil
}

// minValues estimates how many values the smallest value of s holds (itself included), saturating at +Inf.
// A schema already on the path counts 1 (its recursion is optional, or the forced check reported it).
func minValues(s *openapi3.Schema, memo map[*openapi3.Schema]float64, onPath map[*openapi3.Schema]bool) float64 {
	if s == nil {
		return 1
	}
	if n, ok := memo[s]; ok {
		return n
	}
	if onPath[s] || allowsNull(s) {
		return 1
	}
	onPath[s] = true
	defer delete(onPath, s)
	n := 1.0
	for _, r := range s.AllOf {
		if r != nil {
			n += minValues(r.Value, memo, onPath) - 1
		}
	}
	if branches := append(slices.Clone(s.OneOf), s.AnyOf...); len(branches) > 0 {
		least := math.Inf(1)
		for _, r := range branches {
			if r != nil {
				least = min(least, minValues(r.Value, memo, onPath))
			}
		}
		if !math.IsInf(least, 1) {
			n += least - 1
		}
	}
	for _, name := range s.Required {
		if r := s.Properties[name]; r != nil {
			n += minValues(r.Value, memo, onPath)
		} else {
			n++
		}
	}
	if extra := float64(s.MinProps) - float64(len(s.Required)); extra > 0 {
		per := 1.0
		if r := s.AdditionalProperties.Schema; r != nil {
			per = minValues(r.Value, memo, onPath)
		}
		n += extra * per
	}
	if s.MinItems > 0 {
		per := 1.0
		if s.Items != nil {
			per = minValues(s.Items.Value, memo, onPath)
		}
		n += float64(s.MinItems) * per
	}
	if n > 1e18 {
		n = math.Inf(1)
	}
	memo[s] = n
	return n
}

func humanCount(n float64) string {
	if math.IsInf(n, 1) || n >= 1e15 {
		return "more than 10^15"
	}
	return fmt.Sprintf("%.0f", n)
}
