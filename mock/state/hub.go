package state

import (
	"container/list"
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"
)

// HubOptions bounds the sessions of a Hub. The zero value bounds nothing.
type HubOptions struct {
	// MaxSessions caps the sessions that exist at once; 0 means no cap. Making one more evicts the least
	// recently used idle session; when none can go, Acquire fails with ErrTooManySessions.
	MaxSessions int
	// IdleTTL evicts a session unused for this long (checked whenever a session is made); 0 keeps idle ones.
	IdleTTL time.Duration
	// Now tells the time of use; nil means time.Now.
	Now func() time.Time
	// Keep names sessions that are never evicted (the default session); nil keeps none.
	Keep func(name string) bool
	// OnEvict is told of each evicted session, after the hub's locks are released.
	OnEvict func(s *Session)
}

// ErrTooManySessions reports that no session can be made: the cap is reached and every session is in use, kept,
// or has writes not yet durable.
var ErrTooManySessions = errors.New("too many sessions")

// Hub is the state area of a server: the Store, the seeded state every session starts from, a Session per
// name (bounded, with least-recently-used eviction of idle sessions), and the named snapshots. It is safe for
// concurrent use.
type Hub struct {
	store Store
	seed  State // as handed to Store.Open; never modified
	opts  HubOptions

	mu       sync.Mutex // guards sessions, lru and every Session's inUse, lastUsed, elem and evicted
	sessions map[string]*Session
	lru      *list.List // of *Session, most recently used first
	evicted  int        // sessions evicted so far
}

// NewHub opens store with seed (which the hub and store own from now on: the caller must not modify it).
func NewHub(ctx context.Context, store Store, seed State, opts HubOptions) (*Hub, error) {
	if opts.MaxSessions < 0 {
		return nil, fmt.Errorf("state: MaxSessions %d is negative", opts.MaxSessions)
	}
	if opts.IdleTTL < 0 {
		return nil, fmt.Errorf("state: IdleTTL %s is negative", opts.IdleTTL)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if err := store.Open(ctx, seed); err != nil {
		return nil, err
	}
	return &Hub{store: store, seed: seed, opts: opts, sessions: map[string]*Session{}, lru: list.New()}, nil
}

// Session returns the named session, made on first use (which may evict another). The name must pass
// ValidName. The session may be evicted as soon as it is idle: a caller that uses it over time holds it with
// Acquire instead.
func (h *Hub) Session(name string) (*Session, error) {
	s, err := h.Acquire(name)
	if err != nil {
		return nil, err
	}
	s.Release()
	return s, nil
}

// Lookup returns the named session when it exists, without making it or marking it used.
func (h *Hub) Lookup(name string) (*Session, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	s, ok := h.sessions[name]
	return s, ok
}

// AcquireExisting holds the named session when it exists, without making it (ok false otherwise).
func (h *Hub) AcquireExisting(name string) (*Session, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	s := h.sessions[name]
	if s == nil {
		return nil, false
	}
	s.inUse++
	s.lastUsed = h.opts.Now()
	h.lru.MoveToFront(s.elem)
	return s, true
}

// Acquire returns the named session, made on first use, and holds it: it is not evicted until Release.
func (h *Hub) Acquire(name string) (*Session, error) {
	if err := ValidName(name); err != nil {
		return nil, err
	}
	now := h.opts.Now()
	h.mu.Lock()
	if s := h.sessions[name]; s != nil {
		s.inUse++
		s.lastUsed = now
		h.lru.MoveToFront(s.elem)
		h.mu.Unlock()
		return s, nil
	}
	gone, pending, err := h.makeRoomLocked(now)
	var s *Session
	if err == nil {
		s = &Session{hub: h, name: name, settling: map[string]time.Time{}, inUse: 1, lastUsed: now}
		s.elem = h.lru.PushFront(s)
		h.sessions[name] = s
	}
	h.mu.Unlock()
	for _, p := range pending {
		if werr := p.Wait(); werr != nil && err == nil {
			err = werr
		}
	}
	if h.opts.OnEvict != nil {
		for _, g := range gone {
			h.opts.OnEvict(g)
		}
	}
	if err != nil && s != nil {
		s.Release()
		return nil, err
	}
	return s, err
}

// Release ends a hold taken by Acquire.
func (s *Session) Release() {
	h := s.hub
	h.mu.Lock()
	defer h.mu.Unlock()
	if s.inUse > 0 {
		s.inUse--
	}
	s.lastUsed = h.opts.Now()
}

// makeRoomLocked evicts the sessions idle past the TTL and, at the cap, the least recently used idle one; h.mu
// is held. It returns what it evicted and the drops to wait for (after h.mu is released).
func (h *Hub) makeRoomLocked(now time.Time) ([]*Session, []Pending, error) {
	var gone []*Session
	var pending []Pending
	evict := func(s *Session) bool {
		if s.inUse > 0 || h.opts.Keep != nil && h.opts.Keep(s.name) {
			return false
		}
		p, err := h.store.Drop(context.Background(), s.name)
		if err != nil { // ErrBusy: writes on their way to the disk; another error: keep it and try the next
			return false
		}
		h.lru.Remove(s.elem)
		delete(h.sessions, s.name)
		s.evicted = true
		h.evicted++
		gone = append(gone, s)
		pending = append(pending, p)
		return true
	}
	if ttl := h.opts.IdleTTL; ttl > 0 {
		for e := h.lru.Back(); e != nil; {
			s := e.Value.(*Session)
			e = e.Prev()
			if now.Sub(s.lastUsed) < ttl {
				break // the rest were used more recently
			}
			evict(s)
		}
	}
	if h.opts.MaxSessions > 0 && len(h.sessions) >= h.opts.MaxSessions {
		made := false
		for e := h.lru.Back(); e != nil && !made; {
			s := e.Value.(*Session)
			e = e.Prev()
			made = evict(s)
		}
		if !made {
			return gone, pending, fmt.Errorf("%w: all %d are in use, kept, or have writes not yet durable",
				ErrTooManySessions, h.opts.MaxSessions)
		}
	}
	return gone, pending, nil
}

// Stats tells how many sessions exist and how many were evicted so far.
func (h *Hub) Stats() (sessions, evicted int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.sessions), h.evicted
}

