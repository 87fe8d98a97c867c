package state

import (
	"container/list"
	"context"
	"errors"
	"fmt"
	"log/slog"
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
	// OnEvict is told of each evicted session once its drop is durable, after the hub's locks are released. A
	// session whose drop cannot be made durable (a disk error) is not evicted: it stays, as it was, and is tried
	// again the next time room is needed.
	OnEvict func(s *Session)
	// Check, when set, re-validates every record the store holds at open (stored sessions and snapshots, not
	// the seed) against the current spec. A store that implements Checker is handed Check before Open and sets
	// failing records aside itself (the in-memory store quarantines them from its state file). For any other
	// store the hub checks after Open: it removes each failing record through the store's own transactions, so
	// it is never served, reports it to Logger (with the record) and lists it in Hub.Rejected.
	Check func(coll, key string, rec Record) error
	// Logger receives the hub's warnings (records rejected at open, an eviction that could not be written);
	// nil discards them.
	Logger *slog.Logger
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

	rejected []Rejected // records removed at open by HubOptions.Check; written once in NewHub
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
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	checker, selfChecking := store.(Checker)
	if opts.Check != nil && selfChecking {
		checker.SetCheck(opts.Check)
	}
	if err := store.Open(ctx, seed); err != nil {
		return nil, err
	}
	h := &Hub{store: store, seed: seed, opts: opts, sessions: map[string]*Session{}, lru: list.New()}
	if opts.Check != nil && !selfChecking {
		if err := h.checkStored(ctx); err != nil {
			_ = store.Close()
			return nil, err
		}
	}
	return h, nil
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
	evs, err := h.makeRoomLocked(now)
	var s *Session
	if err == nil {
		s = &Session{hub: h, name: name, settling: map[string]time.Time{}, inUse: 1, lastUsed: now}
		s.elem = h.lru.PushFront(s)
		h.sessions[name] = s
	}
	h.mu.Unlock()
	if cerr := h.settleEvictions(evs); cerr != nil && s != nil {
		// The room made for s is gone: its session stays. Take s back unless another caller holds it already.
		h.mu.Lock()
		s.inUse--
		if s.inUse == 0 && h.sessions[name] == s {
			h.lru.Remove(s.elem)
			delete(h.sessions, name)
			s.evicted = true
		}
		h.mu.Unlock()
		return nil, fmt.Errorf("%w: %w", ErrTooManySessions, cerr)
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

// eviction is a session taken out of the hub whose drop is on its way to the store's storage.
type eviction struct {
	s       *Session
	pending Pending
	forCap  bool // it was evicted to make room under MaxSessions (not for its idle time)
}

// makeRoomLocked takes out the sessions idle past the TTL and, at the cap, the least recently used idle one; h.mu
// is held. It returns the evictions to settle (settleEvictions, after h.mu is released).
func (h *Hub) makeRoomLocked(now time.Time) ([]eviction, error) {
	var evs []eviction
	evict := func(s *Session, forCap bool) bool {
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
		evs = append(evs, eviction{s: s, pending: p, forCap: forCap})
		return true
	}
	if ttl := h.opts.IdleTTL; ttl > 0 {
		for e := h.lru.Back(); e != nil; {
			s := e.Value.(*Session)
			e = e.Prev()
			if now.Sub(s.lastUsed) < ttl {
				break // the rest were used more recently
			}
			evict(s, false)
		}
	}
	if h.opts.MaxSessions > 0 && len(h.sessions) >= h.opts.MaxSessions {
		made := false
		for e := h.lru.Back(); e != nil && !made; {
			s := e.Value.(*Session)
			e = e.Prev()
			made = evict(s, true)
		}
		if !made {
			return evs, fmt.Errorf("%w: all %d are in use, kept, or have writes not yet durable",
				ErrTooManySessions, h.opts.MaxSessions)
		}
	}
	return evs, nil
}

// settleEvictions waits for the drops of evs (holding no lock). A session whose drop is durable is evicted:
// counted and handed to OnEvict. A session whose drop failed was not dropped by the store: it is put back as it
// was (least recently used, so the next eviction tries it again) and reported; the error returned is the first
// such failure of an eviction made for the cap, since the room it made is gone.
func (h *Hub) settleEvictions(evs []eviction) error {
	var gone []*Session
	var capErr error
	for _, ev := range evs {
		err := ev.pending.Wait()
		if err == nil {
			gone = append(gone, ev.s)
			continue
		}
		kept := h.putBack(ev.s)
		h.opts.Logger.Warn("state: an idle session could not be evicted: its drop was not written; it is kept",
			"session", ev.s.name, "error", err, "kept", kept)
		if ev.forCap && capErr == nil {
			capErr = fmt.Errorf("evicting idle session %s failed, so it is kept: %w", ev.s.name, err)
		}
	}
	h.mu.Lock()
	h.evicted += len(gone)
	h.mu.Unlock()
	if h.opts.OnEvict != nil {
		for _, g := range gone {
			h.opts.OnEvict(g)
		}
	}
	return capErr
}

// putBack returns a session whose drop failed to the hub, as its least recently used session. When a session of
// that name was made meanwhile, that one stays (it reads the same stored state) and putBack reports false.
func (h *Hub) putBack(s *Session) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if _, taken := h.sessions[s.name]; taken {
		return false
	}
	s.evicted = false
	s.elem = h.lru.PushBack(s)
	h.sessions[s.name] = s
	return true
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
	if err := p.Wait(); err != nil {
		if s != nil {
			h.putBack(s) // the store kept it: so does the hub
		}
		return err
	}
	return nil
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
