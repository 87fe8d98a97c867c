package state

import (
	"math/rand/v2"
	"slices"
	"strings"
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
		} else if _, had := want[k]; had && rng.IntN(2) == 0 {
			tr = tr.replace(k, step) // an update in place, as builder.put does
			want[k] = step
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
	checkTreeShape(t, tr)
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

// checkTreeShape requires every node's size to count its subtree and its priority to be at least its children's.
func checkTreeShape(t *testing.T, tr *tree[int, int]) int {
	if tr == nil {
		return 0
	}
	for _, c := range []*tree[int, int]{tr.left, tr.right} {
		if c != nil {
			require.LessOrEqual(t, c.pri, tr.pri)
		}
	}
	n := 1 + checkTreeShape(t, tr.left) + checkTreeShape(t, tr.right)
	require.Equal(t, n, tr.size)
	return n
}

// TestTreeRankAndBelow compares rank (keys below k) and below (the greatest key under k) with a sorted slice,
// for bounds inside, between, before and after the keys.
func TestTreeRankAndBelow(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	var tr *tree[int, int]
	set := map[int]bool{}
	for range 500 {
		k := rng.IntN(1000) * 2 // even keys: odd bounds fall between them
		tr = tr.set(k, -k, mix(uint64(k)))
		set[k] = true
	}
	keys := slices.Sorted(func(yield func(int) bool) {
		for k := range set {
			if !yield(k) {
				return
			}
		}
	})
	for _, bound := range []int{-1, 0, 1, 2, 3, 500, 501, 1997, 1998, 1999, 5000} {
		n, _ := slices.BinarySearch(keys, bound)
		require.Equal(t, n, tr.rank(bound), "rank %d", bound)
		k, v, ok := tr.below(bound)
		require.Equal(t, n > 0, ok, "below %d", bound)
		if n > 0 {
			require.Equal(t, keys[n-1], k, "below %d", bound)
			require.Equal(t, -keys[n-1], v)
		}
	}
	var empty *tree[int, int]
	require.Zero(t, empty.rank(5))
	_, _, ok := empty.below(5)
	require.False(t, ok)
}

// TestGetByKey: the lookup that builds a key's order on the stack finds what the tree holds under keyOrder(key),
// for keys with scopes, integers, NUL bytes, and lengths beyond its buffer.
func TestGetByKey(t *testing.T) {
	keys := []string{"", "1", "01", "42", "a", "a/1", "a/b/7", "a\x00b/1", "\x00", "x/\x00", strings.Repeat("k", 200),
		strings.Repeat("s/", 50) + "9", "497f6eca-6276-4993-bfeb-53cbbbba6f08", "123456789012345678", "1234567890123456789"}
	var tr *tree[string, *storedEntry]
	for i, k := range keys {
		if i%2 == 0 {
			tr = tr.set(keyOrder(k), &storedEntry{key: k}, strPri(k))
		}
	}
	for i, k := range keys {
		e, ok := getByKey(tr, k)
		require.Equal(t, i%2 == 0, ok, "%q", k)
		if ok {
			require.Equal(t, k, e.key)
		}
		want, wantOK := tr.get(keyOrder(k))
		require.Equal(t, wantOK, ok)
		require.Equal(t, want, e)
	}
}
