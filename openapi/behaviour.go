package openapi

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
)

// collectionsKey is the root extension that declares the collections of records an API keeps.
const collectionsKey = "x-standin-collections"

// Collection is a named set of records an API keeps in the mock's state (fixtures/<api>/<name>.json). It is
// read-only after loading and safe for concurrent use.
type Collection struct {
	// Name is the collection's name ("inquiries").
	Name string
	// Key is the record field that identifies a record ("id" unless declared).
	Key string
	// SchemaName is the component schema of a record ("Inquiry"); empty for an inferred collection whose schema
	// is inline.
	SchemaName string
	// Schema is the record schema; fixtures, generated records and admin writes are checked against it.
	Schema *openapi3.SchemaRef
	// IDs says how a create makes a new key: "uuid" or "sequence" (the largest integer key plus one).
	IDs string
	// Settle is how long a newly created record answers the queued error on every call that looks it up
	// (0: never). The server's Config.Settle, when set, replaces it.
	Settle time.Duration
	// Inferred is true when the collection was inferred from paths rather than declared.
	Inferred bool
	// Template is the path template of an inferred collection ("/v1/checkout/sessions"); empty when declared.
	Template string

	// schemaOpts are the options validating a record needs (JSON Schema 2020-12 in an OpenAPI 3.1 document).
	schemaOpts []openapi3.SchemaValidationOption
}

// Fields returns the property names a record of the collection may have.
func (c *Collection) Fields() []string { return slices.Sorted(maps.Keys(properties(c.Schema))) }

// Action is what a behaviour does with its collection.
type Action string

// The actions of a behaviour.
const (
	ActionGet    Action = "get"    // find one record and answer it
	ActionList   Action = "list"   // filter, sort and page the collection
	ActionCreate Action = "create" // store a new record
	ActionUpdate Action = "update" // change a found record
	ActionDelete Action = "delete" // remove a found record
	// ActionInvoke is an item action (POST /invoices/{id}/void): find the record, set what Set says, answer the
	// record or the operation's own response. Only inference makes it; x-standin blocks cannot name it.
	ActionInvoke Action = "invoke"
)

// Behaviour is an operation's x-standin block, parsed and checked against the document. Values it reads are
// Exprs: "$path.x", "$query.x", "$body.a.b", "$header.x", "$now", "$nowUnix", "$clientId", "$userId", "$ref.NAME[.f]",
// "$before[.f]", "$after[.f]", "$record[.f]", "$list", "$total", "$labels.missing|added|all", or a literal.
// README.md (section "State") documents the vocabulary. A Behaviour is read-only after loading and safe for concurrent use.
type Behaviour struct {
	// Resource names the collection (a key of API.Collections).
	Resource string
	// Action is what the operation does; inferred from the method when not written.
	Action Action
	// Lookup finds the one record whose fields equal the values (several fields make a compound key).
	Lookup []Match
	// Identifier finds the record by a typed identifier ("email:a@b.c") instead of Lookup.
	Identifier *Identifier
	// Require lists rules on the request, checked in order before anything else.
	Require []Rule
	// Refs lists references to records of other collections that must exist.
	Refs []Ref
	// Defaults are fields a created record gets when the body does not give them.
	Defaults map[string]any
	// Merge copies the request body's fields that the record schema knows into the record (create, update).
	Merge bool
	// Set assigns fields after Merge, in order.
	Set []Assign
	// Labels adds a set of ids to an array field (labelled-set semantics).
	Labels *Labels
	// Filter keeps the records of a list that meet every condition.
	Filter []Filter
	// Sort orders a list by a field; Desc reverses it. Empty keeps insertion order.
	Sort     string
	SortDesc bool
	// Page takes a window of a list.
	Page *Page
	// Missing is the error answered when Lookup or Identifier finds nothing (default: the notFound kind).
	Missing Missing
	// Status is the success status (0: the operation's lowest documented 2xx).
	Status int
	// Respond is the response body template; nil answers the record ($after, $before for delete) or $list.
	Respond any
	// Inferred is true when the behaviour was inferred from method and path (the operation has no x-standin).
	Inferred bool

	// The fields below are set by inference only.

	// Scope lists the path parameters that name the enclosing records (owner and repo in
	// /repos/{owner}/{repo}/issues/{number}): a record belongs to the records they name, and lookups and lists
	// see only the records of the request's scope.
	Scope []string
	// Materialise makes a lookup of a key never written answer a record generated for that key, stored so that
	// later reads agree, instead of notFound; a deleted key stays not found. The API's x-standin "ids: strict",
	// the server's strict-ids setting and the X-Standin-Ids: strict header turn it off.
	Materialise bool
	// ListField is the array property of a list response's envelope ("data" in {object, data, has_more}); the
	// rest of the envelope is the operation's documented response. Empty when the list is the body.
	ListField string
	// Parent is the record the Scope's last parameter names (the issue of /issues/{issue_number}/labels), when
	// standin keeps that record too: with strict ids, a request under a parent that does not exist is not found.
	Parent *Parent
	// AnswerGenerated answers the operation's own documented response (example or generated data) with the
	// record's key copied in, rather than the record: the response is not the record (a deleted marker, an
	// action's result).
	AnswerGenerated bool
}

