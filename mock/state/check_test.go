package state

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// countCheck is the check of the tests: collection "gone/y" no longer exists, and "n" must be a number.
func countCheck(coll, _ string, rec Record) error {
	if coll == "gone/y" {
		return errors.New("the served specs have no collection gone/y")
	}
	if _, ok := rec["n"].(float64); !ok {
		return errors.New("n is not a number")
	}
	return nil
}

// storedFixture fills a mapStore as another back end would hold it after the spec changed: session s with a
// good record, a bad one and a collection the spec dropped; snapshot snap with a good and a bad record.
func storedFixture() *mapStore {
	ms := newMapStore()
	ms.sessions["s"] = State{
		"a/x": {
			{Key: "good", Record: Record{"id": "good", "n": 1.0}},
			{Key: "bad", Record: Record{"id": "bad", "n": "one"}},
		},
		"gone/y": {{Key: "1", Record: Record{"id": "1", "n": 1.0}}},
	}
	ms.sessions["t"] = State{"a/x": {{Key: "fine", Record: Record{"id": "fine", "n": 2.0}}}}
	ms.snapshots["snap"] = Snapshot{Name: "snap", Session: "s", SavedAt: testTime, State: State{"a/x": {
		{Key: "old", Record: Record{"id": "old"}},
		{Key: "kept", Record: Record{"id": "kept", "n": 3.0}},
	}}}
	return ms
}

func TestHubChecksACustomStoreAtOpen(t *testing.T) {
	tests := []struct {
		name     string
		check    func(coll, key string, rec Record) error
		rejected []Rejected
		served   map[string][]string // session -> keys of a/x still served
		snapKeys []string
	}{
		{
			name:  "with a check, what no longer fits is removed and reported",
			check: countCheck,
			rejected: []Rejected{
				{Session: "s", Coll: "a/x", Key: "bad", Reason: "n is not a number", Record: Record{"id": "bad", "n": "one"}},
				{Session: "s", Coll: "gone/y", Key: "1", Reason: "the served specs have no collection gone/y", Record: Record{"id": "1", "n": 1.0}},
				{Snapshot: "snap", Coll: "a/x", Key: "old", Reason: "n is not a number", Record: Record{"id": "old"}},
			},
			served:   map[string][]string{"s": {"good"}, "t": {"fine"}},
			snapKeys: []string{"kept"},
		},
		{
			name:     "without a check, everything stored is served",
			served:   map[string][]string{"s": {"good", "bad"}, "t": {"fine"}},
			snapKeys: []string{"old", "kept"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var logs bytes.Buffer
			h, err := NewHub(context.Background(), storedFixture(), State{}, HubOptions{
				Check: tt.check, Logger: slog.New(slog.NewTextHandler(&logs, nil))})
			require.NoError(t, err)
			t.Cleanup(func() { _ = h.Close() })
			require.Equal(t, tt.rejected, h.Rejected())
			for name, keys := range tt.served {
				got := []string{}
				for _, e := range listColl(t, session(t, h, name), "a/x") {
					got = append(got, e.Key)
				}
				require.Equal(t, keys, got, "session %s", name)
			}
			snap, err := h.Snapshot(context.Background(), "snap")
			require.NoError(t, err)
			got := []string{}
			for _, e := range snap.State["a/x"] {
				got = append(got, e.Key)
			}
			require.Equal(t, tt.snapKeys, got)
			if tt.check == nil {
				require.Empty(t, logs.String())
				return
			}
			require.Empty(t, listColl(t, session(t, h, "s"), "gone/y"), "a dropped collection is not served")
			require.Contains(t, logs.String(), "removed, not served")
			require.Contains(t, logs.String(), `record="{\"id\":\"bad\",\"n\":\"one\"}"`, "the record is in the report")
		})
	}
}

func TestHubHandsItsCheckToTheMemoryStore(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.jsonl")
	h := mustOpenFile(t, path, MemoryOptions{})
	s := session(t, h, "s")
	put(t, s, "a/x", "good", Record{"id": "good", "n": 1.0})
	put(t, s, "a/x", "bad", Record{"id": "bad", "n": "one"})
	require.NoError(t, h.Close())

	h2, err := NewHub(context.Background(), NewMemory(MemoryOptions{File: path}), State{}, HubOptions{Check: countCheck})
	require.NoError(t, err)
	t.Cleanup(func() { _ = h2.Close() })
	require.Empty(t, h2.Rejected(), "the memory store is a Checker: it quarantines, the hub does not check again")
	s2 := session(t, h2, "s")
	_, err = get(t, s2, "a/x", "bad")
	require.ErrorIs(t, err, ErrNotFound, "a record that no longer fits is not served")
	_, err = get(t, s2, "a/x", "good")
	require.NoError(t, err)
	q, err := os.ReadFile(path + ".quarantine")
	require.NoError(t, err)
	require.Contains(t, string(q), "n is not a number")
}
