package state

import (
	"context"
	"fmt"
	"path/filepath"
	"reflect"
	"runtime"
	"testing"

	"github.com/stretchr/testify/require"
)

// patchFields commits fields set over the record stored under key, as an update of a few fields does: LookupParts,
// then PutPatched with the earlier fields and the new ones.
func patchFields(t testing.TB, s *Session, coll, key string, set ...Field) {
	t.Helper()
	require.NoError(t, s.Update(context.Background(), func(tx *Tx) error {
		p, err := tx.LookupParts(coll, key)
		if err != nil {
			return err
		}
		next := append([]Field(nil), p.Over...)
	fields:
		for _, f := range set {
			for i := range next {
				if next[i].Key == f.Key {
					next[i].Value = f.Value
					continue fields
				}
			}
			next = append(next, f)
		}
		return tx.PutPatched(coll, key, Patched{Base: p.Base, Over: next, Text: p.Text})
	}))
}

func TestPatchedRecords(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name string
		run  func(t *testing.T, h *Hub, s *Session)
	}{
		{"readers see one record, the base is left alone", func(t *testing.T, h *Hub, s *Session) {
			base := Record{"id": "1", "name": "a", "tags": []any{"x"}}
			put(t, s, "a/x", "1", base)
			patchFields(t, s, "a/x", "1", Field{Key: "name", Value: "b"}, Field{Key: "added", Value: 2.0})
			patchFields(t, s, "a/x", "1", Field{Key: "name", Value: "c"})
			want := Record{"id": "1", "name": "c", "tags": []any{"x"}, "added": 2.0}
			require.NoError(t, s.View(ctx, func(tx *Tx) error {
				p, err := tx.LookupParts("a/x", "1")
				require.NoError(t, err)
				require.Equal(t, Record{"id": "1", "name": "a", "tags": []any{"x"}}, p.Base, "the base is the record first stored")
				require.Equal(t, []Field{{Key: "name", Value: "c"}, {Key: "added", Value: 2.0}}, p.Over)
				return nil
			}))
			got, err := get(t, s, "a/x", "1")
			require.NoError(t, err)
			require.Equal(t, want, got)
			require.Equal(t, []Entry{{"1", want}}, listColl(t, s, "a/x"))
			require.Equal(t, State{"a/x": {{"1", want}}}, snapshot(t, s))
			require.NoError(t, s.View(ctx, func(tx *Tx) error {
				again, err := tx.Lookup("a/x", "1")
				require.NoError(t, err)
				first, err := tx.Lookup("a/x", "1")
				require.NoError(t, err)
				require.Equal(t, want, again)
				require.True(t, sameMap(again, first), "a record made one map once is kept")
				whole, err := tx.LookupParts("a/x", "1")
				require.NoError(t, err)
				require.True(t, sameMap(whole.Base, first), "and is the base of the next update, which lets the old base go")
				require.Nil(t, whole.Over)
				return nil
			}))
		}},
		{"the transaction reads its own patch", func(t *testing.T, h *Hub, s *Session) {
			put(t, s, "a/x", "1", Record{"id": "1", "n": 1.0})
			require.NoError(t, s.Update(ctx, func(tx *Tx) error {
				p, err := tx.LookupParts("a/x", "1")
				require.NoError(t, err)
				text := new(BaseText)
				require.NoError(t, tx.PutPatched("a/x", "1", Patched{Base: p.Base, Over: []Field{{Key: "n", Value: 2.0}}, Text: text}))
				got, err := tx.Get("a/x", "1")
				require.NoError(t, err)
				require.Equal(t, Record{"id": "1", "n": 2.0}, got)
				var seen []Record
				require.NoError(t, tx.Scan("a/x", func(_ string, rec Record) bool { seen = append(seen, rec); return true }))
				require.Equal(t, []Record{{"id": "1", "n": 2.0}}, seen)
				again, err := tx.LookupParts("a/x", "1")
				require.NoError(t, err)
				require.Equal(t, Record{"id": "1", "n": 1.0}, again.Base)
				require.Equal(t, []Field{{Key: "n", Value: 2.0}}, again.Over)
				require.Same(t, text, again.Text, "the base's kept text goes with it")
				return tx.Put("a/x", "1", Record{"id": "1", "whole": true}) // a whole record replaces the patch
			}))
			got, err := get(t, s, "a/x", "1")
			require.NoError(t, err)
			require.Equal(t, Record{"id": "1", "whole": true}, got)
		}},
		{"a snapshot keeps the record it saw", func(t *testing.T, h *Hub, s *Session) {
			put(t, s, "a/x", "1", Record{"id": "1", "n": 1.0})
			patchFields(t, s, "a/x", "1", Field{Key: "n", Value: 2.0})
			_, err := h.SaveSnapshot(ctx, "snap", s, testTime)
			require.NoError(t, err)
			patchFields(t, s, "a/x", "1", Field{Key: "n", Value: 3.0})
			snap, err := h.Snapshot(ctx, "snap")
			require.NoError(t, err)
			require.Equal(t, State{"a/x": {{"1", Record{"id": "1", "n": 2.0}}}}, snap.State)
			require.NoError(t, h.RestoreSnapshot(ctx, "snap", s))
			got, err := get(t, s, "a/x", "1")
			require.NoError(t, err)
			require.Equal(t, Record{"id": "1", "n": 2.0}, got)
		}},
		{"a patched record deleted and put again", func(t *testing.T, h *Hub, s *Session) {
			put(t, s, "a/x", "1", Record{"id": "1"})
			put(t, s, "a/x", "2", Record{"id": "2"})
			patchFields(t, s, "a/x", "1", Field{Key: "n", Value: 1.0})
			require.NoError(t, s.Update(ctx, func(tx *Tx) error { return tx.Delete("a/x", "1") }))
			_, err := get(t, s, "a/x", "1")
			require.ErrorIs(t, err, ErrNotFound)
			put(t, s, "a/x", "1", Record{"id": "1", "back": true})
			require.Equal(t, []Entry{{"2", Record{"id": "2"}}, {"1", Record{"id": "1", "back": true}}}, listColl(t, s, "a/x"))
		}},
		{"a patch of a missing record is refused", func(t *testing.T, h *Hub, s *Session) {
			err := s.Update(ctx, func(tx *Tx) error {
				_, err := tx.LookupParts("a/x", "nope")
				return err
			})
			require.ErrorIs(t, err, ErrNotFound)
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newTestHub(t, nil, MemoryOptions{})
			tc.run(t, h, session(t, h, "s"))
		})
	}
}

