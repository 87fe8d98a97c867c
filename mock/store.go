package mock

import (
	"github.com/standin/standin/mock/state"
)

// ErrNotFound reports a record, collection, session or snapshot that does not exist.
var ErrNotFound = state.ErrNotFound

// Record is one stored record: JSON values as encoding/json decodes them (map[string]any, []any, string,
// float64, bool, nil).
type Record = state.Record

// Entry is a record with its key.
type Entry = state.Entry

// State is the content of a session: qualified collection name ("carecycle/inquiries") to its entries in
// insertion order.
type State = state.State

// Store keeps the state of every session: the seam for another back end (package state, and WithStore).
type Store = state.Store

// deepCopyRecord copies a record and every map and slice inside it.
func deepCopyRecord(r Record) Record { return state.DeepCopyRecord(r) }

// deepCopy copies a decoded JSON value.
func deepCopy(v any) any { return state.DeepCopy(v) }
