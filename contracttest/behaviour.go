package contracttest

import (
	"encoding/json"
	"fmt"
	"hash/fnv"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/standin/standin/fake"
	"github.com/standin/standin/openapi"
)

// prediction is one value a write's answer must carry, at a field path of the answer body.
type prediction struct {
	field []string
	value any
	why   string // where the prediction comes from ("x-standin respond previousStatus: $before.status")
}

// predictable reports whether op's x-standin behaviour (not an inferred one) changes a record, so that its
// answer can be predicted from the request.
func predictable(op *openapi.Operation) bool {
	b := op.Behaviour
	return b != nil && !b.Inferred && (b.Action == openapi.ActionCreate || b.Action == openapi.ActionUpdate)
}

// predictRecord returns the record fields op's behaviour sets from body: merged body fields, then set fields
// whose value comes from the body or is a literal.
func predictRecord(api *openapi.API, op *openapi.Operation, body any) map[string]any {
	b := op.Behaviour
	rec := map[string]any{}
	bm, _ := body.(map[string]any)
	if b.Merge {
		var fields []string
		if c := api.Collections[b.Resource]; c != nil {
			fields = c.Fields()
		}
		for k, v := range bm {
			if slices.Contains(fields, k) {
				rec[k] = v
			}
		}
	}
	for _, a := range b.Set {
		v, ok := exprValue(a.Value, body)
		if !ok {
			continue
		}
		if m, ok := a.Map[scalarString(v)]; ok && len(a.Map) > 0 {
			v = m
		}
		rec[a.Field] = v
	}
	if b.Identifier != nil {
		// The typed identifier of the path decides its field (POST /contact/email:a@b.c), whatever the body says.
		for _, f := range b.Identifier.Forms {
			delete(rec, f)
		}
	}
	return rec
}

// exprValue evaluates the parts of an x-standin expression the runner can know before sending: literals and
// $body references. ok is false for anything else ($now, $before, a value the body does not carry).
func exprValue(e openapi.Expr, body any) (any, bool) {
	if e.IsLiteral() {
		if s, ok := e.Literal.(string); ok && strings.Contains(s, "{") {
			return nil, false // interpolated by the server
		}
		return e.Literal, e.Literal != nil
	}
	if e.Root() != "body" {
		return nil, false
	}
	v, err := pointerValue(body, "/"+strings.Join(e.Path(), "/"))
	return v, err == nil
}

// predictAnswer lists what op's answer must carry after writing body. before holds the record's fields as an
// earlier write of the same case left them (nil: unknown).
func predictAnswer(api *openapi.API, op *openapi.Operation, body any, before map[string]any) []prediction {
	if !predictable(op) {
		return nil
	}
	rec := predictRecord(api, op, body)
	var out []prediction
	b := op.Behaviour
	if b.Respond == nil {
		for _, k := range sortedKeys(rec) {
			out = append(out, prediction{field: []string{k}, value: rec[k], why: "x-standin of " + op.ID + " sets " + k})
		}
		return out
	}
	var walk func(t any, at []string)
	walk = func(t any, at []string) {
		switch v := t.(type) {
		case map[string]any:
			for _, k := range sortedKeys(v) {
				walk(v[k], append(slices.Clone(at), k))
			}
		case string:
			if !strings.HasPrefix(v, "$") {
				if !strings.Contains(v, "{") && len(at) > 0 {
					out = append(out, prediction{field: at, value: v, why: "x-standin respond " + strings.Join(at, ".") + ": a literal"})
				}
				return
			}
			root, rest, _ := strings.Cut(strings.TrimPrefix(v, "$"), ".")
			why := "x-standin respond " + strings.Join(at, ".") + ": " + v
			switch {
			case root == "after" && rest != "":
				if x, ok := rec[rest]; ok {
					out = append(out, prediction{field: at, value: x, why: why})
				}
			case root == "before" && rest != "" && before != nil:
				if x, ok := before[rest]; ok {
					out = append(out, prediction{field: at, value: x, why: why + " (set by the write before)"})
				}
			case root == "body":
				if x, err := pointerValue(body, "/"+strings.ReplaceAll(rest, ".", "/")); err == nil && rest != "" {
					out = append(out, prediction{field: at, value: x, why: why})
				}
			}
		case bool, float64, int, int64, nil:
			if len(at) > 0 && v != nil {
				out = append(out, prediction{field: at, value: v, why: "x-standin respond " + strings.Join(at, ".") + ": a literal"})
			}
		}
	}
	walk(b.Respond, nil)
	return out
}

