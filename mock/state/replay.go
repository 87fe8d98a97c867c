package state

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"slices"

	"github.com/standin/standin/internal/jsonvalue"
)

// replay is what a state file held.
type replay struct {
	path      string
	log       *slog.Logger
	seed      *mem
	check     func(coll, key string, rec Record) error // nil accepts every record
	sessions  map[string]*mem
	snapshots map[string]Snapshot

	quarantine  *os.File // FILE.quarantine, opened on the first record set aside
	quarantined int
}

// quarantined is a line of FILE.quarantine: what was set aside and why.
type quarantined struct {
	Line    int             `json:"line"`
	Reason  string          `json:"reason"`
	Session string          `json:"session,omitempty"`
	Coll    string          `json:"coll,omitempty"`
	Key     string          `json:"key,omitempty"`
	Raw     json.RawMessage `json:"raw,omitempty"`    // the line as it was, when it is JSON
	Text    string          `json:"text,omitempty"`   // the line as it was, when it is not
	Record  Record          `json:"record,omitempty"` // one record set aside from a line that is otherwise kept
}

func (rp *replay) refuse(format string, args ...any) error {
	return fmt.Errorf("state file %s: %s; standin refuses to use or overwrite it: move it away, or pass "+
		"another --state-file", rp.path, fmt.Sprintf(format, args...))
}

