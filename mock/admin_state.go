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

	"github.com/standin/standin/mock/state"
	"github.com/standin/standin/openapi"
)

// stateAdmin registers the state endpoints of the admin API. Every endpoint acts on the caller's session: the
// X-Standin-Session header or ?session=NAME (not both disagreeing), else the default session; cross-session
// operations need ?all=true (admin_scope.go):
//
//	GET  /__standin/state[/API[/COLLECTION[/KEY]]]   read records
//	PUT  /__standin/state[/API[/COLLECTION[/KEY]]]   replace them (checked against the record schema)
//	DELETE /__standin/state/API/COLLECTION/KEY       remove one record
//	POST /__standin/reset                            back to the seeded state (the caller's session, or ?all=true)
//	GET  /__standin/sessions                         the sessions and their record counts
//	GET  /__standin/snapshots                        the named snapshots
//	POST /__standin/snapshots/NAME                   save the session's state as NAME
//	POST /__standin/snapshots/NAME/restore           replace the session's state with NAME
//	DELETE /__standin/snapshots/NAME                 forget NAME
//	GET  /__standin/settings                         the session's settings
//	PUT  /__standin/settings                         change them: {"ids": "strict" | "generate" | ""}
func (s *Server) stateAdmin(mux *http.ServeMux) {
	// Sessions the store holds exist from the start, so they are listed and their state is served.
	stored, err := s.state.hub.Stored(context.Background())
	if err != nil {
		s.log.Warn("state: stored sessions not listed", "err", err)
	}
	for _, name := range stored {
		if _, err := s.sessions.get(name); err != nil {
			s.log.Warn("state file: session not restored", "session", name, "err", err)
		}
	}
	p := AdminPrefix
	for _, path := range []string{"state", "state/{api}", "state/{api}/{coll}", "state/{api}/{coll}/{key}"} {
		mux.HandleFunc("GET "+p+path, s.adminStateGet)
		mux.HandleFunc("PUT "+p+path, s.adminStatePut)
	}
	mux.HandleFunc("DELETE "+p+"state/{api}/{coll}/{key}", s.adminStateDelete)
	mux.HandleFunc("POST "+p+"reset", s.adminReset)
	mux.HandleFunc("GET "+p+"sessions", s.adminSessions)
	mux.HandleFunc("GET "+p+"snapshots", s.adminSnapshots)
	mux.HandleFunc("POST "+p+"snapshots/{name}", s.adminSnapshotSave)
	mux.HandleFunc("POST "+p+"snapshots/{name}/restore", s.adminSnapshotRestore)
	mux.HandleFunc("DELETE "+p+"snapshots/{name}", s.adminSnapshotDelete)
	mux.HandleFunc("GET "+p+"settings", s.adminSettingsGet)
	mux.HandleFunc("PUT "+p+"settings", s.adminSettingsPut)
}

// sessionSettings are the per-session switches of the admin API. IDs is how behaviour inferred from paths treats
// an id never created: "strict" (notFound, 404 where documented), "generate" (a record materialised for it), or
// "" (the server's --strict-ids and the document's x-standin ids decide). A request's X-Standin-Ids header
// still wins for that request. Settings last as long as the session: a reset keeps them, an eviction drops them.
type sessionSettings struct {
	Session string `json:"session"`
	IDs     string `json:"ids"`
}

func (s *Server) adminSettingsGet(w http.ResponseWriter, r *http.Request) {
	sess, err := s.stateSession(r)
	if err != nil {
		adminError(w, http.StatusBadRequest, "%v", err)
		return
	}
	writeJSON(w, http.StatusOK, nil, sessionSettings{Session: sess.name, IDs: sess.idsSetting()})
}