// Parent locates the record a nested collection belongs to: its collection, the path parameter holding its
// key, and the parameters of its own scope.
type Parent struct {
	Resource string
	Param    string
	Scope    []string
}

// Expr is a value source: a string starting with '$' names a value of the request or the state; anything else
// is a literal.
type Expr struct {
	Ref     string // "$body.status"; empty for a literal
	Literal any
}

// IsLiteral reports whether the expression is a literal value.
func (e Expr) IsLiteral() bool { return e.Ref == "" }

// Root returns the first part of a reference ("body" for "$body.a.b").
func (e Expr) Root() string {
	r, _, _ := strings.Cut(strings.TrimPrefix(e.Ref, "$"), ".")
	return r
}

// Path returns the parts after the root ("a", "b" for "$body.a.b").
func (e Expr) Path() []string {
	_, rest, ok := strings.Cut(strings.TrimPrefix(e.Ref, "$"), ".")
	if !ok || rest == "" {
		return nil
	}
	return strings.Split(rest, ".")
}

func (e Expr) String() string {
	if e.Ref != "" {
		return e.Ref
	}
	return fmt.Sprint(e.Literal)
}

// Match is one field of a lookup key.
type Match struct {
	Field string
	Value Expr
}

// Identifier resolves a typed identifier such as "id:123", "email:a@b.c" or "phone:+60121233112".
type Identifier struct {
	From  Expr              // where the identifier is read ("$path.identifier")
	Forms map[string]string // prefix -> record field ("email" -> "email")
}

// Rule is one check of a require list. A failed rule answers the API's validation error, naming the rule.
type Rule struct {
	Name    string // the rule's name, reported as the failure's code unless Code is set
	Code    string // the failure's code as the vendor names it ("custom"); empty means Name
	Value   Expr
	In      []any // the value must be one of these
	After   *Expr // the value (a time or a number) must not be before this one
	Message string
}

// Ref is a reference to a record of another collection that must exist.
type Ref struct {
	Name     string   // the found record is $ref.<Name>
	Value    Expr     // the referencing value; null skips the check and makes $ref.<Name> null
	Resource string   // the referenced collection
	Match    []string // fields of the referenced record compared with the value, in order
	Missing  string   // the error kind answered when nothing matches ("notFound" or "validation")
	Message  string   // message of that error; empty keeps the API's default
}

// Assign sets one field.
type Assign struct {
	Field string
	Value Expr
	// Map translates the value ("close" -> "closed"); a value it does not list is kept.
	Map map[string]any
}

// Missing is the error kind (and message) answered for a record that is not found.
type Missing struct {
	Kind    string // an error kind of the root x-standin errors ("notFound", "validation")
	Message string // empty keeps the kind's default message
}

// Labels describes labelled-set semantics: ids from the request are added to an array field when they exist in
// another collection; the others are reported as missing ($labels.missing).
type Labels struct {
	Field    string // the record's array field ("labelIDs")
	From     Expr   // the requested ids ("$body.labelIds")
	Resource string // the collection the ids must exist in
	Replace  bool   // replace the set instead of adding to it
}

// Filter is one condition of a list. Conditions whose value is absent from the request are skipped.
type Filter struct {
	Field    string
	Equals   *Expr // the field equals the value
	AnyOf    *Expr // the field (or one of its items) is one of the values
	From     *Expr // the field (a time or a number) is at or after the value
	To       *Expr // the field is at or before the value
	Contains *Expr // the field contains the value as a substring, ignoring case
}

// Page takes a window of a list; absent values take the parameter's default.
type Page struct {
	Offset *Expr
	Limit  *Expr
	// Number is a page number (page=2), counted from NumberBase (1 unless the parameter allows 0); the window
	// starts at (Number-NumberBase)*Limit. Set by inference only.
	Number     *Expr
	NumberBase int
	// After and Before are cursors naming a record's key (Stripe's starting_after and ending_before): the list
	// continues after, or ends before, that record. Set by inference only.
	After, Before *Expr
}

// behaviourKeys are the keys an operation-level x-standin block may hold.
var behaviourKeys = []string{"resource", "action", "lookup", "identifier", "require", "refs", "defaults", "merge",
	"set", "labels", "filter", "sort", "page", "missing", "status", "respond"}

