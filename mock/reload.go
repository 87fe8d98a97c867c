package mock

import (
	"fmt"
	"net/http"
	"slices"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/standin/standin/openapi"
)

// Reload swaps in new documents for APIs the server already serves, matched by name: a changed description
// picked up without a restart. Each API gets a new router and pipeline built from its new document; the swap
// of the mounted APIs is atomic, so a request in flight finishes on the document it started with and the next
// one sees the new document. State, sessions, fault rules and the journal are the server's and are kept:
// records of a collection the new document still has are served as before.
//
// Reload refuses a name the server does not serve (adding or removing an API needs a restart) and then leaves
// everything as it was. It is safe for concurrent use with serving and
// with other Reload calls. The admin API's list of APIs keeps describing the documents served at start.
func (s *Server) Reload(apis ...*openapi.API) error {
	for {
		cur := s.live.Load()
		next := slices.Clone(s.mounted())
		for _, api := range apis {
			i := slices.IndexFunc(next, func(rt *apiRuntime) bool { return rt.api.Name == api.Name })
			if i < 0 {
				return fmt.Errorf("mock: reload %s (%s): no API of that name is served; restart to add one", api.Name, api.File)
			}
			next[i] = s.remount(api)
		}
		if s.live.CompareAndSwap(cur, &next) {
			return nil
		}
		// Another reload won the race: build again on top of what it mounted.
	}
}

// mounted returns the APIs requests are routed to: those given to New until the first Reload.
func (s *Server) mounted() []*apiRuntime {
	if live := s.live.Load(); live != nil {
		return *live
	}
	return s.apis
}

// remount builds the runtime of an API as New does, pipeline included.
func (s *Server) remount(api *openapi.API) *apiRuntime {
	rt := s.newRuntime(api)
	rt.h = s.pipeline(rt)
	return rt
}

// newRuntime builds what serving an API needs but its pipeline: operation index, renderer and error body
// cache. New adds the pipelines once faults and sessions are set up; Reload at once.
func (s *Server) newRuntime(api *openapi.API) *apiRuntime {
	// Requests are routed by the route stage's own router (route.go), built with the pipeline; kin-openapi's
	// gorilla/mux router is not built here: it was never consulted, and it cost start time and memory.
	rt := &apiRuntime{api: api, prefix: "/" + api.Name, ops: map[*openapi3.Operation]*openapi.Operation{}}
	rt.render = func(ex *exchange, rp *respPlan) (http.Header, any) { return s.render(ex, rp, "", false) }
	rt.renderList = func(ex *exchange, rp *respPlan, field string) (http.Header, any) {
		return s.renderAs(ex, rp, "", false, field)
	}
	rt.errBodies = newErrBodyCache(s)
	for _, op := range api.Operations {
		rt.ops[op.Op] = op
	}
	rt.qcolls = make(map[*openapi.Collection]string, len(api.Collections))
	for _, c := range api.Collections {
		rt.qcolls[c] = qualify(api.Name, c.Name)
	}
	return rt
}
