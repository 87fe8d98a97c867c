package state

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/standin/standin/internal/jsonvalue"
)

// MemoryOptions configures NewMemory. The zero value keeps state in memory only.
type MemoryOptions struct {
	// File, when set, is the state file: every committed change is appended to it and is durable once
	// Pending.Wait returns; Open replays it. See the package documentation for its format and guarantees.
	File string
	// Logger receives the state file's warnings (a torn last line dropped, a record set aside, a failed write);
	// nil discards them.
	Logger *slog.Logger
	// CompactEvery is how many lines the state file may gain before it is rewritten; 0 means 2000.
	CompactEvery int
	// Check, when set, re-validates every record read from the state file against the current spec: a record
	// it refuses is set aside in FILE.quarantine and not served.
	Check func(coll, key string, rec Record) error
}

// Memory is the in-memory Store. Each session is a chain of immutable versions (persistent ordered trees): a
// new session shares the seed, a write costs O(log n) in the collection's size, readers take no lock and see
// one consistent version, and a version is copied by copying a pointer. With MemoryOptions.File every change
// is also appended to a state file; readers see a change only once it is durable, and a change that cannot be
// written is rolled back.
type Memory struct {
	opts MemoryOptions
	log  *stateLog // nil without a state file; set by Open

	mu        sync.Mutex // guards seed, sessions and snapshots (the maps; a memSession guards itself)
	seed      *mem
	sessions  map[string]*memSession
	snapshots map[string]Snapshot // durable ones only
}

// memSession is one session of a Memory.
type memSession struct {
	name string
	// wmu serialises the writers of the session: held from reading through building the new version and
	// queueing its line, never while waiting for the disk.
	wmu      sync.Mutex
	dropped  atomic.Bool                   // the session is gone: look it up again
	dropping atomic.Pointer[chan struct{}] // while its drop line is on the way to the disk; closed when settled

	latest  atomic.Pointer[mem] // the newest version, what the next writer builds on; set under wmu and the log's lock
	durable atomic.Pointer[mem] // the newest durable version, what readers see
	epoch   atomic.Uint64       // bumped (under the log's lock) when latest is rolled back to durable
}

var _ Store = (*Memory)(nil)

// NewMemory returns an in-memory Store, persisted to opts.File when set.
func NewMemory(opts MemoryOptions) *Memory {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.CompactEvery <= 0 {
		opts.CompactEvery = compactEvery
	}
	return &Memory{opts: opts, sessions: map[string]*memSession{}, snapshots: map[string]Snapshot{}}
}

func newMemSession(name string, v *mem) *memSession {
	s := &memSession{name: name}
	s.latest.Store(v)
	s.durable.Store(v)
	return s
}

var _ Checker = (*Memory)(nil)

// SetCheck makes Open re-validate the records it reads from the state file with check (besides
// MemoryOptions.Check, when that is set too): a record either refuses is quarantined. It must be called before
// Open.
func (m *Memory) SetCheck(check func(coll, key string, rec Record) error) {
	if prev := m.opts.Check; prev != nil {
		m.opts.Check = func(coll, key string, rec Record) error {
			if err := prev(coll, key, rec); err != nil {
				return err
			}
			return check(coll, key, rec)
		}
		return
	}
	m.opts.Check = check
}

// Open loads the seed (taking ownership of its records) and replays the state file.
func (m *Memory) Open(ctx context.Context, seed State) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	sm := newMemFrom(seed, false)
	m.mu.Lock()
	m.seed = sm
	m.mu.Unlock()
	if m.opts.File == "" {
		return nil
	}
	rp := &replay{path: m.opts.File, log: m.opts.Logger, seed: sm, check: m.opts.Check,
		sessions: map[string]*mem{}, snapshots: map[string]Snapshot{}}
	log, err := openLog(m.opts.File, m.opts.Logger, rp.run)
	if cerr := rp.close(); err == nil && cerr != nil {
		if log != nil {
			log.Close()
		}
		err = cerr
	}
	if err != nil {
		return err
	}
	m.mu.Lock()
	for name, v := range rp.sessions {
		m.sessions[name] = newMemSession(name, v)
	}
	maps.Copy(m.snapshots, rp.snapshots)
	m.log = log
	m.mu.Unlock()
	log.mu.Lock()
	log.compactAfter = m.opts.CompactEvery
	log.cut = m.cut
	log.mu.Unlock()
	return nil
}

func (m *Memory) Sessions(ctx context.Context) ([]string, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Sorted(maps.Keys(m.sessions)), nil
}

