package jsonvalue

import (
	"bytes"
	"encoding/json"
	"math"
	"slices"
	"strconv"
	"sync"
	"unicode/utf8"
)

// Append appends the JSON text of v to dst: the same bytes as encoding/json's Encoder with SetEscapeHTML(false)
// writes (less its closing newline), map keys sorted. Decoded values (map[string]any, []any, string, float64,
// bool, nil) and the common Go types beside them ([]string, map[string]string, int) are written directly, without
// reflection and with one small key slice per object; anything else is handed to encoding/json for that value
// alone. On error dst comes back unchanged with the error encoding/json gives.
func Append(dst []byte, v any) ([]byte, error) {
	out, err := appendValue(dst, v, 0)
	if err != nil {
		return dst, err
	}
	return out, nil
}

// maxDirectDepth is how deep Append writes by itself; deeper values (a cycle, in practice) go to encoding/json,
// which reports a cycle as an error.
const maxDirectDepth = 500

func appendValue(dst []byte, v any, depth int) ([]byte, error) {
	if depth > maxDirectDepth {
		return appendStd(dst, v)
	}
	switch x := v.(type) {
	case nil:
		return append(dst, "null"...), nil
	case string:
		return appendString(dst, x), nil
	case float64:
		return appendFloat(dst, x, v)
	case bool:
		return strconv.AppendBool(dst, x), nil
	case int:
		return strconv.AppendInt(dst, int64(x), 10), nil
	case int64:
		return strconv.AppendInt(dst, x, 10), nil
	case map[string]any:
		if x == nil {
			return append(dst, "null"...), nil
		}
		keys := sortedKeys(x)
		dst = append(dst, '{')
		var err error
		for i, k := range *keys {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendString(dst, k)
			dst = append(dst, ':')
			if dst, err = appendValue(dst, x[k], depth+1); err != nil {
				break
			}
		}
		keyPool.Put(keys)
		if err != nil {
			return dst, err
		}
		return append(dst, '}'), nil
	case map[string]string:
		if x == nil {
			return append(dst, "null"...), nil
		}
		keys := sortedKeys(x)
		dst = append(dst, '{')
		for i, k := range *keys {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendString(dst, k)
			dst = append(dst, ':')
			dst = appendString(dst, x[k])
		}
		keyPool.Put(keys)
		return append(dst, '}'), nil
	case []any:
		if x == nil {
			return append(dst, "null"...), nil
		}
		dst = append(dst, '[')
		var err error
		for i, item := range x {
			if i > 0 {
				dst = append(dst, ',')
			}
			if dst, err = appendValue(dst, item, depth+1); err != nil {
				return dst, err
			}
		}
		return append(dst, ']'), nil
	case []string:
		if x == nil {
			return append(dst, "null"...), nil
		}
		dst = append(dst, '[')
		for i, s := range x {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendString(dst, s)
		}
		return append(dst, ']'), nil
	}
	return appendStd(dst, v)
}

// keyPool holds key slices for sorting the keys of one object; an object's keys are put back once it is written.
var keyPool = sync.Pool{New: func() any { s := make([]string, 0, 32); return &s }}

func sortedKeys[V any](m map[string]V) *[]string {
	keys := keyPool.Get().(*[]string)
	*keys = (*keys)[:0]
	for k := range m {
		*keys = append(*keys, k)
	}
	slices.Sort(*keys)
	return keys
}

// appendStd writes v with encoding/json, as the Encoder Append stands in for would.
func appendStd(dst []byte, v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return dst, err
	}
	return append(dst, bytes.TrimSuffix(buf.Bytes(), []byte("\n"))...), nil
}

// appendFloat writes f as encoding/json does: like ES6's number to string, exponent form below 1e-6 and from 1e21.
func appendFloat(dst []byte, f float64, v any) ([]byte, error) {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return appendStd(dst, v) // the encoding/json error for it
	}
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	start := len(dst)
	dst = strconv.AppendFloat(dst, f, format, -1, 64)
	if format == 'e' {
		// e-09 -> e-9
		if n := len(dst); n-start >= 4 && dst[n-4] == 'e' && dst[n-3] == '-' && dst[n-2] == '0' {
			dst[n-2] = dst[n-1]
			dst = dst[:n-1]
		}
	}
	return dst, nil
}

const hexDigits = "0123456789abcdef"

// appendString writes s as a JSON string the way encoding/json does without HTML escaping: quotes, backslashes and
// control characters escaped, invalid UTF-8 as \ufffd, U+2028 and U+2029 escaped.
func appendString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch c {
			case '\\', '"':
				dst = append(dst, '\\', c)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}
