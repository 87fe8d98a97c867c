package mock

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestStateMemStore(t *testing.T) {
	ctx := t.Context()
	tests := []struct {
		name string
		run  func(t *testing.T, m *memStore)
	}{
		{"put then get", func(t *testing.T, m *memStore) {
			require.NoError(t, m.Put(ctx, "a/x", "1", Record{"id": "1", "n": 1.0}))
			got, err := m.Get(ctx, "a/x", "1")
			require.NoError(t, err)
			require.Equal(t, Record{"id": "1", "n": 1.0}, got)
		}},
		{"missing", func(t *testing.T, m *memStore) {
			_, err := m.Get(ctx, "a/x", "nope")
			require.ErrorIs(t, err, ErrNotFound)
			require.ErrorIs(t, m.Delete(ctx, "a/x", "nope"), ErrNotFound)
			entries, err := m.List(ctx, "a/unknown")
			require.NoError(t, err)
			require.Empty(t, entries)
		}},
		{"list keeps insertion order and replacing keeps the place", func(t *testing.T, m *memStore) {
			for _, k := range []string{"c", "a", "b"} {
				require.NoError(t, m.Put(ctx, "a/x", k, Record{"id": k}))
			}
			require.NoError(t, m.Put(ctx, "a/x", "c", Record{"id": "c", "v": 2.0}))
			entries, err := m.List(ctx, "a/x")
			require.NoError(t, err)
			require.Equal(t, []Entry{{"c", Record{"id": "c", "v": 2.0}}, {"a", Record{"id": "a"}}, {"b", Record{"id": "b"}}}, entries)
		}},
		{"copies in", func(t *testing.T, m *memStore) {
			rec := Record{"id": "1", "tags": []any{"x"}, "o": map[string]any{"k": "v"}}
			require.NoError(t, m.Put(ctx, "a/x", "1", rec))
			rec["tags"].([]any)[0] = "changed"
			rec["o"].(map[string]any)["k"] = "changed"
			got, _ := m.Get(ctx, "a/x", "1")
			require.Equal(t, []any{"x"}, got["tags"])
			require.Equal(t, "v", got["o"].(map[string]any)["k"])
		}},
		{"copies out", func(t *testing.T, m *memStore) {
			require.NoError(t, m.Put(ctx, "a/x", "1", Record{"id": "1", "tags": []any{"x"}}))
			got, _ := m.Get(ctx, "a/x", "1")
			got["tags"].([]any)[0] = "changed"
			entries, _ := m.List(ctx, "a/x")
			entries[0].Record["id"] = "changed"
			st, _ := m.Snapshot(ctx)
			st["a/x"][0].Record["tags"] = nil
			again, _ := m.Get(ctx, "a/x", "1")
			require.Equal(t, Record{"id": "1", "tags": []any{"x"}}, again)
		}},
		{"delete", func(t *testing.T, m *memStore) {
			require.NoError(t, m.Put(ctx, "a/x", "1", Record{"id": "1"}))
			require.NoError(t, m.Delete(ctx, "a/x", "1"))
			_, err := m.Get(ctx, "a/x", "1")
			require.ErrorIs(t, err, ErrNotFound)
		}},
		{"reset replaces everything", func(t *testing.T, m *memStore) {
			require.NoError(t, m.Put(ctx, "a/x", "1", Record{"id": "1"}))
			require.NoError(t, m.Reset(ctx, State{"a/y": {{Key: "2", Record: Record{"id": "2"}}}}))
			st, err := m.Snapshot(ctx)
			require.NoError(t, err)
			require.Equal(t, State{"a/y": {{Key: "2", Record: Record{"id": "2"}}}}, st)
		}},
		{"a cancelled context is refused", func(t *testing.T, m *memStore) {
			cctx, cancel := context.WithCancel(ctx)
			cancel()
			require.True(t, errors.Is(m.Put(cctx, "a/x", "1", Record{}), context.Canceled))
			_, err := m.Get(cctx, "a/x", "1")
			require.ErrorIs(t, err, context.Canceled)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.run(t, newMemStore()) })
	}
}

func TestStateForkIsCopyOnWrite(t *testing.T) {
	ctx := t.Context()
	seed := newMemStoreFrom(State{
		"a/x": {{Key: "1", Record: Record{"id": "1", "v": "seed"}}},
		"a/y": {{Key: "9", Record: Record{"id": "9"}}},
	})
	one, two := seed.fork(), seed.fork()
	require.NoError(t, one.Put(ctx, "a/x", "1", Record{"id": "1", "v": "one"}))
	require.NoError(t, one.Put(ctx, "a/x", "2", Record{"id": "2"}))
	require.NoError(t, two.Delete(ctx, "a/x", "1"))

	tests := []struct {
		name  string
		store *memStore
		want  []Entry
	}{
		{"seed untouched", seed, []Entry{{"1", Record{"id": "1", "v": "seed"}}}},
		{"first fork", one, []Entry{{"1", Record{"id": "1", "v": "one"}}, {"2", Record{"id": "2"}}}},
		{"second fork", two, []Entry{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.store.List(ctx, "a/x")
			require.NoError(t, err)
			require.Equal(t, tt.want, got)
			y, err := tt.store.List(ctx, "a/y")
			require.NoError(t, err)
			require.Len(t, y, 1, "an unwritten collection stays shared")
		})
	}
	require.True(t, one.shared["a/y"])
	require.False(t, one.shared["a/x"])
}
