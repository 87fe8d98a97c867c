package jsonvalue

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestAppendShapes writes objects whose shapes are kept, fit, miss and replace one another: objects of one size
// with the same keys, with one key changed, two kinds in turns and in runs longer than staleAfter, sizes that
// share a slot of the cache, nested objects of a kept shape, and keys that need escaping. Every text must be
// encoding/json's.
func TestAppendShapes(t *testing.T) {
	var obj func(n int, name string, nested bool) map[string]any
	obj = func(n int, name string, nested bool) map[string]any {
		m := map[string]any{}
		for i := range n {
			k := fmt.Sprintf("%s%02d", name, (i*7)%n)
			switch i % 4 {
			case 0:
				m[k] = float64(i)
			case 1:
				m[k] = "v\"" + k
			case 2:
				m[k] = nil
			default:
				m[k] = []any{true, k}
			}
		}
		if nested {
			m[name+"00"] = obj(n, name+"in", false)
		}
		return m
	}
	var seq []map[string]any
	for round := range 3 {
		for range staleAfter + 2 {
			seq = append(seq, obj(12, "a", round == 1))
		}
		for i := range 2*staleAfter + 3 {
			seq = append(seq, obj(12, []string{"a", "b"}[i%2], false), obj(12, "c", i%3 == 0))
		}
		one := obj(12, "a", false)
		delete(one, "a05")
		one["a05\u2028\x01<>"] = "escaped"
		seq = append(seq, one, one, obj(12, "a", false))
		seq = append(seq, obj(shapeMin, "s", false), obj(shapeMin-1, "s", false), obj(shapeMin+64, "w", false),
			obj(shapeMin, "t", false), obj(shapeMin+64, "w", true), obj(70, "x", false), obj(70+64, "y", false))
	}
	for i, m := range seq {
		want, err := stdJSON(t, m)
		require.NoError(t, err)
		got, err := Append([]byte("pre"), m)
		require.NoError(t, err)
		require.Equal(t, "pre"+string(want), string(got), "object %d", i)
	}
}

// TestAppendWatchedShapes: with its shape kept, an object shows the watcher the same keys in the same order as
// when it is sorted, including when a shape of its size misses and when the watcher stops on a key.
func TestAppendWatchedShapes(t *testing.T) {
	a := map[string]any{"k1": 1.0, "k2": map[string]any{"in": "x"}, "k3": nil, "k4": "s", "k5": []any{}, "k6": true, "k7": 2.0}
	b := map[string]any{"k1": 1.0, "k2": 2.0, "k3": nil, "k4": "s", "k5": []any{}, "k6": true, "z": 2.0}
	watched := func(v any, stop string) ([]string, bool) {
		var seen []string
		_, hit, err := AppendWatched(nil, v, func(k string) bool { seen = append(seen, k); return k == stop }, 0)
		require.NoError(t, err)
		return seen, hit
	}
	for range 3 {
		for _, v := range []map[string]any{a, b, a} {
			seen, hit := watched(v, "")
			require.False(t, hit)
			want := []string{"k1", "k2", "in", "k3", "k4", "k5", "k6", "k7"}
			if v["z"] != nil {
				want = []string{"k1", "k2", "k3", "k4", "k5", "k6", "z"}
			}
			require.Equal(t, want, seen)
			seen, hit = watched(v, "k4")
			require.True(t, hit)
			require.Equal(t, "k4", seen[len(seen)-1])
		}
	}
}

// TestAppendWatchedLimitShapes: an object written in a kept shape stops at the limit as a sorted one does.
func TestAppendWatchedLimitShapes(t *testing.T) {
	m := map[string]any{}
	for i := range 10 {
		m[fmt.Sprintf("key%d", i)] = strings.Repeat("x", 100)
	}
	for range 3 {
		_, _, err := AppendWatched([]byte("pre"), m, nil, 500)
		require.ErrorIs(t, err, ErrTooLarge)
		got, _, err := AppendWatched(nil, m, nil, 5000)
		require.NoError(t, err)
		want, err := json.Marshal(m)
		require.NoError(t, err)
		require.Equal(t, string(want), string(got))
	}
}