// compare checks an answer against the predictions and returns the mismatches ("" when all hold).
func comparePredictions(preds []prediction, answer any) (want, got string) {
	var wants, gots []string
	for _, p := range preds {
		actual, err := pointerValue(answer, "/"+strings.Join(p.field, "/"))
		pj, _ := json.Marshal(p.value)
		if err == nil && jsonEqualValues(p.value, actual) {
			continue
		}
		name := strings.Join(p.field, ".")
		wants = append(wants, fmt.Sprintf("%s=%s (%s)", name, pj, p.why))
		if err != nil {
			gots = append(gots, name+" absent")
		} else {
			aj, _ := json.Marshal(actual)
			gots = append(gots, fmt.Sprintf("%s=%s", name, aj))
		}
	}
	return strings.Join(wants, "; "), strings.Join(gots, "; ")
}

// jsonEqualValues compares two values as JSON sees them (numbers of any Go type are equal when equal as float64).
func jsonEqualValues(a, b any) bool {
	aj, _ := json.Marshal(a)
	bj, _ := json.Marshal(b)
	var av, bv any
	_ = json.Unmarshal(aj, &av)
	_ = json.Unmarshal(bj, &bv)
	return reflect.DeepEqual(av, bv)
}

// crudShaped reports whether a write changes a record at an item path and returns the read of that record: a POST
// to a collection path with a GET at the collection path plus one parameter, or a PUT or PATCH at such an item
// path that also has a GET. The read must answer an object that carries the record's key (the parameter's name,
// else "id"), so that the path names a record rather than an action or a computed view, and the write must answer
// an object (the record).
func (p *planner) crudShaped(op *openapi.Operation) *openapi.Operation {
	itemOf := func(path string) (coll, param string, ok bool) {
		i := strings.LastIndex(path, "/")
		if i < 0 || !strings.HasPrefix(path[i+1:], "{") || !strings.HasSuffix(path, "}") {
			return "", "", false
		}
		coll, param = path[:i], path[i+2:len(path)-1]
		return coll, param, coll != "" && !strings.HasSuffix(coll, "}")
	}
	record := func(read *openapi.Operation, param string) bool {
		s := successSchema(read, read.SuccessStatus())
		if s == nil {
			return false
		}
		_, byParam := s.Properties[param]
		_, byID := s.Properties["id"]
		return byParam || byID
	}
	if ws := successSchema(op, op.SuccessStatus()); ws == nil || len(ws.Properties) == 0 {
		return nil // the write does not answer the record
	}
	for _, o := range p.api.Operations {
		if o.Method != http.MethodGet {
			continue
		}
		coll, param, ok := itemOf(o.Path)
		if !ok {
			continue
		}
		switch {
		case op.Method == http.MethodPost && op.Path == coll, (op.Method == http.MethodPut || op.Method == http.MethodPatch) && op.Path == o.Path:
			if record(o, param) {
				return o
			}
		}
	}
	return nil
}

// answersRecord reports whether the write op answers the record that read reads, so that its answer must show
// the values written: the same schema, one of the read's alternatives (Stripe's customer of customer |
// deleted_customer), or an object with every property of the read's record. A write answering something else
// (Google's long-running Operation for a BackupRun insert) may share field names with the record (endTime)
// that mean other things.
func answersRecord(op, read *openapi.Operation) bool {
	if read == nil {
		return false
	}
	w, r := successSchema(op, op.SuccessStatus()), successSchema(read, read.SuccessStatus())
	if w == nil || r == nil {
		return false
	}
	if w == r {
		return true
	}
	for _, list := range []openapi3.SchemaRefs{r.AnyOf, r.OneOf} {
		for _, alt := range list {
			if alt != nil && alt.Value == w {
				return true
			}
		}
	}
	if len(r.Properties) == 0 {
		return false
	}
	for name := range r.Properties {
		if _, ok := w.Properties[name]; !ok {
			return false
		}
	}
	return true
}

