package mock

import (
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/getkin/kin-openapi/routers"

	"github.com/standin/standin/openapi"
)

// routeStage matches the request to one operation of the API, once: later stages read ex.op, ex.plan, ex.route
// and ex.params and never match again. An unknown path answers the API's routeNotFound shape (404), a known
// path with another method its methodNotAllowed shape (405) with an Allow header; both are journalled. A CORS
// preflight is answered here (cors.go), and every answer of a cross-origin request carries the CORS headers.
func (s *Server) routeStage(rt *apiRuntime) func(http.Handler) http.Handler {
	plans := s.planAPI(rt)
	router := newPathRouter(rt.api)
	if msg := openapi.ResponsesWarning(rt.api); msg != "" {
		s.log.Warn(msg, "api", rt.api.Name)
	}
	cors := s.corsFor(rt, router)
	// A request that matches no operation still passes the session and journal stages, so that a wrong base
	// URL shows up in the journal.
	unmatched := s.sessionStage(rt)(s.journalStage(rt)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ex := exchangeFrom(r.Context())
		if errors.Is(ex.routeErr, routers.ErrMethodNotAllowed) {
			h := http.Header{}
			if allow := strings.Join(router.allowed(routeProbe(r, ex.path), true), ", "); allow != "" {
				h.Set("Allow", allow)
			}
			ex.writeVendorError(w, "route", "methodNotAllowed", h, nil)
			return
		}
		ex.writeVendorError(w, "route", "routeNotFound", nil, nil)
	})))
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			ex := exchangeFrom(r.Context())
			probe := routeProbe(r, ex.path)
			if cors != nil && cors.handle(w, r, probe) {
				return
			}
			route, params, err := router.FindRoute(probe)
			if err == nil {
				ex.op = rt.ops[route.Operation]
				ex.plan = plans[route.Operation]
				if ex.op == nil || ex.plan == nil { // cannot happen: every operation is indexed at New
					err = routers.ErrPathNotFound
				}
			}
			if err != nil {
				ex.op, ex.plan, ex.routeErr = nil, nil, err
				unmatched.ServeHTTP(w, r)
				return
			}
			ex.route = route
			ex.params = unescapeParams(params)
			ex.method, ex.rawQuery = r.Method, r.URL.RawQuery
			ex.neg.check(r, ex)
			next.ServeHTTP(w, r)
		})
	}
}

// routeProbe is a shallow copy of r whose URL path is the path below the mount prefix, kept in its escaped form
// (the router matches encoded paths, so "%2F" inside a parameter stays inside it).
func routeProbe(r *http.Request, below string) *http.Request {
	probe := *r
	u := *r.URL
	escaped := r.URL.EscapedPath()
	if mount := len(r.URL.Path) - len(below); mount > 0 && strings.HasPrefix(escaped, r.URL.Path[:mount]) {
		escaped = escaped[mount:]
	} else if mount > 0 {
		escaped = below
	}
	u.Path = below
	u.RawPath = escaped
	if u.EscapedPath() != escaped { // not a valid encoding of below: match the decoded path
		u.RawPath = ""
	}
	probe.URL = &u
	return &probe
}

// unescapeParams decodes percent-encoded path parameters: the router matches the encoded path (so an encoded
// "/" stays inside its parameter), but validation and lookups need the value the client meant, as a vendor's
// server would see it ("email%3Aabdc%40gmail.com" is "email:abdc@gmail.com"). A value that is not a valid
// encoding is kept as sent and left to validation.
func unescapeParams(params map[string]string) map[string]string {
	for name, v := range params {
		if !strings.Contains(v, "%") {
			continue
		}
		if dec, err := url.PathUnescape(v); err == nil {
			params[name] = dec
		}
	}
	return params
}