// sameMap reports whether a and b are the same map, not equal ones.
func sameMap(a, b Record) bool {
	return reflect.ValueOf(a).UnsafePointer() == reflect.ValueOf(b).UnsafePointer()
}

// TestPatchedRecordsInTheStateFile: the state file holds the record a patch made, whole, and a restart reads it
// back (with and without compaction).
func TestPatchedRecordsInTheStateFile(t *testing.T) {
	for _, compact := range []bool{false, true} {
		path := filepath.Join(t.TempDir(), "state.jsonl")
		h := mustOpenFile(t, path, MemoryOptions{})
		s := session(t, h, "s")
		put(t, s, "a/x", "9", Record{"id": "9", "n": 1.0})
		patchFields(t, s, "a/x", "9", Field{Key: "n", Value: 2.0}, Field{Key: "m", Value: "new"})
		patchFields(t, s, "a/x", "9", Field{Key: "n", Value: 3.0})
		if compact {
			require.NoError(t, h.Compact(context.Background()))
		}
		want := snapshot(t, s)
		require.Equal(t, Record{"id": "9", "n": 3.0, "m": "new"}, recordOf(want["a/x"], "9"))
		require.NoError(t, h.Close())

		h2 := mustOpenFile(t, path, MemoryOptions{})
		require.Equal(t, want, snapshot(t, session(t, h2, "s")), "compacted: %v", compact)
	}
}

func recordOf(entries []Entry, key string) Record {
	for _, e := range entries {
		if e.Key == key {
			return e.Record
		}
	}
	return nil
}

// TestPatchingAPatchedRecordCopiesNothing: reading a record's parts, checking it is there and storing new fields
// over it never makes the record one map (2 KB and more for a record of 30 fields), however often it is
// patched.
func TestPatchingAPatchedRecordCopiesNothing(t *testing.T) {
	h := newTestHub(t, nil, MemoryOptions{})
	s := session(t, h, "s")
	rec := Record{}
	for i := range 30 {
		rec[fmt.Sprintf("field%02d", i)] = fmt.Sprint(i)
	}
	put(t, s, "a/x", "1", rec)
	ctx := context.Background()
	n := 0
	step := func() {
		n++
		require.NoError(t, s.Update(ctx, func(tx *Tx) error {
			if ok, err := tx.Has("a/x", "1"); !ok || err != nil {
				return fmt.Errorf("not found: %v", err)
			}
			p, err := tx.LookupParts("a/x", "1")
			if err != nil {
				return err
			}
			next := make([]Field, 0, 2)
			for _, f := range p.Over {
				if f.Key != "field03" {
					next = append(next, f)
				}
			}
			return tx.PutPatched("a/x", "1", Patched{Base: p.Base, Over: append(next, Field{Key: "field03", Value: float64(n)})})
		}))
	}
	step()
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	const rounds = 200
	for range rounds {
		step()
	}
	runtime.ReadMemStats(&after)
	perStep := (after.TotalAlloc - before.TotalAlloc) / rounds
	require.Less(t, perStep, uint64(1500), "bytes allocated per patch: the record was made one map")
	got, err := get(t, s, "a/x", "1")
	require.NoError(t, err)
	require.Equal(t, float64(n), got["field03"])
	require.Equal(t, "29", got["field29"])
}
