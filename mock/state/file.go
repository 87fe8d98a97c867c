package state

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// The state file (--state-file) is an append-only log of JSON lines. Its first line identifies it:
//
//	{"format":"standin-state","version":1}
//
// Every other line is one logLine. A write is acknowledged (its HTTP answer sent) only after its line is written
// and the file fsynced; concurrent writers share one fsync (group commit). After compactEvery lines the file is
// rewritten as a header plus one "state" line per session and one "snapshot" line per named snapshot (written to
// a temporary file, fsynced and renamed over the old one). A last line cut short by a crash (no final newline) was
// never acknowledged: it is dropped with a warning and the file truncated to the last whole line. A file whose
// first line is not the header, or with a bad line before the last, is refused and left untouched.
const (
	stateFormat  = "standin-state"
	stateVersion = 1
	compactEvery = 2000
)

// stateHeader is the first line of a state file.
type stateHeader struct {
	Format  string `json:"format"`
	Version int    `json:"version"`
}

// logLine is one entry of the state file.
type logLine struct {
	// Op is put, delete, reset (the session's whole state), seed (back to the seeded state), collection (one
	// collection replaced), state (a session's state after compaction), snapshot (a named snapshot saved),
	// unsnapshot (a named snapshot deleted).
	Op      string    `json:"op"`
	Session string    `json:"session,omitempty"`
	Coll    string    `json:"coll,omitempty"`
	Key     string    `json:"key,omitempty"`
	Record  Record    `json:"record,omitempty"`
	Entries []Entry   `json:"entries,omitempty"`
	State   State     `json:"state,omitempty"`
	Name    string    `json:"name,omitempty"`
	SavedAt time.Time `json:"savedAt,omitzero"`
	Ops     []logLine `json:"ops,omitempty"` // op tx: the changes of one transaction, applied together
}

// txLine is the line of a committed transaction: the op itself when there is one, else a tx line.
func txLine(session string, ops []Op) logLine {
	lines := make([]logLine, len(ops))
	for i, op := range ops {
		lines[i] = logLine{Op: string(op.Kind), Session: session, Coll: op.Coll, Key: op.Key, Record: op.Record,
			Entries: op.Entries, State: op.State}
	}
	if len(lines) == 1 {
		return lines[0]
	}
	for i := range lines {
		lines[i].Session = ""
	}
	return logLine{Op: "tx", Session: session, Ops: lines}
}

// stateLog appends lines to the state file with group commit.
type stateLog struct {
	path string
	log  *slog.Logger

	mu           sync.Mutex // guards f, buf, next, durable, err, lines, compactAfter, closed, compact
	cond         *sync.Cond // signalled when durable or err change
	f            *os.File
	buf          []byte // lines not yet written
	next         ticket // ticket of the last line appended
	durable      ticket // every line up to this ticket is on disk
	err          error  // the first write error; every later wait fails with it
	lines        int    // lines in the file since the last compaction
	compactAfter int    // compact once the file holds this many lines
	closed       bool
	compact      func() []logLine // the lines of a compacted file; nil disables compaction
	kick         chan struct{}
	finished     chan struct{}
}

// ticket is a position in the state log.
type ticket uint64

// replay is what a state file held.
type replay struct {
	sessions  map[string]*mem
	snapshots map[string]Snapshot
}

