package mock

import (
	"net/http"
	"strconv"
)

// sessionStage selects the request's session from the X-Standin-Session header (the default session when the
// header is absent). A header that is not a valid session name is refused by standin itself with 400. A
// session that does not exist yet is not created here: the request goes on with a provisional session, and
// adoptStage creates it once the request has passed the security stage, so requests that fail authentication
// never make sessions.
func (s *Server) sessionStage(rt *apiRuntime) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			ex := exchangeFrom(r.Context())
			var name string
			if vs := r.Header[SessionHeader]; len(vs) > 0 { // Get, less canonicalising the canonical name
				name = vs[0]
			}
			if name == "" {
				name = DefaultSession
			}
			if err := validSessionName(name); err != nil {
				ex.standinError(w, "session", http.StatusBadRequest, "header "+SessionHeader+": "+err.Error())
				return
			}
			if sess, st, ok := s.sessions.acquireExisting(name); ok {
				defer st.Release()
				ex.session = sess
			} else {
				ex.session = s.sessions.provisional(name)
			}
			next.ServeHTTP(w, r)
		})
	}
}

// adoptStage creates the session of a request that named a new one, now that it has passed security, and holds
// it until the request ends. At the session cap with no idle session to evict, standin answers 503.
func (s *Server) adoptStage(rt *apiRuntime) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			ex := exchangeFrom(r.Context())
			if ex != nil && ex.session != nil && ex.session.state == nil {
				sess, release, err := s.sessions.adopt(ex.session)
				if err != nil {
					status := http.StatusInternalServerError
					if tooMany(err) {
						status = http.StatusServiceUnavailable
						w.Header().Set("Retry-After", strconv.Itoa(60))
					}
					ex.standinError(w, "session", status, err.Error())
					return
				}
				defer release()
				ex.session = sess
			}
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