// behaviour plans the cases that check behaviour: for an x-standin write whose answer shows a value from before
// the write ($before.f), two writes of different values, the second of which must answer the first's; for a
// create that documents 409 and names its record's key, the same create twice (duplicateCase); for a write of a
// record without links to its read, the write then the read at the record's path.
func (p *planner) behaviour(op *openapi.Operation) []*Case {
	var out []*Case
	ct, mt, _ := requestMedia(op)
	if predictable(op) && mt != nil {
		if c := p.beforeCase(op, ct, mt); c != nil {
			out = append(out, c)
		}
	}
	if c := p.duplicateCase(op); c != nil {
		out = append(out, c)
	}
	read := p.crudShaped(op)
	if read == nil || !p.cfg.selected(read) || linksTo(op, read.ID) {
		return out
	}
	// The read's last path parameter names the record: after a POST it comes from the answer; every other path
	// parameter (a parent such as /orgs/{org}) is the write's own.
	item := ""
	if i := strings.LastIndex(read.Path, "/{"); i >= 0 {
		item = strings.TrimSuffix(read.Path[i+2:], "}")
	}
	params := map[string]any{}
	for _, pr := range parameters(read) {
		if pr.In != openapi3.ParameterInPath {
			continue
		}
		if op.Method == http.MethodPost && pr.Name == item {
			field := idField(op, pr.Name, pr.Schema)
			if b, key := op.Behaviour, idField(read, pr.Name, pr.Schema); b != nil && b.Operation != nil && b.Operation.Response != "" && key != "" {
				field = b.Operation.Response + "/" + key // the answer is a finished operation carrying the record
			}
			if field == "" {
				return out
			}
			params[pr.Name] = "$response.body#/" + field
		} else {
			params[pr.Name] = "$request.path." + pr.Name
		}
	}
	firstReq := p.base(op)
	if createsAtPath(op) {
		p.freshPathParams(op, firstReq, "item-read")
	}
	if p.standin && op.Method != http.MethodPost && item != "" {
		p.fitKey(op, firstReq, item)
	}
	if _, ok := firstReq.bodyValue.(map[string]any); !ok {
		return out
	}
	first := newStep(op, firstReq, expectValid, "write "+op.ID)
	first.echo = answersRecord(op, read)
	second := newStep(read, p.base(read), expectState, "read the record back at its path with "+read.ID)
	second.link = &linkUse{name: "item path", params: params}
	second.reflect = true
	return append(out, &Case{Kind: KindStateful, Name: "read-after-write", Steps: []*Step{first, second}})
}

// linksTo reports whether a success response of op links to the operation id.
func linksTo(op *openapi.Operation, id string) bool {
	for _, status := range op.Statuses {
		if resp := op.Response(status); status >= 200 && status < 300 && resp != nil {
			for _, l := range resp.Links {
				if l != nil && l.Value != nil && l.Value.OperationID == id {
					return true
				}
			}
		}
	}
	return false
}

// idField names the field of op's success answer that carries the new record's id for the path parameter name
// (whose schema is param), by the mock's own rule (openapi.KeyField): the parameter's own name, else the field
// its name ends with ({team_slug} the slug, {issue_number} the number), else a handle for a string parameter
// against an integer id ({org} the login), else "id".
func idField(op *openapi.Operation, name string, param *openapi3.SchemaRef) string {
	s := successSchema(op, op.SuccessStatus())
	if s == nil {
		return ""
	}
	return openapi.KeyField(s.Properties, name, param)
}

// beforeCase plans two writes for an operation whose answer shows a value from before the write: the second
// write sends another valid value of the body field the first set, and must answer the first one.
func (p *planner) beforeCase(op *openapi.Operation, ct string, mt *openapi3.MediaType) *Case {
	b := op.Behaviour
	tmpl, _ := json.Marshal(b.Respond)
	if !strings.Contains(string(tmpl), "$before.") {
		return nil
	}
	base := p.base(op)
	body, ok := base.bodyValue.(map[string]any)
	if !ok {
		return nil
	}
	for _, a := range b.Set {
		if !strings.Contains(string(tmpl), `"$before.`+a.Field+`"`) || a.Value.Root() != "body" || len(a.Value.Path()) != 1 {
			continue
		}
		src := a.Value.Path()[0]
		cur, ok := body[src]
		if !ok {
			continue
		}
		other, ok := p.otherValue(op, mt, src, cur)
		if !ok {
			continue
		}
		firstBody := deepCopy(body).(map[string]any)
		secondBody := deepCopy(body).(map[string]any)
		secondBody[src] = other
		r1, r2 := base.clone(), base.clone()
		r1.setBody(ct, mt, firstBody)
		r2.setBody(ct, mt, secondBody)
		s1 := newStep(op, r1, expectValid, fmt.Sprintf("write %s=%s", src, scalarString(cur)))
		s1.predict = predictAnswer(p.api, op, firstBody, nil)
		s2 := newStep(op, r2, expectValid, fmt.Sprintf("write %s=%s: the answer must show the value before it", src, scalarString(other)))
		s2.predict = predictAnswer(p.api, op, secondBody, predictRecord(p.api, op, firstBody))
		return &Case{Kind: KindStateful, Name: "behaviour-before-" + a.Field, Steps: []*Step{s1, s2}}
	}
	return nil
}

