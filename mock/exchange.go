package mock

import (
	"bytes"
	"context"
	"net/http"
	"sync"
	"time"

	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"

	"github.com/standin/standin/mock/state"
	"github.com/standin/standin/openapi"
)

// exchange carries the facts of one request through the pipeline. Stages fill it in order; a stage reads only
// what earlier stages set. It belongs to one request goroutine and needs no lock.
type exchange struct {
	api   *apiRuntime
	start time.Time
	path  string // request path below the mount prefix ("/v1/contact/id:1")

	// Set by the route stage.
	op     *openapi.Operation
	route  *routers.Route
	params map[string]string // path parameters
	// An empty map the route stage may fill with the path parameters (release keeps the last request's).
	spareParams map[string]string

	// Set by the session stage.
	session *session

	// Set by the security stage: the credential presented (never logged or journalled unmasked).
	credential string

	// Set by the validation stage: the raw body (at most MaxBody bytes) and its decoded JSON (nil when none).
	body      []byte
	bodyValue any
	// Set by the validation stage: the values of the parameters standin decodes itself, keyed "in:name"
	// ("query:expand").
	paramValues map[string]any

	// Set by the behaviour stage when it produced the answer's content; the response stage writes it. It points
	// to res, held here so that the answer is no allocation of its own (the exchange's size class has room).
	result *result
	res    result
	// patched is an update's record when res holds it (behaviourRun.afterPatch points here): its base and the
	// fields set over it, both shared with the state and never modified.
	patched state.Patched

	// What answered: "route", "cors", "fault", "prefer", "security", "validation", "behaviour", "response",
	// "recover".
	answeredBy string
	// The id of the fault rule that answered or shaped the answer, if any.
	faultRule string
	// status written, for the journal.
	status int

	// Set by the route stage: the operation's precomputed plan (responses, examples, security, parameters).
	plan *opPlan
	// Set by the prefer stage for a success answer chosen with Prefer: the status (0: the operation's success
	// status), the example name ("" for the first) and whether a generated body was asked for (dynamic=true).
	preferStatus  int
	preferExample string
	preferDynamic bool
	// Set by the route stage: the request method and raw query, which key generated data.
	method   string
	rawQuery string
	// Set by the route stage when no operation matches: routers.ErrPathNotFound or ErrMethodNotAllowed.
	routeErr error
	// Set by the route stage for a request failing the header or query condition of keys (route.go) and for
	// a CORS preflight (the methods it allows).
	condMiss  *conditionMiss
	preflight []string
	// Set by the route stage: what Accept and Content-Type ask for (negotiate.go).
	neg negotiation

	// The request's context value and the response writers the stages wrap around the connection's (server.go,
	// stage_recover.go, stage_journal.go), and the request itself: kept here so that a request's own state is
	// one allocation.
	ctx exchangeCtx
	dw  deadlineWriter
	tw  trackWriter
	rec recorder
	jr  journalRun // the journal stage's view, for rec (stage_journal.go)
	// The request as the stages see it: the server's, with ctx as its context (server.go).
	req http.Request
	// The reader the validation stage gives the request in place of the body it read.
	bodyRd bodyReader
	// The validation stage's input to the request validators.
	valIn openapi3filter.RequestValidationInput
}

// bodyReader reads a body already read (io.NopCloser of a bytes.Reader in one value).
type bodyReader struct{ bytes.Reader }

func (*bodyReader) Close() error { return nil }

// result is the answer a behaviour computed: a status and a body, plus headers.
type result struct {
	status int
	header http.Header
	body   any
}

// headerValue is h.Get(key) for a key in canonical form, a constant such as "Content-Type": the map is read
// directly, without canonicalising the key again on every request.
func headerValue(h http.Header, key string) string {
	if v := h[key]; len(v) > 0 {
		return v[0]
	}
	return ""
}

type exchangeKey struct{}

func newExchange(rt *apiRuntime, now time.Time) *exchange {
	ex := exchanges.Get().(*exchange)
	ex.api, ex.start = rt, now
	return ex
}

// exchanges recycles exchanges (about 1.2 KB each, a sixth of what a small request allocates): the server gives
// one back with release once its pipeline has returned. Nothing keeps an exchange, its request, its context or
// its writers past the request: the journal and the log copy what they keep, and no stage leaves a goroutine
// behind. An exchange whose pipeline panics past the recover stage (http.ErrAbortHandler) is not given back.
var exchanges = sync.Pool{New: func() any { return new(exchange) }}

// release gives ex back to exchanges. Only the server calls it, once the pipeline has returned.
func (ex *exchange) release() {
	ex.reset()
	exchanges.Put(ex)
}

// reset empties ex but for its path parameter map, kept empty for the route stage of the next request: nothing
// of one request reaches the next, and a recycled exchange holds no body, record or session alive.
func (ex *exchange) reset() {
	params := ex.params
	if params == nil || len(params) > maxSpareParams {
		params = ex.spareParams
	}
	clear(params)
	*ex = exchange{spareParams: params}
}

// maxSpareParams bounds the path parameter map an exchange keeps: a template has a few.
const maxSpareParams = 8

// withExchange returns ctx carrying ex, in ex's own context value (no allocation).
func withExchange(ctx context.Context, ex *exchange) context.Context {
	ex.ctx = exchangeCtx{Context: ctx, ex: ex}
	return &ex.ctx
}

// exchangeCtx is context.WithValue(parent, exchangeKey{}, ex) held inside the exchange.
type exchangeCtx struct {
	context.Context
	ex *exchange
}

func (c *exchangeCtx) Value(key any) any {
	if _, ok := key.(exchangeKey); ok {
		return c.ex
	}
	return c.Context.Value(key)
}

func (c *exchangeCtx) String() string { return "mock.exchangeCtx" }

// exchangeFrom returns the request's exchange; every pipeline stage runs with one.
func exchangeFrom(ctx context.Context) *exchange {
	if c, ok := ctx.(*exchangeCtx); ok { // the pipeline's own context: no lookup
		return c.ex
	}
	ex, _ := ctx.Value(exchangeKey{}).(*exchange)
	return ex
}
