package mock

import (
	"net/http"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/require"

	"github.com/standin/standin/fault"
)

func TestFaultMutateHelpers(t *testing.T) {
	item := &openapi3.Schema{
		Type:     &openapi3.Types{"object"},
		Required: []string{"id"},
		Properties: openapi3.Schemas{
			"id":     {Value: &openapi3.Schema{Type: &openapi3.Types{"integer"}}},
			"status": {Value: &openapi3.Schema{Type: &openapi3.Types{"string"}, Enum: []any{"open", "closed"}}},
			"level":  {Value: &openapi3.Schema{Type: &openapi3.Types{"number"}, Enum: []any{1.0, 2.0}}},
		},
	}
	list := &openapi3.Schema{
		Type:       &openapi3.Types{"object"},
		Properties: openapi3.Schemas{"items": {Value: &openapi3.Schema{Type: &openapi3.Types{"array"}, Items: &openapi3.SchemaRef{Value: item}}}},
	}
	body := func() map[string]any {
		return map[string]any{"items": []any{map[string]any{"id": 1.0, "status": "open", "level": 2.0}}}
	}
	first := func(v any) map[string]any { return v.(map[string]any)["items"].([]any)[0].(map[string]any) }

	v, ok := dropRequired(body(), list)
	require.True(t, ok, "found in the first array item")
	require.NotContains(t, first(v), "id")

	v, ok = outsideEnum(body(), list)
	require.True(t, ok)
	require.Equal(t, 3.0, first(v)["level"], "a number enum gets a number past its largest value")

	v, ok = outsideEnum(map[string]any{"status": "open"}, item)
	require.True(t, ok)
	require.Equal(t, "standin-outside-enum", v.(map[string]any)["status"])

	_, ok = dropRequired(map[string]any{"other": 1}, item)
	require.False(t, ok, "no required field present")

	require.Equal(t, map[string]any{"id": "standin-wrong-type", "status": "open"}, wrongType(map[string]any{"id": 1.0, "status": "open"}, item))
	require.Equal(t, 12345, wrongType("text", nil))
	require.Equal(t, "standin-wrong-type", wrongType([]any{1.0}, nil))
	require.Equal(t, 12345, wrongType(nil, nil))
}

func TestFaultMutateWithoutSchema(t *testing.T) {
	ex := &exchange{}
	status, h, out := mutate(ex, fault.MutMissingRequired, 0, http.Header{}, []byte(`{"b":1,"a":"x"}`))
	require.Equal(t, http.StatusOK, status)
	require.Equal(t, "wrongType; no field fits missingRequired", h.Get(mutationHeader))
	require.JSONEq(t, `{"a":12345,"b":1}`, string(out))

	status, _, out = mutate(ex, fault.MutUndocumentedStatus, 200, http.Header{}, []byte(`not json`))
	require.Equal(t, 418, status)
	require.Equal(t, "not json", string(out))

	_, _, out = mutate(ex, fault.MutWrongType, 200, http.Header{}, []byte(`not json`))
	require.Equal(t, "12345", string(out), "a body that is not JSON becomes a JSON number")
}
