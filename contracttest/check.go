package contracttest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"

	"github.com/standin/standin/fake"
	"github.com/standin/standin/openapi"
)

// response is a received response with its whole body.
type response struct {
	status   int
	header   http.Header
	body     []byte
	duration time.Duration
}

// checker applies checks to the responses of one step.
type checker struct {
	doc    *openapi3.T
	opts   []openapi3.SchemaValidationOption
	budget time.Duration
	out    []CheckResult
	step   int
	note   string // added to Got, saying which answer was looked at
	strict bool   // spec gaps fail (--strict)
}

func (c *checker) add(name string, ok bool, want, got string) {
	cr := CheckResult{Name: name, Passed: ok, Step: c.step}
	if !ok {
		cr.Want, cr.Got = want, got+c.note
	}
	c.out = append(c.out, cr)
}

func statusList(op *openapi.Operation) string {
	parts := make([]string, len(op.Statuses))
	for i, s := range op.Statuses {
		parts[i] = strconv.Itoa(s)
	}
	if op.Op.Responses != nil && op.Op.Responses.Default() != nil {
		parts = append(parts, "default")
	}
	return strings.Join(parts, ", ")
}

// documentedResponse returns the response the operation documents for status (exact, range, then default).
func documentedResponse(op *openapi.Operation, status int) *openapi3.Response {
	if op.Op.Responses == nil {
		return nil
	}
	if ref := op.Op.Responses.Status(status); ref != nil {
		return ref.Value
	}
	if ref := op.Op.Responses.Default(); ref != nil {
		return ref.Value
	}
	return nil
}

// gap records a spec gap: the target refused what with status, which op does not document, and op documents
// nothing else for it. It replaces the status_documented failure of the same answer: the document is incomplete,
// the server is not at fault. It fails only when strict.
func (c *checker) gap(strict bool, op *openapi.Operation, status int, what string) {
	name := CheckUndocumentedRejection
	if status < 400 {
		name = CheckUndocumentedSuccess
	}
	c.gapAs(name, strict, op, status, what)
}

// gapAs reports a spec gap under the check name.
func (c *checker) gapAs(name string, strict bool, op *openapi.Operation, status int, what string) {
	c.out = slices.DeleteFunc(c.out, func(cr CheckResult) bool { return cr.Name == CheckStatusDocumented && !cr.Passed })
	cr := CheckResult{Name: name, Passed: !strict, Warning: true, Step: c.step,
		Want: fmt.Sprintf("%s %s (%s) to document the status it answers %s (it documents %s)", op.Method, op.Path, op.ID, what, statusList(op)),
		Got:  strconv.Itoa(status) + c.note}
	c.out = append(c.out, cr)
}

// bodyless reports whether an answer carries no body by definition: 204, 304, 1xx, or any answer to HEAD.
func bodyless(method string, status int) bool {
	return method == http.MethodHead || status == http.StatusNoContent || status == http.StatusNotModified || status < 200
}

// common runs the checks every response of an operation gets.
func (c *checker) common(op *openapi.Operation, req *http.Request, resp *response) {
	doc := documentedResponse(op, resp.status)
	c.add(CheckStatusDocumented, doc != nil,
		fmt.Sprintf("one of the statuses %s %s documents (%s)", op.Method, op.Path, statusList(op)),
		strconv.Itoa(resp.status))
	if doc == nil {
		c.timing(resp)
		return
	}
	typeOK := true
	if len(doc.Content) > 0 && !bodyless(req.Method, resp.status) {
		types := sortedKeys(doc.Content)
		got := resp.header.Get("Content-Type")
		mt, _, err := mime.ParseMediaType(got)
		switch {
		case len(bytes.TrimSpace(resp.body)) == 0 && err == nil && emptyText(mt) && slices.ContainsFunc(types, func(t string) bool { return mediaMatch(t, mt) }):
			// Empty text is text: ntropy's 404 documents text/plain with the example "".
			c.add(CheckContentType, true, "", "")
		case len(bytes.TrimSpace(resp.body)) == 0:
			typeOK = false
			c.add(CheckContentType, false, "a body of type "+strings.Join(types, " or ")+" for "+strconv.Itoa(resp.status), "an empty body")
		case err != nil || !slices.ContainsFunc(types, func(t string) bool { return mediaMatch(t, mt) }):
			typeOK = false
			if got == "" {
				got = "no Content-Type"
			}
			c.add(CheckContentType, false, "Content-Type "+strings.Join(types, " or ")+" for "+strconv.Itoa(resp.status), got)
		default:
			c.add(CheckContentType, true, "", "")
		}
	}
	if typeOK && len(doc.Content) > 0 && !bodyless(req.Method, resp.status) {
		c.bodySchema(op, req, resp)
	}
	c.headers(doc, resp)
	c.timing(resp)
}