// parseCollections reads the root x-standin-collections block.
func parseCollections(doc *openapi3.T, p *extParser) map[string]*Collection {
	raw, ok := doc.Extensions[collectionsKey]
	if !ok {
		return map[string]*Collection{}
	}
	out := map[string]*Collection{}
	ptr := "/" + collectionsKey
	m := p.object(raw, ptr)
	for _, name := range slices.Sorted(maps.Keys(m)) {
		cp := ptr + "/" + escapePointer(name)
		cm := p.object(m[name], cp, "schema", "key", "ids", "settle")
		if cm == nil {
			continue
		}
		c := &Collection{Name: name, Key: "id", SchemaName: p.str(cm["schema"], cp+"/schema")}
		if c.SchemaName == "" {
			p.add(cp+"/schema", "missing schema: expected the name of a component schema describing one record")
			continue
		}
		var ref *openapi3.SchemaRef
		if doc.Components != nil {
			ref = doc.Components.Schemas[c.SchemaName]
		}
		if ref == nil {
			p.add(cp+"/schema", "schema %q is not in components/schemas", c.SchemaName)
			continue
		}
		c.Schema = ref
		if k, ok := cm["key"]; ok {
			c.Key = p.str(k, cp+"/key")
		}
		props := properties(ref)
		if _, ok := props[c.Key]; !ok {
			p.add(cp+"/key", "key field %q is not a property of schema %s: expected one of %s", c.Key, c.SchemaName,
				strings.Join(slices.Sorted(maps.Keys(props)), ", "))
			continue
		}
		c.IDs = "uuid"
		if keySchema := props[c.Key]; keySchema != nil && keySchema.Value != nil && keySchema.Value.Type.Is("integer") {
			c.IDs = "sequence"
		}
		if v, ok := cm["ids"]; ok {
			c.IDs = p.str(v, cp+"/ids")
			if c.IDs != "uuid" && c.IDs != "sequence" {
				p.add(cp+"/ids", "unknown id style %q: expected uuid or sequence", c.IDs)
			}
		}
		if v, ok := cm["settle"]; ok {
			s := p.str(v, cp+"/settle")
			d, err := time.ParseDuration(s)
			if err != nil || d < 0 {
				p.add(cp+"/settle", "settle %q is not a duration: expected e.g. 3s", s)
			}
			c.Settle = d
		}
		out[name] = c
	}
	return out
}

// Check validates a record against the collection's schema, every failure collected; nil when it has no schema.
func (c *Collection) Check(rec map[string]any) error {
	if c.Schema == nil || c.Schema.Value == nil {
		return nil
	}
	return c.Schema.Value.VisitJSON(rec, append(slices.Clone(c.schemaOpts), openapi3.MultiErrors())...)
}

// parseBehaviours reads every operation's x-standin block and infers CRUD for operations without one.
func parseBehaviours(a *API, p *extParser) {
	a.Collections = parseCollections(a.Doc, p)
	for _, op := range a.Operations {
		if op.Ext == nil {
			continue
		}
		bp := behaviourParser{p: p, api: a, op: op, ptr: op.Pointer + "/" + extensionKey}
		op.Behaviour = bp.parse(op.Ext)
	}
	inferBehaviours(a)
	for _, c := range a.Collections {
		c.schemaOpts = a.SchemaOptions()
	}
}

type behaviourParser struct {
	p    *extParser
	api  *API
	op   *Operation
	ptr  string
	coll *Collection
	refs map[string]*Collection
}

