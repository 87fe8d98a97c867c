package jsonvalue

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"slices"
	"strconv"
	"sync"
	"unicode/utf8"
)

// Append appends the JSON text of v to dst: the same bytes as encoding/json's Encoder with SetEscapeHTML(false)
// writes (less its closing newline), map keys sorted. Decoded values (map[string]any, []any, string, float64,
// bool, nil) and the common Go types beside them ([]string, map[string]string, int) are written directly, without
// reflection and with one small key slice per object (none for an object of the keys of the last one of its
// size: shape.go); anything else is handed to encoding/json for that value alone. On error dst comes back unchanged with the error encoding/json gives.
func Append(dst []byte, v any) ([]byte, error) {
	out, err := appendValue(dst, v, 0, nil)
	if err != nil {
		return dst, err
	}
	return out, nil
}

// AppendWatched is Append that also hands each object key it writes to watch (when not nil), until watch returns
// true, and reports whether it did; a value Append leaves to encoding/json counts as true: its keys are not seen.
// With limit > 0 it gives up with ErrTooLarge once the text passes about limit bytes (it checks between values
// and before a long string), so finding out that a value is large costs about limit bytes of work.
func AppendWatched(dst []byte, v any, watch func(key string) bool, limit int) ([]byte, bool, error) {
	return appendWatched(dst, v, &watcher{fn: watch}, limit)
}

// KeyTest is a key watch whose answer depends on the key alone, the same every time: the keys of an object in a
// kept shape that all passed it once are not shown to it again (shape.clean). Make one per test and keep it.
type KeyTest struct {
	Fn func(key string) bool
}

// AppendTested is AppendWatched with the watch kt.Fn, which sees the keys of an object of a kept shape only
// until they have all passed it once: it must answer the same for a key every time.
func AppendTested(dst []byte, v any, kt *KeyTest, limit int) ([]byte, bool, error) {
	if kt == nil {
		return appendWatched(dst, v, &watcher{}, limit)
	}
	return appendWatched(dst, v, &watcher{fn: kt.Fn, test: kt}, limit)
}

func appendWatched(dst []byte, v any, w *watcher, limit int) ([]byte, bool, error) {
	if limit > 0 {
		w.end = len(dst) + limit
	}
	out, err := appendValue(dst, v, 0, w)
	if err != nil {
		return dst, w.hit, err
	}
	return out, w.hit, nil
}

// AppendSized is AppendWatched that also gives the estimate of v's text that Estimate gives, read as the text
// is written rather than by a walk of its own (meaningful when err is nil).
func AppendSized(dst []byte, v any, watch func(key string) bool, limit int) (out []byte, hit bool, size int, err error) {
	w := watcher{fn: watch}
	out, hit, err = appendWatched(dst, v, &w, limit)
	return out, hit, w.size, err
}

// Estimate is a cheap estimate of the length of v's JSON text, for choosing how to send it: a string counts its
// bytes and quotes (escapes not counted), a number 8, true and false 5, null 4, Raw its length, a member of an
// object its key's bytes and 4, an item of an array 1, an object or an array 2 more; anything else 16.
func Estimate(v any) int { return EstimateUpTo(v, math.MaxInt) }

// EstimateUpTo is Estimate counting no further than limit: it returns limit or more as soon as the estimate
// reaches it, so finding out that a value is large costs about limit of counting.
func EstimateUpTo(v any, limit int) int {
	switch x := v.(type) {
	case []any:
		n := 2
		for _, e := range x {
			if n += leafEstimate(e, limit-n) + 1; n >= limit {
				return n
			}
		}
		return n
	case []map[string]any:
		n := 2
		for _, e := range x {
			if n += EstimateUpTo(e, limit-n) + 1; n >= limit {
				return n
			}
		}
		return n
	case map[string]any:
		n := 2
		for k, e := range x {
			if n += len(k) + 4 + leafEstimate(e, limit-n); n >= limit {
				return n
			}
		}
		return n
	case *Overlay:
		if x == nil {
			return 4
		}
		n := 2
		for k, e := range x.Base {
			if _, over := overGet(x.Over, k); !over {
				if n += len(k) + 4 + leafEstimate(e, limit-n); n >= limit {
					return n
				}
			}
		}
		for _, f := range x.Over {
			if n += len(f.Key) + 4 + leafEstimate(f.Value, limit-n); n >= limit {
				return n
			}
		}
		return n
	}
	return leafEstimate(v, limit)
}

