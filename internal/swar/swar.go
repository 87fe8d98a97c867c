// Package swar tests eight bytes of text at once ("SIMD within a register"): a word is loaded from a string or
// a byte slice, and bit tricks on it find the bytes a scanner must stop at. The JSON encoder and decoder
// (internal/jsonvalue) and the request log line (cmd/standin) use it to skip plain text a word at a time.
package swar

const (
	// Lo has the low bit of every byte set; Lo*c repeats the byte c eight times.
	Lo = 0x0101010101010101
	// Hi has the high bit of every byte set.
	Hi = 0x8080808080808080
)

// Load reads s[i:i+8] little-endian. The bytes are taken at constant offsets of one slice, which the compiler
// turns into a single load (offsets i+1... are not combined).
func Load(s string, i int) uint64 {
	s = s[i : i+8]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

// LoadBytes is Load for a byte slice.
func LoadBytes(b []byte, i int) uint64 {
	b = b[i : i+8]
	return uint64(b[0]) | uint64(b[1])<<8 | uint64(b[2])<<16 | uint64(b[3])<<24 |
		uint64(b[4])<<32 | uint64(b[5])<<40 | uint64(b[6])<<48 | uint64(b[7])<<56
}

// Zero reports (non-zero) whether w holds a zero byte: w^(Lo*c) holds one where w holds the byte c. It never
// reports a word without one; a byte above a zero byte may be flagged too (the borrow), which a test of the
// whole word does not mind.
func Zero(w uint64) uint64 { return (w - Lo) &^ w & Hi }

// Below reports (non-zero) whether w holds a byte below n (n ≤ 0x80), for a word with no high bit set.
func Below(w uint64, n byte) uint64 { return (w - Lo*uint64(n)) &^ w & Hi }
