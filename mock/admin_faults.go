package mock

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/standin/standin/fault"
	"github.com/standin/standin/mock/state"
	"github.com/standin/standin/scenarios"
)

// faultAdmin registers the fault and scenario endpoints:
//
//	GET    /__standin/faults[?session=S]        the rules in force (global, or those of session S and the global ones)
//	POST   /__standin/faults[?session=S]        add a rule or a list of rules (JSON objects or CLI strings); returns ids
//	DELETE /__standin/faults[?session=S]        remove every rule of that scope
//	DELETE /__standin/faults/{id}[?session=S]   remove one rule
//	GET    /__standin/scenarios                 the scenarios that can be activated, and where they are active
//	POST   /__standin/scenarios/{name}[?session=S]   activate (again, with fresh counters)
//	DELETE /__standin/scenarios/{name}[?session=S]   deactivate
func (s *Server) faultAdmin(mux *http.ServeMux) {
	mux.HandleFunc("GET "+AdminPrefix+"faults", s.adminFaultsList)
	mux.HandleFunc("POST "+AdminPrefix+"faults", s.adminFaultsAdd)
	mux.HandleFunc("DELETE "+AdminPrefix+"faults", s.adminFaultsClear)
	mux.HandleFunc("DELETE "+AdminPrefix+"faults/{id}", s.adminFaultsDelete)
	mux.HandleFunc("GET "+AdminPrefix+"scenarios", s.adminScenariosList)
	mux.HandleFunc("POST "+AdminPrefix+"scenarios/{name}", s.adminScenarioActivate)
	mux.HandleFunc("DELETE "+AdminPrefix+"scenarios/{name}", s.adminScenarioDeactivate)
}

// faultView is one rule as the admin API shows it: the rule's keys plus where it lives, its counts and whether
// it can still fire.
type faultView map[string]any

func viewOf(a *activeRule, scope string, now time.Time) faultView {
	v := faultView(a.Rule.Map())
	v["scope"] = scope
	if a.scenario != "" {
		v["scenario"] = a.scenario
	}
	v["matched"], v["fired"] = a.Stats()
	v["exhausted"] = a.Exhausted(now)
	v["rule"] = a.Rule.String()
	return v
}

// adminSession returns the session named by X-Standin-Session or ?session= (not both disagreeing), nil for the
// server-wide scope when neither names one.
func (s *Server) adminSession(w http.ResponseWriter, r *http.Request) (*session, bool) {
	sc, ok := scopeOrFail(w, r)
	if !ok {
		return nil, false
	}
	if !sc.named {
		return nil, true
	}
	sess, err := s.sessions.get(sc.session)
	if err != nil {
		adminError(w, http.StatusBadRequest, "session: %v", err)
		return nil, false
	}
	return sess, true
}

func (s *Server) adminFaultsList(w http.ResponseWriter, r *http.Request) {
	sess, ok := s.adminSession(w, r)
	if !ok {
		return
	}
	views := []faultView{}
	now := s.clock.Now()
	if sess == nil {
		// The global rules with the default session's counts.
		def, _ := s.sessions.get(DefaultSession)
		for _, a := range def.faults.rules() {
			if a.global {
				views = append(views, viewOf(a, "global", now))
			}
		}
	} else {
		for _, a := range sess.faults.rules() {
			scope := "session"
			if a.global {
				scope = "global"
			}
			views = append(views, viewOf(a, scope, now))
		}
	}
	writeJSON(w, http.StatusOK, nil, map[string]any{"rules": views})
}

// readRules decodes a POST body: one rule or a list, each a JSON object or a string in the CLI form.
func readRules(r *http.Request) ([]fault.Rule, error) {
	data, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		return nil, err
	}
	var raw json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, errors.New(`body: expected a JSON rule object, a CLI rule string or a list of them, e.g. {"op":"updateAssignee","status":449,"times":2}`)
	}
	var items []json.RawMessage
	if strings.HasPrefix(strings.TrimSpace(string(raw)), "[") {
		if err := json.Unmarshal(raw, &items); err != nil {
			return nil, err
		}
	} else {
		items = []json.RawMessage{raw}
	}
	if len(items) == 0 {
		return nil, errors.New("body: expected at least one rule")
	}
	rules := make([]fault.Rule, 0, len(items))
	for i, item := range items {
		var r fault.Rule
		var text string
		if json.Unmarshal(item, &text) == nil {
			r, err = fault.Parse(text)
		} else {
			err = json.Unmarshal(item, &r)
		}
		if err != nil {
			return nil, &itemError{i, err}
		}
		rules = append(rules, r)
	}
	return rules, nil
}

type itemError struct {
	index int
	err   error
}

