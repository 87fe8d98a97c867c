package mock

import (
	"net/http"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/standin/standin/fake"
)

// An error answer of a document without x-standin errors is the operation's documented response. When that
// response has no example, its body is generated from the schema — for Stripe's error object, 37 KB of nested
// expandable objects, 17 ms of CPU. errBodies generates it once per operation, status and media type — once per
// API when the response's schema is a named one, which every operation then shares — (with a generation key
// that names only those, so it is the same for a given seed whatever the request) and fills in
// the status, title and message fields once, with a placeholder where the failure's reason goes. A request then
// copies the template and writes its reason at those places; only when the reason makes the body invalid (a
// length limit, a pattern) does the field-by-field fill of reasonFields run, as it always did.

// reasonMark stands for the reason while the template is built: plain text that fits an ordinary string field.
const reasonMark = "standin reason placeholder"

type errBodyKey struct {
	op     any // the operation, or the named schema a template is shared by (resp is then nil)
	resp   *openapi3.Response
	status int
	mt     string
}

type errBody struct {
	base  any                // the generated body with status fields filled
	tmpl  any                // base with reasonMark in its message fields
	marks [][]string         // where reasonMark stands in tmpl
	limit []*openapi3.Schema // per mark: the field's plain string schema (only its length limits apply)
	check bool               // a message field has other constraints a reason may break: validate each answer

	mu      sync.Mutex
	verdict map[string]bool // reason -> the body with it validates (the body depends on nothing else)
}

// verdictLimit bounds the reasons whose verdict an error body remembers (404s repeat one reason; validation
// failures name the request's values).
const verdictLimit = 256

type errBodyCache struct {
	s  *Server
	mu sync.Mutex
	m  map[errBodyKey]*errBody
}

func newErrBodyCache(s *Server) *errBodyCache {
	return &errBodyCache{s: s, m: map[errBodyKey]*errBody{}}
}

// documentedError renders rp (an operation's documented response for status) as the body of an error answer
// with reason in its message fields.
func (ex *exchange) documentedError(rp *respPlan, status int, reason string) (http.Header, any) {
	c := ex.api.errBodies
	mt, media, _ := ex.neg.negotiate(rp)
	if c == nil || ex.op == nil || rp.noBody || media == nil || media.Schema == nil || !strings.Contains(mt, "json") ||
		media.Example != nil || len(media.Examples) > 0 {
		h, body := ex.api.render(ex, rp)
		return h, reasonFields(body, rp, ex, status, reason)
	}
	header, _ := ex.api.render(ex, headersOnly(rp))
	key := errBodyKey{op: ex.op, resp: rp.resp, status: status, mt: mt}
	if media.Schema.Ref != "" && media.Schema.Value != nil {
		// A named schema (Stripe's every operation answers #/components/schemas/error) gets one template per
		// status and media type for the whole API: the first error answer of each operation no longer pays
		// for generating it (30 to 50 ms of CPU on Stripe's).
		key = errBodyKey{op: media.Schema.Value, status: status, mt: mt}
	}
	e := c.get(ex, key, media)
	if _, ok := e.base.(map[string]any); !ok {
		return header, deepCopy(e.base)
	}
	if len(e.marks) == 0 {
		return header, deepCopy(e.tmpl) // no message field takes text
	}
	body := deepCopy(e.tmpl)
	for _, path := range e.marks {
		setAt(body, path, reason)
	}
	check := e.check
	if !check {
		n := uint64(utf8.RuneCountInString(reason))
		for _, f := range e.limit {
			if n < f.MinLength || f.MaxLength != nil && n > *f.MaxLength {
				check = true // this reason does not fit: the full check decides
				break
			}
		}
	}
	if check && !e.valid(reason, body, media.Schema.Value, ex) {
		body = fillFields(deepCopy(e.base), media.Schema, status, reason, false, ex.api.api)
	}
	return header, body
}

