package state

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestTx(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name string
		run  func(t *testing.T, s *Session)
	}{
		{"put then get", func(t *testing.T, s *Session) {
			put(t, s, "a/x", "1", Record{"id": "1", "n": 1.0})
			got, err := get(t, s, "a/x", "1")
			require.NoError(t, err)
			require.Equal(t, Record{"id": "1", "n": 1.0}, got)
		}},
		{"missing", func(t *testing.T, s *Session) {
			_, err := get(t, s, "a/x", "nope")
			require.ErrorIs(t, err, ErrNotFound)
			err = s.Update(ctx, func(tx *Tx) error { return tx.Delete("a/x", "nope") })
			require.ErrorIs(t, err, ErrNotFound)
			require.Empty(t, listColl(t, s, "a/unknown"))
		}},
		{"scan keeps insertion order and replacing keeps the place", func(t *testing.T, s *Session) {
			for _, k := range []string{"c", "a", "b"} {
				put(t, s, "a/x", k, Record{"id": k})
			}
			put(t, s, "a/x", "c", Record{"id": "c", "v": 2.0})
			require.Equal(t, []Entry{{"c", Record{"id": "c", "v": 2.0}}, {"a", Record{"id": "a"}}, {"b", Record{"id": "b"}}},
				listColl(t, s, "a/x"))
		}},
		{"a deleted key put again goes last", func(t *testing.T, s *Session) {
			for _, k := range []string{"a", "b"} {
				put(t, s, "a/x", k, Record{"id": k})
			}
			require.NoError(t, s.Update(ctx, func(tx *Tx) error {
				if err := tx.Delete("a/x", "a"); err != nil {
					return err
				}
				return tx.Put("a/x", "a", Record{"id": "a", "v": 1.0})
			}))
			require.Equal(t, []Entry{{"b", Record{"id": "b"}}, {"a", Record{"id": "a", "v": 1.0}}}, listColl(t, s, "a/x"))
		}},
		{"one transaction writing several keys of several collections reads its own writes", func(t *testing.T, s *Session) {
			put(t, s, "a/x", "base", Record{"id": "base"})
			require.NoError(t, s.Update(ctx, func(tx *Tx) error {
				for _, w := range []struct{ coll, key string }{{"a/x", "k1"}, {"a/y", "j1"}, {"a/x", "k2"}, {"a/z", "i1"},
					{"a/y", "j2"}, {"a/x", "base"}} {
					require.NoError(t, tx.Put(w.coll, w.key, Record{"id": w.key, "c": w.coll}))
				}
				require.NoError(t, tx.Delete("a/x", "k1"))
				require.NoError(t, tx.Delete("a/y", "j2"))
				require.NoError(t, tx.Put("a/x", "k1", Record{"id": "k1", "again": true}))
				var keys []string
				require.NoError(t, tx.Scan("a/x", func(k string, _ Record) bool { keys = append(keys, k); return true }))
				require.Equal(t, []string{"base", "k2", "k1"}, keys)
				n, err := tx.Len("a/y")
				require.NoError(t, err)
				require.Equal(t, 1, n)
				names, err := tx.Collections()
				require.NoError(t, err)
				require.Equal(t, []string{"a/x", "a/y", "a/z"}, names)
				_, err = tx.Get("a/y", "j2")
				require.ErrorIs(t, err, ErrNotFound)
				return nil
			}))
			require.Equal(t, []Entry{{"base", Record{"id": "base", "c": "a/x"}}, {"k2", Record{"id": "k2", "c": "a/x"}},
				{"k1", Record{"id": "k1", "again": true}}}, listColl(t, s, "a/x"))
			require.Equal(t, []Entry{{"j1", Record{"id": "j1", "c": "a/y"}}}, listColl(t, s, "a/y"))
			require.Equal(t, []Entry{{"i1", Record{"id": "i1", "c": "a/z"}}}, listColl(t, s, "a/z"))
		}},
		{"copies in", func(t *testing.T, s *Session) {
			rec := Record{"id": "1", "tags": []any{"x"}, "o": map[string]any{"k": "v"}}
			put(t, s, "a/x", "1", rec)
			rec["tags"].([]any)[0] = "changed"
			rec["o"].(map[string]any)["k"] = "changed"
			got, _ := get(t, s, "a/x", "1")
			require.Equal(t, []any{"x"}, got["tags"])
			require.Equal(t, "v", got["o"].(map[string]any)["k"])
		}},
		{"copies out", func(t *testing.T, s *Session) {
			put(t, s, "a/x", "1", Record{"id": "1", "tags": []any{"x"}})
			got, _ := get(t, s, "a/x", "1")
			got["tags"].([]any)[0] = "changed"
			st := snapshot(t, s)
			st["a/x"][0].Record["tags"] = nil
			again, _ := get(t, s, "a/x", "1")
			require.Equal(t, Record{"id": "1", "tags": []any{"x"}}, again)
		}},
		{"delete", func(t *testing.T, s *Session) {
			put(t, s, "a/x", "1", Record{"id": "1"})
			require.NoError(t, s.Update(ctx, func(tx *Tx) error { return tx.Delete("a/x", "1") }))
			_, err := get(t, s, "a/x", "1")
			require.ErrorIs(t, err, ErrNotFound)
		}},
		{"reset replaces everything", func(t *testing.T, s *Session) {
			put(t, s, "a/x", "1", Record{"id": "1"})
			require.NoError(t, s.Update(ctx, func(tx *Tx) error {
				return tx.Reset(State{"a/y": {{Key: "2", Record: Record{"id": "2"}}}})
			}))
			require.Equal(t, State{"a/y": {{Key: "2", Record: Record{"id": "2"}}}}, snapshot(t, s))
		}},
		{"replace collection", func(t *testing.T, s *Session) {
			put(t, s, "a/x", "1", Record{"id": "1"})
			put(t, s, "a/y", "9", Record{"id": "9"})
			require.NoError(t, s.Update(ctx, func(tx *Tx) error {
				return tx.ReplaceCollection("a/x", []Entry{{Key: "3", Record: Record{"id": "3"}}, {Key: "2", Record: Record{"id": "2"}}})
			}))
			require.Equal(t, State{
				"a/x": {{Key: "3", Record: Record{"id": "3"}}, {Key: "2", Record: Record{"id": "2"}}},
				"a/y": {{Key: "9", Record: Record{"id": "9"}}},
			}, snapshot(t, s))
		}},
		{"a transaction reads its own writes", func(t *testing.T, s *Session) {
			put(t, s, "a/x", "1", Record{"id": "1"})
			require.NoError(t, s.Update(ctx, func(tx *Tx) error {
				require.NoError(t, tx.Put("a/x", "2", Record{"id": "2"}))
				require.NoError(t, tx.Delete("a/x", "1"))
				has, err := tx.Has("a/x", "1")
				require.NoError(t, err)
				require.False(t, has)
				n, err := tx.Len("a/x")
				require.NoError(t, err)
				require.Equal(t, 2, n, "the seed's record and the new one")
				require.NoError(t, tx.ResetToSeed())
				n, err = tx.Len("a/x")
				require.NoError(t, err)
				require.Equal(t, 1, n, "the seed holds one record")
				_, err = tx.Get("a/x", "seed")
				return err
			}))
			require.Equal(t, []Entry{{"seed", Record{"id": "seed"}}}, listColl(t, s, "a/x"))
		}},
		{"a failed transaction leaves nothing visible", func(t *testing.T, s *Session) {
			before := snapshot(t, s)
			boom := errors.New("boom")
			err := s.Update(ctx, func(tx *Tx) error {
				require.NoError(t, tx.Put("a/x", "new", Record{"id": "new"}))
				require.NoError(t, tx.Delete("a/x", "seed"))
				require.NoError(t, tx.Reset(State{}))
				return boom
			})
			require.ErrorIs(t, err, boom)
			require.Equal(t, before, snapshot(t, s))
		}},
		{"a view cannot write", func(t *testing.T, s *Session) {
			err := s.View(ctx, func(tx *Tx) error { return tx.Put("a/x", "1", Record{}) })
			require.ErrorIs(t, err, ErrReadOnly)
		}},
		{"a cancelled context is refused", func(t *testing.T, s *Session) {
			cctx, cancel := context.WithCancel(ctx)
			cancel()
			err := s.Update(cctx, func(tx *Tx) error { return tx.Put("a/x", "1", Record{}) })
			require.ErrorIs(t, err, context.Canceled)
			err = s.View(cctx, func(tx *Tx) error { _, err := tx.Get("a/x", "1"); return err })
			require.ErrorIs(t, err, context.Canceled)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newTestHub(t, State{"a/x": {{Key: "seed", Record: Record{"id": "seed"}}}}, MemoryOptions{})
			s := session(t, h, "s")
			if tt.name != "a failed transaction leaves nothing visible" && tt.name != "a transaction reads its own writes" {
				require.NoError(t, s.Update(ctx, func(tx *Tx) error { return tx.Reset(State{}) }))
			}
			tt.run(t, s)
		})
	}
}

