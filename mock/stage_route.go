package mock

import (
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers"

	"github.com/standin/standin/openapi"
)

// routeStage matches the request to one operation of the API, once: later stages read ex.op, ex.plan, ex.route
// and ex.params and never match again. An unknown path answers the API's routeNotFound shape (404), a known
// path with another method its methodNotAllowed shape (405) with an Allow header, a request that fails the
// header or query condition of the keys its path and method match (route.go's conditionMiss) a validation
// failure naming it; all are journalled. A CORS preflight is answered here (cors.go) and journalled without
// validation or security, and every answer of a cross-origin request carries the CORS headers. A HEAD
// answered by a GET operation is a GET without a body (net/http drops it), journalled as HEAD.
func (s *Server) routeStage(rt *apiRuntime) func(http.Handler) http.Handler {
	plans := s.planAPI(rt)
	router := newPathRouter(rt.api)
	if msg := openapi.ResponsesWarning(rt.api); msg != "" {
		s.log.Warn(msg, "api", rt.api.Name)
	}
	cors := s.corsFor(rt, router)
	formAction := router.routesByFormAction() // route_aws.go
	// A request that matches no operation, and a preflight, still pass the session and journal stages, so
	// that a wrong base URL and a browser's preflights show up in the journal.
	preflight := s.sessionStage(rt)(s.journalStage(rt)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ex := exchangeFrom(r.Context())
		ex.answeredBy, ex.status = "cors", http.StatusNoContent
		cors.answerPreflight(w, r, ex.preflight)
	})))
	unmatched := s.sessionStage(rt)(s.journalStage(rt)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ex := exchangeFrom(r.Context())
		if miss := ex.condMiss; miss != nil {
			h := http.Header{}
			h.Set(ReasonHeader, printable(miss.message, reasonLimit))
			ex.writeVendorError(w, "route", "validation", h, map[string]any{"message": miss.message})
			return
		}
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
			// probe, r with the path below the mount prefix, is made only for what needs a request: an AWS form,
			// a cross-origin request, a failed match. Otherwise the path is matched as it is (findBelow).
			var probe *http.Request
			if formAction && !strings.Contains(r.URL.RawQuery, "Action=") {
				probe = withFormQuery(r, routeProbe(r, ex.path), s.cfg.MaxBody) // an AWS SDK's form body carries the Action (route_aws.go)
			}
			if cors != nil && headerValue(r.Header, "Origin") != "" { // cors.handle does nothing without one
				if probe == nil {
					probe = routeProbe(r, ex.path)
				}
				if methods := cors.handle(w, r, probe); methods != nil {
					ex.preflight = methods
					preflight.ServeHTTP(w, r)
					return
				}
			}
			var route *routers.Route
			var params map[string]string
			var err error
			if probe != nil {
				route, params, err = router.FindRoute(probe)
			} else {
				route, params, err = router.findBelow(r, ex.path, ex.spareParams)
			}
			if err == nil {
				ex.op = rt.ops[route.Operation]
				ex.plan = plans[route.Operation]
				if ex.op == nil || ex.plan == nil { // cannot happen: every operation is indexed at New
					err = routers.ErrPathNotFound
				}
			}
			if err != nil {
				ex.op, ex.plan, ex.routeErr = nil, nil, err
				ex.neg.accept = parseAccept(r.Header.Values("Accept")) // the error body's media type
				if probe == nil {
					probe = routeProbe(r, ex.path)
				}
				if miss := router.missedConditions(probe); miss != nil {
					ex.condMiss = miss
					ex.method, ex.rawQuery = miss.method, r.URL.RawQuery
					answerMissWith(ex, miss, rt, plans)
				}
				unmatched.ServeHTTP(w, r)
				return
			}
			ex.route = route
			ex.params = unescapeParams(params)
			// The operation's method: a HEAD answered by GET is generated as that GET (same headers).
			ex.method, ex.rawQuery = route.Method, r.URL.RawQuery
			ex.neg.check(r, ex)
			next.ServeHTTP(w, r)
		})
	}
}

// routeProbe is a shallow copy of r whose URL path is the path below the mount prefix, kept in its escaped form
// (the router matches encoded paths, so "%2F" inside a parameter stays inside it).
func routeProbe(r *http.Request, below string) *http.Request {
	return routeProbeIn(r, below, new(http.Request), new(url.URL))
}

// routeProbeIn is routeProbe built in the given request and URL.
func routeProbeIn(r *http.Request, below string, probe *http.Request, u *url.URL) *http.Request {
	*probe = *r
	*u = *r.URL
	probe.URL = u
	if r.URL.RawPath == "" && pathAsEscaped(r.URL.Path) {
		// The path is its own escaped form (the common case), and so is every part of it.
		u.Path = below
		return probe
	}
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
	return probe
}

// pathAsEscaped reports whether url.URL.EscapedPath leaves path as it is: every byte is one the path escaping
// keeps (pathKeeps).
func pathAsEscaped(path string) bool {
	for i := 0; i < len(path); i++ {
		if !pathKeeps[path[i]] {
			return false
		}
	}
	return true
}

// pathKeeps marks the bytes url.URL.EscapedPath writes as they are, asked of net/url itself.
var pathKeeps = func() (t [256]bool) {
	for c := range 128 {
		p := "/a" + string(rune(c)) // not a path of its own ("*" is kept only as the whole path)
		t[c] = (&url.URL{Path: p}).EscapedPath() == p
	}
	return t
}()

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

// answerMissWith sets the operation whose documented validation failure answers a conditionMiss: the most
// specific candidate that documents one, when every candidate documenting one answers with the same status (AWS
// documents give the operations of "POST /" the same error statuses; those documenting no 4xx have no say);
// otherwise none, and the plain 400 answers.
func answerMissWith(ex *exchange, miss *conditionMiss, rt *apiRuntime, plans map[*openapi3.Operation]*opPlan) {
	var first *openapi3.Operation
	status := 0
	for _, r := range miss.routes {
		op := r.item.GetOperation(miss.method)
		ex.op, ex.plan = rt.ops[op], plans[op]
		if ex.op == nil || ex.plan == nil {
			continue
		}
		st, documented := ex.documentsError("validation")
		switch {
		case !documented:
		case first == nil:
			first, status = op, st
		case st != status:
			first = nil
		}
		if status != 0 && first == nil {
			break
		}
	}
	ex.op, ex.plan = nil, nil
	if first != nil {
		ex.op, ex.plan = rt.ops[first], plans[first]
	}
}