// session returns the session, made from the seed when create is set (else nil when it has no state).
func (m *Memory) session(name string, create bool) (*memSession, *mem) {
	m.mu.Lock()
	defer m.mu.Unlock()
	s := m.sessions[name]
	if s == nil && create {
		s = newMemSession(name, m.seed)
		m.sessions[name] = s
	}
	return s, m.seed
}

func (m *Memory) View(ctx context.Context, session string, fn func(Reader) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s, seed := m.session(session, false)
	if s == nil {
		return fn(seed)
	}
	return fn(s.durable.Load())
}

func (m *Memory) Update(ctx context.Context, session string, fn func(cur, seed Reader) ([]Op, error)) (Pending, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	for {
		s, seed := m.session(session, true)
		if ch := s.dropping.Load(); ch != nil {
			<-*ch // the session is being dropped: wait for the outcome, holding no lock
			continue
		}
		s.wmu.Lock()
		if s.dropped.Load() || s.dropping.Load() != nil {
			s.wmu.Unlock()
			continue
		}
		p, err := m.update(s, seed, fn)
		s.wmu.Unlock()
		return p, err
	}
}

// update runs one transaction; s.wmu is held.
func (m *Memory) update(s *memSession, seed *mem, fn func(cur, seed Reader) ([]Op, error)) (Pending, error) {
	// The epoch first: a rollback stores latest before bumping the epoch, so a base read after a rollback began
	// is either the rolled-back version or caught by the epoch check when the line is queued.
	epoch := s.epoch.Load()
	base := s.latest.Load()
	ops, err := fn(base, seed)
	if err != nil {
		return nil, err
	}
	if len(ops) == 0 {
		return done{}, nil
	}
	next := base.apply(ops, seed)
	if m.log == nil {
		s.latest.Store(next)
		s.durable.Store(next)
		return done{}, nil
	}
	it, err := m.log.append(txLine(s.name, ops),
		func() error {
			if s.epoch.Load() != epoch {
				return errors.New("state file: an earlier write of this session failed and was rolled back; try again")
			}
			s.latest.Store(next)
			return nil
		},
		func() { s.durable.Store(next) },
		func() {
			s.latest.Store(s.durable.Load())
			s.epoch.Add(1)
		})
	if err != nil {
		return nil, err
	}
	return logWait{m.log, it}, nil
}

// Drop forgets a session: its state is gone and a later write starts from the seed. It returns ErrBusy while
// the session has writes that are not durable yet, and nothing when the session holds no state. With a state
// file the session is forgotten only once its drop line is durable; writers of the session wait for that (a
// drop that cannot be written leaves the session as it was).
func (m *Memory) Drop(ctx context.Context, session string) (Pending, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s, _ := m.session(session, false)
	if s == nil {
		return done{}, nil
	}
	s.wmu.Lock()
	defer s.wmu.Unlock()
	if s.dropped.Load() || s.dropping.Load() != nil {
		return done{}, nil
	}
	if s.latest.Load() != s.durable.Load() {
		return nil, ErrBusy
	}
	forget := func() {
		s.dropped.Store(true)
		m.mu.Lock()
		if m.sessions[session] == s {
			delete(m.sessions, session)
		}
		m.mu.Unlock()
	}
	if m.log == nil {
		forget()
		return done{}, nil
	}
	ch := make(chan struct{})
	s.dropping.Store(&ch)
	settle := func() {
		s.dropping.Store(nil)
		close(ch)
	}
	it, err := m.log.append(logLine{Op: "drop", Session: session}, nil,
		func() { forget(); settle() }, // in the flusher, holding only the file's lock
		settle)                        // under the log's lock: the session stays
	if err != nil {
		settle()
		return nil, err
	}
	return logWait{m.log, it}, nil
}

func (m *Memory) Snapshots(ctx context.Context) ([]Snapshot, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]Snapshot, 0, len(m.snapshots))
	for _, name := range slices.Sorted(maps.Keys(m.snapshots)) {
		out = append(out, m.snapshots[name])
	}
	return out, nil
}