// leafEstimate is EstimateUpTo without a call for the common scalars.
func leafEstimate(v any, limit int) int {
	switch x := v.(type) {
	case string:
		return len(x) + 2
	case float64, json.Number, int, int64:
		return 8
	case bool:
		return 5
	case nil:
		return 4
	case Raw:
		return len(x)
	case []any, []map[string]any, map[string]any, *Overlay:
		return EstimateUpTo(v, limit)
	}
	return 16
}

// ErrTooLarge reports that AppendWatched's text passed its limit.
var ErrTooLarge = errors.New("jsonvalue: the text passes the limit")

// watcher is AppendWatched's state: nil for Append.
type watcher struct {
	fn   func(string) bool
	test *KeyTest // set when fn is test.Fn, whose answers a shape may keep
	hit  bool
	end  int // the length of the text not to pass; 0 for none
	size int // Estimate of what is written so far
}

// add counts n in the estimate.
func (w *watcher) add(n int) {
	if w != nil {
		w.size += n
	}
}

func (w *watcher) key(k string) {
	if w != nil && w.fn != nil && !w.hit && w.fn(k) {
		w.hit = true
	}
}

func (w *watcher) unseen() {
	if w != nil {
		w.hit = true
	}
}

// over reports whether a text of n bytes passes the limit.
func (w *watcher) over(n int) bool {
	return w != nil && w.end > 0 && n > w.end
}

// Raw is JSON text that Append writes as it is: a value encoded once and kept (a dynamic page's generated
// record, mock/dynamic.go). It must be valid, compact JSON, as Append itself writes.
type Raw []byte

// maxDirectDepth is how deep Append writes by itself; deeper values (a cycle, in practice) go to encoding/json,
// which reports a cycle as an error.
const maxDirectDepth = 500

func appendValue(dst []byte, v any, depth int, w *watcher) ([]byte, error) {
	if depth > maxDirectDepth {
		w.unseen()
		if w != nil {
			w.add(Estimate(v))
		}
		return appendStd(dst, v)
	}
	switch x := v.(type) {
	case nil:
		w.add(4)
		return append(dst, "null"...), nil
	case string:
		if w.over(len(dst) + len(x)) {
			return dst, ErrTooLarge
		}
		w.add(len(x) + 2)
		return appendString(dst, x), nil
	case float64:
		w.add(8)
		return appendFloat(dst, x, v)
	case bool:
		w.add(5)
		return strconv.AppendBool(dst, x), nil
	case int:
		w.add(8)
		return strconv.AppendInt(dst, int64(x), 10), nil
	case int64:
		w.add(8)
		return strconv.AppendInt(dst, x, 10), nil
	case map[string]any:
		w.add(2)
		if x == nil {
			return append(dst, "null"...), nil
		}
		return appendObject(dst, x, nil, len(x), depth, w)
	case *Overlay:
		if x != nil && x.Text != nil && depth < maxDirectDepth/2 {
			if out, ok, err := appendOverlayText(dst, x, depth, w); ok {
				return out, err
			}
		}
		w.add(2)
		if x == nil {
			return append(dst, "null"...), nil
		}
		return appendObject(dst, x.Base, x.Over, x.Len(), depth, w)
	case map[string]string:
		w.add(16)
		if x == nil {
			return append(dst, "null"...), nil
		}
		keys := sortedKeys(x)
		dst = append(dst, '{')
		for i, k := range *keys {
			if i > 0 {
				dst = append(dst, ',')
			}
			w.key(k.key)
			dst = appendString(dst, k.key)
			dst = append(dst, ':')
			dst = appendString(dst, x[k.key])
		}
		keyPool.Put(keys)
		return append(dst, '}'), nil
	case []any:
		w.add(2 + len(x))
		if x == nil {
			return append(dst, "null"...), nil
		}
		dst = append(dst, '[')
		var err error
		for i, item := range x {
			if w.over(len(dst)) {
				return dst, ErrTooLarge
			}
			if i > 0 {
				dst = append(dst, ',')
			}
			if dst, err = appendValue(dst, item, depth+1, w); err != nil {
				return dst, err
			}
		}
		return append(dst, ']'), nil
	case Raw:
		w.add(len(x))
		return append(dst, x...), nil
	case []string:
		w.add(16)
		if x == nil {
			return append(dst, "null"...), nil
		}
		dst = append(dst, '[')
		for i, s := range x {
			if w.over(len(dst) + len(s)) {
				return dst, ErrTooLarge
			}
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendString(dst, s)
		}
		return append(dst, ']'), nil
	}
	w.unseen()
	if w != nil {
		w.add(Estimate(v))
	}
	return appendStd(dst, v)
}

