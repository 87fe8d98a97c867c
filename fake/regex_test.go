package fake_test

import (
	"fmt"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/require"

	"github.com/standin/standin/fake"
	ecma "github.com/standin/standin/openapi/pattern"
)

// TestECMAPatterns pins that patterns only an ECMA-262 engine compiles (look-around, repeat counts above
// RE2's 1000, identity escapes) still give values that match them.
func TestECMAPatterns(t *testing.T) {
	tests := []struct {
		name    string
		pattern string
		minLen  uint64
		maxLen  *uint64
	}{
		{"negative look-ahead and a long repeat", `^(?!-)[a-z0-9-]{1,63}(?<!-)$`, 0, nil},
		{"repeat count over 1000", `^[a-zA-Z0-9_.-]{0,1023}$`, 0, nil},
		{"AWS arn", `^arn:aws(-[\w]+)*:[a-z0-9-]+:[a-z0-9-]*:[0-9]{12}:(?!aws)[a-zA-Z0-9\-_/]{1,1023}$`, 0, nil},
		{"identity escape", `^[a-z]\_[0-9]{2}$`, 0, nil},
		{"positive look-ahead with lengths", `^(?=.*[0-9])[a-z0-9]{8,2048}$`, 8, new(uint64(12))},
		{"empty negated class", `^[^]{3}$`, 0, nil},
	}
	g := fake.New(fake.Options{Now: clock})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			re, err := ecma.Compile(tt.pattern)
			require.NoError(t, err)
			s := &openapi3.Schema{Type: &openapi3.Types{"string"}, Pattern: tt.pattern, MinLength: tt.minLen, MaxLength: tt.maxLen}
			for i := range 20 {
				v, err := g.Generate(openapi3.NewSchemaRef("", s), fmt.Sprint(i), fake.Hint{})
				require.NoError(t, err)
				str, ok := v.(string)
				require.True(t, ok, "%T", v)
				require.True(t, re.MatchString(str), "%q does not match %s", str, tt.pattern)
			}
		})
	}
}
