package mock

// OWNER: faults helper (issue 5). Placeholders replaced by the fault work; delete this file when done.

import "net/http"

// faults.go: the active fault rules of one session.
type faultSet struct{}

func (s *Server) newFaultSet(session string) *faultSet { return &faultSet{} }

// stage_fault.go
func (s *Server) faultStage(rt *apiRuntime) func(http.Handler) http.Handler { return pass }

// admin_faults.go: GET/POST/DELETE /__standin/faults, /__standin/scenarios...
func (s *Server) faultAdmin(mux *http.ServeMux) {}
