package mock

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/standin/standin/mock/state"
	"github.com/standin/standin/openapi"
)

// IDsHeader lets one request choose how standin treats ids never created, for behaviour inferred from paths:
// "strict" answers notFound (404 where documented), "generate" materialises a record for the id. Without it the
// session's setting (PUT /__standin/settings {"ids": ...}) decides, then the server's Config.StrictIDs and the
// document's x-standin ids.
const IDsHeader = "X-Standin-Ids"

// strictIDs reports whether an unknown id is not found (rather than materialised) for this request. Strict ids
// apply only where the operation documents the notFound answer they would give: elsewhere the record is
// materialised, so that a write and the next read agree rather than a generated answer forgetting the write.
func (br *behaviourRun) strictIDs() bool {
	if !strictRequest(br.s, br.rt, br.ex, br.r) {
		return false
	}
	status, documented := br.ex.documentsError(br.missingKind())
	if !documented && br.waived == "" {
		br.waived = fmt.Sprintf("strict ids, but %s %s documents no %d: a record never created is materialised",
			br.ex.op.Method, br.ex.op.Path, status)
	}
	return documented
}

// strictRequest reports whether the request asks for strict ids: its X-Standin-Ids header, else its session's
// setting, else Config.StrictIDs or the document's x-standin ids.
func strictRequest(s *Server, rt *apiRuntime, ex *exchange, r *http.Request) bool {
	switch strings.ToLower(strings.TrimSpace(headerValue(r.Header, IDsHeader))) { // IDsHeader is canonical
	case "strict":
		return true
	case "generate":
		return false
	}
	if sess := ex.session; sess != nil {
		switch sess.idsSetting() {
		case "strict":
			return true
		case "generate":
			return false
		}
	}
	return s.cfg.StrictIDs || rt.api.Ext.StrictIDs
}

// missingKind is the error kind of a record not found: the behaviour's Missing kind, notFound by default.
func (br *behaviourRun) missingKind() string {
	if br.b.Missing.Kind != "" {
		return br.b.Missing.Kind
	}
	return "notFound"
}

// materialises reports whether a lookup of an unknown key makes the record (Behaviour.Materialise, not strict).
func (br *behaviourRun) materialises() bool {
	return br.b.Materialise && (br.putCreates() || !br.strictIDs())
}

// putCreates reports whether the request is an inferred PUT on an item: it creates the record its path names
// when there is none (strict ids or not, and after a delete too), as PUT does over HTTP, with the body's values.
func (br *behaviourRun) putCreates() bool {
	return br.b.Inferred && br.b.Action == openapi.ActionUpdate && br.ex.op.Method == http.MethodPut
}

// scopePrefix is the start of the keys of the records the request's enclosing ids name: a record of
// /customers/{customer}/tax_ids is stored under "<customer>/<id>". Empty for a collection at the top.
func (br *behaviourRun) scopePrefix() string {
	if len(br.b.Scope) == 0 {
		return ""
	}
	var sb strings.Builder
	for _, name := range br.b.Scope {
		sb.WriteString(url.PathEscape(br.ex.params[name]))
		sb.WriteByte('/')
	}
	return sb.String()
}

// deletedOf names the hidden collection that remembers the keys deleted from coll, so that a deleted record is
// not materialised again.
func deletedOf(coll string) string { return coll + "#deleted" }

// materialise answers a read of key (already scoped) that was never written: a record generated from the
// collection's schema for that key (the same for the same seed, collection and key), with the key field set to
// the requested id and the enclosing ids in the fields they name. It is stored so later reads and lists agree.
// A key that was deleted, or that does not fit the key field's schema, is not found.
func (br *behaviourRun) materialise(key string) *bFailure {
	if deleted, err := br.tx.Has(deletedOf(br.qcoll), key); err != nil {
		return internal(err)
	} else if deleted && !br.putCreates() {
		return br.missing()
	} else if deleted {
		if err := br.tx.Delete(deletedOf(br.qcoll), key); err != nil {
			return internal(err)
		}
	}
	id := strings.TrimPrefix(key, br.scopePrefix())
	typed := br.typed(br.coll.Key, id)
	if ks := br.coll.Schema.Value.Properties[br.coll.Key]; ks != nil && ks.Value != nil &&
		ks.Value.VisitJSON(typed, br.rt.api.SchemaOptions()...) != nil {
		// The path names records by something the record's key field cannot hold (GitHub's /users/{username}
		// against an integer id): answer the documented response rather than a 404 the vendor would not give.
		return &bFailure{kind: "notFound", generate: true, reason: fmt.Sprintf(
			"%s %q does not fit the %s field of collection %s, so the documented response answers",
			br.ex.op.Path, id, br.coll.Key, br.coll.Name)}
	}
	rec, ok := br.s.gen.Value(br.coll.Schema, br.qcoll+"/"+key).(map[string]any)
	if !ok {
		return br.missing()
	}
	rec[br.coll.Key] = typed
	br.setScopeFields(rec)
	if err := br.tx.Put(br.qcoll, key, rec); err != nil {
		return internal(err)
	}
	br.key, br.before = key, deepCopyRecord(rec)
	br.materialised = true
	return nil
}

