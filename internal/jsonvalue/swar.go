package jsonvalue

// Word-at-a-time scanning: eight bytes are tested together for the bytes a JSON string cannot hold as they are
// (control characters, '"', '\\') and, when asked, for bytes beyond ASCII.

const (
	swarLo = 0x0101010101010101
	swarHi = 0x8080808080808080
)

// stopBytes reports (non-zero) whether w holds a control character, a quote or a backslash.
func stopBytes(w uint64) uint64 {
	ctl := (w - swarLo*0x20) &^ w & swarHi
	q := w ^ (swarLo * '"')
	bs := w ^ (swarLo * '\\')
	return ctl | (q-swarLo)&^q&swarHi | (bs-swarLo)&^bs&swarHi
}

// load64 reads s[i:i+8] little-endian. The bytes are taken at constant offsets of one slice, which the compiler
// turns into a single load (offsets i+1... are not combined).
func load64(s string, i int) uint64 {
	s = s[i : i+8]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

func load64b(b []byte, i int) uint64 {
	b = b[i : i+8]
	return uint64(b[0]) | uint64(b[1])<<8 | uint64(b[2])<<16 | uint64(b[3])<<24 |
		uint64(b[4])<<32 | uint64(b[5])<<40 | uint64(b[6])<<48 | uint64(b[7])<<56
}

// asciiStop reports (non-zero) whether w holds a byte a JSON string does not hold as itself or one beyond ASCII:
// stopBytes(w)|w&swarHi, in fewer steps. Bytes beyond ASCII are stops, so the zero-byte tests need not exclude
// them; a borrow carries into the next byte only from a byte that is itself a stop.
func asciiStop(w uint64) uint64 {
	q := w ^ (swarLo * '"')
	bs := w ^ (swarLo * '\\')
	return (w | (w - swarLo*0x20) | (q - swarLo) | (bs - swarLo)) & swarHi
}

// skipASCIIPlain returns the index of the first byte of s from i on that is not printable ASCII other than '"'
// and '\\' (len(s) when there is none).
func skipASCIIPlain(s string, i int) int {
	for ; i+8 <= len(s); i += 8 {
		if asciiStop(load64(s, i)) != 0 {
			goto bytewise
		}
	}
	// Fewer than eight bytes remain: one word ending at the end covers them (and bytes before i, which can only
	// make it fail).
	if i < len(s) && len(s) >= 8 {
		if asciiStop(load64(s, len(s)-8)) == 0 {
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
		if stopBytes(load64b(b, i)) != 0 {
			goto bytewise
		}
	}
	if i < len(b) && len(b) >= 8 { // as in skipASCIIPlain
		if stopBytes(load64b(b, len(b)-8)) == 0 {
			return len(b)
		}
	}
bytewise:
	for i < len(b) && strPlain[b[i]] {
		i++
	}
	return i
}
