package mock

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/standin/standin/openapi"
)

// explosiveDoc is a one-operation document answering GET /thing with the schema root (JSON) and, when body is
// set, taking it as a request body of POST /thing.
func explosiveDoc(root string) string {
	return `{"openapi":"3.0.3","info":{"title":"explosive","version":"1"},
"paths":{"/thing":{
  "get":{"operationId":"getThing","responses":{"200":{"description":"ok","content":{"application/json":{"schema":{"$ref":"#/components/schemas/Root"}}}}}},
  "post":{"operationId":"postThing","requestBody":{"required":true,"content":{"application/json":{"schema":{"$ref":"#/components/schemas/Root"}}}},
          "responses":{"200":{"description":"ok"},"400":{"description":"bad"}}}}},
"components":{"schemas":{"Root":` + root + `}}}`
}

// TestIssue13ExplosiveSpecs: each schema that killed the server in the audit is refused at load with its pointer,
// and schemas with a way out or large upper bounds are served, the server answering within its budget.
func TestIssue13ExplosiveSpecs(t *testing.T) {
	self := `{"$ref":"#/components/schemas/Root"}`
	refused := []struct{ name, root, msg string }{
		{"allOf itself", `{"allOf":[` + self + `,{"type":"object"}]}`, "contains itself through allOf"},
		{"required self-reference", `{"type":"object","required":["a","b"],"properties":{"a":` + self + `,"b":` + self + `}}`, "every value must contain another one"},
		{"arrays of arrays with minItems 65536", `{"type":"array","minItems":65536,"items":{"type":"array","minItems":65536,"items":{"type":"string"}}}`, "budget"},
		{"minProperties 100000000", `{"type":"object","minProperties":100000000,"additionalProperties":{"type":"string"}}`, "budget"},
	}
	for _, tt := range refused {
		t.Run(tt.name, func(t *testing.T) {
			_, err := openapi.LoadData(context.Background(), "explosive.json", []byte(explosiveDoc(tt.root)))
			require.ErrorContains(t, err, "/components/schemas/Root")
			require.ErrorContains(t, err, tt.msg)
		})
	}
	served := []struct{ name, root string }{
		{"optional self-reference", `{"type":"object","properties":{"a":` + self + `,"n":{"type":"integer"}}}`},
		{"nullable required self-reference", `{"type":"object","nullable":true,"required":["a","b"],"properties":{"a":` + self + `,"b":` + self + `}}`},
		{"array of itself", `{"type":"array","items":` + self + `}`},
		{"huge maxItems", `{"type":"array","maxItems":1000000000,"uniqueItems":true,"items":{"type":"array","maxItems":1000000000,"items":{"type":"integer"}}}`},
		{"huge maxProperties", `{"type":"object","maxProperties":1000000000,"additionalProperties":` + self + `}`},
		{"wide but bounded", `{"type":"array","minItems":300,"items":{"type":"array","minItems":300,"items":{"type":"integer"}}}`},
	}
	for _, tt := range served {
		t.Run(tt.name, func(t *testing.T) {
			api, err := openapi.LoadData(context.Background(), "explosive.json", []byte(explosiveDoc(tt.root)))
			require.NoError(t, err)
			ts, srv := engineServer(t, Config{}, []*openapi.API{api})
			resp := engineDo(t, ts, "GET", "/thing", "")
			require.Equal(t, 200, resp.status, "%s", resp.body)
			require.Less(t, len(resp.body), 16<<20)
			engineCheckResponse(t, api, "", resp)
			resp = engineDo(t, ts, "POST", "/thing", strings.Repeat("[", 10000))
			require.Equal(t, 400, resp.status)
			_ = srv
			require.Equal(t, 200, engineDo(t, ts, "GET", AdminPrefix+"health", "").status, "the server still answers")
		})
	}
}

// FuzzServeExplosive builds a document whose response and request schema recurse, nest and bound as the fuzzer
// says, then serves it. Properties: a document either fails to load with a located error or is served; a served
// one answers GET and POST without a 5xx, with a bounded body, and keeps answering.
func FuzzServeExplosive(f *testing.F) {
	f.Add(uint8(0), uint32(0), uint32(0), true, false, "{}")
	f.Add(uint8(0), uint32(0), uint32(0), true, true, `{"a":null,"b":null}`)
	f.Add(uint8(1), uint32(1), uint32(3), false, false, "[[]]")
	f.Add(uint8(1), uint32(0), uint32(1e9), false, false, "[]")
	f.Add(uint8(2), uint32(0), uint32(0), false, false, "{}")
	f.Add(uint8(3), uint32(65536), uint32(65536), false, false, "[]")
	f.Add(uint8(3), uint32(2), uint32(1e9), true, false, "[[1],[2]]")
	f.Add(uint8(4), uint32(1e8), uint32(1e9), false, false, `{"x":[]}`)
	f.Add(uint8(5), uint32(0), uint32(0), false, false, `"s"`)
	f.Fuzz(func(t *testing.T, kind uint8, lo, hi uint32, required, nullable bool, body string) {
		lo, hi = min(lo, 1<<30), min(hi, 1<<30)
		self := `{"$ref":"#/components/schemas/Root"}`
		var root string
		switch kind % 6 {
		case 0:
			req := ""
			if required {
				req = `"required":["a","b"],`
			}
			root = fmt.Sprintf(`{"type":"object","nullable":%t,%s"properties":{"a":%s,"b":%s}}`, nullable, req, self, self)
		case 1:
			root = fmt.Sprintf(`{"type":"array","minItems":%d,"maxItems":%d,"items":%s}`, lo, max(lo, hi), self)
		case 2:
			root = `{"allOf":[` + self + `,{"type":"object"}]}`
		case 3:
			root = fmt.Sprintf(`{"type":"array","minItems":%d,"maxItems":%d,"items":{"type":"array","minItems":%d,"items":{"type":"integer"}}}`, lo, max(lo, hi), lo)
		case 4:
			root = fmt.Sprintf(`{"type":"object","minProperties":%d,"additionalProperties":{"type":"array","items":%s}}`, lo, self)
		case 5:
			root = `{"oneOf":[` + self + `,{"type":"string"}]}`
		}
		api, err := openapi.LoadData(context.Background(), "fuzz.json", []byte(explosiveDoc(root)))
		if err != nil {
			require.Contains(t, err.Error(), "/components/schemas/Root")
			return
		}
		ts, _ := engineServer(t, Config{MaxBody: 64 << 10}, []*openapi.API{api})
		for _, r := range []struct{ method, body string }{{"GET", ""}, {"POST", body}} {
			resp := engineDo(t, ts, r.method, "/thing", r.body)
			require.Less(t, resp.status, 500, "%s %s", r.method, resp.body)
			require.Less(t, len(resp.body), 16<<20)
		}
		require.Equal(t, http.StatusOK, engineDo(t, ts, "GET", AdminPrefix+"health", "").status)
	})
}
