package fake

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/require"
)

// explosiveSchema builds a document whose schema Root is shaped by the fuzzer: how it recurses (kind), through
// how many levels, with which bounds and whether the recursive step can be left out (required, nullable).
//
//	kind 0: object whose property points back at Root        kind 1: array of Root
//	kind 2: Root is allOf [Root, ...] (self-composition)      kind 3: nested arrays, depth levels deep
//	kind 4: object with minProperties and additionalProperties  kind 5: oneOf [Root, string]
func explosiveSchema(kind, depth uint8, lo, hi uint32, required, nullable bool) string {
	self := `{"$ref":"#/components/schemas/Root"}`
	var root string
	switch kind % 6 {
	case 0:
		req := ""
		if required {
			req = `"required":["next","other"],`
		}
		root = fmt.Sprintf(`{"type":"object","nullable":%t,%s"properties":{"next":%s,"other":%s,"n":{"type":"integer"}}}`, nullable, req, self, self)
	case 1:
		root = fmt.Sprintf(`{"type":"array","nullable":%t,"minItems":%d,"maxItems":%d,"items":%s}`, nullable, lo, max(lo, hi), self)
	case 2:
		root = fmt.Sprintf(`{"allOf":[%s,{"type":"object"}]}`, self)
	case 3:
		inner := `{"type":"string","maxLength":` + fmt.Sprint(hi) + `}`
		for range depth%8 + 1 {
			inner = fmt.Sprintf(`{"type":"array","minItems":%d,"maxItems":%d,"uniqueItems":%t,"items":%s}`, lo, max(lo, hi), required, inner)
		}
		root = inner
	case 4:
		root = fmt.Sprintf(`{"type":"object","minProperties":%d,"maxProperties":%d,"additionalProperties":{"type":"array","minItems":%d,"items":%s}}`,
			lo, max(lo, hi), depth%4, self)
	case 5:
		root = fmt.Sprintf(`{"oneOf":[%s,{"type":"string"}]}`, self)
	}
	return `{"openapi":"3.0.3","info":{"title":"fuzz","version":"1"},"paths":{},"components":{"schemas":{"Root":` + root + `}}}`
}

// FuzzGenerateExplosive: whatever the schema's shape, Generate returns a value no larger than its budget (or an
// error), never hangs or crashes; when CheckDoc finds nothing wrong and Generate succeeds, the value is valid.
func FuzzGenerateExplosive(f *testing.F) {
	f.Add(uint8(0), uint8(0), uint32(0), uint32(0), true, false)    // required self-reference, two of them
	f.Add(uint8(0), uint8(0), uint32(0), uint32(0), true, true)     // the same, nullable: a way out
	f.Add(uint8(0), uint8(0), uint32(0), uint32(0), false, false)   // optional self-reference
	f.Add(uint8(1), uint8(0), uint32(1), uint32(5), false, false)   // array of itself, minItems 1
	f.Add(uint8(1), uint8(0), uint32(0), uint32(1e9), false, false) // huge maxItems
	f.Add(uint8(2), uint8(0), uint32(0), uint32(0), false, false)   // allOf itself
	f.Add(uint8(3), uint8(3), uint32(65536), uint32(65536), false, false)
	f.Add(uint8(3), uint8(2), uint32(3), uint32(1e9), true, false)
	f.Add(uint8(4), uint8(1), uint32(1e8), uint32(1e9), false, false) // minProperties 100,000,000
	f.Add(uint8(5), uint8(0), uint32(0), uint32(0), false, false)     // oneOf itself
	const budget = 2000
	g := New(Options{MaxValues: budget, MaxBytes: 32 << 10})
	f.Fuzz(func(t *testing.T, kind, depth uint8, lo, hi uint32, required, nullable bool) {
		lo, hi = min(lo, 1<<30), min(hi, 1<<30)
		doc, err := openapi3.NewLoader().LoadFromData([]byte(explosiveSchema(kind, depth, lo, hi, required, nullable)))
		require.NoError(t, err)
		problems := CheckDoc(doc, budget)
		root := doc.Components.Schemas["Root"]
		v, err := g.Generate(root, "fuzz", Hint{Direction: Response})
		data, merr := json.Marshal(v)
		require.NoError(t, merr)
		require.Less(t, len(data), budget*40+(32<<10), "the value stays within the budget")
		if len(problems) == 0 && err == nil {
			require.NoError(t, root.Value.VisitJSON(v, openapi3.VisitAsResponse()))
		}
	})
}