func (bp *behaviourParser) parse(raw any) *Behaviour {
	p := bp.p
	if obj, ok := raw.(map[string]any); ok {
		// x- keys (such as x-standin-assumption) label the block and are not part of the vocabulary.
		raw = maps.Collect(func(yield func(string, any) bool) {
			for k, v := range obj {
				if !strings.HasPrefix(k, "x-") && !yield(k, v) {
					return
				}
			}
		})
	}
	m := p.object(raw, bp.ptr, behaviourKeys...)
	if m == nil {
		return nil
	}
	b := &Behaviour{}
	b.Resource = p.str(m["resource"], bp.ptr+"/resource")
	if b.Resource == "" {
		p.add(bp.ptr+"/resource", "missing resource: expected the name of a collection declared in %s", collectionsKey)
		return nil
	}
	bp.coll = bp.api.Collections[b.Resource]
	if bp.coll == nil {
		p.add(bp.ptr+"/resource", "unknown collection %q: expected one of %s (declared in %s)", b.Resource,
			strings.Join(slices.Sorted(maps.Keys(bp.api.Collections)), ", "), collectionsKey)
		return nil
	}
	bp.refs = map[string]*Collection{}
	if v, ok := m["action"]; ok {
		b.Action = Action(p.str(v, bp.ptr+"/action"))
		if !slices.Contains([]Action{ActionGet, ActionList, ActionCreate, ActionUpdate, ActionDelete}, b.Action) {
			p.add(bp.ptr+"/action", "unknown action %q: expected get, list, create, update or delete", b.Action)
		}
	}
	if v, ok := m["lookup"]; ok {
		lm := p.object(v, bp.ptr+"/lookup")
		for _, f := range slices.Sorted(maps.Keys(lm)) {
			fp := bp.ptr + "/lookup/" + escapePointer(f)
			bp.field(bp.coll, f, fp)
			b.Lookup = append(b.Lookup, Match{Field: f, Value: bp.expr(lm[f], fp, false)})
		}
	}
	if v, ok := m["identifier"]; ok {
		b.Identifier = bp.identifier(v, bp.ptr+"/identifier")
	}
	if b.Action == "" {
		b.Action = defaultAction(bp.op.Method, len(b.Lookup) > 0 || b.Identifier != nil)
	}
	if (b.Action == ActionGet || b.Action == ActionUpdate || b.Action == ActionDelete) && len(b.Lookup) == 0 && b.Identifier == nil {
		p.add(bp.ptr, "action %s needs lookup or identifier to find the record", b.Action)
	}
	if v, ok := m["require"]; ok {
		list, _ := v.([]any)
		if list == nil {
			p.add(bp.ptr+"/require", "expected a list of rules, got %s", describe(v))
		}
		for i, item := range list {
			b.Require = append(b.Require, bp.rule(item, fmt.Sprintf("%s/require/%d", bp.ptr, i)))
		}
	}
	if v, ok := m["refs"]; ok {
		rm := p.object(v, bp.ptr+"/refs")
		for _, name := range slices.Sorted(maps.Keys(rm)) {
			if r := bp.ref(name, rm[name], bp.ptr+"/refs/"+escapePointer(name)); r != nil {
				b.Refs = append(b.Refs, *r)
			}
		}
	}
	if v, ok := m["defaults"]; ok {
		b.Defaults = p.object(v, bp.ptr+"/defaults")
		for _, f := range slices.Sorted(maps.Keys(b.Defaults)) {
			bp.field(bp.coll, f, bp.ptr+"/defaults/"+escapePointer(f))
		}
	}
	if v, ok := m["merge"]; ok {
		mb, isBool := v.(bool)
		if !isBool {
			p.add(bp.ptr+"/merge", "expected true or false, got %s", describe(v))
		}
		b.Merge = mb
	}
	if v, ok := m["set"]; ok {
		sm := p.object(v, bp.ptr+"/set")
		for _, f := range slices.Sorted(maps.Keys(sm)) {
			fp := bp.ptr + "/set/" + escapePointer(f)
			bp.field(bp.coll, f, fp)
			b.Set = append(b.Set, bp.assign(f, sm[f], fp))
		}
	}
	b.Missing = Missing{Kind: "notFound"}
	if v, ok := m["missing"]; ok {
		mm := p.object(v, bp.ptr+"/missing", "kind", "message")
		b.Missing.Kind = p.str(mm["kind"], bp.ptr+"/missing/kind")
		b.Missing.Message = p.str(mm["message"], bp.ptr+"/missing/message")
		if _, known := ErrorKinds[b.Missing.Kind]; !known {
			p.add(bp.ptr+"/missing/kind", "unknown error kind %q: expected one of %s", b.Missing.Kind,
				strings.Join(slices.Sorted(maps.Keys(ErrorKinds)), ", "))
		}
	}
	if v, ok := m["labels"]; ok {
		b.Labels = bp.labels(v, bp.ptr+"/labels")
	}
	if v, ok := m["filter"]; ok {
		fm := p.object(v, bp.ptr+"/filter")
		for _, f := range slices.Sorted(maps.Keys(fm)) {
			b.Filter = append(b.Filter, bp.filter(f, fm[f], bp.ptr+"/filter/"+escapePointer(f)))
		}
	}
	if v, ok := m["sort"]; ok {
		s := p.str(v, bp.ptr+"/sort")
		b.Sort, b.SortDesc = strings.TrimPrefix(s, "-"), strings.HasPrefix(s, "-")
		bp.field(bp.coll, b.Sort, bp.ptr+"/sort")
	}
	if v, ok := m["page"]; ok {
		pm := p.object(v, bp.ptr+"/page", "offset", "limit")
		if pm != nil {
			b.Page = &Page{}
			if o, ok := pm["offset"]; ok {
				e := bp.expr(o, bp.ptr+"/page/offset", false)
				b.Page.Offset = &e
			}
			if l, ok := pm["limit"]; ok {
				e := bp.expr(l, bp.ptr+"/page/limit", false)
				b.Page.Limit = &e
			}
		}
	}
	if v, ok := m["status"]; ok {
		b.Status = p.integer(v, bp.ptr+"/status")
		if !bp.op.Documents(b.Status) {
			p.add(bp.ptr+"/status", "status %d is not documented by the operation: expected one of %v", b.Status, bp.op.Statuses)
		}
	}
	if v, ok := m["respond"]; ok {
		b.Respond = v
		bp.template(v, bp.ptr+"/respond")
	}
	if (len(b.Filter) > 0 || b.Page != nil || b.Sort != "") && b.Action != ActionList {
		p.add(bp.ptr, "filter, sort and page apply to action list only, not %s", b.Action)
	}
	return b
}

