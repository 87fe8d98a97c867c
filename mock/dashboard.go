package mock

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// The dashboard is the web page at /__standin/ (dashboard_assets.go), the live journal stream it reads
// (GET /__standin/journal/stream, below), the coverage of each session's client (coverage.go) and the catalog
// of operations it builds its forms from (dashboard_catalog.go). The page itself uses only the admin API.

// streamBuffer is how many entries a slow subscriber may fall behind before entries are dropped for it (it is
// told how many).
const streamBuffer = 512

// maxStreams bounds the live streams open at once, so open tabs cannot grow the server without bound.
const maxStreams = 64

// streamCoalesce is the longest an entry waits to be sent with those that follow it.
const streamCoalesce = 100 * time.Millisecond

// streamPing is how often an idle stream sends a comment line, so proxies and the browser keep it open.
const streamPing = 20 * time.Second

// dashboard fans finished journal entries out to live subscribers and counts coverage. It is safe for
// concurrent use.
type dashboard struct {
	cov coverageBook

	mu    sync.Mutex // guards subs and ended
	subs  map[*subscriber]struct{}
	ended bool
	nsubs atomic.Int32  // len(subs), read on the request path without the lock
	done  chan struct{} // closed by end: every stream returns

	assetsOnce sync.Once
	assets     map[string]*asset // built on first use, never written after
}

// subscriber is one open stream: the entries it asked for, and how many it missed by being slow.
type subscriber struct {
	session string        // "" for every session
	filter  journalFilter // API, Operation, Status
	ch      chan journalEntry
	dropped atomic.Int64
}

func newDashboard(s *Server) *dashboard {
	d := &dashboard{subs: map[*subscriber]struct{}{}, done: make(chan struct{})}
	s.closers = append(s.closers, func() error { d.end(); return nil })
	return d
}

// observe is called by the journal stage once an entry is stored: it counts the entry's coverage and hands it to
// the subscribers that want it. It never blocks: a subscriber whose buffer is full misses the entry.
func (d *dashboard) observe(e journalEntry) {
	d.cov.record(&e)
	if d.nsubs.Load() == 0 {
		return
	}
	e = e.shown()
	d.mu.Lock()
	defer d.mu.Unlock()
	for sub := range d.subs {
		if sub.session != "" && sub.session != e.Session || !sub.filter.match(&e) {
			continue
		}
		// Entries are never changed once stored, so the subscriber may read e's maps and bodies as they are.
		select {
		case sub.ch <- e:
		default:
			sub.dropped.Add(1)
		}
	}
}

var errStreamsEnded = errors.New("the server is shutting down")

func (d *dashboard) subscribe(session string, f journalFilter) (*subscriber, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.ended {
		return nil, errStreamsEnded
	}
	if len(d.subs) >= maxStreams {
		return nil, fmt.Errorf("%d journal streams are open already; close a dashboard tab", maxStreams)
	}
	sub := &subscriber{session: session, filter: f, ch: make(chan journalEntry, streamBuffer)}
	d.subs[sub] = struct{}{}
	d.nsubs.Store(int32(len(d.subs)))
	return sub, nil
}

func (d *dashboard) unsubscribe(sub *subscriber) {
	d.mu.Lock()
	defer d.mu.Unlock()
	delete(d.subs, sub)
	d.nsubs.Store(int32(len(d.subs)))
}

// end makes every open stream return and refuses new ones.
func (d *dashboard) end() {
	d.mu.Lock()
	defer d.mu.Unlock()
	if !d.ended {
		d.ended = true
		close(d.done)
	}
}

// EndStreams ends the live journal streams of open dashboards and refuses new ones, so that
// http.Server.Shutdown need not wait for them: pass it to (*http.Server).RegisterOnShutdown. Close calls it too.
// It is safe to call more than once.
func (s *Server) EndStreams() { s.dash.end() }

