package state

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// TestMemOverlayVersions: versions made by puts to one collection share the map of the version before (mem.over),
// and every version still reads as its own: an older version never sees a later write, and writes to another
// collection, deletes and new collections read the same as with a map of their own.
func TestMemOverlayVersions(t *testing.T) {
	put := func(coll, key string, v float64) Op {
		return Op{Kind: OpPut, Coll: coll, Key: key, Record: Record{"v": v}}
	}
	read := func(m *mem, coll, key string) any {
		rec, err := m.Get(coll, key)
		if err != nil {
			return nil
		}
		return rec["v"]
	}
	v0 := newMemFrom(State{"a": {{Key: "1", Record: Record{"v": 1.0}}}, "b": {{Key: "1", Record: Record{"v": 10.0}}}}, true)
	v1 := v0.apply([]Op{put("a", "1", 2)}, v0)
	require.NotNil(t, v1.over, "a put to one collection shares the map")
	v2 := v1.apply([]Op{put("a", "2", 3)}, v0)
	require.NotNil(t, v2.over)
	v3 := v2.apply([]Op{put("b", "1", 11)}, v0) // another collection: a map of its own
	v4 := v3.apply([]Op{put("c", "1", 20)}, v0) // a new collection
	v5 := v4.apply([]Op{put("a", "1", 4), put("c", "2", 21)}, v0)
	v6 := v5.apply([]Op{{Kind: OpDelete, Coll: "c", Key: "1"}, {Kind: OpDelete, Coll: "c", Key: "2"}}, v0)

	require.Equal(t, 1.0, read(v0, "a", "1"))
	require.Nil(t, read(v0, "a", "2"))
	require.Equal(t, 2.0, read(v1, "a", "1"))
	require.Nil(t, read(v1, "a", "2"))
	require.Equal(t, 3.0, read(v2, "a", "2"))
	require.Equal(t, 10.0, read(v2, "b", "1"))
	require.Equal(t, 11.0, read(v3, "b", "1"))
	require.Equal(t, 3.0, read(v3, "a", "2"))
	require.Equal(t, 2.0, read(v4, "a", "1"))
	require.Equal(t, 20.0, read(v4, "c", "1"))
	require.Equal(t, 4.0, read(v5, "a", "1"))
	require.Equal(t, 2.0, read(v4, "a", "1"), "an older version never sees a later write")
	require.Equal(t, 21.0, read(v5, "c", "2"))

	for _, c := range []struct {
		m     *mem
		colls []string
		lenA  int
	}{{v0, []string{"a", "b"}, 1}, {v1, []string{"a", "b"}, 1}, {v2, []string{"a", "b"}, 2},
		{v4, []string{"a", "b", "c"}, 2}, {v5, []string{"a", "b", "c"}, 2}, {v6, []string{"a", "b"}, 2}} {
		got, err := c.m.Collections()
		require.NoError(t, err)
		require.Equal(t, c.colls, got)
		n, err := c.m.Len("a")
		require.NoError(t, err)
		require.Equal(t, c.lenA, n)
		require.Len(t, c.m.state(), len(c.colls))
	}
	require.Equal(t, v4.state()["a"], []Entry{{Key: "1", Record: Record{"v": 2.0}}, {Key: "2", Record: Record{"v": 3.0}}})
	// the seed's delta reads the overlaid collection
	d := delta("s", v0, v2)
	require.Empty(t, d.Deletes)
	require.Equal(t, State{"a": {{Key: "1", Record: Record{"v": 2.0}}, {Key: "2", Record: Record{"v": 3.0}}}}, d.Puts)
}
