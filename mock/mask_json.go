package mock

// maskJSONFields is the masker's JSON expression (bodyMasker.jsonField) as one forward scan, for any text when
// every credential name is ASCII: the same matches, replaced the same way. Quotes, backslashes, colons and the
// value's first byte are ASCII, and no byte of a multi-byte UTF-8 sequence (or of invalid text) is, so text that
// is not ASCII only matters inside a key: such a key is asked of bodyMasker.keyName, which folds as the
// expression does. The expression, a Go regexp run
// over a CINNOX page that names "uniqueKey", took milliseconds; this takes microseconds.
//
// A match starts at a quote: a key of no quote or backslash that names a credential (namesAnchored, as mentionsKey), then a colon with
// optional white space around it, then a scalar value: a string (its closing quote optional, as the text may be
// cut short), a number, or true, false or null in any case. Where no match starts at a quote, the next quote is
// tried, as the expression's leftmost search does. The value is replaced by "****".
func maskJSONFields(b []byte, m *bodyMasker) []byte {
	var out []byte // nil until the first match: most bodies come back as they are
	done := 0      // b[:done] is in out
	for i := 0; i < len(b); {
		if b[i] != '"' {
			i++
			continue
		}
		j := i + 1
		for j < len(b) && b[j] != '"' && b[j] != '\\' {
			j++
		}
		if j == len(b) {
			break
		}
		if b[j] == '\\' {
			i = j // no match starts at i; the next quote may start one
			continue
		}
		// b[i:j+1] is a key's text, quotes included.
		k := skipJSONSpace(b, j+1)
		if k == len(b) || b[k] != ':' {
			i = j
			continue
		}
		v := skipJSONSpace(b, k+1)
		end := scalarEnd(b, v)
		if end < 0 || !m.anyText && !keyNamesCredential(m, b[i+1:j]) {
			i = j
			continue
		}
		out = append(out, b[done:v]...)
		out = append(out, `"`+maskedValue+`"`...)
		done, i = end, end
	}
	if out == nil {
		return b
	}
	return append(out, b[done:]...)
}

// keyNamesCredential reports whether a key (no quote or backslash in it) holds a credential name as jsonField
// reads it: by the ASCII scan for an ASCII key, by keyName's Unicode folding otherwise.
func keyNamesCredential(m *bodyMasker, key []byte) bool {
	if isASCIIBytes(key) {
		return namesAnchored(m, key)
	}
	return m.keyName().Match(key)
}

// skipJSONSpace passes the white space the expression's \s takes: tab, newline, form feed, carriage return and
// space.
func skipJSONSpace(b []byte, i int) int {
	for i < len(b) {
		switch b[i] {
		case '\t', '\n', '\f', '\r', ' ':
			i++
		default:
			return i
		}
	}
	return i
}

// scalarEnd is the end of the scalar value the expression reads at b[i:], -1 when none starts there.
func scalarEnd(b []byte, i int) int {
	if i >= len(b) {
		return -1
	}
	switch c := b[i]; {
	case c == '"':
		// "(?:[^"\\]|\\.)*"? : a backslash takes the next byte unless it is a newline (. takes no newline).
		j := i + 1
		for j < len(b) {
			switch b[j] {
			case '"':
				return j + 1
			case '\\':
				if j+1 < len(b) && b[j+1] != '\n' {
					j += 2
					continue
				}
				return j
			default:
				j++
			}
		}
		return j
	case c == '-' || c >= '0' && c <= '9':
		// -?[0-9][0-9.eE+-]*
		j := i
		if c == '-' {
			j++
			if j == len(b) || b[j] < '0' || b[j] > '9' {
				return -1
			}
		}
		for j++; j < len(b); j++ {
			if d := b[j]; !(d >= '0' && d <= '9' || d == '.' || d == 'e' || d == 'E' || d == '+' || d == '-') {
				break
			}
		}
		return j
	}
	for _, w := range []string{"true", "false", "null"} {
		if len(b)-i >= len(w) && hasLowerPrefix(b[i:], w) {
			return i + len(w)
		}
	}
	return -1
}
