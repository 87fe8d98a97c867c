package fake_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/require"

	"github.com/standin/standin/fake"
)

// now is the fixed clock of the tests.
var now = time.Date(2026, 11, 21, 5, 30, 0, 0, time.UTC)

func clock() time.Time { return now }

// strict validates formats kin-openapi leaves alone by default (uuid, email, ipv4, ipv6),
// per call, without touching kin-openapi's global format registry.
func strict(extra ...openapi3.SchemaValidationOption) []openapi3.SchemaValidationOption {
	return append([]openapi3.SchemaValidationOption{
		openapi3.WithStringFormatValidators(map[string]openapi3.StringFormatValidator{
			"uuid":  openapi3.NewRegexpFormatValidator(openapi3.FormatOfStringForUUIDOfRFC4122),
			"email": openapi3.NewRegexpFormatValidator(openapi3.FormatOfStringForEmail),
			"ipv4":  openapi3.NewIPValidator(true),
			"ipv6":  openapi3.NewIPValidator(false),
		}),
	}, extra...)
}

// roundTrip marshals v to JSON and decodes it back, as a client would see it.
func roundTrip(t testing.TB, v any) any {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	var out any
	require.NoError(t, json.Unmarshal(b, &out))
	return out
}

// requireValid checks v against s after a JSON round trip, and that the round trip is lossless.
func requireValid(t testing.TB, s *openapi3.SchemaRef, v any, opts ...openapi3.SchemaValidationOption) {
	t.Helper()
	rt := roundTrip(t, v)
	require.Equal(t, v, rt, "value must already be in encoding/json's decoded form")
	b, _ := json.Marshal(v)
	require.NoError(t, s.Value.VisitJSON(rt, strict(opts...)...), "value %s", b)
}

// loadSchemas loads a YAML map of component schemas (indented by 4 spaces) through a
// minimal OpenAPI document, so $ref resolves as in real specs.
func loadSchemas(t testing.TB, schemas string) openapi3.Schemas {
	t.Helper()
	doc := "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n" + schemas
	l := openapi3.NewLoader()
	d, err := l.LoadFromData([]byte(doc))
	require.NoError(t, err)
	require.NoError(t, d.Validate(context.Background()))
	return d.Components.Schemas
}

func indent(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	for i, l := range lines {
		lines[i] = "      " + l
	}
	return strings.Join(lines, "\n") + "\n"
}

