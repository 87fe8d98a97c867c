package fake_test

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/require"

	"github.com/standin/standin/fake"
)

// js2020 is the validation openapi3filter applies to bodies of an OpenAPI 3.1 document.
func js2020(extra ...openapi3.SchemaValidationOption) []openapi3.SchemaValidationOption {
	return strict(append([]openapi3.SchemaValidationOption{openapi3.EnableJSONSchema2020()}, extra...)...)
}

// loadSchemas31 loads component schemas (indented by 4 spaces) through a minimal
// OpenAPI 3.1 document and validates the document.
func loadSchemas31(t testing.TB, schemas string) openapi3.Schemas {
	t.Helper()
	doc := "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n" + schemas
	l := openapi3.NewLoader()
	d, err := l.LoadFromData([]byte(doc))
	require.NoError(t, err)
	require.True(t, d.IsOpenAPI31OrLater())
	require.NoError(t, d.Validate(context.Background()))
	return d.Components.Schemas
}

const sharedSchemas31 = `    StringType: {type: string}
    IntegerType: {type: integer}
    NonNegative: {type: number, minimum: 0}
    Tuple:
      type: array
      prefixItems: [{type: string}, {type: integer}]
`

func obj(t *testing.T, v any) map[string]any {
	t.Helper()
	m, ok := v.(map[string]any)
	require.True(t, ok, "want an object, got %#v", v)
	return m
}

func arr(t *testing.T, v any) []any {
	t.Helper()
	a, ok := v.([]any)
	require.True(t, ok, "want an array, got %#v", v)
	return a
}

func isInt(v any) bool {
	f, ok := v.(float64)
	return ok && f == math.Trunc(f)
}