// setScopeFields writes the enclosing ids into the record fields of the same name (a tax id's customer).
func (br *behaviourRun) setScopeFields(rec Record) {
	props := br.coll.Schema.Value.Properties
	for _, name := range br.b.Scope {
		if p := props[name]; p != nil && p.Value != nil && name != br.coll.Key {
			if v := br.typed(name, br.ex.params[name]); p.Value.VisitJSON(v, br.rt.api.SchemaOptions()...) == nil {
				rec[name] = v
			}
		}
	}
}

// markDeleted remembers a deleted key of a materialising behaviour.
func (br *behaviourRun) markDeleted() *bFailure {
	if !br.b.Materialise {
		return nil
	}
	if err := br.tx.Put(deletedOf(br.qcoll), br.key, Record{}); err != nil {
		return internal(err)
	}
	return nil
}

// forgetDeleted lets a key created again be found again.
func (br *behaviourRun) forgetDeleted() *bFailure {
	if !br.b.Inferred {
		return nil
	}
	if err := br.tx.Delete(deletedOf(br.qcoll), br.key); err != nil && !errors.Is(err, ErrNotFound) {
		return internal(err)
	}
	return nil
}

// invoke runs an item action (POST /invoices/{id}/void): the record must exist (or materialise); the fields
// Set names change and are stored.
func (br *behaviourRun) invoke() *bFailure {
	if f := br.find(); f != nil {
		return f
	}
	if len(br.b.Set) == 0 {
		br.after = br.beforeRecord()
		return nil
	}
	return br.writeFields(false)
}

// maxIDTries bounds the search for an unused generated id.
const maxIDTries = 1000

// newID makes the key of the n-th record created in a collection: derived from the seed, the API, the
// collection and n, so the same requests give the same ids in any session and any run. A key the collection
// already has moves on to n+1. The id fits the key field's schema: a UUID, unless the schema asks for a
// pattern, another format or a shorter string, which the generator then meets.
func (br *behaviourRun) newID(n int, taken func(string) bool) (any, string) {
	var ks *openapi3.Schema
	if p := br.coll.Schema.Value.Properties[br.coll.Key]; p != nil {
		ks = openapi.KeySchema(p) // the type and pattern of an allOf-wrapped field (AWS documents)
	}
	for i := range maxIDTries {
		seq := n + i
		var id string
		if ks != nil && ks.Type.Is("string") && (ks.Pattern != "" || ks.Format != "" && ks.Format != "uuid" ||
			ks.MaxLength != nil && *ks.MaxLength < 36) {
			id = text(br.s.gen.Value(br.coll.Schema.Value.Properties[br.coll.Key], "id/"+br.qcoll+"/"+strconv.Itoa(seq)))
		} else {
			id = seededUUID(br.s.cfg.Seed, br.qcoll, seq)
		}
		if !taken(id) {
			return id, id
		}
	}
	id := seededUUID(br.s.cfg.Seed, br.qcoll+"/overflow", n)
	return id, id
}

// seededUUID is a version-8 UUID made from the seed, a collection and a sequence number.
func seededUUID(seed uint64, coll string, seq int) string {
	h := fnv.New128a()
	var buf [16]byte
	binary.BigEndian.PutUint64(buf[:8], seed)
	binary.BigEndian.PutUint64(buf[8:], uint64(seq))
	_, _ = h.Write(buf[:])
	_, _ = h.Write([]byte(coll))
	var b [16]byte
	copy(b[:], h.Sum(nil))
	b[6] = b[6]&0x0f | 0x80
	b[8] = b[8]&0x3f | 0x80
	return formatUUID(b)
}

