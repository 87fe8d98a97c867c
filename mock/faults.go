package mock

import (
	"fmt"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/standin/standin/fault"
	"github.com/standin/standin/scenarios"
)

// FaultHeader names the request header that injects faults into one request: "429", "latency=800ms", "drop",
// "status=500", comma-combined, in the rule grammar of package fault.
const FaultHeader = "X-Standin-Fault"

// faultRegistry holds the server-wide fault rules: from Config.Faults, Config.Scenarios, Config.RateLimits and
// the admin API without ?session=. Each session evaluates them with its own counters, random source, rate-limit
// buckets and queue, so sessions never see each other's traffic. New builds it before any session exists.
type faultRegistry struct {
	mu      sync.Mutex // guards entries, seq and version
	entries []*ruleEntry
	seq     int
	version int
	// initErr is a bad rule or scenario in Config; New refuses to start with it.
	initErr error
	// startState holds the state overrides of the scenarios in Config. initState folds them into the seeded
	// state, so every new session starts with them and a reset returns to them. Written once at start.
	startState []scenarios.StateOverride
}

// ruleEntry is one rule as added: its origin and when it was added.
type ruleEntry struct {
	rule     fault.Rule
	scenario string // the scenario it came from, "" for a rule added alone
	added    time.Time
}

// faultSet is the fault state of one session: the rules added for it alone, and its instances of the
// server-wide rules.
type faultSet struct {
	srv     *Server
	session string

	mu       sync.Mutex // guards local, seq and instances
	local    []*activeRule
	seq      int
	version  int                    // registry version the instances were built for
	instance map[string]*activeRule // server-wide rules by id, this session's copies
}

// activeRule is a rule with this session's state.
type activeRule struct {
	*fault.Active
	scenario string
	global   bool
}

func (s *Server) newFaultSet(session string) *faultSet {
	return &faultSet{srv: s, session: session, instance: map[string]*activeRule{}, version: -1}
}

// faultRegistry returns the server-wide rules.
func (s *Server) faultRegistry() *faultRegistry { return s.faults }

// newFaultRegistry reads the fault settings of Config.
func (s *Server) newFaultRegistry() *faultRegistry {
	reg := &faultRegistry{}
	now := s.clock.Now()
	if s.cfg.RateLimits {
		r, _ := fault.Parse("rateLimit=spec")
		r.ID = "rate-limits"
		reg.entries = append(reg.entries, &ruleEntry{rule: r, added: now})
	}
	for i, text := range s.cfg.Faults {
		r, err := fault.Parse(text)
		if err == nil {
			err = s.checkRuleBounds(r)
		}
		if err != nil {
			reg.initErr = fmt.Errorf("fault rule %d %q: %w", i+1, text, err)
			return reg
		}
		if r.ID == "" {
			r.ID = "flag-" + strconv.Itoa(i+1)
		}
		reg.entries = append(reg.entries, &ruleEntry{rule: r, added: now})
	}
	for _, name := range s.cfg.Scenarios {
		sc, err := scenarios.Load(name, s.cfg.ScenarioDir)
		if err != nil {
			reg.initErr = err // scenarios.Load names the scenario and the file
			return reg
		}
		if err := s.checkRulesBounds(sc.Rules); err != nil {
			reg.initErr = fmt.Errorf("scenario %s (%s): %w", sc.Name, sc.File, err)
			return reg
		}
		for _, r := range sc.Rules {
			reg.entries = append(reg.entries, &ruleEntry{rule: r, scenario: sc.Name, added: now})
		}
		if err := s.checkOverrides(sc.State); err != nil {
			reg.initErr = fmt.Errorf("scenario %s (%s): %w", sc.Name, sc.File, err)
			return reg
		}
		reg.startState = append(reg.startState, sc.State...)
	}
	return reg
}

// FaultConfigError reports a bad fault rule or scenario in Config, nil when all are usable. New refuses such a
// configuration with this error.
func (s *Server) FaultConfigError() error { return s.faultRegistry().initErr }

