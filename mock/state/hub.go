package state

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"
)

// Hub is the state area of a server: the Store, the seeded state every session starts from, a Session per
// name, and the named snapshots. It is safe for concurrent use.
type Hub struct {
	store Store
	seed  State // as handed to Store.Open; never modified

	mu       sync.Mutex // guards sessions
	sessions map[string]*Session
}

// NewHub opens store with seed (which the hub and store own from now on: the caller must not modify it).
func NewHub(ctx context.Context, store Store, seed State) (*Hub, error) {
	if err := store.Open(ctx, seed); err != nil {
		return nil, err
	}
	return &Hub{store: store, seed: seed, sessions: map[string]*Session{}}, nil
}

// Session returns the named session, made on first use. The name must pass ValidName.
func (h *Hub) Session(name string) (*Session, error) {
	if err := ValidName(name); err != nil {
		return nil, err
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	s := h.sessions[name]
	if s == nil {
		s = &Session{hub: h, name: name, settling: map[string]time.Time{}}
		h.sessions[name] = s
	}
	return s, nil
}

// Stored names the sessions the store holds state for (written, or restored from a state file), sorted.
func (h *Hub) Stored(ctx context.Context) ([]string, error) { return h.store.Sessions(ctx) }

// Seed returns a copy of the seeded state.
func (h *Hub) Seed() State { return CopyState(h.seed) }

// ResetAll puts every session given back to the seeded state, then waits once for all of it to be durable.
func (h *Hub) ResetAll(ctx context.Context, sessions []*Session) error {
	var pending []Pending
	for _, s := range sessions {
		p, err := s.commit(ctx, func(tx *Tx) error { return tx.ResetToSeed() })
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