// keywordCases cover every keyword the generator honours. Each is the body of schema S;
// "Node" and "Pet*" are available for $ref.
var keywordCases = []struct{ name, schema string }{
	{"empty schema", `{}`},
	{"string", `type: string`},
	{"string length", `{type: string, minLength: 5, maxLength: 8}`},
	{"string max 1", `{type: string, maxLength: 1}`},
	{"string min 300", `{type: string, minLength: 300}`},
	{"string exact length", `{type: string, minLength: 12, maxLength: 12}`},
	{"uuid", `{type: string, format: uuid}`},
	{"date-time", `{type: string, format: date-time}`},
	{"date", `{type: string, format: date}`},
	{"email", `{type: string, format: email}`},
	{"email short", `{type: string, format: email, maxLength: 40}`},
	{"uri", `{type: string, format: uri}`},
	{"url", `{type: string, format: url}`},
	{"ipv4", `{type: string, format: ipv4}`},
	{"ipv6", `{type: string, format: ipv6}`},
	{"hostname", `{type: string, format: hostname}`},
	{"byte", `{type: string, format: byte}`},
	{"unknown format", `{type: string, format: sms-sender}`},
	{"pattern", `{type: string, pattern: '^[A-Z]{3}-\d{4}$'}`},
	{"pattern unanchored", `{type: string, pattern: 'ab+c'}`},
	{"pattern with length", `{type: string, pattern: '^[a-z]+$', minLength: 3, maxLength: 6}`},
	{"pattern longer than gofakeit makes", `{type: string, pattern: '^[A-Za-z0-9]+$', minLength: 32, maxLength: 40}`},
	{"pattern alternation with length", `{type: string, pattern: '^(cat|horse|[0-9]{2,}|x*)$', minLength: 5}`},
	{"pattern negated class", `{type: string, pattern: '^[^@\s]{20,}$'}`},
	{"pattern optional groups", `{type: string, pattern: '^(\+\d{1,3})?[- ]?\d{6,}(ext\d+)?$', maxLength: 12}`},
	{"carecycle uuid pattern", `{type: string, format: uuid, pattern: '^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-8][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}|00000000-0000-0000-0000-000000000000|ffffffff-ffff-ffff-ffff-ffffffffffff)$'}`},
	{"carecycle date filter pattern", `{type: string, pattern: '^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}(\.\d+)?)?Z?$'}`},
	{"ecma codepoint pattern", `{type: string, pattern: '^[\u0041-\u005A]{2}$'}`},
	{"enum", `{type: string, enum: [pending, awaiting_call, in_progress, completed]}`},
	{"enum nullable", `{type: string, nullable: true, enum: [open, closed, null]}`},
	{"enum only null", `{type: string, nullable: true, enum: [null]}`},
	{"enum integers", `{type: integer, enum: [1, 2, 3]}`},
	{"enum objects", `{type: object, enum: [{a: 1}, {a: 2}]}`},
	{"integer", `type: integer`},
	{"integer range", `{type: integer, minimum: 0, maximum: 23}`},
	{"integer exclusive", `{type: integer, minimum: 1, maximum: 3, exclusiveMinimum: true, exclusiveMaximum: true}`},
	{"integer safe range", `{type: integer, minimum: -9007199254740991, maximum: 9007199254740991}`},
	{"integer int32", `{type: integer, format: int32}`},
	{"integer int64 min", `{type: integer, format: int64, minimum: 1000000000000}`},
	{"integer int64 near max", `{type: integer, format: int64, minimum: 9223372036854775000}`},
	{"integer int32 near min", `{type: integer, format: int32, maximum: -2147483640}`},
	{"integer negative max", `{type: integer, maximum: -5}`},
	{"integer multipleOf", `{type: integer, minimum: 7, maximum: 100, multipleOf: 5}`},
	{"integer multipleOf huge range", `{type: integer, minimum: -9007199254740991, maximum: 9007199254740991, multipleOf: 15}`},
	{"number", `type: number`},
	{"number float", `{type: number, format: float, minimum: 0.5, maximum: 0.75}`},
	{"number exclusive unit", `{type: number, minimum: 0, maximum: 1, exclusiveMinimum: true, exclusiveMaximum: true}`},
	{"number multipleOf", `{type: number, minimum: 0, maximum: 10, multipleOf: 0.25}`},
	{"number tiny range", `{type: number, minimum: 1.001, maximum: 1.002}`},
	{"boolean", `type: boolean`},
	{"nullable string", `{type: string, nullable: true}`},
	{"nullable object", `{type: object, nullable: true, properties: {a: {type: string}}}`},
	{"object required", `{type: object, required: [id, name], properties: {id: {type: integer}, name: {type: string}, note: {type: string}}}`},
	{"object required undeclared", `{type: object, required: [extra], properties: {a: {type: string}}}`},
	{"object closed", `{type: object, additionalProperties: false, properties: {a: {type: string}, b: {type: boolean}}}`},
	{"object map", `{type: object, additionalProperties: {type: integer, minimum: 0, maximum: 9}}`},
	{"object min properties", `{type: object, minProperties: 3, properties: {a: {type: string}}}`},
	{"object max properties", `{type: object, maxProperties: 1, properties: {a: {type: string}, b: {type: string}, c: {type: string}}}`},
	{"array", `{type: array, items: {type: string}}`},
	{"array any items", `{type: array, items: {}}`},
	{"array bounds", `{type: array, minItems: 2, maxItems: 5, items: {type: integer}}`},
	{"array empty only", `{type: array, maxItems: 0, items: {type: integer}}`},
	{"array many", `{type: array, minItems: 12, items: {type: string, format: uuid}}`},
	{"array unique enum", `{type: array, uniqueItems: true, minItems: 3, items: {type: string, enum: [a, b, c]}}`},
	{"array unique booleans", `{type: array, uniqueItems: true, minItems: 2, items: {type: boolean}}`},
	{"array unique ints", `{type: array, uniqueItems: true, minItems: 8, items: {type: integer, minimum: 0, maximum: 9}}`},
	{"array exact items", `{type: array, minItems: 4, maxItems: 4, items: {type: string, example: same}}`},
	{"array unique items with example", `{type: array, minItems: 3, uniqueItems: true, items: {type: string, example: x}}`},
	{"array named tags bounds", `{type: object, required: [tags], properties: {tags: {type: array, minItems: 5, maxItems: 6, uniqueItems: true, items: {type: string}}}}`},
	{"array of objects", `{type: array, minItems: 1, items: {type: object, required: [startHour], properties: {startHour: {type: integer, minimum: 0, maximum: 23}, dayOfWeek: {type: array, minItems: 1, items: {type: integer, minimum: 0, maximum: 6}}}}}`},
	{"oneOf objects", `{oneOf: [{type: object, required: [kind], properties: {kind: {type: string, enum: [appointment_status]}, statuses: {type: array, items: {type: string}}}}, {type: object, required: [kind], properties: {kind: {type: string, enum: [no_answer]}, attempts: {type: integer}}}]}`},
	{"oneOf overlapping objects", `{oneOf: [{type: object, properties: {a: {type: string}}}, {type: object, required: [b], properties: {b: {type: integer}}, additionalProperties: false}]}`},
	// Found by round trips on APIs.guru documents (nexmo verify.json): open branches accept each other's
	// objects unless the value tells them apart (a status outside the other's enum, an optional property the
	// other requires left out, a property the other declares given another type).
	{"oneOf open branches sharing a property", `{oneOf: [{type: object, properties: {command: {type: string, enum: [cancel, trigger_next_event], example: cancel}, status: {type: string, example: "0"}}}, {type: object, properties: {error_text: {type: string, example: Throttled}, status: {type: string, enum: ["0", "1", "2", "19"], example: "1"}}}]}`},
	{"oneOf open branch and required branch", `{oneOf: [{type: object, properties: {a: {type: string}, b: {type: string}}}, {type: object, required: [b], properties: {b: {type: string}}}]}`},
	{"oneOf three open branches", `{oneOf: [{type: object, properties: {name: {type: string}, type: {type: string}}}, {type: object, properties: {name: {type: string}, remove: {type: integer}}}, {type: object, properties: {type: {type: boolean}}}]}`},
	{"oneOf scalars", `{oneOf: [{type: string, format: uuid}, {type: integer}]}`},
	{"oneOf exclusive strings", `{oneOf: [{type: string, maxLength: 5}, {type: string, minLength: 3}]}`},
	{"oneOf nullable", `{nullable: true, oneOf: [{type: string}, {type: integer}]}`},
	{"oneOf discriminator", `{oneOf: [{$ref: '#/components/schemas/PetCat'}, {$ref: '#/components/schemas/PetDog'}], discriminator: {propertyName: petType}}`},
	{"oneOf discriminator mapping", `{oneOf: [{$ref: '#/components/schemas/PetCat'}, {$ref: '#/components/schemas/PetDog'}], discriminator: {propertyName: petType, mapping: {cat: '#/components/schemas/PetCat', dog: '#/components/schemas/PetDog'}}}`},
	{"anyOf", `{anyOf: [{type: string, format: date}, {type: integer, minimum: 0}]}`},
	{"allOf", `{allOf: [{type: object, required: [id], properties: {id: {type: string, format: uuid}}}, {type: object, required: [createdAt], properties: {createdAt: {type: string, format: date-time}, id: {type: string, pattern: '^[0-9a-f-]+$'}}}]}`},
	{"allOf numbers", `{allOf: [{type: number, minimum: 10}, {type: integer, maximum: 20}, {multipleOf: 3}]}`},
	{"allOf with oneOf", `{allOf: [{type: object, required: [id], properties: {id: {type: integer}}}, {oneOf: [{type: object, required: [x], properties: {x: {type: string}}}, {type: object, required: [y], properties: {y: {type: boolean}}, additionalProperties: false}]}]}`},
	{"not", `{type: string, enum: [a, b, c], not: {enum: [a, b]}}`},
	{"not type", `{not: {type: string}}`},
	{"ref", `{$ref: '#/components/schemas/PetCat'}`},
	{"recursive", `{$ref: '#/components/schemas/Node'}`},
	// Names that propose strings (id, uuid, email, url, createdAt) must not override a declared number,
	// integer or boolean type.
	{"names on other types", `{type: object, required: [id, uuid, guid, userId, key, email, createdAt, url, status, code], properties: {id: {type: integer}, uuid: {type: integer}, guid: {type: number}, userId: {type: integer, format: int64}, key: {type: boolean}, email: {type: integer}, createdAt: {type: integer}, url: {type: number}, status: {type: integer, enum: [0, 1]}, code: {type: integer, minimum: 100, maximum: 599}}}`},
	{"id without type", `{type: object, required: [id, order_id, external_id], properties: {id: {format: int64}, order_id: {minimum: 1}, external_id: {format: int32, maximum: 10}}}`},
	{"read and write only", `{type: object, required: [id, secret], properties: {id: {type: string, readOnly: true}, secret: {type: string, writeOnly: true}}}`},
	{"names", `{type: object, properties: {firstName: {type: string}, last_name: {type: string}, email: {type: string}, phoneNumber: {type: string}, createdAt: {type: string}, created_at: {type: integer}, profilePic: {type: string}, countryCode: {type: string, maxLength: 2}, language: {type: string}, ip: {type: string}, deepLink: {type: string}, message: {type: string, maxLength: 20}, tags: {type: array, uniqueItems: true, maxItems: 10, items: {type: string}}, colorName: {type: string}, name: {type: string, minLength: 1}, duration: {type: number}, startHour: {type: integer, minimum: 0, maximum: 23}}}`},
}