// assign parses one set entry: a value, or {value, map} to translate it.
func (bp *behaviourParser) assign(field string, v any, ptr string) Assign {
	if m, ok := v.(map[string]any); ok {
		if _, hasValue := m["value"]; hasValue {
			m = bp.p.object(v, ptr, "value", "map")
			a := Assign{Field: field, Value: bp.expr(m["value"], ptr+"/value", false)}
			if mp, ok := m["map"]; ok {
				a.Map = bp.p.object(mp, ptr+"/map")
			}
			return a
		}
	}
	return Assign{Field: field, Value: bp.expr(v, ptr, false)}
}

func defaultAction(method string, finds bool) Action {
	switch method {
	case "GET", "HEAD":
		if finds {
			return ActionGet
		}
		return ActionList
	case "DELETE":
		return ActionDelete
	case "POST":
		if finds {
			return ActionUpdate
		}
		return ActionCreate
	}
	return ActionUpdate
}

func (bp *behaviourParser) identifier(v any, ptr string) *Identifier {
	m := bp.p.object(v, ptr, "from", "forms")
	if m == nil {
		return nil
	}
	id := &Identifier{From: bp.expr(m["from"], ptr+"/from", true), Forms: map[string]string{}}
	forms := bp.p.strMap(m["forms"], ptr+"/forms")
	if len(forms) == 0 {
		bp.p.add(ptr+"/forms", "expected at least one prefix: record field pair, e.g. {id: id, email: email}")
	}
	for prefix, field := range forms {
		bp.field(bp.coll, field, ptr+"/forms/"+escapePointer(prefix))
		id.Forms[prefix] = field
	}
	return id
}

func (bp *behaviourParser) rule(v any, ptr string) Rule {
	m := bp.p.object(v, ptr, "rule", "code", "value", "in", "notBefore", "message")
	if m == nil {
		return Rule{}
	}
	r := Rule{Name: bp.p.str(m["rule"], ptr+"/rule"), Code: bp.p.str(m["code"], ptr+"/code"),
		Value: bp.expr(m["value"], ptr+"/value", true), Message: bp.p.str(m["message"], ptr+"/message")}
	if r.Name == "" {
		bp.p.add(ptr+"/rule", "missing rule name: expected a short name reported as the failure's code")
	}
	if in, ok := m["in"]; ok {
		list, isList := in.([]any)
		if !isList || len(list) == 0 {
			bp.p.add(ptr+"/in", "expected a non-empty list of allowed values, got %s", describe(in))
		}
		r.In = list
	}
	if nb, ok := m["notBefore"]; ok {
		e := bp.expr(nb, ptr+"/notBefore", true)
		r.After = &e
	}
	if r.In == nil && r.After == nil {
		bp.p.add(ptr, "rule %q checks nothing: expected in or notBefore", r.Name)
	}
	return r
}

func (bp *behaviourParser) ref(name string, v any, ptr string) *Ref {
	m := bp.p.object(v, ptr, "value", "resource", "match", "missing", "message")
	if m == nil {
		return nil
	}
	r := &Ref{Name: name, Value: bp.expr(m["value"], ptr+"/value", true), Resource: bp.p.str(m["resource"], ptr+"/resource"),
		Match: bp.p.strList(m["match"], ptr+"/match"), Missing: "notFound", Message: bp.p.str(m["message"], ptr+"/message")}
	coll := bp.api.Collections[r.Resource]
	if coll == nil {
		bp.p.add(ptr+"/resource", "unknown collection %q: expected one of %s", r.Resource,
			strings.Join(slices.Sorted(maps.Keys(bp.api.Collections)), ", "))
		return nil
	}
	if len(r.Match) == 0 {
		r.Match = []string{coll.Key}
	}
	for i, f := range r.Match {
		bp.field(coll, f, fmt.Sprintf("%s/match/%d", ptr, i))
	}
	if mk, ok := m["missing"]; ok {
		r.Missing = bp.p.str(mk, ptr+"/missing")
		if _, known := ErrorKinds[r.Missing]; !known {
			bp.p.add(ptr+"/missing", "unknown error kind %q: expected notFound or validation", r.Missing)
		}
	}
	bp.refs[name] = coll
	return r
}

