package mock

import (
	"encoding/json"
	"maps"
	"net/http"
	"slices"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/standin/standin/fault"
)

// mutationHeader names the response header that says which negative mock was applied.
const mutationHeader = "X-Standin-Mutation"

// undocumentedCandidates are the statuses tried, in order, for the undocumentedStatus mutation.
var undocumentedCandidates = []int{418, 299, 502, 503, 409, 410, 400, 500, 404}

// mutate breaks the real answer on purpose (a negative mock) and returns the status, headers and body to send.
// The mutation applies to the first field the documented schema makes it possible for; when no field fits
// (no required field, no enum), a field (or the whole body) gets the wrong type instead. The header
// X-Standin-Mutation names the mutation applied.
func mutate(ex *exchange, m fault.Mutation, status int, header http.Header, body []byte) (int, http.Header, []byte) {
	if status == 0 {
		status = http.StatusOK
	}
	header = header.Clone()
	if header.Get("Content-Type") == "" {
		header.Set("Content-Type", "application/json")
	}
	header.Set(mutationHeader, string(m))
	if m == fault.MutUndocumentedStatus {
		for _, st := range undocumentedCandidates {
			if ex.op == nil || !ex.op.Documents(st) {
				return st, header, body
			}
		}
		return 599, header, body
	}
	v, ok := decodeJSON(body)
	if !ok {
		v = nil
	}
	schema := responseSchema(ex, status)
	var done bool
	switch m {
	case fault.MutMissingRequired:
		v, done = dropRequired(v, schema)
	case fault.MutEnumOutside:
		v, done = outsideEnum(v, schema)
	}
	if !done {
		v = wrongType(v, schema)
		if m != fault.MutWrongType {
			header.Set(mutationHeader, string(fault.MutWrongType)+"; no field fits "+string(m))
		}
	}
	out, err := json.Marshal(v)
	if err != nil {
		out = []byte(`"standin-wrong-type"`)
	}
	return status, header, out
}

// responseSchema is the documented JSON schema of the operation's answer with status, nil when none.
func responseSchema(ex *exchange, status int) *openapi3.Schema {
	if ex.op == nil {
		return nil
	}
	resp := ex.op.Response(status)
	if resp == nil {
		return nil
	}
	mt := resp.Content.Get("application/json")
	if mt == nil || mt.Schema == nil {
		return nil
	}
	return mt.Schema.Value
}

// dropRequired removes the first required property (in the schema's order) present in the object, else looks
// into its properties (sorted) and into the first element of an array.
func dropRequired(v any, s *openapi3.Schema) (any, bool) {
	switch x := v.(type) {
	case map[string]any:
		if s == nil {
			return v, false
		}
		for _, name := range requiredOf(s) {
			if _, ok := x[name]; ok {
				delete(x, name)
				return x, true
			}
		}
		props := propertiesOf(s)
		for _, name := range slices.Sorted(maps.Keys(props)) {
			if val, ok := x[name]; ok {
				if out, ok := dropRequired(val, props[name]); ok {
					x[name] = out
					return x, true
				}
			}
		}
	case []any:
		if len(x) > 0 && s != nil && s.Items != nil {
			if out, ok := dropRequired(x[0], s.Items.Value); ok {
				x[0] = out
				return x, true
			}
		}
	}
	return v, false
}

// requiredOf lists the required properties of s and of its allOf parts.
func requiredOf(s *openapi3.Schema) []string {
	out := slices.Clone(s.Required)
	for _, part := range s.AllOf {
		if part.Value != nil {
			out = append(out, requiredOf(part.Value)...)
		}
	}
	return out
}

// propertiesOf gives the property schemas of s and of its allOf parts.
func propertiesOf(s *openapi3.Schema) map[string]*openapi3.Schema {
	out := map[string]*openapi3.Schema{}
	for name, ref := range s.Properties {
		if ref != nil && ref.Value != nil {
			out[name] = ref.Value
		}
	}
	for _, part := range s.AllOf {
		if part.Value != nil {
			maps.Copy(out, propertiesOf(part.Value))
		}
	}
	return out
}

// outsideEnum sets the first present field whose schema has an enum to a value outside it, searching depth
// first in sorted property order.
func outsideEnum(v any, s *openapi3.Schema) (any, bool) {
	if s == nil {
		return v, false
	}
	switch x := v.(type) {
	case map[string]any:
		props := propertiesOf(s)
		for _, name := range slices.Sorted(maps.Keys(props)) {
			val, ok := x[name]
			if !ok {
				continue
			}
			if len(props[name].Enum) > 0 {
				x[name] = notIn(props[name].Enum)
				return x, true
			}
			if out, ok := outsideEnum(val, props[name]); ok {
				x[name] = out
				return x, true
			}
		}
	case []any:
		if len(x) > 0 && s.Items != nil {
			if out, ok := outsideEnum(x[0], s.Items.Value); ok {
				x[0] = out
				return x, true
			}
		}
	}
	return v, false
}

// notIn returns a value of the enum's type that the enum does not list.
func notIn(enum []any) any {
	if _, isNum := enum[0].(float64); isNum {
		n := 0.0
		for _, e := range enum {
			if f, ok := e.(float64); ok && f >= n {
				n = f + 1
			}
		}
		return n
	}
	return "standin-outside-enum"
}

// wrongType gives the first property (sorted) of an object a value of another JSON type, or the whole value
// when it is not an object.
func wrongType(v any, s *openapi3.Schema) any {
	if x, ok := v.(map[string]any); ok && len(x) > 0 {
		name := slices.Sorted(maps.Keys(x))[0]
		if s != nil {
			if props := propertiesOf(s); len(props) > 0 {
				for _, p := range slices.Sorted(maps.Keys(props)) {
					if _, ok := x[p]; ok {
						name = p
						break
					}
				}
			}
		}
		x[name] = otherType(x[name])
		return x
	}
	return otherType(v)
}

func otherType(v any) any {
	switch v.(type) {
	case string:
		return 12345
	case nil:
		return 12345
	}
	return "standin-wrong-type"
}