const sharedSchemas = `    Node:
      type: object
      required: [value]
      properties:
        value: {type: string}
        children: {type: array, items: {$ref: '#/components/schemas/Node'}}
        parent: {$ref: '#/components/schemas/Node'}
    PetCat:
      type: object
      required: [petType, lives]
      properties:
        petType: {type: string}
        lives: {type: integer, minimum: 1, maximum: 9}
    PetDog:
      type: object
      required: [petType, bark]
      properties:
        petType: {type: string}
        bark: {type: boolean}
`

func TestValueValidates(t *testing.T) {
	g := fake.New(fake.Options{Now: clock})
	for _, tt := range keywordCases {
		t.Run(tt.name, func(t *testing.T) {
			s := loadSchemas(t, sharedSchemas+"    S:\n"+indent(tt.schema))["S"]
			before, err := json.Marshal(s)
			require.NoError(t, err)
			for i := range 200 {
				key := fmt.Sprintf("test/%s/%d", tt.name, i)
				v, err := g.Generate(s, key, fake.Hint{})
				require.NoError(t, err, key)
				requireValid(t, s, v)
			}
			after, err := json.Marshal(s)
			require.NoError(t, err)
			require.JSONEq(t, string(before), string(after), "the schema must not be modified")
		})
	}
}

func TestValueValidatesWithFewOptionalProperties(t *testing.T) {
	for _, prob := range []float64{0.5, -1} {
		g := fake.New(fake.Options{Now: clock, OptionalProbability: prob})
		for _, tt := range keywordCases {
			t.Run(fmt.Sprintf("%v/%s", prob, tt.name), func(t *testing.T) {
				s := loadSchemas(t, sharedSchemas+"    S:\n"+indent(tt.schema))["S"]
				for i := range 50 {
					v, err := g.Generate(s, fmt.Sprint(i), fake.Hint{})
					require.NoError(t, err)
					requireValid(t, s, v)
				}
			})
		}
	}
}

