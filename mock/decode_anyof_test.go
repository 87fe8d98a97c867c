package mock

import (
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/require"
)

// TestFormLeafAnyOfBranches: a form value whose schema is an anyOf/oneOf of a string enum and another scalar
// type decodes as whichever branch reads it (Stripe's delay_days "minimum" or 5, trial_end "now" or a
// timestamp, tiers[0][up_to] "inf" or a number), so the decoded body validates.
func TestFormLeafAnyOfBranches(t *testing.T) {
	enumOr := func(word string, other string) *openapi3.SchemaRef {
		return &openapi3.SchemaRef{Value: &openapi3.Schema{AnyOf: openapi3.SchemaRefs{
			{Value: &openapi3.Schema{Type: &openapi3.Types{"string"}, Enum: []any{word}}},
			{Value: &openapi3.Schema{Type: &openapi3.Types{other}}},
		}}}
	}
	oneOf := &openapi3.SchemaRef{Value: &openapi3.Schema{OneOf: openapi3.SchemaRefs{
		{Value: &openapi3.Schema{Type: &openapi3.Types{"string"}, Enum: []any{"inf"}}},
		{Value: &openapi3.Schema{Type: &openapi3.Types{"integer"}}},
	}}}
	schema := &openapi3.SchemaRef{Value: &openapi3.Schema{Type: &openapi3.Types{"object"}, Properties: openapi3.Schemas{
		"delay_days": enumOr("minimum", "integer"),
		"trial_end":  enumOr("now", "integer"),
		"ratio":      enumOr("auto", "number"),
		"flag":       enumOr("unset", "boolean"),
		"tiers": {Value: &openapi3.Schema{Type: &openapi3.Types{"array"}, Items: &openapi3.SchemaRef{Value: &openapi3.Schema{
			Type: &openapi3.Types{"object"}, Properties: openapi3.Schemas{"up_to": oneOf}}}}},
	}}}
	for _, tc := range []struct {
		body string
		want map[string]any
	}{
		{"delay_days=5&trial_end=now&ratio=0.5&flag=true&tiers[0][up_to]=10&tiers[1][up_to]=inf",
			map[string]any{"delay_days": float64(5), "trial_end": "now", "ratio": 0.5, "flag": true,
				"tiers": []any{map[string]any{"up_to": float64(10)}, map[string]any{"up_to": "inf"}}}},
		{"delay_days=minimum&trial_end=1700000000&ratio=auto&flag=unset",
			map[string]any{"delay_days": "minimum", "trial_end": float64(1700000000), "ratio": "auto", "flag": "unset"}},
	} {
		got, err := decodeFormBody(strings.NewReader(tc.body), nil, schema, func(string) *openapi3.Encoding { return nil })
		require.NoError(t, err, tc.body)
		require.Equal(t, tc.want, got, tc.body)
		require.NoError(t, schema.Value.VisitJSON(got), tc.body)
	}
}
