package main

import (
	"testing"

	"github.com/standin/standin/internal/swar"
)

// TestPlainWordBytes: plainWord says yes for a word only when every byte is one appendText writes as it is; each
// byte value is tried at each position among plain neighbours.
func TestPlainWordBytes(t *testing.T) {
	for pos := 0; pos < 8; pos++ {
		for c := 0; c < 256; c++ {
			w := []byte("abcdefgh")
			w[pos] = byte(c)
			got := plainWord(swar.LoadBytes(w, 0))
			if want := textClass[c] == 0; got != want {
				t.Fatalf("byte %#x at %d: plainWord %v, want %v", c, pos, got, want)
			}
		}
	}
}

// FuzzAppendText holds appendText's word-at-a-time pass to the byte loop it shortens.
func FuzzAppendText(f *testing.F) {
	for _, s := range []string{"", "carecycle", "/v2/inquiries/497f6eca-6276-4993-bfeb-53cbbbba6f08/assign",
		"a b", "x=y", `q"`, "tab\there", "é", "\x7f", "0123456789abcdef!"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var class uint8
		for i := 0; i < len(s); i++ {
			class |= textClass[s[i]]
		}
		got, ok := appendText(nil, s)
		switch {
		case s == "":
			if string(got) != `""` || !ok {
				t.Fatalf("empty: %q %v", got, ok)
			}
		case class&textOther != 0:
			if ok {
				t.Fatalf("%q: written though not printable ASCII", s)
			}
		case class != 0:
			if !ok || len(got) == len(s) {
				t.Fatalf("%q: not quoted (%q)", s, got)
			}
		default:
			if !ok || string(got) != s {
				t.Fatalf("%q: written as %q", s, got)
			}
		}
	})
}
