package fake

// isUUID reports whether v is an RFC 9562 UUID as openapi3.FormatOfStringForUUIDOfRFC9562 spells it (the
// tests' uuidAnyRE compiles), without running a regexp: 36 bytes, hyphens at 8, 13, 18 and 23, hex digits of
// either case elsewhere, and a version digit 1-8 with a variant digit 8, 9, a or b, or else the nil UUID (all
// zeros) or the max UUID (all f, either case). It runs on every validated request, where the regexp cost
// thousands of instructions; FuzzIsUUID holds it to the regexp.
func isUUID(v string) bool {
	if len(v) != 36 {
		return false
	}
	zeros, fs := true, true
	for i := 0; i < 36; i++ {
		c := v[i]
		if i == 8 || i == 13 || i == 18 || i == 23 {
			if c != '-' {
				return false
			}
			continue
		}
		if !isHexDigit(c) {
			return false
		}
		zeros = zeros && c == '0'
		fs = fs && (c == 'f' || c == 'F')
	}
	if zeros || fs {
		return true
	}
	version, variant := v[14], v[19]
	return version >= '1' && version <= '8' &&
		(variant == '8' || variant == '9' || variant == 'a' || variant == 'b' || variant == 'A' || variant == 'B')
}

func isHexDigit(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}