// adminJournalStream answers GET /__standin/journal/stream: server-sent events, one "entry" event per journal
// entry as it is stored, after the ?backlog=N most recent stored ones. It takes the journal's filters (session,
// api, operation, status). A client that falls behind by more than streamBuffer entries gets a "dropped" event
// saying how many it missed. The stream lasts until the client leaves or the server shuts down.
func (s *Server) adminJournalStream(w http.ResponseWriter, r *http.Request) {
	f, err := s.journalFilterFrom(r)
	if err != nil {
		adminError(w, http.StatusBadRequest, "journal stream: %v", err)
		return
	}
	backlog := 0
	if v := r.URL.Query().Get("backlog"); v != "" {
		if backlog, err = strconv.Atoi(v); err != nil || backlog < 0 {
			adminError(w, http.StatusBadRequest, "journal stream: bad backlog %q: expected a number of entries, 0 or more", v)
			return
		}
	}
	only := r.URL.Query().Get("session")
	if only != "" {
		if err := validSessionName(only); err != nil {
			adminError(w, http.StatusBadRequest, "journal stream: bad session: %v", err)
			return
		}
	}
	filter := journalFilter{API: f.API, Operation: f.Operation, Status: f.Status}
	sub, err := s.dash.subscribe(only, filter)
	if err != nil {
		adminError(w, http.StatusServiceUnavailable, "journal stream: %v", err)
		return
	}
	defer s.dash.unsubscribe(sub)

	rc := http.NewResponseController(w)
	// The server's read timeout would end a long stream; the stream ends when the client leaves instead.
	_ = rc.SetReadDeadline(time.Time{})
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	var buf bytes.Buffer
	buf.WriteString("retry: 2000\n\n")

	// The backlog is read after subscribing: an entry stored in between is in both, and is sent once.
	shown := map[string]uint64{}
	if backlog > 0 {
		var sessions []*session
		if only == "" {
			sessions = s.sessions.all()
		} else if sess, ok := s.sessions.lookup(only); ok {
			sessions = []*session{sess}
		}
		var entries []journalEntry
		for _, sess := range sessions {
			for _, e := range sess.journal.list(filter) {
				entries = append(entries, e)
				shown[e.Session] = max(shown[e.Session], e.Seq)
			}
		}
		sortEntries(entries)
		if len(entries) > backlog {
			entries = entries[len(entries)-backlog:]
		}
		for i := range entries {
			writeEvent(&buf, &entries[i])
		}
	}
	if err := flushTo(w, rc, &buf); err != nil {
		return
	}

	ping := time.NewTicker(streamPing)
	defer ping.Stop()
	// Entries are gathered for up to streamCoalesce before one write, so a busy mock costs one write and one
	// wake-up of the tab per interval rather than per request.
	flush := time.NewTimer(streamCoalesce)
	flush.Stop()
	pending := false
	send := func() error {
		pending = false
		if n := sub.dropped.Swap(0); n > 0 {
			fmt.Fprintf(&buf, "event: dropped\ndata: {\"dropped\":%d}\n\n", n)
		}
		return flushTo(w, rc, &buf)
	}
	for {
		select {
		case <-r.Context().Done():
			return
		case <-s.dash.done:
			return
		case <-ping.C:
			if !pending {
				buf.WriteString(": ping\n\n")
				if err := flushTo(w, rc, &buf); err != nil {
					return
				}
			}
		case e := <-sub.ch:
			if e.Seq > shown[e.Session] {
				writeEvent(&buf, &e)
			}
			if !pending {
				pending = true
				flush.Reset(streamCoalesce)
			}
			if buf.Len() >= 64<<10 {
				flush.Stop()
				if err := send(); err != nil {
					return
				}
			}
		case <-flush.C:
			if err := send(); err != nil {
				return
			}
		}
	}
}

// writeEvent appends one "entry" event; its id is session/seq.
func writeEvent(buf *bytes.Buffer, e *journalEntry) {
	data, err := marshalJSON(e)
	if err != nil {
		return
	}
	fmt.Fprintf(buf, "id: %s/%d\nevent: entry\ndata: ", e.Session, e.Seq)
	buf.Write(bytes.TrimSpace(data)) // compact JSON has no newline inside
	buf.WriteString("\n\n")
}

func flushTo(w http.ResponseWriter, rc *http.ResponseController, buf *bytes.Buffer) error {
	if buf.Len() == 0 {
		return nil
	}
	_, err := w.Write(buf.Bytes())
	buf.Reset()
	if err != nil {
		return err
	}
	return rc.Flush()
}

// sortEntries orders entries of several sessions by time (each session's are in order already).
func sortEntries(entries []journalEntry) {
	slices.SortStableFunc(entries, func(a, b journalEntry) int { return a.Time.Compare(b.Time) })
}
