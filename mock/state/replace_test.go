package state

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestReplaceIsPutByPut requires the collection replace builds whole to be the one the same puts make one by
// one: the same trees, node for node (keys, priorities, sizes, sequence numbers, records), with repeated keys
// keeping their first place and their last record.
func TestReplaceIsPutByPut(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, n := range []int{0, 1, 2, 3, 10, 100, 2000} {
		entries := make([]Entry, n)
		for i := range entries {
			var key string
			switch rng.IntN(4) {
			case 0:
				key = fmt.Sprint(rng.IntN(n + 1)) // integers, some repeated
			case 1:
				key = fmt.Sprintf("k%d", rng.IntN(2*n+1))
			case 2:
				key = fmt.Sprintf("o/r/%d", rng.IntN(n+1)) // scoped
			default:
				key = fmt.Sprintf("%x", rng.Uint64())
			}
			entries[i] = Entry{Key: key, Record: Record{"i": float64(i)}}
		}
		if n > 0 {
			entries[n-1].Record = nil
		}
		base := &mem{colls: map[string]*collection{}, seq: 7}
		want := newBuilder(base)
		want.colls = map[string]*collection{"c": {}}
		for _, e := range entries {
			rec := e.Record
			if rec == nil {
				rec = Record{}
			}
			want.put("c", e.Key, rec, nil, nil)
		}
		got := newBuilder(base)
		got.replace("c", entries, false)
		require.Equal(t, want.seq, got.seq, "n=%d", n)
		wc, gc := want.colls["c"], got.colls["c"]
		sameTree(t, wc.byKey, gc.byKey)
		sameTree(t, wc.bySeq, gc.bySeq)
	}
}

func sameTree[K cmp.Ordered](t *testing.T, want, got *tree[K, *storedEntry]) {
	t.Helper()
	if want == nil || got == nil {
		require.True(t, want == nil && got == nil, "one tree ends before the other")
		return
	}
	require.Equal(t, want.k, got.k)
	require.Equal(t, want.pri, got.pri)
	require.Equal(t, want.size, got.size)
	require.Equal(t, want.v.seq, got.v.seq)
	require.Equal(t, want.v.key, got.v.key)
	require.Equal(t, want.v.rec, got.v.rec)
	sameTree(t, want.left, got.left)
	sameTree(t, want.right, got.right)
}