// emptyText reports whether an empty body is a document of media type mt: plain text (text/plain, text/csv,
// ...), not a markup or data format (XML, HTML, JSON), where an empty body is none.
func emptyText(mt string) bool {
	return strings.HasPrefix(mt, "text/") && mt != "text/html" && !strings.HasSuffix(mt, "xml") && !strings.Contains(mt, "json")
}

func mediaMatch(documented, got string) bool {
	documented = strings.ToLower(strings.TrimSpace(strings.Split(documented, ";")[0]))
	got = strings.ToLower(got)
	if documented == got || documented == "*/*" {
		return true
	}
	if base, ok := strings.CutSuffix(documented, "/*"); ok {
		return strings.HasPrefix(got, base+"/")
	}
	return false
}

// bodySchema validates the body with kin-openapi's ValidateResponse when it is JSON (a JSON media type, a +json
// one, or a JSON body under a documented wildcard); any other body is reported as not checked. Headers are left
// to headers_documented: only Content-Type is passed in.
func (c *checker) bodySchema(op *openapi.Operation, req *http.Request, resp *response) {
	ct := resp.header.Get("Content-Type")
	media, _, _ := mime.ParseMediaType(ct)
	doc := documentedResponse(op, resp.status)
	switch {
	case jsonLike(media) && !strings.Contains(media, "*"):
	case decodeJSON(resp.body) != nil && doc.Content.Get(mediaJSON) != nil:
		ct = mediaJSON // a JSON body under a documented */* (or a JSON-like type the target labelled otherwise)
	case len(bytes.TrimSpace(resp.body)) == 0 && slices.ContainsFunc(sortedKeys(doc.Content), func(t string) bool { return strings.Contains(t, "*") }):
		c.add(CheckBodySchema, true, "", "")
		return
	default:
		c.out = append(c.out, CheckResult{Name: CheckBodySchema, Passed: true, NotChecked: true, Step: c.step,
			Want: "a body of " + strings.Join(sortedKeys(doc.Content), " or "), Got: "a " + orNone(media) + " body, not checked (only JSON bodies are validated)"})
		return
	}
	route := &routers.Route{Spec: c.doc, Path: op.Path, PathItem: op.Item, Method: op.Method, Operation: op.Op}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, Route: route},
		Status:                 resp.status,
		Header:                 http.Header{"Content-Type": {ct}},
		Options:                &openapi3filter.Options{MultiError: true, IncludeResponseStatus: false},
	}
	in.SetBodyBytes(resp.body)
	saved := doc.Headers
	if len(saved) > 0 {
		// Header checks belong to headers_documented; validate a copy of the response without them.
		cp := *doc
		cp.Headers = nil
		r2 := *op.Op
		r2.Responses = openapi3.NewResponses(openapi3.WithStatus(resp.status, &openapi3.ResponseRef{Value: &cp}))
		route.Operation = &r2
	}
	err := openapi3filter.ValidateResponse(context.Background(), in)
	if err == nil {
		c.add(CheckBodySchema, true, "", "")
		return
	}
	want := "a body valid against the schema of " + strconv.Itoa(resp.status) + " (" + schemaName(doc, resp.header.Get("Content-Type")) + ")"
	if overlappingOneOf(err, c.opts) {
		// No answer can pass: the document's fault, reported as such (a failure only under --strict).
		c.out = append(c.out, CheckResult{Name: CheckAmbiguousSchema, Passed: !c.strict, Warning: true, Step: c.step,
			Want: want + ", whose oneOf alternatives a value can tell apart",
			Got:  describeSchemaErr(err) + "; the alternatives accept the same values, so no body can match exactly one" + c.note})
		return
	}
	c.add(CheckBodySchema, false, want, describeSchemaErr(err))
}