func (bp *behaviourParser) labels(v any, ptr string) *Labels {
	m := bp.p.object(v, ptr, "field", "from", "resource", "replace")
	if m == nil {
		return nil
	}
	l := &Labels{Field: bp.p.str(m["field"], ptr+"/field"), From: bp.expr(m["from"], ptr+"/from", true),
		Resource: bp.p.str(m["resource"], ptr+"/resource")}
	bp.field(bp.coll, l.Field, ptr+"/field")
	if bp.api.Collections[l.Resource] == nil {
		bp.p.add(ptr+"/resource", "unknown collection %q: expected one of %s", l.Resource,
			strings.Join(slices.Sorted(maps.Keys(bp.api.Collections)), ", "))
	}
	if r, ok := m["replace"]; ok {
		l.Replace, _ = r.(bool)
	}
	return l
}

func (bp *behaviourParser) filter(field string, v any, ptr string) Filter {
	bp.field(bp.coll, field, ptr)
	f := Filter{Field: field}
	if s, ok := v.(string); ok {
		e := bp.expr(s, ptr, false)
		f.Equals = &e
		return f
	}
	m := bp.p.object(v, ptr, "equals", "anyOf", "from", "to", "contains")
	if len(m) == 0 {
		bp.p.add(ptr, "empty condition: expected equals, anyOf, from, to or contains")
	}
	for key, dst := range map[string]**Expr{"equals": &f.Equals, "anyOf": &f.AnyOf, "from": &f.From, "to": &f.To, "contains": &f.Contains} {
		if raw, ok := m[key]; ok {
			e := bp.expr(raw, ptr+"/"+key, false)
			*dst = &e
		}
	}
	return f
}

// field checks that name is a property of the collection's record schema.
func (bp *behaviourParser) field(c *Collection, name, ptr string) {
	if c == nil || c.Schema == nil {
		return
	}
	props := properties(c.Schema)
	if _, ok := props[name]; !ok {
		bp.p.add(ptr, "field %q is not a property of %s (collection %s): expected one of %s", name, schemaLabel(c),
			c.Name, strings.Join(slices.Sorted(maps.Keys(props)), ", "))
	}
}

func schemaLabel(c *Collection) string {
	if c.SchemaName != "" {
		return "schema " + c.SchemaName
	}
	return "its record schema"
}

// expr parses a value source and checks the reference against the document. needRef requires a reference.
func (bp *behaviourParser) expr(v any, ptr string, needRef bool) Expr {
	s, ok := v.(string)
	if !ok || !strings.HasPrefix(s, "$") {
		if needRef {
			bp.p.add(ptr, "expected a reference such as $body.name or $path.id, got %s", describe(v))
		}
		return Expr{Literal: v}
	}
	e := Expr{Ref: s}
	bp.checkRef(e, ptr)
	return e
}

// checkRef reports a reference to a name the operation or the collection lacks.
func (bp *behaviourParser) checkRef(e Expr, ptr string) {
	path := e.Path()
	switch root := e.Root(); root {
	case "path", "query", "header":
		if len(path) != 1 {
			bp.p.add(ptr, "%s: expected $%s.<name>", e.Ref, root)
			return
		}
		if root == "header" {
			return
		}
		if bp.param(root, path[0]) == nil {
			bp.p.add(ptr, "%s: the operation has no %s parameter %q", e.Ref, root, path[0])
		}
	case "body":
		if len(path) == 0 {
			return
		}
		props := properties(bp.bodySchema())
		if len(props) == 0 {
			bp.p.add(ptr, "%s: the operation has no JSON request body with properties", e.Ref)
			return
		}
		if _, ok := props[path[0]]; !ok {
			bp.p.add(ptr, "%s: the request body has no property %q: expected one of %s", e.Ref, path[0],
				strings.Join(slices.Sorted(maps.Keys(props)), ", "))
		}
	case "before", "after", "record":
		if len(path) > 0 {
			bp.field(bp.coll, path[0], ptr)
		}
	case "ref":
		if len(path) == 0 {
			bp.p.add(ptr, "%s: expected $ref.<name>", e.Ref)
			return
		}
		c, ok := bp.refs[path[0]]
		if !ok {
			bp.p.add(ptr, "%s: no ref named %q is declared under refs", e.Ref, path[0])
			return
		}
		if len(path) > 1 {
			bp.field(c, path[1], ptr)
		}
	case "labels":
		if len(path) != 1 || !slices.Contains([]string{"missing", "added", "all"}, path[0]) {
			bp.p.add(ptr, "%s: expected $labels.missing, $labels.added or $labels.all", e.Ref)
		}
	case "now", "nowUnix", "clientId", "userId", "list", "total":
		if len(path) > 0 {
			bp.p.add(ptr, "%s: $%s has no fields", e.Ref, root)
		}
	default:
		bp.p.add(ptr, "unknown value %s: expected $path, $query, $header, $body, $now, $nowUnix, $clientId, $userId, $ref, "+
			"$before, $after, $record, $list, $total or $labels", e.Ref)
	}
}

