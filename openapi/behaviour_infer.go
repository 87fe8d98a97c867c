package openapi

import (
	"slices"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// pathShape is a path template as inference reads it: the collection template it belongs to, the item's id
// parameter, and the verb of an item action.
type pathShape struct {
	coll  string   // the collection template ("/v1/customers/{customer}/sources")
	param string   // the item's id parameter; "" for the collection itself
	verb  string   // the action after an item ("void" in /v1/invoices/{invoice}/void); "" otherwise
	scope []string // the path parameters inside coll: the ids of the enclosing records
}

// shapeOf reads a path template: ".../{id}" is an item, ".../{id}/verb" and ".../{id}:verb" are an item
// action (or a nested collection: see nestedCollection), anything else is a collection.
func shapeOf(path string) pathShape {
	segs := strings.Split(strings.Trim(path, "/"), "/")
	n := len(segs)
	var sh pathShape
	last := segs[n-1]
	switch {
	case paramName(last) != "":
		sh = pathShape{coll: "/" + strings.Join(segs[:n-1], "/"), param: paramName(last)}
	case n >= 2 && paramName(segs[n-2]) != "" && !strings.Contains(last, "{"):
		sh = pathShape{coll: "/" + strings.Join(segs[:n-2], "/"), param: paramName(segs[n-2]), verb: last}
	case strings.HasPrefix(last, "{") && strings.Contains(last, "}:"):
		i := strings.Index(last, "}:")
		sh = pathShape{coll: "/" + strings.Join(segs[:n-1], "/"), param: last[1:i], verb: last[i+2:]}
	default:
		sh = pathShape{coll: "/" + strings.Join(segs, "/")}
	}
	if sh.coll == "/" {
		sh.coll = ""
	}
	sh.scope = scopeOf(sh.coll)
	return sh
}

// scopeOf lists the parameters of a collection template, in order.
func scopeOf(coll string) []string {
	var out []string
	for _, seg := range strings.Split(strings.Trim(coll, "/"), "/") {
		if name := paramName(seg); name != "" {
			out = append(out, name)
		}
	}
	return out
}

// paramName returns x for a segment that is exactly "{x}", else "".
func paramName(seg string) string {
	if len(seg) > 2 && seg[0] == '{' && seg[len(seg)-1] == '}' && !strings.ContainsAny(seg[1:len(seg)-1], "{}") {
		return seg[1 : len(seg)-1]
	}
	return ""
}

// inferBehaviours gives operations without x-standin generic behaviour where a collection fits. A collection is
// a path template up to an id (/v1/checkout/sessions and /v1/billing_portal/sessions are two collections):
// POST creates, GET lists (paged and filtered as the parameters say), GET/PUT/PATCH/POST/DELETE on
// .../{id} read, merge and delete one record, and .../{id}/verb acts on that record. Reads of a key never
// written materialise a record for it (see Behaviour.Materialise). An operation where no record schema with
// a key can be found keeps no behaviour (generated data).
func inferBehaviours(a *API) {
	type candidate struct {
		op    *Operation
		shape pathShape
		// the collection template the behaviour works on: the shape's, or for a nested collection
		// (.../{id}/sources) the path itself, or for a Google create (/v1/{parent}/urlLists) the template of
		// the resource names it makes (/v1, whose /v1/{name} reads them).
		coll string
		// keyFrom names the created record by the parent and a query parameter (Google creates)
		keyFrom *KeyFrom
	}
	var cands []candidate
	paths := map[string]bool{}
	for _, op := range a.Operations {
		paths[op.Path] = true
	}
	spanning := spanningNames(a)
	nested := newNestedIndex(a)
	for _, op := range a.Operations {
		if op.Ext != nil || !slices.ContainsFunc(op.Statuses, func(s int) bool { return s >= 200 && s < 300 }) {
			continue // x-standin decides, or no success status to answer a record with (a redirect to logs)
		}
		sh := shapeOf(op.Path)
		if kf, coll := googleCollection(a, op, spanning); kf != nil {
			// POST /v1/{parent}/urlLists makes the record GET /v1/{name} reads; GET lists those records
			cands = append(cands, candidate{op: op, shape: pathShape{coll: coll, scope: scopeOf(coll)}, coll: coll, keyFrom: kf})
			continue
		}
		if sh.verb != "" && !strings.Contains(op.Path, "}:") && nested.nestedCollection(op.Path) {
			// .../{id}/sources with .../{id}/sources/{x} or a list: a collection inside the record
			cands = append(cands, candidate{op: op, shape: pathShape{coll: op.Path, scope: scopeOf(op.Path)}, coll: op.Path})
			continue
		}
		cands = append(cands, candidate{op: op, shape: sh, coll: sh.coll})
	}
	names := collectionNames(a, cands, func(c candidate) string { return c.coll })
	// collection template -> the parameter its items are named by, and that parameter's schema: the plain
	// item's (/v1/{name}), else an item action's (/v1/{addressGroup}:addItems), as Google documents write both
	// over one template.
	idParam := map[string]string{}
	idSchema := map[string]*openapi3.SchemaRef{}
	for _, plain := range []bool{true, false} {
		for _, c := range cands {
			if _, seen := idParam[c.coll]; !seen && c.shape.param != "" && (c.shape.verb == "") == plain {
				idParam[c.coll] = c.shape.param
				if p := OperationParam(c.op, "path", c.shape.param); p != nil {
					idSchema[c.coll] = p.Schema
				}
			}
		}
	}
	type pending struct {
		b    *Behaviour
		item string
	}
	var parents []pending
	records := map[string]*openapi3.SchemaRef{} // collection template -> inferredRecord, found once per collection
	var shapes []pathShape                      // shapeOf of each operation's path, for inferredRecord
	for _, c := range cands {
		op, sh := c.op, c.shape
		name := names[c.coll]
		if name == "" {
			continue
		}
		schema, found := records[c.coll]
		if !found {
			if shapes == nil {
				shapes = make([]pathShape, len(a.Operations))
				for i, o := range a.Operations {
					shapes[i] = shapeOf(o.Path)
				}
			}
			schema = inferredRecord(a, c.coll, shapes)
			records[c.coll] = schema
		}
		if schema == nil {
			continue
		}
		props := properties(schema)
		key := KeyField(props, idParam[c.coll], idSchema[c.coll])
		if key == "" {
			continue
		}
		var b *Behaviour
		switch {
		case sh.verb != "":
			b = &Behaviour{Action: ActionInvoke, Materialise: true}
			if st := verbStatus(props, sh.verb); st != nil {
				b.Set = []Assign{*st}
			}
		case sh.param == "" && op.Method == "POST":
			b = &Behaviour{Action: ActionCreate, Merge: true, KeyFrom: c.keyFrom}
		case sh.param == "" && op.Method == "GET":
			b = &Behaviour{Action: ActionList, ListField: inferredListWrap(op)}
			if c.keyFrom != nil {
				b.KeyFrom, b.ListField = c.keyFrom, googleListField(op, c.keyFrom.Segment)
			}
			if b.ListField == "" && !isArraySchema(ResponseSchema(op, op.SuccessStatus())) {
				continue
			}
			b.Page = inferredPage(op)
			b.Filter = inferredFilters(op, props, b.Page)
		case sh.param != "" && op.Method == "GET":
			b = &Behaviour{Action: ActionGet, Materialise: true}
		case sh.param != "" && (op.Method == "PUT" || op.Method == "PATCH" || op.Method == "POST"):
			b = &Behaviour{Action: ActionUpdate, Merge: true, Materialise: true}
		case sh.param != "" && op.Method == "DELETE":
			b = &Behaviour{Action: ActionDelete, Materialise: true}
		default:
			continue
		}
		if b.Action != ActionList && answersNonObject(op) {
			continue // the operation answers something else than a record (an upload answering a list)
		}
		if b.Action != ActionList && !answersRecord(op, schema) {
			b.AnswerGenerated = true
		}
		if b.AnswerGenerated {
			lro := longRunning(a, op, schema)
			summary := b.Action == ActionCreate && createsWithSummary(op, schema, key)
			switch {
			case b.Action == ActionCreate && c.keyFrom != nil && answersBody(op):
				b.AnswerGenerated = false // a Google create answering the resource it was sent: the record stored
			case b.Action == ActionCreate && lro != nil && (c.keyFrom != nil || bodyIsRecord(op, schema) && (lro.finishes() || !summary)):
				// a create answering an operation about the record it stores (Google's long-running Operation,
				// sqladmin's) rather than the record or a summary of it: the body is the record
				b.Operation = lro
				if b.KeyFrom == nil {
					if q := idQuery(op, lastLiteral(c.coll)); q != "" {
						b.KeyFrom = &KeyFrom{Query: q}
					}
				}
			case b.Action == ActionCreate && c.keyFrom == nil && !summary:
				continue // a POST answering another thing than the record is not a create (a search, a batch)
			case (b.Action == ActionUpdate || b.Action == ActionDelete) && lro != nil && lro.finishes():
				b.Operation = lro
			}
		}
		if sh.param != "" {
			b.Lookup = []Match{{Field: key, Value: Expr{Ref: "$path." + sh.param}}}
		}
		b.Scope = sh.scope
		coll := a.Collections[name]
		if coll == nil {
			coll = &Collection{Name: name, Key: key, Schema: schema, IDs: "uuid", Inferred: true, Template: c.coll}
			if ks := KeySchema(props[key]); ks != nil && (ks.Type.Is("integer") || ks.Type.Is("number")) {
				coll.IDs = "sequence" // numbers (GitHub's runner group id is a "number") count up too
			}
			a.Collections[name] = coll
		} else if !coll.Inferred || coll.Key != key {
			continue // a declared collection of that name is only used through x-standin
		}
		b.Resource, b.Inferred = name, true
		if b.Merge {
			b.Nested = nestedFields(RequestSchema(op), props)
		}
		op.Behaviour = b
		if len(sh.scope) > 0 {
			parents = append(parents, pending{b, parentItem(c.coll)})
		}
	}
	for _, pb := range parents { // once every collection exists
		psh := shapeOf(pb.item)
		if pc := a.Collections[names[psh.coll]]; pc != nil && pc.Inferred && names[psh.coll] != "" {
			pb.b.Parent = &Parent{Resource: pc.Name, Param: psh.param, Scope: psh.scope}
		}
	}
}

// parentItem is the item template a nested collection template lives in: "/repos/{owner}/{repo}/issues/{n}" for
// "/repos/{owner}/{repo}/issues/{n}/labels".
func parentItem(coll string) string {
	segs := strings.Split(strings.Trim(coll, "/"), "/")
	for i := len(segs) - 1; i >= 0; i-- {
		if paramName(segs[i]) != "" {
			return "/" + strings.Join(segs[:i+1], "/")
		}
	}
	return ""
}

// nestedIndex answers nestedCollection for the operations of a document, indexed once: asking each operation
// about every other cost Microsoft Graph's 20 MB description (some 5,000 paths) 1.7 s of its load.
type nestedIndex struct {
	parents map[string]bool         // every template some operation's path continues with "/{" after
	gets    map[string][]*Operation // GET operations by path
}

func newNestedIndex(a *API) *nestedIndex {
	ix := &nestedIndex{parents: map[string]bool{}, gets: map[string][]*Operation{}}
	for _, op := range a.Operations {
		for i := strings.Index(op.Path, "/{"); i >= 0; {
			ix.parents[op.Path[:i]] = true
			next := strings.Index(op.Path[i+1:], "/{")
			if next < 0 {
				break
			}
			i += 1 + next
		}
		if op.Method == "GET" {
			ix.gets[op.Path] = append(ix.gets[op.Path], op)
		}
	}
	return ix
}

// nestedCollection reports whether path (".../{id}/word") holds records of its own: an operation works on
// path/{x}, or its GET answers a list.
func (ix *nestedIndex) nestedCollection(path string) bool {
	if ix.parents[path] {
		return true
	}
	for _, op := range ix.gets[path] {
		if isArraySchema(ResponseSchema(op, op.SuccessStatus())) || inferredListWrap(op) != "" {
			return true
		}
	}
	return false
}

// collectionNames names each collection template readably and uniquely: its last literal segment
// ("customers"), with as many segments before it as needed to tell it from another ("checkout.sessions",
// "billing_portal.sessions"), and its parameters when literals do not suffice. A template whose short name is
// a declared collection gets no name (its operations keep no behaviour, as before templates were told apart).
func collectionNames[T any](a *API, cands []T, template func(T) string) map[string]string {
	var templates []string
	for _, c := range cands {
		if t := template(c); t != "" && !slices.Contains(templates, t) {
			templates = append(templates, t)
		}
	}
	slices.Sort(templates)
	literals := map[string][]string{}
	for _, t := range templates {
		for _, seg := range strings.Split(strings.Trim(t, "/"), "/") {
			if !strings.Contains(seg, "{") && seg != "" {
				literals[t] = append(literals[t], seg)
			}
		}
	}
	depth := map[string]int{}
	name := func(t string) string {
		lits := literals[t]
		k := depth[t]
		if k >= len(lits) {
			return strings.NewReplacer("/", ".", "{", "", "}", "").Replace(strings.Trim(t, "/")) // "repos.owner.repo.issues"
		}
		return strings.Join(lits[len(lits)-1-k:], ".")
	}
	out := map[string]string{}
	for _, t := range templates {
		if len(literals[t]) == 0 {
			continue
		}
		if c, declared := a.Collections[literals[t][len(literals[t])-1]]; declared && !c.Inferred {
			continue
		}
		out[t] = ""
	}
	for range 16 {
		groups := map[string][]string{}
		for t := range out {
			groups[name(t)] = append(groups[name(t)], t)
		}
		clash := false
		for _, ts := range groups {
			if len(ts) < 2 {
				continue
			}
			for _, t := range ts {
				if depth[t] <= len(literals[t]) {
					depth[t]++
					clash = true
				}
			}
		}
		if !clash {
			break
		}
	}
	used := map[string]int{}
	for _, t := range templates { // sorted: a name still shared gets a number, in template order
		if _, ok := out[t]; !ok {
			continue
		}
		n := name(t)
		if used[n]++; used[n] > 1 {
			n += "." + strconv.Itoa(used[n])
		}
		out[t] = n
	}
	return out
}

// KeyField chooses the record field an item's path parameter names: the parameter itself when the record has
// it, "number" for an "issue_number", else "id". A key is a string or a number: an object field of the same
// name (an issue's assignee, for .../assignees/{assignee}) names no record. A string parameter that is not an
// id by its name ({org}, {username}) against a numeric id names the record by its handle: the first string
// field of login, username, slug, handle, name (GitHub's /orgs/{org} is the organization's login); the id stays
// the key when the record has none of them.
func KeyField(props map[string]*openapi3.SchemaRef, param string, paramSchema *openapi3.SchemaRef) string {
	has := func(name string) bool {
		p, ok := props[name]
		if !ok {
			return false
		}
		return p == nil || p.Value == nil || p.Value.Type.IsEmpty() || p.Value.Type.Includes("string") ||
			p.Value.Type.Includes("integer") || p.Value.Type.Includes("number")
	}
	if has(param) && param != "" {
		return param
	}
	lower := strings.ToLower(param)
	for _, field := range []string{"number", "name", "key", "slug", "uuid"} {
		if has(field) && strings.HasSuffix(lower, field) && lower != field {
			return field
		}
	}
	if !has("id") {
		return ""
	}
	if numericField(props["id"]) && handleParam(param, paramSchema) {
		for _, field := range []string{"login", "username", "slug", "handle", "name"} {
			if p := KeySchema(props[field]); p != nil && p.Type.Is("string") {
				return field
			}
		}
	}
	return "id"
}

// numericField reports whether a record field holds numbers only (an integer id).
func numericField(s *openapi3.SchemaRef) bool {
	ks := KeySchema(s)
	return ks != nil && (ks.Type.Is("integer") || ks.Type.Is("number"))
}

// handleParam reports whether a path parameter names a record by a handle rather than an id: its schema is a
// string that does not hold digits only, and its name does not end in "id".
func handleParam(name string, s *openapi3.SchemaRef) bool {
	ks := KeySchema(s)
	if ks == nil || !ks.Type.Is("string") || ks.Format != "" && ks.Format != "string" {
		return false
	}
	if strings.Trim(ks.Pattern, "^$[]0123456789-\\d+*{},") == "" && ks.Pattern != "" {
		return false // a pattern of digits: an id written as a string
	}
	lower := strings.ToLower(name)
	return name != "" && !strings.HasSuffix(lower, "id") && !strings.HasSuffix(lower, "ids")
}

// nestedFields maps each field of a write's body that the record does not have at its top level to the
// record's object property that has it (Azure's PATCH body {displayName} is the record's
// properties.displayName): the property marked x-ms-client-flatten when one is, else the only one, else the one
// called "properties". nil when every body field has its place at the top (or none is found).
func nestedFields(body *openapi3.SchemaRef, props map[string]*openapi3.SchemaRef) map[string]string {
	var out map[string]string
	for field := range properties(body) {
		if _, top := props[field]; top {
			continue
		}
		var holders []string
		flattened := ""
		for name, p := range props {
			if _, ok := properties(p)[field]; !ok { // properties reads allOf: Azure wraps a flattened $ref in one
				continue
			}
			holders = append(holders, name)
			if flat, _ := p.Value.Extensions["x-ms-client-flatten"].(bool); flat {
				flattened = name
			}
		}
		holder := flattened
		switch {
		case holder != "":
		case len(holders) == 1:
			holder = holders[0]
		case slices.Contains(holders, "properties"):
			holder = "properties"
		default:
			continue
		}
		if out == nil {
			out = map[string]string{}
		}
		out[field] = holder
	}
	return out
}

// verbStatus finds what an item action changes in its record: the value of the record's status (or state) enum
// that the verb names ("void" -> void, "cancel" -> canceled, "close" -> closed, "mark_uncollectible" ->
// uncollectible), else a boolean field the verb names ("lock" -> locked: true, "unlock" -> locked: false,
// "pin" -> pinned: true). nil when none does.
func verbStatus(props map[string]*openapi3.SchemaRef, verb string) *Assign {
	words := strings.FieldsFunc(strings.ToLower(verb), func(r rune) bool { return r == '_' || r == '-' })
	if len(words) == 0 {
		return nil
	}
	stem := words[len(words)-1]
	forms := func(stem string) []string {
		out := []string{stem, stem + "ed", stem + "d", strings.TrimSuffix(stem, "e") + "ed",
			strings.TrimSuffix(stem, "y") + "ied", strings.TrimSuffix(stem, "ay") + "aid"}
		if n := len(stem); n > 0 {
			out = append(out, stem+stem[n-1:]+"ed") // cancel -> cancelled, pin -> pinned
		}
		return out
	}
	for _, field := range []string{"status", "state"} {
		p := props[field]
		if p == nil || p.Value == nil {
			continue
		}
		for _, f := range append([]string{verb}, forms(stem)...) {
			if slices.Contains(p.Value.Enum, any(f)) {
				return &Assign{Field: field, Value: Expr{Literal: f}}
			}
		}
	}
	value := true
	if rest, ok := strings.CutPrefix(stem, "un"); ok && len(rest) > 2 {
		stem, value = rest, false
	}
	for _, f := range forms(stem)[1:] {
		if p := props[f]; p != nil && p.Value != nil && p.Value.Type.Is("boolean") {
			return &Assign{Field: f, Value: Expr{Literal: value}}
		}
	}
	return nil
}

// answersRecord reports whether the operation's success response is the collection's record: the same schema,
// or an object with the record's properties.
func answersRecord(op *Operation, record *openapi3.SchemaRef) bool {
	s := recordOf(ResponseSchema(op, op.SuccessStatus()))
	if s == nil {
		return op.Response(op.SuccessStatus()) == nil || len(op.Response(op.SuccessStatus()).Content) == 0
	}
	if s.Value == record.Value {
		return true
	}
	have := properties(s)
	for name := range properties(record) {
		if _, ok := have[name]; !ok {
			return false
		}
	}
	return true
}

// createsWithSummary reports whether a POST on a collection whose answer is not the record is still a create:
// it answers the record's key (AWS's CreateEntity answers entityId, arn, state) and its body writes the record's
// fields (at least half of the body's properties, the key aside, are fields of the record). A search or a batch
// sends something else: filters, a list of items.
func createsWithSummary(op *Operation, record *openapi3.SchemaRef, key string) bool {
	answer := properties(recordOf(ResponseSchema(op, op.SuccessStatus())))
	if _, ok := answer[key]; !ok {
		return false
	}
	fields := properties(record)
	shared, others := 0, 0
	for name := range properties(RequestSchema(op)) {
		switch _, ok := fields[name]; {
		case name == key:
		case ok:
			shared++
		default:
			others++
		}
	}
	return shared > 0 && shared >= others
}

// inferredPage reads how the list operation pages: a limit (its default applies when absent), an offset or a
// page number, cursors naming a record. nil when it takes none of them.
func inferredPage(op *Operation) *Page {
	find := func(names []string) *Expr {
		for _, n := range names {
			if p := OperationParam(op, "query", n); p != nil && p.Schema != nil && p.Schema.Value != nil {
				return &Expr{Ref: "$query." + n}
			}
		}
		return nil
	}
	pg := &Page{Limit: find(limitParams), Offset: find(offsetParams), Number: find(pageParams), After: find(afterParams),
		Before: find(beforeParams), NumberBase: 1}
	if pg.Number != nil {
		if p := OperationParam(op, "query", pg.Number.Path()[0]); p.Schema.Value.Min != nil && *p.Schema.Value.Min == 0 {
			pg.NumberBase = 0
		}
	}
	if pg.Limit == nil && pg.Offset == nil && pg.Number == nil && pg.After == nil && pg.Before == nil {
		return nil
	}
	return pg
}

// inferredFilters makes an equality filter of every scalar query parameter that names a record field and is
// not a paging parameter.
func inferredFilters(op *Operation, props map[string]*openapi3.SchemaRef, pg *Page) []Filter {
	paging := map[string]bool{}
	if pg != nil {
		for _, e := range []*Expr{pg.Limit, pg.Offset, pg.Number, pg.After, pg.Before} {
			if e != nil {
				paging[e.Path()[0]] = true
			}
		}
	}
	var out []Filter
	for _, list := range []openapi3.Parameters{op.Op.Parameters, op.Item.Parameters} {
		for _, ref := range list {
			p := ref.Value
			if p == nil || p.In != "query" || paging[p.Name] || p.Schema == nil || p.Schema.Value == nil {
				continue
			}
			field := props[p.Name]
			if field == nil || field.Value == nil || field.Value.Type.Is("object") || field.Value.Type.Is("array") {
				continue
			}
			if slices.ContainsFunc(out, func(f Filter) bool { return f.Field == p.Name }) {
				continue
			}
			f := Filter{Field: p.Name}
			for _, alt := range schemaAlternatives(p.Schema) {
				switch {
				case alt.Type.Is("object"):
					// a range: created[gte]=1&created[lt]=9 (bounds read as inclusive)
					for _, b := range []struct {
						names []string
						dst   **Expr
					}{{[]string{"gte", "gt", "from", "min"}, &f.From}, {[]string{"lte", "lt", "to", "max"}, &f.To}} {
						for _, n := range b.names {
							if _, ok := alt.Properties[n]; ok && *b.dst == nil {
								*b.dst = &Expr{Ref: "$query." + p.Name + "." + n}
							}
						}
					}
				case !alt.Type.Is("array") && f.Equals == nil:
					f.Equals = &Expr{Ref: "$query." + p.Name}
				}
			}
			if f.Equals != nil || f.From != nil || f.To != nil {
				out = append(out, f)
			}
		}
	}
	return out
}

// answersNonObject reports whether the operation's success response declares a JSON schema whose type is not
// object: a record-answering behaviour would contradict it.
func answersNonObject(op *Operation) bool {
	s := ResponseSchema(op, op.SuccessStatus())
	if s == nil || s.Value == nil || s.Value.Type.IsEmpty() {
		return false
	}
	return !s.Value.Type.Includes("object")
}

// inferredRecord finds the record schema of the collection at template coll: the object answered by an item
// GET, else by a create, else the items of a list. shapes holds shapeOf of each operation's path.
func inferredRecord(a *API, coll string, shapes []pathShape) *openapi3.SchemaRef {
	var fromCreate, fromList *openapi3.SchemaRef
	for i, op := range a.Operations {
		sh := shapes[i]
		switch {
		case sh.coll == coll && sh.param != "" && sh.verb == "" && op.Method == "GET":
			if s := recordOf(ResponseSchema(op, op.SuccessStatus())); s != nil {
				return s
			}
		case op.Path == coll && op.Method == "POST":
			if s := recordOf(ResponseSchema(op, op.SuccessStatus())); s != nil {
				fromCreate = s
			}
		case op.Path == coll && op.Method == "GET":
			if s := ResponseSchema(op, op.SuccessStatus()); isArraySchema(s) && isObjectSchema(s.Value.Items) {
				fromList = s.Value.Items
			} else if w := inferredListWrap(op); w != "" {
				if items := properties(s)[w]; items != nil && items.Value != nil {
					fromList = recordOf(items.Value.Items)
				}
			}
		}
	}
	if fromCreate != nil {
		return fromCreate
	}
	return fromList
}

// inferredListWrap returns the one array property of an object list response ("items" in {items: [...]}).
func inferredListWrap(op *Operation) string {
	s := ResponseSchema(op, op.SuccessStatus())
	if !isObjectSchema(s) {
		return ""
	}
	var found string
	for name, p := range properties(s) {
		if isArraySchema(p) {
			if found != "" {
				return ""
			}
			found = name
		}
	}
	return found
}

// Names of the query parameters that page a list, as documents commonly call them.
var (
	limitParams  = []string{"limit", "per_page", "perPage", "page_size", "pageSize", "size", "max_results", "maxResults", "$top", "top"}
	offsetParams = []string{"offset", "skip", "$skip", "start"}
	pageParams   = []string{"page", "page_number", "pageNumber"}
	afterParams  = []string{"starting_after", "after", "startingAfter"}
	beforeParams = []string{"ending_before", "before", "endingBefore"}
)

// Ancestors lists the records a request to op names on its way, outermost first: every path parameter that
// is the id of an inferred collection's item ("/repos/{owner}/{repo}/issues/{issue_number}/comments" names the
// repository owner/repo of "/repos/{owner}", then issue issue_number of "/repos/{owner}/{repo}/issues"), except
// the record op's own behaviour works on. With strict ids each must exist.
func Ancestors(a *API, op *Operation) []Parent {
	byTemplate := map[string]*Collection{}
	for _, c := range a.Collections {
		if c.Inferred && c.Template != "" {
			byTemplate[c.Template] = c
		}
	}
	var own *Collection
	if op.Behaviour != nil {
		own = a.Collections[op.Behaviour.Resource]
	}
	segs := strings.Split(strings.Trim(op.Path, "/"), "/")
	var out []Parent
	for i, seg := range segs {
		param := paramName(seg)
		if param == "" || i == 0 {
			continue
		}
		tmpl := "/" + strings.Join(segs[:i], "/")
		c := byTemplate[tmpl]
		if c == nil || c == own && (i == len(segs)-1 || i == len(segs)-2) {
			continue // not a record standin keeps, or the behaviour's own record (its item, or its item action)
		}
		out = append(out, Parent{Resource: c.Name, Param: param, Scope: scopeOf(tmpl)})
	}
	return out
}
