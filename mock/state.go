package mock

import (
	"cmp"
	"context"
	"crypto/rand"
	"fmt"
	"hash/fnv"
	"io/fs"
	"maps"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/standin/standin/fixtures"
	"github.com/standin/standin/mock/state"
	"github.com/standin/standin/openapi"
	"github.com/standin/standin/scenarios"
)

// stateArea is the server's state: the hub of sessions' records over the Store, and the collections of the
// served APIs.
type stateArea struct {
	hub    *state.Hub
	colls  map[string]*openapi.Collection // qualified name ("carecycle/inquiries") -> collection
	checks map[*openapi.Collection]*recordCheck
}

// qualify names a collection of an API in the store.
func qualify(api, coll string) string { return api + "/" + coll }

// initState loads the fixtures, tops collections up to Config.Records, checks every record against its schema,
// and opens the state file. It runs once, before the default session is created.
func (s *Server) initState() error {
	h := &stateArea{colls: map[string]*openapi.Collection{}, checks: map[*openapi.Collection]*recordCheck{}}
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
			h.checks[c] = newRecordCheck(api, c)
		}
		// The compiled checks run beside the decoding, on the records already read; what they do not accept
		// is checked again below, in order, to say why.
		files, err := fixtures.LoadAccepting(fsys, api.Name, now, func(name string) func(map[string]any) bool {
			c := api.Collections[name]
			if rc := h.checks[c]; c != nil && rc != nil {
				return func(rec map[string]any) bool { return rec[c.Key] != nil && rc.accepts(rec) }
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("mock: %w", err)
		}
		for _, f := range files {
			c := api.Collections[f.Name]
			if c == nil {
				return fmt.Errorf("mock: fixtures %s: API %s has no collection %q: expected one of %v", f.File, api.Name,
					f.Name, slices.Sorted(maps.Keys(api.Collections)))
			}
			entries, err := fixtureEntries(c, h.checks[c], f)
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
	store := s.store
	if store == nil {
		store = state.NewMemory(state.MemoryOptions{File: s.cfg.StateFile, Logger: s.log})
	}
	// Check re-validates what the store holds against the served specs: the in-memory store quarantines from
	// its state file, and any other store (WithStore) is checked by the hub, which removes what fails.
	hub, err := state.NewHub(context.Background(), store, seed, state.HubOptions{
		MaxSessions: s.cfg.MaxSessions,
		IdleTTL:     s.cfg.SessionTTL,
		Now:         s.clock.Now,
		Keep:        func(name string) bool { return name == DefaultSession },
		OnEvict:     func(st *state.Session) { s.sessions.evicted(st) },
		Check:       h.checkStored,
		Logger:      s.log,
	})
	if err != nil {
		return fmt.Errorf("mock: %w", err)
	}
	h.hub = hub
	s.closers = append(s.closers, hub.Close)
	return nil
}

// checkStored re-validates a record read back from the state file against the current spec. A record of a
// hidden companion collection ("<api>/<collection>#deleted", which the behaviour stage keeps beside a collection)
// is accepted while its collection is served; its records are markers, not records of the schema. The key is not
// compared with the record's key field: a nested resource stores its records under a scoped key.
func (h *stateArea) checkStored(coll, _ string, rec Record) error {
	base, _, hidden := strings.Cut(coll, "#")
	c := h.colls[base]
	if c == nil {
		return fmt.Errorf("the served specs have no collection %s", base)
	}
	if hidden {
		return nil
	}
	return h.checks[c].check(c, rec)
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

// fixtureEntries checks a fixture file's records against the collection (rc, its compiled check, may be nil)
// and keys them; a record f.Accepted says the compiled check took is not checked again.
func fixtureEntries(c *openapi.Collection, rc *recordCheck, f fixtures.Collection) ([]Entry, error) {
	entries := make([]Entry, len(f.Records))
	for i, rec := range f.Records {
		entries[i] = Entry{Key: text(rec[c.Key]), Record: rec}
	}
	repeats := repeatedKeys(entries)
	for i, rec := range f.Records {
		if i >= len(f.Accepted) || !f.Accepted[i] {
			if err := rc.check(c, rec); err != nil {
				return nil, &fixtures.Error{File: f.File, Record: i, Err: err}
			}
		}
		if j := repeats[i]; j >= 0 {
			return nil, &fixtures.Error{File: f.File, Record: i, Err: fmt.Errorf("key %s %q repeats record %d", c.Key, entries[i].Key, j)}
		}
	}
	return entries, nil
}

// repeatedKeys answers, for each entry, the first earlier entry with its key, or -1. It sorts the entries'
// places by key rather than filling a map of every key (a big fixture file's keys are mostly in order already).
func repeatedKeys(entries []Entry) []int {
	byKey := make([]int, len(entries))
	for i := range byKey {
		byKey[i] = i
	}
	slices.SortFunc(byKey, func(i, j int) int { return cmp.Or(strings.Compare(entries[i].Key, entries[j].Key), cmp.Compare(i, j)) })
	out := make([]int, len(entries))
	for g := 0; g < len(byKey); {
		first := byKey[g]
		out[first] = -1
		for g++; g < len(byKey) && entries[byKey[g]].Key == entries[first].Key; g++ {
			out[byKey[g]] = first
		}
	}
	return out
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
	next := 1.0 // one above the largest integer key so far: the next sequence id, kept as records are added
	seen := func(rec Record) {
		if f, ok := rec[c.Key].(float64); ok && f >= next {
			next = f + 1
		}
	}
	for _, e := range entries {
		keys[e.Key] = true
		seen(e.Record)
	}
	for i := 0; len(entries) < n && i < 4*n; i++ {
		v, ok := s.gen.Value(c.Schema, api.Name+"/"+c.Name+"/"+strconv.Itoa(i)).(map[string]any)
		if !ok {
			break
		}
		key := text(v[c.Key])
		if v[c.Key] == nil || keys[key] {
			switch c.IDs {
			case "sequence": // what newKey would answer, without scanning every record again
				v[c.Key], key = next, text(next)
			case "uuid": // generated records stay the same run after run
				key = derivedUUID(api.Name, c.Name, strconv.FormatUint(s.cfg.Seed, 10)+"/"+strconv.Itoa(i))
				v[c.Key] = key
			default:
				nv, nk := newKey(c, entries, i)
				v[c.Key], key = nv, nk
			}
		}
		keys[key] = true
		seen(v)
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