func (s *Server) adminSettingsPut(w http.ResponseWriter, r *http.Request) {
	var in struct {
		IDs *string `json:"ids"`
	}
	dec := json.NewDecoder(io.LimitReader(r.Body, 1<<16))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		adminError(w, http.StatusBadRequest, `settings: want a JSON object such as {"ids": "strict"}: %v`, err)
		return
	}
	if in.IDs != nil {
		switch *in.IDs {
		case "strict", "generate", "":
		default:
			adminError(w, http.StatusBadRequest, `settings: ids is %q; want "strict", "generate" or "" (the server decides)`, printable(*in.IDs, 64))
			return
		}
	}
	sess, err := s.stateSession(r)
	if err != nil {
		adminError(w, http.StatusBadRequest, "%v", err)
		return
	}
	if in.IDs != nil {
		sess.ids.Store(*in.IDs)
	}
	writeJSON(w, http.StatusOK, nil, sessionSettings{Session: sess.name, IDs: sess.idsSetting()})
}

// stateSession returns the session an admin request is about (created on first use): the caller's, never every
// session.
func (s *Server) stateSession(r *http.Request) (*session, error) {
	sc, err := scopeOf(r)
	if err != nil {
		return nil, err
	}
	if sc.all {
		return nil, &errScope{"?all=true: this endpoint acts on one session; name it with " + SessionHeader + " or ?session="}
	}
	sess, err := s.sessions.get(sc.session)
	if err != nil {
		return nil, fmt.Errorf("bad session: %w", err)
	}
	return sess, nil
}

// stateTarget reads what a state request addresses and in which session; on a bad API, collection or session
// name it answers the error itself and reports false.
func (s *Server) stateTarget(w http.ResponseWriter, r *http.Request) (stateScope, *state.Session, bool) {
	sc, err := s.scope(r)
	if err != nil {
		adminError(w, http.StatusNotFound, "%v", err)
		return sc, nil, false
	}
	sess, err := s.stateSession(r)
	if err != nil {
		adminError(w, http.StatusBadRequest, "%v", err)
		return sc, nil, false
	}
	return sc, sess.state, true
}

// stateScope is the part of the state a request addresses.
type stateScope struct {
	api, coll, key string
}

// scope reads and checks the path values.
func (s *Server) scope(r *http.Request) (stateScope, error) {
	sc := stateScope{api: r.PathValue("api"), coll: r.PathValue("coll"), key: r.PathValue("key")}
	if sc.api == "" {
		return sc, nil
	}
	rt := s.byName[sc.api]
	if rt == nil {
		return sc, fmt.Errorf("no API %q: served APIs are %s", sc.api, strings.Join(slices.Sorted(maps.Keys(s.byName)), ", "))
	}
	if sc.coll != "" && rt.api.Collections[sc.coll] == nil {
		return sc, fmt.Errorf("API %s has no collection %q: expected one of %s", sc.api, sc.coll,
			strings.Join(slices.Sorted(maps.Keys(rt.api.Collections)), ", "))
	}
	return sc, nil
}

// apiView renders a state as API -> collection -> records, listing every collection of the served APIs.
func (s *Server) apiView(st State) map[string]map[string][]any {
	out := map[string]map[string][]any{}
	for _, rt := range s.mounted() {
		colls := map[string][]any{}
		for name := range rt.api.Collections {
			entries := st[qualify(rt.api.Name, name)]
			recs := make([]any, len(entries))
			for i, e := range entries {
				recs[i] = map[string]any(e.Record)
			}
			colls[name] = recs
		}
		out[rt.api.Name] = colls
	}
	return out
}

func (s *Server) adminStateGet(w http.ResponseWriter, r *http.Request) {
	sc, ss, ok := s.stateTarget(w, r)
	if !ok {
		return
	}
	var rec Record
	var st State
	err := ss.View(r.Context(), func(tx *state.Tx) error {
		var err error
		if sc.key != "" {
			rec, err = tx.Get(qualify(sc.api, sc.coll), sc.key)
		} else {
			st, err = tx.Snapshot()
		}
		return err
	})
	switch {
	case sc.key != "":
		if errors.Is(err, ErrNotFound) {
			adminError(w, http.StatusNotFound, "no record %q in %s/%s", sc.key, sc.api, sc.coll)
			return
		}
		if err != nil {
			abandoned(r.Context())
			adminError(w, http.StatusInternalServerError, "%v", err)
			return
		}
		writeJSON(w, http.StatusOK, nil, rec)
	default:
		if err != nil {
			abandoned(r.Context())
			adminError(w, http.StatusInternalServerError, "%v", err)
			return
		}
		view := s.apiView(st)
		switch {
		case sc.coll != "":
			writeJSON(w, http.StatusOK, nil, view[sc.api][sc.coll])
		case sc.api != "":
			writeJSON(w, http.StatusOK, nil, view[sc.api])
		default:
			writeJSON(w, http.StatusOK, nil, view)
		}
	}
}