// Stored names the sessions the store holds state for (written, or restored from a state file), sorted.
func (h *Hub) Stored(ctx context.Context) ([]string, error) { return h.store.Sessions(ctx) }

// Seed returns a copy of the seeded state.
func (h *Hub) Seed() State { return CopyState(h.seed) }

// ResetAll puts every session given back to the seeded state, then waits once for all of it to be durable. A
// session evicted meanwhile is skipped: a later one of that name starts from the seed anyway.
func (h *Hub) ResetAll(ctx context.Context, sessions []*Session) error {
	var pending []Pending
	for _, s := range sessions {
		p, err := s.commit(ctx, func(tx *Tx) error { return tx.ResetToSeed() })
		if errors.Is(err, ErrEvicted) {
			continue // evicted meanwhile: already back to the seed
		}
		if err != nil {
			return fmt.Errorf("reset %s: %w", s.name, err)
		}
		pending = append(pending, p)
	}
	for _, p := range slices.Backward(pending) {
		if err := p.Wait(); err != nil {
			return err
		}
	}
	return nil
}

// Snapshots lists the named snapshots, sorted by name.
func (h *Hub) Snapshots(ctx context.Context) ([]Snapshot, error) { return h.store.Snapshots(ctx) }

// SaveSnapshot saves the session's state (as no write is half done) under name, replacing any snapshot of that
// name, and waits until it is durable.
func (h *Hub) SaveSnapshot(ctx context.Context, name string, s *Session, at time.Time) (Snapshot, error) {
	if err := ValidName(name); err != nil {
		return Snapshot{}, err
	}
	var st State
	err := s.Update(ctx, func(tx *Tx) error { // excludes writers, writes nothing
		var err error
		st, err = tx.Snapshot()
		return err
	})
	if err != nil {
		return Snapshot{}, err
	}
	snap := Snapshot{Name: name, Session: s.name, SavedAt: at, State: st}
	p, err := h.store.SaveSnapshot(ctx, snap)
	if err != nil {
		return Snapshot{}, err
	}
	return snap, p.Wait()
}

// RestoreSnapshot replaces the session's state with the named snapshot (ErrNotFound when there is none).
func (h *Hub) RestoreSnapshot(ctx context.Context, name string, s *Session) error {
	snap, err := h.store.GetSnapshot(ctx, name)
	if err != nil {
		return err
	}
	return s.Update(ctx, func(tx *Tx) error { return tx.Reset(snap.State) })
}

// DeleteSnapshot forgets the named snapshot (ErrNotFound when there is none).
func (h *Hub) DeleteSnapshot(ctx context.Context, name string) error {
	p, err := h.store.DeleteSnapshot(ctx, name)
	if err != nil {
		return err
	}
	return p.Wait()
}

// Drop forgets a session and its state (ErrBusy while it has writes not yet durable, or is held): a later
// Session of that name starts from the seed.
func (h *Hub) Drop(ctx context.Context, name string) error {
	h.mu.Lock()
	s := h.sessions[name]
	if s != nil && s.inUse > 0 {
		h.mu.Unlock()
		return ErrBusy
	}
	p, err := h.store.Drop(ctx, name)
	if err == nil && s != nil {
		h.lru.Remove(s.elem)
		delete(h.sessions, name)
		s.evicted = true
	}
	h.mu.Unlock()
	if err != nil {
		return err
	}
	return p.Wait()
}

// Compact compacts the store's storage now when it can (a Compacter); it is a no-op otherwise.
func (h *Hub) Compact(ctx context.Context) error {
	if c, ok := h.store.(Compacter); ok {
		return c.Compact(ctx)
	}
	return nil
}

// Close makes everything committed durable and closes the store.
func (h *Hub) Close() error { return h.store.Close() }

// ValidName accepts a session or snapshot name of 1 to 64 letters, digits, '.', '_' or '-'.
func ValidName(name string) error {
	if name == "" || len(name) > 64 {
		return fmt.Errorf("session name must be 1 to 64 characters, got %d", len(name))
	}
	for _, c := range name {
		if !(c == '.' || c == '_' || c == '-' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return fmt.Errorf("session name %q has %q: expected letters, digits, '.', '_' or '-'", name, c)
		}
	}
	return nil
}

// Snapshot returns the named snapshot (its State must not be modified), or ErrNotFound.
func (h *Hub) Snapshot(ctx context.Context, name string) (Snapshot, error) {
	return h.store.GetSnapshot(ctx, name)
}
