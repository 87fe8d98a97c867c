package state

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sync"
)

// mapStore is a small Store written the simple way (a mutex and maps of whole states, no persistence), standing
// for a back end that is not the in-memory store: it is not a Checker. failDrops makes every Drop's Pending fail
// and keeps the session, as a store whose drop cannot be written does.
type mapStore struct {
	mu        sync.Mutex
	seed      State
	sessions  map[string]State
	snapshots map[string]Snapshot
	failDrops error
}

func newMapStore() *mapStore {
	return &mapStore{sessions: map[string]State{}, snapshots: map[string]Snapshot{}}
}

// failed is a Pending that failed.
type failed struct{ err error }

func (f failed) Wait() error { return f.err }

// stateReader reads a State.
type stateReader State

func (r stateReader) Get(coll, key string) (Record, error) {
	for _, e := range r[coll] {
		if e.Key == key {
			return e.Record, nil
		}
	}
	return nil, ErrNotFound
}

func (r stateReader) Scan(coll string, from int, fn func(string, Record) bool) error {
	for _, e := range r[coll][min(from, len(r[coll])):] {
		if !fn(e.Key, e.Record) {
			break
		}
	}
	return nil
}

func (r stateReader) Len(coll string) (int, error) { return len(r[coll]), nil }

func (r stateReader) Collections() ([]string, error) { return slices.Sorted(maps.Keys(r)), nil }

func (r stateReader) MaxKey(coll string) (string, bool, error) {
	best, ok := "", false
	for _, e := range r[coll] {
		if !ok || keyOrder(e.Key) > keyOrder(best) {
			best, ok = e.Key, true
		}
	}
	return best, ok, nil
}

// CountIn and MaxIntIn scan: a store that keeps no ordered index may answer them in O(n).
func (r stateReader) CountIn(coll, scope string) (int, error) {
	n := 0
	for _, e := range r[coll] {
		if s, _ := splitKey(e.Key); s == scope {
			n++
		}
	}
	return n, nil
}

func (r stateReader) MaxIntIn(coll, scope string) (string, bool, error) {
	best, ok := "", false
	for _, e := range r[coll] {
		s, last := splitKey(e.Key)
		if s == scope && isIntKey(last) && (!ok || keyOrder(e.Key) > keyOrder(best)) {
			best, ok = e.Key, true
		}
	}
	return best, ok, nil
}

func (m *mapStore) Open(_ context.Context, seed State) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.seed = seed
	return nil
}

func (m *mapStore) Sessions(context.Context) ([]string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Sorted(maps.Keys(m.sessions)), nil
}

func (m *mapStore) current(session string) State {
	if st, ok := m.sessions[session]; ok {
		return st
	}
	return m.seed
}

func (m *mapStore) View(_ context.Context, session string, fn func(Reader) error) error {
	m.mu.Lock()
	st := m.current(session)
	m.mu.Unlock()
	return fn(stateReader(st))
}

func (m *mapStore) Update(_ context.Context, session string, fn func(cur, seed Reader) ([]Op, error)) (Pending, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	st := CopyState(m.current(session))
	ops, err := fn(stateReader(st), stateReader(m.seed))
	if err != nil {
		return nil, err
	}
	for _, op := range ops {
		switch op.Kind {
		case OpPut:
			i := slices.IndexFunc(st[op.Coll], func(e Entry) bool { return e.Key == op.Key })
			if i >= 0 {
				st[op.Coll][i].Record = op.Record
			} else {
				st[op.Coll] = append(st[op.Coll], Entry{Key: op.Key, Record: op.Record})
			}
		case OpDelete:
			st[op.Coll] = slices.DeleteFunc(st[op.Coll], func(e Entry) bool { return e.Key == op.Key })
			if len(st[op.Coll]) == 0 {
				delete(st, op.Coll)
			}
		case OpReset:
			st = CopyState(op.State)
		case OpSeed:
			st = CopyState(m.seed)
		case OpCollection:
			st[op.Coll] = slices.Clone(op.Entries)
		default:
			return nil, fmt.Errorf("mapStore: op %q", op.Kind)
		}
	}
	m.sessions[session] = st
	return done{}, nil
}

func (m *mapStore) Drop(_ context.Context, session string) (Pending, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.failDrops != nil {
		return failed{m.failDrops}, nil
	}
	delete(m.sessions, session)
	return done{}, nil
}

func (m *mapStore) Snapshots(context.Context) ([]Snapshot, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := []Snapshot{}
	for _, name := range slices.Sorted(maps.Keys(m.snapshots)) {
		out = append(out, m.snapshots[name])
	}
	return out, nil
}

func (m *mapStore) GetSnapshot(_ context.Context, name string) (Snapshot, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	snap, ok := m.snapshots[name]
	if !ok {
		return Snapshot{}, ErrNotFound
	}
	return snap, nil
}

func (m *mapStore) SaveSnapshot(_ context.Context, snap Snapshot) (Pending, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.snapshots[snap.Name] = snap
	return done{}, nil
}

func (m *mapStore) DeleteSnapshot(_ context.Context, name string) (Pending, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.snapshots[name]; !ok {
		return nil, ErrNotFound
	}
	delete(m.snapshots, name)
	return done{}, nil
}

func (m *mapStore) Close() error { return nil }

var _ Store = (*mapStore)(nil)
