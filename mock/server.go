package mock

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/standin/standin/fake"
	"github.com/standin/standin/openapi"
)

// AdminPrefix is the path prefix of the admin API, reserved on every listener.
const AdminPrefix = "/__standin/"

// Config holds the settings a user chooses. Its zero value serves with safe defaults.
type Config struct {
	// Seed makes generated data repeatable; 0 means the fixed default seed.
	Seed uint64
	// MaxBody is the largest request body accepted, in bytes; 0 means 1 MiB.
	MaxBody int64
	// BaseURL is the externally visible root of the server ("http://127.0.0.1:4010"), used in the admin API's
	// list of APIs. Empty means URLs are reported as paths only.
	BaseURL string
	// ForbiddenKeys adds credential patterns (path.Match globs) treated as lacking permission, on top of each
	// spec's x-standin auth.forbidden.
	ForbiddenKeys []string
	// FixturesDir, when set, replaces the embedded fixtures with fixtures/<api>/*.json read from this folder.
	FixturesDir string
	// Records tops every collection up to this many records with generated ones.
	Records int
	// StateFile, when set, makes state durable: every acknowledged write survives a restart.
	StateFile string
	// MaxSessions caps the sessions that exist at once; 0 means DefaultMaxSessions. Making one more evicts the
	// least recently used idle session (never the default one, one serving a request, or one with writes not
	// yet durable); when none can go, the request is answered 503. Only a request that passes the security
	// stage (or the admin API) makes a session.
	MaxSessions int
	// SessionTTL evicts a session unused for this long; 0 keeps idle sessions until the cap needs room.
	SessionTTL time.Duration
	// Settle is how long a newly created record answers "queued" where the spec declares it; 0 means the spec's
	// default.
	Settle time.Duration
	// JournalSize is how many requests each session's journal keeps; 0 means DefaultJournalSize.
	JournalSize int
	// Faults are fault rules in the command-line form ("op=updateAssignee,status=449,times=2"), active in every
	// session from the start.
	Faults []string
	// Scenarios are scenario names (bundled or in ScenarioDir) or file paths activated at start.
	Scenarios []string
	// ScenarioDir is a folder of user scenario files, searched before the bundled ones.
	ScenarioDir string
	// RateLimits turns on the rate limits the specs declare (x-standin rateLimit); off by default so local use is
	// never throttled.
	RateLimits bool
	// StrictIDs makes a read, change or action on an id never created answer 404 (where documented) instead of a
	// record generated for that id, for behaviour standin infers from paths. A request asks for the same with
	// the header X-Standin-Ids: strict, and a document with x-standin ids: strict.
	StrictIDs bool
	// DisableCORS turns off the CORS answers of the mounted APIs (on by default, as in Prism; see cors.go). The
	// admin API never answers CORS.
	DisableCORS bool

	// Security settings (README "Security"). The zero value is the loopback developer setup: the admin API on, no
	// token, Host and Origin checked, header faults honoured.

	// AdminToken, when set, must be sent to every admin endpoint as "Authorization: Bearer <token>".
	AdminToken string
	// AdminOff serves the APIs without the admin API: every path under AdminPrefix answers 404.
	AdminOff bool
	// AllowHosts are extra Host names the admin API answers to, besides localhost and loopback addresses.
	AllowHosts []string
	// AllowOrigins are browser origins ("http://localhost:3000", or "*") allowed to call the admin API, besides
	// the server's own.
	AllowOrigins []string
	// IgnoreFaultHeaders makes the X-Standin-Fault and Prefer request headers plain headers: a client can no
	// longer choose its own answer. `standin serve` sets it beyond loopback unless --header-faults=on.
	IgnoreFaultHeaders bool
	// MaxLatency caps the delay faults may add to one request; a rule asking for more is refused. 0 means
	// DefaultMaxLatency.
	MaxLatency time.Duration
	// WriteTimeout is how long one API answer may take to send, counted from its first byte; a client reading
	// slower is dropped. 0 means DefaultWriteTimeout.
	WriteTimeout time.Duration
}

// DefaultMaxSessions is the cap on sessions when Config.MaxSessions is 0.
const DefaultMaxSessions = 5000

// DefaultJournalSize is how many requests a session's journal keeps when Config.JournalSize is 0.
const DefaultJournalSize = 1000

// Clock tells the time. Tests inject a fake one. A clock that also has an After(time.Duration) <-chan time.Time
// method is used for fault delays too, so tests of latency faults need not sleep.
type Clock interface{ Now() time.Time }

type systemClock struct{}

func (systemClock) Now() time.Time { return time.Now() }

// Option supplies a collaborator or a test seam to New.
type Option func(*Server)

// WithClock replaces the system clock.
func WithClock(c Clock) Option { return func(s *Server) { s.clock = c } }

