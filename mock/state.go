package mock

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"hash/fnv"
	"io/fs"
	"maps"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/standin/standin/fixtures"
	"github.com/standin/standin/openapi"
	"github.com/standin/standin/scenarios"
)

// stateHub is the server's state area: the seeded records every session starts from, the state file and the
// named snapshots.
type stateHub struct {
	seed  *memStore                      // fixtures plus generated records; never written, forked by every new session
	log   *stateLog                      // nil without Config.StateFile
	colls map[string]*openapi.Collection // qualified name ("carecycle/inquiries") -> collection

	mu        sync.Mutex           // guards replayed and snapshots
	replayed  map[string]*memStore // session -> state read from the state file, taken when the session is made
	snapshots map[string]*snapshot // named snapshots
}

// snapshot is a saved copy of one session's state.
type snapshot struct {
	Name    string    `json:"name"`
	Session string    `json:"session"`
	SavedAt time.Time `json:"savedAt"`
	State   State     `json:"-"`
}

// qualify names a collection of an API in the store.
func qualify(api, coll string) string { return api + "/" + coll }

// initState loads the fixtures, tops collections up to Config.Records, checks every record against its schema,
// and opens the state file. It runs once, before the default session is created.
func (s *Server) initState() error {
	h := &stateHub{colls: map[string]*openapi.Collection{}, replayed: map[string]*memStore{}, snapshots: map[string]*snapshot{}}
	s.state = h
	var fsys fs.FS = fixtures.FS
	if s.cfg.FixturesDir != "" {
		info, err := os.Stat(s.cfg.FixturesDir)
		if err != nil || !info.IsDir() {
			return fmt.Errorf("mock: fixtures folder %s: expected a folder holding <api>/<collection>.json files", s.cfg.FixturesDir)
		}
		fsys = os.DirFS(s.cfg.FixturesDir)
	}
	if s.cfg.Records < 0 {
		return fmt.Errorf("mock: Records %d is negative", s.cfg.Records)
	}
	seed := State{}
	now := s.clock.Now()
	for _, rt := range s.apis {
		api := rt.api
		for _, c := range api.Collections {
			h.colls[qualify(api.Name, c.Name)] = c
		}
		files, err := fixtures.Load(fsys, api.Name, now)
		if err != nil {
			return fmt.Errorf("mock: %w", err)
		}
		for _, f := range files {
			c := api.Collections[f.Name]
			if c == nil {
				return fmt.Errorf("mock: fixtures %s: API %s has no collection %q: expected one of %v", f.File, api.Name,
					f.Name, slices.Sorted(maps.Keys(api.Collections)))
			}
			entries, err := fixtureEntries(c, f)
			if err != nil {
				return fmt.Errorf("mock: %w", err)
			}
			seed[qualify(api.Name, c.Name)] = entries
		}
		if s.cfg.Records > 0 {
			for _, name := range slices.Sorted(maps.Keys(api.Collections)) {
				q := qualify(api.Name, name)
				seed[q] = s.topUp(api, api.Collections[name], seed[q], s.cfg.Records)
			}
		}
	}
	applyOverrides(seed, s.faults.startState, s.byName)
	h.seed = newMemStoreFrom(seed)
	if s.cfg.StateFile != "" {
		log, replayed, err := openStateLog(s.cfg.StateFile, h.seed, s.log)
		if err != nil {
			return err
		}
		h.log = log
		h.replayed = replayed.sessions
		h.snapshots = replayed.snapshots
		s.closers = append(s.closers, log.Close)
	}
	return nil
}

// applyOverrides folds the state overrides of the scenarios given at start into the seeded state: a record
// replaces the one with its key or is added. They were checked against their collections when the scenarios
// loaded. Sessions restored from a state file keep what was stored; only fresh sessions and resets see the seed.
func applyOverrides(seed State, overrides []scenarios.StateOverride, apis map[string]*apiRuntime) {
	for _, o := range overrides {
		rt := apis[o.API]
		if rt == nil || rt.api.Collections[o.Collection] == nil {
			continue
		}
		c := rt.api.Collections[o.Collection]
		q := qualify(o.API, o.Collection)
		for _, rec := range o.Records {
			e := Entry{Key: text(rec[c.Key]), Record: deepCopy(rec).(map[string]any)}
			if i := slices.IndexFunc(seed[q], func(old Entry) bool { return old.Key == e.Key }); i >= 0 {
				seed[q][i] = e
				continue
			}
			seed[q] = append(seed[q], e)
		}
	}
}

