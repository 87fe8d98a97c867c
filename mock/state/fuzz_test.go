package state

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

// FuzzStateFile opens a hub on arbitrary file content: it must refuse it with an error or load it, never panic
// or hang, and a file it loads must load again after a write and a compaction.
func FuzzStateFile(f *testing.F) {
	hdr := `{"format":"standin-state","version":1,"checksum":"crc32c"}` + "\n"
	line := func(l logLine) string {
		data, err := encodeLine(l)
		if err != nil {
			f.Fatal(err)
		}
		return string(data)
	}
	f.Add([]byte(""))
	f.Add([]byte(hdr))
	f.Add([]byte(hdr + line(logLine{Op: "put", Session: "s", Coll: "a/x", Key: "1", Record: Record{"id": "1"}})))
	f.Add([]byte(hdr + line(logLine{Op: "tx", Session: "s", Ops: []logLine{{Op: "delete", Coll: "a/x", Key: "1"}, {Op: "seed"}}})))
	f.Add([]byte(hdr + line(logLine{Op: "state", Session: "s", Base: "seed", Deletes: map[string][]string{"a/x": {"1"}},
		Puts: State{"a/z": {{Key: "k", Record: Record{"id": "k"}}}}})))
	f.Add([]byte(hdr + line(logLine{Op: "snapshot", Name: "n", Session: "s", State: State{"a/x": {{Key: "2"}}}}) + `{"op":"drop","sess`))
	f.Add([]byte(`{"format":"standin-state","version":1}` + "\n" + `{"op":"put","session":"s","coll":"a/x","key":"1","record":{}}` + "\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(t.TempDir(), "state.jsonl")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		h, err := openFile(t, path, MemoryOptions{})
		if err != nil {
			return // refused: fine, as long as it did not panic
		}
		ctx := context.Background()
		s, err := h.Session("fuzz")
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Update(ctx, func(tx *Tx) error { return tx.Put("a/x", "f", Record{"id": "f"}) }); err != nil {
			t.Fatal(err)
		}
		if err := h.Compact(ctx); err != nil {
			t.Fatal(err)
		}
		if err := h.Close(); err != nil {
			t.Fatal(err)
		}
		h2, err := openFile(t, path, MemoryOptions{})
		if err != nil {
			t.Fatalf("a file standin wrote is refused: %v", err)
		}
		if _, err := get(t, session(t, h2, "fuzz"), "a/x", "f"); err != nil {
			t.Fatalf("the write is lost: %v", err)
		}
		_ = h2.Close()
	})
}
