package state

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// The state file (MemoryOptions.File) is an append-only log of JSON lines. Its first line identifies it:
//
//	{"format":"standin-state","version":1,"checksum":"crc32c"}
//
// Every other line is one logLine followed by a tab and the CRC-32C of the JSON, in 8 hex digits (files
// written before checksums have none: their header lacks "checksum", and their lines are read as they are).
// A change is durable (Pending.Wait returns nil) once its line is written and the file fsynced; writers that
// commit meanwhile share one fsync (group commit). A transaction is one line, so it is kept whole or not at all.
//
// Opening the file takes an exclusive lock on FILE.lock (holding the process id), so a second server on the
// same file refuses to start and names the first. A leftover FILE.compact from a compaction cut short is
// removed. A last line cut short by a crash (no final newline) was never acknowledged: it is dropped with a
// warning and the file truncated to the last whole line. A line whose checksum does not match, or whose records
// no longer fit the current spec (MemoryOptions.Check), is not applied: it is copied to FILE.quarantine with the
// reason and reported. A file whose first line is not the header, or with a line that is not JSON or not a
// state record, is refused and left untouched.
//
// When a write or fsync fails (a full disk), the file is truncated back to its last whole durable line, the
// changes of that batch and of every change queued behind it are rolled back and their writers get the error;
// later writes try the disk again, so the server recovers once there is room.
//
// After CompactEvery lines, the file is rewritten in the background: each session as its changes against the
// seed, and each named snapshot, taken as of one durable point without holding any lock while writing; the
// lines written since that point are then copied over and the new file renamed over the old one.
const (
	stateFormat  = "standin-state"
	stateVersion = 1
	checksumKind = "crc32c"
	compactEvery = 2000
)

var crcTable = crc32.MakeTable(crc32.Castagnoli)

// errLocked reports a lock held by another process.
var errLocked = errors.New("locked")

// errClosed reports a write after Close.
var errClosed = errors.New("state file: closed")

// stateHeader is the first line of a state file.
type stateHeader struct {
	Format   string `json:"format"`
	Version  int    `json:"version"`
	Checksum string `json:"checksum,omitempty"`
}

// logLine is one entry of the state file.
type logLine struct {
	// Op is put, delete, reset (the session's whole state), seed (back to the seeded state), collection (one
	// collection replaced), tx (several of these at once), state (a session after compaction: with Base "seed",
	// its changes against the seed; else its whole State), drop (a session forgotten), snapshot (a named snapshot
	// saved), unsnapshot (a named snapshot deleted).
	Op      string              `json:"op"`
	Session string              `json:"session,omitempty"`
	Coll    string              `json:"coll,omitempty"`
	Key     string              `json:"key,omitempty"`
	Record  Record              `json:"record,omitempty"`
	Entries []Entry             `json:"entries,omitempty"`
	State   State               `json:"state,omitempty"`
	Name    string              `json:"name,omitempty"`
	SavedAt time.Time           `json:"savedAt,omitzero"`
	Ops     []logLine           `json:"ops,omitempty"`
	Base    string              `json:"base,omitempty"`    // state: "seed" when the line holds changes against the seed
	Deletes map[string][]string `json:"deletes,omitempty"` // state with base seed: seed keys removed, per collection
	Puts    State               `json:"puts,omitempty"`    // state with base seed: records changed or added, in order
}

// txLine is the line of a committed transaction: the op itself when there is one, else a tx line.
func txLine(session string, ops []Op) logLine {
	lines := make([]logLine, len(ops))
	for i, op := range ops {
		lines[i] = logLine{Op: string(op.Kind), Coll: op.Coll, Key: op.Key, Record: OpRecord(op), Entries: op.Entries, State: op.State}
	}
	if len(lines) == 1 {
		lines[0].Session = session
		return lines[0]
	}
	return logLine{Op: "tx", Session: session, Ops: lines}
}

