package contracttest

import (
	"encoding/json"
	"net/http"
	"net/url"
	"testing"
)

// FuzzEvalExpr feeds runtime expressions and response bodies to the link resolver: it never panics, and a
// body pointer that resolves gives a value that is part of the body.
func FuzzEvalExpr(f *testing.F) {
	f.Add("$response.body#/pet/id", `{"pet":{"id":"p-1"}}`)
	f.Add("$response.body#/0/inquiry", `[{"inquiry":"x"}]`)
	f.Add("$request.path.id", `{}`)
	f.Add("$response.body#/a~1b/~0", `{"a/b":{"~":1}}`)
	f.Add("$response.body#/9999999999999999999", `[1]`)
	f.Add("$url", `null`)
	f.Fuzz(func(t *testing.T, expr, body string) {
		var v any
		if json.Unmarshal([]byte(body), &v) != nil {
			return
		}
		d := &exchangeData{req: &request{pathParams: map[string]string{"id": "7"}, query: url.Values{}, header: http.Header{}}, header: http.Header{}, body: v}
		got, err := evalExpr(expr, d)
		if err != nil {
			return
		}
		if _, err := json.Marshal(got); err != nil {
			t.Fatalf("%q resolved to a value that is not JSON: %v", expr, err)
		}
	})
}

// FuzzBodyMutations breaks constraints of PetInput starting from arbitrary valid bodies: every mutation must
// fail validation with only its own rule.
func FuzzBodyMutations(f *testing.F) {
	f.Add(`{"name":"Rex","kind":"dog","age":3,"tag":"good"}`)
	f.Add(`{"name":"x","kind":"cat"}`)
	f.Add(`{"name":"abcdefghijklmnopqrst","kind":"cat","age":0,"tag":null}`)
	api, err := loadPetsF()
	if err != nil {
		f.Fatal(err)
	}
	schema := api.Doc.Components.Schemas["PetInput"].Value
	f.Fuzz(func(t *testing.T, body string) {
		var v any
		if json.Unmarshal([]byte(body), &v) != nil || schema.VisitJSON(v) != nil {
			return
		}
		for _, m := range bodyMutations(schema, v, requestOpts) {
			mutated := setAt(deepCopy(v), m.ptr, m.value, m.drop)
			if !breaksOnly(schema.VisitJSON(mutated, requestOpts...), m.rule) {
				t.Fatalf("mutation %s of %s does not break only %s", m.name(), body, m.rule)
			}
		}
	})
}