func TestOptionalProbability(t *testing.T) {
	s := loadSchemas(t, "    S: {type: object, required: [id], properties: {id: {type: integer}, a: {type: string}, b: {type: string}}}\n")["S"]
	tests := []struct {
		name string
		prob float64
		want func(t *testing.T, sizes []int)
	}{
		{"default includes all", 0, func(t *testing.T, sizes []int) {
			require.Equal(t, slices.Repeat([]int{3}, len(sizes)), sizes)
		}},
		{"negative includes none", -1, func(t *testing.T, sizes []int) {
			require.Equal(t, slices.Repeat([]int{1}, len(sizes)), sizes)
		}},
		{"half includes some", 0.5, func(t *testing.T, sizes []int) {
			require.Contains(t, sizes, 1)
			require.Contains(t, sizes, 3)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := fake.New(fake.Options{OptionalProbability: tt.prob, Now: clock})
			var sizes []int
			for i := range 100 {
				sizes = append(sizes, len(g.Value(s, fmt.Sprint(i)).(map[string]any)))
			}
			tt.want(t, sizes)
		})
	}
}

func TestDirection(t *testing.T) {
	s := loadSchemas(t, "    S: {type: object, required: [id, secret], properties: {id: {type: string, readOnly: true}, secret: {type: string, writeOnly: true}, name: {type: string}}}\n")["S"]
	g := fake.New(fake.Options{Now: clock})
	tests := []struct {
		dir  fake.Direction
		opt  []openapi3.SchemaValidationOption
		keys []string
	}{
		{fake.Both, nil, []string{"id", "name", "secret"}},
		{fake.Request, []openapi3.SchemaValidationOption{openapi3.VisitAsRequest()}, []string{"name", "secret"}},
		{fake.Response, []openapi3.SchemaValidationOption{openapi3.VisitAsResponse()}, []string{"id", "name"}},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.dir), func(t *testing.T) {
			v, err := g.Generate(s, "k", fake.Hint{Direction: tt.dir})
			require.NoError(t, err)
			obj := v.(map[string]any)
			var keys []string
			for k := range obj {
				keys = append(keys, k)
			}
			slices.Sort(keys)
			require.Equal(t, tt.keys, keys)
			requireValid(t, s, v, tt.opt...)
		})
	}
}

func TestDeterminism(t *testing.T) {
	schemas := loadSchemas(t, sharedSchemas+"    S:\n"+indent(keywordCases[len(keywordCases)-1].schema))
	s := schemas["S"]
	enc := func(v any) string {
		b, err := json.Marshal(v)
		require.NoError(t, err)
		return string(b)
	}
	a := fake.New(fake.Options{Seed: 7, Now: clock})
	b := fake.New(fake.Options{Seed: 7, Now: clock})
	other := fake.New(fake.Options{Seed: 8, Now: clock})
	zero := fake.New(fake.Options{Now: clock})
	def := fake.New(fake.Options{Seed: fake.DefaultSeed, Now: clock})

	t.Run("same seed and key give the same value", func(t *testing.T) {
		for i := range 50 {
			key := fmt.Sprint("k", i)
			require.Equal(t, enc(a.Value(s, key)), enc(b.Value(s, key)))
		}
	})
	t.Run("call order does not matter", func(t *testing.T) {
		first := enc(a.Value(s, "k1"))
		_ = a.Value(s, "k2")
		_ = a.Value(schemas["Node"], "k1")
		require.Equal(t, first, enc(a.Value(s, "k1")))
	})
	t.Run("different keys differ", func(t *testing.T) {
		seen := map[string]bool{}
		for i := range 50 {
			seen[enc(a.Value(s, fmt.Sprint("k", i)))] = true
		}
		require.Len(t, seen, 50)
	})
	t.Run("different seeds differ", func(t *testing.T) {
		for i := range 20 {
			key := fmt.Sprint("k", i)
			require.NotEqual(t, enc(a.Value(s, key)), enc(other.Value(s, key)))
		}
	})
	t.Run("seed 0 is the fixed default seed", func(t *testing.T) {
		require.Equal(t, enc(zero.Value(s, "k")), enc(def.Value(s, "k")))
	})
	t.Run("values stay the same all day", func(t *testing.T) {
		later := fake.New(fake.Options{Seed: 7, Now: func() time.Time { return now.Add(12 * time.Hour) }})
		require.Equal(t, enc(a.Value(s, "k")), enc(later.Value(s, "k")))
	})
}

func TestConcurrentUse(t *testing.T) {
	s := loadSchemas(t, sharedSchemas+"    S:\n"+indent(keywordCases[len(keywordCases)-1].schema))["S"]
	g := fake.New(fake.Options{Now: clock})
	want := make([]string, 40)
	for i := range want {
		b, _ := json.Marshal(g.Value(s, fmt.Sprint(i)))
		want[i] = string(b)
	}
	var wg sync.WaitGroup
	got := make([][]string, 8)
	for w := range got {
		wg.Go(func() {
			for i := range want {
				j := (i + 5*w) % len(want) // each goroutine walks the keys in its own order
				b, _ := json.Marshal(g.Value(s, fmt.Sprint(j)))
				got[w] = append(got[w], fmt.Sprint(j, " ", string(b)))
			}
		})
	}
	wg.Wait()
	for w := range got {
		for _, line := range got[w] {
			var j int
			var body string
			_, err := fmt.Sscanf(line, "%d %s", &j, &body)
			require.NoError(t, err)
			require.Equal(t, want[j], line[strings.Index(line, " ")+1:])
		}
	}
}

