package mock

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// adminHandler serves the admin API under AdminPrefix. The core endpoints are here; the state and fault helpers
// register theirs on the same mux. Every answer, errors included, is JSON.
func (s *Server) adminHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+AdminPrefix+"health", s.adminHealth)
	mux.HandleFunc("GET "+AdminPrefix+"apis", s.adminAPIs)
	mux.HandleFunc("GET "+AdminPrefix+"journal", s.adminJournal)
	mux.HandleFunc("DELETE "+AdminPrefix+"journal", s.adminJournalClear)
	s.stateAdmin(mux)
	s.faultAdmin(mux)
	mux.HandleFunc("GET "+AdminPrefix+"journal/stream", s.adminJournalStream)
	mux.HandleFunc("GET "+AdminPrefix+"coverage", s.adminCoverage)
	mux.HandleFunc("DELETE "+AdminPrefix+"coverage", s.adminCoverageReset)
	mux.HandleFunc("GET "+AdminPrefix+"{$}", s.dashboardPage)
	mux.HandleFunc("GET "+AdminPrefix+"ui/catalog", s.dashboardCatalog)
	mux.HandleFunc("GET "+AdminPrefix+"ui/scenarios", s.dashboardScenarios)
	mux.HandleFunc("GET "+AdminPrefix+"ui/{file}", s.dashboardAsset)
	mux.HandleFunc("GET "+strings.TrimSuffix(AdminPrefix, "/"), s.dashboardRedirect)
	mux.HandleFunc(AdminPrefix, func(w http.ResponseWriter, r *http.Request) { s.adminFallback(mux, w, r) })
	mux.HandleFunc(strings.TrimSuffix(AdminPrefix, "/"), func(w http.ResponseWriter, r *http.Request) {
		s.adminFallback(mux, w, r)
	})
	return mux
}

// adminError writes standin's error body.
func adminError(w http.ResponseWriter, status int, format string, args ...any) {
	writeJSON(w, status, nil, map[string]any{"error": fmt.Sprintf(format, args...)})
}

// adminFallback answers what no endpoint matched: 405 with Allow when the path exists with other methods,
// else 404 naming the endpoints.
func (s *Server) adminFallback(mux *http.ServeMux, w http.ResponseWriter, r *http.Request) {
	var allowed []string
	for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
		try := r.Clone(r.Context())
		try.Method = m
		if _, pattern := mux.Handler(try); pattern != "" && pattern != AdminPrefix && pattern != strings.TrimSuffix(AdminPrefix, "/") {
			allowed = append(allowed, m)
		}
	}
	if len(allowed) > 0 {
		w.Header().Set("Allow", strings.Join(allowed, ", "))
		adminError(w, http.StatusMethodNotAllowed, "%s %s is not an admin endpoint; %s accepts %s",
			r.Method, r.URL.Path, r.URL.Path, strings.Join(allowed, ", "))
		return
	}
	adminError(w, http.StatusNotFound, "no admin endpoint at %s; try GET %shealth, GET %sapis or GET %sjournal",
		r.URL.Path, AdminPrefix, AdminPrefix, AdminPrefix)
}

func (s *Server) adminHealth(w http.ResponseWriter, r *http.Request) {
	mounted := s.mounted()
	names := make([]string, len(mounted))
	for i, rt := range mounted {
		names[i] = rt.api.Name
	}
	writeJSON(w, http.StatusOK, nil, map[string]any{"status": "ok", "apis": names, "sessions": len(s.sessions.all())})
}

type adminOperation struct {
	ID       string `json:"operationId"`
	Method   string `json:"method"`
	Path     string `json:"path"`
	Statuses []int  `json:"statuses"`
}

type adminAPI struct {
	Name       string           `json:"name"`
	Title      string           `json:"title"`
	Version    string           `json:"version"`
	BaseURL    string           `json:"baseUrl"`
	AlsoAtRoot bool             `json:"alsoAtRoot,omitempty"`
	ServerURL  string           `json:"serverUrl,omitempty"`
	File       string           `json:"file"`
	Operations []adminOperation `json:"operations"`
}