// keywordCases31 cover the OpenAPI 3.1 (JSON Schema 2020-12) keywords. Each is the body
// of schema S in a 3.1 document; each checks one value, all checks the 200 values.
var keywordCases31 = []struct {
	name, schema string
	each         func(t *testing.T, v any)
	all          func(t *testing.T, vs []any)
}{
	{name: "type list with null", schema: `{type: [string, "null"], minLength: 2}`,
		each: func(t *testing.T, v any) { require.IsType(t, "", v) }},
	{name: "type list of two", schema: `{type: [integer, string], minimum: 3, maxLength: 4}`,
		all: func(t *testing.T, vs []any) {
			require.True(t, slices.ContainsFunc(vs, isInt), "no integer")
			require.True(t, slices.ContainsFunc(vs, func(v any) bool { _, ok := v.(string); return ok }), "no string")
		}},
	{name: "type null only", schema: `{type: ["null"]}`, each: func(t *testing.T, v any) { require.Nil(t, v) }},
	{name: "nullable property means nothing", schema: `{type: object, required: [a], properties: {a: {type: [object, "null"], properties: {b: {type: string}}}}}`},
	{name: "const string", schema: `{const: fixed}`, each: func(t *testing.T, v any) { require.Equal(t, "fixed", v) }},
	{name: "const integer", schema: `{type: integer, const: 42}`, each: func(t *testing.T, v any) { require.Equal(t, 42.0, v) }},
	{name: "const object", schema: `{const: {a: [1, x]}}`, each: func(t *testing.T, v any) {
		require.Equal(t, map[string]any{"a": []any{1.0, "x"}}, v)
	}},
	{name: "const property", schema: `{type: object, required: [kind], properties: {kind: {const: card}, n: {type: integer}}}`,
		each: func(t *testing.T, v any) { require.Equal(t, "card", obj(t, v)["kind"]) }},
	{name: "prefixItems", schema: `{type: array, prefixItems: [{type: string}, {type: integer}]}`,
		each: func(t *testing.T, v any) {
			a := arr(t, v)
			require.Len(t, a[:min(len(a), 2)], 2)
			require.IsType(t, "", a[0])
			require.True(t, isInt(a[1]), "item 1 %#v", a[1])
		}},
	{name: "prefixItems and items", schema: `{type: array, minItems: 4, prefixItems: [{type: string, format: uuid}, {type: boolean}], items: {type: integer, minimum: 0}}`,
		each: func(t *testing.T, v any) {
			a := arr(t, v)
			require.IsType(t, true, a[1])
			for _, x := range a[2:] {
				require.True(t, isInt(x))
			}
		}},
	{name: "prefixItems items false", schema: `{type: array, prefixItems: [{type: string}, {type: integer}], items: false}`,
		each: func(t *testing.T, v any) { require.LessOrEqual(t, len(arr(t, v)), 2) }},
	{name: "prefixItems max items", schema: `{type: array, maxItems: 1, prefixItems: [{type: string}, {type: integer}]}`},
	{name: "prefixItems unique", schema: `{type: array, uniqueItems: true, minItems: 4, prefixItems: [{type: boolean}], items: {type: integer, minimum: 1, maximum: 5}}`},
	{name: "prefixItems ref", schema: `{$ref: '#/components/schemas/Tuple'}`},
	{name: "examples", schema: `{type: string, examples: [alpha, beta]}`,
		all: func(t *testing.T, vs []any) {
			require.True(t, slices.Contains(vs, "alpha") || slices.Contains(vs, "beta"), "examples never used")
		}},
	{name: "exclusive number", schema: `{type: number, exclusiveMinimum: 0, exclusiveMaximum: 1}`,
		each: func(t *testing.T, v any) { require.True(t, v.(float64) > 0 && v.(float64) < 1, "%v", v) }},
	{name: "exclusive integer", schema: `{type: integer, exclusiveMinimum: 5, exclusiveMaximum: 7}`,
		each: func(t *testing.T, v any) { require.Equal(t, 6.0, v) }},
	{name: "exclusive with minimum", schema: `{type: number, minimum: 0, exclusiveMaximum: 0.5}`,
		each: func(t *testing.T, v any) { require.Less(t, v.(float64), 0.5) }},
	{name: "contains", schema: `{type: array, contains: {type: integer}}`,
		each: func(t *testing.T, v any) { require.True(t, slices.ContainsFunc(arr(t, v), isInt)) }},
	{name: "minContains", schema: `{type: array, items: {type: integer, minimum: 0, maximum: 100}, contains: {minimum: 50}, minContains: 2}`,
		each: func(t *testing.T, v any) {
			n := 0
			for _, x := range arr(t, v) {
				if x.(float64) >= 50 {
					n++
				}
			}
			require.GreaterOrEqual(t, n, 2)
		}},
	{name: "maxContains", schema: `{type: array, minItems: 4, items: {type: integer, minimum: 0, maximum: 9}, contains: {const: 7}, maxContains: 1}`,
		each: func(t *testing.T, v any) {
			n := 0
			for _, x := range arr(t, v) {
				if x == 7.0 {
					n++
				}
			}
			require.Equal(t, 1, n)
		}},
	{name: "minContains zero", schema: `{type: array, maxItems: 2, contains: {type: string}, minContains: 0}`},
	{name: "patternProperties", schema: `{type: object, patternProperties: {'^x-': {type: string}, '^n_[a-z]+$': {type: integer}}, additionalProperties: false}`,
		each: func(t *testing.T, v any) {
			m := obj(t, v)
			require.NotEmpty(t, m)
			for k, x := range m {
				switch {
				case strings.HasPrefix(k, "x-"):
					require.IsType(t, "", x)
				case strings.HasPrefix(k, "n_"):
					require.True(t, isInt(x))
				default:
					t.Fatalf("unexpected property %q", k)
				}
			}
		}},
	{name: "patternProperties over properties", schema: `{type: object, required: [x-id], properties: {x-id: {type: string}}, patternProperties: {'^x-': {type: string, maxLength: 5}}}`},
	{name: "patternProperties ref", schema: `{type: object, patternProperties: {'^x-': {$ref: '#/components/schemas/StringType'}}}`},
	{name: "dependentRequired", schema: `{type: object, properties: {name: {type: string}, creditCard: {type: string}, billingAddress: {type: string}}, dependentRequired: {creditCard: [billingAddress]}}`,
		each: func(t *testing.T, v any) {
			m := obj(t, v)
			if _, ok := m["creditCard"]; ok {
				require.Contains(t, m, "billingAddress")
			}
		}},
	{name: "dependentRequired undeclared", schema: `{type: object, required: [a], properties: {a: {type: string}}, dependentRequired: {a: [b, c]}}`,
		each: func(t *testing.T, v any) {
			require.Subset(t, slices.Collect(maps.Keys(obj(t, v))), []string{"a", "b", "c"})
		}},
	{name: "dependentRequired max properties", schema: `{type: object, maxProperties: 2, properties: {a: {type: string}, b: {type: string}, c: {type: string}}, dependentRequired: {a: [c]}}`},
	{name: "dependentSchemas", schema: `{type: object, properties: {card: {type: string}, cvv: {type: string, pattern: '^[0-9]{3}$'}}, dependentSchemas: {card: {required: [cvv]}}}`},
	{name: "dependentSchemas required", schema: `{type: object, required: [card], properties: {card: {type: string}}, dependentSchemas: {card: {required: [cvv], properties: {cvv: {type: integer}}}}}`,
		each: func(t *testing.T, v any) { require.True(t, isInt(obj(t, v)["cvv"])) }},
	{name: "propertyNames", schema: `{type: object, propertyNames: {pattern: '^[a-z]+$', maxLength: 5}, additionalProperties: {type: integer}}`,
		each: func(t *testing.T, v any) {
			m := obj(t, v)
			require.NotEmpty(t, m)
			for k := range m {
				require.Regexp(t, `^[a-z]{1,5}$`, k)
			}
		}},
	{name: "propertyNames ref", schema: `{type: object, minProperties: 2, propertyNames: {$ref: '#/components/schemas/StringType', maxLength: 3}}`,
		each: func(t *testing.T, v any) {
			for k := range obj(t, v) {
				require.LessOrEqual(t, len([]rune(k)), 3)
			}
		}},
	{name: "propertyNames rule out a property", schema: `{type: object, properties: {Bad: {type: string}, good: {type: string}}, propertyNames: {pattern: '^[a-z]+$'}}`,
		each: func(t *testing.T, v any) { require.NotContains(t, obj(t, v), "Bad") }},
	{name: "if then else", schema: `{if: {type: string}, then: {minLength: 3}, else: {type: number}}`,
		each: func(t *testing.T, v any) {
			if s, ok := v.(string); ok {
				require.GreaterOrEqual(t, len([]rune(s)), 3)
			}
		},
		all: func(t *testing.T, vs []any) {
			require.True(t, slices.ContainsFunc(vs, func(v any) bool { _, ok := v.(string); return ok }), "then never taken")
			require.True(t, slices.ContainsFunc(vs, func(v any) bool { _, ok := v.(float64); return ok }), "else never taken")
		}},
	{name: "if then else object", schema: `{type: object, maxProperties: 2, required: [kind], properties: {kind: {enum: [card, bank]}, number: {type: string}, iban: {type: string}}, if: {properties: {kind: {const: card}}}, then: {required: [number]}, else: {required: [iban]}}`,
		each: func(t *testing.T, v any) {
			m := obj(t, v)
			if m["kind"] == "card" {
				require.Contains(t, m, "number")
			} else {
				require.Contains(t, m, "iban")
			}
		},
		all: func(t *testing.T, vs []any) {
			kinds := map[any]bool{}
			for _, v := range vs {
				kinds[v.(map[string]any)["kind"]] = true
			}
			require.Len(t, kinds, 2)
		}},
	{name: "if then", schema: `{type: integer, minimum: 0, maximum: 100, if: {minimum: 50}, then: {multipleOf: 10}}`,
		each: func(t *testing.T, v any) {
			if f := v.(float64); f >= 50 {
				require.Zero(t, math.Mod(f, 10))
			}
		}},
	{name: "if else refs", schema: `{if: {$ref: '#/components/schemas/StringType'}, then: {$ref: '#/components/schemas/StringType'}, else: {$ref: '#/components/schemas/NonNegative'}}`},
	{name: "ref sibling length", schema: `{$ref: '#/components/schemas/StringType', minLength: 2, maxLength: 4}`,
		each: func(t *testing.T, v any) { require.LessOrEqual(t, len([]rune(v.(string))), 4) }},
	{name: "ref sibling bound", schema: `{$ref: '#/components/schemas/NonNegative', exclusiveMaximum: 10}`,
		each: func(t *testing.T, v any) { require.Less(t, v.(float64), 10.0) }},
	{name: "ref sibling const", schema: `{$ref: '#/components/schemas/StringType', const: ok}`,
		each: func(t *testing.T, v any) { require.Equal(t, "ok", v) }},
	{name: "ref sibling items false", schema: `{$ref: '#/components/schemas/Tuple', items: false, description: a pair}`,
		each: func(t *testing.T, v any) { require.LessOrEqual(t, len(arr(t, v)), 2) }},
	{name: "boolean schemas", schema: `{type: object, properties: {a: true, gone: false}}`,
		each: func(t *testing.T, v any) { require.NotContains(t, obj(t, v), "gone") }},
	{name: "unevaluatedProperties false", schema: `{type: object, minProperties: 1, properties: {a: {type: string}}, unevaluatedProperties: false}`},
	{name: "unevaluatedProperties schema", schema: `{type: object, unevaluatedProperties: {type: integer}}`,
		each: func(t *testing.T, v any) {
			for _, x := range obj(t, v) {
				require.True(t, isInt(x))
			}
		}},
	{name: "unevaluatedItems", schema: `{type: array, prefixItems: [{type: integer}], unevaluatedItems: {type: boolean}}`},
	{name: "contentSchema", schema: `{type: string, contentMediaType: application/json, contentSchema: {$ref: '#/components/schemas/NonNegative'}}`,
		each: func(t *testing.T, v any) {
			var x float64
			require.NoError(t, json.Unmarshal([]byte(v.(string)), &x))
			require.GreaterOrEqual(t, x, 0.0)
		}},
	{name: "oneOf open branches with const", schema: `{oneOf: [{type: object, properties: {kind: {const: a}}}, {type: object, properties: {y: {type: [string, "null"]}}}]}`},
	{name: "oneOf const", schema: `{oneOf: [{type: object, required: [kind], properties: {kind: {const: a}, x: {type: integer}}}, {type: object, required: [kind], properties: {kind: {const: b}, y: {type: string}}}]}`},
	{name: "allOf prefixItems", schema: `{allOf: [{type: array, prefixItems: [{type: string}]}, {prefixItems: [{maxLength: 3}], items: {type: integer}}]}`,
		each: func(t *testing.T, v any) {
			a := arr(t, v)
			require.LessOrEqual(t, len([]rune(a[0].(string))), 3)
		}},
	{name: "allOf two conditionals", schema: `{type: integer, minimum: 0, maximum: 99, allOf: [{if: {minimum: 50}, then: {multipleOf: 5}}, {if: {maximum: 20}, then: {multipleOf: 2}}]}`},
}