// openStateLog opens (or creates) the state file at path, replays it on top of seed, and starts the flusher.
func openStateLog(path string, seed *mem, logger *slog.Logger) (*stateLog, *replay, error) {
	rp := &replay{sessions: map[string]*mem{}, snapshots: map[string]Snapshot{}}
	data, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, nil, fmt.Errorf("state file %s: %w", path, err)
	}
	fresh := len(data) == 0
	keep := int64(len(data))
	lines := 0
	if !fresh {
		if keep, lines, err = replayLines(path, data, seed, rp, logger); err != nil {
			return nil, nil, err
		}
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, nil, fmt.Errorf("state file %s: %w", path, err)
	}
	if fresh {
		hdr, _ := json.Marshal(stateHeader{Format: stateFormat, Version: stateVersion})
		if _, err := f.Write(append(hdr, '\n')); err != nil {
			f.Close()
			return nil, nil, fmt.Errorf("state file %s: write header: %w", path, err)
		}
		keep = int64(len(hdr) + 1)
	} else if keep < int64(len(data)) {
		if err := f.Truncate(keep); err != nil {
			f.Close()
			return nil, nil, fmt.Errorf("state file %s: drop the torn last line: %w", path, err)
		}
	}
	if _, err := f.Seek(keep, io.SeekStart); err != nil {
		f.Close()
		return nil, nil, fmt.Errorf("state file %s: %w", path, err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return nil, nil, fmt.Errorf("state file %s: sync: %w", path, err)
	}
	if fresh {
		syncDir(path)
	}
	l := &stateLog{path: path, log: logger, f: f, lines: lines, compactAfter: compactEvery, kick: make(chan struct{}, 1),
		finished: make(chan struct{})}
	l.cond = sync.NewCond(&l.mu)
	go l.flusher()
	return l, rp, nil
}

// replayLines checks the header and applies every line; it returns the length of the whole lines kept.
func replayLines(path string, data []byte, seed *mem, rp *replay, logger *slog.Logger) (int64, int, error) {
	refuse := func(format string, args ...any) error {
		return fmt.Errorf("state file %s: %s; standin refuses to use or overwrite it: move it away, or pass "+
			"another --state-file", path, fmt.Sprintf(format, args...))
	}
	first, rest, ok := bytes.Cut(data, []byte("\n"))
	var hdr stateHeader
	if !ok || json.Unmarshal(first, &hdr) != nil || hdr.Format != stateFormat {
		return 0, 0, refuse("it is not a standin state file (its first line is not %s)",
			`{"format":"standin-state","version":1}`)
	}
	if hdr.Version != stateVersion {
		return 0, 0, refuse("it has format version %d and this standin reads version %d", hdr.Version, stateVersion)
	}
	offset := int64(len(first) + 1)
	lineNo, count := 1, 0
	sc := bufio.NewScanner(bytes.NewReader(rest))
	sc.Buffer(make([]byte, 0, 1<<16), len(rest)+1)
	sc.Split(splitLines)
	for sc.Scan() {
		lineNo++
		raw := sc.Bytes()
		whole := offset+int64(len(raw)) < int64(len(data)) && data[offset+int64(len(raw))] == '\n'
		if !whole {
			logger.Warn("state file: dropping a last line cut short (a write that was never acknowledged)",
				"file", path, "line", lineNo, "bytes", len(raw))
			return offset, count, nil
		}
		var l logLine
		if err := json.Unmarshal(raw, &l); err != nil {
			return 0, 0, refuse("line %d is not a state record (%v)", lineNo, err)
		}
		if err := rp.apply(l, seed); err != nil {
			return 0, 0, refuse("line %d: %v", lineNo, err)
		}
		offset += int64(len(raw) + 1)
		count++
	}
	return offset, count, nil
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

// apply replays one line.
func (rp *replay) apply(l logLine, seed *mem) error {
	if l.Op == "snapshot" || l.Op == "unsnapshot" {
		if err := ValidName(l.Name); err != nil {
			return err
		}
		if l.Op == "snapshot" {
			rp.snapshots[l.Name] = Snapshot{Name: l.Name, Session: l.Session, SavedAt: l.SavedAt, State: l.State}
		} else {
			delete(rp.snapshots, l.Name)
		}
		return nil
	}
	if err := ValidName(l.Session); err != nil {
		return err
	}
	var ops []Op
	switch l.Op {
	case "tx":
		for _, sub := range l.Ops {
			op, err := opOf(sub)
			if err != nil {
				return err
			}
			ops = append(ops, op)
		}
	case "state":
		ops = []Op{{Kind: OpReset, State: l.State}}
	default:
		op, err := opOf(l)
		if err != nil {
			return err
		}
		ops = []Op{op}
	}
	m, ok := rp.sessions[l.Session]
	if !ok {
		m = seed.fork()
		rp.sessions[l.Session] = m
	}
	m.apply(ops, seed)
	return nil
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

// append queues a line and returns its ticket; the line is on disk once wait(ticket) returns nil.
func (l *stateLog) append(line logLine) (ticket, error) {
	data, err := json.Marshal(line)
	if err != nil {
		return 0, fmt.Errorf("state file: encode %s: %w", line.Op, err)
	}
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		return 0, errClosed
	}
	if l.err != nil {
		err := l.err
		l.mu.Unlock()
		return 0, err
	}
	l.buf = append(append(l.buf, data...), '\n')
	l.next++
	t := l.next
	select { // under l.mu, so Close cannot close kick meanwhile
	case l.kick <- struct{}{}:
	default:
	}
	l.mu.Unlock()
	return t, nil
}

// wait blocks until the line of ticket t is on disk.
func (l *stateLog) wait(t ticket) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	for l.durable < t && l.err == nil {
		l.cond.Wait()
	}
	if l.durable >= t {
		return nil
	}
	return l.err
}

