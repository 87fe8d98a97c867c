package contracttest

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers"

	"github.com/standin/standin/fake"
	"github.com/standin/standin/openapi"
)

// unknownSuffix is appended to an operation's path for the unknown-path case.
const unknownSuffix = "/standin-unknown-path"

// planner builds the cases of a run from the document. It never sends anything.
type planner struct {
	cfg     *Config
	api     *openapi.API
	gen     *fake.Generator
	standin bool
	router  routers.Router // matches BasePath-less paths, to prove an unknown path is unknown
}

func (p *planner) plan() *Plan {
	pl := &Plan{API: p.api.Name, Spec: p.api.File, Target: p.cfg.Target, Seed: p.cfg.Seed, DryRun: p.cfg.DryRun, Standin: p.standin}
	if p.standin {
		pl.Session = sessionName(p.cfg.Seed)
	}
	if p.cfg.DryRun {
		pl.Notes = append(pl.Notes, "dry run: nothing is sent; the target is not probed, so the forced cases a standin target gets are not listed")
	}
	for _, op := range p.api.Operations {
		if !p.cfg.selected(op) {
			continue
		}
		// Stateful cases go first: their write must create what the document's example names (a create at a
		// path id such as Aelyst's POST /contact/{identifier} fails once the positive case made the record).
		var cases []*Case
		cases = append(cases, p.stateful(op)...)
		cases = append(cases, p.positive(op)...)
		cases = append(cases, p.negative(op)...)
		cases = append(cases, p.auth(op)...)
		if p.standin {
			cases = append(cases, p.forced(op)...)
		}
		seen := map[string]int{}
		for _, c := range cases {
			c.Operation = op.ID
			c.ID = op.ID + "/" + string(c.Kind) + "/" + c.Name
			if n := seen[c.ID]; n > 0 {
				c.ID += "#" + strconv.Itoa(n+1)
			}
			seen[c.ID]++
			for _, st := range c.Steps {
				if isWrite(st.Method) {
					c.Write = true
				}
			}
			c.order = len(pl.Cases)
			pl.Cases = append(pl.Cases, c)
		}
	}
	return pl
}

func sessionName(seed uint64) string { return "contracttest-" + strconv.FormatUint(seed, 10) }

func newStep(op *openapi.Operation, req *request, e expectation, note string) *Step {
	return &Step{Operation: op.ID, Method: op.Method, Path: op.Path, op: op, req: req, expect: e, Note: note}
}

// parameters returns the operation's parameters, operation-level ones overriding path-level ones.
func parameters(op *openapi.Operation) []*openapi3.Parameter {
	var out []*openapi3.Parameter
	add := func(ps openapi3.Parameters) {
		for _, ref := range ps {
			if ref == nil || ref.Value == nil {
				continue
			}
			i := slices.IndexFunc(out, func(q *openapi3.Parameter) bool { return q.Name == ref.Value.Name && q.In == ref.Value.In })
			if i >= 0 {
				out[i] = ref.Value
			} else {
				out = append(out, ref.Value)
			}
		}
	}
	if op.Item != nil {
		add(op.Item.Parameters)
	}
	add(op.Op.Parameters)
	return out
}

// jsonBody returns the JSON media type of the operation's request body and whether the body is required.
func jsonBody(op *openapi.Operation) (*openapi3.MediaType, bool) {
	if op.Op.RequestBody == nil || op.Op.RequestBody.Value == nil {
		return nil, false
	}
	rb := op.Op.RequestBody.Value
	for _, ct := range sortedKeys(rb.Content) {
		if strings.Contains(ct, "json") {
			return rb.Content[ct], rb.Required
		}
	}
	return nil, rb.Required
}

type namedValue struct {
	name  string
	value any
}

// bodyExamples lists the request body's examples in name order (the single `example` first).
func bodyExamples(mt *openapi3.MediaType) []namedValue {
	var out []namedValue
	if mt == nil {
		return nil
	}
	if mt.Example != nil {
		out = append(out, namedValue{"example", mt.Example})
	}
	for _, name := range sortedKeys(mt.Examples) {
		if ex := mt.Examples[name]; ex != nil && ex.Value != nil && ex.Value.Value != nil {
			out = append(out, namedValue{name, ex.Value.Value})
		}
	}
	return out
}

// paramExample is the parameter's own example, its first named example or its schema's example.
func paramExample(pr *openapi3.Parameter) (any, bool) {
	if pr.Example != nil {
		return pr.Example, true
	}
	for _, name := range sortedKeys(pr.Examples) {
		if ex := pr.Examples[name]; ex != nil && ex.Value != nil && ex.Value.Value != nil {
			return ex.Value.Value, true
		}
	}
	if pr.Schema != nil && pr.Schema.Value != nil && pr.Schema.Value.Example != nil {
		return pr.Schema.Value.Example, true
	}
	return nil, false
}

