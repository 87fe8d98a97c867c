package state

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// newTestHub opens a hub over an in-memory store with seed (nil: empty), closed when the test ends.
func newTestHub(t testing.TB, seed State, opts MemoryOptions) *Hub {
	t.Helper()
	if seed == nil {
		seed = State{}
	}
	h, err := NewHub(context.Background(), NewMemory(opts), seed, HubOptions{})
	require.NoError(t, err)
	t.Cleanup(func() { _ = h.Close() })
	return h
}

// session returns a session of h.
func session(t testing.TB, h *Hub, name string) *Session {
	t.Helper()
	s, err := h.Session(name)
	require.NoError(t, err)
	return s
}

// put commits one record.
func put(t testing.TB, s *Session, coll, key string, rec Record) {
	t.Helper()
	require.NoError(t, s.Update(context.Background(), func(tx *Tx) error { return tx.Put(coll, key, rec) }))
}

// get reads one record.
func get(t testing.TB, s *Session, coll, key string) (Record, error) {
	t.Helper()
	var rec Record
	err := s.View(context.Background(), func(tx *Tx) error {
		var err error
		rec, err = tx.Get(coll, key)
		return err
	})
	return rec, err
}

// snapshot reads the whole session.
func snapshot(t testing.TB, s *Session) State {
	t.Helper()
	var st State
	require.NoError(t, s.View(context.Background(), func(tx *Tx) error {
		var err error
		st, err = tx.Snapshot()
		return err
	}))
	return st
}

// listColl reads one collection.
func listColl(t testing.TB, s *Session, coll string) []Entry {
	t.Helper()
	entries := []Entry{}
	require.NoError(t, s.View(context.Background(), func(tx *Tx) error {
		return tx.Scan(coll, func(key string, rec Record) bool {
			entries = append(entries, Entry{Key: key, Record: DeepCopyRecord(rec)})
			return true
		})
	}))
	return entries
}

// testTime is a fixed time for snapshots.
var testTime = time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)
