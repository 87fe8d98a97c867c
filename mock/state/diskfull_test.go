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