// variant selects how a base request is filled.
type variant struct {
	generated bool   // generate values instead of taking examples (path parameters keep vars and examples)
	key       string // seeds the generator
	body      any    // the body to send (nil: none or generated)
	hasBody   bool
}

// build makes a valid request for op.
func (p *planner) build(op *openapi.Operation, v variant) *request {
	r := &request{method: op.Method, path: op.Path, pathParams: map[string]string{}, query: url.Values{}, header: http.Header{}}
	for _, pr := range parameters(op) {
		if pr.In == openapi3.ParameterInCookie {
			continue
		}
		val, ok := p.paramValue(op, pr, v)
		if !ok {
			continue
		}
		p.setParam(r, pr, val)
	}
	if v.hasBody {
		r.hasBody = true
		r.bodyValue = deepCopy(v.body)
		r.body, _ = json.Marshal(v.body)
		r.header.Set("Content-Type", "application/json")
	}
	return r
}

// paramValue picks a value: --vars first, then (unless generated) the example, else a generated one. Optional
// parameters without an example are left out of example requests.
func (p *planner) paramValue(op *openapi.Operation, pr *openapi3.Parameter, v variant) (any, bool) {
	if s, ok := p.cfg.Vars[op.ID+"."+pr.Name]; ok {
		return s, true
	}
	if s, ok := p.cfg.Vars[pr.Name]; ok {
		return s, true
	}
	ex, hasEx := paramExample(pr)
	if hasEx && (!v.generated || pr.In == openapi3.ParameterInPath) {
		return ex, true
	}
	if !v.generated && !pr.Required {
		return nil, false
	}
	if pr.Schema == nil {
		return "standin", true
	}
	val, _ := p.gen.Generate(pr.Schema, p.api.Name+"/"+op.ID+"/"+v.key+"/"+pr.In+"/"+pr.Name, fake.Hint{Name: pr.Name, Direction: fake.Request, OpenAPI31: p.api.Doc.IsOpenAPI31OrLater()})
	return val, true
}

func (p *planner) setParam(r *request, pr *openapi3.Parameter, val any) {
	switch pr.In {
	case openapi3.ParameterInPath:
		r.pathParams[pr.Name] = scalarString(val)
	case openapi3.ParameterInQuery:
		r.query.Del(pr.Name)
		if arr, ok := val.([]any); ok {
			explode := pr.Explode == nil || *pr.Explode
			if explode {
				for _, e := range arr {
					r.query.Add(pr.Name, scalarString(e))
				}
			} else {
				parts := make([]string, len(arr))
				for i, e := range arr {
					parts[i] = scalarString(e)
				}
				r.query.Set(pr.Name, strings.Join(parts, ","))
			}
			return
		}
		r.query.Set(pr.Name, scalarString(val))
	case openapi3.ParameterInHeader:
		r.header.Set(pr.Name, scalarString(val))
	}
}

// scalarString writes a scalar as it travels in a path, query or header.
func scalarString(v any) string {
	switch t := v.(type) {
	case nil:
		return ""
	case string:
		return t
	case float64:
		return strconv.FormatFloat(t, 'f', -1, 64)
	case int:
		return strconv.Itoa(t)
	case int64:
		return strconv.FormatInt(t, 10)
	case bool:
		return strconv.FormatBool(t)
	default:
		b, _ := json.Marshal(t)
		return string(b)
	}
}

// generatedBody generates a valid body; ok is false when the schema could not be satisfied.
func (p *planner) generatedBody(op *openapi.Operation, mt *openapi3.MediaType, key string) (any, bool) {
	if mt == nil || mt.Schema == nil {
		return nil, false
	}
	v, err := p.gen.Generate(mt.Schema, p.api.Name+"/"+op.ID+"/"+key+"/body", fake.Hint{Direction: fake.Request, OpenAPI31: p.api.Doc.IsOpenAPI31OrLater()})
	return v, err == nil
}

// base is the request other cases of op start from: the first body example (else a generated body) with
// example parameters.
func (p *planner) base(op *openapi.Operation) *request {
	mt, required := jsonBody(op)
	v := variant{key: "base"}
	if mt != nil {
		if exs := bodyExamples(mt); len(exs) > 0 {
			v.body, v.hasBody = exs[0].value, true
		} else if b, ok := p.generatedBody(op, mt, "base"); ok || required {
			v.body, v.hasBody = b, true
		}
	}
	return p.build(op, v)
}

