package mock

import (
	"net/http"
	"slices"
	"strings"
)

// corsPolicy answers cross-origin requests to one mounted API, as Prism does by default, so a browser app on
// another origin can call the mock:
//
//   - a preflight (OPTIONS with Origin and Access-Control-Request-Method) to a path of the document is answered
//     204 by the route stage, journalled (answered by "cors") but without validation, security or any later
//     stage: Access-Control-Allow-Methods lists the methods the document gives that path,
//     Access-Control-Allow-Headers echoes what was asked for;
//   - every answer to a request with an Origin carries Access-Control-Allow-Origin echoing that origin with
//     Access-Control-Allow-Credentials: true (a wildcard would make browsers drop credentialed requests) and
//     Vary: Origin, plus Access-Control-Expose-Headers naming the headers the document's responses declare and
//     the ones standin adds, so client code can read them.
//
// The admin API (/__standin/) never gets these headers. It is read-only after construction.
type corsPolicy struct {
	router *pathRouter
	expose string
}

// corsMaxAge is how long a browser may cache a preflight answer, in seconds.
const corsMaxAge = "600"

// standinHeaders are the headers standin itself may add to an API's answers.
var standinHeaders = []string{"Allow", "Retry-After", "X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset",
	ReasonHeader, "X-Standin-Error", mutationHeader}

// corsFor returns rt's CORS policy, or nil when CORS is turned off.
func (s *Server) corsFor(rt *apiRuntime, router *pathRouter) *corsPolicy {
	if s.cfg.DisableCORS {
		return nil
	}
	var names []string
	add := func(name string) {
		name = http.CanonicalHeaderKey(name)
		if !slices.Contains(names, name) && name != "Content-Type" {
			names = append(names, name)
		}
	}
	for _, op := range rt.api.Operations {
		if op.Op.Responses == nil {
			continue
		}
		for _, ref := range op.Op.Responses.Map() {
			if ref == nil || ref.Value == nil {
				continue
			}
			for name := range ref.Value.Headers {
				add(name)
			}
		}
	}
	slices.Sort(names)
	for _, name := range standinHeaders {
		add(name)
	}
	return &corsPolicy{router: router, expose: strings.Join(names, ", ")}
}

// handle adds the CORS headers for a request with an Origin. For a preflight to a path of the document (probe is
// the request with the path below the mount) it returns the methods to allow, and the route stage answers it
// with answerPreflight behind the session and journal stages; otherwise nil.
func (c *corsPolicy) handle(w http.ResponseWriter, r *http.Request, probe *http.Request) []string {
	origin := headerValue(r.Header, "Origin")
	if origin == "" {
		return nil
	}
	h := w.Header()
	h.Set("Access-Control-Allow-Origin", origin)
	h.Set("Access-Control-Allow-Credentials", "true")
	h.Add("Vary", "Origin")
	asked := r.Header.Get("Access-Control-Request-Method")
	if r.Method != http.MethodOptions || asked == "" {
		h.Set("Access-Control-Expose-Headers", c.expose)
		return nil
	}
	return c.router.allowed(probe, false) // none for no such path: the route stage answers 404 (with the headers above)
}

// answerPreflight answers a preflight 204 allowing methods and echoing the headers it asks for.
func (c *corsPolicy) answerPreflight(w http.ResponseWriter, r *http.Request, methods []string) {
	h := w.Header()
	h.Add("Vary", "Access-Control-Request-Method")
	h.Add("Vary", "Access-Control-Request-Headers")
	h.Set("Access-Control-Allow-Methods", strings.Join(methods, ", "))
	if hdrs := r.Header.Values("Access-Control-Request-Headers"); len(hdrs) > 0 {
		h.Set("Access-Control-Allow-Headers", strings.Join(hdrs, ", "))
	}
	h.Set("Access-Control-Max-Age", corsMaxAge)
	h.Set("Content-Length", "0")
	w.WriteHeader(http.StatusNoContent)
}
