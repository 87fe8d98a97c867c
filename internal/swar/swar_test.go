package swar

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestAgainstBytes: on words of random and chosen bytes, Load and LoadBytes read the same word, Zero finds a
// byte equal to c exactly when there is one, and Below finds a byte below n in words without high bits.
func TestAgainstBytes(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		var b [8]byte
		for i := range b {
			b[i] = []byte{0, 1, '"', '=', ' ', 0x1f, 0x20, 0x21, 0x7f, 'a', byte(r.IntN(256))}[r.IntN(11)]
		}
		w := LoadBytes(b[:], 0)
		require.Equal(t, w, Load(string(b[:]), 0))
		for _, c := range []byte{0, '"', '=', 0x7f, 'a'} {
			has := false
			for _, x := range b {
				has = has || x == c
			}
			require.Equal(t, has, Zero(w^Lo*uint64(c)) != 0, "%q has %q", b, c)
		}
		if w&Hi == 0 {
			for _, n := range []byte{0x20, 0x21, 0x80} {
				has := false
				for _, x := range b {
					has = has || x < n
				}
				require.Equal(t, has, Below(w, n) != 0, "%q below %#x", b, n)
			}
		}
	}
}