func (p *planner) positive(op *openapi.Operation) []*Case {
	var out []*Case
	mt, required := jsonBody(op)
	exs := bodyExamples(mt)
	for _, ex := range exs {
		r := p.build(op, variant{key: "example", body: ex.value, hasBody: true})
		out = append(out, &Case{Kind: KindPositive, Name: "example-" + ex.name,
			Steps: []*Step{newStep(op, r, expectValid, "send the request body example "+strconv.Quote(ex.name))}})
	}
	if len(exs) == 0 {
		r := p.build(op, variant{key: "example"})
		if mt != nil && required {
			b, _ := p.generatedBody(op, mt, "example")
			r = p.build(op, variant{key: "example", body: b, hasBody: true})
		}
		out = append(out, &Case{Kind: KindPositive, Name: "example",
			Steps: []*Step{newStep(op, r, expectValid, "send the parameters' examples")}})
	}
	generatable := mt != nil || slices.ContainsFunc(parameters(op), func(pr *openapi3.Parameter) bool { return pr.In != openapi3.ParameterInPath })
	if !generatable {
		return out
	}
	for i := 1; i <= p.cfg.Generated; i++ {
		key := "generated-" + strconv.Itoa(i)
		v := variant{generated: true, key: key}
		if mt != nil {
			if b, ok := p.generatedBody(op, mt, key); ok {
				v.body, v.hasBody = b, true
			} else {
				continue
			}
		}
		r := p.build(op, v)
		if createsAtPath(op) {
			p.freshPathParams(op, r, key) // create a new record rather than collide with the example's
		}
		out = append(out, &Case{Kind: KindPositive, Name: key,
			Steps: []*Step{newStep(op, r, expectValid, "send a request generated from the schemas")}})
	}
	return out
}

func (p *planner) negative(op *openapi.Operation) []*Case {
	var out []*Case
	base := p.base(op)
	add := func(name, note string, r *request, e expectation) {
		out = append(out, &Case{Kind: KindNegative, Name: name, Steps: []*Step{newStep(op, r, e, note)}})
	}
	for _, pr := range parameters(op) {
		if pr.In == openapi3.ParameterInCookie || pr.Schema == nil || pr.Schema.Value == nil {
			continue
		}
		where := pr.In + " " + pr.Name
		if pr.Required && pr.In != openapi3.ParameterInPath {
			r := base.clone()
			r.query.Del(pr.Name)
			if pr.In == openapi3.ParameterInHeader {
				r.header.Del(pr.Name)
			}
			add(pr.In+"-"+pr.Name+"-required", "leave out the required "+where, r, expectRejected)
		}
		var cur any
		switch pr.In {
		case openapi3.ParameterInPath:
			cur = base.pathParams[pr.Name]
		case openapi3.ParameterInQuery:
			cur = base.query.Get(pr.Name)
		case openapi3.ParameterInHeader:
			cur = base.header.Get(pr.Name)
		}
		if s, ok := cur.(string); ok && !pr.Schema.Value.Type.Is(openapi3.TypeString) {
			if f, err := strconv.ParseFloat(s, 64); err == nil {
				cur = f
			}
		}
		for _, m := range paramMutations(pr.Schema.Value, cur, p.api.SchemaOptions(requestOpts...)) {
			r := base.clone()
			p.setParam(r, pr, m.value)
			add(pr.In+"-"+pr.Name+"-"+m.rule, "break "+m.rule+" of "+where, r, expectRejected)
		}
	}
	mt, required := jsonBody(op)
	if mt != nil {
		if required {
			r := base.clone()
			r.body, r.bodyValue, r.hasBody = nil, nil, true
			add("body-required", "send no body although it is required", r, expectRejected)
		}
		r := base.clone()
		r.body, r.bodyValue, r.hasBody = []byte(`{"standin": `), nil, true
		r.header.Set("Content-Type", "application/json")
		add("body-malformed", "send malformed JSON", r, expectRejected)
		if mt.Schema != nil && mt.Schema.Value != nil {
			bodyValue := base.bodyValue
			if b, ok := p.generatedBody(op, mt, "negative"); ok {
				bodyValue = b
			}
			if mt.Schema.Value.VisitJSON(bodyValue, p.api.SchemaOptions(requestOpts...)...) == nil {
				for _, m := range bodyMutations(mt.Schema.Value, bodyValue, p.api.SchemaOptions(requestOpts...)) {
					mutated := setAt(deepCopy(bodyValue), m.ptr, m.value, m.drop)
					r := base.clone()
					r.bodyValue = mutated
					r.body, _ = json.Marshal(mutated)
					r.hasBody = true
					r.header.Set("Content-Type", "application/json")
					name := "body" + strings.ReplaceAll("/"+strings.Join(m.ptr, "/"), "/", ".")
					name = strings.TrimSuffix(name, ".") + "-" + m.rule
					add(name, "break "+m.rule+" at "+m.where, r, expectRejected)
				}
			}
		}
	}
	if op.Documents(http.StatusNotFound) && !createsAtPath(op) {
		r := base.clone()
		if p.freshPathParams(op, r, "unknown-id") {
			add("unknown-id", "name a record that does not exist (a valid but unknown id)", r, expectRejected)
		}
	}
	if suffix := p.unknownPath(op, base); suffix != "" {
		r := base.clone()
		r.suffix = suffix
		add("unknown-path", "send the request to a path no operation has", r, expectUnknown)
	}
	return out
}