func TestVersionsShareWhatTheyDoNotChange(t *testing.T) {
	seed := newMemFrom(State{
		"a/x": {{Key: "1", Record: Record{"id": "1", "v": "seed"}}},
		"a/y": {{Key: "9", Record: Record{"id": "9"}}},
	}, true)
	one := seed.apply([]Op{{Kind: OpPut, Coll: "a/x", Key: "1", Record: Record{"id": "1", "v": "one"}},
		{Kind: OpPut, Coll: "a/x", Key: "2", Record: Record{"id": "2"}}}, seed)
	two := seed.apply([]Op{{Kind: OpDelete, Coll: "a/x", Key: "1"}}, seed)
	back := one.apply([]Op{{Kind: OpSeed}}, seed)

	tests := []struct {
		name  string
		store *mem
		want  []Entry
	}{
		{"seed untouched", seed, []Entry{{"1", Record{"id": "1", "v": "seed"}}}},
		{"first version", one, []Entry{{"1", Record{"id": "1", "v": "one"}}, {"2", Record{"id": "2"}}}},
		{"second version", two, []Entry{}},
		{"back to the seed", back, []Entry{{"1", Record{"id": "1", "v": "seed"}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := []Entry{}
			require.NoError(t, tt.store.Scan("a/x", 0, func(key string, rec Record) bool {
				got = append(got, Entry{Key: key, Record: rec})
				return true
			}))
			require.Equal(t, tt.want, got)
			require.Same(t, seed.colls["a/y"], tt.store.colls["a/y"], "an unwritten collection is shared")
		})
	}
}

func TestMaxKeyOrdersIntegersByValue(t *testing.T) {
	m := newMemFrom(State{"a/x": {{Key: "9"}, {Key: "10"}, {Key: "2"}}, "a/y": {{Key: "9"}, {Key: "abc"}, {Key: "10"}}}, true)
	for coll, want := range map[string]string{"a/x": "10", "a/y": "abc", "a/z": ""} {
		got, ok, err := m.MaxKey(coll)
		require.NoError(t, err)
		require.Equal(t, want != "", ok)
		require.Equal(t, want, got, coll)
	}
}

// TestKeyOrderGroupsScopes checks the byKey order: scope first, then integers by value, then text; a NUL byte in
// a scope neither collides with nor sorts inside another scope.
func TestKeyOrderGroupsScopes(t *testing.T) {
	ordered := []string{"2", "10", "035", "abc", "a/b\x00/1", "a/b/3", "a/b/20", "a/b/x", "a/b/c/1", "a/c/1"}
	for i := 1; i < len(ordered); i++ {
		require.Less(t, keyOrder(ordered[i-1]), keyOrder(ordered[i]), "%q before %q", ordered[i-1], ordered[i])
	}
	seen := map[string]string{}
	for _, k := range []string{"a\x00/1", "a/1", "a\x00\x00/1", "a\x00\xff/1", "\x00", "\x00\x00", "1", "01"} {
		o := keyOrder(k)
		require.NotContains(t, seen, o, "%q and %q collide", k, seen[o])
		seen[o] = k
	}
}

// TestCountInAndMaxIntIn asks both questions of a committed collection (the tree answers) and of one the
// transaction has written (the scan answers): the answers must agree.
func TestCountInAndMaxIntIn(t *testing.T) {
	st := State{"a/x": {{Key: "9"}, {Key: "10"}, {Key: "035"}, {Key: "abc"}, {Key: "o/r/7"}, {Key: "o/r/12"},
		{Key: "o/r/zz"}, {Key: "o/r/5/1"}, {Key: "o/s/99"}}}
	tests := []struct {
		scope   string
		count   int
		maxInt  string
		written bool
	}{
		{"", 4, "10", false}, {"o/r/", 3, "o/r/12", false}, {"o/r/5/", 1, "o/r/5/1", false}, {"o/", 0, "", false},
		{"nope/", 0, "", false},
		{"", 5, "11", true}, {"o/r/", 3, "o/r/12", true}, {"o/s/", 1, "o/s/99", true},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%q written=%v", tt.scope, tt.written), func(t *testing.T) {
			tx := newTx(context.Background(), newMemFrom(st, true), emptyMem, true)
			if tt.written {
				require.NoError(t, tx.Put("a/x", "11", Record{}))
				require.NoError(t, tx.Put("a/x", "o/r/x", Record{}))
				require.NoError(t, tx.Delete("a/x", "o/r/zz"))
			}
			n, err := tx.CountIn("a/x", tt.scope)
			require.NoError(t, err)
			require.Equal(t, tt.count, n)
			k, ok, err := tx.MaxIntIn("a/x", tt.scope)
			require.NoError(t, err)
			require.Equal(t, tt.maxInt != "", ok)
			require.Equal(t, tt.maxInt, k)
		})
	}
}