// encodeLine renders a line with its checksum and newline.
func encodeLine(l any) ([]byte, error) {
	data, err := json.Marshal(l)
	if err != nil {
		return nil, err
	}
	var sum [4]byte
	c := crc32.Checksum(data, crcTable)
	sum[0], sum[1], sum[2], sum[3] = byte(c>>24), byte(c>>16), byte(c>>8), byte(c)
	out := make([]byte, 0, len(data)+10)
	out = append(out, data...)
	out = append(out, '\t')
	out = hex.AppendEncode(out, sum[:])
	return append(out, '\n'), nil
}

// splitChecksum separates a line's JSON from its checksum: ok is false for a line without one, and bad is set
// when the checksum is there but does not match.
func splitChecksum(raw []byte) (data []byte, ok, bad bool) {
	i := bytes.LastIndexByte(raw, '\t')
	if i < 0 {
		return raw, false, false
	}
	data = raw[:i]
	want, err := hex.DecodeString(string(raw[i+1:]))
	if err != nil || len(want) != 4 {
		return data, true, true
	}
	c := crc32.Checksum(data, crcTable)
	return data, true, c != uint32(want[0])<<24|uint32(want[1])<<16|uint32(want[2])<<8|uint32(want[3])
}

// logItem is one line queued for the disk.
type logItem struct {
	data      []byte
	onDurable func() // run by the flusher once the line is on disk, in log order
	onFail    func() // run by the flusher, under stateLog.mu, when the line could not be written

	settled bool  // guarded by stateLog.mu
	err     error // guarded by stateLog.mu; set when settled
}

// stateLog appends lines to the state file with group commit.
type stateLog struct {
	path string
	log  *slog.Logger
	lock *os.File // FILE.lock, held for the life of the log

	// fileMu is held by the flusher while it writes a batch and publishes it, and by compaction while it takes
	// its cut and while it swaps the files: the file and size change only under it.
	fileMu sync.Mutex
	f      *os.File
	size   int64 // bytes of whole, durable lines in f

	mu           sync.Mutex // guards queue, closed, lines and every logItem's settled and err
	cond         *sync.Cond // signalled when items settle
	queue        []*logItem
	closed       bool
	lines        int // lines written since the last compaction
	compactAfter int

	cut        func() func(w *lineWriter) error // the content of a compacted file as of now; nil disables compaction
	compactMu  sync.Mutex                       // one compaction at a time
	kick       chan struct{}
	compactNow chan struct{}
	finished   chan struct{}
	compacted  chan struct{}
}

// openLog opens (or creates) the state file at path after taking its lock and removing a stale temporary file;
// replay reads the existing content. It returns the log, ready to append, and the length of the whole lines kept.
func openLog(path string, logger *slog.Logger, replay func(data []byte) (int64, error)) (*stateLog, error) {
	lock, err := acquireLock(path)
	if err != nil {
		return nil, err
	}
	fail := func(err error) (*stateLog, error) {
		lock.Close()
		return nil, err
	}
	if err := os.Remove(path + ".compact"); err == nil {
		logger.Warn("state file: removed the temporary file of a compaction cut short", "file", path+".compact")
	} else if !errors.Is(err, os.ErrNotExist) {
		return fail(fmt.Errorf("state file %s: remove stale %s: %w", path, path+".compact", err))
	}
	data, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return fail(fmt.Errorf("state file %s: %w", path, err))
	}
	fresh := len(data) == 0
	keep := int64(len(data))
	if !fresh {
		if keep, err = replay(data); err != nil {
			return fail(err)
		}
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return fail(fmt.Errorf("state file %s: %w", path, err))
	}
	if fresh {
		if err := f.Truncate(0); err != nil {
			f.Close()
			return fail(fmt.Errorf("state file %s: %w", path, err))
		}
		hdr, _ := json.Marshal(stateHeader{Format: stateFormat, Version: stateVersion, Checksum: checksumKind})
		if _, err := f.Write(append(hdr, '\n')); err != nil {
			f.Close()
			return fail(fmt.Errorf("state file %s: write header: %w", path, err))
		}
		keep = int64(len(hdr) + 1)
	} else if keep < int64(len(data)) {
		if err := f.Truncate(keep); err != nil {
			f.Close()
			return fail(fmt.Errorf("state file %s: drop the torn last line: %w", path, err))
		}
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fail(fmt.Errorf("state file %s: sync: %w", path, err))
	}
	if fresh {
		syncDir(path)
	}
	l := &stateLog{path: path, log: logger, lock: lock, f: f, size: keep, compactAfter: compactEvery,
		kick: make(chan struct{}, 1), compactNow: make(chan struct{}, 1), finished: make(chan struct{}),
		compacted: make(chan struct{})}
	l.cond = sync.NewCond(&l.mu)
	go l.flusher()
	go l.compactor()
	return l, nil
}

