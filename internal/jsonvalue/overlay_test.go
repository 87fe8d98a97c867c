package jsonvalue

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"
)

// record is a 30-field object like a stored record, above shapeMin so the kept shapes are used.
func record() map[string]any {
	m := map[string]any{}
	for i := range 30 {
		m[fmt.Sprintf("field%02d", i)] = fmt.Sprintf("value %d", i)
	}
	m["nested"] = map[string]any{"a": []any{1.0, "two", nil}}
	return m
}

func TestOverlayWritesItsObject(t *testing.T) {
	base := record()
	cases := []struct {
		name string
		o    *Overlay
	}{
		{"no fields over", &Overlay{Base: base}},
		{"two replaced", &Overlay{Base: base, Over: []Field{{"field03", "changed"}, {"field29", nil}}}},
		{"one added", &Overlay{Base: base, Over: []Field{{"added", true}}}},
		{"replaced and added", &Overlay{Base: base, Over: []Field{{"zz", 1.5}, {"field00", map[string]any{"x": "y"}}, {"aa", []any{}}}}},
		{"small base", &Overlay{Base: map[string]any{"b": 1.0}, Over: []Field{{"a", "x"}}}},
		{"nil base", &Overlay{Over: []Field{{"a", "x"}}}},
		{"empty", &Overlay{}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			want, err := json.Marshal(tc.o.Map())
			require.NoError(t, err)
			// Twice: the first may keep the object's shape, the second is written in it.
			for range 2 {
				got, err := Append(nil, tc.o)
				require.NoError(t, err)
				require.Equal(t, string(want), string(got))
			}
			// Inside another value, through encoding/json (MarshalJSON), and as a copy.
			got, err := Append(nil, []any{tc.o})
			require.NoError(t, err)
			require.Equal(t, "["+string(want)+"]", string(got))
			std, err := json.Marshal(tc.o)
			require.NoError(t, err)
			require.JSONEq(t, string(want), string(std))
			cp, err := json.Marshal(Copy(tc.o))
			require.NoError(t, err)
			require.Equal(t, string(want), string(cp))
			require.Equal(t, len(tc.o.Map()), tc.o.Len())
			require.Equal(t, EstimateUpTo(tc.o.Map(), 1<<30), EstimateUpTo(tc.o, 1<<30))
		})
	}
	// The map and the overlay of the same keys share a shape: a map written after an overlay of its keys is
	// written in that shape, and the other way round, byte for byte as encoding/json would.
	o := &Overlay{Base: base, Over: []Field{{"field07", "seven"}}}
	m := o.Map()
	want, _ := json.Marshal(m)
	for range 3 {
		a, err := Append(nil, m)
		require.NoError(t, err)
		b, err := Append(nil, o)
		require.NoError(t, err)
		require.Equal(t, string(want), string(a))
		require.Equal(t, string(want), string(b))
	}
	require.Equal(t, "value 7", base["field07"], "the base is left alone")
}

func TestOverlayGet(t *testing.T) {
	o := &Overlay{Base: map[string]any{"a": 1.0, "b": 2.0}, Over: []Field{{"b", 3.0}, {"c", nil}}}
	for _, tc := range []struct {
		key  string
		want any
		ok   bool
	}{{"a", 1.0, true}, {"b", 3.0, true}, {"c", nil, true}, {"d", nil, false}} {
		v, ok := o.Get(tc.key)
		require.Equal(t, tc.ok, ok, tc.key)
		require.Equal(t, tc.want, v, tc.key)
	}
	require.Equal(t, 3, o.Len())
}

// FuzzOverlay writes an overlay of a decoded object and fields from another as the map it stands for.
func FuzzOverlay(f *testing.F) {
	f.Add(`{"a":1,"b":"x","c":[1,2],"d":{},"e":null,"f":true}`, `{"b":2,"g":"new"}`)
	f.Add(`{}`, `{"a":"\u00e9"}`)
	f.Fuzz(func(t *testing.T, baseText, overText string) {
		var base, over map[string]any
		if json.Unmarshal([]byte(baseText), &base) != nil || json.Unmarshal([]byte(overText), &over) != nil {
			return
		}
		o := &Overlay{Base: base}
		for _, k := range SortedKeys(over) {
			o.Over = append(o.Over, Field{k, over[k]})
		}
		want, err := Append(nil, o.Map())
		require.NoError(t, err)
		for range 2 {
			got, err := Append(nil, o)
			require.NoError(t, err)
			require.Equal(t, string(want), string(got))
		}
	})
}
