package state

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
)

// Rejected is a stored record that failed HubOptions.Check when the hub opened a store that is not a Checker:
// it was removed from its session (or snapshot) and reported.
type Rejected struct {
	Session  string `json:"session,omitempty"`  // the session that held it ("" for a snapshot)
	Snapshot string `json:"snapshot,omitempty"` // the snapshot that held it ("" for a session)
	Coll     string `json:"coll"`
	Key      string `json:"key"`
	Reason   string `json:"reason"`
	Record   Record `json:"record"`
}

// Rejected lists the records removed at open because they no longer fit the current spec (HubOptions.Check, for
// a store that is not a Checker), in the order they were found: sessions by name, then snapshots by name.
func (h *Hub) Rejected() []Rejected { return slices.Clone(h.rejected) }

// checkStored re-validates every record of the store's sessions and snapshots with opts.Check and removes those
// that fail, each session in one transaction. It runs in NewHub, before the hub is handed out.
func (h *Hub) checkStored(ctx context.Context) error {
	check := h.opts.Check
	names, err := h.store.Sessions(ctx)
	if err != nil {
		return fmt.Errorf("state: check stored sessions: %w", err)
	}
	for _, name := range names {
		var bad []Rejected
		err := h.store.View(ctx, name, func(r Reader) error {
			var err error
			bad, err = rejectsOf(r, name, check)
			return err
		})
		if err != nil {
			return fmt.Errorf("state: check session %s: %w", name, err)
		}
		if len(bad) == 0 {
			continue
		}
		// Remove them in one transaction, checking again what the session holds then.
		var removed []Rejected
		p, err := h.store.Update(ctx, name, func(cur, _ Reader) ([]Op, error) {
			var err error
			removed, err = rejectsOf(cur, name, check)
			ops := make([]Op, len(removed))
			for i, rj := range removed {
				ops[i] = Op{Kind: OpDelete, Coll: rj.Coll, Key: rj.Key}
			}
			return ops, err
		})
		if err == nil {
			err = p.Wait()
		}
		if err != nil {
			return fmt.Errorf("state: remove the records of session %s that no longer fit the spec: %w", name, err)
		}
		h.reject(removed)
	}
	snaps, err := h.store.Snapshots(ctx)
	if err != nil {
		return fmt.Errorf("state: check stored snapshots: %w", err)
	}
	for _, snap := range snaps {
		kept, bad := State{}, []Rejected(nil)
		for _, coll := range sortedColls(snap.State) {
			for _, e := range snap.State[coll] {
				if err := check(coll, e.Key, e.Record); err != nil {
					bad = append(bad, Rejected{Snapshot: snap.Name, Coll: coll, Key: e.Key, Reason: err.Error(), Record: e.Record})
					continue
				}
				kept[coll] = append(kept[coll], e)
			}
		}
		if len(bad) == 0 {
			continue
		}
		snap.State = kept
		p, err := h.store.SaveSnapshot(ctx, snap)
		if err == nil {
			err = p.Wait()
		}
		if err != nil {
			return fmt.Errorf("state: remove the records of snapshot %s that no longer fit the spec: %w", snap.Name, err)
		}
		h.reject(bad)
	}
	if len(h.rejected) > 0 {
		h.opts.Logger.Warn("state: stored records that no longer fit the spec were removed at start",
			"count", len(h.rejected))
	}
	return nil
}

// rejectsOf lists the records of r that check refuses.
func rejectsOf(r Reader, session string, check func(coll, key string, rec Record) error) ([]Rejected, error) {
	colls, err := r.Collections()
	if err != nil {
		return nil, err
	}
	var bad []Rejected
	for _, coll := range colls {
		err := r.Scan(coll, 0, func(key string, rec Record) bool {
			if cerr := check(coll, key, rec); cerr != nil {
				bad = append(bad, Rejected{Session: session, Coll: coll, Key: key, Reason: cerr.Error(), Record: DeepCopyRecord(rec)})
			}
			return true
		})
		if err != nil {
			return nil, err
		}
	}
	return bad, nil
}

// reject records and reports removed records, each with its content so that nothing is lost without a trace.
func (h *Hub) reject(rs []Rejected) {
	for _, rj := range rs {
		data, _ := json.Marshal(rj.Record)
		h.opts.Logger.Warn("state: stored record no longer fits the spec: removed, not served",
			"session", rj.Session, "snapshot", rj.Snapshot, "coll", rj.Coll, "key", rj.Key, "reason", rj.Reason,
			"record", string(data))
	}
	h.rejected = append(h.rejected, rs...)
}

// sortedColls names the collections of st, sorted.
func sortedColls(st State) []string {
	colls := make([]string, 0, len(st))
	for c := range st {
		colls = append(colls, c)
	}
	slices.Sort(colls)
	return colls
}