// template checks every reference in a response template.
func (bp *behaviourParser) template(v any, ptr string) {
	switch t := v.(type) {
	case map[string]any:
		for _, k := range slices.Sorted(maps.Keys(t)) {
			bp.template(t[k], ptr+"/"+escapePointer(k))
		}
	case []any:
		for i, item := range t {
			bp.template(item, fmt.Sprintf("%s/%d", ptr, i))
		}
	case string:
		if strings.HasPrefix(t, "$") {
			bp.checkRef(Expr{Ref: t}, ptr)
		}
	}
}

// param finds a parameter of the operation (operation level first, then path level).
func (bp *behaviourParser) param(in, name string) *openapi3.Parameter {
	return OperationParam(bp.op, in, name)
}

// OperationParam finds a parameter of op by location and name (operation level first, then path level).
func OperationParam(op *Operation, in, name string) *openapi3.Parameter {
	for _, list := range []openapi3.Parameters{op.Op.Parameters, op.Item.Parameters} {
		for _, ref := range list {
			if ref != nil && ref.Value != nil && ref.Value.In == in && ref.Value.Name == name {
				return ref.Value
			}
		}
	}
	return nil
}

func (bp *behaviourParser) bodySchema() *openapi3.SchemaRef { return RequestSchema(bp.op) }

// RequestSchema returns the request body schema of op (JSON, else a form or multipart body), or nil.
func RequestSchema(op *Operation) *openapi3.SchemaRef {
	rb := op.Op.RequestBody
	if rb == nil || rb.Value == nil {
		return nil
	}
	mt := jsonMedia(rb.Value.Content)
	if mt == nil {
		mt = rb.Value.Content.Get("application/x-www-form-urlencoded")
	}
	if mt == nil {
		mt = rb.Value.Content.Get("multipart/form-data")
	}
	if mt == nil {
		return nil
	}
	return mt.Schema
}

// jsonMedia returns application/json's media type, else the first other JSON one (application/vnd.x+json) in
// name order, or nil.
func jsonMedia(c openapi3.Content) *openapi3.MediaType {
	if mt := c.Get("application/json"); mt != nil {
		return mt
	}
	for _, name := range slices.Sorted(maps.Keys(c)) {
		if strings.HasSuffix(name, "+json") || strings.HasSuffix(name, "/json") {
			return c[name]
		}
	}
	return nil
}

// ResponseSchema returns the JSON schema of op's response for status (application/json, else another JSON
// type), or nil.
func ResponseSchema(op *Operation, status int) *openapi3.SchemaRef {
	r := op.Response(status)
	if r == nil {
		return nil
	}
	mt := jsonMedia(r.Content)
	if mt == nil {
		return nil
	}
	return mt.Schema
}

