package mock

import (
	"slices"
	"strings"

	"github.com/standin/standin/openapi"
)

// nameCreated gives a created record the key openapi.KeyFrom says: the id of the query parameter it names
// (?urlListId=u1), and for a Google resource name the parent's name before it ("projects/p/locations/l" +
// "/urlLists/" + "u1"). Without the query parameter, a name the body gives under that parent is kept, and any
// other gets a new id there. Nothing changes without KeyFrom, or without the query value for a plain key (the
// body's key, else a new one, as for any create).
func (br *behaviourRun) nameCreated(rec Record) *bFailure {
	kf := br.b.KeyFrom
	if kf == nil {
		return nil
	}
	id := ""
	if kf.Query != "" {
		if v, ok := br.value(openapi.Expr{Ref: "$query." + kf.Query}); ok && v != nil {
			id = text(v)
		}
	}
	if kf.Parent == "" {
		if id != "" {
			rec[br.coll.Key] = br.typed(br.coll.Key, id)
		}
		return nil
	}
	under := br.ex.params[kf.Parent] + "/" + kf.Segment + "/"
	if id == "" {
		if given, ok := rec[br.coll.Key].(string); ok {
			if rest, found := strings.CutPrefix(given, under); found && rest != "" && !strings.Contains(rest, "/") {
				return nil
			}
		}
		scoped := br.scopePrefix() + under
		n, err := br.tx.CountIn(br.qcoll, scoped)
		if err != nil {
			return internal(err)
		}
		_, id = br.newID(n, func(k string) bool {
			inUse, _ := br.tx.Has(br.qcoll, scoped+k)
			return inUse
		})
	}
	rec[br.coll.Key] = under + id
	return nil
}

// finishOperation makes the documented operation a write answers (openapi.LongRunning) say what the write did:
// done, with the record as its response (an empty result for a delete), typed when the schema asks for it,
// and without an error unless the schema requires one. body is the answer's own copy.
func (br *behaviourRun) finishOperation(body map[string]any, required []string) map[string]any {
	lr := br.b.Operation
	if lr.Done != "" {
		body[lr.Done] = true
	}
	if lr.Error != "" && !slices.Contains(required, lr.Error) {
		delete(body, lr.Error)
	}
	if lr.Response != "" {
		result := map[string]any{}
		if br.b.Action != openapi.ActionDelete && br.afterRecord() != nil {
			result = deepCopy(map[string]any(br.after)).(map[string]any)
		}
		if lr.TypeURL != "" {
			result["@type"] = lr.TypeURL
		}
		body[lr.Response] = result
	}
	return body
}
