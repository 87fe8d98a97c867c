package state

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

var testSeed = State{
	"a/x": {{Key: "1", Record: Record{"id": "1", "v": "seed"}}, {Key: "2", Record: Record{"id": "2", "v": "seed"}}},
	"a/y": {{Key: "9", Record: Record{"id": "9"}}},
}

// openFile opens a hub on the state file at path.
func openFile(t testing.TB, path string, opts MemoryOptions) (*Hub, error) {
	t.Helper()
	opts.File = path
	return NewHub(context.Background(), NewMemory(opts), CopyState(testSeed), HubOptions{})
}

// mustOpenFile opens a hub on path and closes it when the test ends.
func mustOpenFile(t testing.TB, path string, opts MemoryOptions) *Hub {
	t.Helper()
	h, err := openFile(t, path, opts)
	require.NoError(t, err)
	t.Cleanup(func() { _ = h.Close() })
	return h
}

func TestFileLockRefusesASecondServer(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.jsonl")
	first := mustOpenFile(t, path, MemoryOptions{})
	_, err := openFile(t, path, MemoryOptions{})
	require.ErrorContains(t, err, "is in use by process "+fmt.Sprint(os.Getpid()))
	require.ErrorContains(t, err, path+".lock")
	require.ErrorContains(t, err, "pass another --state-file")

	require.NoError(t, first.Close())
	second, err := openFile(t, path, MemoryOptions{})
	require.NoError(t, err, "the lock goes with the server that held it")
	require.NoError(t, second.Close())
}

func TestFileRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.jsonl")
	ctx := context.Background()
	h := mustOpenFile(t, path, MemoryOptions{})
	s := session(t, h, "s")
	put(t, s, "a/x", "3", Record{"id": "3"})
	require.NoError(t, s.Update(ctx, func(tx *Tx) error {
		if err := tx.Delete("a/x", "1"); err != nil {
			return err
		}
		return tx.Put("a/x", "2", Record{"id": "2", "v": "changed"})
	}))
	_, err := h.SaveSnapshot(ctx, "snap", s, testTime)
	require.NoError(t, err)
	put(t, session(t, h, "other"), "a/y", "8", Record{"id": "8"})
	require.NoError(t, h.Drop(ctx, "other"))
	want := snapshot(t, s)
	require.NoError(t, h.Close())

	h2 := mustOpenFile(t, path, MemoryOptions{})
	require.Equal(t, want, snapshot(t, session(t, h2, "s")))
	stored, err := h2.Stored(ctx)
	require.NoError(t, err)
	require.Equal(t, []string{"s"}, stored, "a dropped session stays dropped")
	snaps, err := h2.Snapshots(ctx)
	require.NoError(t, err)
	require.Len(t, snaps, 1)
	require.Equal(t, want, snaps[0].State)
}

func TestFileChecksumAndQuarantine(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.jsonl")
	h := mustOpenFile(t, path, MemoryOptions{})
	s := session(t, h, "s")
	put(t, s, "a/x", "10", Record{"id": "10", "v": "kept"})
	put(t, s, "a/x", "11", Record{"id": "11", "v": "flipped"})
	put(t, s, "a/x", "12", Record{"id": "12", "v": "unfit"})
	put(t, s, "a/x", "13", Record{"id": "13", "v": "kept"})
	require.NoError(t, h.Close())

	data, err := os.ReadFile(path)
	require.NoError(t, err)
	i := bytes.Index(data, []byte(`"flipped"`))
	require.Positive(t, i)
	data[i+2] ^= 0x01 // one bit inside a value: "flipped" becomes "fmipped"
	require.NoError(t, os.WriteFile(path, data, 0o644))

	check := func(coll, key string, rec Record) error {
		if rec["v"] == "unfit" {
			return errors.New(`v "unfit" is not allowed by the schema`)
		}
		return nil
	}
	h2 := mustOpenFile(t, path, MemoryOptions{Check: check})
	s2 := session(t, h2, "s")
	for key, want := range map[string]bool{"10": true, "11": false, "12": false, "13": true} {
		_, err := get(t, s2, "a/x", key)
		if want {
			require.NoError(t, err, key)
		} else {
			require.ErrorIs(t, err, ErrNotFound, "%s is set aside, not served", key)
		}
	}
	q, err := os.ReadFile(path + ".quarantine")
	require.NoError(t, err)
	lines := strings.Split(strings.TrimSpace(string(q)), "\n")
	require.Len(t, lines, 2)
	var damaged, unfit quarantined
	require.NoError(t, json.Unmarshal([]byte(lines[0]), &damaged))
	require.NoError(t, json.Unmarshal([]byte(lines[1]), &unfit))
	require.Contains(t, damaged.Reason, "checksum does not match")
	require.Contains(t, string(damaged.Raw), "fmipped", "the damaged line is kept for a person to look at")
	require.Contains(t, unfit.Reason, `a/x 12 no longer fits the spec: v "unfit" is not allowed`)
	require.Equal(t, "12", unfit.Key)
}