// baseURL is where clients point an SDK for rt: Config.BaseURL, the mount prefix and the spec's base path.
func (s *Server) baseURL(rt *apiRuntime) string {
	return strings.TrimSuffix(s.cfg.BaseURL, "/") + rt.prefix + rt.api.BasePath
}

func (s *Server) adminAPIs(w http.ResponseWriter, r *http.Request) {
	mounted := s.mounted()
	out := make([]adminAPI, 0, len(mounted))
	for _, rt := range mounted {
		a := adminAPI{
			Name:       rt.api.Name,
			BaseURL:    s.baseURL(rt),
			AlsoAtRoot: len(mounted) == 1,
			ServerURL:  rt.api.ServerURL,
			File:       rt.api.File,
			Operations: make([]adminOperation, 0, len(rt.api.Operations)),
		}
		if info := rt.api.Doc.Info; info != nil {
			a.Title, a.Version = info.Title, info.Version
		}
		for _, op := range rt.api.Operations {
			a.Operations = append(a.Operations, adminOperation{ID: op.ID, Method: op.Method,
				Path: rt.api.BasePath + op.Path, Statuses: slices.Clone(op.Statuses)})
		}
		out = append(out, a)
	}
	writeJSON(w, http.StatusOK, nil, out)
}

// journalSessions picks the sessions a journal request is about: the caller's (X-Standin-Session or ?session=,
// else the default session), or every session with ?all=true. A named session that does not exist yet has an
// empty journal.
func (s *Server) journalSessions(r *http.Request) ([]*session, error) {
	sc, err := scopeOf(r)
	if err != nil {
		return nil, err
	}
	if sc.all {
		return s.sessions.all(), nil
	}
	name := sc.session
	if sess, ok := s.sessions.lookup(name); ok {
		return []*session{sess}, nil
	}
	return nil, nil
}

// journalFilterFrom reads ?api= ?operation= ?status= ?limit=.
func (s *Server) journalFilterFrom(r *http.Request) (journalFilter, error) {
	q := r.URL.Query()
	f := journalFilter{API: q.Get("api"), Operation: q.Get("operation")}
	if f.API != "" {
		if _, ok := s.byName[f.API]; !ok {
			mounted := s.mounted()
			names := make([]string, len(mounted))
			for i, rt := range mounted {
				names[i] = rt.api.Name
			}
			return f, fmt.Errorf("bad api %q: this server serves %s", f.API, strings.Join(names, ", "))
		}
	}
	if v := q.Get("status"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 100 || n > 599 {
			return f, fmt.Errorf("bad status %q: expected an HTTP status such as 200 or 422", v)
		}
		f.Status = n
	}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return f, fmt.Errorf("bad limit %q: expected a positive number of entries", v)
		}
		f.Limit = n
	}
	return f, nil
}

func (s *Server) adminJournal(w http.ResponseWriter, r *http.Request) {
	f, err := s.journalFilterFrom(r)
	if err != nil {
		adminError(w, http.StatusBadRequest, "journal: %v", err)
		return
	}
	sessions, err := s.journalSessions(r)
	if err != nil {
		adminError(w, http.StatusBadRequest, "journal: %v", err)
		return
	}
	entries := []journalEntry{}
	for _, sess := range sessions {
		entries = append(entries, sess.journal.list(journalFilter{API: f.API, Operation: f.Operation, Status: f.Status})...)
	}
	slices.SortStableFunc(entries, func(a, b journalEntry) int { return a.Time.Compare(b.Time) })
	if f.Limit > 0 && len(entries) > f.Limit {
		entries = entries[len(entries)-f.Limit:]
	}
	writeJSON(w, http.StatusOK, nil, map[string]any{"entries": entries, "count": len(entries)})
}

func (s *Server) adminJournalClear(w http.ResponseWriter, r *http.Request) {
	sessions, err := s.journalSessions(r)
	if err != nil {
		adminError(w, http.StatusBadRequest, "journal: %v", err)
		return
	}
	n := 0
	for _, sess := range sessions {
		n += sess.journal.clear()
	}
	writeJSON(w, http.StatusOK, nil, map[string]any{"deleted": n})
}
