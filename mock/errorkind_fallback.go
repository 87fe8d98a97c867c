package mock

import "fmt"

// answerKind returns the error kind a failure of kind is answered as: kind itself when it has no fallback in the
// error kind table (openapi.ErrorKind.Fallback), when the API declares a shape for it, or when the operation
// documents one of its preferred statuses exactly or by a range; else its fallback, resolved the same way, as
// long as the fallback's answer is declared or documented (a "default" response counts for the fallback only).
// So a duplicate key answers 409 where the operation documents 409, else what a validation failure gets there
// (Aelyst's declared 400, Stripe's 400 through "default"), else standin's plain 409.
func (ex *exchange) answerKind(kind string) string {
	for range 8 { // the table test pins that fallback chains end; the bound keeps a bad table from looping
		k := errorKind(kind)
		if k.Fallback == "" || ex.documentsKindStatus(kind) {
			return kind
		}
		if _, declared := ex.api.shape(k.Fallback); !declared {
			if _, documented := ex.documentsError(k.Fallback); !documented {
				return kind
			}
		}
		kind = k.Fallback
	}
	return kind
}

// documentsKindStatus reports whether the API declares a shape for kind or the operation documents one of the
// kind's preferred statuses exactly or by a range.
func (ex *exchange) documentsKindStatus(kind string) bool {
	if _, declared := ex.api.shape(kind); declared {
		return true
	}
	if ex.plan == nil {
		return false
	}
	for _, st := range errorKind(kind).Prefer {
		if ex.plan.responses[st] != nil || ex.plan.ranges[st/100] != nil {
			return true
		}
	}
	return false
}

// conflictFailure is the answer to a create whose key (or typed identifier) field already names a record: the
// conflict kind, or the kind it falls back to where the operation does not document 409 (answerKind). The
// message names the field and the value; a declared shape may also use $key and $value.
func (br *behaviourRun) conflictFailure(field string, value any) *bFailure {
	return &bFailure{kind: br.ex.answerKind("conflict"), vars: map[string]any{
		"message": fmt.Sprintf("a record with %s %s already exists", field, text(value)),
		"key":     field, "value": value, "errors": []any{}}}
}