var (
	emailRE = regexp.MustCompile(`^[a-z0-9._%+\-]+@[a-z0-9.\-]+\.[a-z]{2,}$`)
	phoneRE = regexp.MustCompile(`^\+[0-9]{8,15}$`)
	uuidRE  = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
)

func TestRealisticByName(t *testing.T) {
	g := fake.New(fake.Options{Now: clock})
	recent := func(t *testing.T, ts time.Time) {
		require.False(t, ts.After(now), "%s is after now", ts)
		require.True(t, now.Sub(ts) <= 30*24*time.Hour, "%s is more than 30 days ago", ts)
	}
	tests := []struct {
		name   string
		schema string
		check  func(t *testing.T, v any)
	}{
		{"email", `{type: string}`, func(t *testing.T, v any) { require.Regexp(t, emailRE, v) }},
		{"contactEmail", `{type: string, maxLength: 80}`, func(t *testing.T, v any) { require.Regexp(t, emailRE, v) }},
		{"phone", `{type: string}`, func(t *testing.T, v any) { require.Regexp(t, phoneRE, v) }},
		{"phone_number", `{type: string}`, func(t *testing.T, v any) { require.Regexp(t, phoneRE, v) }},
		{"id", `{type: string, format: uuid}`, func(t *testing.T, v any) { require.Regexp(t, uuidRE, v) }},
		{"assignedTo", `{type: string, format: uuid, nullable: true}`, func(t *testing.T, v any) { require.Regexp(t, uuidRE, v) }},
		{"_id", `{type: string}`, func(t *testing.T, v any) { require.Regexp(t, `^[0-9a-f]{24}$`, v) }},
		{"contactId", `{type: integer}`, func(t *testing.T, v any) {
			require.True(t, v.(float64) >= 1 && v.(float64) <= 100000)
		}},
		{"createdAt", `{type: string, format: date-time}`, func(t *testing.T, v any) {
			ts, err := time.Parse(time.RFC3339, v.(string))
			require.NoError(t, err)
			recent(t, ts)
		}},
		{"updatedAt", `{type: string}`, func(t *testing.T, v any) {
			ts, err := time.Parse(time.RFC3339, v.(string))
			require.NoError(t, err)
			recent(t, ts)
		}},
		{"created_at", `{type: integer}`, func(t *testing.T, v any) { recent(t, time.Unix(int64(v.(float64)), 0)) }},
		{"minDate", `{type: string, maxLength: 10, nullable: true}`, func(t *testing.T, v any) {
			ts, err := time.Parse(time.DateOnly, v.(string))
			require.NoError(t, err)
			recent(t, ts)
		}},
		{"firstName", `{type: string}`, func(t *testing.T, v any) { require.Regexp(t, `^\p{Lu}`, v) }},
		{"countryCode", `{type: string}`, func(t *testing.T, v any) { require.Regexp(t, `^[A-Z]{2}$`, v) }},
		{"country", `{type: string, maxLength: 2}`, func(t *testing.T, v any) { require.Regexp(t, `^[A-Z]{2}$`, v) }},
		{"language", `{type: string}`, func(t *testing.T, v any) { require.Regexp(t, `^[a-z]{2}$`, v) }},
		{"ipAddress", `{type: string}`, func(t *testing.T, v any) { require.Regexp(t, `^\d+\.\d+\.\d+\.\d+$`, v) }},
		{"profilePic", `{type: string}`, func(t *testing.T, v any) { require.Regexp(t, `^https://`, v) }},
		{"deepLink", `{type: string}`, func(t *testing.T, v any) { require.Regexp(t, `^https://`, v) }},
		{"description", `{type: string}`, func(t *testing.T, v any) { require.Regexp(t, `^\p{Lu}.* .*[.!?]$`, v) }},
		{"notes", `{type: string, maxLength: 12}`, func(t *testing.T, v any) { require.LessOrEqual(t, len([]rune(v.(string))), 12) }},
		{"startHour", `{type: integer, minimum: -9007199254740991, maximum: 9007199254740991}`, func(t *testing.T, v any) {
			require.True(t, v.(float64) >= 0 && v.(float64) <= 23)
		}},
		{"concurrentLimit", `{type: integer, minimum: -9007199254740991, maximum: 9007199254740991}`, func(t *testing.T, v any) {
			require.True(t, math.Abs(v.(float64)) <= 1000)
		}},
		{"tags", `{type: array, items: {type: string}}`, func(t *testing.T, v any) {
			for _, tag := range v.([]any) {
				require.Regexp(t, `^[a-z]+( [a-z]+)*$`, tag)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := loadSchemas(t, "    S:\n"+indent(tt.schema))["S"]
			for i := range 50 {
				v, err := g.Generate(s, fmt.Sprint(i), fake.Hint{Name: tt.name})
				require.NoError(t, err)
				requireValid(t, s, v)
				tt.check(t, v)
			}
		})
	}
}

func TestTimestampOrder(t *testing.T) {
	s := loadSchemas(t, "    S: {type: string, format: date-time}\n")["S"]
	g := fake.New(fake.Options{Now: clock})
	pairs := [][2]string{{"startAt", "endAt"}, {"createdAt", "updatedAt"}, {"from", "to"}}
	for _, pair := range pairs {
		for i := range 50 {
			key := fmt.Sprint(i)
			a, _ := time.Parse(time.RFC3339, g.ValueNamed(s, key, pair[0]).(string))
			b, _ := time.Parse(time.RFC3339, g.ValueNamed(s, key, pair[1]).(string))
			require.True(t, a.Before(b), "%s %s not before %s %s", pair[0], a, pair[1], b)
		}
	}
}

func TestRecursionTerminates(t *testing.T) {
	schemas := loadSchemas(t, sharedSchemas+`    Tree:
      type: object
      required: [kids]
      properties:
        kids: {type: array, minItems: 1, maxItems: 2, items: {$ref: '#/components/schemas/Tree'}}
    List:
      type: object
      nullable: true
      required: [next]
      properties:
        next: {$ref: '#/components/schemas/List'}
`)
	depth := func(v any) int {
		var walk func(v any) int
		walk = func(v any) int {
			d := 0
			switch x := v.(type) {
			case map[string]any:
				for _, e := range x {
					d = max(d, walk(e)+1)
				}
			case []any:
				for _, e := range x {
					d = max(d, walk(e)+1)
				}
			}
			return d
		}
		return walk(v)
	}
	tests := []struct {
		name  string
		valid bool
	}{{"Node", true}, {"List", true}, {"Tree", false}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := fake.New(fake.Options{Now: clock, MaxDepth: 4})
			for i := range 20 {
				v, err := g.Generate(schemas[tt.name], fmt.Sprint(i), fake.Hint{})
				require.Less(t, depth(v), 80)
				if tt.valid {
					require.NoError(t, err)
					requireValid(t, schemas[tt.name], v)
				} else {
					// Tree requires an endless chain of non-empty kids: it cannot be met.
					require.ErrorIs(t, err, fake.ErrUnsatisfiable)
				}
			}
		})
	}
}

