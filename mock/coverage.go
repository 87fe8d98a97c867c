package mock

import (
	"maps"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"
)

// coverKey is one cell of a coverage matrix: an operation of an API and a status its client received. An
// empty op counts requests that matched no operation of the API.
type coverKey struct {
	api, op string
	status  int
}

// coverage counts, for one session, how often each (API, operation, status) was answered. It is safe for
// concurrent use.
type coverage struct {
	mu     sync.Mutex // guards counts and since
	counts map[coverKey]int
	since  time.Time
}

func (c *coverage) add(k coverKey, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.counts == nil {
		c.counts = map[coverKey]int{}
		c.since = now
	}
	c.counts[k]++
}

// snapshot returns a copy of the counts and when counting started (zero when nothing was counted).
func (c *coverage) snapshot() (map[coverKey]int, time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return maps.Clone(c.counts), c.since
}

func (c *coverage) reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.counts, c.since = nil, time.Time{}
}

// coverageBook keeps the coverage of every session. It is safe for concurrent use.
type coverageBook struct {
	mu        sync.Mutex // guards bySession
	bySession map[string]*coverage
}

// of returns the session's coverage, creating it when create is set (else nil when there is none).
func (b *coverageBook) of(session string, create bool) *coverage {
	b.mu.Lock()
	defer b.mu.Unlock()
	c := b.bySession[session]
	if c == nil && create {
		if b.bySession == nil {
			b.bySession = map[string]*coverage{}
		}
		c = &coverage{}
		b.bySession[session] = c
	}
	return c
}

// record counts an answer the client received. A request the client hung up on (499) or whose connection was
// dropped before a status was sent (0) was not received, so it does not count.
func (b *coverageBook) record(e *journalEntry) {
	if e.Status < 100 || e.Status == StatusClientClosed {
		return
	}
	b.of(e.Session, true).add(coverKey{api: e.API, op: e.Operation, status: e.Status}, e.Time)
}

// coverageCell is one documented or received status of an operation.
type coverageCell struct {
	Status int `json:"status"`
	Count  int `json:"count"`
}

type coverageOp struct {
	Operation string         `json:"operation"`
	Method    string         `json:"method"`
	Path      string         `json:"path"`
	Statuses  []coverageCell `json:"statuses"`
	// Undocumented are statuses received that the operation does not document (negative mocks, 499 excluded).
	Undocumented []coverageCell `json:"undocumented,omitempty"`
	Covered      int            `json:"covered"`
	Documented   int            `json:"documented"`
}

type coverageAPI struct {
	API        string       `json:"api"`
	Operations []coverageOp `json:"operations"`
	// Unmatched counts answers to requests that matched no operation (unknown path or method).
	Unmatched  int `json:"unmatched"`
	Covered    int `json:"covered"`
	Documented int `json:"documented"`
}

type coverageMissing struct {
	API       string `json:"api"`
	Operation string `json:"operation"`
	Status    int    `json:"status"`
}

// coverageReport is the body of GET /__standin/coverage.
type coverageReport struct {
	Session    string            `json:"session"`
	Since      *time.Time        `json:"since,omitempty"`
	APIs       []coverageAPI     `json:"apis"`
	Covered    int               `json:"covered"`
	Documented int               `json:"documented"`
	Missing    []coverageMissing `json:"missing"`
}

// coverageReport lays the session's counts over every documented operation × status of the served APIs (only
// api when it is not empty).
func (s *Server) coverageReport(session, api string) coverageReport {
	var counts map[coverKey]int
	var since time.Time
	if c := s.dash.cov.of(session, false); c != nil {
		counts, since = c.snapshot()
	}
	rep := coverageReport{Session: session, APIs: []coverageAPI{}, Missing: []coverageMissing{}}
	if !since.IsZero() {
		rep.Since = &since
	}
	for _, rt := range s.mounted() {
		name := rt.api.Name
		if api != "" && api != name {
			continue
		}
		ca := coverageAPI{API: name, Operations: make([]coverageOp, 0, len(rt.api.Operations))}
		for _, op := range rt.api.Operations {
			co := coverageOp{Operation: op.ID, Method: op.Method, Path: rt.api.BasePath + op.Path,
				Statuses: make([]coverageCell, 0, len(op.Statuses)), Documented: len(op.Statuses)}
			for _, st := range op.Statuses {
				n := counts[coverKey{name, op.ID, st}]
				co.Statuses = append(co.Statuses, coverageCell{Status: st, Count: n})
				if n > 0 {
					co.Covered++
				} else {
					rep.Missing = append(rep.Missing, coverageMissing{API: name, Operation: op.ID, Status: st})
				}
			}
			for k, n := range counts {
				if k.api == name && k.op == op.ID && !slices.Contains(op.Statuses, k.status) {
					co.Undocumented = append(co.Undocumented, coverageCell{Status: k.status, Count: n})
				}
			}
			slices.SortFunc(co.Undocumented, func(a, b coverageCell) int { return a.Status - b.Status })
			ca.Covered += co.Covered
			ca.Documented += co.Documented
			ca.Operations = append(ca.Operations, co)
		}
		for k, n := range counts {
			if k.api == name && k.op == "" {
				ca.Unmatched += n
			}
		}
		rep.Covered += ca.Covered
		rep.Documented += ca.Documented
		rep.APIs = append(rep.APIs, ca)
	}
	return rep
}

// coverageSession reads ?session= (else the X-Standin-Session header, else the default session).
func coverageSession(r *http.Request) (string, error) {
	name := r.URL.Query().Get("session")
	if name == "" {
		name = r.Header.Get(SessionHeader)
	}
	if name == "" {
		name = DefaultSession
	}
	return name, validSessionName(name)
}

// adminCoverage answers GET /__standin/coverage[?session=S][&api=A]: every documented operation × status of
// the served APIs with how many times the session's client received it.
func (s *Server) adminCoverage(w http.ResponseWriter, r *http.Request) {
	session, err := coverageSession(r)
	if err != nil {
		adminError(w, http.StatusBadRequest, "coverage: bad session: %v", err)
		return
	}
	api := r.URL.Query().Get("api")
	if api != "" && s.byName[api] == nil {
		adminError(w, http.StatusBadRequest, "coverage: bad api %q: this server serves %s", api,
			strings.Join(slices.Sorted(maps.Keys(s.byName)), ", "))
		return
	}
	writeJSON(w, http.StatusOK, nil, s.coverageReport(session, api))
}

// adminCoverageReset answers DELETE /__standin/coverage[?session=S]: the session's counts start again.
func (s *Server) adminCoverageReset(w http.ResponseWriter, r *http.Request) {
	session, err := coverageSession(r)
	if err != nil {
		adminError(w, http.StatusBadRequest, "coverage: bad session: %v", err)
		return
	}
	if c := s.dash.cov.of(session, false); c != nil {
		c.reset()
	}
	writeJSON(w, http.StatusOK, nil, map[string]any{"session": session, "reset": true})
}
