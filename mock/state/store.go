package state

import (
	"context"
	"errors"
	"time"

	"github.com/standin/standin/internal/jsonvalue"
)

// ErrNotFound reports a record, session or snapshot that does not exist.
var ErrNotFound = errors.New("not found")

// ErrBusy reports a session that cannot be dropped now: it has writes that are not durable yet.
var ErrBusy = errors.New("session has writes not yet durable")

// Record is one stored record: JSON values as encoding/json decodes them (map[string]any, []any, string,
// float64, bool, nil).
type Record = map[string]any

// Field is one top-level field of a record, set over a base record by an update (Op.Over, Tx.PutPatched).
type Field = jsonvalue.Field

// Patched is a record as an update stores it: a base record with a few top-level fields set over it, both
// never modified (Tx.LookupParts), and the base's kept text (Text) shared by every update over that base. It
// encodes (jsonvalue.Append) as the record it stands for.
type Patched = jsonvalue.Overlay

// BaseText is the kept text of a Patched record's base (jsonvalue.BaseText).
type BaseText = jsonvalue.BaseText

// Entry is a record with its key.
type Entry struct {
	Key    string `json:"key"`
	Record Record `json:"record"`
}

// State is the content of one session: qualified collection name ("carecycle/inquiries") to its entries in
// insertion order.
type State map[string][]Entry

// Snapshot is a named copy of one session's state.
type Snapshot struct {
	Name    string    `json:"name"`
	Session string    `json:"session"`
	SavedAt time.Time `json:"savedAt"`
	State   State     `json:"-"`
}

// Reader is a read-only view of one session's records, handed to the function of Store.View and Store.Update.
// The records it yields are the stored ones, not copies: callers must not modify or keep them (Tx copies what it
// returns). A Reader is valid only during the call that handed it out.
type Reader interface {
	// Get returns the record stored under key, or ErrNotFound.
	Get(coll, key string) (Record, error)
	// Scan calls fn with each record of the collection in insertion order, from the from-th (counting from 0)
	// on, until fn returns false. An unknown collection is empty. Skipping is O(log n) for the in-memory store.
	Scan(coll string, from int, fn func(key string, rec Record) bool) error
	// Len is the number of records in the collection.
	Len(coll string) (int, error)
	// Collections names the collections that exist, sorted.
	Collections() ([]string, error)
	// MaxKey returns the greatest key of the collection: keys are ordered by scope (their part up to the last
	// '/'), then integer keys by value before any other (ok is false for an empty collection).
	MaxKey(coll string) (key string, ok bool, err error)
	// CountIn counts the keys directly under scope: the keys whose part up to their last '/' is scope (""
	// for keys without '/'). O(log n) for the in-memory store: a create numbers its record without a scan.
	CountIn(coll, scope string) (int, error)
	// MaxIntIn returns the greatest integer key (digits, no leading zero) directly under scope, by value.
	MaxIntIn(coll, scope string) (key string, ok bool, err error)
}

// OpKind names a change in a transaction.
type OpKind string

// The changes a transaction is made of.
const (
	OpPut        OpKind = "put"        // Coll, Key, Record: store the record, keeping the key's place if it exists
	OpDelete     OpKind = "delete"     // Coll, Key: remove the record (absent is not an error)
	OpReset      OpKind = "reset"      // State: replace the whole session
	OpSeed       OpKind = "seed"       // back to the seeded state
	OpCollection OpKind = "collection" // Coll, Entries: replace one collection
)

// Op is one change of a committed transaction. Records in an Op are owned by the store once passed: nobody
// changes them afterwards.
type Op struct {
	Kind   OpKind
	Coll   string
	Key    string
	Record Record
	// Over, for a put, holds top-level fields set over Record: the record stored is Record with them (an
	// update of a few fields shares the record before it rather than copying it; Tx.PutPatched). A store may
	// keep the two apart or make one record of them (OpRecord); Record itself is never modified.
	Over []Field
	// Text, with Over, is the kept text of Record that the puts over it share (a store may drop it).
	Text    *BaseText
	Entries []Entry
	State   State
}

