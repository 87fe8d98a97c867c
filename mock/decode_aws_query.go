package mock

import (
	"bytes"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
)

// The AWS query protocol flattens an operation's input into name=value pairs: a structure member by its name
// ("QueueUrl=u", "Filter.1.Name=n"), a list by item number from 1 ("InstanceId.1=i-1", "Filter.1.Value.1=v"),
// with a ".member" (or the items' own name) level in most query services ("Tags.member.1.Key=k",
// "VpcSecurityGroupIds.VpcSecurityGroupId.1=sg") and none in EC2, and a map by entry number
// ("Attribute.1.Name=k&Attribute.1.Value=v" in SQS, "Attributes.entry.1.key=k&Attributes.entry.1.value=v" in
// SNS). The APIs.guru documents keep the wire names in the schemas' xml objects (often inside allOf: the
// property "Filters" is written "Filter", EC2's "DryRun" is "dryRun" capitalised on the wire) and mark the lists
// and maps sent without ".member"/".entry" with xml.wrapped false; the names of a map's key and value are lost,
// so key, Key, Name and name are all taken for the key, value and Value for the value, and both list forms are
// read wherever they occur. This file decodes such pairs into the value the schema describes, for the query
// parameters of a GET and for the documented body of a POST sent as a form.

// awsKeyDepth bounds how many dotted segments a flattened key may have.
const awsKeyDepth = 3 * maxFormDepth

// awsQuery is the AWS query-protocol view of one request to an AWS query operation.
type awsQuery struct {
	form  bool       // the request's body is a form: its fields count as the query's too
	pairs []formPair // the query's pairs, then the form's
	body  []byte     // the form body, for an operation without a documented body (read by the route stage)
}

// awsQueryInput returns, for a request to an AWS query operation (route_aws.go), the input to validate and the
// AWS view of the request: for a form body, a copy of in whose request's query carries the form's fields after
// its own, so that Action, Version and the other query parameters the operation declares are met from the
// body, as the SDKs send them. Any other request gets in itself and nil.
func awsQueryInput(in *openapi3filter.RequestValidationInput, ex *exchange) (*openapi3filter.RequestValidationInput, *awsQuery) {
	if !awsQueryOp(in.Route) {
		return in, nil
	}
	q := &awsQuery{}
	r := in.Request
	raw := r.URL.RawQuery
	if isFormType(r.Header.Get("Content-Type")) {
		body := ex.body
		if body == nil && r.GetBody != nil { // no documented body: the route stage kept the form
			if rc, err := r.GetBody(); err == nil {
				body, _ = io.ReadAll(rc)
			}
		}
		q.form, q.body = true, body
		raw = joinQuery(raw, string(body))
		cp, req, u := *in, *r, *r.URL
		u.RawQuery = raw
		req.URL = &u
		cp.Request = &req
		in = &cp
	}
	q.pairs = queryPairs(raw)
	return in, q
}

// param decodes and validates query parameter p when the request writes it flattened ("Filter.1.Name=n" for
// Filter): done reports whether it did (the error is then the failure, if any); a parameter sent otherwise is
// left to the usual decoding.
func (q *awsQuery) param(in *openapi3filter.RequestValidationInput, p *openapi3.Parameter, ex *exchange) (done bool, err error) {
	if q == nil || p.In != openapi3.ParameterInQuery || p.Schema == nil || p.Schema.Value == nil {
		return false, nil
	}
	prefix := p.Name + "."
	if !slices.ContainsFunc(q.pairs, func(fp formPair) bool { return strings.HasPrefix(fp.key, prefix) }) {
		m := q.explodedMap(in, p)
		if m == nil {
			return false, nil
		}
		if err := plainSchema(p.Schema).Value.VisitJSON(m, schemaOptions(in)...); err != nil {
			return true, &openapi3filter.RequestError{Input: in, Parameter: p, Err: err}
		}
		if ex.paramValues == nil {
			ex.paramValues = map[string]any{}
		}
		ex.paramValues[p.In+":"+p.Name] = m
		return true, nil
	}
	root := &awsKeys{}
	for _, fp := range q.pairs {
		switch {
		case fp.key == p.Name:
			root.values = append(root.values, fp.value)
		case strings.HasPrefix(fp.key, prefix):
			if err := root.add(strings.Split(fp.key[len(prefix):], "."), fp.value); err != nil {
				return true, paramError(in, p, &DecodeError{In: p.In, Name: fp.key, Style: "aws-query", Reason: err.Error()})
			}
		}
	}
	d := awsDecoder{in: p.In}
	v, err := d.value(root, p.Schema, p.Name, 0)
	if err != nil {
		return true, paramError(in, p, err)
	}
	if err := plainSchema(p.Schema).Value.VisitJSON(v, schemaOptions(in)...); err != nil {
		return true, &openapi3filter.RequestError{Input: in, Parameter: p, Err: err}
	}
	if ex.paramValues == nil {
		ex.paramValues = map[string]any{}
	}
	ex.paramValues[p.In+":"+p.Name] = v
	return true, nil
}