// properties returns the properties of an object schema, including those of allOf members.
func properties(s *openapi3.SchemaRef) map[string]*openapi3.SchemaRef {
	out := map[string]*openapi3.SchemaRef{}
	if s == nil || s.Value == nil {
		return out
	}
	maps.Copy(out, s.Value.Properties)
	for _, sub := range s.Value.AllOf {
		maps.Copy(out, properties(sub))
	}
	return out
}

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
		// (.../{id}/sources) the path itself.
		coll string
	}
	var cands []candidate
	paths := map[string]bool{}
	for _, op := range a.Operations {
		paths[op.Path] = true
	}
	for _, op := range a.Operations {
		if op.Ext != nil {
			continue
		}
		sh := shapeOf(op.Path)
		if sh.verb != "" && !strings.Contains(op.Path, "}:") && nestedCollection(a, op.Path) {
			// .../{id}/sources with .../{id}/sources/{x} or a list: a collection inside the record
			cands = append(cands, candidate{op: op, shape: pathShape{coll: op.Path, scope: scopeOf(op.Path)}, coll: op.Path})
			continue
		}
		cands = append(cands, candidate{op: op, shape: sh, coll: sh.coll})
	}
	names := collectionNames(a, cands, func(c candidate) string { return c.coll })
	idParam := map[string]string{} // collection template -> the parameter its items are named by
	for _, c := range cands {
		if _, seen := idParam[c.coll]; !seen && c.shape.param != "" {
			idParam[c.coll] = c.shape.param
		}
	}
	type pending struct {
		b    *Behaviour
		item string
	}
	var parents []pending
	for _, c := range cands {
		op, sh := c.op, c.shape
		name := names[c.coll]
		if name == "" {
			continue
		}
		schema := inferredRecord(a, c.coll)
		if schema == nil {
			continue
		}
		props := properties(schema)
		key := keyField(props, idParam[c.coll])
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
			b = &Behaviour{Action: ActionCreate, Merge: true}
		case sh.param == "" && op.Method == "GET":
			b = &Behaviour{Action: ActionList, ListField: inferredListWrap(op)}
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
		if b.Action == ActionCreate && b.AnswerGenerated {
			continue // a POST answering another thing than the record is not a create (a search, a batch)
		}
		if sh.param != "" {
			b.Lookup = []Match{{Field: key, Value: Expr{Ref: "$path." + sh.param}}}
		}
		b.Scope = sh.scope
		coll := a.Collections[name]
		if coll == nil {
			coll = &Collection{Name: name, Key: key, Schema: schema, IDs: "uuid", Inferred: true, Template: c.coll}
			if s := props[key]; s.Value != nil && s.Value.Type.Is("integer") {
				coll.IDs = "sequence"
			}
			a.Collections[name] = coll
		} else if !coll.Inferred || coll.Key != key {
			continue // a declared collection of that name is only used through x-standin
		}
		b.Resource, b.Inferred = name, true
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

// nestedCollection reports whether path (".../{id}/word") holds records of its own: an operation works on
// path/{x}, or its GET answers a list.
func nestedCollection(a *API, path string) bool {
	for _, op := range a.Operations {
		if strings.HasPrefix(op.Path, path+"/{") {
			return true
		}
		if op.Path == path && op.Method == "GET" {
			s := ResponseSchema(op, op.SuccessStatus())
			if isArraySchema(s) || inferredListWrap(op) != "" {
				return true
			}
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

// keyField chooses the record field an item's path parameter names: the parameter itself when the record has
// it, "number" for an "issue_number", else "id".
func keyField(props map[string]*openapi3.SchemaRef, param string) string {
	if _, ok := props[param]; ok && param != "" {
		return param
	}
	lower := strings.ToLower(param)
	for _, field := range []string{"number", "name", "key", "slug", "uuid"} {
		if _, ok := props[field]; ok && strings.HasSuffix(lower, field) && lower != field {
			return field
		}
	}
	if _, ok := props["id"]; ok {
		return "id"
	}
	return ""
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

// Names of the query parameters that page a list, as documents commonly call them.
var (
	limitParams  = []string{"limit", "per_page", "perPage", "page_size", "pageSize", "size", "max_results", "maxResults", "$top", "top"}
	offsetParams = []string{"offset", "skip", "$skip", "start"}
	pageParams   = []string{"page", "page_number", "pageNumber"}
	afterParams  = []string{"starting_after", "after", "startingAfter"}
	beforeParams = []string{"ending_before", "before", "endingBefore"}
)

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

// schemaAlternatives returns s itself when it has a type, else its anyOf and oneOf members that have one.
func schemaAlternatives(s *openapi3.SchemaRef) []*openapi3.Schema {
	if s == nil || s.Value == nil {
		return nil
	}
	if !s.Value.Type.IsEmpty() {
		return []*openapi3.Schema{s.Value}
	}
	var out []*openapi3.Schema
	for _, list := range []openapi3.SchemaRefs{s.Value.AnyOf, s.Value.OneOf} {
		for _, alt := range list {
			if alt != nil && alt.Value != nil && !alt.Value.Type.IsEmpty() {
				out = append(out, alt.Value)
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
// GET, else by a create, else the items of a list.
func inferredRecord(a *API, coll string) *openapi3.SchemaRef {
	var fromCreate, fromList *openapi3.SchemaRef
	for _, op := range a.Operations {
		sh := shapeOf(op.Path)
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

// recordOf returns the object schema of s: s itself, else its first anyOf/oneOf member that is an object
// with properties (Stripe answers a customer as anyOf [customer, deleted_customer]).
func recordOf(s *openapi3.SchemaRef) *openapi3.SchemaRef {
	if isObjectSchema(s) {
		return s
	}
	if s == nil || s.Value == nil {
		return nil
	}
	for _, list := range []openapi3.SchemaRefs{s.Value.AnyOf, s.Value.OneOf} {
		for _, alt := range list {
			if isObjectSchema(alt) && len(properties(alt)) > 0 {
				return alt
			}
		}
	}
	return nil
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

func isObjectSchema(s *openapi3.SchemaRef) bool {
	return s != nil && s.Value != nil && (s.Value.Type.Is("object") || len(s.Value.Properties) > 0)
}

func isArraySchema(s *openapi3.SchemaRef) bool {
	return s != nil && s.Value != nil && s.Value.Type.Is("array")
}
