package mock

import (
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/require"

	"github.com/standin/standin/openapi/pattern"
)

// bundledPatterns lists the patterns of every schema the bundled APIs' operations reach.
func bundledPatterns(t testing.TB) []string {
	seen := map[string]bool{}
	var walk func(s *openapi3.Schema, visited map[*openapi3.Schema]bool)
	walk = func(s *openapi3.Schema, visited map[*openapi3.Schema]bool) {
		if s == nil || visited[s] {
			return
		}
		visited[s] = true
		if s.Pattern != "" {
			seen[s.Pattern] = true
		}
		for _, p := range s.Properties {
			walk(p.Value, visited)
		}
		for _, refs := range []openapi3.SchemaRefs{s.AllOf, s.AnyOf, s.OneOf} {
			for _, r := range refs {
				walk(r.Value, visited)
			}
		}
		for _, r := range []*openapi3.SchemaRef{s.Items, s.Not, s.AdditionalProperties.Schema} {
			if r != nil {
				walk(r.Value, visited)
			}
		}
	}
	for _, api := range engineAPIs(t) {
		for _, sr := range api.Doc.Components.Schemas {
			walk(sr.Value, map[*openapi3.Schema]bool{})
		}
		for _, op := range api.Operations {
			for _, params := range []openapi3.Parameters{op.Item.Parameters, op.Op.Parameters} {
				for _, p := range params {
					if p.Value != nil && p.Value.Schema != nil {
						walk(p.Value.Schema.Value, map[*openapi3.Schema]bool{})
					}
				}
			}
		}
	}
	out := make([]string, 0, len(seen))
	for p := range seen {
		out = append(out, p)
	}
	return out
}

// TestSimplePatternMatchesEngine requires the engine-free matcher to answer as openapi/pattern does, on strings
// built from each pattern's own sequences and on their mutations, for the bundled APIs' patterns and some more;
// and patterns it must leave to the engine.
func TestSimplePatternMatchesEngine(t *testing.T) {
	patterns := append(bundledPatterns(t),
		`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`,
		`^[A-Z]{2}[0-9]{4}$`, `^(a|bc)d$`, `^(?:ab|a)$`, `^$`, `^.$`, `^[^a-z]{2}$`, `^(x|y|z){3}$`, `^\d{3}-\d{4}$`,
		`^é{2}$`, `^[\x{1F600}-\x{1F64F}]$`)
	alphabet := []string{"", "0", "9", "a", "f", "g", "A", "F", "Z", "-", " ", "\n", "é", "\xff", "😀", "_"}
	compiled := 0
	for _, src := range patterns {
		sp := compileSimplePattern(src)
		if sp == nil {
			continue
		}
		compiled++
		re, err := pattern.Compile(src)
		require.NoError(t, err, src)
		var inputs []string
		for _, seq := range sp.alts {
			var b strings.Builder
			for _, rs := range seq {
				b.WriteRune(rs[0])
			}
			base := []rune(b.String())
			inputs = append(inputs, string(base), string(base)+"x", "\n"+string(base), string(base)+"\n")
			for i := range base {
				for _, a := range alphabet {
					inputs = append(inputs, string(base[:i])+a+string(base[i+1:]))
				}
				inputs = append(inputs, string(base[:i])+string(base[i:i+1])+string(base[i:]))
			}
		}
		for _, in := range inputs {
			require.Equal(t, re.MatchString(in), sp.MatchString(in), "pattern %q, input %q", src, in)
		}
	}
	require.Greater(t, compiled, 5, "too few patterns compiled")
	for _, src := range []string{`^a+$`, `^a?$`, `abc`, `^abc`, `^(?i)abc$`, `^\bab$`, `^\u0041$`, `^(?!-)[a-z]$`, `^a{1,3}$`} {
		require.Nil(t, compileSimplePattern(src), src)
	}
}
