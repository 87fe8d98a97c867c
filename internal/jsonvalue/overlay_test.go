package jsonvalue

import (
	"encoding/json"
	"fmt"
	"strings"
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
		kt := &KeyTest{Fn: func(k string) bool { return len(k) == 1 && k[0] == 'p' }}
		_, wantHit, err := AppendTested(nil, o.Map(), kt, 0)
		require.NoError(t, err)
		for _, text := range []*BaseText{nil, new(BaseText)} {
			o.Text = text
			for range 2 {
				got, err := Append(nil, o)
				require.NoError(t, err)
				require.Equal(t, string(want), string(got))
				got, hit, err := AppendTested(nil, o, kt, 0)
				require.NoError(t, err)
				require.Equal(t, string(want), string(got))
				require.Equal(t, wantHit, hit)
			}
		}
	})
}

// TestOverlayBaseText: an Overlay with its base's kept text writes the same bytes, reports the same key hits
// and the same size estimate as the map it stands for, whichever way it is written and whatever it holds; a
// kept text is used only for the base it was written from.
func TestOverlayBaseText(t *testing.T) {
	base := record()
	base["password"] = "hunter2" // a key the test below hits
	clean := record()
	secretTest := &KeyTest{Fn: func(k string) bool { return k == "password" || k == "token" }}
	overs := [][]Field{
		nil,
		{{"field03", "changed"}},
		{{"field29", nil}, {"field00", map[string]any{"token": "x"}}}, // a nested key the test hits
		{{"field10", 1.5}, {"nested", []any{"a"}}, {"field11", true}},
		{{"added", "not in the base"}},
	}
	for _, b := range []map[string]any{base, clean} {
		text := new(BaseText)
		for i, over := range overs {
			o := &Overlay{Base: b, Over: over, Text: text}
			m := o.Map()
			for round := range 2 {
				want, err := Append(nil, m)
				require.NoError(t, err)
				got, err := Append(nil, o)
				require.NoError(t, err)
				require.Equal(t, string(want), string(got), "case %d round %d", i, round)

				wantT, wantHit, err := AppendTested(nil, m, secretTest, 0)
				require.NoError(t, err)
				gotT, gotHit, err := AppendTested(nil, o, secretTest, 0)
				require.NoError(t, err)
				require.Equal(t, string(wantT), string(gotT))
				require.Equal(t, wantHit, gotHit, "case %d round %d: the key test's verdict", i, round)

				_, wantHit, err = AppendWatched(nil, m, secretTest.Fn, 0)
				require.NoError(t, err)
				_, gotHit, err = AppendWatched(nil, o, secretTest.Fn, 0)
				require.NoError(t, err)
				require.Equal(t, wantHit, gotHit)

				_, _, wantSize, err := AppendSized(nil, m, nil, 0)
				require.NoError(t, err)
				_, _, gotSize, err := AppendSized(nil, o, nil, 0)
				require.NoError(t, err)
				require.Equal(t, wantSize, gotSize, "case %d: the size estimate", i)

				_, _, err = AppendTested(nil, o, secretTest, 40) // a limit below the text: the field-by-field path's error
				require.ErrorIs(t, err, ErrTooLarge)
			}
		}
		bt := text.p.Load()
		require.NotNil(t, bt, "the text was kept")
		require.True(t, bt.ok)
		if _, hit := b["password"]; hit {
			require.Nil(t, bt.clean.Load(), "a base with a key the test hits is never written from its text under that test")
			require.Same(t, secretTest, bt.dirty.Load(), "and its keys are not tested again")
		} else {
			require.Same(t, secretTest, bt.clean.Load(), "a text kept before the test saw its keys is tested once")
		}
	}

	// A kept text handed to an Overlay over another base is not used.
	text := new(BaseText)
	for range 2 {
		_, err := Append(nil, &Overlay{Base: clean, Text: text})
		require.NoError(t, err)
	}
	require.NotNil(t, text.p.Load())
	other := record()
	other["field05"] = "another base"
	o := &Overlay{Base: other, Over: []Field{{"field01", "x"}}, Text: text}
	want, _ := Append(nil, o.Map())
	got, err := Append(nil, o)
	require.NoError(t, err)
	require.Equal(t, string(want), string(got))

	// A base with a value left to encoding/json: the same bytes, and under a KeyTest the same verdict.
	odd := record()
	odd["when"] = struct{ A int }{1}
	text = new(BaseText)
	o = &Overlay{Base: odd, Over: []Field{{"field01", "x"}}, Text: text}
	want, _ = Append(nil, o.Map())
	for range 2 {
		got, err = Append(nil, o)
		require.NoError(t, err)
		require.Equal(t, string(want), string(got))
	}
	kt := &KeyTest{Fn: func(string) bool { return false }}
	_, wantHit, _ := AppendTested(nil, o.Map(), kt, 0)
	_, gotHit, err := AppendTested(nil, o, kt, 0)
	require.NoError(t, err)
	require.True(t, wantHit, "a value left to encoding/json counts as a hit: its keys are not seen")
	require.Equal(t, wantHit, gotHit)

	// Past the budget no text is kept, and overlays are written field by field.
	defer func(b int64) { keptTextBudget = b }(keptTextBudget)
	keptTextBudget = keptText.Load()
	text = new(BaseText)
	o = &Overlay{Base: clean, Over: []Field{{"field01", "x"}}, Text: text}
	want, _ = Append(nil, o.Map())
	for range 3 {
		got, err = Append(nil, o)
		require.NoError(t, err)
		require.Equal(t, string(want), string(got))
	}
	require.Nil(t, text.p.Load())
}

// TestOverlayBaseTextIsUsed: the kept text is what is written (a changed copy of it shows), and only the fields
// set over the base are written again.
func TestOverlayBaseTextIsUsed(t *testing.T) {
	text := new(BaseText)
	o := &Overlay{Base: record(), Over: []Field{{"field01", "new"}}, Text: text}
	first, err := Append(nil, o)
	require.NoError(t, err)
	require.Nil(t, text.p.Load(), "a base written once is not kept")
	_, err = Append(nil, o)
	require.NoError(t, err)
	bt := text.p.Load()
	require.NotNil(t, bt, "the second write keeps it")
	marked := []byte(strings.Replace(string(bt.text), `"value 5"`, `"VALUE 5"`, 1))
	require.Len(t, marked, len(bt.text))
	bt.text = marked
	again, err := Append(nil, &Overlay{Base: o.Base, Over: []Field{{"field01", "newer"}}, Text: text})
	require.NoError(t, err)
	require.Equal(t, strings.Replace(strings.Replace(string(first), `"value 5"`, `"VALUE 5"`, 1), `"new"`, `"newer"`, 1), string(again))
}

func BenchmarkOverlayAppend(b *testing.B) {
	base := record()
	over := []Field{{"field03", "changed"}, {"field17", "2026-12-03T16:00:00Z"}}
	for _, tc := range []struct {
		name string
		text *BaseText
	}{{"field by field", nil}, {"kept text", new(BaseText)}} {
		b.Run(tc.name, func(b *testing.B) {
			o := &Overlay{Base: base, Over: over, Text: tc.text}
			kt := &KeyTest{Fn: func(k string) bool { return k == "password" }}
			buf := make([]byte, 0, 4096)
			b.ReportAllocs()
			for b.Loop() {
				buf, _, _ = AppendTested(buf[:0], o, kt, 4096)
			}
		})
	}
}