// valid tells whether body (the template with reason at its marks) validates against schema, remembering the
// verdict per reason.
func (e *errBody) valid(reason string, body any, schema *openapi3.Schema, ex *exchange) bool {
	e.mu.Lock()
	ok, known := e.verdict[reason]
	e.mu.Unlock()
	if known {
		return ok
	}
	opts := ex.api.api.SchemaOptions(append(fake.SchemaOptions(), openapi3.VisitAsResponse())...)
	ok = schema.VisitJSON(body, opts...) == nil
	e.mu.Lock()
	if e.verdict == nil {
		e.verdict = map[string]bool{}
	}
	if len(e.verdict) < verdictLimit {
		e.verdict[reason] = ok
	}
	e.mu.Unlock()
	return ok
}

func (c *errBodyCache) get(ex *exchange, key errBodyKey, media *openapi3.MediaType) *errBody {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e := c.m[key]; e != nil {
		return e
	}
	api := ex.api.api
	genKey := api.Name + "/" + ex.op.ID + "/" + itoa(key.status) + "/error/" + key.mt
	if key.resp == nil {
		genKey = api.Name + "/" + media.Schema.Ref + "/" + itoa(key.status) + "/error/" + key.mt // shared: see documentedError
	}
	v, err := c.s.gen.Generate(media.Schema, genKey, fake.Hint{Direction: fake.Response, OpenAPI31: api.Doc.IsOpenAPI31OrLater()})
	if err != nil {
		c.s.log.Warn("generated body does not satisfy its schema", "api", api.Name, "operation", ex.op.ID,
			"status", key.status, "error", err)
	}
	v = statusFields(v, media.Schema, key.status, api)
	e := &errBody{base: v}
	if _, ok := v.(map[string]any); ok {
		e.tmpl = fillFields(deepCopy(v), media.Schema, key.status, reasonMark, false, api)
		e.marks = findMarks(e.tmpl, nil, nil)
		for _, p := range e.marks {
			f, plain := plainString(media.Schema, p)
			e.limit = append(e.limit, f)
			e.check = e.check || !plain
		}
	}
	c.m[key] = e
	return e
}

func itoa(n int) string {
	var b [20]byte
	i := len(b)
	if n == 0 {
		return "0"
	}
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return string(b[i:])
}

// findMarks lists the paths of the object members of v that hold reasonMark.
func findMarks(v any, path []string, out [][]string) [][]string {
	obj, ok := v.(map[string]any)
	if !ok {
		return out
	}
	for k, x := range obj {
		if s, ok := x.(string); ok && s == reasonMark {
			out = append(out, append(path[:len(path):len(path)], k))
			continue
		}
		out = findMarks(x, append(path[:len(path):len(path)], k), out)
	}
	return out
}

func setAt(v any, path []string, s string) {
	for i, k := range path {
		obj, ok := v.(map[string]any)
		if !ok {
			return
		}
		if i == len(path)-1 {
			obj[k] = s
			return
		}
		v = obj[k]
	}
}

// plainString finds the schema of the string field at path and tells whether only its length limits may
// refuse some reason: every schema met on the way is a plain object (properties only) and the field's schema a
// plain string. Otherwise each answer is validated whole.
func plainString(schema *openapi3.SchemaRef, path []string) (*openapi3.Schema, bool) {
	for _, k := range path {
		if schema == nil || schema.Value == nil {
			return nil, false
		}
		s := schema.Value
		if len(s.AllOf)+len(s.AnyOf)+len(s.OneOf) > 0 || s.Not != nil {
			return nil, false
		}
		schema = s.Properties[k]
	}
	if schema == nil || schema.Value == nil {
		return nil, false
	}
	s := schema.Value
	plain := s.Type.Is("string") && s.Pattern == "" && len(s.Enum) == 0 && s.Format == "" &&
		len(s.AllOf)+len(s.AnyOf)+len(s.OneOf) == 0 && s.Not == nil && s.Const == nil
	return s, plain
}
