package jsonvalue

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestCopyIsDeep(t *testing.T) {
	in := map[string]any{"a": []any{map[string]any{"b": "c"}}, "n": 1, "tags": []string{"x"}}
	out := CopyMap(in)
	out["a"].([]any)[0].(map[string]any)["b"] = "changed"
	require.Equal(t, "c", in["a"].([]any)[0].(map[string]any)["b"])
	require.Equal(t, 1.0, out["n"], "integers become float64, as encoding/json decodes them")
	require.Equal(t, []any{"x"}, out["tags"])
	require.Nil(t, CopyMap(nil))
}

func TestText(t *testing.T) {
	tests := []struct {
		in   any
		want string
	}{
		{"abc", "abc"},
		{12.0, "12"},
		{1e21, "1000000000000000000000"},
		{0.5, "0.5"},
		{nil, "null"},
		{true, "true"},
		{[]any{1.0, "a"}, `[1,"a"]`},
		{map[string]any{"k": "v"}, `{"k":"v"}`},
	}
	for _, tt := range tests {
		require.Equal(t, tt.want, Text(tt.in))
	}
}

func TestSortedKeys(t *testing.T) {
	require.Equal(t, []string{"a", "b", "c"}, SortedKeys(map[string]int{"c": 1, "a": 2, "b": 3}))
	require.Empty(t, SortedKeys(map[string]bool{}))
}

// BenchmarkCopyMapRecord is the deep copy of a record of the assign PATCH's size (30 fields, one nested object and
// list), as the state store takes on every read and write.
func BenchmarkCopyMapRecord(b *testing.B) {
	rec := map[string]any{"nested": map[string]any{"a": 1.0, "b": []any{"x", 2.0}}, "tags": []any{"a", "b"}}
	for i := range 28 {
		rec[fmt.Sprintf("field%02d", i)] = fmt.Sprintf("value %d", i)
	}
	b.ReportAllocs()
	for b.Loop() {
		if len(CopyMap(rec)) != len(rec) {
			b.Fatal("short copy")
		}
	}
}