func (e *itemError) Error() string { return "rule " + strconv.Itoa(e.index+1) + ": " + e.err.Error() }
func (e *itemError) Unwrap() error { return e.err }

func (s *Server) adminFaultsAdd(w http.ResponseWriter, r *http.Request) {
	sess, ok := s.adminSession(w, r)
	if !ok {
		return
	}
	rules, err := readRules(r)
	if err == nil {
		err = s.checkRulesBounds(rules)
	}
	if err != nil {
		adminError(w, http.StatusBadRequest, "%v", err)
		return
	}
	var ids []string
	if sess == nil {
		ids, err = s.faultRegistry().add(rules, "", s.clock.Now())
	} else {
		ids, err = sess.faults.addLocal(rules, "", s.clock.Now())
	}
	if err != nil {
		adminError(w, http.StatusConflict, "%v", err)
		return
	}
	writeJSON(w, http.StatusCreated, nil, map[string]any{"ids": ids})
}

func (s *Server) adminFaultsClear(w http.ResponseWriter, r *http.Request) {
	sess, ok := s.adminSession(w, r)
	if !ok {
		return
	}
	var n int
	if sess == nil {
		n = s.faultRegistry().remove(func(*ruleEntry) bool { return true })
	} else {
		n = sess.faults.removeLocal(func(*activeRule) bool { return true })
	}
	writeJSON(w, http.StatusOK, nil, map[string]any{"removed": n})
}

func (s *Server) adminFaultsDelete(w http.ResponseWriter, r *http.Request) {
	sess, ok := s.adminSession(w, r)
	if !ok {
		return
	}
	id := r.PathValue("id")
	var n int
	if sess == nil {
		n = s.faultRegistry().remove(func(e *ruleEntry) bool { return e.rule.ID == id })
	} else {
		n = sess.faults.removeLocal(func(a *activeRule) bool { return a.Rule.ID == id })
	}
	if n == 0 {
		scope := "the global rules"
		if sess != nil {
			scope = "session " + sess.name
		}
		adminError(w, http.StatusNotFound, "no rule %q in %s; GET %sfaults lists them", id, scope, AdminPrefix)
		return
	}
	writeJSON(w, http.StatusOK, nil, map[string]any{"removed": n})
}

func (s *Server) adminScenariosList(w http.ResponseWriter, r *http.Request) {
	all, err := scenarios.List(s.cfg.ScenarioDir)
	if err != nil {
		adminError(w, http.StatusInternalServerError, "%v", err)
		return
	}
	active := map[string][]string{}
	entries, _ := s.faultRegistry().snapshot()
	for _, e := range entries {
		if e.scenario != "" && !slices.Contains(active[e.scenario], "global") {
			active[e.scenario] = append(active[e.scenario], "global")
		}
	}
	for _, sess := range s.sessions.all() {
		for _, a := range sess.faults.rules() {
			if !a.global && a.scenario != "" && !slices.Contains(active[a.scenario], sess.name) {
				active[a.scenario] = append(active[a.scenario], sess.name)
			}
		}
	}
	out := make([]map[string]any, 0, len(all))
	for _, sc := range all {
		rules := make([]string, len(sc.Rules))
		for i, r := range sc.Rules {
			rules[i] = r.String()
		}
		out = append(out, map[string]any{
			"name": sc.Name, "description": sc.Description, "file": sc.File, "rules": rules,
			"expectations": len(sc.Expect), "activeIn": append([]string{}, active[sc.Name]...),
		})
	}
	writeJSON(w, http.StatusOK, nil, map[string]any{"scenarios": out})
}

func (s *Server) adminScenarioActivate(w http.ResponseWriter, r *http.Request) {
	sess, ok := s.adminSession(w, r)
	if !ok {
		return
	}
	// A name, never a path: only bundled scenarios and those directly in --scenario-dir can be activated.
	sc, err := scenarios.LoadName(r.PathValue("name"), s.cfg.ScenarioDir)
	if err != nil {
		status := http.StatusBadRequest
		if errors.Is(err, scenarios.ErrNotFound) {
			status = http.StatusNotFound
		}
		var se *scenarios.Error
		if errors.As(err, &se) {
			// Never echo what the file says: only where the problem is.
			adminError(w, http.StatusUnprocessableEntity, "scenario %q (%s) is not a valid scenario; run `standin scenario show %s` on the server's host for the details",
				r.PathValue("name"), se.Location(), r.PathValue("name"))
			return
		}
		adminError(w, status, "%v", err)
		return
	}
	ids, err := s.activateScenario(r, sess, sc)
	if err != nil {
		status := http.StatusConflict
		if errors.Is(err, errBadState) {
			status = http.StatusBadRequest
		}
		adminError(w, status, "%v", err)
		return
	}
	scope := "global"
	if sess != nil {
		scope = sess.name
	}
	writeJSON(w, http.StatusOK, nil, map[string]any{"scenario": sc.Name, "scope": scope, "ids": ids})
}

