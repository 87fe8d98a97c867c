package state

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// The benchmarks run at 1,000, 10,000 and 100,000 records in one collection: the cost of a create, a lookup,
// a delete and a page of a list should grow like log n. Each has a "reference" sub-benchmark: the map-plus-sort
// store this package replaced (legacyStore below), measured in the same run.

var benchSizes = []int{1_000, 10_000, 100_000}

func benchSeed(n int) State {
	entries := make([]Entry, n)
	for i := range entries {
		k := strconv.Itoa(i + 1)
		entries[i] = Entry{Key: k, Record: Record{"id": float64(i + 1), "name": "record " + k}}
	}
	return State{"a/x": entries}
}

func benchSession(b *testing.B, n int) *Session {
	b.Helper()
	h, err := NewHub(context.Background(), NewMemory(MemoryOptions{}), benchSeed(n), HubOptions{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = h.Close() })
	s, err := h.Session("bench")
	if err != nil {
		b.Fatal(err)
	}
	return s
}

// BenchmarkCreate makes a record under the next integer key (the largest plus one) and deletes it again.
func BenchmarkCreate(b *testing.B) {
	ctx := context.Background()
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("records=%d", n), func(b *testing.B) {
			s := benchSession(b, n)
			for b.Loop() {
				var key string
				err := s.Update(ctx, func(tx *Tx) error {
					last, _, err := tx.MaxKey("a/x")
					if err != nil {
						return err
					}
					v, _ := strconv.Atoi(last)
					key = strconv.Itoa(v + 1)
					return tx.Put("a/x", key, Record{"id": float64(v + 1)})
				})
				if err == nil {
					err = s.Update(ctx, func(tx *Tx) error { return tx.Delete("a/x", key) })
				}
				if err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(fmt.Sprintf("reference/records=%d", n), func(b *testing.B) {
			l := newLegacyStore(benchSeed(n))
			for b.Loop() {
				best := 0
				for _, e := range l.ordered("a/x") {
					if v, _ := strconv.Atoi(e.key); v > best {
						best = v
					}
				}
				key := strconv.Itoa(best + 1)
				l.put("a/x", key, Record{"id": float64(best + 1)})
				l.delete("a/x", key)
			}
		})
	}
}

// BenchmarkGet reads one record by key.
func BenchmarkGet(b *testing.B) {
	ctx := context.Background()
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("records=%d", n), func(b *testing.B) {
			s := benchSession(b, n)
			key := strconv.Itoa(n / 2)
			for b.Loop() {
				if err := s.View(ctx, func(tx *Tx) error { _, err := tx.Get("a/x", key); return err }); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkPage reads 20 records from the middle of the collection in insertion order.
func BenchmarkPage(b *testing.B) {
	ctx := context.Background()
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("records=%d", n), func(b *testing.B) {
			s := benchSession(b, n)
			for b.Loop() {
				got := 0
				err := s.View(ctx, func(tx *Tx) error {
					return tx.ScanFrom("a/x", n/2, func(string, Record) bool { got++; return got < 20 })
				})
				if err != nil || got != 20 {
					b.Fatal(err, got)
				}
			}
		})
		b.Run(fmt.Sprintf("reference/records=%d", n), func(b *testing.B) {
			l := newLegacyStore(benchSeed(n))
			for b.Loop() {
				page := l.ordered("a/x")[n/2 : n/2+20]
				if len(page) != 20 {
					b.Fatal(len(page))
				}
			}
		})
	}
}

// BenchmarkUpdate replaces one record in place.
func BenchmarkUpdate(b *testing.B) {
	ctx := context.Background()
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("records=%d", n), func(b *testing.B) {
			s := benchSession(b, n)
			key := strconv.Itoa(n / 3)
			i := 0
			for b.Loop() {
				i++
				err := s.Update(ctx, func(tx *Tx) error { return tx.Put("a/x", key, Record{"id": key, "n": float64(i)}) })
				if err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkNewSession makes a session and writes one record in it: the first write to a collection of a new
// session copies nothing, where the reference store copied the whole collection.
func BenchmarkNewSession(b *testing.B) {
	ctx := context.Background()
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("records=%d", n), func(b *testing.B) {
			h, err := NewHub(ctx, NewMemory(MemoryOptions{}), benchSeed(n), HubOptions{})
			if err != nil {
				b.Fatal(err)
			}
			defer h.Close()
			i := 0
			for b.Loop() {
				i++
				s, err := h.Session("s" + strconv.Itoa(i))
				if err == nil {
					err = s.Update(ctx, func(tx *Tx) error { return tx.Put("a/x", "1", Record{"id": 1.0, "n": float64(i)}) })
				}
				if err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(fmt.Sprintf("reference/records=%d", n), func(b *testing.B) {
			seed := newLegacyStore(benchSeed(n))
			for b.Loop() {
				s := &legacyStore{colls: map[string]map[string]*legacyEntry{"a/x": maps.Clone(seed.colls["a/x"])}, seq: seed.seq}
				s.put("a/x", "1", Record{"id": 1.0})
			}
		})
	}
}

// legacyStore is the store this package replaced, kept as the benchmarks' reference: a map per collection,
// sorted by insertion sequence for every ordered read.
type legacyStore struct {
	colls map[string]map[string]*legacyEntry
	seq   uint64
}

type legacyEntry struct {
	seq uint64
	key string
	rec Record
}

func newLegacyStore(st State) *legacyStore {
	l := &legacyStore{colls: map[string]map[string]*legacyEntry{}}
	for name, entries := range st {
		for _, e := range entries {
			l.put(name, e.Key, e.Record)
		}
	}
	return l
}

func (l *legacyStore) put(coll, key string, rec Record) {
	c := l.colls[coll]
	if c == nil {
		c = map[string]*legacyEntry{}
		l.colls[coll] = c
	}
	seq := l.seq
	if old, ok := c[key]; ok {
		seq = old.seq
	} else {
		l.seq++
	}
	c[key] = &legacyEntry{seq: seq, key: key, rec: rec}
}

func (l *legacyStore) delete(coll, key string) { delete(l.colls[coll], key) }

func (l *legacyStore) ordered(coll string) []*legacyEntry {
	entries := slices.Collect(maps.Values(l.colls[coll]))
	slices.SortFunc(entries, func(a, b *legacyEntry) int { return cmp.Compare(a.seq, b.seq) })
	return entries
}

// BenchmarkAtTheCap lists the record counts of 5,000 sessions that each wrote, and resets them all, with the
// seed at 10,000 records.
func BenchmarkAtTheCap(b *testing.B) {
	ctx := context.Background()
	const sessions = 5000
	h, err := NewHub(ctx, NewMemory(MemoryOptions{}), benchSeed(10_000), HubOptions{MaxSessions: sessions})
	if err != nil {
		b.Fatal(err)
	}
	defer h.Close()
	all := make([]*Session, sessions)
	write := func() {
		for i := range all {
			s, err := h.Session("s" + strconv.Itoa(i))
			if err == nil {
				err = s.Update(ctx, func(tx *Tx) error { return tx.Put("a/x", "new", Record{"id": "new"}) })
			}
			if err != nil {
				b.Fatal(err)
			}
			all[i] = s
		}
	}
	write()
	b.Run("list", func(b *testing.B) {
		for b.Loop() {
			total := 0
			for _, s := range all {
				err := s.View(ctx, func(tx *Tx) error {
					names, err := tx.Collections()
					for _, name := range names {
						n, _ := tx.Len(name)
						total += n
					}
					return err
				})
				if err != nil {
					b.Fatal(err)
				}
			}
			if total != sessions*10_001 {
				b.Fatal(total)
			}
		}
	})
	b.Run("reset", func(b *testing.B) {
		for b.Loop() {
			if err := h.ResetAll(ctx, all); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkScopedNumbering asks what a nested create needs to number its record: how many keys one scope holds
// (CountIn) and its greatest integer key (MaxIntIn), in a collection of n records spread over 100 scopes
// ("o/r7/12"). The reference scans the collection for the scope's keys, as creates did before the index.
func BenchmarkScopedNumbering(b *testing.B) {
	ctx := context.Background()
	for _, n := range benchSizes {
		entries := make([]Entry, n)
		for i := range entries {
			entries[i] = Entry{Key: fmt.Sprintf("o/r%d/%d", i%100, i/100+1), Record: Record{"number": float64(i/100 + 1)}}
		}
		seed := State{"a/issues": entries}
		b.Run(fmt.Sprintf("records=%d", n), func(b *testing.B) {
			h, err := NewHub(ctx, NewMemory(MemoryOptions{}), seed, HubOptions{})
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { _ = h.Close() })
			s, err := h.Session("bench")
			if err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				err := s.View(ctx, func(tx *Tx) error {
					c, err := tx.CountIn("a/issues", "o/r7/")
					if err != nil {
						return err
					}
					last, ok, err := tx.MaxIntIn("a/issues", "o/r7/")
					if err == nil && (!ok || c != n/100 || last != fmt.Sprintf("o/r7/%d", n/100)) {
						err = fmt.Errorf("count %d, last %q", c, last)
					}
					return err
				})
				if err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(fmt.Sprintf("reference/records=%d", n), func(b *testing.B) {
			l := newLegacyStore(seed)
			for b.Loop() {
				c, best := 0, 0
				for _, e := range l.ordered("a/issues") {
					if rest, ok := strings.CutPrefix(e.key, "o/r7/"); ok {
						c++
						if v, _ := strconv.Atoi(rest); v > best {
							best = v
						}
					}
				}
				if c != n/100 || best != n/100 {
					b.Fatal(c, best)
				}
			}
		})
	}
}
