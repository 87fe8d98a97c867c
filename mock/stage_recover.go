package mock

import (
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
)

// recoverStage turns a panic in any later stage into the API's "internal" error (500 in the vendor's shape) so
// the server keeps serving. http.ErrAbortHandler, which a dropped-connection fault uses on purpose, passes on.
func (s *Server) recoverStage(rt *apiRuntime) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			var tw *trackWriter
			if ex := exchangeFrom(r.Context()); ex != nil { // in the exchange's own allocation
				ex.tw = trackWriter{ResponseWriter: w}
				tw = &ex.tw
			} else {
				tw = &trackWriter{ResponseWriter: w}
			}
			defer func() {
				if p := recover(); p != nil {
					s.recovered(tw, r, p)
				}
			}()
			next.ServeHTTP(tw, r)
		})
	}
}

// recovered answers a request whose handling panicked with p: a 500 in the vendor's shape when nothing was
// written yet. It re-panics http.ErrAbortHandler.
func (s *Server) recovered(w http.ResponseWriter, r *http.Request, p any) {
	if p == http.ErrAbortHandler {
		panic(p)
	}
	ex := exchangeFrom(r.Context())
	s.log.LogAttrs(r.Context(), slog.LevelError, "panic while serving a request",
		slog.String("panic", fmt.Sprint(p)), slog.String("method", r.Method), slog.String("path", r.URL.Path),
		slog.String("stack", string(debug.Stack())))
	if hw, ok := w.(interface{ headerWritten() bool }); ok && hw.headerWritten() {
		// The status line is gone; the client sees a truncated body, which is the honest outcome.
		panic(http.ErrAbortHandler)
	}
	if ex == nil {
		writeJSON(w, http.StatusInternalServerError, nil, map[string]any{"error": "standin: internal error"})
		return
	}
	ex.writeVendorError(w, "recover", "internal", nil, nil)
}

// trackWriter remembers whether the header was written. It unwraps to the writer it wraps.
type trackWriter struct {
	http.ResponseWriter
	wrote bool
}

func (t *trackWriter) WriteHeader(code int) {
	if code >= 200 || code == http.StatusSwitchingProtocols {
		t.wrote = true
	}
	t.ResponseWriter.WriteHeader(code)
}

func (t *trackWriter) Write(b []byte) (int, error) {
	t.wrote = true
	return t.ResponseWriter.Write(b)
}

func (t *trackWriter) headerWritten() bool { return t.wrote }

func (t *trackWriter) Unwrap() http.ResponseWriter { return t.ResponseWriter }
