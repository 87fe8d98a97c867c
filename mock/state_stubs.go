package mock

// OWNER: state helper (issue 4). Placeholders replaced by the state work; delete this file when done.

import "net/http"

// store.go: the state of one session.
type Store interface{}

// initState loads fixtures (and the state file) once, before the default session is created.
func (s *Server) initState() error { return nil }

// newStore returns the state of a new session: a cheap copy of the seeded state.
func (s *Server) newStore(session string) (Store, error) { return nil, nil }

// behaviour.go
func (s *Server) behaviourStage(rt *apiRuntime) func(http.Handler) http.Handler { return pass }

// admin_state.go: GET/PUT /__standin/state..., POST /__standin/reset, GET /__standin/sessions, snapshots.
func (s *Server) stateAdmin(mux *http.ServeMux) {}