// overlappingOneOf reports whether every failure in err is a oneOf that the value matches more than once where
// the matched alternatives accept the same values: each of a few values generated from one alternative is
// accepted by all the others (readme.com's 401 alternatives differ only in a default; nexmo repeats one schema
// twice). No server can answer such a oneOf validly.
func overlappingOneOf(err error, opts []openapi3.SchemaValidationOption) bool {
	var leaves []*openapi3.SchemaError
	var walk func(e error) bool
	walk = func(e error) bool {
		var multi openapi3.MultiError
		if errors.As(e, &multi) {
			for _, m := range multi {
				if !walk(m) {
					return false
				}
			}
			return true
		}
		var se *openapi3.SchemaError
		if errors.As(e, &se) {
			leaves = append(leaves, se)
			return true
		}
		var re *openapi3filter.ResponseError
		if errors.As(e, &re) && re.Err != nil && re.Err != e {
			return walk(re.Err)
		}
		return false
	}
	if !walk(err) || len(leaves) == 0 {
		return false
	}
	gen := fake.New(fake.Options{Seed: 1})
	for _, se := range leaves {
		if se.SchemaField != "oneOf" || !errors.Is(se, openapi3.ErrOneOfConflict) || se.Schema == nil {
			return false
		}
		var matched []*openapi3.SchemaRef
		for _, alt := range se.Schema.OneOf {
			if alt != nil && alt.Value != nil && alt.Value.VisitJSON(se.Value, opts...) == nil {
				matched = append(matched, alt)
			}
		}
		if len(matched) < 2 {
			return false
		}
		for i, alt := range matched {
			for k := range 3 {
				v, gerr := gen.Generate(alt, fmt.Sprintf("overlap/%d/%d", i, k), fake.Hint{Direction: fake.Response})
				if gerr != nil {
					return false
				}
				for j, other := range matched {
					if j != i && other.Value.VisitJSON(v, opts...) != nil {
						return false
					}
				}
			}
		}
	}
	return true
}

func schemaName(doc *openapi3.Response, ct string) string {
	mt := doc.Content.Get(ct)
	if mt == nil || mt.Schema == nil {
		return "no schema"
	}
	if mt.Schema.Ref != "" {
		return mt.Schema.Ref
	}
	return "inline schema"
}

// describeSchemaErr lists the failures of a response validation, each with its JSON pointer.
func describeSchemaErr(err error) string {
	var parts []string
	var walk func(e error)
	walk = func(e error) {
		var multi openapi3.MultiError
		if errors.As(e, &multi) {
			for _, m := range multi {
				walk(m)
			}
			return
		}
		var se *openapi3.SchemaError
		if errors.As(e, &se) {
			parts = append(parts, "at /"+strings.Join(se.JSONPointer(), "/")+": "+se.Reason)
			return
		}
		var re *openapi3filter.ResponseError
		if errors.As(e, &re) {
			if re.Err != nil && re.Err != e {
				walk(re.Err)
				return
			}
			parts = append(parts, re.Reason)
			return
		}
		parts = append(parts, e.Error())
	}
	walk(err)
	if len(parts) > 5 {
		parts = append(parts[:5], fmt.Sprintf("and %d more", len(parts)-5))
	}
	return strings.Join(parts, "; ")
}