// freshPathParams replaces r's path parameters with generated values that name no existing record (as far as
// chance goes), and reports whether any changed. Top-level body fields that restated an old path value
// (POST /contact/email:a@b.c with {"email":"a@b.c"}) are dropped, so the body does not contradict the path.
func (p *planner) freshPathParams(op *openapi.Operation, r *request, key string) bool {
	changed := false
	for _, pr := range parameters(op) {
		if pr.In != openapi3.ParameterInPath || pr.Schema == nil {
			continue
		}
		v, err := p.gen.Generate(pr.Schema, p.api.Name+"/"+op.ID+"/"+key+"/"+pr.Name, fake.Hint{Name: pr.Name, Direction: fake.Request, OpenAPI31: p.api.Doc.IsOpenAPI31OrLater()})
		old := r.pathParams[pr.Name]
		if err != nil || scalarString(v) == old {
			continue
		}
		r.pathParams[pr.Name] = scalarString(v)
		changed = true
		if body, ok := r.bodyValue.(map[string]any); ok && old != "" {
			for k, bv := range body {
				if s, ok := bv.(string); ok && s != "" && strings.Contains(old, s) {
					delete(body, k)
				}
			}
			r.body, _ = json.Marshal(body)
		}
	}
	return changed
}

// createsAtPath reports whether op creates the record its path names (POST or PUT /contact/{identifier}), so
// that an unknown id is not an error for it.
func createsAtPath(op *openapi.Operation) bool {
	return (op.Method == http.MethodPost || op.Method == http.MethodPut) && strings.HasSuffix(op.Path, "}")
}

// unknownPath returns a suffix that, appended to the base request's path, matches no operation of the document
// with this method ("" when none is found).
func (p *planner) unknownPath(op *openapi.Operation, base *request) string {
	if p.router == nil {
		return ""
	}
	for _, suffix := range []string{unknownSuffix, unknownSuffix + "/standin", "/standin/unknown/path/x"} {
		r := base.clone()
		r.suffix = suffix
		hreq, err := http.NewRequest(op.Method, p.api.BasePath+r.urlPath(), nil)
		if err != nil {
			continue
		}
		if _, _, err := p.router.FindRoute(hreq); err != nil {
			return suffix
		}
	}
	return ""
}

// securityRequired reports whether op needs credentials.
func (p *planner) security(op *openapi.Operation) openapi3.SecurityRequirements {
	reqs := p.api.Doc.Security
	if op.Op.Security != nil {
		reqs = *op.Op.Security
	}
	for _, r := range reqs {
		if len(r) == 0 { // an empty requirement makes credentials optional
			return nil
		}
	}
	return reqs
}

func (p *planner) auth(op *openapi.Operation) []*Case {
	if len(p.security(op)) == 0 {
		return nil
	}
	base := p.base(op)
	none := base.clone()
	none.auth = authNone
	bad := base.clone()
	bad.auth = authMalformed
	return []*Case{
		{Kind: KindAuth, Name: "missing", Steps: []*Step{newStep(op, none, expectAuth, "send no credentials")}},
		{Kind: KindAuth, Name: "malformed", Steps: []*Step{newStep(op, bad, expectAuth, "send malformed credentials")}},
	}
}

func (p *planner) forced(op *openapi.Operation) []*Case {
	var out []*Case
	for _, status := range op.Statuses {
		r := p.base(op)
		r.header.Set("Prefer", "code="+strconv.Itoa(status))
		st := newStep(op, r, expectForced, "force "+strconv.Itoa(status)+" with Prefer: code="+strconv.Itoa(status))
		st.status = status
		out = append(out, &Case{Kind: KindForced, Name: strconv.Itoa(status), Steps: []*Step{st}})
	}
	return out
}
