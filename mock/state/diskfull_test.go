//go:build linux

package state

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// smallDisk mounts a tmpfs of size bytes and returns its folder; it skips the test when that is not possible.
func smallDisk(t *testing.T, size int) string {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("the disk-full test mounts a small tmpfs, which needs root: skipped")
	}
	dir := filepath.Join(t.TempDir(), "disk")
	require.NoError(t, os.Mkdir(dir, 0o755))
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", fmt.Sprintf("size=%d", size), "tmpfs", dir).CombinedOutput(); err != nil {
		t.Skipf("the disk-full test could not mount a small tmpfs (%v: %s): skipped", err, strings.TrimSpace(string(out)))
	}
	t.Cleanup(func() { _ = exec.Command("umount", dir).Run() })
	return dir
}

// fill writes a file until the disk is full.
func fill(t *testing.T, path string) {
	t.Helper()
	f, err := os.Create(path)
	require.NoError(t, err)
	defer f.Close()
	chunk := make([]byte, 4096)
	for {
		if _, err := f.Write(chunk); err != nil {
			return
		}
	}
}

func TestDiskFullRecovery(t *testing.T) {
	dir := smallDisk(t, 256<<10)
	path := filepath.Join(dir, "state.jsonl")
	ctx := context.Background()
	h := mustOpenFile(t, path, MemoryOptions{})
	s := session(t, h, "s")
	put(t, s, "a/x", "before", Record{"id": "before"})
	fill(t, filepath.Join(dir, "filler"))

	big := strings.Repeat("x", 8<<10)
	var failed error
	failedKey := ""
	for i := range 100 {
		key := fmt.Sprintf("full-%d", i)
		failed = s.Update(ctx, func(tx *Tx) error { return tx.Put("a/x", key, Record{"id": key, "pad": big}) })
		if failed != nil {
			failedKey = key
			break
		}
	}
	require.Error(t, failed, "a write fails once the disk is full")
	require.Contains(t, failed.Error(), "write failed, the change is not kept")
	require.False(t, errors.Is(failed, ErrNotFound))

	_, err := get(t, s, "a/x", failedKey)
	require.ErrorIs(t, err, ErrNotFound, "a failed write is never visible to readers")
	require.NoError(t, s.Update(ctx, func(tx *Tx) error {
		has, err := tx.Has("a/x", failedKey)
		require.False(t, has, "nor to the next writer")
		return err
	}))

	require.NoError(t, os.Remove(filepath.Join(dir, "filler")))
	put(t, s, "a/x", "after", Record{"id": "after"})
	want := snapshot(t, s)
	require.NoError(t, h.Close())

	h2 := mustOpenFile(t, path, MemoryOptions{})
	got := snapshot(t, session(t, h2, "s"))
	require.Equal(t, want, got, "after room is made, writes are durable again and the file is whole")
	_, err = get(t, session(t, h2, "s"), "a/x", failedKey)
	require.ErrorIs(t, err, ErrNotFound)
}

// TestEvictionDropFailsOnAFullDisk evicts an idle session when its drop line cannot be written: the session stays
// with its state, nothing is reported evicted, and the eviction succeeds once the disk has room.
func TestEvictionDropFailsOnAFullDisk(t *testing.T) {
	dir := smallDisk(t, 256<<10)
	path := filepath.Join(dir, "state.jsonl")
	ctx := context.Background()
	clock := &fakeNow{t: testTime}
	var evicted []string
	h, err := NewHub(ctx, NewMemory(MemoryOptions{File: path}), State{}, HubOptions{
		MaxSessions: 2, Now: clock.now, OnEvict: func(s *Session) { evicted = append(evicted, s.Name()) }})
	require.NoError(t, err)
	t.Cleanup(func() { _ = h.Close() })
	// The idle session has the longest name a session may have, so its drop line (about 100 bytes) is longer
	// than the shortest line the filling below writes.
	idle := strings.Repeat("e", 64)
	put(t, session(t, h, idle), "a/x", "k", Record{"id": "k"})
	clock.advance(time.Second)
	s := session(t, h, "s")
	put(t, s, "a/x", "k", Record{"id": "k"})

	fill(t, filepath.Join(dir, "filler"))
	// Fill the state file's last page too, with ever shorter lines, until even the shortest put fails.
	for _, n := range []int{2048, 1024, 512, 256, 128, 64, 32, 16, 8, 4, 2, 1, 0} {
		for i := 0; i < 1000; i++ {
			key := fmt.Sprintf("t%d", i%10)
			if s.Update(ctx, func(tx *Tx) error { return tx.Put("a/x", key, Record{"p": strings.Repeat("x", n)}) }) != nil {
				break
			}
		}
	}

	_, err = h.Acquire("c")
	require.ErrorIs(t, err, ErrTooManySessions)
	require.ErrorContains(t, err, "evicting idle session "+idle+" failed, so it is kept")
	require.Empty(t, evicted)
	kept, ok := h.Lookup(idle)
	require.True(t, ok, "the idle session whose drop line failed is kept")
	rec, err := get(t, kept, "a/x", "k")
	require.NoError(t, err)
	require.Equal(t, Record{"id": "k"}, rec)

	require.NoError(t, os.Remove(filepath.Join(dir, "filler")))
	c, err := h.Acquire("c")
	require.NoError(t, err, "with room again, the eviction goes through")
	c.Release()
	require.Equal(t, []string{idle}, evicted)
	require.NoError(t, h.Close())

	h2 := mustOpenFile(t, path, MemoryOptions{})
	stored, err := h2.Stored(ctx)
	require.NoError(t, err)
	require.Equal(t, []string{"s"}, stored, "the drop is in the file")
}