// otherValue finds a valid value of body field src other than cur: from the operation's require rules on it,
// else from the field's enum.
func (p *planner) otherValue(op *openapi.Operation, mt *openapi3.MediaType, src string, cur any) (any, bool) {
	var cands []any
	for _, rule := range op.Behaviour.Require {
		if rule.Value.Root() == "body" && strings.Join(rule.Value.Path(), ".") == src && len(rule.In) > 0 {
			cands = rule.In
		}
	}
	if len(cands) == 0 && mt.Schema != nil && mt.Schema.Value != nil {
		if ps := mt.Schema.Value.Properties[src]; ps != nil && ps.Value != nil {
			cands = ps.Value.Enum
		}
	}
	for _, c := range cands {
		if !jsonEqualValues(c, cur) {
			return c, true
		}
	}
	return nil, false
}

// duplicateCase plans, for a create (declared or inferred) that documents 409 and whose request names the new
// record's key, the same create twice: the first, under a fresh key, must succeed; the second must answer 409,
// the key being in use. The key is the path's for a create at a path id (POST /contact/{identifier}), else the
// body's field named as the collection's key (POST /things {"id": …}) unless it is readOnly. Nil for any other
// operation.
func (p *planner) duplicateCase(op *openapi.Operation) *Case {
	b := op.Behaviour
	if b == nil || b.Action != openapi.ActionCreate || !op.Documents(http.StatusConflict) {
		return nil
	}
	r := p.base(op)
	what := "the path's id"
	if createsAtPath(op) {
		if !p.freshPathParams(op, r, "duplicate") {
			return nil
		}
	} else {
		c := p.api.Collections[b.Resource]
		ct, mt, _ := requestMedia(op)
		body, ok := r.bodyValue.(map[string]any)
		if c == nil || !ok || mt == nil || mt.Schema == nil || mt.Schema.Value == nil {
			return nil
		}
		ps := mt.Schema.Value.Properties[c.Key]
		if ps == nil || ps.Value == nil || ps.Value.ReadOnly {
			return nil // a key the server assigns (readOnly) is not the client's to name
		}
		v, err := p.gen.Generate(ps, p.api.Name+"/"+op.ID+"/duplicate/"+c.Key+"/"+p.cfg.RunID,
			fake.Hint{Name: c.Key, Direction: fake.Request, OpenAPI31: p.api.Doc.IsOpenAPI31OrLater()})
		if err != nil || v == nil {
			return nil
		}
		body = deepCopy(body).(map[string]any)
		body[c.Key] = v
		r.setBody(ct, mt, body)
		what = fmt.Sprintf("%s=%s", c.Key, scalarString(v))
	}
	first := newStep(op, r, expectValid, "create a record under a fresh key ("+what+")")
	second := newStep(op, r.clone(), expectConflict, "create it again: the key is in use, so the documented 409")
	return &Case{Kind: KindStateful, Name: "duplicate-create", Steps: []*Step{first, second}}
}

// fitKey gives a write's item path parameter a value standin can keep a record under, where the parameter takes
// text and the record's key field is a number (gitea's /milestones/{id}, "the ID or the name", against an
// integer id): the mock answers a name the key cannot hold with the documented response and keeps nothing, so a
// read back could not show the write. The value stays one the parameter's schema accepts.
func (p *planner) fitKey(op *openapi.Operation, r *request, item string) {
	b := op.Behaviour
	if b == nil || p.api == nil {
		return
	}
	c := p.api.Collections[b.Resource]
	if c == nil || c.Schema == nil || c.Schema.Value == nil {
		return
	}
	ks := c.Schema.Value.Properties[c.Key]
	if ks == nil || ks.Value == nil || !(ks.Value.Type.Is("integer") || ks.Value.Type.Is("number")) {
		return
	}
	old := r.pathParams[item]
	if _, err := strconv.ParseFloat(old, 64); err == nil {
		return
	}
	for _, pr := range parameters(op) {
		if pr.In != openapi3.ParameterInPath || pr.Name != item || pr.Schema == nil || pr.Schema.Value == nil {
			continue
		}
		h := fnv.New32a()
		_, _ = h.Write([]byte(old))
		n := 1 + int(h.Sum32()%100000)
		if v := strconv.Itoa(n); pr.Schema.Value.VisitJSON(v) == nil && ks.Value.VisitJSON(float64(n)) == nil {
			p.setParam(r, pr, v)
		}
		return
	}
}
