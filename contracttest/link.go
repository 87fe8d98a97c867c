package contracttest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/standin/standin/openapi"
)

// linkUse says how a step takes values from the step before it: the link's parameters (name -> runtime
// expression or constant) and request body.
type linkUse struct {
	name        string
	params      map[string]any
	requestBody any
}

// stateful plans one case per link of a success response: send the operation, then the linked operation with
// the values the link names. A read back must reflect the write; a delete must succeed and a second delete
// must find nothing when the document says 404.
func (p *planner) stateful(op *openapi.Operation) []*Case {
	var out []*Case
	if op.Op.Responses == nil {
		return nil
	}
	for _, status := range op.Statuses {
		if status < 200 || status > 299 {
			continue
		}
		resp := op.Response(status)
		if resp == nil {
			continue
		}
		for _, name := range sortedKeys(resp.Links) {
			ref := resp.Links[name]
			if ref == nil || ref.Value == nil || ref.Value.OperationID == "" {
				continue
			}
			target := p.api.Operation(ref.Value.OperationID)
			if target == nil || !p.cfg.selected(target) {
				continue
			}
			firstReq := p.base(op)
			if createsAtPath(op) {
				// A create at a path id: name a fresh record, as the example's may exist already.
				p.freshPathParams(op, firstReq, "stateful-"+name)
			}
			first := newStep(op, firstReq, expectValid, "send "+op.ID)
			expect := expectState
			if !isWrite(op.Method) {
				// A link from a read finds ids to use; there is no write to check, only a valid request.
				expect = expectValid
			}
			second := newStep(target, p.base(target), expect, "follow link "+name+" to "+target.ID)
			second.link = &linkUse{name: name, params: ref.Value.Parameters, requestBody: ref.Value.RequestBody}
			second.reflect = isWrite(op.Method) && target.Method == http.MethodGet
			steps := []*Step{first, second}
			if expect == expectState && target.Method == http.MethodDelete && target.Documents(http.StatusNotFound) {
				again := newStep(target, p.base(target), expectGone, "delete again: the record is gone")
				again.link = second.link
				steps = append(steps, again)
			}
			out = append(out, &Case{Kind: KindStateful, Name: "link-" + name, Steps: steps})
		}
	}
	return out
}

// exchangeData is what an earlier step sent and got, for runtime expressions.
type exchangeData struct {
	req    *request
	url    string
	status int
	header http.Header
	body   any
}

// applyLink fills r (a request of target) from the link's parameters and body evaluated against prev.
func applyLink(r *request, target *openapi.Operation, l *linkUse, prev *exchangeData) error {
	for name, expr := range l.params {
		in, pname, qualified := strings.Cut(name, ".")
		if !qualified {
			pname, in = name, ""
		}
		v, err := evalExpr(expr, prev)
		if err != nil {
			return fmt.Errorf("link %s parameter %s: %w", l.name, name, err)
		}
		found := false
		for _, pr := range parameters(target) {
			if pr.Name != pname || (in != "" && pr.In != in) {
				continue
			}
			found = true
			switch pr.In {
			case openapi3.ParameterInPath:
				r.setPath(pr.Name, scalarString(v))
			case openapi3.ParameterInQuery:
				r.delParam(pr)
				r.query.Set(pr.Name, scalarString(v))
			case openapi3.ParameterInHeader:
				r.header.Set(pr.Name, scalarString(v))
			case openapi3.ParameterInCookie:
				r.cookies[pr.Name] = scalarString(v)
			}
		}
		if !found {
			return fmt.Errorf("link %s names parameter %s, which %s does not have", l.name, name, target.ID)
		}
	}
	if l.requestBody != nil {
		v, err := evalExpr(l.requestBody, prev)
		if err != nil {
			return fmt.Errorf("link %s request body: %w", l.name, err)
		}
		ct, mt, _ := requestMedia(target)
		if ct == "" {
			ct = mediaJSON
		}
		r.setBody(ct, mt, deepCopy(v))
	}
	return nil
}

// evalExpr evaluates an OpenAPI runtime expression ($request.path.id, $response.body#/id, ...); any other value
// is a constant.
func evalExpr(expr any, d *exchangeData) (any, error) {
	s, ok := expr.(string)
	if !ok || !strings.HasPrefix(s, "$") {
		return expr, nil
	}
	switch {
	case s == "$url":
		return d.url, nil
	case s == "$method":
		return d.req.method, nil
	case s == "$statusCode":
		return float64(d.status), nil
	case strings.HasPrefix(s, "$request.path."):
		name := strings.TrimPrefix(s, "$request.path.")
		if v, ok := d.req.pathParams[name]; ok {
			return v, nil
		}
	case strings.HasPrefix(s, "$request.query."):
		name := strings.TrimPrefix(s, "$request.query.")
		if d.req.query.Has(name) {
			return d.req.query.Get(name), nil
		}
	case strings.HasPrefix(s, "$request.header."):
		name := strings.TrimPrefix(s, "$request.header.")
		if v := d.req.header.Get(name); v != "" {
			return v, nil
		}
	case strings.HasPrefix(s, "$response.header."):
		name := strings.TrimPrefix(s, "$response.header.")
		if v := d.header.Get(name); v != "" {
			return v, nil
		}
	case strings.HasPrefix(s, "$request.body"):
		return pointerValue(d.req.bodyValue, strings.TrimPrefix(strings.TrimPrefix(s, "$request.body"), "#"))
	case strings.HasPrefix(s, "$response.body"):
		return pointerValue(d.body, strings.TrimPrefix(strings.TrimPrefix(s, "$response.body"), "#"))
	default:
		return nil, fmt.Errorf("unsupported runtime expression %q", s)
	}
	return nil, fmt.Errorf("%s has no value in the previous exchange", s)
}

