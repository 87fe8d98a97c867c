package fake

import (
	"encoding/json"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/require"
)

func loadExplosive(t testing.TB) *openapi3.T {
	t.Helper()
	doc, err := openapi3.NewLoader().LoadFromFile("testdata/explosive.yaml")
	require.NoError(t, err)
	return doc
}

// TestIssue13CheckDoc: every explosive schema is reported with its pointer and why; none of the schemas with a
// way out is.
func TestIssue13CheckDoc(t *testing.T) {
	doc := loadExplosive(t)
	got := map[string]string{}
	for _, p := range CheckDoc(doc, 0) {
		got[p.Pointer] = p.Msg
	}
	want := map[string]string{
		"/components/schemas/SelfAllOf":      "contains itself through allOf",
		"/components/schemas/LoopA":          "contains itself through oneOf → anyOf",
		"/components/schemas/LoopB":          "contains itself through anyOf → oneOf",
		"/components/schemas/RequiredSelf":   "every value must contain another one (required child)",
		"/components/schemas/BinaryTree":     "every value must contain another one (required left)",
		"/components/schemas/ForcedList":     "(minItems 1)",
		"/components/schemas/NestedArrays":   "more than the generator's budget of 100000",
		"/components/schemas/BillionItems":   "holds 1000000001 values",
		"/components/schemas/ManyProperties": "holds 100000001 values",
	}
	require.Len(t, got, len(want), "%v", got)
	for ptr, msg := range want {
		require.Contains(t, got[ptr], msg, ptr)
	}
}

// TestIssue13GenerateWithinBudget: whatever the schema, Generate returns promptly with a valid value, or an error
// saying why, having built no more than its budget.
func TestIssue13GenerateWithinBudget(t *testing.T) {
	doc := loadExplosive(t)
	g := New(Options{MaxValues: 5000, MaxBytes: 64 << 10})
	refused := map[string]error{
		"SelfAllOf": ErrUnsatisfiable, "LoopA": ErrUnsatisfiable, "LoopB": ErrUnsatisfiable,
		"RequiredSelf": ErrUnsatisfiable, "BinaryTree": ErrBudget, "ForcedList": ErrUnsatisfiable,
		"NestedArrays": ErrBudget, "BillionItems": ErrBudget, "ManyProperties": ErrBudget,
	}
	for name, ref := range doc.Components.Schemas {
		t.Run(name, func(t *testing.T) {
			v, err := g.Generate(ref, "explosive/"+name, Hint{Direction: Response})
			data, merr := json.Marshal(v)
			require.NoError(t, merr)
			require.Less(t, len(data), 5000*64+(64<<10), "bounded output")
			if want, ok := refused[name]; ok {
				require.ErrorIs(t, err, want)
				return
			}
			require.NoError(t, err)
			require.NotNil(t, v)
			require.NoError(t, ref.Value.VisitJSON(v, openapi3.VisitAsResponse()))
		})
	}
}

// TestLeanPastSoftBudget: a schema whose optional properties nest wide and deep (Wide0: eight optional arrays of
// Wide1, and so on for six levels, millions of values in all) gets a valid value within the budget: past its
// soft part only required values are made, instead of running out and answering nothing.
func TestLeanPastSoftBudget(t *testing.T) {
	doc := loadExplosive(t)
	ref := doc.Components.Schemas["Wide0"]
	g := New(Options{MaxValues: 5000})
	v, err := g.Generate(ref, "explosive/Wide0", Hint{Direction: Response})
	require.NoError(t, err)
	obj, ok := v.(map[string]any)
	require.True(t, ok, "an object, got %T", v)
	require.NotEmpty(t, obj["p0"], "the first optional properties are made in full")
	require.NoError(t, ref.Value.VisitJSON(v, openapi3.VisitAsResponse()))
	data, err := json.Marshal(v)
	require.NoError(t, err)
	require.Less(t, len(data), 5000*64, "bounded output")
}
