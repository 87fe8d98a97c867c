package mock

import (
	"net/http"
)

// sessionStage selects the request's session from the X-Standin-Session header (the default session when the
// header is absent). A header that is not a valid session name is refused by standin itself with 400.
func (s *Server) sessionStage(rt *apiRuntime) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			ex := exchangeFrom(r.Context())
			name := r.Header.Get(SessionHeader)
			if name == "" {
				name = DefaultSession
			}
			sess, err := s.sessions.get(name)
			if err != nil {
				ex.standinError(w, "session", http.StatusBadRequest, "header "+SessionHeader+": "+err.Error())
				return
			}
			ex.session = sess
			next.ServeHTTP(w, r)
		})
	}
}

// StandinErrorHeader marks a response that standin itself produced about the use of standin (a bad session
// name, an undocumented Prefer code), as opposed to an answer in the API's own shape. Its value is the stage.
const StandinErrorHeader = "X-Standin-Error"

// standinError answers with standin's own error body {"error": msg}, marked with StandinErrorHeader.
func (ex *exchange) standinError(w http.ResponseWriter, stage string, status int, msg string) {
	h := http.Header{StandinErrorHeader: []string{stage}}
	ex.answer(w, stage, status, h, map[string]any{"error": "standin: " + msg})
}