// WithStore keeps state in st instead of the in-memory store (state.NewMemory), for example a store shared
// by several servers. Config.StateFile must be empty then: the store decides where state is kept. The server
// opens st with the seeded state and closes it in Close. What st already holds is re-validated against the
// served specs at start, as the state file is: a st that implements state.Checker is handed the check before
// Open and sets failing records aside itself; for any other st the server removes each stored record that no
// longer fits (through st's own transactions) and logs it, record included, so it is never served.
func WithStore(st Store) Option { return func(s *Server) { s.store = st } }

// WithLogger sets the logger for request and lifecycle logs (default: discard).
func WithLogger(l *slog.Logger) Option { return func(s *Server) { s.log = l } }

// Server is the mock: an http.Handler serving every configured API under /<name> (and at / when it serves a
// single API) plus the admin API under /__standin/. It is safe for concurrent use.
type Server struct {
	cfg   Config
	clock Clock
	log   *slog.Logger
	gen   *fake.Generator

	apis   []*apiRuntime // in the order given
	byName map[string]*apiRuntime
	admin  http.Handler

	// live is what requests are routed to after a Reload (reload.go); nil means apis.
	live atomic.Pointer[[]*apiRuntime]

	sessions *sessions
	faults   *faultRegistry // server-wide fault rules, built before the sessions

	closeOnce sync.Once
	closers   []func() error

	dash *dashboard // live journal streams and coverage (dashboard.go)

	store Store // from WithStore; nil means the in-memory store (with Config.StateFile)
	// state is the state area: the hub of sessions' records and the served collections (state.go). Set by
	// initState.
	state *stateArea
}

// apiRuntime is one served API with everything precomputed at start.
type apiRuntime struct {
	api    *openapi.API
	prefix string // "/carecycle"
	ops    map[*openapi3.Operation]*openapi.Operation
	h      http.Handler // the pipeline
	// render builds the documented response rp for the exchange (example, else generated from its schema, plus
	// documented headers): the body of an error answer for a kind the API declares no shape for.
	render func(ex *exchange, rp *respPlan) (http.Header, any)
	// renderList is render for an inferred list's answer: a generated body leaves out the list field it names.
	renderList func(ex *exchange, rp *respPlan, field string) (http.Header, any)
	// envelopes caches response schemas less a list field (response.go, without).
	envelopes sync.Map
	// errBodies holds generated error bodies per operation and status (errcache.go).
	errBodies *errBodyCache
	// ancestors caches openapi.Ancestors per operation (behaviour_infer.go).
	ancestors sync.Map
	// qcolls holds the state's name of each of the API's collections (qualify), made once.
	qcolls map[*openapi.Collection]string
}

// qualified is qualify(rt.api.Name, c.Name), without building the name again on every request.
func (rt *apiRuntime) qualified(c *openapi.Collection) string {
	if q, ok := rt.qcolls[c]; ok {
		return q
	}
	return qualify(rt.api.Name, c.Name)
}

// New builds a server for apis. Names must be unique.
func New(apis []*openapi.API, cfg Config, opts ...Option) (*Server, error) {
	if len(apis) == 0 {
		return nil, errors.New("mock: no API to serve")
	}
	if cfg.MaxBody == 0 {
		cfg.MaxBody = 1 << 20
	}
	if cfg.MaxBody < 0 {
		return nil, fmt.Errorf("mock: MaxBody %d is negative", cfg.MaxBody)
	}
	if cfg.MaxSessions < 0 {
		return nil, fmt.Errorf("mock: MaxSessions %d is negative", cfg.MaxSessions)
	}
	if cfg.MaxSessions == 0 {
		cfg.MaxSessions = DefaultMaxSessions
	}
	if cfg.SessionTTL < 0 {
		return nil, fmt.Errorf("mock: SessionTTL %s is negative", cfg.SessionTTL)
	}
	if cfg.JournalSize < 0 {
		return nil, fmt.Errorf("mock: JournalSize %d is negative", cfg.JournalSize)
	}
	if cfg.JournalSize == 0 {
		cfg.JournalSize = DefaultJournalSize
	}
	if cfg.MaxLatency <= 0 {
		cfg.MaxLatency = DefaultMaxLatency
	}
	if cfg.WriteTimeout <= 0 {
		cfg.WriteTimeout = DefaultWriteTimeout
	}
	s := &Server{cfg: cfg, clock: systemClock{}, log: slog.New(slog.DiscardHandler), byName: map[string]*apiRuntime{}}
	for _, o := range opts {
		o(s)
	}
	if s.store != nil && cfg.StateFile != "" {
		return nil, errors.New("mock: both a Store (WithStore) and a StateFile given: the store decides where state is kept")
	}
	s.gen = fake.New(fake.Options{Seed: cfg.Seed, Now: s.clock.Now})
	s.dash = newDashboard(s)
	for _, api := range apis {
		if _, dup := s.byName[api.Name]; dup {
			return nil, fmt.Errorf("mock: two APIs are named %q (%s); rename one with x-standin.name", api.Name, api.File)
		}
		if strings.HasPrefix(AdminPrefix, "/"+api.Name+"/") {
			return nil, fmt.Errorf("mock: API name %q clashes with the admin prefix %s", api.Name, AdminPrefix)
		}
		rt := s.newRuntime(api)
		s.apis = append(s.apis, rt)
		s.byName[api.Name] = rt
	}
	s.faults = s.newFaultRegistry()
	if err := s.FaultConfigError(); err != nil {
		return nil, fmt.Errorf("mock: %w", err)
	}
	if _, err := s.newSessions(); err != nil {
		_ = s.Close()
		return nil, err
	}
	for _, rt := range s.apis {
		rt.h = s.pipeline(rt)
	}
	s.admin = s.adminAccess(s.adminHandler())
	if cfg.AdminOff {
		s.admin = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			adminError(w, http.StatusNotFound, "the admin API is off on this server (--admin=off)")
		})
	}
	return s, nil
}

