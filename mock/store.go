package mock

import (
	"cmp"
	"context"
	"errors"
	"maps"
	"slices"
	"sync"
)

// ErrNotFound reports a record, collection, session or snapshot that does not exist.
var ErrNotFound = errors.New("not found")

// Record is one stored record: JSON values as encoding/json decodes them (map[string]any, []any, string,
// float64, bool, nil).
type Record = map[string]any

// Entry is a record with its key.
type Entry struct {
	Key    string `json:"key"`
	Record Record `json:"record"`
}

// State is the content of a store: qualified collection name ("carecycle/inquiries") to its entries in insertion
// order.
type State map[string][]Entry

// Store holds the records of one session. Collections are named "<api>/<collection>". Records go in and come out
// as deep copies, so callers may change what they pass or receive. Implementations are safe for concurrent use.
type Store interface {
	// Get returns the record stored under key, or ErrNotFound.
	Get(ctx context.Context, collection, key string) (Record, error)
	// List returns the collection's entries in insertion order (empty when the collection is unknown).
	List(ctx context.Context, collection string) ([]Entry, error)
	// Put stores rec under key, replacing any record with that key (which keeps its place in the order).
	Put(ctx context.Context, collection, key string, rec Record) error
	// Delete removes the record under key, or returns ErrNotFound.
	Delete(ctx context.Context, collection, key string) error
	// Snapshot returns a copy of everything stored.
	Snapshot(ctx context.Context) (State, error)
	// Reset replaces everything stored with st; a collection absent from st becomes empty.
	Reset(ctx context.Context, st State) error
}

var _ Store = (*memStore)(nil)

// memStore is the in-memory Store. A store made by fork shares its collections with its parent until it first
// writes one (copy-on-write per collection), so a new session costs one small map whatever the data size.
// Stored records are never changed in place: a write replaces the entry.
type memStore struct {
	mu     sync.RWMutex // guards colls, shared and seq
	colls  map[string]*collection
	shared map[string]bool // collections still shared with another store: copy before writing
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

func newMemStore() *memStore {
	return &memStore{colls: map[string]*collection{}, shared: map[string]bool{}}
}

// newMemStoreFrom builds a store holding a copy of st.
func newMemStoreFrom(st State) *memStore {
	m := newMemStore()
	m.load(st)
	return m
}

// load replaces the content with st; m.mu must be held or m unshared.
func (m *memStore) load(st State) {
	m.colls = make(map[string]*collection, len(st))
	m.shared = map[string]bool{}
	for name, entries := range st {
		c := &collection{byKey: make(map[string]*storedEntry, len(entries))}
		for _, e := range entries {
			if old, ok := c.byKey[e.Key]; ok {
				old.rec = deepCopyRecord(e.Record)
				continue
			}
			c.byKey[e.Key] = &storedEntry{seq: m.seq, key: e.Key, rec: deepCopyRecord(e.Record)}
			m.seq++
		}
		m.colls[name] = c
	}
}

// fork returns a store that starts with m's content and shares its collections until it writes them.
func (m *memStore) fork() *memStore {
	m.mu.Lock()
	defer m.mu.Unlock()
	f := &memStore{colls: maps.Clone(m.colls), shared: make(map[string]bool, len(m.colls)), seq: m.seq}
	for name := range m.colls {
		f.shared[name] = true
		m.shared[name] = true
	}
	return f
}

// writable returns the collection for writing, copying it first when it is shared; m.mu must be held.
func (m *memStore) writable(name string) *collection {
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

func (m *memStore) Get(ctx context.Context, coll, key string) (Record, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
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
	return deepCopyRecord(e.rec), nil
}

func (m *memStore) List(ctx context.Context, coll string) ([]Entry, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	entries := m.ordered(coll)
	out := make([]Entry, len(entries))
	for i, e := range entries {
		out[i] = Entry{Key: e.key, Record: deepCopyRecord(e.rec)}
	}
	return out, nil
}

// scan calls fn with each entry of the collection in insertion order until fn returns false. The records are
// the stored ones, not copies: fn must not modify or keep them (copy what it keeps with deepCopyRecord).
func (m *memStore) scan(ctx context.Context, coll string, fn func(key string, rec Record) bool) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	for _, e := range m.ordered(coll) {
		if !fn(e.key, e.rec) {
			return nil
		}
	}
	return nil
}

// ordered returns the collection's entries in insertion order. Entries are immutable once stored, so they are
// sorted (and read by the caller) outside the lock.
func (m *memStore) ordered(coll string) []*storedEntry {
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

func (m *memStore) Put(ctx context.Context, coll, key string, rec Record) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	cp := deepCopyRecord(rec)
	m.mu.Lock()
	defer m.mu.Unlock()
	c := m.writable(coll)
	seq := m.seq
	if old, ok := c.byKey[key]; ok {
		seq = old.seq
	} else {
		m.seq++
	}
	c.byKey[key] = &storedEntry{seq: seq, key: key, rec: cp}
	return nil
}

func (m *memStore) Delete(ctx context.Context, coll, key string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if c := m.colls[coll]; c == nil || c.byKey[key] == nil {
		return ErrNotFound
	}
	delete(m.writable(coll).byKey, key)
	return nil
}

func (m *memStore) Snapshot(ctx context.Context) (State, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	m.mu.RLock()
	names := slices.Collect(maps.Keys(m.colls))
	m.mu.RUnlock()
	st := make(State, len(names))
	for _, name := range names {
		entries, err := m.List(ctx, name)
		if err != nil {
			return nil, err
		}
		st[name] = entries
	}
	return st, nil
}

func (m *memStore) Reset(ctx context.Context, st State) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.load(st)
	return nil
}

// replaceCollection replaces one collection's content.
func (m *memStore) replaceCollection(ctx context.Context, coll string, entries []Entry) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c := &collection{byKey: make(map[string]*storedEntry, len(entries))}
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, e := range entries {
		c.byKey[e.Key] = &storedEntry{seq: m.seq, key: e.Key, rec: deepCopyRecord(e.Record)}
		m.seq++
	}
	m.colls[coll] = c
	delete(m.shared, coll)
	return nil
}

// copyState returns a deep copy of st.
func copyState(st State) State {
	out := make(State, len(st))
	for name, entries := range st {
		cp := make([]Entry, len(entries))
		for i, e := range entries {
			cp[i] = Entry{Key: e.Key, Record: deepCopyRecord(e.Record)}
		}
		out[name] = cp
	}
	return out
}

// deepCopyRecord copies a record and every map and slice inside it.
func deepCopyRecord(r Record) Record {
	if r == nil {
		return nil
	}
	return deepCopy(r).(map[string]any)
}

// deepCopy copies a decoded JSON value.
func deepCopy(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, item := range x {
			out[k] = deepCopy(item)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, item := range x {
			out[i] = deepCopy(item)
		}
		return out
	case []string:
		out := make([]any, len(x))
		for i, s := range x {
			out[i] = s
		}
		return out
	case int:
		return float64(x)
	case int64:
		return float64(x)
	}
	return v
}