// setAside writes q to the quarantine file and reports it.
func (rp *replay) setAside(q quarantined) error {
	if rp.quarantine == nil {
		f, err := os.OpenFile(rp.path+".quarantine", os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
		if err != nil {
			return fmt.Errorf("state file %s: open %s.quarantine: %w", rp.path, rp.path, err)
		}
		rp.quarantine = f
	}
	data, err := json.Marshal(q)
	if err != nil {
		return err
	}
	if _, err := rp.quarantine.Write(append(data, '\n')); err != nil {
		return fmt.Errorf("state file %s: write %s.quarantine: %w", rp.path, rp.path, err)
	}
	rp.quarantined++
	rp.log.Warn("state file: a record is set aside, not served", "file", rp.path, "line", q.Line,
		"reason", q.Reason, "session", q.Session, "coll", q.Coll, "key", q.Key, "quarantine", rp.path+".quarantine")
	return nil
}

// close syncs and closes the quarantine file.
func (rp *replay) close() error {
	if rp.quarantine == nil {
		return nil
	}
	err := rp.quarantine.Sync()
	if cerr := rp.quarantine.Close(); err == nil {
		err = cerr
	}
	return err
}

// run checks the header and applies every line; it returns the length of the whole lines kept.
func (rp *replay) run(data []byte) (int64, error) {
	first, rest, ok := bytes.Cut(data, []byte("\n"))
	var hdr stateHeader
	if !ok || json.Unmarshal(first, &hdr) != nil || hdr.Format != stateFormat {
		return 0, rp.refuse("it is not a standin state file (its first line is not %s)",
			`{"format":"standin-state","version":1}`)
	}
	if hdr.Version != stateVersion {
		return 0, rp.refuse("it has format version %d and this standin reads version %d", hdr.Version, stateVersion)
	}
	if hdr.Checksum != "" && hdr.Checksum != checksumKind {
		return 0, rp.refuse("its lines carry %s checksums and this standin checks %s", hdr.Checksum, checksumKind)
	}
	offset := int64(len(first) + 1)
	lineNo := 1
	sc := bufio.NewScanner(bytes.NewReader(rest))
	sc.Buffer(make([]byte, 0, 1<<16), len(rest)+1)
	sc.Split(splitLines)
	for sc.Scan() {
		lineNo++
		raw := sc.Bytes()
		whole := offset+int64(len(raw)) < int64(len(data)) && data[offset+int64(len(raw))] == '\n'
		if !whole {
			rp.log.Warn("state file: dropping a last line cut short (a write that was never acknowledged)",
				"file", rp.path, "line", lineNo, "bytes", len(raw))
			return offset, nil
		}
		offset += int64(len(raw) + 1)
		body, summed, bad := splitChecksum(raw)
		if bad || hdr.Checksum != "" && !summed {
			q := quarantined{Line: lineNo, Reason: "the line's checksum does not match its content (damaged on disk)"}
			if json.Valid(body) {
				q.Raw = slices.Clone(body)
			} else {
				q.Text = string(raw)
			}
			if err := rp.setAside(q); err != nil {
				return 0, err
			}
			continue
		}
		var l logLine
		if err := json.Unmarshal(body, &l); err != nil {
			return 0, rp.refuse("line %d is not a state record (%v)", lineNo, err)
		}
		if err := rp.apply(lineNo, body, l); err != nil {
			return 0, rp.refuse("line %d: %v", lineNo, err)
		}
	}
	if rp.quarantined > 0 {
		rp.log.Warn("state file: records set aside at load", "file", rp.path, "count", rp.quarantined,
			"quarantine", rp.path+".quarantine")
	}
	return offset, nil
}

// splitLines splits on '\n' and returns a final piece without one as a token too.
func splitLines(data []byte, atEOF bool) (int, []byte, error) {
	if i := bytes.IndexByte(data, '\n'); i >= 0 {
		return i + 1, data[:i], nil
	}
	if atEOF && len(data) > 0 {
		return len(data), data, nil
	}
	return 0, nil, nil
}

// errUnfit marks a line whose records no longer fit the spec.
var errUnfit = errors.New("unfit")

// apply replays one line.
func (rp *replay) apply(lineNo int, raw []byte, l logLine) error {
	switch l.Op {
	case "snapshot", "unsnapshot":
		if err := ValidName(l.Name); err != nil {
			return err
		}
		if l.Op == "unsnapshot" {
			delete(rp.snapshots, l.Name)
			return nil
		}
		st, err := rp.fitState(lineNo, l.Session, l.State)
		if err != nil {
			return err
		}
		rp.snapshots[l.Name] = Snapshot{Name: l.Name, Session: l.Session, SavedAt: l.SavedAt, State: st}
		return nil
	}
	if err := ValidName(l.Session); err != nil {
		return err
	}
	var ops []Op
	switch l.Op {
	case "drop":
		delete(rp.sessions, l.Session)
		return nil
	case "tx":
		for _, sub := range l.Ops {
			op, err := opOf(sub)
			if err != nil {
				return err
			}
			ops = append(ops, op)
		}
	case "state":
		if l.Base == "seed" {
			return rp.applyDelta(lineNo, l)
		}
		if l.Base != "" {
			return fmt.Errorf("state line with base %q: expected \"seed\" or none", l.Base)
		}
		ops = []Op{{Kind: OpReset, State: l.State}}
	default:
		op, err := opOf(l)
		if err != nil {
			return err
		}
		ops = []Op{op}
	}
	// Every record must still fit the spec: a put that does not is set aside with its whole line (a transaction
	// stays whole); from a set of records (reset, collection) only the records that do not fit are.
	for i, op := range ops {
		switch op.Kind {
		case OpPut:
			if err := rp.fit(op.Coll, op.Key, op.Record); err != nil {
				return rp.setAside(quarantined{Line: lineNo, Reason: err.Error(), Session: l.Session, Coll: op.Coll,
					Key: op.Key, Raw: slices.Clone(raw)})
			}
		case OpReset:
			st, err := rp.fitState(lineNo, l.Session, op.State)
			if err != nil {
				return err
			}
			ops[i].State = st
		case OpCollection:
			entries, err := rp.fitEntries(lineNo, l.Session, op.Coll, op.Entries)
			if err != nil {
				return err
			}
			ops[i].Entries = entries
		}
	}
	rp.sessions[l.Session] = rp.session(l.Session).apply(ops, rp.seed)
	return nil
}

// session returns the replayed version of a session, the seed when it has none yet.
func (rp *replay) session(name string) *mem {
	if m, ok := rp.sessions[name]; ok {
		return m
	}
	return rp.seed
}

// applyDelta replays a compacted session: the seed, less the deleted keys, plus the records put in order.
func (rp *replay) applyDelta(lineNo int, l logLine) error {
	b := newBuilder(rp.seed)
	for _, coll := range jsonvalue.SortedKeys(l.Deletes) {
		for _, key := range l.Deletes[coll] {
			b.delete(coll, key)
		}
	}
	for _, coll := range jsonvalue.SortedKeys(l.Puts) {
		entries, err := rp.fitEntries(lineNo, l.Session, coll, l.Puts[coll])
		if err != nil {
			return err
		}
		for _, e := range entries {
			b.put(coll, e.Key, e.Record, nil, nil)
		}
	}
	rp.sessions[l.Session] = b.done()
	return nil
}

// fit checks one record against the current spec.
func (rp *replay) fit(coll, key string, rec Record) error {
	if rp.check == nil {
		return nil
	}
	if err := rp.check(coll, key, rec); err != nil {
		return fmt.Errorf("%s %s no longer fits the spec: %w", coll, key, err)
	}
	return nil
}

// fitEntries returns the entries that fit, setting the others aside.
func (rp *replay) fitEntries(lineNo int, session, coll string, entries []Entry) ([]Entry, error) {
	out := entries[:0:0]
	for _, e := range entries {
		if e.Record == nil {
			e.Record = Record{}
		}
		if err := rp.fit(coll, e.Key, e.Record); err != nil {
			if err := rp.setAside(quarantined{Line: lineNo, Reason: err.Error(), Session: session, Coll: coll, Key: e.Key,
				Record: e.Record}); err != nil {
				return nil, err
			}
			continue
		}
		out = append(out, e)
	}
	return out, nil
}

// fitState returns the state with only the records that fit.
func (rp *replay) fitState(lineNo int, session string, st State) (State, error) {
	out := make(State, len(st))
	for coll, entries := range st {
		kept, err := rp.fitEntries(lineNo, session, coll, entries)
		if err != nil {
			return nil, err
		}
		out[coll] = kept
	}
	return out, nil
}

// opOf reads the change of one line.
func opOf(l logLine) (Op, error) {
	switch OpKind(l.Op) {
	case OpPut:
		if l.Record == nil {
			l.Record = Record{} // an empty record is left out of the line
		}
		return Op{Kind: OpPut, Coll: l.Coll, Key: l.Key, Record: l.Record}, nil
	case OpDelete:
		return Op{Kind: OpDelete, Coll: l.Coll, Key: l.Key}, nil
	case OpReset:
		return Op{Kind: OpReset, State: l.State}, nil
	case OpSeed:
		return Op{Kind: OpSeed}, nil
	case OpCollection:
		return Op{Kind: OpCollection, Coll: l.Coll, Entries: l.Entries}, nil
	}
	return Op{}, fmt.Errorf("unknown op %q", l.Op)
}
