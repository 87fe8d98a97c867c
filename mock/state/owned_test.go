package state

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestLookupAndPutOwned: Lookup hands out the stored record itself, PutOwned stores the caller's record
// itself, and neither lets a later write change what was handed out or stored.
func TestLookupAndPutOwned(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name string
		run  func(t *testing.T, s *Session)
	}{
		{"lookup sees the stored record and a later write does not change it", func(t *testing.T, s *Session) {
			put(t, s, "a/x", "1", Record{"id": "1", "o": map[string]any{"n": 1.0}})
			var kept Record
			require.NoError(t, s.View(ctx, func(tx *Tx) error {
				var err error
				kept, err = tx.Lookup("a/x", "1")
				return err
			}))
			require.NoError(t, s.Update(ctx, func(tx *Tx) error {
				rec, err := tx.Get("a/x", "1")
				if err != nil {
					return err
				}
				rec["o"].(map[string]any)["n"] = 2.0
				return tx.PutOwned("a/x", "1", rec)
			}))
			require.Equal(t, Record{"id": "1", "o": map[string]any{"n": 1.0}}, kept)
			got, err := get(t, s, "a/x", "1")
			require.NoError(t, err)
			require.Equal(t, 2.0, got["o"].(map[string]any)["n"])
		}},
		{"lookup of a missing key", func(t *testing.T, s *Session) {
			err := s.View(ctx, func(tx *Tx) error { _, err := tx.Lookup("a/x", "nope"); return err })
			require.ErrorIs(t, err, ErrNotFound)
		}},
		{"put owned stores the record itself and a rolled back one is not seen", func(t *testing.T, s *Session) {
			rec := Record{"id": "1"}
			require.NoError(t, s.Update(ctx, func(tx *Tx) error {
				if err := tx.PutOwned("a/x", "1", rec); err != nil {
					return err
				}
				seen, err := tx.Lookup("a/x", "1")
				require.NoError(t, err)
				require.Equal(t, fmt.Sprintf("%p", rec), fmt.Sprintf("%p", seen))
				return nil
			}))
			err := s.Update(ctx, func(tx *Tx) error {
				if err := tx.PutOwned("a/x", "1", Record{"id": "1", "v": 1.0}); err != nil {
					return err
				}
				return fmt.Errorf("roll back")
			})
			require.Error(t, err)
			got, err := get(t, s, "a/x", "1")
			require.NoError(t, err)
			require.Equal(t, Record{"id": "1"}, got)
		}},
		{"put owned in a read-only transaction", func(t *testing.T, s *Session) {
			err := s.View(ctx, func(tx *Tx) error { return tx.PutOwned("a/x", "1", Record{}) })
			require.ErrorIs(t, err, ErrReadOnly)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.run(t, session(t, newTestHub(t, nil, MemoryOptions{}), "s"))
		})
	}
}

// TestStoredRecordsNeverChange races writers that copy, change and PutOwned a record against readers that keep
// what Lookup and Scan hand out and read it again later, as the mock's request path does. A write that changed a
// stored record in place (a PutOwned of a record still shared with a stored one, a Get that did not copy) makes
// the race detector fail the test, and the kept records' two counters would disagree.
func TestStoredRecordsNeverChange(t *testing.T) {
	ctx := context.Background()
	h := newTestHub(t, nil, MemoryOptions{})
	s := session(t, h, "s")
	put(t, s, "a/x", "1", Record{"id": "1", "n": 0.0, "o": map[string]any{"n": 0.0}, "l": []any{0.0}})
	const writers, readers, rounds = 2, 3, 200
	var wg sync.WaitGroup
	errs := make(chan error, writers+readers)
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < rounds; i++ {
				err := s.Update(ctx, func(tx *Tx) error {
					rec, err := tx.Get("a/x", "1")
					if err != nil {
						return err
					}
					n := rec["n"].(float64) + 1
					rec["n"] = n
					rec["o"].(map[string]any)["n"] = n
					rec["l"].([]any)[0] = n
					return tx.PutOwned("a/x", "1", rec)
				})
				if err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	for r := 0; r < readers; r++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var kept []Record
			for i := 0; i < rounds; i++ {
				err := s.View(ctx, func(tx *Tx) error {
					rec, err := tx.Lookup("a/x", "1")
					if err != nil {
						return err
					}
					kept = append(kept, rec)
					return tx.Scan("a/x", func(_ string, rec Record) bool {
						kept = append(kept, rec)
						return true
					})
				})
				if err != nil {
					errs <- err
					return
				}
			}
			for _, rec := range kept {
				n := rec["n"]
				if rec["o"].(map[string]any)["n"] != n || rec["l"].([]any)[0] != n {
					errs <- fmt.Errorf("a kept record changed: %v", rec)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	got, err := get(t, s, "a/x", "1")
	require.NoError(t, err)
	require.Equal(t, float64(writers*rounds), got["n"])
}
