package state

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"sync"
)

// MemoryOptions configures NewMemory. The zero value keeps state in memory only.
type MemoryOptions struct {
	// File, when set, is the state file: every committed change is appended to it and is durable once
	// Pending.Wait returns; Open replays it.
	File string
	// Logger receives the state file's warnings (a torn last line dropped, a failed write); nil discards them.
	Logger *slog.Logger
	// CompactEvery is how many lines the state file may gain before it is rewritten as the current state;
	// 0 means 2000.
	CompactEvery int
}

// Memory is the in-memory Store: sessions are copy-on-write forks of the seed, so a session costs nothing until
// it writes, and a write copies only the collection it changes the first time. With MemoryOptions.File every
// change is also appended to a state file, with one fsync shared by the writers that commit meanwhile.
type Memory struct {
	opts MemoryOptions
	log  *stateLog // nil without a state file; set by Open

	mu        sync.Mutex // guards seed, sessions and snapshots (the maps, not what their values guard)
	seed      *mem
	sessions  map[string]*memSession
	snapshots map[string]Snapshot
}

// memSession is one session of a Memory.
type memSession struct {
	// wmu serialises the Updates of the session: held from reading through applying in memory and appending
	// to the log, never while waiting for the disk.
	wmu sync.Mutex
	mem *mem
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

// Open loads the seed and replays the state file.
func (m *Memory) Open(ctx context.Context, seed State) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	sm := newMem()
	sm.loadOwned(seed)
	m.mu.Lock()
	m.seed = sm
	m.mu.Unlock()
	if m.opts.File == "" {
		return nil
	}
	log, rp, err := openStateLog(m.opts.File, sm, m.opts.Logger)
	if err != nil {
		return err
	}
	log.compactAfter = m.opts.CompactEvery
	log.compact = m.compactLines
	m.mu.Lock()
	m.log = log
	for name, s := range rp.sessions {
		m.sessions[name] = &memSession{mem: s}
	}
	maps.Copy(m.snapshots, rp.snapshots)
	m.mu.Unlock()
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

// session returns the session's memory, made as a fork of the seed when create is set; nil otherwise.
func (m *Memory) session(name string, create bool) (*memSession, *mem) {
	m.mu.Lock()
	defer m.mu.Unlock()
	s := m.sessions[name]
	if s == nil && create {
		s = &memSession{mem: m.seed.fork()}
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
	return fn(s.mem)
}

func (m *Memory) Update(ctx context.Context, session string, fn func(cur, seed Reader) ([]Op, error)) (Pending, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s, seed := m.session(session, true)
	s.wmu.Lock()
	defer s.wmu.Unlock()
	ops, err := fn(s.mem, seed)
	if err != nil {
		return nil, err
	}
	if len(ops) == 0 {
		return done{}, nil
	}
	s.mem.apply(ops, seed)
	if m.log == nil {
		return done{}, nil
	}
	t, err := m.log.append(txLine(session, ops))
	if err != nil {
		// The change is in memory but not in the log. Refusing every later write (the log keeps its first
		// error) keeps memory and file from drifting further; the caller answers an error.
		return nil, err
	}
	return ticketWait{m.log, t}, nil
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
	m.mu.Lock()
	m.snapshots[snap.Name] = snap
	m.mu.Unlock()
	return m.appendLine(logLine{Op: "snapshot", Name: snap.Name, Session: snap.Session, SavedAt: snap.SavedAt, State: snap.State})
}

func (m *Memory) DeleteSnapshot(ctx context.Context, name string) (Pending, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	m.mu.Lock()
	_, ok := m.snapshots[name]
	delete(m.snapshots, name)
	m.mu.Unlock()
	if !ok {
		return nil, fmt.Errorf("snapshot %q: %w", name, ErrNotFound)
	}
	return m.appendLine(logLine{Op: "unsnapshot", Name: name})
}

func (m *Memory) appendLine(l logLine) (Pending, error) {
	if m.log == nil {
		return done{}, nil
	}
	t, err := m.log.append(l)
	if err != nil {
		return nil, err
	}
	return ticketWait{m.log, t}, nil
}

// Close flushes the state file and closes it.
func (m *Memory) Close() error {
	if m.log == nil {
		return nil
	}
	return m.log.Close()
}

// compactLines is the content of a compacted state file: each session's state and each named snapshot.
func (m *Memory) compactLines() []logLine {
	m.mu.Lock()
	names := slices.Sorted(maps.Keys(m.sessions))
	sessions := make([]*memSession, len(names))
	for i, name := range names {
		sessions[i] = m.sessions[name]
	}
	snaps := make([]Snapshot, 0, len(m.snapshots))
	for _, name := range slices.Sorted(maps.Keys(m.snapshots)) {
		snaps = append(snaps, m.snapshots[name])
	}
	m.mu.Unlock()
	var lines []logLine
	for i, s := range sessions {
		lines = append(lines, logLine{Op: "state", Session: names[i], State: s.mem.state()})
	}
	for _, snap := range snaps {
		lines = append(lines, logLine{Op: "snapshot", Name: snap.Name, Session: snap.Session, SavedAt: snap.SavedAt, State: snap.State})
	}
	return lines
}

// ticketWait waits for a position of the state log.
type ticketWait struct {
	log *stateLog
	t   ticket
}

func (w ticketWait) Wait() error { return w.log.wait(w.t) }

// errClosed reports a write after Close.
var errClosed = errors.New("state file: closed")