// flusher writes queued lines and fsyncs, one batch at a time: every line queued while a batch is being synced
// goes into the next batch, so concurrent writers share fsyncs.
func (l *stateLog) flusher() {
	defer close(l.finished)
	for range l.kick {
		l.mu.Lock()
		buf, upto, n := l.buf, l.next, bytes.Count(l.buf, []byte("\n"))
		l.buf = nil
		f := l.f
		l.mu.Unlock()
		if len(buf) == 0 {
			continue
		}
		_, err := f.Write(buf)
		if err == nil {
			err = f.Sync()
		}
		l.mu.Lock()
		if err != nil && l.err == nil {
			l.err = fmt.Errorf("state file %s: %w", l.path, err)
			l.log.Error("state file: write failed; later writes are refused", "file", l.path, "err", err)
		}
		if err == nil {
			l.durable = upto
			l.lines += n
		}
		l.cond.Broadcast()
		if err == nil && l.lines >= l.compactAfter && l.compact != nil {
			l.compactLocked()
		}
		l.mu.Unlock()
	}
}

// compactLocked rewrites the file as the current state; l.mu must be held (no line is queued meanwhile).
func (l *stateLog) compactLocked() {
	lines := l.compact()
	tmp := l.path + ".compact"
	err := func() error {
		f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
		if err != nil {
			return err
		}
		w := bufio.NewWriter(f)
		enc := json.NewEncoder(w)
		if err := enc.Encode(stateHeader{Format: stateFormat, Version: stateVersion}); err != nil {
			f.Close()
			return err
		}
		for _, line := range lines {
			if err := enc.Encode(line); err != nil {
				f.Close()
				return err
			}
		}
		if err := w.Flush(); err != nil {
			f.Close()
			return err
		}
		if err := f.Sync(); err != nil {
			f.Close()
			return err
		}
		if err := f.Close(); err != nil {
			return err
		}
		if err := os.Rename(tmp, l.path); err != nil {
			return err
		}
		syncDir(l.path)
		nf, err := os.OpenFile(l.path, os.O_WRONLY|os.O_APPEND, 0o644)
		if err != nil {
			return err
		}
		l.f.Close()
		l.f = nf
		return nil
	}()
	if err != nil {
		os.Remove(tmp)
		l.log.Warn("state file: compaction failed; the log keeps growing", "file", l.path, "err", err)
		l.lines = 0
		return
	}
	l.lines = 0
	l.log.Info("state file compacted", "file", l.path, "lines", len(lines))
}

// Close flushes queued lines and closes the file.
func (l *stateLog) Close() error {
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		return nil
	}
	l.closed = true
	close(l.kick)
	l.mu.Unlock()
	<-l.finished
	l.mu.Lock()
	defer l.mu.Unlock()
	if err := l.f.Close(); err != nil {
		return fmt.Errorf("state file %s: close: %w", l.path, err)
	}
	return l.err
}

// syncDir fsyncs the folder holding path so a created or renamed file survives a crash.
func syncDir(path string) {
	if d, err := os.Open(filepath.Dir(path)); err == nil {
		_ = d.Sync()
		d.Close()
	}
}
