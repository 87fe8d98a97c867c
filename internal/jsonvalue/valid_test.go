package jsonvalue

import (
	"encoding/json"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/standin/standin/internal/swar"
)

// validCases are texts on both sides of every rule of the grammar; Valid must answer as encoding/json.Valid does.
var validCases = []string{
	``, ` `, `null`, ` null `, `nul`, `nulls`, `true`, `false`, `tru`, `fals`, `True`,
	`0`, `-0`, `01`, `-`, `1.`, `1.5`, `.5`, `1e5`, `1E+5`, `1e-5`, `1e`, `1e+`, `-1.25e10`, `12345678901234567890`,
	`""`, `"a"`, `"a`, `"\"\\\/\b\f\n\r\t"`, `"\u00e9"`, `"\u00g9"`, `"\u12"`, `"\x"`, "\"\x01\"", "\"\x7f\"",
	"\"caf\xc3\xa9\"", "\"\xff\xfe\"", "\"a\tb\"", `"\`, `"\u`,
	`{}`, `{ }`, `{"a":1}`, `{"a":1,}`, `{"a" : [1, 2 ,3] , "b":{"c":null}}`, `{a:1}`, `{"a"}`, `{"a":}`, `{"a":1 "b":2}`,
	`[]`, `[ ]`, `[1,]`, `[,1]`, `[1 2]`, `[[[]]]`, `[[[]]`, `]`, `}`, `{"a":1}}`, `[1] [2]`, "\n\t\r [1] \n",
	`{"x":"` + strings.Repeat("y", 5000) + `"}`,
	strings.Repeat("[", 10000) + strings.Repeat("]", 10000),
	strings.Repeat("[", 10001) + strings.Repeat("]", 10001),
	strings.Repeat(`{"a":`, 10001) + "1" + strings.Repeat("}", 10001),
}

func TestValidAgreesWithEncodingJSON(t *testing.T) {
	for _, c := range validCases {
		require.Equal(t, json.Valid([]byte(c)), Valid([]byte(c)), "%.80q", c)
	}
}

func FuzzValid(f *testing.F) {
	for _, c := range validCases {
		f.Add([]byte(c))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if json.Valid(b) != Valid(b) {
			t.Fatalf("Valid(%q) = %v, encoding/json says %v", b, Valid(b), json.Valid(b))
		}
	})
}

func BenchmarkValid(b *testing.B) {
	doc := []byte(`{"additionalConcerns":"None raised.","assignedTo":"7869c1a9-a680-4086-b6f5-9e78a651f6f2","n":-1.5e3,"ok":true,"list":[1,2,{"x":null}]}`)
	b.ReportAllocs()
	for b.Loop() {
		if !Valid(doc) {
			b.Fatal("invalid")
		}
	}
}

// TestWordScan: the eight-bytes-at-a-time scan stops at the first byte to look at wherever it sits in a word.
func TestWordScan(t *testing.T) {
	for _, stop := range []byte{0x00, 0x1f, '"', '\\'} {
		for at := range 20 {
			s := []byte(strings.Repeat("a~ ", 10)[:24])
			s[at] = stop
			require.Equal(t, at, skipStringPlain(s, 0), "%q", s)
			require.Equal(t, at, skipASCIIPlain(string(s), 0), "%q", s)
		}
	}
	// Every length, stop place and starting place, with a byte to stop at just before the start too (the last
	// word may cover it): the scan finds the first stop from the start on, or the end.
	for n := 1; n <= 24; n++ {
		for at := 0; at <= n; at++ {
			for from := 0; from <= at; from++ {
				s := []byte(strings.Repeat("a~ ", 10)[:n])
				if at < n {
					s[at] = '"'
				}
				if from > 0 {
					s[from-1] = '\\'
				}
				require.Equal(t, at, skipStringPlain(s, from), "%q from %d", s, from)
				require.Equal(t, at, skipASCIIPlain(string(s), from), "%q from %d", s, from)
			}
		}
	}
	s := "abcdefghij\xc3\xa9"
	require.Equal(t, 10, skipASCIIPlain(s, 0))
	require.Equal(t, len(s), skipStringPlain([]byte(s), 0))
	require.Equal(t, 3, skipStringPlain([]byte("\x7f\x20!\x1f"), 0))
}

// TestASCIIStop: the shorter word test of the encoder's scan says "stop" for exactly the words stopBytes or a byte
// beyond ASCII stop: every byte at every place among plain bytes, every pair of bytes at two places (a borrow
// out of one byte into the next), and random words of bytes near the edges.
func TestASCIIStop(t *testing.T) {
	want := func(w uint64) bool { return stopBytes(w)|w&swar.Hi != 0 }
	check := func(w uint64) {
		if got := asciiStop(w) != 0; got != want(w) {
			t.Fatalf("asciiStop(%#016x) = %v, want %v", w, got, want(w))
		}
	}
	const plain = 0x6161616161616161 // "aaaaaaaa"
	for c := range 256 {
		for at := range 8 {
			check(plain&^(0xff<<(8*at)) | uint64(c)<<(8*at))
		}
	}
	for c := range 256 {
		for d := range 256 {
			w := plain&^0xffff | uint64(c) | uint64(d)<<8
			check(w)
			check(w << 48)
		}
	}
	edges := []byte{0x00, 0x01, 0x1f, 0x20, 0x21, '"', 0x23, '[', '\\', ']', 0x7e, 0x7f, 0x80, 0x81, 0xff}
	r := rand.New(rand.NewPCG(1, 2))
	for range 200000 {
		var w uint64
		for i := range 8 {
			w |= uint64(edges[r.IntN(len(edges))]) << (8 * i)
		}
		check(w)
		check(r.Uint64())
	}
}