// fixtureEntries checks a fixture file's records against the collection and keys them.
func fixtureEntries(c *openapi.Collection, f fixtures.Collection) ([]Entry, error) {
	entries := make([]Entry, 0, len(f.Records))
	seen := map[string]int{}
	for i, rec := range f.Records {
		if err := checkRecord(c, rec); err != nil {
			return nil, &fixtures.Error{File: f.File, Record: i, Err: err}
		}
		key := text(rec[c.Key])
		if j, dup := seen[key]; dup {
			return nil, &fixtures.Error{File: f.File, Record: i, Err: fmt.Errorf("key %s %q repeats record %d", c.Key, key, j)}
		}
		seen[key] = i
		entries = append(entries, Entry{Key: key, Record: rec})
	}
	return entries, nil
}

// checkRecord validates a record against the collection's schema and requires its key.
func checkRecord(c *openapi.Collection, rec Record) error {
	if v, ok := rec[c.Key]; !ok || v == nil {
		return fmt.Errorf("missing key field %q", c.Key)
	}
	if err := c.Check(rec); err != nil {
		return fmt.Errorf("does not match %s: %s", schemaName(c), schemaProblems(err))
	}
	return nil
}

// schemaProblems lists a schema validation error's failures on one line, each as "at /pointer: reason",
// without kin-openapi's dump of the schema and the value.
func schemaProblems(err error) string {
	ses := schemaErrors(err)
	if len(ses) == 0 {
		return err.Error()
	}
	parts := make([]string, len(ses))
	for i, se := range ses {
		parts[i] = "at /" + strings.Join(se.JSONPointer(), "/") + ": " + se.Reason
	}
	return strings.Join(parts, "; ")
}

func schemaName(c *openapi.Collection) string {
	if c.SchemaName != "" {
		return "schema " + c.SchemaName
	}
	return "the record schema of " + c.Name
}

// topUp adds generated records until the collection holds n.
func (s *Server) topUp(api *openapi.API, c *openapi.Collection, entries []Entry, n int) []Entry {
	keys := map[string]bool{}
	for _, e := range entries {
		keys[e.Key] = true
	}
	for i := 0; len(entries) < n && i < 4*n; i++ {
		v, ok := s.gen.Value(c.Schema, api.Name+"/"+c.Name+"/"+strconv.Itoa(i)).(map[string]any)
		if !ok {
			break
		}
		key := text(v[c.Key])
		if v[c.Key] == nil || keys[key] {
			nv, nk := newKey(c, entries, i)
			if c.IDs == "uuid" { // generated records stay the same run after run
				nk = derivedUUID(api.Name, c.Name, strconv.FormatUint(s.cfg.Seed, 10)+"/"+strconv.Itoa(i))
				nv = nk
			}
			v[c.Key], key = nv, nk
		}
		keys[key] = true
		entries = append(entries, Entry{Key: key, Record: v})
	}
	return entries
}

// newKey makes a key for a new record: a UUID, or the largest integer key plus one. salt varies UUIDs.
func newKey(c *openapi.Collection, entries []Entry, salt int) (any, string) {
	if c.IDs == "sequence" {
		next := 1.0
		for _, e := range entries {
			if f, ok := e.Record[c.Key].(float64); ok && f >= next {
				next = f + 1
			}
		}
		return next, text(next)
	}
	id := newUUID(salt)
	return id, id
}

// newUUID returns a random version-4 UUID.
func newUUID(salt int) string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		h := fnv.New128a()
		fmt.Fprintf(h, "%d-%d", time.Now().UnixNano(), salt)
		copy(b[:], h.Sum(nil))
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return formatUUID(b)
}

func formatUUID(b [16]byte) string {
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// newStore returns the state of a new session: what the state file recorded for it, else a copy-on-write fork
// of the seeded state.
func (s *Server) newStore(session string) (Store, error) {
	h := s.state
	h.mu.Lock()
	mem, ok := h.replayed[session]
	delete(h.replayed, session)
	h.mu.Unlock()
	if !ok {
		mem = h.seed.fork()
	}
	return &sessionStore{name: session, mem: mem, log: h.log, settling: map[string]time.Time{}}, nil
}

// replayedSessions returns the names of sessions the state file holds that are not created yet.
func (h *stateHub) replayedSessions() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Sorted(maps.Keys(h.replayed))
}

var _ Store = (*sessionStore)(nil)

// Put, Delete and Reset of a sessionStore wait until the change is durable (with a state file) and never run
// in the middle of a behaviour's read-modify-write.

// sessionStore is the Store of one session: the in-memory records, the state file's log of them, the lock that
// makes a behaviour's read-modify-write atomic, and the records still settling after their creation.
type sessionStore struct {
	name string
	mem  *memStore
	log  *stateLog // nil without a state file

	// rmw serialises behaviours and admin writes of this session, so a read-modify-write sees no interleaved
	// write. It is never held while waiting for the disk.
	rmw sync.Mutex
	// order keeps the log in the order writes reach memory; held from the memory write to the log append.
	order sync.Mutex

	settleMu sync.Mutex           // guards settling
	settling map[string]time.Time // "collection\x00key" -> end of the settle time
}