func TestUnsatisfiable(t *testing.T) {
	tests := []struct{ name, schema string }{
		{"min above max", `{type: integer, minimum: 5, maximum: 3}`},
		{"length", `{type: string, minLength: 5, maxLength: 3}`},
		{"no multiple", `{type: integer, minimum: 1, maximum: 4, multipleOf: 5}`},
		{"unique booleans", `{type: array, uniqueItems: true, minItems: 3, items: {type: boolean}}`},
	}
	g := fake.New(fake.Options{Now: clock})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := openapi3.NewLoader()
			d, err := l.LoadFromData([]byte("openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    S:\n" + indent(tt.schema)))
			require.NoError(t, err)
			_, err = g.Generate(d.Components.Schemas["S"], "k", fake.Hint{})
			require.ErrorIs(t, err, fake.ErrUnsatisfiable)
			require.NotPanics(t, func() { g.Value(d.Components.Schemas["S"], "k") })
		})
	}
	_, err := g.Generate(nil, "k", fake.Hint{})
	require.ErrorIs(t, err, fake.ErrUnsatisfiable)
}

// TestBundledSpecs generates every request body, parameter and response body of every
// operation of every spec in ../openapi 20 times and validates each value. Specs that
// do not load (work in progress) are skipped.
func TestBundledSpecs(t *testing.T) {
	files, err := filepath.Glob("../openapi/*.yaml")
	require.NoError(t, err)
	if len(files) == 0 {
		t.Skip("no specs in ../openapi yet")
	}
	g := fake.New(fake.Options{Now: clock})
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			l := openapi3.NewLoader()
			doc, err := l.LoadFromFile(file)
			if err != nil {
				t.Skipf("spec does not load: %v", err)
			}
			if err := doc.Validate(context.Background()); err != nil {
				t.Skipf("spec does not validate: %v", err)
			}
			n := 0
			check := func(what string, s *openapi3.SchemaRef, h fake.Hint, opts ...openapi3.SchemaValidationOption) {
				if s == nil || s.Value == nil {
					return
				}
				n++
				for i := range 20 {
					key := fmt.Sprintf("%s/%d", what, i)
					v, err := g.Generate(s, key, h)
					require.NoError(t, err, key)
					b, _ := json.Marshal(v)
					require.NoError(t, s.Value.VisitJSON(roundTrip(t, v), strict(opts...)...), "%s: %s", key, b)
				}
			}
			for path, item := range doc.Paths.Map() {
				for method, op := range item.Operations() {
					name := method + " " + path
					params := slices.Concat(item.Parameters, op.Parameters)
					for _, p := range params {
						if p.Value != nil {
							check(name+" param "+p.Value.Name, p.Value.Schema, fake.Hint{Name: p.Value.Name, Direction: fake.Request})
						}
					}
					if rb := op.RequestBody; rb != nil && rb.Value != nil {
						for ct, mt := range rb.Value.Content {
							check(name+" body "+ct, mt.Schema, fake.Hint{Direction: fake.Request}, openapi3.VisitAsRequest())
						}
					}
					for status, resp := range op.Responses.Map() {
						if resp.Value == nil {
							continue
						}
						for ct, mt := range resp.Value.Content {
							check(name+" "+status+" "+ct, mt.Schema, fake.Hint{Direction: fake.Response}, openapi3.VisitAsResponse())
						}
						for h, hdr := range resp.Value.Headers {
							if hdr.Value != nil {
								check(name+" "+status+" header "+h, hdr.Value.Schema, fake.Hint{Name: h, Direction: fake.Response})
							}
						}
					}
				}
			}
			require.NotZero(t, n, "no schemas found")
			t.Logf("%d schemas, each generated 20 times", n)
		})
	}
}

