//go:build corpus

package mock

import (
	"context"
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers"
	"github.com/stretchr/testify/require"

	"github.com/standin/standin/fake"
	"github.com/standin/standin/internal/corpus"
	"github.com/standin/standin/openapi"
)

// TestCompiledMatchesKinCorpus compares the compiled checks with kin-openapi on public descriptions: for every
// JSON request body schema that compiles, a value generated for it and its mutations (each property left out, set
// to a value of every JSON type, an unknown property added, the same one level down); for every compiled simple
// parameter, a generated value and some strings. The compiled verdict must equal kin-openapi's every time.
//
//	go test -tags corpus -run TestCompiledMatchesKinCorpus ./mock/ -v
//
// COMPILED_DOCS (comma-separated files) replaces the default documents: Stripe's and GitHub's descriptions.
func TestCompiledMatchesKinCorpus(t *testing.T) {
	docs := []string{corpus.Stripe(), corpus.GitHub()}
	if v := os.Getenv("COMPILED_DOCS"); v != "" {
		docs = strings.Split(v, ",")
	}
	g := fake.New(fake.Options{Seed: 1})
	for _, file := range docs {
		t.Run(file[strings.LastIndex(file, "/")+1:], func(t *testing.T) {
			api, err := openapi.LoadFile(context.Background(), file)
			if err != nil {
				t.Skipf("standin refuses the document, so never serves it: %v", err)
			}
			if api.Doc.IsOpenAPI31OrLater() {
				t.Skip("OpenAPI 3.1: nothing compiles")
			}
			var bodies, values, params, strs int
			for _, op := range api.Operations {
				if rb := op.Op.RequestBody; rb != nil && rb.Value != nil {
					for mt, media := range rb.Value.Content {
						if !isJSONMedia(strings.ToLower(mt)) || media.Schema == nil || media.Schema.Value == nil {
							continue
						}
						c := compileSchema(media.Schema.Value, true)
						if c == nil {
							continue
						}
						bodies++
						v, err := g.Generate(media.Schema, api.Name+"/"+op.ID, fake.Hint{Direction: fake.Request})
						if err != nil {
							continue
						}
						for _, m := range mutations(v, 2) {
							values++
							kinErr := kinVerdict(media.Schema.Value, m, true)
							require.Equal(t, kinErr == nil, c.ok(m), "%s %s: value %s: openapi3filter says %v",
								op.ID, mt, shortText(m), kinErr)
						}
					}
				}
				route := &routers.Route{Spec: api.Doc, Path: op.Path, PathItem: op.Item, Method: op.Method, Operation: op.Op}
				for _, ps := range []openapi3.Parameters{op.Item.Parameters, op.Op.Parameters} {
					for _, ref := range ps {
						if ref == nil || ref.Value == nil {
							continue
						}
						pc := compileParam(ref.Value)
						if pc == nil {
							continue
						}
						params++
						fs := fuzzSchema{param: ref.Value, pc: pc, route: route}
						raws := []string{"x", "0", "-1", "1.5", "true", "2024-01-02", "a@b.co", strings.Repeat("z", 300)}
						if v, err := g.Generate(ref.Value.Schema, api.Name+"/"+op.ID+"/"+ref.Value.Name,
							fake.Hint{Name: ref.Value.Name, Direction: fake.Request}); err == nil {
							raws = append(raws, fmt.Sprint(v))
						}
						for _, raw := range raws {
							strs++
							fast, err := paramVerdicts(fs, raw)
							require.Equal(t, err == nil, fast, "%s %s %q: openapi3filter says %v", op.ID, ref.Value.Name, raw, err)
						}
					}
				}
			}
			t.Logf("%d compiled JSON bodies, %d values; %d compiled parameters, %d values", bodies, values, params, strs)
		})
	}
}

// mutations returns v and values close to it: each property of an object left out, set to a value of each JSON
// type, an unknown property added; each array with its first item replaced so; recursively to depth.
func mutations(v any, depth int) []any {
	out := []any{v}
	if depth == 0 {
		return out
	}
	others := []any{nil, "x", 1.5, float64(-1), true, []any{}, map[string]any{}}
	switch x := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		with := func(k string, nv any, drop bool) map[string]any {
			m := make(map[string]any, len(x)+1)
			for kk, vv := range x {
				m[kk] = vv
			}
			if drop {
				delete(m, k)
			} else {
				m[k] = nv
			}
			return m
		}
		out = append(out, with("zz_unknown", "x", false))
		for _, k := range keys {
			out = append(out, with(k, nil, true))
			for _, o := range others {
				out = append(out, with(k, o, false))
			}
			for _, inner := range mutations(x[k], depth-1)[1:] {
				out = append(out, with(k, inner, false))
			}
		}
	case []any:
		if len(x) > 0 {
			for _, o := range append(others, mutations(x[0], depth-1)[1:]...) {
				cp := append([]any{o}, x[1:]...)
				out = append(out, cp)
			}
			out = append(out, append(append([]any{}, x...), x[0]))
		}
	}
	return out
}

// shortText is a value as printed by %v, cut at 300 bytes for a failure message.
func shortText(v any) string {
	s := fmt.Sprintf("%v", v)
	if len(s) > 300 {
		s = s[:300] + "…"
	}
	return s
}
