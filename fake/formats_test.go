package fake_test

import (
	"encoding/json"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/require"

	"github.com/standin/standin/fake"
)

// TestFormats: for each common string format, generated values pass kin-openapi's validation with
// fake.SchemaOptions, a good value written by hand passes, and a bad one is rejected; numbers written as strings
// (int64, decimal) are digits, never words.
func TestFormats(t *testing.T) {
	g := fake.New(fake.Options{Now: clock})
	tests := []struct {
		format string
		good   []string
		bad    []string
		looks  string // a regexp every generated value matches; "" skips
	}{
		{"uuid", []string{"0b6cbc5e-23d4-4c8f-9a61-0c4f1e7d9a10", "01890f2e-5b6a-7cc1-9b1e-2f5a4d3c2b1a", "00000000-0000-0000-0000-000000000000"},
			[]string{"42", "0b6cbc5e23d44c8f9a610c4f1e7d9a10", "0b6cbc5e-23d4-4c8f-9a61-0c4f1e7d9a1"}, ""},
		{"date", []string{"2026-11-21"}, []string{"21/11/2026", "2026-13-01"}, `^\d{4}-\d{2}-\d{2}$`},
		{"date-time", []string{"2026-11-21T05:30:00Z", "2026-11-21T05:30:00.123+08:00"}, []string{"2026-11-21 05:30", "yesterday"}, ""},
		{"email", []string{"ana@example.com"}, []string{"ana", "ana@", "a b@example.com"}, `^[^@\s]+@[^@\s]+\.[a-z]{2,}$`},
		{"uri", []string{"https://example.com/a?b=c", "urn:isbn:0451450523"}, []string{"/relative/path", "example.com"}, `^https://`},
		{"uri-reference", []string{"/relative/path", "https://example.com"}, []string{"http://[::1"}, ""},
		{"hostname", []string{"api.example.com"}, []string{"-bad-.example.com", "a_b.example.com"}, ""},
		{"ipv4", []string{"192.168.1.10"}, []string{"256.1.1.1", "::1", "host"}, `^\d+\.\d+\.\d+\.\d+$`},
		{"ipv6", []string{"::1", "2001:db8::8a2e:370:7334"}, []string{"192.168.1.10", "gggg::1"}, `:`},
		{"byte", []string{"aGVsbG8="}, []string{"not base64!"}, ""},
		{"int64", []string{"9007199254740993", "-42"}, []string{"12.5", "ten", "9223372036854775808"}, `^-?\d+$`},
		{"int32", []string{"2147483647"}, []string{"2147483648"}, `^-?\d+$`},
		{"uint64", []string{"18446744073709551615"}, []string{"-1"}, `^\d+$`},
		{"decimal", []string{"12.3456", "-0.5", "100", ".25"}, []string{"twelve", "1,5", "1.2.3"}, `^-?\d+(\.\d+)?$`},
		{"duration", []string{"PT15M", "P1DT2H", "P3W"}, []string{"15 minutes", "P", "PT"}, `^P`},
		{"google-duration", []string{"3.5s", "60s"}, []string{"3.5", "1m"}, `^\d+(\.\d+)?s$`},
		{"google-datetime", []string{"2026-11-21T05:30:00Z"}, []string{"2026-11-21"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.format, func(t *testing.T) {
			s := &openapi3.SchemaRef{Value: &openapi3.Schema{Type: &openapi3.Types{"string"}, Format: tt.format}}
			for _, v := range tt.good {
				require.NoError(t, s.Value.VisitJSON(v, fake.SchemaOptions()...), "%q is a valid %s", v, tt.format)
			}
			for _, v := range tt.bad {
				require.Error(t, s.Value.VisitJSON(v, fake.SchemaOptions()...), "%q is not a valid %s", v, tt.format)
			}
			for i := range 20 {
				v, err := g.Generate(s, "formats/"+tt.format+"/"+string(rune('a'+i)), fake.Hint{Name: "value"})
				require.NoError(t, err)
				require.NoError(t, s.Value.VisitJSON(v, fake.SchemaOptions()...))
				if tt.looks != "" {
					require.Regexp(t, tt.looks, v)
				}
			}
		})
	}
}

// TestFormatsWinOverNames: a realistic value for the property name that breaks the format gives way to the
// format (an "id" declared as an int64 string is digits, not a UUID).
func TestFormatsWinOverNames(t *testing.T) {
	g := fake.New(fake.Options{Now: clock})
	for _, tt := range []struct{ name, format, looks string }{
		{"id", "int64", `^\d+$`},
		{"customerId", "int64", `^\d+$`},
		{"amount", "decimal", `^\d+\.\d{2}$`},
		{"email", "uuid", `^[0-9a-f-]{36}$`},
		{"website", "ipv4", `^\d+\.\d+\.\d+\.\d+$`},
	} {
		s := &openapi3.SchemaRef{Value: &openapi3.Schema{Type: &openapi3.Types{"string"}, Format: tt.format}}
		v, err := g.Generate(s, "names/"+tt.name, fake.Hint{Name: tt.name})
		require.NoError(t, err)
		require.Regexp(t, tt.looks, v, "%s (%s)", tt.name, tt.format)
	}
}

// TestUnixTime: Stripe's integer "format: unix-time" and fields named created/updated are recent Unix times.
func TestUnixTime(t *testing.T) {
	g := fake.New(fake.Options{Now: clock})
	for _, tt := range []struct{ name, format string }{{"x", "unix-time"}, {"created", ""}, {"updated", "int64"}} {
		s := &openapi3.SchemaRef{Value: &openapi3.Schema{Type: &openapi3.Types{"integer"}, Format: tt.format}}
		v, err := g.Generate(s, "unix/"+tt.name, fake.Hint{Name: tt.name})
		require.NoError(t, err)
		require.InDelta(t, float64(now.Unix()), v, 31*24*3600, "%s (%s): %v", tt.name, tt.format, v)
		require.Less(t, v.(float64), float64(now.Unix()))
	}
}

// TestSchemaSamples: a schema's example, else the first of its examples, else its default, is what the
// generator gives (as Prism does) when the schema accepts it; an invalid one is ignored; in an array only the
// first item reuses it, so list items differ.
func TestSchemaSamples(t *testing.T) {
	g := fake.New(fake.Options{Now: clock})
	schemas := loadSchemas(t, indent(`Customer:
  type: object
  required: [id, email, balance, currency, metadata]
  properties:
    id: {type: string, example: cus_123}
    email: {type: string, format: email, example: ana@example.com}
    balance: {type: integer, default: 0}
    currency: {type: string, enum: [usd, eur], default: eur}
    metadata: {type: object, additionalProperties: {type: string}, example: {plan: gold}}
    amount: {type: string, format: decimal}
List:
  type: array
  minItems: 3
  maxItems: 3
  items: {$ref: '#/components/schemas/Customer'}
`))
	v, err := g.Generate(schemas["Customer"], "samples/customer", fake.Hint{Direction: fake.Response})
	require.NoError(t, err)
	c := v.(map[string]any)
	require.Equal(t, "cus_123", c["id"])
	require.Equal(t, "ana@example.com", c["email"])
	require.Equal(t, 0.0, c["balance"])
	require.Equal(t, "eur", c["currency"])
	require.Equal(t, map[string]any{"plan": "gold"}, c["metadata"])
	require.Regexp(t, `^\d+\.\d{2}$`, c["amount"], "decimals are digits")

	// Examples a document should not have (a loader that validates examples refuses them) are ignored.
	bad := &openapi3.SchemaRef{Value: &openapi3.Schema{Type: &openapi3.Types{"string"}, Enum: []any{"active", "closed"},
		Example: "not-in-enum", Default: "also-not"}}
	v, err = g.Generate(bad, "samples/bad", fake.Hint{})
	require.NoError(t, err)
	require.Contains(t, []any{"active", "closed"}, v)
	dec := &openapi3.SchemaRef{Value: &openapi3.Schema{Type: &openapi3.Types{"string"}, Format: "decimal", Example: "twelve"}}
	v, err = g.Generate(dec, "samples/dec", fake.Hint{})
	require.NoError(t, err)
	require.Regexp(t, `^\d+\.\d{2}$`, v)

	v, err = g.Generate(schemas["List"], "samples/list", fake.Hint{Direction: fake.Response})
	require.NoError(t, err)
	items := v.([]any)
	require.Len(t, items, 3)
	require.Equal(t, "cus_123", items[0].(map[string]any)["id"])
	ids := map[any]bool{}
	for _, it := range items {
		ids[it.(map[string]any)["id"]] = true
	}
	require.Len(t, ids, 3, "list items get distinct ids: %s", mustJSON(items))
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