// explodedMap reads a map parameter (an object of additionalProperties only, as the documents describe SQS's
// Tags and Attribute on GET) written as OpenAPI's exploded form writes a free-form object: one query field per
// entry ("team=web&env=prod"), the fields being those no other parameter of the operation declares (nor
// SigV4's X-Amz-* ones). Only for an operation with one such map parameter, which the request does not write
// under its own name; nil otherwise or when the request has no such field.
func (q *awsQuery) explodedMap(in *openapi3filter.RequestValidationInput, p *openapi3.Parameter) map[string]any {
	sh := shapeOf(p.Schema)
	sm, err := p.SerializationMethod()
	if sh.typ != "map" || err != nil || sm.Style != openapi3.SerializationForm || !sm.Explode || shapeOf(sh.values).typ != "" {
		return nil
	}
	declared := map[string]bool{}
	others := 0
	for _, list := range []openapi3.Parameters{in.Route.PathItem.Parameters, in.Route.Operation.Parameters} {
		for _, ref := range list {
			if ref == nil || ref.Value == nil || ref.Value.In != openapi3.ParameterInQuery {
				continue
			}
			declared[ref.Value.Name] = true
			if ref.Value != p && shapeOf(ref.Value.Schema).typ == "map" {
				others++
			}
		}
	}
	if others > 0 {
		return nil
	}
	out := map[string]any{}
	for _, fp := range q.pairs {
		name, _, _ := strings.Cut(fp.key, ".")
		if fp.key == p.Name {
			return nil
		}
		if declared[name] || strings.HasPrefix(strings.ToLower(fp.key), "x-amz-") {
			continue
		}
		if _, dup := out[fp.key]; !dup {
			out[fp.key] = coerceText(fp.value, shapeOf(sh.values).s)
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

func paramError(in *openapi3filter.RequestValidationInput, p *openapi3.Parameter, err error) error {
	return &openapi3filter.RequestError{Input: in, Parameter: p, Reason: err.Error(), Err: err}
}

// schemaOptions are the options a value decoded here is validated with, as openapi3filter validates a request.
func schemaOptions(in *openapi3filter.RequestValidationInput) []openapi3.SchemaValidationOption {
	opts := []openapi3.SchemaValidationOption{openapi3.VisitAsRequest(), openapi3.MultiErrors()}
	if in.Options != nil {
		opts = append(opts, in.Options.SchemaValidationOptions...)
	}
	if in.Route != nil && in.Route.Spec != nil && in.Route.Spec.IsOpenAPI31OrLater() {
		opts = append(opts, openapi3.EnableJSONSchema2020())
	}
	return opts
}

// validatesBody reports whether the request's body is the AWS form, which body then decodes and validates in
// place of openapi3filter (which would only see a form where the document says text/xml).
func (q *awsQuery) validatesBody() bool { return q != nil && q.form }

// body decodes the form's fields into the operation's documented body schema (its first media type with a
// schema: text/xml in the APIs.guru documents), validates the value and keeps it as the request's body value.
// Fields the schema has no member for (Action, Version, the signature's) are left out.
func (q *awsQuery) decodeBody(in *openapi3filter.RequestValidationInput, rb *openapi3.RequestBody, ex *exchange) error {
	schema := awsBodySchema(rb)
	if schema == nil {
		return nil
	}
	v, err := decodeAWSForm(q.body, schema)
	if err != nil {
		return &openapi3filter.RequestError{Input: in, RequestBody: rb, Reason: err.Error(), Err: err}
	}
	ex.bodyValue = v
	if err := plainSchema(schema).Value.VisitJSON(v, schemaOptions(in)...); err != nil {
		return &openapi3filter.RequestError{Input: in, RequestBody: rb, Reason: "doesn't match schema", Err: err}
	}
	return nil
}

// decodeAWSForm decodes a form body of flattened AWS query members into a value of the body schema (a
// structure); fields naming no member of it are left out.
func decodeAWSForm(body []byte, schema *openapi3.SchemaRef) (any, error) {
	pairs, err := parseFormPairs(string(bytes.TrimSpace(body)))
	if err != nil {
		return nil, fmt.Errorf("the form body does not decode: %w", err)
	}
	root := &awsKeys{}
	for _, fp := range pairs {
		if err := root.add(strings.Split(fp.key, "."), fp.value); err != nil {
			return nil, &DecodeError{In: "body", Name: fp.key, Style: "aws-query", Reason: err.Error()}
		}
	}
	return awsDecoder{in: "body"}.structure(root, schema, "", 0)
}

// awsBodySchema is the schema of the body an AWS query operation documents: its first media type (by name)
// with a schema.
func awsBodySchema(rb *openapi3.RequestBody) *openapi3.SchemaRef {
	if rb == nil {
		return nil
	}
	for _, mt := range offeredTypes(rb.Content) {
		if m := rb.Content[mt]; m != nil && m.Schema != nil && m.Schema.Value != nil {
			return m.Schema
		}
	}
	return nil
}

// awsKeys is one level of flattened keys: the values given for it and its children by dotted segment.
type awsKeys struct {
	values []string
	kids   map[string]*awsKeys
	order  []string
}

func (k *awsKeys) add(segs []string, v string) error {
	if len(segs) > awsKeyDepth {
		return fmt.Errorf("more than %d dotted parts", awsKeyDepth)
	}
	for _, s := range segs {
		if s == "" {
			return fmt.Errorf("an empty part between dots")
		}
		if k.kids == nil {
			k.kids = map[string]*awsKeys{}
		}
		next := k.kids[s]
		if next == nil {
			next = &awsKeys{}
			k.kids[s] = next
			k.order = append(k.order, s)
		}
		k = next
	}
	k.values = append(k.values, v)
	return nil
}

// awsDecoder turns awsKeys into values of a schema; its errors name the flattened key and the expected shape.
type awsDecoder struct {
	in string // query or body
}

func (d awsDecoder) fail(at, format string, args ...any) error {
	return &DecodeError{In: d.in, Name: at, Style: "aws-query", Reason: fmt.Sprintf(format, args...)}
}

// awsShape is a schema with its allOf members folded in, and the wire name its xml objects give.
type awsShape struct {
	s        *openapi3.Schema
	typ      string // array, object, map (an object of additionalProperties only), or "" for a scalar
	items    *openapi3.SchemaRef
	props    openapi3.Schemas
	values   *openapi3.SchemaRef // a map's value schema (nil: any)
	xmlName  string
	unwraped bool // xml.wrapped false: a flattened list or map
}

func shapeOf(ref *openapi3.SchemaRef) awsShape {
	sh := awsShape{props: openapi3.Schemas{}}
	var walk func(s *openapi3.Schema, depth int)
	walk = func(s *openapi3.Schema, depth int) {
		if s == nil || depth > 8 {
			return
		}
		if sh.s == nil && !s.Type.IsEmpty() {
			sh.s = s
		}
		if sh.items == nil && s.Items != nil {
			sh.items = s.Items
		}
		for name, p := range s.Properties {
			if sh.props[name] == nil {
				sh.props[name] = p
			}
		}
		if sh.values == nil && s.AdditionalProperties.Schema != nil {
			sh.values = s.AdditionalProperties.Schema
		}
		if sh.typ == "" {
			switch {
			case s.Type.Is("array"):
				sh.typ = "array"
			case s.Type.Is("object") || len(s.Properties) > 0:
				sh.typ = "object"
			}
		}
		for _, m := range s.AllOf {
			walk(derefSchema(m), depth+1)
		}
	}
	if ref != nil {
		walk(ref.Value, 0)
		sh.xmlName = wireName(ref.Value, 0)
	}
	if sh.typ == "object" && len(sh.props) == 0 && (sh.values != nil || sh.s != nil && sh.s.AdditionalProperties.Has != nil && *sh.s.AdditionalProperties.Has) {
		sh.typ = "map"
	}
	return sh
}

// wireName is the xml name a schema gives its element: its own, else that of an allOf member written in place
// (APIs.guru's "allOf: [{$ref: FilterList}, {xml: {name: Filter}}]"), else that of a referenced member.
func wireName(s *openapi3.Schema, depth int) string {
	if s == nil || depth > 8 {
		return ""
	}
	if s.XML != nil && s.XML.Name != "" {
		return s.XML.Name
	}
	for _, inPlace := range []bool{true, false} {
		for _, m := range s.AllOf {
			if m != nil && (m.Ref == "") == inPlace {
				if n := wireName(m.Value, depth+1); n != "" {
					return n
				}
			}
		}
	}
	return ""
}

// value decodes k as a value of schema s; at is the flattened key of k, for errors.
func (d awsDecoder) value(k *awsKeys, s *openapi3.SchemaRef, at string, depth int) (any, error) {
	if depth > maxFormDepth {
		return nil, d.fail(at, "nested deeper than %d levels", maxFormDepth)
	}
	sh := shapeOf(s)
	switch sh.typ {
	case "array":
		return d.list(k, sh, at, depth)
	case "map":
		return d.mapping(k, sh, at, depth)
	case "object":
		return d.structure(k, s, at, depth)
	}
	if len(k.kids) > 0 {
		return nil, d.fail(at+"."+k.order[0], "%s takes one value (%s), not members", at, typeWord(sh.s))
	}
	if len(k.values) > 1 {
		return nil, d.fail(at, "given %d times; it takes one value (%s)", len(k.values), typeWord(sh.s))
	}
	if len(k.values) == 0 {
		return nil, nil
	}
	return coerceText(k.values[0], sh.s), nil
}

func typeWord(s *openapi3.Schema) string {
	if s == nil || s.Type.IsEmpty() {
		return "a value"
	}
	return "a " + strings.Join(s.Type.Slice(), " or ")
}

// list decodes a list: items numbered from 1, directly below k (EC2, flattened lists) or below a ".member" or
// the items' own wire name; a lone empty value is the empty list; values given without numbers are items.
func (d awsDecoder) list(k *awsKeys, sh awsShape, at string, depth int) (any, error) {
	item := shapeOf(sh.items)
	if len(k.kids) == 1 {
		if w := k.order[0]; w == "member" || (item.xmlName != "" && w == item.xmlName) {
			if _, err := strconv.Atoi(w); err != nil {
				k, at = k.kids[w], at+"."+w
			}
		}
	}
	out := []any{}
	if len(k.kids) == 0 {
		if len(k.values) == 1 && k.values[0] == "" {
			return out, nil
		}
		if item.typ != "" {
			return nil, d.fail(at, "expected a list of %s: %s.1.<member>=..., %s.2.<member>=...", itemWord(item), at, at)
		}
		for _, v := range k.values {
			out = append(out, coerceText(v, item.s))
		}
		return out, nil
	}
	type numbered struct {
		n int
		k *awsKeys
	}
	var items []numbered
	for _, name := range k.order {
		n, err := strconv.Atoi(name)
		if err != nil || n < 1 || n > maxFormIndex || strconv.Itoa(n) != name {
			return nil, d.fail(at+"."+name, "expected a list of %s numbered from 1: %s.1, %s.2, ... (or %s.member.1, ...)", itemWord(item), at, at, at)
		}
		items = append(items, numbered{n, k.kids[name]})
	}
	slices.SortFunc(items, func(a, b numbered) int { return a.n - b.n })
	for _, it := range items {
		v, err := d.value(it.k, sh.items, at+"."+strconv.Itoa(it.n), depth+1)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

func itemWord(item awsShape) string {
	switch item.typ {
	case "array":
		return "lists"
	case "object":
		return "structures"
	case "map":
		return "maps"
	}
	if item.s == nil || item.s.Type.IsEmpty() {
		return "values"
	}
	return strings.Join(item.s.Type.Slice(), " or ") + "s"
}

// Names a flattened map entry's key and value go by (APIs.guru's documents do not keep them).
var (
	awsMapKeys   = []string{"key", "Key", "Name", "name"}
	awsMapValues = []string{"value", "Value"}
)

// mapping decodes a map: entries numbered from 1, directly below k or below ".entry", each with a key and a
// value member.
func (d awsDecoder) mapping(k *awsKeys, sh awsShape, at string, depth int) (any, error) {
	if len(k.kids) == 1 && k.order[0] == "entry" {
		k, at = k.kids["entry"], at+".entry"
	}
	out := map[string]any{}
	if len(k.kids) == 0 {
		if len(k.values) == 1 && k.values[0] == "" {
			return out, nil
		}
		return nil, d.fail(at, "expected a map: %s.1.Name=<key>&%s.1.Value=<value> (or .entry.1.key/.value), numbered from 1", at, at)
	}
	for _, name := range k.order {
		n, err := strconv.Atoi(name)
		e := k.kids[name]
		if err != nil || n < 1 || n > maxFormIndex {
			return nil, d.fail(at+"."+name, "expected map entries numbered from 1: %s.1.Name=<key>&%s.1.Value=<value> (or .entry.1.key/.value)", at, at)
		}
		entry := at + "." + name
		var key *awsKeys
		for _, kn := range awsMapKeys {
			if key = e.kids[kn]; key != nil {
				break
			}
		}
		if key == nil || len(key.values) != 1 || len(key.kids) > 0 {
			return nil, d.fail(entry, "a map entry needs one key: %s.Name (or .key)", entry)
		}
		var val *awsKeys
		vat := entry
		for _, vn := range awsMapValues {
			if val = e.kids[vn]; val != nil {
				vat = entry + "." + vn
				break
			}
		}
		if val == nil {
			return nil, d.fail(entry, "a map entry needs a value: %s.Value (or .value)", entry)
		}
		v, err := d.value(val, sh.values, vat, depth+1)
		if err != nil {
			return nil, err
		}
		out[key.values[0]] = v
	}
	return out, nil
}

// structure decodes a structure: each child of k is a member, named as the schema's property or by its wire
// name (the xml name, capitalised as EC2 sends it; for a list, also its items' xml name, as flattened lists are
// sent; for a flattened list or map without an xml name, also its name without a final "s", as SQS sends Tags
// as Tag.1.Key). Children naming no member are left out.
func (d awsDecoder) structure(k *awsKeys, s *openapi3.SchemaRef, at string, depth int) (any, error) {
	sh := shapeOf(s)
	out := map[string]any{}
	if len(k.kids) == 0 && len(k.values) > 0 {
		if len(k.values) == 1 && k.values[0] == "" {
			return out, nil
		}
		return nil, d.fail(at, "expected a structure: %s.<member>=... with members %s", at, memberList(sh))
	}
	wire := map[string]string{}
	for _, name := range slices.Sorted(maps.Keys(sh.props)) {
		wire[name] = name
	}
	for _, name := range slices.Sorted(maps.Keys(sh.props)) {
		ps := shapeOf(sh.props[name])
		names := []string{ps.xmlName}
		if ps.typ == "array" {
			names = append(names, shapeOf(ps.items).xmlName) // a flattened list sent under its items' name (SQS's AttributeName.1)
		}
		if single, ok := strings.CutSuffix(name, "s"); ok && ps.xmlName == "" && single != "" && (ps.typ == "array" || ps.typ == "map") && flattened(sh.props[name]) {
			names = append(names, single) // a flattened member whose wire name the document lost (SQS's Tags, sent as Tag.1.Key)
		}
		for _, x := range names {
			if x == "" {
				continue
			}
			for _, w := range []string{x, strings.ToUpper(x[:1]) + x[1:]} {
				if _, taken := wire[w]; !taken {
					wire[w] = name
				}
			}
		}
	}
	for _, w := range k.order {
		name, ok := wire[w]
		if !ok {
			continue
		}
		key := w
		if at != "" {
			key = at + "." + w
		}
		v, err := d.value(k.kids[w], sh.props[name], key, depth+1)
		if err != nil {
			return nil, err
		}
		out[name] = v
	}
	return out, nil
}

// memberList names a structure's members as they are sent, for an error.
func memberList(sh awsShape) string {
	var names []string
	for name, p := range sh.props {
		if x := shapeOf(p).xmlName; x != "" && x != name {
			name += " (" + x + ")"
		}
		names = append(names, name)
	}
	slices.Sort(names)
	if len(names) > 8 {
		names = append(names[:8], "...")
	}
	return strings.Join(names, ", ")
}

// plainSchema returns s with every allOf that only adds annotations to one schema replaced by that schema:
// APIs.guru writes each AWS member as "allOf: [{$ref: Type}, {description, xml}]", and a value failing Type
// then fails as "doesn't match all schemas from allOf", which names neither the member nor the reason. The
// copy is made for one validation (request schemas are small); cycles are kept as cycles.
func plainSchema(s *openapi3.SchemaRef) *openapi3.SchemaRef {
	if s == nil || s.Value == nil {
		return s
	}
	return &openapi3.SchemaRef{Value: plainCopy(s.Value, map[*openapi3.Schema]*openapi3.Schema{}, 0)}
}

func plainCopy(s *openapi3.Schema, memo map[*openapi3.Schema]*openapi3.Schema, depth int) *openapi3.Schema {
	if s == nil || depth > 4*maxFormDepth {
		return s
	}
	if c := memo[s]; c != nil {
		return c
	}
	if only := soleAllOf(s); only != nil {
		c := plainCopy(only, memo, depth+1)
		memo[s] = c
		return c
	}
	cp := *s
	memo[s] = &cp
	ref := func(r *openapi3.SchemaRef) *openapi3.SchemaRef {
		if r == nil || r.Value == nil {
			return r
		}
		return &openapi3.SchemaRef{Value: plainCopy(r.Value, memo, depth+1)}
	}
	refs := func(rs openapi3.SchemaRefs) openapi3.SchemaRefs {
		if rs == nil {
			return nil
		}
		out := make(openapi3.SchemaRefs, len(rs))
		for i, r := range rs {
			out[i] = ref(r)
		}
		return out
	}
	if s.Properties != nil {
		cp.Properties = make(openapi3.Schemas, len(s.Properties))
		for k, p := range s.Properties {
			cp.Properties[k] = ref(p)
		}
	}
	cp.Items = ref(s.Items)
	cp.AdditionalProperties.Schema = ref(s.AdditionalProperties.Schema)
	cp.AllOf, cp.AnyOf, cp.OneOf = refs(s.AllOf), refs(s.AnyOf), refs(s.OneOf)
	cp.Not = ref(s.Not)
	return &cp
}

// soleAllOf returns the one schema an allOf-only schema stands for when its other members carry annotations
// only (description, xml, title, example); nil otherwise.
func soleAllOf(s *openapi3.Schema) *openapi3.Schema {
	if len(s.AllOf) == 0 || !annotationOnly(s, true) {
		return nil
	}
	var only *openapi3.Schema
	for _, m := range s.AllOf {
		if m == nil || m.Value == nil {
			return nil
		}
		if m.Ref == "" && annotationOnly(m.Value, false) {
			continue
		}
		if only != nil {
			return nil
		}
		only = m.Value
	}
	return only
}

// annotationOnly reports whether s constrains nothing (allOf aside when allowAllOf is set).
func annotationOnly(s *openapi3.Schema, allowAllOf bool) bool {
	return s.Type.IsEmpty() && len(s.Properties) == 0 && s.Items == nil && (allowAllOf || len(s.AllOf) == 0) &&
		len(s.AnyOf) == 0 && len(s.OneOf) == 0 && s.Not == nil && len(s.Enum) == 0 && s.Pattern == "" && s.Format == "" &&
		s.Min == nil && s.Max == nil && s.MinLength == 0 && s.MaxLength == nil && s.MinItems == 0 && s.MaxItems == nil &&
		s.MinProps == 0 && s.MaxProps == nil && len(s.Required) == 0 && s.AdditionalProperties.Has == nil &&
		s.AdditionalProperties.Schema == nil && !s.Nullable && !s.UniqueItems && s.MultipleOf == nil && s.Const == nil
}
