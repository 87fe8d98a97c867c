package openapi

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
)

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

func (bp *behaviourParser) bodySchema() *openapi3.SchemaRef { return RequestSchema(bp.op) }