func TestValueValidates31(t *testing.T) {
	for _, prob := range []float64{0, 0.5} {
		g := fake.New(fake.Options{Now: clock, OptionalProbability: prob})
		for _, tt := range keywordCases31 {
			t.Run(fmt.Sprintf("%v/%s", prob, tt.name), func(t *testing.T) {
				s := loadSchemas31(t, sharedSchemas31+"    S:\n"+indent(tt.schema))["S"]
				before, err := json.Marshal(s)
				require.NoError(t, err)
				var vs []any
				for i := range 200 {
					key := fmt.Sprintf("test31/%s/%d", tt.name, i)
					v, err := g.Generate(s, key, fake.Hint{OpenAPI31: true})
					require.NoError(t, err, key)
					requireValid(t, s, v, openapi3.EnableJSONSchema2020())
					if tt.each != nil {
						tt.each(t, v)
					}
					vs = append(vs, v)
				}
				if tt.all != nil {
					tt.all(t, vs)
				}
				after, err := json.Marshal(s)
				require.NoError(t, err)
				require.JSONEq(t, string(before), string(after), "the schema must not be modified")
			})
		}
	}
}

// TestNullable31 checks that nullable, which means nothing in OpenAPI 3.1, never lets a
// minimal value (here past MaxDepth) be null, while in 3.0 it does.
func TestNullable31(t *testing.T) {
	const schema = "    S: {type: object, required: [a], properties: {a: {type: object, nullable: true}}}\n"
	g := fake.New(fake.Options{Now: clock, MaxDepth: 1})
	s30 := loadSchemas(t, schema)["S"]
	v, err := g.Generate(s30, "k", fake.Hint{})
	require.NoError(t, err)
	require.Nil(t, obj(t, v)["a"])

	l := openapi3.NewLoader()
	d, err := l.LoadFromData([]byte("openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n" + schema))
	require.NoError(t, err)
	s31 := d.Components.Schemas["S"]
	v, err = g.Generate(s31, "k", fake.Hint{OpenAPI31: true})
	require.NoError(t, err)
	require.Equal(t, map[string]any{}, obj(t, v)["a"])
	require.NoError(t, s31.Value.VisitJSON(v, js2020()...))
}