func (m *Memory) GetSnapshot(ctx context.Context, name string) (Snapshot, error) {
	if err := ctx.Err(); err != nil {
		return Snapshot{}, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	snap, ok := m.snapshots[name]
	if !ok {
		return Snapshot{}, fmt.Errorf("snapshot %q: %w", name, ErrNotFound)
	}
	return snap, nil
}

func (m *Memory) SaveSnapshot(ctx context.Context, snap Snapshot) (Pending, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	publish := func() {
		m.mu.Lock()
		m.snapshots[snap.Name] = snap
		m.mu.Unlock()
	}
	return m.logged(logLine{Op: "snapshot", Name: snap.Name, Session: snap.Session, SavedAt: snap.SavedAt, State: snap.State}, publish)
}

func (m *Memory) DeleteSnapshot(ctx context.Context, name string) (Pending, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	m.mu.Lock()
	_, ok := m.snapshots[name]
	m.mu.Unlock()
	if !ok {
		return nil, fmt.Errorf("snapshot %q: %w", name, ErrNotFound)
	}
	return m.logged(logLine{Op: "unsnapshot", Name: name}, func() {
		m.mu.Lock()
		delete(m.snapshots, name)
		m.mu.Unlock()
	})
}

// logged appends a line and runs publish once it is durable (at once without a state file).
func (m *Memory) logged(l logLine, publish func()) (Pending, error) {
	if m.log == nil {
		publish()
		return done{}, nil
	}
	it, err := m.log.append(l, nil, publish, nil)
	if err != nil {
		return nil, err
	}
	return logWait{m.log, it}, nil
}

// Compact rewrites the state file now (it also happens by itself every CompactEvery lines). Without a state
// file it does nothing.
func (m *Memory) Compact(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if m.log == nil {
		return nil
	}
	return m.log.compact()
}

// Close flushes the state file, closes it and releases its lock.
func (m *Memory) Close() error {
	if m.log == nil {
		return nil
	}
	return m.log.Close()
}

// cut takes the durable state of every session and snapshot (pointers only: versions are immutable) and
// returns the writer of a compacted file holding it. It runs with the log's fileMu held, so no batch is being
// published meanwhile.
func (m *Memory) cut() func(w *lineWriter) error {
	m.mu.Lock()
	seed := m.seed
	names := slices.Sorted(maps.Keys(m.sessions))
	versions := make([]*mem, len(names))
	for i, name := range names {
		versions[i] = m.sessions[name].durable.Load()
	}
	snaps := make([]Snapshot, 0, len(m.snapshots))
	for _, name := range slices.Sorted(maps.Keys(m.snapshots)) {
		snaps = append(snaps, m.snapshots[name])
	}
	m.mu.Unlock()
	return func(w *lineWriter) error {
		for i, v := range versions {
			if err := w.line(delta(names[i], seed, v)); err != nil {
				return err
			}
		}
		for _, snap := range snaps {
			l := logLine{Op: "snapshot", Name: snap.Name, Session: snap.Session, SavedAt: snap.SavedAt, State: snap.State}
			if err := w.line(l); err != nil {
				return err
			}
		}
		return nil
	}
}

// delta is the state line of a session as its changes against the seed: the seed's records it no longer holds
// in their place, and the records it holds that the seed does not (changed in place, or added, in order).
func delta(session string, seed, v *mem) logLine {
	l := logLine{Op: "state", Session: session, Base: "seed"}
	seedColls, vColls := seed.collMap(), v.collMap()
	for _, coll := range jsonvalue.SortedKeys(seedColls) {
		sc, vc := seedColls[coll], vColls[coll]
		if sc == vc {
			continue
		}
		var dels []string
		var vKeys *tree[string, *storedEntry]
		if vc != nil {
			vKeys = vc.byKey
		}
		sc.bySeq.each(0, func(_ uint64, se *storedEntry) bool {
			if ve, ok := vKeys.get(keyOrder(se.key)); !ok || ve.seq != se.seq {
				dels = append(dels, se.key)
			}
			return true
		})
		if len(dels) > 0 {
			if l.Deletes == nil {
				l.Deletes = map[string][]string{}
			}
			l.Deletes[coll] = dels
		}
	}
	for _, coll := range jsonvalue.SortedKeys(vColls) {
		sc, vc := seedColls[coll], vColls[coll]
		if sc == vc {
			continue
		}
		var sKeys *tree[string, *storedEntry]
		if sc != nil {
			sKeys = sc.byKey
		}
		var puts []Entry
		vc.bySeq.each(0, func(_ uint64, ve *storedEntry) bool {
			if se, ok := sKeys.get(keyOrder(ve.key)); !ok || se != ve {
				puts = append(puts, Entry{Key: ve.key, Record: ve.record()})
			}
			return true
		})
		if len(puts) > 0 {
			if l.Puts == nil {
				l.Puts = State{}
			}
			l.Puts[coll] = puts
		}
	}
	return l
}

// logWait waits for a line of the state log.
type logWait struct {
	log *stateLog
	it  *logItem
}

func (w logWait) Wait() error { return w.log.wait(w.it) }
