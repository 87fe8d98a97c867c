package fake

import (
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// hostnameRE is the expression isHostname replaced; the tests hold isHostname to it.
var hostnameRE = regexp.MustCompile(`^[a-zA-Z0-9]([a-zA-Z0-9\-]{0,61}[a-zA-Z0-9])?(\.[a-zA-Z0-9]([a-zA-Z0-9\-]{0,61}[a-zA-Z0-9])?)*$`)

func hostnameByExpression(v string) bool { return len(v) <= 253 && hostnameRE.MatchString(v) }

func TestIsHostname(t *testing.T) {
	label63 := strings.Repeat("a", 63)
	long := strings.Repeat(label63+".", 4)[:253] // 253 bytes, every label 63 or fewer
	for _, tc := range []struct {
		v    string
		want bool
	}{
		{"example.com", true},
		{"a", true},
		{"a-b.c-d.e", true},
		{"xn--bcher-kva.example", true},
		{"1.2.3.4", true},
		{label63 + ".com", true},
		{long, true},
		{"", false},
		{".", false},
		{"example.com.", false},
		{".example.com", false},
		{"a..b", false},
		{"-a.com", false},
		{"a-.com", false},
		{"a.-b", false},
		{"exa_mple.com", false},
		{"exa mple.com", false},
		{"bücher.example", false},
		{label63 + "a.com", false},
		{long + "a", false},
	} {
		t.Run(tc.v, func(t *testing.T) {
			require.Equal(t, tc.want, isHostname(tc.v))
			require.Equal(t, hostnameByExpression(tc.v), isHostname(tc.v), "isHostname and the expression disagree")
		})
	}
}

func FuzzIsHostname(f *testing.F) {
	for _, s := range []string{"example.com", "a-.b", "a..b", strings.Repeat("ab.", 90), strings.Repeat("x", 64), "é.com"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		if got, want := isHostname(v), hostnameByExpression(v); got != want {
			t.Fatalf("isHostname(%q) = %v, the expression says %v", v, got, want)
		}
	})
}