// FuzzAppendObjects writes the objects of a decoded JSON text one after another, twice, so that their shapes are
// kept and tried on the next ones: every text must be encoding/json's, and AppendSized's estimate Estimate's.
func FuzzAppendObjects(f *testing.F) {
	f.Add(`[{"a":1,"b":2,"c":3,"d":4,"e":5,"f":6},{"a":1,"b":2,"c":3,"d":4,"e":5,"g":6},{"f":{"a":1,"b":2,"c":3,"d":4,"e":5,"f":6}}]`)
	f.Add(`[{"x\u2028":1,"b":2,"c":3,"d":4,"e":5,"f":6},{"x\u2029":1,"b":2,"c":3,"d":4,"e":5,"f":6}]`)
	f.Add(`{"k":[{"1":1,"2":2,"3":3,"4":4,"5":5,"6":6,"7":7},{"1":1,"2":2,"3":3,"4":4,"5":5,"6":6,"8":7}]}`)
	f.Fuzz(func(t *testing.T, text string) {
		var v any
		if json.Unmarshal([]byte(text), &v) != nil {
			return
		}
		items := []any{v}
		if list, ok := v.([]any); ok {
			items = append(items, list...)
		}
		for range 2 {
			for _, item := range items {
				want, err := stdJSON(t, item)
				require.NoError(t, err)
				got, err := Append(nil, item)
				require.NoError(t, err)
				require.Equal(t, string(want), string(got))
				sized, _, size, err := AppendSized(nil, item, nil, 0)
				require.NoError(t, err)
				require.Equal(t, string(want), string(sized))
				require.Equal(t, Estimate(item), size, "the estimate given on the way is Estimate's")
			}
		}
	})
}

// TestAppendTestedShapes: a KeyTest sees the keys of an object of a kept shape until they have all passed it
// once, then no more; a test another key of the shape hits, or one a nested key hit first, sees them every time,
// and reports the hit every time; another KeyTest starts afresh.
func TestAppendTestedShapes(t *testing.T) {
	obj := func(inner string) map[string]any {
		return map[string]any{"t1": 1.0, "t2": map[string]any{inner: "x"}, "t3": nil, "t4": "s", "t5": []any{},
			"t6": true, "t7": 2.0, "t8": "", "t9": false}
	}
	var seen []string
	test := func(stop string) *KeyTest {
		return &KeyTest{Fn: func(k string) bool { seen = append(seen, k); return k == stop }}
	}
	run := func(kt *KeyTest, v any) ([]string, bool) {
		seen = nil
		want, err := Append(nil, v)
		require.NoError(t, err)
		got, hit, err := AppendTested(nil, v, kt, 0)
		require.NoError(t, err)
		require.Equal(t, string(want), string(got))
		return seen, hit
	}
	for range staleAfter + 2 { // keeps the shape, in place of one another test left for the size
		_, _ = run(nil, obj("in"))
	}
	all := []string{"t1", "t2", "in", "t3", "t4", "t5", "t6", "t7", "t8", "t9"}

	clean := test("")
	got, hit := run(clean, obj("in"))
	require.False(t, hit)
	require.Equal(t, all, got, "the first object shows every key")
	got, hit = run(clean, obj("in"))
	require.False(t, hit)
	require.Equal(t, []string{"in"}, got, "then only the keys inside its values")

	hits := test("t4")
	for range 2 {
		got, hit = run(hits, obj("in"))
		require.True(t, hit)
		require.Equal(t, all[:5], got)
	}
	inner := test("in")
	for range 2 {
		got, hit = run(inner, obj("in"))
		require.True(t, hit)
		require.Equal(t, all[:3], got)
	}
	got, hit = run(inner, obj("other")) // its own keys never all passed it: seen again
	require.False(t, hit)
	require.Equal(t, []string{"t1", "t2", "other", "t3", "t4", "t5", "t6", "t7", "t8", "t9"}, got)
	got, hit = run(inner, obj("in"))
	require.True(t, hit, "a key inside a value is tested every time")
	require.Equal(t, []string{"in"}, got)
	got, hit = run(test(""), obj("in"))
	require.False(t, hit)
	require.Equal(t, all, got, "another test sees every key")
}