// add appends rules, assigning ids to those without one. An id already in use is an error.
func (reg *faultRegistry) add(rules []fault.Rule, scenario string, now time.Time) ([]string, error) {
	reg.mu.Lock()
	defer reg.mu.Unlock()
	ids := make([]string, 0, len(rules))
	for _, r := range rules {
		if r.ID == "" {
			reg.seq++
			r.ID = "g" + strconv.Itoa(reg.seq)
		}
		if slices.ContainsFunc(reg.entries, func(e *ruleEntry) bool { return e.rule.ID == r.ID }) || slices.Contains(ids, r.ID) {
			return nil, fmt.Errorf("rule id %q is already in use: remove it first or choose another id", r.ID)
		}
		ids = append(ids, r.ID)
	}
	for i, r := range rules {
		r.ID = ids[i]
		reg.entries = append(reg.entries, &ruleEntry{rule: r, scenario: scenario, added: now})
	}
	reg.version++
	return ids, nil
}

// remove deletes the rules keep rejects; it returns how many were removed.
func (reg *faultRegistry) remove(drop func(*ruleEntry) bool) int {
	reg.mu.Lock()
	defer reg.mu.Unlock()
	n := len(reg.entries)
	reg.entries = slices.DeleteFunc(reg.entries, drop)
	if len(reg.entries) != n {
		reg.version++
	}
	return n - len(reg.entries)
}

// snapshot returns the entries and the version they belong to.
func (reg *faultRegistry) snapshot() ([]ruleEntry, int) {
	reg.mu.Lock()
	defer reg.mu.Unlock()
	out := make([]ruleEntry, len(reg.entries))
	for i, e := range reg.entries {
		out[i] = *e
	}
	return out, reg.version
}

// rules returns the session's local rules followed by its instances of the server-wide rules, in evaluation
// order.
func (fs *faultSet) rules() []*activeRule {
	entries, version := fs.srv.faultRegistry().snapshot()
	fs.mu.Lock()
	defer fs.mu.Unlock()
	out := slices.Clone(fs.local)
	if version != fs.version {
		next := make(map[string]*activeRule, len(entries))
		for _, e := range entries {
			if a, ok := fs.instance[e.rule.ID]; ok {
				next[e.rule.ID] = a
			}
		}
		fs.instance, fs.version = next, version
	}
	for _, e := range entries {
		a, ok := fs.instance[e.rule.ID]
		if !ok {
			a = &activeRule{Active: fault.NewActive(e.rule, fs.srv.seed(), fs.session, e.added), scenario: e.scenario, global: true}
			fs.instance[e.rule.ID] = a
		}
		out = append(out, a)
	}
	return out
}

// addLocal activates rules for this session only.
func (fs *faultSet) addLocal(rules []fault.Rule, scenario string, now time.Time) ([]string, error) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	ids := make([]string, 0, len(rules))
	for _, r := range rules {
		if r.ID == "" {
			fs.seq++
			r.ID = "s" + strconv.Itoa(fs.seq)
		}
		if slices.ContainsFunc(fs.local, func(a *activeRule) bool { return a.Rule.ID == r.ID }) || slices.Contains(ids, r.ID) {
			return nil, fmt.Errorf("rule id %q is already in use in session %s: remove it first or choose another id", r.ID, fs.session)
		}
		ids = append(ids, r.ID)
	}
	for i, r := range rules {
		r.ID = ids[i]
		fs.local = append(fs.local, &activeRule{Active: fault.NewActive(r, fs.srv.seed(), fs.session, now), scenario: scenario})
	}
	return ids, nil
}

// removeLocal deletes the session's rules drop selects; it returns how many were removed.
func (fs *faultSet) removeLocal(drop func(*activeRule) bool) int {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	n := len(fs.local)
	fs.local = slices.DeleteFunc(fs.local, drop)
	return n - len(fs.local)
}

// seed is the run seed faults draw their probabilities from.
func (s *Server) seed() uint64 {
	if s.cfg.Seed == 0 {
		return 1
	}
	return s.cfg.Seed
}