// page takes the window of a list the request asks for: after or before a cursor record, then an offset or a
// page number, then a limit (the parameter's default when absent). It sets br.hasMore.
func (br *behaviourRun) page(p *openapi.Page, recs []Record, keys []string) []Record {
	prefix := br.scopePrefix()
	cursor := func(e *openapi.Expr) int {
		if e == nil {
			return -1
		}
		v, ok := br.value(*e)
		if !ok || v == nil || text(v) == "" {
			return -1
		}
		for i, k := range keys {
			if k == prefix+text(v) {
				return i
			}
		}
		return -2 // a cursor naming no record: nothing comes after it
	}
	limit := br.pageValue(p.Limit, len(recs))
	if limit <= 0 && br.b.Inferred {
		// A page size of 0 asks for the server's default (Google's pageSize, most "limit"s): a page of nothing
		// with a next-page token would send a client's pager round forever. A declared page (x-standin) takes
		// 0 as written.
		limit = br.pageDefault(p.Limit, len(recs))
	}
	limit = max(limit, 0)
	switch after, before := cursor(p.After), cursor(p.Before); {
	case after == -2 || before == -2:
		return nil
	case after >= 0:
		recs = recs[after+1:]
	case before >= 0:
		recs = recs[:before]
		start := max(len(recs)-limit, 0)
		br.hasMore = start > 0
		return recs[start:]
	}
	offset := br.pageValue(p.Offset, 0)
	if p.Number != nil {
		offset = (br.pageValue(p.Number, p.NumberBase) - p.NumberBase) * limit
	}
	offset = min(max(offset, 0), len(recs))
	end := min(offset+limit, len(recs))
	br.hasMore = end < len(recs)
	return recs[offset:end]
}

// inferredAnswer is the body of an inferred behaviour whose answer is not simply the record: a list inside the
// operation's documented envelope (its has_more and total fields filled), or the operation's own documented
// response with the record's key copied in.
func (br *behaviourRun) inferredAnswer(status int) any {
	rp := br.ex.plan.lookup(status)
	var doc any
	switch {
	case rp != nil && br.b.Action == openapi.ActionList && br.b.ListField != "":
		_, doc = br.rt.renderList(br.ex, rp, br.b.ListField) // the page goes into ListField below
	case rp != nil:
		_, doc = br.rt.render(br.ex, rp)
	}
	body, ok := deepCopy(doc).(map[string]any)
	if !ok {
		if br.b.Action == openapi.ActionList {
			return map[string]any{br.b.ListField: br.list}
		}
		return doc
	}
	var schema *openapi3.SchemaRef
	if rp != nil && rp.media != nil {
		schema = rp.media.Schema
	}
	props := map[string]*openapi3.SchemaRef{}
	var required []string
	if schema != nil && schema.Value != nil {
		props, required = schema.Value.Properties, schema.Value.Required
	}
	if br.b.Action == openapi.ActionList {
		body[br.b.ListField] = br.atLeastMinItems(status, br.list, br.b.ListField)
		for _, name := range []string{"has_more", "hasMore", "more"} {
			if p := props[name]; p != nil && p.Value != nil && p.Value.Type.Is("boolean") {
				body[name] = br.hasMore
			}
		}
		if !br.hasMore {
			// the last page names no next one: a generated token would send a client's pager round forever
			for _, name := range []string{"nextPageToken", "next_page_token"} {
				if p := props[name]; p != nil && p.Value != nil && p.Value.Type.Is("string") && !slices.Contains(required, name) {
					delete(body, name)
				}
			}
		}
		for _, name := range []string{"total_count", "totalCount", "total", "count"} {
			if p := props[name]; p != nil && p.Value != nil && (p.Value.Type.Is("integer") || p.Value.Type.Is("number")) {
				body[name] = float64(br.total)
			}
		}
		return body
	}
	if br.b.Operation != nil {
		// an operation about the record (Google's long-running Operation), not a summary of it
		return br.finishOperation(body, required)
	}
	rec := br.afterRecord()
	if rec == nil {
		rec = br.beforeRecord()
	}
	if rec != nil {
		// An answer that is not the record itself (AWS's CreateEntity answers entityId, arn and state) carries
		// the record's values for the fields it shares with it, so the answer and the next read agree.
		for name, p := range props {
			v, ok := rec[name]
			if ok && p != nil && p.Value != nil && p.Value.VisitJSON(v, br.rt.api.SchemaOptions()...) == nil {
				body[name] = v
			}
		}
	}
	if br.b.Action == openapi.ActionUpdate {
		return echoWritten(br.ex, status, schema, body)
	}
	return body
}

// mergeField is the value an inferred create or update stores for a body field: the body's value merged into
// the record's (objects key by key), alone, or merged into a value generated for the field, whichever first
// validates against the record's schema for that field. ok is false when none does: a request shape that is
// not the record's (Stripe's capabilities[card_payments][requested]=true against a status string, "" to unset
// an array), and the record keeps what it has.
func (br *behaviourRun) mergeField(field string, old, v any) (any, bool) {
	ps := propertySchema(br.coll.Schema.Value, field)
	if ps == nil || ps.Value == nil {
		return deepCopy(v), true
	}
	candidates := []any{}
	if old != nil {
		candidates = append(candidates, mergeValue(old, v))
	}
	candidates = append(candidates, deepCopy(v))
	if _, isObject := v.(map[string]any); isObject {
		candidates = append(candidates, mergeValue(br.s.gen.ValueNamed(ps, br.qcoll+"/"+br.key+"/"+field, field), v))
	}
	for _, c := range candidates {
		if ps.Value.VisitJSON(c, br.rt.api.SchemaOptions()...) == nil {
			return c, true
		}
	}
	return nil, false
}