// acquireLock takes the exclusive lock of path's lock file and writes this process's id into it.
func acquireLock(path string) (*os.File, error) {
	name := path + ".lock"
	f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("state file %s: open its lock %s: %w", path, name, err)
	}
	if err := lockFile(f); err != nil {
		holder, _ := io.ReadAll(io.LimitReader(f, 200))
		f.Close()
		if errors.Is(err, errLocked) {
			who := strings.TrimSpace(string(holder))
			if who == "" {
				who = "another process"
			}
			return nil, fmt.Errorf("state file %s is in use by %s (lock %s); standin refuses to share it: stop "+
				"that server, or pass another --state-file", path, who, name)
		}
		return nil, fmt.Errorf("state file %s: lock %s: %w", path, name, err)
	}
	host, _ := os.Hostname()
	stamp := "process " + strconv.Itoa(os.Getpid())
	if host != "" {
		stamp += " on " + host
	}
	stamp += " since " + time.Now().UTC().Format(time.RFC3339)
	if err := f.Truncate(0); err == nil {
		_, _ = f.WriteAt([]byte(stamp+"\n"), 0)
	}
	return f, nil
}

// append queues a line; onAppend runs under the log's lock first and may refuse the line. The returned item
// settles once the line is on disk or has failed.
func (l *stateLog) append(line logLine, onAppend func() error, onDurable, onFail func()) (*logItem, error) {
	data, err := encodeLine(line)
	if err != nil {
		return nil, fmt.Errorf("state file: encode %s: %w", line.Op, err)
	}
	it := &logItem{data: data, onDurable: onDurable, onFail: onFail}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return nil, errClosed
	}
	if onAppend != nil {
		if err := onAppend(); err != nil {
			return nil, err
		}
	}
	l.queue = append(l.queue, it)
	select { // under l.mu, so Close cannot close kick meanwhile
	case l.kick <- struct{}{}:
	default:
	}
	return it, nil
}

// wait blocks until it settles and returns its error.
func (l *stateLog) wait(it *logItem) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	for !it.settled {
		l.cond.Wait()
	}
	return it.err
}

// flusher writes queued lines and fsyncs, one batch at a time: every line queued while a batch is being synced
// goes into the next batch, so concurrent writers share fsyncs.
func (l *stateLog) flusher() {
	defer close(l.finished)
	for range l.kick {
		l.mu.Lock()
		items := l.queue
		l.queue = nil
		l.mu.Unlock()
		if len(items) > 0 {
			l.flush(items)
		}
	}
}