// benchSchema is CINNOX's 48-field EnquiryRecord when cinnox.yaml loads, else a synthetic
// object of 48 fields.
func benchSchema(b *testing.B) *openapi3.SchemaRef {
	l := openapi3.NewLoader()
	if doc, err := l.LoadFromFile("../openapi/cinnox.yaml"); err == nil && doc.Components != nil {
		for name, s := range doc.Components.Schemas {
			if strings.Contains(strings.ToLower(name), "enquiryrecord") && s.Value != nil && len(s.Value.Properties) >= 40 {
				b.Logf("using cinnox %s (%d fields)", name, len(s.Value.Properties))
				return s
			}
		}
	}
	var sb strings.Builder
	names := []string{"id", "createdAt", "email", "firstName", "lastName", "phone", "status", "duration", "tags", "deepLink", "city", "countryCode"}
	for i := range 48 {
		n := names[i%len(names)] + fmt.Sprint(i)
		switch i % 4 {
		case 0:
			fmt.Fprintf(&sb, "        %s: {type: string}\n", n)
		case 1:
			fmt.Fprintf(&sb, "        %s: {type: string, format: date-time}\n", n)
		case 2:
			fmt.Fprintf(&sb, "        %s: {type: number, minimum: 0}\n", n)
		case 3:
			fmt.Fprintf(&sb, "        %s: {type: array, nullable: true, items: {type: string}}\n", n)
		}
	}
	return loadSchemas(b, "    S:\n      type: object\n      properties:\n"+sb.String())["S"]
}

func BenchmarkGenerate(b *testing.B) {
	s := benchSchema(b)
	g := fake.New(fake.Options{Now: clock})
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		i++
		_ = g.Value(s, fmt.Sprint("bench/", i))
	}
}

// FuzzValue builds numeric, string and array schemas from fuzzed limits and requires
// every generated value to validate, unless the limits cannot be met. Kinds 4 and 5 are
// OpenAPI 3.1 schemas (numeric exclusive bounds; prefixItems, maybe with items: false),
// validated as JSON Schema 2020-12.
func FuzzValue(f *testing.F) {
	f.Add(uint8(0), 0.0, 10.0, false, false, 0.0, uint16(0), uint16(10), "k")
	f.Add(uint8(1), -9007199254740991.0, 9007199254740991.0, true, true, 0.5, uint16(3), uint16(3), "x")
	f.Add(uint8(2), 1.0, 1.0, false, false, 0.0, uint16(5), uint16(2), "")
	f.Add(uint8(3), 3.0, 100.0, false, true, 7.0, uint16(1), uint16(4), "arr")
	f.Add(uint8(4), 0.0, 1.0, true, true, 0.0, uint16(0), uint16(0), "x31")
	f.Add(uint8(5), 1.0, 9.0, false, true, 0.0, uint16(2), uint16(3), "tuple")
	g := fake.New(fake.Options{Now: clock})
	f.Fuzz(func(t *testing.T, kind uint8, lo, hi float64, exLo, exHi bool, mult float64, minN, maxN uint16, key string) {
		for _, x := range []float64{lo, hi, mult} {
			if math.IsNaN(x) || math.IsInf(x, 0) || math.Abs(x) > 1e15 {
				t.Skip()
			}
		}
		s := &openapi3.Schema{}
		minLen, maxLen := uint64(minN%600), uint64(maxN%600)
		var h fake.Hint
		var opts []openapi3.SchemaValidationOption
		switch kind % 6 {
		case 0, 1:
			typ := openapi3.TypeInteger
			if kind%4 == 1 {
				typ = openapi3.TypeNumber
			}
			s.Type = &openapi3.Types{typ}
			s.Min, s.Max = &lo, &hi
			s.ExclusiveMin.Bool, s.ExclusiveMax.Bool = &exLo, &exHi
			if mult > 0 {
				s.MultipleOf = &mult
			}
		case 2:
			s.Type = &openapi3.Types{openapi3.TypeString}
			s.MinLength, s.MaxLength = minLen, &maxLen
		case 3:
			s.Type = &openapi3.Types{openapi3.TypeArray}
			s.MinItems, s.MaxItems = minLen%40, &maxLen
			s.UniqueItems = exLo
			s.Items = &openapi3.SchemaRef{Value: &openapi3.Schema{Type: &openapi3.Types{openapi3.TypeInteger}, Min: &lo, Max: &hi}}
		case 4:
			s.Type = &openapi3.Types{openapi3.TypeNumber}
			if exLo {
				s.ExclusiveMin.Value = &lo
			} else {
				s.Min = &lo
			}
			if exHi {
				s.ExclusiveMax.Value = &hi
			} else {
				s.Max = &hi
			}
		case 5:
			s.Type = &openapi3.Types{openapi3.TypeArray}
			s.MinItems, s.MaxItems = minLen%5, new(maxLen%5)
			s.PrefixItems = openapi3.SchemaRefs{
				{Value: &openapi3.Schema{Type: &openapi3.Types{openapi3.TypeInteger}, Min: &lo, Max: &hi}},
				{Value: &openapi3.Schema{Type: &openapi3.Types{openapi3.TypeString}, MinLength: minLen, MaxLength: &maxLen}},
			}
			if exHi {
				s.Items = &openapi3.SchemaRef{Value: &openapi3.Schema{Always: new(false)}}
			}
		}
		if kind%6 >= 4 {
			h.OpenAPI31 = true
			opts = append(opts, openapi3.EnableJSONSchema2020())
		}
		h.Name = key
		ref := &openapi3.SchemaRef{Value: s}
		v, err := g.Generate(ref, key, h)
		if err != nil {
			require.ErrorIs(t, err, fake.ErrUnsatisfiable)
			require.True(t, impossible(s), "feasible schema %+v rejected: %v", s, err)
			return
		}
		require.NoError(t, s.VisitJSON(roundTrip(t, v), opts...))
	})
}