// TestRequiredReadOnly31 checks that a required readOnly property is sent in a 3.1
// request: the JSON Schema 2020-12 validator ignores readOnly and requires it.
func TestRequiredReadOnly31(t *testing.T) {
	s := loadSchemas31(t, "    S: {type: object, required: [id], properties: {id: {type: string, readOnly: true}, note: {type: string, readOnly: true}}}\n")["S"]
	g := fake.New(fake.Options{Now: clock})
	v, err := g.Generate(s, "k", fake.Hint{Direction: fake.Request, OpenAPI31: true})
	require.NoError(t, err)
	require.Equal(t, []string{"id"}, slices.Sorted(maps.Keys(obj(t, v))))
	require.NoError(t, s.Value.VisitJSON(v, js2020(openapi3.VisitAsRequest())...))
}

// TestDetect31 checks that a schema using a 2020-12-only keyword is validated as such
// without the hint, and that the hint is needed for nothing else.
func TestDetect31(t *testing.T) {
	s := loadSchemas31(t, sharedSchemas31)["Tuple"]
	g := fake.New(fake.Options{Now: clock})
	for i := range 50 {
		v, err := g.Generate(s, fmt.Sprint(i), fake.Hint{})
		require.NoError(t, err)
		require.NoError(t, s.Value.VisitJSON(v, js2020()...))
	}
}