func (ss *sessionStore) Get(ctx context.Context, coll, key string) (Record, error) {
	return ss.mem.Get(ctx, coll, key)
}

func (ss *sessionStore) List(ctx context.Context, coll string) ([]Entry, error) {
	return ss.mem.List(ctx, coll)
}

func (ss *sessionStore) Snapshot(ctx context.Context) (State, error) { return ss.mem.Snapshot(ctx) }

func (ss *sessionStore) Put(ctx context.Context, coll, key string, rec Record) error {
	ss.rmw.Lock()
	t, err := ss.put(ctx, coll, key, rec)
	ss.rmw.Unlock()
	if err != nil {
		return err
	}
	return ss.durable(t)
}

func (ss *sessionStore) Delete(ctx context.Context, coll, key string) error {
	ss.rmw.Lock()
	t, err := ss.delete(ctx, coll, key)
	ss.rmw.Unlock()
	if err != nil {
		return err
	}
	return ss.durable(t)
}

func (ss *sessionStore) Reset(ctx context.Context, st State) error {
	ss.rmw.Lock()
	t, err := ss.reset(ctx, st, false)
	ss.rmw.Unlock()
	if err != nil {
		return err
	}
	return ss.durable(t)
}

// ticket is a position in the state log; durable waits until the log holds it on disk.
type ticket uint64

func (ss *sessionStore) durable(t ticket) error {
	if ss.log == nil || t == 0 {
		return nil
	}
	return ss.log.wait(t)
}

// put writes to memory and appends to the log without waiting for the disk.
func (ss *sessionStore) put(ctx context.Context, coll, key string, rec Record) (ticket, error) {
	ss.order.Lock()
	defer ss.order.Unlock()
	if err := ss.mem.Put(ctx, coll, key, rec); err != nil {
		return 0, err
	}
	return ss.append(logLine{Op: "put", Session: ss.name, Coll: coll, Key: key, Record: rec})
}

func (ss *sessionStore) delete(ctx context.Context, coll, key string) (ticket, error) {
	ss.order.Lock()
	defer ss.order.Unlock()
	if err := ss.mem.Delete(ctx, coll, key); err != nil {
		return 0, err
	}
	ss.forgetSettle(coll, key)
	return ss.append(logLine{Op: "delete", Session: ss.name, Coll: coll, Key: key})
}

// reset replaces the session's state; toSeed records it in the log as "back to the seed" instead of the records.
func (ss *sessionStore) reset(ctx context.Context, st State, toSeed bool) (ticket, error) {
	ss.order.Lock()
	defer ss.order.Unlock()
	if err := ss.mem.Reset(ctx, st); err != nil {
		return 0, err
	}
	ss.settleMu.Lock()
	clear(ss.settling)
	ss.settleMu.Unlock()
	line := logLine{Op: "reset", Session: ss.name, State: st}
	if toSeed {
		line = logLine{Op: "seed", Session: ss.name}
	}
	return ss.append(line)
}

// replaceCollection replaces one collection.
func (ss *sessionStore) replaceCollection(ctx context.Context, coll string, entries []Entry) (ticket, error) {
	ss.order.Lock()
	defer ss.order.Unlock()
	if err := ss.mem.replaceCollection(ctx, coll, entries); err != nil {
		return 0, err
	}
	return ss.append(logLine{Op: "collection", Session: ss.name, Coll: coll, Entries: entries})
}

func (ss *sessionStore) append(l logLine) (ticket, error) {
	if ss.log == nil {
		return 0, nil
	}
	return ss.log.append(l)
}

// settle marks a record as settling until the given time.
func (ss *sessionStore) settle(coll, key string, until time.Time) {
	ss.settleMu.Lock()
	defer ss.settleMu.Unlock()
	ss.settling[coll+"\x00"+key] = until
}

// settlingUntil reports whether the record is still settling at now.
func (ss *sessionStore) settlingUntil(coll, key string, now time.Time) (time.Time, bool) {
	ss.settleMu.Lock()
	defer ss.settleMu.Unlock()
	until, ok := ss.settling[coll+"\x00"+key]
	if !ok {
		return time.Time{}, false
	}
	if !now.Before(until) {
		delete(ss.settling, coll+"\x00"+key)
		return time.Time{}, false
	}
	return until, true
}

func (ss *sessionStore) forgetSettle(coll, key string) {
	ss.settleMu.Lock()
	defer ss.settleMu.Unlock()
	delete(ss.settling, coll+"\x00"+key)
}

// storeOf returns the session's store as a sessionStore.
func storeOf(sess *session) (*sessionStore, error) {
	ss, ok := sess.store.(*sessionStore)
	if !ok {
		return nil, errors.New("session has no state store")
	}
	return ss, nil
}
