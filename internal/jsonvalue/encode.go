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

// Raw is JSON text that Append writes as it is: a value encoded once and kept (a dynamic page's generated
// record, mock/dynamic.go). It must be valid, compact JSON, as Append itself writes.
type Raw []byte

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
		fp := fieldPool.Get().(*[]field)
		fs := (*fp)[:0]
		for k, v := range x {
			fs = append(fs, field{k, v})
		}
		op := orderPool.Get().(*[]order)
		ord := sortFields(fs, (*op)[:0])
		dst = append(dst, '{')
		var err error
		for i, o := range ord {
			if i > 0 {
				dst = append(dst, ',')
			}
			f := &fs[o.at]
			dst = appendString(dst, f.key)
			dst = append(dst, ':')
			if dst, err = appendValue(dst, f.val, depth+1); err != nil {
				break
			}
		}
		*op = ord[:0]
		orderPool.Put(op)
		clear(fs) // drop the values for the collector
		*fp = fs[:0]
		fieldPool.Put(fp)
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
			dst = appendString(dst, k.key)
			dst = append(dst, ':')
			dst = appendString(dst, x[k.key])
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
	case Raw:
		return append(dst, x...), nil
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
var keyPool = sync.Pool{New: func() any { s := make([]sortKey, 0, 32); return &s }}

// fieldPool holds the (key, value) slices of the objects of decoded JSON being written; orderPool the slices
// their order is sorted in. The order is sorted apart from the fields, in a slice without pointers, so that
// moving an entry is a plain copy with no write barrier.
var (
	fieldPool = sync.Pool{New: func() any { s := make([]field, 0, 32); return &s }}
	orderPool = sync.Pool{New: func() any { s := make([]order, 0, 32); return &s }}
)

// field is one member of an object: iterating the map once gives both.
type field struct {
	key string
	val any
}

// order places fs[at] by the first eight bytes of its key (see sortKey).
type order struct {
	prefix uint64
	at     int
}

// sortFields returns the positions of fs in ascending key order, appended to ord.
func sortFields(fs []field, ord []order) []order {
	for i := range fs {
		ord = append(ord, order{keyPrefix(fs[i].key), i})
	}
	less := func(a, b order) bool {
		if a.prefix != b.prefix {
			return a.prefix < b.prefix
		}
		return fs[a.at].key < fs[b.at].key
	}
	if len(ord) <= 48 {
		for i := 1; i < len(ord); i++ { // insertion sort: few keys, cheap comparisons
			for j := i; j > 0 && less(ord[j], ord[j-1]); j-- {
				ord[j], ord[j-1] = ord[j-1], ord[j]
			}
		}
		return ord
	}
	slices.SortFunc(ord, func(a, b order) int {
		switch {
		case less(a, b):
			return -1
		case less(b, a):
			return 1
		}
		return 0
	})
	return ord
}

// sortKey is a key with its first eight bytes as a big-endian number (zero-padded): when two prefixes differ they
// order the keys, so most comparisons are one integer comparison.
type sortKey struct {
	prefix uint64
	key    string
}

func keyPrefix(s string) uint64 {
	var p uint64
	n := min(len(s), 8)
	for i := 0; i < n; i++ {
		p |= uint64(s[i]) << (56 - 8*i)
	}
	return p
}

func (a sortKey) less(b sortKey) bool {
	if a.prefix != b.prefix {
		return a.prefix < b.prefix
	}
	return a.key < b.key
}

func (a sortKey) compare(b sortKey) int {
	switch {
	case a.less(b):
		return -1
	case b.less(a):
		return 1
	}
	return 0
}

// sortedKeys returns the keys of m in ascending byte order in a pooled slice (give it back to keyPool).
func sortedKeys[V any](m map[string]V) *[]sortKey {
	keys := keyPool.Get().(*[]sortKey)
	ks := (*keys)[:0]
	for k := range m {
		ks = append(ks, sortKey{keyPrefix(k), k})
	}
	if len(ks) <= 48 {
		for i := 1; i < len(ks); i++ { // insertion sort: few keys, cheap comparisons
			for j := i; j > 0 && ks[j].less(ks[j-1]); j-- {
				ks[j], ks[j-1] = ks[j-1], ks[j]
			}
		}
	} else {
		slices.SortFunc(ks, sortKey.compare)
	}
	*keys = ks
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

// asciiPlain marks the ASCII bytes a JSON string holds as themselves.
var asciiPlain = func() (t [256]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// appendString writes s as a JSON string the way encoding/json does without HTML escaping: quotes, backslashes and
// control characters escaped, invalid UTF-8 as \ufffd, U+2028 and U+2029 escaped.
func appendString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		i = skipASCIIPlain(s, i)
		if i >= len(s) {
			break
		}
		c := s[i]
		if c < utf8.RuneSelf {
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