// appendObject writes the object of n keys that is x with the fields of over set over it (over is nil for a
// plain map): in the order of the kept shape of its size when it has that shape's keys, else sorted.
func appendObject(dst []byte, x map[string]any, over []Field, n, depth int, w *watcher) ([]byte, error) {
	var sh *shape
	if n >= shapeMin {
		sh = shapes[n%len(shapes)].Load()
		if sh != nil && len(sh.keys) == n {
			if out, ok, err := appendShaped(dst, x, over, sh, depth, w); ok {
				return out, err
			}
		}
		if sh != nil {
			sh.missed()
		}
	}
	fp := fieldPool.Get().(*[]field)
	fs := (*fp)[:0]
	for k, v := range x {
		if ov, ok := overGet(over, k); ok {
			v = ov
		}
		fs = append(fs, field{k, v})
	}
	for _, f := range over {
		if _, ok := x[f.Key]; !ok {
			fs = append(fs, field{f.Key, f.Value})
		}
	}
	op := orderPool.Get().(*[]order)
	ord := sortFields(fs, (*op)[:0])
	if n >= shapeMin && (sh == nil || sh.stale()) {
		remember(fs, ord)
	}
	dst = append(dst, '{')
	var err error
	for i, o := range ord {
		if i > 0 {
			dst = append(dst, ',')
		}
		if w.over(len(dst)) {
			err = ErrTooLarge
			break
		}
		f := &fs[o.at]
		w.key(f.key)
		w.add(len(f.key) + 4)
		dst = appendString(dst, f.key)
		dst = append(dst, ':')
		if dst, err = appendValue(dst, f.val, depth+1, w); err != nil {
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
	if len(ord) <= 64 {
		// Binary insertion sort: few comparisons (n log n), and the entries move with one copy each, which
		// is a few wide moves, not one swap per step.
		for i := 1; i < len(ord); i++ {
			o := ord[i]
			if !less(o, ord[i-1]) {
				continue
			}
			lo, hi := 0, i-1 // o goes before ord[i-1]: find the first entry it sorts before
			for lo < hi {
				if mid := int(uint(lo+hi) >> 1); less(o, ord[mid]) {
					hi = mid
				} else {
					lo = mid + 1
				}
			}
			copy(ord[lo+1:i+1], ord[lo:i])
			ord[lo] = o
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
	if len(s) >= 8 { // one load (the compiler combines these)
		_ = s[7]
		return uint64(s[0])<<56 | uint64(s[1])<<48 | uint64(s[2])<<40 | uint64(s[3])<<32 |
			uint64(s[4])<<24 | uint64(s[5])<<16 | uint64(s[6])<<8 | uint64(s[7])
	}
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
	if len(ks) <= 64 {
		for i := 1; i < len(ks); i++ { // binary insertion sort, as in sortFields
			k := ks[i]
			if !k.less(ks[i-1]) {
				continue
			}
			lo, hi := 0, i-1
			for lo < hi {
				if mid := int(uint(lo+hi) >> 1); k.less(ks[mid]) {
					hi = mid
				} else {
					lo = mid + 1
				}
			}
			copy(ks[lo+1:i+1], ks[lo:i])
			ks[lo] = k
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
