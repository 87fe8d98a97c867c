package mock

// OWNER: engine helper (issue 3). Every function here is a placeholder that the engine work replaces, each in
// the file named beside it; delete this file when all are written.

import "net/http"

func pass(next http.Handler) http.Handler { return next }

// recover.go
func (s *Server) recoverStage(rt *apiRuntime) func(http.Handler) http.Handler { return pass }

// route.go
func (s *Server) routeStage(rt *apiRuntime) func(http.Handler) http.Handler { return pass }

// stage_session.go
func (s *Server) sessionStage(rt *apiRuntime) func(http.Handler) http.Handler { return pass }

// journal.go
type journal struct{}

func newJournal(size int) *journal                                            { return &journal{} }
func (s *Server) journalStage(rt *apiRuntime) func(http.Handler) http.Handler { return pass }

// prefer.go
func (s *Server) preferStage(rt *apiRuntime) func(http.Handler) http.Handler { return pass }

// security.go
func (s *Server) securityStage(rt *apiRuntime) func(http.Handler) http.Handler { return pass }

// validation.go
func (s *Server) validationStage(rt *apiRuntime) func(http.Handler) http.Handler { return pass }

// response.go
func (s *Server) responseHandler(rt *apiRuntime) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusNotImplemented, nil, map[string]any{"error": "not yet"})
	})
}

// admin.go
func (s *Server) adminHandler() http.Handler {
	mux := http.NewServeMux()
	s.stateAdmin(mux)
	s.faultAdmin(mux)
	return mux
}

// response.go: renderStatus builds the response the operation documents for status: the named example (or the
// first example when name is ""), else a body generated from that status's schema, plus its documented headers
// with plausible values. ok is false when the operation does not document status.
func (s *Server) renderStatus(ex *exchange, status int, example string) (header http.Header, body any, ok bool) {
	return nil, nil, false
}
