package jsonvalue

// Word-at-a-time scanning (package swar): eight bytes are tested together for the bytes a JSON string cannot
// hold as they are (control characters, '"', '\\') and, when asked, for bytes beyond ASCII.

import "github.com/standin/standin/internal/swar"

// stopBytes reports (non-zero) whether w holds a control character, a quote or a backslash.
func stopBytes(w uint64) uint64 {
	return (w-swar.Lo*0x20)&^w&swar.Hi | swar.Zero(w^swar.Lo*'"') | swar.Zero(w^swar.Lo*'\\')
}

// asciiStop reports (non-zero) whether w holds a byte a JSON string does not hold as itself or one beyond ASCII:
// stopBytes(w)|w&swar.Hi, in fewer steps. Bytes beyond ASCII are stops, so the zero-byte tests need not exclude
// them; a borrow carries into the next byte only from a byte that is itself a stop.
func asciiStop(w uint64) uint64 {
	q := w ^ (swar.Lo * '"')
	bs := w ^ (swar.Lo * '\\')
	return (w | (w - swar.Lo*0x20) | (q - swar.Lo) | (bs - swar.Lo)) & swar.Hi
}

// skipASCIIPlain returns the index of the first byte of s from i on that is not printable ASCII other than '"'
// and '\\' (len(s) when there is none).
func skipASCIIPlain(s string, i int) int {
	for ; i+8 <= len(s); i += 8 {
		if asciiStop(swar.Load(s, i)) != 0 {
			goto bytewise
		}
	}
	// Fewer than eight bytes remain: one word ending at the end covers them (and bytes before i, which can only
	// make it fail).
	if i < len(s) && len(s) >= 8 {
		if asciiStop(swar.Load(s, len(s)-8)) == 0 {
			return len(s)
		}
	}
bytewise:
	for i < len(s) && asciiPlain[s[i]] {
		i++
	}
	return i
}

// skipStringPlain returns the index of the first byte of b from i on that is a control character, '"' or '\\'
// (len(b) when there is none).
func skipStringPlain(b []byte, i int) int {
	for ; i+8 <= len(b); i += 8 {
		if stopBytes(swar.LoadBytes(b, i)) != 0 {
			goto bytewise
		}
	}
	if i < len(b) && len(b) >= 8 { // as in skipASCIIPlain
		if stopBytes(swar.LoadBytes(b, len(b)-8)) == 0 {
			return len(b)
		}
	}
bytewise:
	for i < len(b) && strPlain[b[i]] {
		i++
	}
	return i
}