// OpRecord is the record a put stores: op.Record itself when nothing is set over it, else a new map of
// op.Record with op.Over set (a shallow copy: the values are shared).
func OpRecord(op Op) Record {
	if len(op.Over) == 0 {
		return op.Record
	}
	return (&Patched{Base: op.Record, Over: op.Over}).Map()
}

// Pending is a committed change on its way to durable storage.
type Pending interface {
	// Wait blocks until the change is durable (a no-op for a store without persistence). An error means the
	// store could not make it durable.
	Wait() error
}

// Store keeps the state of every session and is the seam for another back end: the in-memory store
// (NewMemory, optionally with a state file) is one implementation; one shared by several processes is another
// (see the package documentation for what such a store must guarantee). Sessions are created on their first
// write; a session never written reads the seed. Implementations are safe for concurrent use.
//
// Callers use a Store through a Hub and its Sessions, which add transactions (Tx), the durability wait and the
// session registry; only an implementation calls these methods directly.
type Store interface {
	// Open hands the store the seeded state every new session starts from, and loads what the store already
	// holds. It is called once, before any other method.
	Open(ctx context.Context, seed State) error
	// Sessions names the sessions that hold state (written, or restored from storage), sorted.
	Sessions(ctx context.Context) ([]string, error)
	// View calls fn with a read-only view of the session's records.
	View(ctx context.Context, session string, fn func(Reader) error) error
	// Update calls fn with the session's current records and the seed, with every other Update of that session
	// excluded, and applies the ops fn returns as one atomic change: all visible or (on any error) none. It
	// returns once the change is visible to readers and ordered in the store's log, without waiting for the
	// disk; the caller waits on the Pending it returns, after every lock is released. An implementation may call
	// fn more than once (optimistic concurrency); fn must have no effect outside its return values then. The ops
	// slice is the caller's again once Update returns (the records in it are the store's): an implementation
	// that needs the ops later copies the slice.
	Update(ctx context.Context, session string, fn func(cur, seed Reader) ([]Op, error)) (Pending, error)
	// Drop forgets a session: its state is gone and a later Update starts from the seed. It returns ErrBusy
	// (and keeps the session) while the session has changes that are not durable yet. A drop whose Pending
	// fails leaves the session as it was (the Hub then keeps it too).
	Drop(ctx context.Context, session string) (Pending, error)
	// Snapshots lists the named snapshots, sorted by name.
	Snapshots(ctx context.Context) ([]Snapshot, error)
	// GetSnapshot returns a named snapshot (its State must not be modified), or ErrNotFound.
	GetSnapshot(ctx context.Context, name string) (Snapshot, error)
	// SaveSnapshot stores snap under snap.Name, replacing any snapshot of that name.
	SaveSnapshot(ctx context.Context, snap Snapshot) (Pending, error)
	// DeleteSnapshot forgets a named snapshot, or returns ErrNotFound.
	DeleteSnapshot(ctx context.Context, name string) (Pending, error)
	// Close makes everything committed durable and releases the store's resources.
	Close() error
}

// Checker is a Store that re-validates what it loads from its storage itself. When HubOptions.Check is set, the
// Hub calls SetCheck before Open; the store must then set aside (not serve) every stored record check refuses,
// in sessions and snapshots alike, and report it: the in-memory store copies such records to FILE.quarantine.
// A Store that is not a Checker is checked by the Hub after Open instead (see HubOptions.Check): every stored
// session is read with View and every snapshot with GetSnapshot, and a record that fails is removed with Update
// or SaveSnapshot. Either way, a record that no longer fits the current spec is never served.
type Checker interface {
	SetCheck(check func(coll, key string, rec Record) error)
}

// Compacter is a Store whose storage can be compacted on demand (Hub.Compact).
type Compacter interface {
	Compact(ctx context.Context) error
}

// done is a Pending that is already durable.
type done struct{}

func (done) Wait() error { return nil }