// adminStatePut replaces the addressed records: one record, one collection (a JSON array), one API (an object of
// collections) or everything (an object of APIs). Collections left out of an API or of everything become empty.
func (s *Server) adminStatePut(w http.ResponseWriter, r *http.Request) {
	sc, ss, ok := s.stateTarget(w, r)
	if !ok {
		return
	}
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 64<<20))
	if err != nil {
		adminError(w, http.StatusRequestEntityTooLarge, "read body: %v", err)
		return
	}
	var body any
	if err := json.Unmarshal(data, &body); err != nil {
		adminError(w, http.StatusBadRequest, "body is not JSON: %v", err)
		return
	}
	ctx := r.Context()
	status := http.StatusInternalServerError
	err = ss.Update(ctx, func(tx *state.Tx) error {
		var err error
		status, err = s.replace(tx, sc, body)
		return err
	})
	if err != nil {
		abandoned(ctx)
		adminError(w, status, "%v", err)
		return
	}
	// Applied: answer it even when the client has gone, never with an empty 200.
	r2 := r.Clone(context.WithoutCancel(ctx))
	r2.Method = http.MethodGet
	s.adminStateGet(w, r2)
}

// replace writes the new records of a PUT in tx. It returns the HTTP status for an error.
func (s *Server) replace(tx *state.Tx, sc stateScope, body any) (int, error) {
	bad := func(format string, args ...any) (int, error) {
		return http.StatusBadRequest, fmt.Errorf(format, args...)
	}
	if sc.key != "" {
		rec, ok := body.(map[string]any)
		if !ok {
			return bad("expected a JSON object: the record")
		}
		c := s.byName[sc.api].api.Collections[sc.coll]
		if v, has := rec[c.Key]; !has || v == nil {
			rec[c.Key] = typedKey(c, sc.key)
		} else if text(v) != sc.key {
			return bad("the record's %s is %s but the path names %s", c.Key, text(v), sc.key)
		}
		if err := checkRecord(c, rec); err != nil {
			return bad("%s/%s/%s: %v", sc.api, sc.coll, sc.key, err)
		}
		return http.StatusInternalServerError, tx.Put(qualify(sc.api, sc.coll), sc.key, rec)
	}
	current, err := tx.Snapshot()
	if err != nil {
		return http.StatusInternalServerError, err
	}
	next := State{}
	if sc.api != "" {
		maps.Copy(next, current)
	}
	byAPI := map[string]any{}
	switch {
	case sc.coll != "":
		byAPI[sc.api] = map[string]any{sc.coll: body}
	case sc.api != "":
		byAPI[sc.api] = body
	default:
		m, ok := body.(map[string]any)
		if !ok {
			return bad("expected a JSON object: API name -> collection name -> array of records")
		}
		byAPI = m
	}
	for api, colls := range byAPI {
		rt := s.byName[api]
		if rt == nil {
			return bad("no API %q", api)
		}
		cm, ok := colls.(map[string]any)
		if !ok {
			return bad("%s: expected an object: collection name -> array of records", api)
		}
		if sc.coll == "" {
			for name := range rt.api.Collections {
				delete(next, qualify(api, name))
			}
		}
		for name, recs := range cm {
			c := rt.api.Collections[name]
			if c == nil {
				return bad("API %s has no collection %q", api, name)
			}
			list, ok := recs.([]any)
			if !ok {
				return bad("%s/%s: expected an array of records", api, name)
			}
			entries := make([]Entry, 0, len(list))
			seen := map[string]bool{}
			for i, item := range list {
				rec, ok := item.(map[string]any)
				if !ok {
					return bad("%s/%s: record %d is not an object", api, name, i)
				}
				if err := checkRecord(c, rec); err != nil {
					return bad("%s/%s: record %d: %v", api, name, i, err)
				}
				key := text(rec[c.Key])
				if seen[key] {
					return bad("%s/%s: record %d repeats %s %s", api, name, i, c.Key, key)
				}
				seen[key] = true
				entries = append(entries, Entry{Key: key, Record: rec})
			}
			next[qualify(api, name)] = entries
		}
	}
	if sc.coll != "" {
		q := qualify(sc.api, sc.coll)
		return http.StatusInternalServerError, tx.ReplaceCollection(q, next[q])
	}
	return http.StatusInternalServerError, tx.Reset(next)
}