// impossible is an independent, conservative feasibility check for the fuzzed schemas:
// it reports whether the schema has no valid value, or one too rare to be required of
// the generator (a multipleOf that no float64 in range hits exactly).
func impossible(s *openapi3.Schema) bool {
	switch {
	case len(s.PrefixItems) > 0:
		if *s.MaxItems < s.MinItems || (s.Items != nil && s.MinItems > 2) {
			return true
		}
		it, str := s.PrefixItems[0].Value, s.PrefixItems[1].Value
		return (s.MinItems >= 1 && math.Ceil(*it.Min) > math.Floor(*it.Max)) ||
			(s.MinItems >= 2 && str.MinLength > *str.MaxLength)
	case s.Type.Is(openapi3.TypeNumber) && s.ExclusiveMin.Bool == nil: // kind 4: 3.1 bounds
		lo, hi, ex := s.Min, s.Max, false
		if v := s.ExclusiveMin.Value; v != nil {
			lo, ex = v, true
		}
		if v := s.ExclusiveMax.Value; v != nil {
			hi, ex = v, true
		}
		return *lo > *hi || (ex && *lo == *hi) || *hi-*lo < 1e-9*math.Max(1, math.Abs(*lo))
	case s.Type.Is(openapi3.TypeString):
		return s.MaxLength != nil && s.MinLength > *s.MaxLength
	case s.Type.Is(openapi3.TypeArray):
		if s.MaxItems != nil && s.MinItems > *s.MaxItems {
			return true
		}
		it := s.Items.Value
		ilo, ihi := math.Ceil(*it.Min), math.Floor(*it.Max)
		if s.MinItems > 0 && ilo > ihi {
			return true
		}
		return s.UniqueItems && float64(s.MinItems) > ihi-ilo+1
	}
	lo, hi := *s.Min, *s.Max
	integer := s.Type.Is(openapi3.TypeInteger)
	if integer {
		l, h := math.Ceil(lo), math.Floor(hi)
		if *s.ExclusiveMin.Bool && l == lo {
			l++
		}
		if *s.ExclusiveMax.Bool && h == hi {
			h--
		}
		lo, hi = l, h
	} else if (*s.ExclusiveMin.Bool || *s.ExclusiveMax.Bool) && lo == hi {
		return true
	}
	if lo > hi {
		return true
	}
	if m := s.MultipleOf; m != nil {
		if integer && *m != math.Trunc(*m) {
			return true // integer multiples of a fraction: left to the generator's best effort
		}
		k := math.Ceil(lo / *m)
		return k**m > hi || (k**m == hi && *s.ExclusiveMax.Bool && !integer) || hi-lo < *m*2
	}
	return !integer && hi-lo < 1e-9*math.Max(1, math.Abs(lo))
}

// FuzzPattern feeds arbitrary patterns and length limits to the string generator: it
// must not panic or hang, and whatever Generate accepts must validate.
func FuzzPattern(f *testing.F) {
	f.Add(`^[a-z]+$`, uint8(3), uint8(6))
	f.Add(`^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-8][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}|00000000-0000-0000-0000-000000000000)$`, uint8(0), uint8(0))
	f.Add(`^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}(\.\d+)?)?Z?$`, uint8(10), uint8(10))
	f.Add(`\bfoo\b|^$`, uint8(1), uint8(200))
	f.Add(`(?i)[^\s@]+@x\.io`, uint8(0), uint8(12))
	g := fake.New(fake.Options{Now: clock})
	f.Fuzz(func(t *testing.T, pattern string, minLen, maxLen uint8) {
		if _, err := regexp.Compile(pattern); err != nil {
			t.Skip()
		}
		s := &openapi3.Schema{Type: &openapi3.Types{openapi3.TypeString}, Pattern: pattern, MinLength: uint64(minLen)}
		if maxLen > 0 {
			m := uint64(maxLen)
			s.MaxLength = &m
		}
		v, err := g.Generate(&openapi3.SchemaRef{Value: s}, pattern, fake.Hint{})
		if err != nil {
			require.ErrorIs(t, err, fake.ErrUnsatisfiable)
			return
		}
		require.NoError(t, s.VisitJSON(roundTrip(t, v)))
	})
}
