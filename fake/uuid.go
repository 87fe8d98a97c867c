package fake

// isUUID reports whether v is an RFC 9562 UUID as openapi3.FormatOfStringForUUIDOfRFC9562 spells it (the
// tests' uuidAnyRE compiles), without running a regexp: 36 bytes, hyphens at 8, 13, 18 and 23, hex digits of
// either case elsewhere, and a version digit 1-8 with a variant digit 8, 9, a or b, or else the nil UUID (all
// zeros) or the max UUID (all f, either case). It runs on every validated request, where the regexp cost
// thousands of instructions; FuzzIsUUID holds it to the regexp.
func isUUID(v string) bool {
	if len(v) != 36 || v[8] != '-' || v[13] != '-' || v[18] != '-' || v[23] != '-' {
		return false
	}
	// acc keeps the uuidClass bits every digit has: all hex, all '0', all f.
	acc := uint8(uuidHex | uuidZero | uuidF)
	for _, c := range []byte(v[:8]) {
		acc &= uuidClass[c]
	}
	for _, c := range []byte(v[9:13]) {
		acc &= uuidClass[c]
	}
	for _, c := range []byte(v[14:18]) {
		acc &= uuidClass[c]
	}
	for _, c := range []byte(v[19:23]) {
		acc &= uuidClass[c]
	}
	for _, c := range []byte(v[24:]) {
		acc &= uuidClass[c]
	}
	switch {
	case acc&uuidHex == 0:
		return false
	case acc&(uuidZero|uuidF) != 0:
		return true
	}
	version, variant := v[14], v[19]
	return version >= '1' && version <= '8' &&
		(variant == '8' || variant == '9' || variant == 'a' || variant == 'b' || variant == 'A' || variant == 'B')
}

// uuidClass marks hex digits (uuidHex), '0' (uuidZero) and 'f' of either case (uuidF), for isUUID to test a
// digit with one lookup.
const (
	uuidHex = 1 << iota
	uuidZero
	uuidF
)

var uuidClass = func() (t [256]uint8) {
	for c := range 256 {
		if isHexDigit(byte(c)) {
			t[c] = uuidHex
		}
	}
	t['0'] |= uuidZero
	t['f'] |= uuidF
	t['F'] |= uuidF
	return t
}()

func isHexDigit(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}
