// Package state keeps the records of a standin server: one isolated set of collections per session, seeded
// from fixtures, changed only through transactions, and (with a state file) durable. It uses the standard
// library only and knows nothing of HTTP.
//
// # Using it
//
// A Hub is opened over a Store with the seeded state. Hub.Session returns the Session of a name; a Session is
// read with View and changed with Update:
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
// Records go into a Tx and come out of Tx.Get as deep copies; Tx.Scan yields the stored records without
// copying, for reading only.
//
// # The promise
//
// When Update returns nil, the transaction's writes are visible to every later reader of the session and, with
// a state file, on disk (written and fsynced): a crash at any moment after that loses none of them. When Update
// returns an error, none of the transaction's writes are visible, now or after a restart. A transaction either
// commits whole or not at all, in memory and in the file: a crash can cut only the last line of the file,
// which was never acknowledged and is dropped at the next start. Writes of one session are serialised: each
// transaction sees every transaction committed before it. Sessions are independent.
//
// Callers cannot break this: the only way to write is Update, which holds the session's lock while the
// transaction runs and its changes are applied and appended to the log, releases it, and only then waits
// for the disk. Nothing outside this package takes a lock of the state or waits for the disk.
//
// # Lock order
//
// A lock may be taken while holding only locks above it in this list:
//
//  1. Memory.mu (the registry of sessions and snapshots; held for map lookups only)
//  2. memSession.wmu (one session's writers; held through fn, apply and log append)
//  3. mem.mu (one session's records; held for one read or one apply)
//  4. stateLog.mu (the log's queue; held to append, never during a write or fsync of a batch, except that
//     compaction reads the state (1, 3) while holding it)
//
// Session.settleMu and Hub.mu are leaves: nothing is taken while holding them.
//
// # A shared back end
//
// Store is the seam for another back end, for example one on Redis shared by several standin replicas behind
// a load balancer. Such a store must guarantee:
//   - serialisable transactions per session: the Readers handed to Update's function show the session as of
//     the last commit, and the ops it returns commit only if no other replica committed to that session
//     meanwhile (a lock, or an optimistic check-and-retry that calls the function again);
//   - atomic commits: all ops of a transaction visible at once to every replica, or none;
//   - durability before Pending.Wait returns (for Redis: AOF with appendfsync always, or WAIT on replicas);
//   - read-your-writes: after Update returns on one replica, View on any replica sees the change;
//   - the same seed on every replica (Open with a different seed than the stored one is an error), and
//     session and snapshot names as the only keys (they pass ValidName);
//   - settle marks stay per process (they are a timing aid, not state).
package state
