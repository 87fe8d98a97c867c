// Package state keeps the records of a standin server: one isolated set of collections per session, seeded
// from fixtures, changed only through transactions, bounded in number, and (with a state file) durable. It uses
// the standard library only and knows nothing of HTTP.
//
// # Using it
//
// A Hub is opened over a Store with the seeded state. Hub.Session (or Acquire, which also keeps the session
// from eviction until Release) returns the Session of a name; a Session is read with View and changed with
// Update:
//
//	err := sess.Update(ctx, func(tx *state.Tx) error {
//		rec, err := tx.Get("carecycle/inquiries", id)
//		if err != nil {
//			return err // nothing written is kept
//		}
//		rec["status"] = "closed"
//		return tx.Put("carecycle/inquiries", id, rec)
//	})
//
// Records go into a Tx and come out of Tx.Get as deep copies; Tx.Scan and Tx.ScanFrom yield the stored
// records without copying, for reading only. An update of a few fields reads the record's parts
// (Tx.LookupParts) and stores its fields over it (Tx.PutPatched), so the other fields are never copied. Collections are named "<api>/<collection>"; a collection without
// records does not exist.
//
// # The promise
//
// When Update returns nil, the transaction's writes are visible to every later reader of the session and, with
// a state file, on disk (written and fsynced): a crash at any moment after that loses none of them. When Update
// returns an error, none of the transaction's writes are visible, now or after a restart. A transaction is
// committed whole or not at all, in memory and in the file (it is one line of the file). Readers (View) see
// only durable changes: a change whose write to the disk fails is never seen, and the changes queued behind it
// fail with it and are rolled back; the next write tries the disk again. Writes of one session are serialised:
// each transaction sees every transaction committed before it. Sessions are independent.
//
// Once the function given to Update has returned nil, the change is committed even if the context ends
// meanwhile: a caller whose client hung up either finds its change applied (Update returned nil) or not
// applied (Update returned an error), never half.
//
// Callers cannot break this: the only way to write is Update, which holds the session's lock while the
// transaction runs and its changes are applied and queued for the log, releases it, and only then waits for
// the disk. Nothing outside this package takes a lock of the state or waits for the disk.
//
// # Sessions
//
// HubOptions bound the sessions: MaxSessions caps them, making one more evicts the least recently used idle
// session, IdleTTL evicts sessions unused for that long. A session is never evicted while held (Acquire), kept
// (HubOptions.Keep: the default session) or while it has writes not yet durable (Store.Drop answers ErrBusy).
// An evicted session's state is gone (with a state file, a drop line says so) and a stale *Session refuses use
// with ErrEvicted. A session is evicted only once its drop is durable: when the drop line cannot be written (a
// full disk), the session stays as it was, with its state and settle marks, is not reported to OnEvict, and is
// the first one tried at the next eviction; a new session that needed its room is refused (ErrTooManySessions,
// wrapping the disk's error), so the cap holds.
//
// # Records that no longer fit the spec
//
// With HubOptions.Check, what a store holds from before the start is re-validated against the current spec, so
// a record that no longer fits is never served. A Store that is a Checker does it while loading (the in-memory
// store copies such records from its state file to FILE.quarantine); for any other Store the Hub reads every
// stored session and snapshot after Open, removes the failing records through the store's own transactions,
// logs each one with its content and lists it in Hub.Rejected.
//
// # Lock order
//
// A lock may be taken while holding only locks above it in this list:
//
//  1. Hub.mu: the registry of sessions (may call Store.Drop, never waits for the disk)
//  2. memSession.wmu: one session's writers (held through the transaction, building the new version and
//     queueing its line)
//  3. stateLog.compactMu: one compaction at a time (held through a whole compaction)
//  4. stateLog.fileMu: the file (held by the flusher to write, fsync and publish one batch; by compaction to
//     take its cut and to swap files, never while it writes the compacted file)
//  5. Memory.mu: the maps of sessions and snapshots (held for map operations only)
//  6. stateLog.mu: the queue of lines and their outcomes (held to queue a line or settle a batch)
//
// Session.settleMu is a leaf. Versions of a session are immutable: readers hold no lock at all.
//
// # A shared back end
//
// Store is the seam for another back end, for example one on Redis shared by several standin replicas behind
// a load balancer. Such a store must guarantee:
//   - serialisable transactions per session: the Readers handed to Update's function show the session as of
//     the last commit, and the ops it returns commit only if no other replica committed to that session
//     meanwhile (a lock, or an optimistic check-and-retry that calls the function again);
//   - atomic commits: all ops of a transaction visible at once to every replica, or none;
//   - durability before Pending.Wait returns nil (for Redis: AOF with appendfsync always, or WAIT on
//     replicas), and a commit that fails to become durable never visible to View;
//   - read-your-writes: after Update returns on one replica, View on any replica sees the change;
//   - a consistent view for the length of one View call (one version, or a MULTI/EXEC read);
//   - the same seed on every replica (Open with a seed different from the stored one is an error), and
//     session and snapshot names as the only keys (they pass ValidName);
//   - Drop refusing (ErrBusy) while a session has commits not yet durable, and a drop whose Pending fails
//     leaving the session as it was;
//   - either re-validating what it loads (Checker), or accepting that the Hub removes, at every start, the
//     stored records that no longer fit the spec of the replica starting (run replicas on the same spec).
//   - a put whose Op carries Over stores Record with those fields set over it (OpRecord makes the one map):
//     an update of a few fields passes the record it read and its fields, not a copy (Tx.PutPatched).
//
// Settle marks and the session cap stay per process: they are not state. With several replicas, each caps
// its own sessions and may evict a session another replica still serves: give such a deployment a cap above
// the number of sessions in use, or no cap.
package state