// abandoned ends the answer to a write that was not applied because its client went away: nothing is sent
// (the connection is closed), rather than an error or an empty 200 the client could take for an answer.
func abandoned(ctx context.Context) {
	if ctxDone(ctx) {
		panic(http.ErrAbortHandler)
	}
}

// typedKey converts a key from a path to the type of the collection's key field (a number for integer ids).
func typedKey(c *openapi.Collection, key string) any {
	if c.Schema != nil && c.Schema.Value != nil {
		if p := c.Schema.Value.Properties[c.Key]; p != nil && p.Value != nil && (p.Value.Type.Is("integer") || p.Value.Type.Is("number")) {
			if f, err := strconv.ParseFloat(key, 64); err == nil {
				return f
			}
		}
	}
	return key
}

func (s *Server) adminStateDelete(w http.ResponseWriter, r *http.Request) {
	sc, ss, ok := s.stateTarget(w, r)
	if !ok {
		return
	}
	err := ss.Update(r.Context(), func(tx *state.Tx) error { return tx.Delete(qualify(sc.api, sc.coll), sc.key) })
	if err != nil {
		abandoned(r.Context())
	}
	if errors.Is(err, ErrNotFound) {
		adminError(w, http.StatusNotFound, "no record %q in %s/%s", sc.key, sc.api, sc.coll)
		return
	}
	if err != nil {
		abandoned(r.Context())
		adminError(w, http.StatusInternalServerError, "%v", err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// adminReset puts the caller's session (or, with ?all=true, every session) back to the seeded state.
func (s *Server) adminReset(w http.ResponseWriter, r *http.Request) {
	sc, ok := scopeOrFail(w, r)
	if !ok {
		return
	}
	var targets []*session
	if sc.all {
		targets = s.sessions.all()
	} else {
		sess, err := s.sessions.get(sc.session)
		if err != nil {
			adminError(w, http.StatusBadRequest, "bad session: %v", err)
			return
		}
		targets = []*session{sess}
	}
	names := make([]string, len(targets))
	states := make([]*state.Session, len(targets))
	for i, sess := range targets {
		names[i], states[i] = sess.name, sess.state
	}
	if err := s.state.hub.ResetAll(r.Context(), states); err != nil {
		abandoned(r.Context())
		adminError(w, http.StatusInternalServerError, "%v", err)
		return
	}
	writeJSON(w, http.StatusOK, nil, map[string]any{"reset": names})
}

// sessionInfo describes a session in the admin API.
type sessionInfo struct {
	Name    string         `json:"name"`
	Records map[string]int `json:"records"`       // "api/collection" -> count
	IDs     string         `json:"ids,omitempty"` // the session's ids setting, when set
}

func (s *Server) adminSessions(w http.ResponseWriter, r *http.Request) {
	out := []sessionInfo{}
	for _, sess := range s.sessions.all() {
		info := sessionInfo{Name: sess.name, Records: map[string]int{}, IDs: sess.idsSetting()}
		_ = sess.state.View(r.Context(), func(tx *state.Tx) error {
			names, err := tx.Collections()
			for _, name := range names {
				if n, err := tx.Len(name); err == nil {
					info.Records[name] = n
				}
			}
			return err
		})
		out = append(out, info)
	}
	writeJSON(w, http.StatusOK, nil, out)
}

// adminSnapshots lists the snapshots the caller's session saved (every session's with ?all=true).
func (s *Server) adminSnapshots(w http.ResponseWriter, r *http.Request) {
	sc, ok := scopeOrFail(w, r)
	if !ok {
		return
	}
	all, err := s.state.hub.Snapshots(r.Context())
	if err != nil {
		abandoned(r.Context())
		adminError(w, http.StatusInternalServerError, "%v", err)
		return
	}
	out := all[:0:0]
	for _, snap := range all {
		if sc.all || snap.Session == sc.session {
			out = append(out, snap)
		}
	}
	writeJSON(w, http.StatusOK, nil, out)
}

// otherSession refuses, unless the request says ?all=true, to act on a snapshot another session saved: restoring
// it copies that session's state. It answers 403 itself and reports false.
func otherSession(w http.ResponseWriter, r *http.Request, snapSession string) bool {
	sc, ok := scopeOrFail(w, r)
	if !ok {
		return false
	}
	if !sc.all && snapSession != sc.session {
		adminError(w, http.StatusForbidden, "snapshot %q belongs to another session; acting on it crosses sessions: add ?all=true (and no session)",
			r.PathValue("name"))
		return false
	}
	return true
}

func (s *Server) adminSnapshotSave(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	if err := validSessionName(name); err != nil {
		adminError(w, http.StatusBadRequest, "bad snapshot name: %v", strings.Replace(err.Error(), "session", "snapshot", 1))
		return
	}
	if prev, err := s.state.hub.Snapshot(r.Context(), name); err == nil && !otherSession(w, r, prev.Session) {
		return // replacing another session's snapshot crosses sessions too
	}
	sess, err := s.stateSession(r)
	if err != nil {
		adminError(w, http.StatusBadRequest, "%v", err)
		return
	}
	snap, err := s.state.hub.SaveSnapshot(r.Context(), name, sess.state, s.clock.Now().UTC())
	if err != nil {
		abandoned(r.Context())
		adminError(w, http.StatusInternalServerError, "%v", err)
		return
	}
	writeJSON(w, http.StatusCreated, nil, snap)
}

func (s *Server) adminSnapshotRestore(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	snap, err := s.state.hub.Snapshot(r.Context(), name)
	if err != nil {
		adminError(w, http.StatusNotFound, "no snapshot %q; GET %ssnapshots lists them", name, AdminPrefix)
		return
	}
	var sess *session
	if sc, ok := scopeOrFail(w, r); !ok {
		return
	} else if sc.all {
		// Copying between sessions: ?all=true names no target, so the snapshot goes back into its own session
		// unless the target is given as ?into=.
		target := r.URL.Query().Get("into")
		if target == "" {
			target = snap.Session
		}
		if sess, err = s.sessions.get(target); err != nil {
			adminError(w, http.StatusBadRequest, "bad session: %v", err)
			return
		}
	} else if !otherSession(w, r, snap.Session) {
		return
	} else if sess, err = s.stateSession(r); err != nil {
		adminError(w, http.StatusBadRequest, "%v", err)
		return
	}
	err = s.state.hub.RestoreSnapshot(r.Context(), name, sess.state)
	if errors.Is(err, ErrNotFound) {
		adminError(w, http.StatusNotFound, "no snapshot %q; GET %ssnapshots lists them", name, AdminPrefix)
		return
	}
	if err != nil {
		abandoned(r.Context())
		adminError(w, http.StatusInternalServerError, "%v", err)
		return
	}
	writeJSON(w, http.StatusOK, nil, map[string]any{"restored": name, "session": sess.name, "at": s.clock.Now().UTC()})
}

func (s *Server) adminSnapshotDelete(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	if snap, err := s.state.hub.Snapshot(r.Context(), name); err == nil && !otherSession(w, r, snap.Session) {
		return
	}
	err := s.state.hub.DeleteSnapshot(r.Context(), name)
	if errors.Is(err, ErrNotFound) {
		adminError(w, http.StatusNotFound, "no snapshot %q", name)
		return
	}
	if err != nil {
		abandoned(r.Context())
		adminError(w, http.StatusInternalServerError, "%v", err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