// applyNested writes the body's fields that the record holds one level down (Behaviour.Nested: Azure's PATCH
// {"displayName": …} into properties.displayName), each merged into its holder on its own, so that a value the
// record cannot hold leaves the others written.
func (br *behaviourRun) applyNested(rec recordWrite, body map[string]any) {
	if len(br.b.Nested) == 0 {
		return
	}
	for _, field := range slices.Sorted(maps.Keys(br.b.Nested)) {
		v, ok := body[field]
		if !ok {
			continue
		}
		holder := br.b.Nested[field]
		old, _ := rec.get(holder)
		if merged, ok := br.mergeField(holder, old, map[string]any{field: v}); ok {
			rec.set(holder, merged)
		}
	}
}

// mergeValue merges patch into base: objects key by key (recursively), anything else replaced. It copies.
func mergeValue(base, patch any) any {
	b, bok := base.(map[string]any)
	p, pok := patch.(map[string]any)
	if !bok || !pok {
		return deepCopy(patch)
	}
	out := deepCopy(b).(map[string]any)
	for k, v := range p {
		out[k] = mergeValue(out[k], v)
	}
	return out
}

// checkParent answers notFound, with strict ids, for a request under a record that does not exist (POST
// /repos/o/r/issues/99/labels when issue 99 was never created): every ancestor (openapi.Ancestors) must exist.
func (br *behaviourRun) checkParent() *bFailure {
	if !br.strictIDs() {
		return nil
	}
	if b := br.b; len(b.Lookup) == 1 && b.Lookup[0].Field == br.coll.Key && b.Action != openapi.ActionCreate {
		// A record that exists vouches for the records above it: a write that materialised it (where no 404
		// is documented) is found by the next read.
		if v, ok := br.value(b.Lookup[0].Value); ok {
			found, err := br.tx.Has(br.qcoll, br.scopePrefix()+keyText(br.coll, text(v)))
			if err != nil {
				return internal(err)
			}
			if found {
				return nil
			}
		}
	}
	missing, err := missingAncestor(br.rt, br.ex, br.tx)
	if err != nil {
		return internal(err)
	}
	if missing {
		return br.missing()
	}
	return nil
}

// ancestorsOf is openapi.Ancestors of op, computed once per runtime.
func (rt *apiRuntime) ancestorsOf(op *openapi.Operation) []openapi.Parent {
	if v, ok := rt.ancestors.Load(op); ok {
		return v.([]openapi.Parent)
	}
	list := openapi.Ancestors(rt.api, op)
	rt.ancestors.Store(op, list)
	return list
}

// missingAncestor reports whether a record the request's path names on its way does not exist.
func missingAncestor(rt *apiRuntime, ex *exchange, tx *state.Tx) (bool, error) {
	for _, p := range rt.ancestorsOf(ex.op) {
		var key strings.Builder
		for _, name := range p.Scope {
			key.WriteString(url.PathEscape(ex.params[name]))
			key.WriteByte('/')
		}
		key.WriteString(keyText(rt.api.Collections[p.Resource], ex.params[p.Param]))
		found, err := tx.Has(qualify(rt.api.Name, p.Resource), key.String())
		if err != nil {
			return false, err
		}
		if !found {
			return true, nil
		}
	}
	return false, nil
}

// guardAncestors answers notFound, with strict ids and where the operation documents it, for an operation
// without a behaviour whose path names a record that does not exist (GET /repos/o/r/commits/x/status for a
// repository never created). It reports whether it answered.
func (s *Server) guardAncestors(rt *apiRuntime, ex *exchange, w http.ResponseWriter, r *http.Request) bool {
	if len(rt.ancestorsOf(ex.op)) == 0 || ex.session.state == nil || !strictRequest(s, rt, ex, r) {
		return false
	}
	if _, documented := ex.documentsError("notFound"); !documented {
		return false
	}
	var missing bool
	err := ex.session.state.View(r.Context(), func(tx *state.Tx) error {
		var err error
		missing, err = missingAncestor(rt, ex, tx)
		return err
	})
	if err != nil || !missing {
		return false
	}
	ex.writeVendorError(w, "behaviour", "notFound", nil, map[string]any{})
	return true
}