// headers checks documented headers: required ones are present, present ones match their schema.
func (c *checker) headers(doc *openapi3.Response, resp *response) {
	names := sortedKeys(doc.Headers)
	names = slices.DeleteFunc(names, func(n string) bool { return strings.EqualFold(n, "Content-Type") })
	if len(names) == 0 {
		return
	}
	var problems []string
	var want []string
	for _, name := range names {
		ref := doc.Headers[name]
		if ref == nil || ref.Value == nil {
			continue
		}
		h := ref.Value
		vals := resp.header.Values(name)
		if len(vals) == 0 {
			if h.Required {
				problems = append(problems, name+" missing")
				want = append(want, name+" (required)")
			}
			continue
		}
		if h.Schema == nil || h.Schema.Value == nil {
			continue
		}
		v := headerValue(vals[0], h.Schema.Value)
		var opts []openapi3.SchemaValidationOption
		if c.doc != nil && c.doc.IsOpenAPI31OrLater() {
			opts = append(opts, openapi3.EnableJSONSchema2020())
		}
		if err := h.Schema.Value.VisitJSON(v, opts...); err != nil {
			problems = append(problems, fmt.Sprintf("%s: %q does not match its schema", name, vals[0]))
			want = append(want, name+" valid against its schema")
		}
	}
	if len(problems) == 0 {
		c.add(CheckHeadersDocumented, true, "", "")
		return
	}
	c.add(CheckHeadersDocumented, false, "headers documented on "+strconv.Itoa(resp.status)+": "+strings.Join(want, ", "), strings.Join(problems, "; "))
}

func headerValue(raw string, s *openapi3.Schema) any {
	switch {
	case s.Type.Is(openapi3.TypeArray):
		// Simple style: comma-separated items.
		var items []any
		var item *openapi3.Schema
		if s.Items != nil {
			item = s.Items.Value
		}
		for _, part := range strings.Split(raw, ",") {
			if item != nil {
				items = append(items, headerValue(strings.TrimSpace(part), item))
			} else {
				items = append(items, strings.TrimSpace(part))
			}
		}
		return items
	case s.Type.Is(openapi3.TypeInteger), s.Type.Is(openapi3.TypeNumber):
		if f, err := strconv.ParseFloat(strings.TrimSpace(raw), 64); err == nil {
			return f
		}
	case s.Type.Is(openapi3.TypeBoolean):
		if b, err := strconv.ParseBool(strings.TrimSpace(raw)); err == nil {
			return b
		}
	}
	return raw
}

func (c *checker) timing(resp *response) {
	if c.budget <= 0 {
		return
	}
	c.add(CheckResponseTime, resp.duration <= c.budget, "a response within "+c.budget.String(), resp.duration.String())
}

// decodeJSON decodes a body, returning nil when it is not JSON.
func decodeJSON(body []byte) any {
	var v any
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&v); err != nil {
		return nil
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil
	}
	return v
}

// documented4xx lists the 4xx statuses op documents.
func documented4xx(op *openapi.Operation) []int {
	var out []int
	for _, s := range op.Statuses {
		if s >= 400 && s < 500 {
			out = append(out, s)
		}
	}
	return out
}

func intsString(xs []int) string {
	parts := make([]string, len(xs))
	for i, x := range xs {
		parts[i] = strconv.Itoa(x)
	}
	return strings.Join(parts, ", ")
}

// documentsSuccess reports whether op documents any answer a valid request may get: a 2xx or 3xx, a range of
// them, or a default.
func documentsSuccess(op *openapi.Operation) bool {
	for _, s := range op.Statuses {
		if s >= 200 && s < 400 {
			return true
		}
	}
	if op.Op.Responses == nil {
		return false
	}
	for _, k := range []string{"default", "2XX", "3XX", "2xx", "3xx"} {
		if op.Op.Responses.Value(k) != nil {
			return true
		}
	}
	return false
}
