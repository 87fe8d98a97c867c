package state

import (
	"cmp"
	"maps"
	"slices"
	"sync"
)

// mem holds the records of one session in memory. A mem made by fork shares its collections with its parent
// until it first writes one (copy-on-write per collection), so a new session costs one small map whatever the
// data size. Stored records are never changed in place: a write replaces the entry.
type mem struct {
	mu     sync.RWMutex // guards colls, shared and seq
	colls  map[string]*collection
	shared map[string]bool // collections still shared with another mem: copy before writing
	seq    uint64          // the next insertion sequence number
}

// collection maps keys to immutable entries.
type collection struct {
	byKey map[string]*storedEntry
}

type storedEntry struct {
	seq uint64
	key string
	rec Record // never modified once stored
}

var _ Reader = (*mem)(nil)

func newMem() *mem {
	return &mem{colls: map[string]*collection{}, shared: map[string]bool{}}
}

// newMemFrom builds a mem holding a copy of st.
func newMemFrom(st State) *mem {
	m := newMem()
	m.load(st)
	return m
}

// load replaces the content with st; m.mu must be held or m unshared.
func (m *mem) load(st State) {
	m.colls = make(map[string]*collection, len(st))
	m.shared = map[string]bool{}
	for name, entries := range st {
		c := &collection{byKey: make(map[string]*storedEntry, len(entries))}
		for _, e := range entries {
			if old, ok := c.byKey[e.Key]; ok {
				old.rec = DeepCopyRecord(e.Record)
				continue
			}
			c.byKey[e.Key] = &storedEntry{seq: m.seq, key: e.Key, rec: DeepCopyRecord(e.Record)}
			m.seq++
		}
		m.colls[name] = c
	}
}

// loadOwned replaces the content with st without copying its records, which m owns from now on; m must be
// unshared.
func (m *mem) loadOwned(st State) {
	m.colls = make(map[string]*collection, len(st))
	m.shared = map[string]bool{}
	for name, entries := range st {
		c := &collection{byKey: make(map[string]*storedEntry, len(entries))}
		for _, e := range entries {
			if old, ok := c.byKey[e.Key]; ok {
				old.rec = e.Record
				continue
			}
			c.byKey[e.Key] = &storedEntry{seq: m.seq, key: e.Key, rec: e.Record}
			m.seq++
		}
		m.colls[name] = c
	}
}

// fork returns a mem that starts with m's content and shares its collections until it writes them.
func (m *mem) fork() *mem {
	m.mu.Lock()
	defer m.mu.Unlock()
	f := &mem{colls: maps.Clone(m.colls), shared: make(map[string]bool, len(m.colls)), seq: m.seq}
	for name := range m.colls {
		f.shared[name] = true
		m.shared[name] = true
	}
	return f
}

// writable returns the collection for writing, copying it first when it is shared; m.mu must be held.
func (m *mem) writable(name string) *collection {
	c := m.colls[name]
	if c == nil {
		c = &collection{byKey: map[string]*storedEntry{}}
		m.colls[name] = c
		return c
	}
	if m.shared[name] {
		c = &collection{byKey: maps.Clone(c.byKey)}
		m.colls[name] = c
		delete(m.shared, name)
	}
	return c
}

// Get returns the stored record (not a copy).
func (m *mem) Get(coll, key string) (Record, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	c := m.colls[coll]
	if c == nil {
		return nil, ErrNotFound
	}
	e, ok := c.byKey[key]
	if !ok {
		return nil, ErrNotFound
	}
	return e.rec, nil
}

// Scan yields the stored records in insertion order.
func (m *mem) Scan(coll string, fn func(key string, rec Record) bool) error {
	for _, e := range m.ordered(coll) {
		if !fn(e.key, e.rec) {
			return nil
		}
	}
	return nil
}

func (m *mem) Len(coll string) (int, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	if c := m.colls[coll]; c != nil {
		return len(c.byKey), nil
	}
	return 0, nil
}

func (m *mem) Collections() ([]string, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return slices.Sorted(maps.Keys(m.colls)), nil
}

// ordered returns the collection's entries in insertion order. Entries are immutable once stored, so they are
// sorted (and read by the caller) outside the lock.
func (m *mem) ordered(coll string) []*storedEntry {
	m.mu.RLock()
	c := m.colls[coll]
	var entries []*storedEntry
	if c != nil {
		entries = slices.Collect(maps.Values(c.byKey))
	}
	m.mu.RUnlock()
	slices.SortFunc(entries, func(a, b *storedEntry) int { return cmp.Compare(a.seq, b.seq) })
	return entries
}

// state returns a deep copy of everything stored.
func (m *mem) state() State {
	names, _ := m.Collections()
	st := make(State, len(names))
	for _, name := range names {
		entries := m.ordered(name)
		out := make([]Entry, len(entries))
		for i, e := range entries {
			out[i] = Entry{Key: e.key, Record: DeepCopyRecord(e.rec)}
		}
		st[name] = out
	}
	return st
}

// apply makes ops visible at once; the records in ops are owned by m from now on. seed is what OpSeed returns to.
func (m *mem) apply(ops []Op, seed *mem) {
	var forks []*mem // one fresh fork of the seed per OpSeed, made before m.mu: fork locks the seed
	for _, op := range ops {
		if op.Kind == OpSeed {
			forks = append(forks, seed.fork())
		}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, op := range ops {
		switch op.Kind {
		case OpPut:
			c := m.writable(op.Coll)
			seq := m.seq
			if old, ok := c.byKey[op.Key]; ok {
				seq = old.seq
			} else {
				m.seq++
			}
			c.byKey[op.Key] = &storedEntry{seq: seq, key: op.Key, rec: op.Record}
		case OpDelete:
			if c := m.colls[op.Coll]; c != nil && c.byKey[op.Key] != nil {
				delete(m.writable(op.Coll).byKey, op.Key)
			}
		case OpReset:
			m.load(op.State)
		case OpSeed:
			f := forks[0]
			forks = forks[1:]
			m.colls, m.shared, m.seq = f.colls, f.shared, f.seq
		case OpCollection:
			c := &collection{byKey: make(map[string]*storedEntry, len(op.Entries))}
			for _, e := range op.Entries {
				c.byKey[e.Key] = &storedEntry{seq: m.seq, key: e.Key, rec: e.Record}
				m.seq++
			}
			m.colls[op.Coll] = c
			delete(m.shared, op.Coll)
		}
	}
}
