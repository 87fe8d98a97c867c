package state

import (
	"container/list"
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

// Session is the state of one session as its users see it: transactions over the Store, plus the settle marks
// of records created moments ago (kept in memory only). It is safe for concurrent use.
type Session struct {
	hub  *Hub
	name string

	// guarded by hub.mu
	inUse    int           // holds taken by Acquire and not released
	lastUsed time.Time     // when last acquired or released
	elem     *list.Element // in hub.lru
	evicted  bool          // no longer the hub's session of this name

	settleMu sync.Mutex           // guards settling
	settling map[string]time.Time // "collection\x00key" -> end of the settle time
}

// Name is the session's name.
func (s *Session) Name() string { return s.name }

// ErrEvicted reports a Session used after the hub evicted or dropped it: get the session of that name again.
var ErrEvicted = errors.New("session was evicted")

// live fails for an evicted session.
func (s *Session) live() error {
	s.hub.mu.Lock()
	defer s.hub.mu.Unlock()
	if s.evicted {
		return fmt.Errorf("session %s: %w", s.name, ErrEvicted)
	}
	return nil
}

// View runs fn on a read-only transaction: its writes fail with ErrReadOnly.
func (s *Session) View(ctx context.Context, fn func(*Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := s.live(); err != nil {
		return err
	}
	return s.hub.store.View(ctx, s.name, func(r Reader) error {
		return fn(newTx(ctx, r, nil, false))
	})
}

// Update runs fn on a transaction that excludes every other Update of the session. When fn returns nil its
// writes become visible at once and are appended to the store's log; the session's lock is released, and only
// then does Update wait until the writes are durable. When fn returns an error nothing it wrote is visible and
// the error is returned as is.
//
// Once fn has returned nil the change is committed even if ctx ends meanwhile: a client that hangs up after
// that point finds its write applied and journalled. fn may run more than once on a store with optimistic
// concurrency; it must keep its effects to the Tx and to variables it sets afresh on every run.
func (s *Session) Update(ctx context.Context, fn func(*Tx) error) error {
	p, err := s.commit(ctx, fn)
	if err != nil {
		return err
	}
	return p.Wait()
}

// commit runs fn and commits its writes without waiting for the disk.
func (s *Session) commit(ctx context.Context, fn func(*Tx) error) (Pending, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := s.live(); err != nil {
		return nil, err
	}
	tx := updates.Get().(*Tx)
	tx.updCtx, tx.updFn = ctx, fn
	p, err := s.hub.store.Update(ctx, s.name, tx.forStore)
	if err == nil {
		s.settle(tx)
	}
	*tx = Tx{forStore: tx.forStore} // nothing of this transaction is kept: the store is done with its ops
	updates.Put(tx)
	if err != nil {
		return nil, err
	}
	return p, nil
}

// updates pools the transactions of Update, each with its store function bound once. A Tx is valid only during
// the call that handed it out, and a store is done with the ops it was given once its Update returns.
var updates = sync.Pool{New: func() any {
	tx := new(Tx)
	tx.forStore = tx.runUpdate
	return tx
}}

// runUpdate is the function Update hands the store: the transaction's function, run afresh over cur.
func (tx *Tx) runUpdate(cur, seed Reader) ([]Op, error) {
	tx.init(tx.updCtx, cur, seed, true)
	if err := tx.updFn(tx); err != nil {
		return nil, err
	}
	return tx.ops, nil
}

// settle applies the settle marks of a committed transaction.
func (s *Session) settle(tx *Tx) {
	if !tx.clear && len(tx.settles) == 0 { // the usual write: nothing to do
		return
	}
	s.settleMu.Lock()
	defer s.settleMu.Unlock()
	if tx.clear {
		clear(s.settling)
	}
	for _, m := range tx.settles {
		if m.forget {
			delete(s.settling, m.coll+"\x00"+m.key)
			continue
		}
		s.settling[m.coll+"\x00"+m.key] = m.until
	}
}

// SettlingUntil reports whether the record is still settling at now, and until when.
func (s *Session) SettlingUntil(coll, key string, now time.Time) (time.Time, bool) {
	s.settleMu.Lock()
	defer s.settleMu.Unlock()
	if len(s.settling) == 0 { // the usual case: no lookup key to build
		return time.Time{}, false
	}
	until, ok := s.settling[coll+"\x00"+key]
	if !ok {
		return time.Time{}, false
	}
	if !now.Before(until) {
		delete(s.settling, coll+"\x00"+key)
		return time.Time{}, false
	}
	return until, true
}
