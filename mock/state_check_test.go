package mock

import (
	"encoding/json"
	"maps"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestRecordCheckMatchesKin offers the compiled record checker every seeded record of the bundled APIs (their
// fixtures topped up with generated records) and, for each, variants with one field removed, nulled or given a
// value of another type, and the same one level down (a field of a nested object, an item of an array):
// whatever it accepts, Collection.Check (kin-openapi) must accept too. The bundled records themselves must be accepted by the compiled checker where the schema compiles, or it saves nothing.
func TestRecordCheckMatchesKin(t *testing.T) {
	_, srv := stateServer(t, Config{Records: 30, Seed: 3}, WithClock(newStateClock()))
	seed := srv.state.hub.Seed()
	odd := []any{nil, "x", "", 1.5, 7.0, -1.0, true, []any{}, []any{"x", 1.0}, map[string]any{}, map[string]any{"k": "v"}}
	compiled := 0
	for _, name := range slices.Sorted(maps.Keys(srv.state.colls)) {
		c := srv.state.colls[name]
		rc := srv.state.checks[c]
		t.Run(name, func(t *testing.T) {
			comp := rc != nil && compileRecordSchema(c) != nil
			if comp {
				compiled++
			}
			for i, e := range seed[name] {
				if comp {
					require.True(t, rc.accepts(e.Record), "record %d is valid but not accepted: %v", i, e.Record)
				}
				variants := []map[string]any{e.Record}
				for _, k := range slices.Sorted(maps.Keys(e.Record)) {
					gone := maps.Clone(e.Record)
					delete(gone, k)
					variants = append(variants, gone)
					for _, v := range odd {
						other := maps.Clone(e.Record)
						other[k] = v
						variants = append(variants, other)
					}
					switch inner := e.Record[k].(type) {
					case map[string]any: // one level down: a field of a nested object changed or removed
						for _, ik := range slices.Sorted(maps.Keys(inner)) {
							for _, v := range append(odd, "removed") {
								changed := maps.Clone(inner)
								if v == "removed" {
									delete(changed, ik)
								} else {
									changed[ik] = v
								}
								other := maps.Clone(e.Record)
								other[k] = changed
								variants = append(variants, other)
							}
						}
					case []any: // an item of an array replaced
						for i := range inner {
							for _, v := range odd {
								changed := slices.Clone(inner)
								changed[i] = v
								other := maps.Clone(e.Record)
								other[k] = changed
								variants = append(variants, other)
							}
						}
					}
				}
				for _, v := range variants {
					if rc.accepts(v) {
						require.NoError(t, c.Check(v), "compiled accepted what kin-openapi rejects: %s", jsonText(v))
					}
				}
			}
		})
	}
	t.Logf("%d of %d collections compiled", compiled, len(srv.state.colls))
	require.Positive(t, compiled, "no bundled collection compiled")
}

func jsonText(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