func TestFileQuarantineInsideASetOfRecords(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.jsonl")
	h := mustOpenFile(t, path, MemoryOptions{})
	s := session(t, h, "s")
	require.NoError(t, s.Update(context.Background(), func(tx *Tx) error {
		return tx.ReplaceCollection("a/x", []Entry{{Key: "1", Record: Record{"id": "1"}}, {Key: "2", Record: Record{"id": "2", "bad": true}}})
	}))
	require.NoError(t, h.Close())
	h2 := mustOpenFile(t, path, MemoryOptions{Check: func(_, _ string, rec Record) error {
		if rec["bad"] == true {
			return errors.New("bad")
		}
		return nil
	}})
	require.Equal(t, []Entry{{"1", Record{"id": "1"}}}, listColl(t, session(t, h2, "s"), "a/x"), "only the record that does not fit is set aside")
}

func TestFileStaleCompactionRemoved(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "state.jsonl")
	require.NoError(t, os.WriteFile(path+".compact", []byte("half a compaction"), 0o644))
	mustOpenFile(t, path, MemoryOptions{})
	_, err := os.Stat(path + ".compact")
	require.ErrorIs(t, err, os.ErrNotExist)
}

func TestFileLegacyLinesLoad(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.jsonl")
	legacy := `{"format":"standin-state","version":1}` + "\n" +
		`{"op":"put","session":"s","coll":"a/x","key":"5","record":{"id":"5"}}` + "\n"
	require.NoError(t, os.WriteFile(path, []byte(legacy), 0o644))
	h := mustOpenFile(t, path, MemoryOptions{})
	s := session(t, h, "s")
	_, err := get(t, s, "a/x", "5")
	require.NoError(t, err)
	put(t, s, "a/x", "6", Record{"id": "6"})
	require.NoError(t, h.Close())
	h2 := mustOpenFile(t, path, MemoryOptions{})
	for _, key := range []string{"5", "6"} {
		_, err := get(t, session(t, h2, "s"), "a/x", key)
		require.NoError(t, err, key)
	}
}

// TestFileCompactionKeepsEverything compacts after every batch of random changes, while more changes come,
// and requires the reopened file to hold exactly what memory held.
func TestFileCompactionKeepsEverything(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.jsonl")
	ctx := context.Background()
	h := mustOpenFile(t, path, MemoryOptions{CompactEvery: 7})
	names := []string{"s1", "s2", "s3"}
	for i := range 300 {
		s := session(t, h, names[i%3])
		key := fmt.Sprint(i % 13)
		switch i % 11 {
		case 3:
			require.NoError(t, s.Update(ctx, func(tx *Tx) error {
				if ok, _ := tx.Has("a/x", key); ok {
					return tx.Delete("a/x", key)
				}
				return nil
			}))
		case 7:
			require.NoError(t, s.Update(ctx, func(tx *Tx) error { return tx.ResetToSeed() }))
		case 9:
			require.NoError(t, s.Update(ctx, func(tx *Tx) error {
				return tx.Reset(State{"a/y": {{Key: key, Record: Record{"id": key}}}})
			}))
		default:
			put(t, s, "a/x", key, Record{"id": key, "i": float64(i)})
		}
		if i%50 == 0 {
			require.NoError(t, h.Compact(ctx))
		}
	}
	want := map[string]State{}
	for _, name := range names {
		want[name] = snapshot(t, session(t, h, name))
	}
	require.NoError(t, h.Close())
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	require.Less(t, bytes.Count(data, []byte("\n")), 40, "the file was compacted")

	h2 := mustOpenFile(t, path, MemoryOptions{})
	for _, name := range names {
		require.Equal(t, want[name], snapshot(t, session(t, h2, name)), name)
	}
}
