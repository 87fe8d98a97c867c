package mock

import (
	"encoding/json"
	"net/http"

	"github.com/getkin/kin-openapi/openapi3"
)

// echoWritten makes the answer of a write that standin keeps no record for (an operation without behaviour, an
// id the inferred collection's key cannot hold, an update answering another schema than the record's) show the
// values the client wrote: every top-level field of the JSON object body that the response schema of status
// also has, with a value valid there, replaces the generated or example value. A PATCH of {"description": "x"}
// answers description "x", as the real API would. The answer is kept as it was when the result would no
// longer validate against the response schema (a oneOf the written fields make ambiguous). Only PUT and PATCH
// answers change (a POST may be a search or an action whose answer is not the thing written), and never one
// chosen with Prefer: example= or dynamic=true.
func echoWritten(ex *exchange, status int, schema *openapi3.SchemaRef, body any) any {
	if ex == nil || ex.op == nil || (ex.op.Method != http.MethodPut && ex.op.Method != http.MethodPatch) ||
		status < 200 || status >= 300 || ex.preferExample != "" || ex.preferDynamic || schema == nil || schema.Value == nil {
		return body
	}
	answer, ok := body.(map[string]any)
	if !ok {
		return body
	}
	written, ok := ex.bodyValue.(map[string]any)
	if !ok && len(ex.body) > 0 && (ex.bodyValue == nil) {
		var v any
		if json.Unmarshal(ex.body, &v) == nil {
			written, ok = v.(map[string]any)
		}
	}
	if !ok || len(written) == 0 {
		return body
	}
	opts := ex.api.api.SchemaOptions()
	var out map[string]any
	for k, v := range written {
		ps := propertySchema(schema.Value, k)
		if ps == nil || ps.Value == nil || ps.Value.ReadOnly || ps.Value.WriteOnly {
			continue
		}
		if _, declared := schema.Value.Properties[k]; !declared && !hasAllOfProperty(schema.Value, k) {
			continue // only fields the answer documents, not any additionalProperties
		}
		if ps.Value.VisitJSON(v, opts...) != nil {
			continue
		}
		if out == nil {
			out = make(map[string]any, len(answer)+len(written))
			for ak, av := range answer {
				out[ak] = av
			}
		}
		out[k] = deepCopy(v)
	}
	if out == nil {
		return body
	}
	if schema.Value.VisitJSON(answer, opts...) == nil && schema.Value.VisitJSON(out, opts...) != nil {
		return body
	}
	return out
}

// hasAllOfProperty reports whether one of s's allOf parts declares property name.
func hasAllOfProperty(s *openapi3.Schema, name string) bool {
	for _, r := range s.AllOf {
		if p := derefSchema(r); p != nil && (p.Properties[name] != nil || hasAllOfProperty(p, name)) {
			return true
		}
	}
	return false
}
