package openapi_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/standin/standin/openapi"
)

// TestSchemaOptionsLeaveDetailsOut: for a 3.0 document, errors made with API.SchemaOptions leave the schema and
// the value out of their text. kin-openapi writes an allOf/oneOf error's text when it makes it, its members'
// included: with the details, every failing subschema's JSON, which for Microsoft Graph's schemas made each
// error cost minutes (standin test's planning never ended). A 3.1 document keeps kin-openapi's 2020-12 rules,
// with which the option cannot go.
func TestSchemaOptionsLeaveDetailsOut(t *testing.T) {
	// Item is a oneOf of two objects with a discriminator of 300 mappings, nested three deep through allOf.
	var mapping strings.Builder
	for i := range 300 {
		fmt.Fprintf(&mapping, "          kind%03d: '#/components/schemas/A'\n", i)
	}
	doc := func(version string) []byte {
		return []byte(`openapi: ` + version + `
info: {title: t, version: "1"}
paths: {}
components:
  schemas:
    A:
      type: object
      required: [kind, a]
      properties: {kind: {type: string}, a: {type: integer}}
    B:
      type: object
      required: [kind, b]
      properties: {kind: {type: string}, b: {type: boolean}}
    Item:
      oneOf: [{$ref: '#/components/schemas/A'}, {$ref: '#/components/schemas/B'}]
      discriminator:
        propertyName: kind
        mapping:
` + mapping.String() + `          b: '#/components/schemas/B'
    Outer:
      allOf:
        - type: object
          properties: {items: {type: array, items: {allOf: [{$ref: '#/components/schemas/Item'}]}}}
        - type: object
          properties: {more: {allOf: [{$ref: '#/components/schemas/Item'}]}}
`)
	}
	bad := map[string]any{"items": []any{map[string]any{"kind": "b", "b": "not a boolean"}}, "more": map[string]any{"kind": "kind001", "a": "x"}}

	api, err := openapi.LoadData(t.Context(), "details.yaml", doc("3.0.3"))
	require.NoError(t, err)
	outer := api.Doc.Components.Schemas["Outer"].Value
	schemaJSON, err := json.Marshal(api.Doc.Components.Schemas["Item"].Value)
	require.NoError(t, err)
	require.Greater(t, len(schemaJSON), 8000, "the schema's JSON is large")
	err = outer.VisitJSON(bad, api.SchemaOptions()...)
	require.Error(t, err)
	require.NotContains(t, err.Error(), "Schema:")
	require.NotContains(t, err.Error(), "kind299", "no subschema's JSON in the text")
	require.Less(t, len(err.Error()), 4000, "%s", err)
	require.NoError(t, outer.VisitJSON(map[string]any{"more": map[string]any{"kind": "b", "b": true}}, api.SchemaOptions()...))

	api31, err := openapi.LoadData(t.Context(), "details31.yaml", doc("3.1.0"))
	require.NoError(t, err)
	outer31 := api31.Doc.Components.Schemas["Outer"].Value
	require.Error(t, outer31.VisitJSON(bad, api31.SchemaOptions()...))
	require.NoError(t, outer31.VisitJSON(map[string]any{"more": map[string]any{"kind": "b", "b": true}}, api31.SchemaOptions()...))
}