// activateScenario replaces any earlier activation of sc in the scope (so counters start afresh), adds its
// rules and applies its state overrides.
func (s *Server) activateScenario(r *http.Request, sess *session, sc *scenarios.Scenario) ([]string, error) {
	if err := s.checkOverrides(sc.State); err != nil {
		return nil, fmt.Errorf("scenario %s (%s): %w: %w", sc.Name, sc.File, errBadState, err)
	}
	if err := s.checkRulesBounds(sc.Rules); err != nil {
		return nil, fmt.Errorf("scenario %s (%s): %w: %w", sc.Name, sc.File, errBadState, err)
	}
	now := s.clock.Now()
	if sess == nil {
		s.faultRegistry().remove(func(e *ruleEntry) bool { return e.scenario == sc.Name })
		ids, err := s.faultRegistry().add(sc.Rules, sc.Name, now)
		if err != nil {
			return nil, err
		}
		return ids, s.applyScenarioState(r, nil, sc)
	}
	sess.faults.removeLocal(func(a *activeRule) bool { return a.scenario == sc.Name })
	ids, err := sess.faults.addLocal(sc.Rules, sc.Name, now)
	if err != nil {
		return nil, err
	}
	return ids, s.applyScenarioState(r, sess, sc)
}

func (s *Server) adminScenarioDeactivate(w http.ResponseWriter, r *http.Request) {
	sess, ok := s.adminSession(w, r)
	if !ok {
		return
	}
	name := r.PathValue("name")
	var n int
	if sess == nil {
		n = s.faultRegistry().remove(func(e *ruleEntry) bool { return e.scenario == name })
	} else {
		n = sess.faults.removeLocal(func(a *activeRule) bool { return a.scenario == name })
	}
	if n == 0 {
		adminError(w, http.StatusNotFound, "scenario %q is not active there; GET %sscenarios shows where it is", name, AdminPrefix)
		return
	}
	writeJSON(w, http.StatusOK, nil, map[string]any{"scenario": name, "removed": n})
}

// errBadState marks an activation refused because of the scenario's state overrides.
var errBadState = errors.New("bad state override")

// applyScenarioState puts the scenario's state overrides into the session's store (every existing session's
// when sess is nil).
func (s *Server) applyScenarioState(r *http.Request, sess *session, sc *scenarios.Scenario) error {
	if len(sc.State) == 0 {
		return nil
	}
	if err := s.checkOverrides(sc.State); err != nil {
		return fmt.Errorf("scenario %s (%s): %w: %w", sc.Name, sc.File, errBadState, err)
	}
	targets := []*session{sess}
	if sess == nil {
		targets = s.sessions.all()
	}
	for _, t := range targets {
		if err := s.putOverrides(r.Context(), t, sc.State); err != nil {
			return fmt.Errorf("scenario %s (%s): %w", sc.Name, sc.File, err)
		}
	}
	return nil
}

// checkOverrides checks state overrides against the served APIs: the collection must exist and every record
// must carry its key and fit its schema. Overrides for an API this server does not serve are ignored.
func (s *Server) checkOverrides(overrides []scenarios.StateOverride) error {
	for _, o := range overrides {
		rt, ok := s.byName[o.API]
		if !ok {
			continue
		}
		c, ok := rt.api.Collections[o.Collection]
		if !ok {
			return fmt.Errorf("state override: API %s has no collection %q; expected one of %s",
				o.API, o.Collection, strings.Join(slices.Sorted(maps.Keys(rt.api.Collections)), ", "))
		}
		for i, rec := range o.Records {
			if err := checkRecord(c, rec); err != nil {
				return fmt.Errorf("state override %s/%s record %d: %w", o.API, o.Collection, i+1, err)
			}
		}
	}
	return nil
}

// putOverrides writes checked state overrides into one session's store.
func (s *Server) putOverrides(ctx context.Context, sess *session, overrides []scenarios.StateOverride) error {
	for _, o := range overrides {
		rt, ok := s.byName[o.API]
		if !ok {
			continue
		}
		c := rt.api.Collections[o.Collection]
		if c == nil {
			continue
		}
		err := sess.state.Update(ctx, func(tx *state.Tx) error {
			for i, rec := range o.Records {
				if err := tx.Put(qualify(o.API, o.Collection), text(rec[c.Key]), maps.Clone(rec)); err != nil {
					return fmt.Errorf("state override %s/%s record %d: %w", o.API, o.Collection, i+1, err)
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}
