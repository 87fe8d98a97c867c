package pattern

import (
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/require"
)

func TestCompile(t *testing.T) {
	tests := []struct {
		pattern   string
		re2       bool
		match, no []string
	}{
		{`^[a-z]+$`, true, []string{"abc"}, []string{"ab1"}},
		{`^\u00e9+$`, true, []string{"éé"}, []string{"e"}},
		{`^(?!-)[a-z0-9-]{1,63}$`, false, []string{"a-b"}, []string{"-ab", ""}},
		{`^[a-z]{0,1023}$`, false, []string{"", strings.Repeat("a", 1023)}, []string{strings.Repeat("a", 1024)}},
		{`^(?<=a)b|^\d+(?=px)`, false, []string{"12px"}, []string{"12em"}},
		{`^\p{L}+$`, true, []string{"Ünïcode"}, []string{"a1"}},
		{`^(a)\1$`, false, []string{"aa"}, []string{"ab"}},
	}
	for _, tt := range tests {
		t.Run(tt.pattern, func(t *testing.T) {
			re, err := Compile(tt.pattern)
			require.NoError(t, err)
			require.Equal(t, tt.re2, re.RE2())
			require.Equal(t, tt.pattern, re.String())
			for _, s := range tt.match {
				require.True(t, re.MatchString(s), "%q", s)
			}
			for _, s := range tt.no {
				require.False(t, re.MatchString(s), "%q", s)
			}
		})
	}
}

func TestCompileRefuses(t *testing.T) {
	for _, p := range []string{`^(abc$`, `[z-a]`, `a**`} {
		t.Run(p, func(t *testing.T) {
			_, err := Compile(p)
			require.ErrorContains(t, err, "not an ECMA-262 regular expression")
			_, err = Compiler(p)
			require.Error(t, err)
			m, err := Lenient(p)
			require.NoError(t, err)
			require.True(t, m.MatchString("anything"), "an invalid pattern constrains nothing when serving")
		})
	}
}

// TestHostilePatternEnds pins that catastrophic backtracking ends at the match timeout as no match instead of
// stalling the caller.
func TestHostilePatternEnds(t *testing.T) {
	re, err := Compile(`^(?=a)(a+)+$`)
	require.NoError(t, err)
	require.False(t, re.RE2())
	require.False(t, re.MatchString(strings.Repeat("a", 64)+"!"))
	require.True(t, re.MatchString("aaaa"))
}

// TestKinOpenAPIUsesIt pins the plumbing into kin-openapi's schema validation.
func TestKinOpenAPIUsesIt(t *testing.T) {
	s := &openapi3.Schema{Type: &openapi3.Types{"string"}, Pattern: `^(?!x)[a-z]{1,2000}$`}
	require.NoError(t, s.VisitJSON("abc", openapi3.SetSchemaRegexCompiler(Compiler)))
	require.Error(t, s.VisitJSON("xbc", openapi3.SetSchemaRegexCompiler(Compiler)))
}