func TestDeterminism31(t *testing.T) {
	schemas := loadSchemas31(t, sharedSchemas31+"    S:\n"+indent(keywordCases31[len(keywordCases31)-3].schema))
	a := fake.New(fake.Options{Seed: 7, Now: clock})
	b := fake.New(fake.Options{Seed: 7, Now: clock})
	for _, name := range []string{"S", "Tuple"} {
		seen := map[string]bool{}
		for i := range 30 {
			key := fmt.Sprint("k", i)
			va, err := json.Marshal(a.Value(schemas[name], key))
			require.NoError(t, err)
			vb, err := json.Marshal(b.Value(schemas[name], key))
			require.NoError(t, err)
			require.Equal(t, string(va), string(vb))
			seen[string(va)] = true
		}
		require.Greater(t, len(seen), 10, name)
	}
}

// TestSpecs31 generates every schema of the 3.1 test documents 50 times: the request and
// response bodies of their operations, and every component schema. Schemas that no value
// can meet must be reported as such.
func TestSpecs31(t *testing.T) {
	unsatisfiable := map[string]bool{
		// An object is never a string, so "else" applies, and it asks for a number.
		"ObjectWithIfThenElse": true,
	}
	g := fake.New(fake.Options{Now: clock})
	for _, file := range []string{"testdata/schema31refs.yml", "testdata/schema31_conditional.yml"} {
		t.Run(file, func(t *testing.T) {
			l := openapi3.NewLoader()
			doc, err := l.LoadFromFile(file)
			require.NoError(t, err)
			require.NoError(t, doc.Validate(context.Background()))
			require.True(t, doc.IsOpenAPI31OrLater())
			n := 0
			check := func(what string, s *openapi3.SchemaRef, h fake.Hint, opts ...openapi3.SchemaValidationOption) {
				n++
				for i := range 50 {
					key := fmt.Sprintf("%s/%d", what, i)
					v, err := g.Generate(s, key, h)
					if unsatisfiable[what] {
						require.ErrorIs(t, err, fake.ErrUnsatisfiable, key)
						require.Error(t, s.Value.VisitJSON(roundTrip(t, v), js2020(opts...)...))
						continue
					}
					require.NoError(t, err, key)
					b, _ := json.Marshal(v)
					require.NoError(t, s.Value.VisitJSON(roundTrip(t, v), js2020(opts...)...), "%s: %s", key, b)
				}
			}
			for path, item := range doc.Paths.Map() {
				for method, op := range item.Operations() {
					if rb := op.RequestBody; rb != nil && rb.Value != nil {
						for ct, mt := range rb.Value.Content {
							check(method+" "+path+" body "+ct, mt.Schema, fake.Hint{Direction: fake.Request, OpenAPI31: true}, openapi3.VisitAsRequest())
						}
					}
					for status, resp := range op.Responses.Map() {
						for ct, mt := range resp.Value.Content {
							check(method+" "+path+" "+status+" "+ct, mt.Schema, fake.Hint{Direction: fake.Response, OpenAPI31: true}, openapi3.VisitAsResponse())
						}
					}
				}
			}
			for _, name := range slices.Sorted(maps.Keys(doc.Components.Schemas)) {
				check(name, doc.Components.Schemas[name], fake.Hint{OpenAPI31: true})
			}
			t.Logf("%d schemas, each generated 50 times", n)
		})
	}
}

// TestTupleResponse is the reported failure: the second item of TupleArray must be an integer.
func TestTupleResponse(t *testing.T) {
	l := openapi3.NewLoader()
	doc, err := l.LoadFromFile("testdata/schema31refs.yml")
	require.NoError(t, err)
	s := doc.Paths.Value("/test").Get.Responses.Status(200).Value.Content.Get("application/json").Schema
	g := fake.New(fake.Options{Now: clock})
	intRE := regexp.MustCompile(`^-?[0-9]+$`)
	for i := range 50 {
		v, err := g.Generate(s, fmt.Sprint("tuple/", i), fake.Hint{Direction: fake.Response})
		require.NoError(t, err)
		a := arr(t, v)
		require.GreaterOrEqual(t, len(a), 2)
		require.IsType(t, "", a[0])
		require.Regexp(t, intRE, fmt.Sprint(a[1]))
	}
}