// pipeline composes the stages of one API in the order of the design: route, session, journal, prefer, faults,
// security, adopt (the session is created only now), validation, behaviour, then the response.
func (s *Server) pipeline(rt *apiRuntime) http.Handler {
	return chain(
		s.recoverStage(rt),
		s.routeStage(rt),
		s.sessionStage(rt),
		s.journalStage(rt),
		s.preferStage(rt),
		s.faultStage(rt),
		s.securityStage(rt),
		s.adoptStage(rt),
		s.validationStage(rt),
		s.behaviourStage(rt),
	)(s.responseHandler(rt))
}

// chain folds middlewares so the first given is the outermost.
func chain(stages ...func(http.Handler) http.Handler) func(http.Handler) http.Handler {
	return func(h http.Handler) http.Handler {
		for _, st := range slices.Backward(stages) {
			h = st(h)
		}
		return h
	}
}

// APIs lists the served APIs in the order given to New.
func (s *Server) APIs() []*openapi.API {
	mounted := s.mounted()
	out := make([]*openapi.API, len(mounted))
	for i, rt := range mounted {
		out[i] = rt.api
	}
	return out
}

// ServeHTTP dispatches to the admin API or to the API mounted at the first path segment.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	path := r.URL.Path
	if strings.HasPrefix(path, AdminPrefix) || path == strings.TrimSuffix(AdminPrefix, "/") {
		s.admin.ServeHTTP(w, r)
		return
	}
	rt, rest := s.mountFor(path)
	if rt == nil {
		mounted := s.mounted()
		names := make([]string, len(mounted))
		for i, a := range mounted {
			names[i] = "/" + a.api.Name
		}
		writeJSON(w, http.StatusNotFound, nil, map[string]any{
			"error": fmt.Sprintf("no API is mounted at %s; served: %s", path, strings.Join(names, ", ")),
		})
		return
	}
	ex := newExchange(rt, s.clock.Now())
	ex.path = rest
	ex.dw = deadlineWriter{ResponseWriter: w, timeout: s.cfg.WriteTimeout}
	ex.req = *r.WithContext(withExchange(r.Context(), ex)) // the request the stages see, inside the exchange
	rt.h.ServeHTTP(&ex.dw, &ex.req)
	ex.release() // not deferred: an exchange a panic leaves is the collector's
}

// mountFor finds the API for a request path and the path below its mount prefix.
func (s *Server) mountFor(path string) (*apiRuntime, string) {
	apis := s.mounted()
	for _, rt := range apis {
		if strings.HasPrefix(path, rt.prefix) && (len(path) == len(rt.prefix) || path[len(rt.prefix)] == '/') {
			rest := strings.TrimPrefix(path, rt.prefix)
			// A single API is served at the root too. When its base path begins with its mount name (an API named
			// search whose server is https://host/search), /search/description is the root form of the operation
			// /description: below the mount it lies outside the base path, the whole of it inside.
			if len(apis) == 1 && !underBase(rest, rt.api.BasePath) && underBase(path, rt.api.BasePath) {
				return rt, path
			}
			return rt, rest
		}
	}
	if len(apis) == 1 {
		return apis[0], path
	}
	return nil, ""
}

// underBase reports whether path lies under the base path base ("" or "/" covers every path).
func underBase(path, base string) bool {
	rest, ok := strings.CutPrefix(path, strings.TrimSuffix(base, "/"))
	return ok && (rest == "" || rest[0] == '/')
}

// Close flushes and releases what the server holds (the state file). It is safe to call more than once.
func (s *Server) Close() error {
	var errs []error
	s.closeOnce.Do(func() {
		for _, c := range slices.Backward(s.closers) {
			errs = append(errs, c())
		}
	})
	return errors.Join(errs...)
}

// ctxDone reports whether ctx is finished, without blocking.
func ctxDone(ctx context.Context) bool {
	select {
	case <-ctx.Done():
		return true
	default:
		return false
	}
}

var _ io.Closer = (*Server)(nil)