// flush writes one batch.
func (l *stateLog) flush(items []*logItem) {
	l.fileMu.Lock()
	defer l.fileMu.Unlock()
	var buf []byte
	for _, it := range items {
		buf = append(buf, it.data...)
	}
	_, err := l.f.Write(buf)
	if err == nil {
		err = l.f.Sync()
	}
	if err != nil {
		// Whatever part of the batch reached the file is cut off again, so the file ends with the last durable
		// line; the next batch tries the disk afresh.
		if terr := l.f.Truncate(l.size); terr != nil {
			l.log.Error("state file: cannot cut a failed write off; later writes may follow a partial line",
				"file", l.path, "err", terr)
		} else {
			_ = l.f.Sync()
		}
	} else {
		l.size += int64(len(buf))
		for _, it := range items {
			if it.onDurable != nil {
				it.onDurable()
			}
		}
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if err != nil {
		// Lines queued behind the batch may build on its changes: they fail too.
		failed := append(items, l.queue...)
		l.queue = nil
		werr := fmt.Errorf("state file %s: write failed, the change is not kept: %w", l.path, err)
		for _, it := range failed {
			if it.onFail != nil {
				it.onFail()
			}
			it.settled, it.err = true, werr
		}
		l.log.Error("state file: write failed; the changes of this batch are rolled back and later writes try again",
			"file", l.path, "lines", len(failed), "err", err)
	} else {
		for _, it := range items {
			it.settled = true
		}
		l.lines += len(items)
		if l.cut != nil && l.lines >= l.compactAfter {
			select {
			case l.compactNow <- struct{}{}:
			default:
			}
		}
	}
	l.cond.Broadcast()
}

// compactor compacts the file when the flusher asks.
func (l *stateLog) compactor() {
	defer close(l.compacted)
	for range l.compactNow {
		if err := l.compact(); err != nil {
			l.log.Warn("state file: compaction failed; the log keeps growing until the next try", "file", l.path, "err", err)
		}
	}
}

// compact rewrites the file as the state at one durable point plus the lines written after it. Writers are held
// up only while the lines written during the rewrite are copied over.
func (l *stateLog) compact() error {
	l.compactMu.Lock()
	defer l.compactMu.Unlock()
	l.mu.Lock()
	cut := l.cut
	l.mu.Unlock()
	if cut == nil {
		return nil
	}
	l.fileMu.Lock()
	from := l.size
	write := cut()
	l.mu.Lock()
	l.lines = 0 // lines written from here on are counted towards the next compaction
	l.mu.Unlock()
	l.fileMu.Unlock()

	tmp := l.path + ".compact"
	// Opened for appending: after the rename this descriptor is the state file's, so no reopen can fail.
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	ok := false
	defer func() {
		if !ok {
			f.Close()
			os.Remove(tmp)
		}
	}()
	w := &lineWriter{w: bufio.NewWriterSize(f, 1<<16)}
	hdr, _ := json.Marshal(stateHeader{Format: stateFormat, Version: stateVersion, Checksum: checksumKind})
	if _, err := w.w.Write(append(hdr, '\n')); err != nil {
		return err
	}
	if err := write(w); err != nil {
		return err
	}
	if err := w.w.Flush(); err != nil {
		return err
	}

	l.fileMu.Lock()
	defer l.fileMu.Unlock()
	src, err := os.Open(l.path)
	if err != nil {
		return err
	}
	tail, err := io.Copy(f, io.NewSectionReader(src, from, l.size-from))
	src.Close()
	if err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	info, err := f.Stat()
	if err != nil {
		return err
	}
	if err := os.Rename(tmp, l.path); err != nil {
		return err
	}
	ok = true
	syncDir(l.path)
	l.f.Close()
	l.f, l.size = f, info.Size()
	size := info.Size()
	l.log.Info("state file compacted", "file", l.path, "lines", w.n, "tailBytes", tail, "bytes", size)
	return nil
}

// lineWriter writes checksummed lines.
type lineWriter struct {
	w *bufio.Writer
	n int
}

func (w *lineWriter) line(l logLine) error {
	data, err := encodeLine(l)
	if err != nil {
		return err
	}
	w.n++
	_, err = w.w.Write(data)
	return err
}

// Close flushes queued lines, closes the file and releases the lock.
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
	close(l.compactNow)
	<-l.compacted
	l.fileMu.Lock()
	defer l.fileMu.Unlock()
	err := l.f.Close()
	l.lock.Close() // releases the lock
	if err != nil {
		return fmt.Errorf("state file %s: close: %w", l.path, err)
	}
	return nil
}

// syncDir fsyncs the folder holding path so a created or renamed file survives a crash.
func syncDir(path string) {
	if d, err := os.Open(filepath.Dir(path)); err == nil {
		_ = d.Sync()
		d.Close()
	}
}
