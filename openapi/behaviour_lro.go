package openapi

import (
	"maps"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// Google's APIs (as APIs.guru converts their discovery documents) create, update and delete resources through
// long-running operations: POST /v1/{parent}/urlLists?urlListId=u1 with the UrlList as body answers an
// Operation {name, done, metadata, response, error}, and the client then reads GET /v1/{name} with the name
// "<parent>/urlLists/u1". Inference makes such a POST a create of the record /v1/{name} reads, and answers the
// operation finished.

// spanningNames reports whether the document names resources Google's way: a path parameter followed by
// ":verb" ("/v1/{name}:cancel"), which is also when the router lets a parameter span segments.
func spanningNames(a *API) bool {
	return slices.ContainsFunc(a.Operations, func(op *Operation) bool { return strings.Contains(op.Path, "}:") })
}

// googleCreate recognises a create under a Google resource name: POST X/{parent}/things, in a document whose
// parameters span segments, where GET X/{name} reads records that hold their own name in a string field of
// that name, and the body is such a record (the same schema, or properties the record has). It returns how the
// created record is named and the template X of its collection; nil when op is not one.
func googleCreate(a *API, op *Operation, spanning bool) (*KeyFrom, string) {
	if !spanning || op.Method != "POST" {
		return nil, ""
	}
	segs := strings.Split(strings.Trim(op.Path, "/"), "/")
	n := len(segs)
	if n < 3 || strings.ContainsAny(segs[n-1], "{}:") {
		return nil, ""
	}
	parent := paramName(segs[n-2])
	coll := "/" + strings.Join(segs[:n-2], "/")
	if parent == "" {
		return nil, ""
	}
	for _, item := range a.Operations {
		ish := shapeOf(item.Path)
		if item.Method != "GET" || item.Ext != nil || ish.coll != coll || ish.param == "" || ish.verb != "" {
			continue
		}
		record := recordOf(ResponseSchema(item, item.SuccessStatus()))
		if record == nil || !bodyIsRecord(op, record) {
			return nil, ""
		}
		props := properties(record)
		var ps *openapi3.SchemaRef
		if p := OperationParam(item, "path", ish.param); p != nil {
			ps = p.Schema
		}
		if key := KeyField(props, ish.param, ps); key != ish.param {
			return nil, "" // the record does not hold its own name
		}
		if ks := KeySchema(props[ish.param]); ks == nil || !ks.Type.Is("string") {
			return nil, ""
		}
		return &KeyFrom{Query: idQuery(op, segs[n-1]), Parent: parent, Segment: segs[n-1]}, coll
	}
	return nil, ""
}

// googleCollection is googleCreate for a POST, and for a GET of the same path (GET /v1/{parent}/urlLists) the
// list of the records that create names under the parent.
func googleCollection(a *API, op *Operation, spanning bool) (*KeyFrom, string) {
	if op.Method != "GET" {
		return googleCreate(a, op, spanning)
	}
	for _, post := range a.Operations {
		if post.Method == "POST" && post.Path == op.Path && post.Ext == nil {
			if kf, coll := googleCreate(a, post, spanning); kf != nil && isObjectSchema(ResponseSchema(op, op.SuccessStatus())) {
				return &KeyFrom{Parent: kf.Parent, Segment: kf.Segment}, coll
			}
		}
	}
	return nil, ""
}

// googleListField is the array property of a Google list answer that holds the records: the one named like
// the collection ("urlLists" in {urlLists, nextPageToken, unreachable}), else the only array of objects.
func googleListField(op *Operation, segment string) string {
	props := properties(ResponseSchema(op, op.SuccessStatus()))
	if p := props[segment]; isArraySchema(p) {
		return segment
	}
	found := ""
	for _, name := range slices.Sorted(maps.Keys(props)) {
		if p := props[name]; isArraySchema(p) && isObjectSchema(p.Value.Items) {
			if found != "" {
				return ""
			}
			found = name
		}
	}
	return found
}

// bodyIsRecord reports whether op's request body is the record: the same schema, or an object of two
// properties or more that are all the record's (one shared field, as sqladmin's {commonName} for a
// certificate, says too little).
func bodyIsRecord(op *Operation, record *openapi3.SchemaRef) bool {
	body := recordOf(RequestSchema(op))
	if body == nil || record == nil {
		return false
	}
	if body.Value == record.Value {
		return true
	}
	have := properties(record)
	sent := properties(body)
	if len(sent) < 2 {
		return false
	}
	for name := range sent {
		if _, ok := have[name]; !ok {
			return false
		}
	}
	return true
}

// idQuery finds the query parameter that names the record a create under a collection called segment makes:
// "<singular>Id" ("urlListId" for urlLists, "policyId" for policies, "instanceId" for instances), else the
// operation's only string query parameter ending in "Id" other than a request id. "" when there is none.
func idQuery(op *Operation, segment string) string {
	if segment == "" {
		return ""
	}
	stem := segment
	var singulars []string
	switch {
	case strings.HasSuffix(stem, "ies"):
		singulars = append(singulars, strings.TrimSuffix(stem, "ies")+"y")
	case strings.HasSuffix(stem, "sses") || strings.HasSuffix(stem, "xes"):
		singulars = append(singulars, strings.TrimSuffix(stem, "es"))
	}
	singulars = append(singulars, strings.TrimSuffix(stem, "s"), stem)
	for _, s := range singulars {
		if p := OperationParam(op, "query", s+"Id"); p != nil {
			return p.Name
		}
	}
	found := ""
	for _, list := range []openapi3.Parameters{op.Op.Parameters, op.Item.Parameters} {
		for _, ref := range list {
			p := ref.Value
			if p == nil || p.In != "query" || !strings.HasSuffix(p.Name, "Id") || p.Name == "requestId" ||
				KeySchema(p.Schema) == nil || !KeySchema(p.Schema).Type.Is("string") {
				continue
			}
			if found != "" && found != p.Name {
				return ""
			}
			found = p.Name
		}
	}
	return found
}

// lastLiteral is the last segment of a template that is no parameter ("urlLists" of "/v1/{parent}/urlLists").
func lastLiteral(tmpl string) string {
	segs := strings.Split(strings.Trim(tmpl, "/"), "/")
	for i := len(segs) - 1; i >= 0; i-- {
		if !strings.Contains(segs[i], "{") {
			return segs[i]
		}
	}
	return ""
}

// longRunning describes op's success answer as an operation about the record (see LongRunning): an object
// with a boolean "done" and an object "response" (Google's Operation), or a schema named "...Operation"
// (sqladmin's and compute's, which report a status instead). It has the done, response and error fields the
// answer has, and the type URL its response takes when the schema says it carries one ("Contains field @type
// with type URL", as Google's Any is described): the written resource's schema name, Empty for a delete. nil
// when the answer is no operation.
func longRunning(a *API, op *Operation, record *openapi3.SchemaRef) *LongRunning {
	answer := ResponseSchema(op, op.SuccessStatus())
	s := recordOf(answer)
	if s == nil {
		return nil
	}
	props := properties(s)
	lr := &LongRunning{}
	if p := props["done"]; p != nil && p.Value != nil && p.Value.Type.Is("boolean") {
		lr.Done = "done"
	}
	if p := props["response"]; isObjectSchema(p) {
		lr.Response = "response"
		if typed(p) {
			name := schemaName(a, recordOf(RequestSchema(op)))
			if name == "" {
				name = schemaName(a, record)
			}
			switch {
			case op.Method == "DELETE":
				lr.TypeURL = "type.googleapis.com/google.protobuf.Empty"
			case name != "":
				lr.TypeURL = "type.googleapis.com/" + name
			}
		}
	}
	if !lr.finishes() && !strings.HasSuffix(schemaName(a, s), "Operation") {
		return nil
	}
	if _, ok := props["error"]; ok {
		lr.Error = "error"
	}
	return lr
}

// finishes reports whether the operation says it finished and with what: it has done and response fields.
func (lr *LongRunning) finishes() bool { return lr.Done != "" && lr.Response != "" }

// answersBody reports whether op answers the schema of its request body (a create answering the resource it
// was sent).
func answersBody(op *Operation) bool {
	body, answer := recordOf(RequestSchema(op)), recordOf(ResponseSchema(op, op.SuccessStatus()))
	return body != nil && answer != nil && body.Value == answer.Value
}

// typed reports whether an object schema says it carries an "@type": a property of that name, or a description
// (its own or its additional properties') that mentions it.
func typed(s *openapi3.SchemaRef) bool {
	if s == nil || s.Value == nil {
		return false
	}
	if _, ok := s.Value.Properties["@type"]; ok || strings.Contains(s.Value.Description, "@type") {
		return true
	}
	ap := s.Value.AdditionalProperties.Schema
	return ap != nil && ap.Value != nil && strings.Contains(ap.Value.Description, "@type")
}

// schemaName is the name of the component schema s is, "" when it is inline.
func schemaName(a *API, s *openapi3.SchemaRef) string {
	if s == nil || s.Value == nil || a.Doc == nil || a.Doc.Components == nil {
		return ""
	}
	if i := strings.LastIndex(s.Ref, "/"); i >= 0 && strings.HasPrefix(s.Ref, "#/components/schemas/") {
		return s.Ref[i+1:]
	}
	for _, name := range slices.Sorted(maps.Keys(a.Doc.Components.Schemas)) {
		if c := a.Doc.Components.Schemas[name]; c != nil && c.Value == s.Value {
			return name
		}
	}
	return ""
}
