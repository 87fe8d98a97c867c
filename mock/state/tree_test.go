package state

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestTreeMatchesAMap applies random sets and deletes to a tree and to a map and requires the same content, in
// order, after each step; old versions must not change.
func TestTreeMatchesAMap(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var tr *tree[int, int]
	want := map[int]int{}
	type version struct {
		t    *tree[int, int]
		keys []int
	}
	var versions []version
	for step := range 3000 {
		k := rng.IntN(400)
		if rng.IntN(3) == 0 {
			var ok bool
			tr, ok = tr.del(k)
			_, had := want[k]
			require.Equal(t, had, ok, "step %d: del %d", step, k)
			delete(want, k)
		} else {
			tr = tr.set(k, step, mix(uint64(k)))
			want[k] = step
		}
		if step%97 == 0 {
			keys := slices.Sorted(func(yield func(int) bool) {
				for k := range want {
					if !yield(k) {
						return
					}
				}
			})
			versions = append(versions, version{tr, keys})
		}
	}
	require.Equal(t, len(want), tr.len())
	for k, v := range want {
		got, ok := tr.get(k)
		require.True(t, ok)
		require.Equal(t, v, got)
	}
	for _, v := range versions {
		var got []int
		v.t.each(0, func(k, _ int) bool { got = append(got, k); return true })
		require.Equal(t, v.keys, got, "an old version is intact")
	}
	all := []int{}
	tr.each(0, func(k, _ int) bool { all = append(all, k); return true })
	for _, skip := range []int{0, 1, 7, len(all) - 1, len(all), len(all) + 5} {
		var got []int
		tr.each(skip, func(k, _ int) bool { got = append(got, k); return len(got) < 3 })
		wantPage := all[min(skip, len(all)):min(skip+3, len(all))]
		if len(wantPage) == 0 {
			wantPage = nil
		}
		require.Equal(t, wantPage, got, "skip %d", skip)
	}
	k, _, ok := tr.last()
	require.True(t, ok)
	require.Equal(t, all[len(all)-1], k)
}
