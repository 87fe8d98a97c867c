package mock

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestKeyPatternsAsPathMatch: the sorted-out forbidden-key patterns answer as path.Match does, for literal,
// final-star and other patterns (a malformed one matches nothing, as before).
func TestKeyPatternsAsPathMatch(t *testing.T) {
	patterns := []string{"cc_forbidden_*", "exact-key", "a*b", "k?y", "[ab]x", `esc\*`, "*", "bad[", "", "slash/*", "p*"}
	keys := []string{"cc_forbidden_1", "cc_forbidden_", "cc_forbidden_a/b", "cc_forbid", "exact-key", "exact-key2",
		"ab", "axxb", "key", "kxy", "ax", "cx", `esc*`, "esc", "", "slash/x", "slash/x/y", "p", "p/q", "pq", "bad["}
	for _, p := range patterns {
		kp := compileKeyPatterns([]string{p})
		for _, k := range keys {
			require.Equal(t, matchesAny([]string{p}, k), kp.match(k), "pattern %q key %q", p, k)
		}
	}
	all := compileKeyPatterns(patterns)
	for _, k := range keys {
		require.Equal(t, matchesAny(patterns, k), all.match(k), "key %q", k)
	}
}

// TestHeaderValueKeysCanonical: the keys headerValue reads directly are in canonical form, so that it answers
// as Header.Get.
func TestHeaderValueKeysCanonical(t *testing.T) {
	h := http.Header{}
	for _, name := range []string{"Content-Type", "Origin", "Authorization"} {
		require.Equal(t, http.CanonicalHeaderKey(name), name)
		h.Set(name, "v-"+name)
		require.Equal(t, h.Get(name), headerValue(h, name))
	}
	require.Empty(t, headerValue(h, "Accept"))
}
