package mock

import (
	"sync"

	"github.com/standin/standin/openapi"
)

// Compiled record checks. Seeding a collection from fixtures (or restoring it from a state file) checks every
// record with openapi.Collection.Check, kin-openapi's VisitJSON with neither VisitAsRequest nor VisitAsResponse:
// for 100,000 records that was 1.7 s of a 6 s start. A record is first offered to a checker compiled from the
// collection's schema in that mode (validate_compiled.go with compiler.record: readOnly and writeOnly neither
// forbid a property nor excuse a required one; kin-openapi's own string formats); only what it does not accept
// goes to Collection.Check, so every failure is reported exactly as before.

// recordCheck is a collection's compiled record checker, compiled at its first use (a large document's start
// does not pay for collections without records to check).
type recordCheck struct {
	once sync.Once
	c    *openapi.Collection
	ok   *checker // nil when the schema does not compile
}

// newRecordCheck prepares the compiled check of c's records; nil for an OpenAPI 3.1 document (JSON Schema
// 2020-12, which the checkers do not compile) or a collection without a schema.
func newRecordCheck(api *openapi.API, c *openapi.Collection) *recordCheck {
	if api.Doc == nil || api.Doc.IsOpenAPI31OrLater() || c.Schema == nil || c.Schema.Value == nil {
		return nil
	}
	return &recordCheck{c: c}
}

// compileRecordSchema compiles c's schema as Collection.Check applies it.
func compileRecordSchema(c *openapi.Collection) *checker {
	cc := &compiler{record: true, done: map[compileKey]*checker{}}
	return cc.value(c.Schema.Value)
}

// accepts reports whether the compiled checker accepts rec; false also when there is none.
func (rc *recordCheck) accepts(rec Record) bool {
	if rc == nil {
		return false
	}
	rc.once.Do(func() { rc.ok = compileRecordSchema(rc.c) })
	return rc.ok != nil && rc.ok.ok(rec)
}

// check is checkRecord with the compiled checker asked first.
func (rc *recordCheck) check(c *openapi.Collection, rec Record) error {
	if rec[c.Key] != nil && rc.accepts(rec) {
		return nil
	}
	return checkRecord(c, rec)
}