// pointerValue resolves a JSON pointer in a decoded JSON value.
func pointerValue(v any, ptr string) (any, error) {
	if ptr == "" {
		return v, nil
	}
	cur := v
	for _, tok := range strings.Split(strings.TrimPrefix(ptr, "/"), "/") {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		switch t := cur.(type) {
		case map[string]any:
			next, ok := t[tok]
			if !ok {
				return nil, fmt.Errorf("the body has nothing at %s", ptr)
			}
			cur = next
		case []any:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(t) {
				return nil, fmt.Errorf("the body has nothing at %s", ptr)
			}
			cur = t[i]
		default:
			return nil, fmt.Errorf("the body has nothing at %s", ptr)
		}
	}
	return cur, nil
}

// maxEnvelope is the most properties an answer that wraps the record ({"data": {…}, "links": …}) has.
const maxEnvelope = 4

// reflects checks that a read body shows what a write body set: some object of the read (found by walking the
// read with its schema) has, for every written scalar field that the read schema can hold, the written value.
// Fields whose read value is part of a path parameter of the write (POST /contact/email:a@b.c decides the
// email) are not compared either. Fields whose written value the read schema would not accept (an id that the read expands to an object, a
// command such as "close" shown as the state "closed") are not compared. It returns "" when the read reflects
// the write, else what differs.
func reflects(write any, read any, schema *openapi3.Schema, pathValues ...string) (string, int) {
	wm, ok := write.(map[string]any)
	if !ok || schema == nil {
		return "", 0
	}
	type candidate struct {
		obj   map[string]any
		props openapi3.Schemas
	}
	var cands []candidate
	// first is the read's top-level member the walk is under. A nested object under a member the write sets
	// itself (Stripe's PostTokens writes customer and bank_account; the token's bank_account.customer is another
	// field) is not where the write's top-level fields show: only envelopes ({"data": {…}}) and the root are.
	var walk func(v any, s *openapi3.Schema, depth int, first string)
	walk = func(v any, s *openapi3.Schema, depth int, first string) {
		if s == nil || depth > 6 {
			return
		}
		props := openapi3.Schemas{}
		for k, ps := range s.Properties {
			props[k] = ps
		}
		for _, sub := range s.AllOf {
			if sub != nil && sub.Value != nil {
				for k, ps := range sub.Value.Properties {
					props[k] = ps
				}
			}
		}
		switch t := v.(type) {
		case map[string]any:
			if _, written := wm[first]; first == "" || !written {
				cands = append(cands, candidate{t, props})
			}
			for k, e := range t {
				if ps := props[k]; ps != nil && ps.Value != nil {
					under := first
					if depth == 0 {
						under = k
					}
					walk(e, ps.Value, depth+1, under)
				}
			}
		case []any:
			if s.Items != nil && s.Items.Value != nil {
				for _, e := range t {
					walk(e, s.Items.Value, depth+1, first)
				}
			}
		}
	}
	walk(read, schema, 0, "")
	if _, isObj := read.(map[string]any); isObj && len(cands) > 0 {
		// The root is the record, and its nested objects other things (GitHub's project item's creator.type is
		// not the written type), when its schema has a field the write sets or more fields than an envelope
		// ({"data": …, "meta": …}) has.
		rootOnly := len(cands[0].props) > maxEnvelope
		for k := range wm {
			rootOnly = rootOnly || cands[0].props[k] != nil
		}
		if rootOnly {
			cands = cands[:1]
		}
	}
	best := ""
	comparedAny := 0
	for _, c := range cands {
		matched, diff := 0, ""
		for _, k := range sortedKeys(wm) {
			wv := wm[k]
			switch wv.(type) {
			case map[string]any, []any:
				continue
			}
			ps := c.props[k]
			rv, present := c.obj[k]
			if ps == nil || ps.Value == nil || !present || ps.Value.VisitJSON(wv, openapi3.VisitAsRequest()) != nil {
				continue
			}
			if rs, ok := rv.(string); ok && rs != "" && slices.ContainsFunc(pathValues, func(pv string) bool { return strings.Contains(pv, rs) }) {
				continue // the path names the record and decides this field
			}
			if reflect.DeepEqual(wv, rv) {
				matched++
			} else if diff == "" {
				wj, _ := json.Marshal(wv)
				rj, _ := json.Marshal(rv)
				diff = fmt.Sprintf("wrote %s=%s, read back %s", k, wj, rj)
			}
		}
		if diff == "" && matched > 0 {
			return "", matched
		}
		if diff != "" {
			comparedAny++
			if best == "" {
				best = diff
			}
		}
	}
	return best, 0
}
