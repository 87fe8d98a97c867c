package jsonvalue

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"math"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/standin/standin/internal/swar"
)

// EachObject decodes data, a JSON array of objects, into the values encoding/json gives an any (map[string]any,
// []any, string, float64, bool, nil), calling each with every object in order. Object keys are interned: every
// occurrence of a key, in every object, shares one string (one per decoding goroutine, see EachObjectFrom), and
// so do repeated values (an enum, a number), up to a bounded number of distinct ones. A big fixture file of
// records with the same fields thus holds each field name once instead of once per record.
//
// It answers false, without saying why, when data is not such an array (a syntax error, an element that is not
// an object, a number out of float64's range, nesting deeper than encoding/json allows, text after the array)
// or when each answers false: the caller then reads data with encoding/json, which describes the problem. For
// the input it accepts it gives exactly encoding/json's values (strings with escapes or invalid UTF-8 are
// unquoted by encoding/json itself; a repeated key keeps its last value).
func EachObject(data []byte, each func(map[string]any) bool) bool {
	return EachObjectFrom(bytes.NewReader(data), "", nil, each)
}

// Decode decodes data, one JSON text, into the value encoding/json's Unmarshal gives an any, in one pass and
// without interning. It answers false, without saying why, for every input it does not accept (the same cases as
// EachObject's): the caller then unmarshals data with encoding/json, which gives the value or describes the error.
func Decode(data []byte) (any, bool) {
	d := objectDecoder{data: data}
	d.space()
	v, ok := d.value(0, nil) // a top-level object or array is at depth 1, as encoding/json counts
	if !ok {
		return nil, false
	}
	d.space()
	return v, d.pos == len(d.data)
}

// DecodeDocument is Decode for a large document read once, such as an API description: numbers are json.Number,
// as encoding/json's Decoder gives them with UseNumber (the text as written; syntax checked, range not), and
// object keys are interned (a description repeats "type", "description" and its property names thousands of
// times). It is about three times faster than that Decoder and allocates a fraction of its memory.
func DecodeDocument(data []byte) (any, bool) {
	d := objectDecoder{data: data, keys: map[string]string{}, useNumber: true}
	d.space()
	v, ok := d.value(0, nil)
	if !ok {
		return nil, false
	}
	d.space()
	return v, d.pos == len(d.data)
}

// EachObjectFrom is EachObject reading from r, a batch of elements at a time (a big file is never held whole),
// with every string value that starts with prefix (not a key) replaced by what rewrite answers for it (nil:
// none); rewrite answering false stops the reading with false. A fixture file resolves its relative times
// ("$now-3d") so, without walking every record again. A read error also answers false.
//
// Past its first batch (batchBytes), the input is decoded by two goroutines (when GOMAXPROCS allows), each
// with its own shared keys and values, while this one reads ahead; each is still called in order, from this
// goroutine, and rewrite may then be called from both at once.
func EachObjectFrom(r io.Reader, prefix string, rewrite func(string) (any, bool), each func(map[string]any) bool) bool {
	br := bufio.NewReaderSize(r, 64<<10)
	p := pipeline{prefix: prefix, rewrite: rewrite, each: each, decoders: min(runtime.GOMAXPROCS(0), maxDecoders)}
	defer p.stop()
	if c, ok := nextByte(br); !ok || c != '[' {
		return false
	}
	c, ok := nextByte(br)
	if !ok {
		return false
	}
	if c != ']' {
		cur := p.batch()
		for {
			if c != '{' {
				return false
			}
			if cur.data, ok = readObject(br, cur.data); !ok {
				return false
			}
			cur.ends = append(cur.ends, len(cur.data))
			if len(cur.data) >= batchBytes {
				if !p.submit(cur, false) {
					return false
				}
				cur = p.batch()
			}
			if c, ok = nextByte(br); !ok {
				return false
			}
			if c == ']' {
				break
			}
			if c != ',' {
				return false
			}
			if c, ok = nextByte(br); !ok {
				return false
			}
		}
		if !p.submit(cur, true) || !p.drain() {
			return false
		}
	}
	_, ok = nextByte(br)
	return !ok && atEOF(br) // nothing but white space after the array
}

// batchBytes is the size of the batches of raw elements EachObjectFrom decodes at once; maxDecoders and
// maxAhead bound the goroutines decoding them and the batches read ahead.
const (
	batchBytes  = 64 << 10
	maxDecoders = 2
	maxAhead    = 2 * maxDecoders
)

// rawBatch is some raw elements of the array and, once decoded, their objects.
type rawBatch struct {
	data []byte
	ends []int // where each element ends in data
	recs []map[string]any
	ok   bool          // every element decoded
	done chan struct{} // closed once decoded
}

// pipeline decodes the batches of EachObjectFrom: on this goroutine while it has no more than one, else on
// its decoders, handing the objects to each in order.
type pipeline struct {
	prefix   string
	rewrite  func(string) (any, bool)
	each     func(map[string]any) bool
	decoders int

	inline  *objectDecoder // for a single batch
	todo    chan *rawBatch // nil until the decoders start
	wg      sync.WaitGroup
	pending []*rawBatch // submitted, not yet handed to each, in order
	free    []*rawBatch
}

func (p *pipeline) newDecoder() *objectDecoder {
	return &objectDecoder{keys: map[string]string{}, vals: map[string]any{}, nums: map[uint64]any{},
		prefix: p.prefix, rewrite: p.rewrite, carving: true}
}

// batch returns an empty batch, reusing one already handed on.
func (p *pipeline) batch() *rawBatch {
	if n := len(p.free); n > 0 {
		b := p.free[n-1]
		p.free = p.free[:n-1]
		b.data, b.ends, b.recs, b.ok = b.data[:0], b.ends[:0], b.recs[:0], false
		return b
	}
	return &rawBatch{data: make([]byte, 0, batchBytes+batchBytes/4)}
}

// submit has b decoded; last says no batch follows. It answers false once the reading must stop.
func (p *pipeline) submit(b *rawBatch, last bool) bool {
	if p.todo == nil && (last || p.decoders < 2) { // a small input, or one core: no goroutine
		if p.inline == nil {
			p.inline = p.newDecoder()
		}
		p.inline.decodeBatch(b)
		return p.hand(b)
	}
	if p.todo == nil {
		p.todo = make(chan *rawBatch)
		for range p.decoders {
			p.wg.Add(1)
			go func(d *objectDecoder) {
				defer p.wg.Done()
				for b := range p.todo {
					d.decodeBatch(b)
					close(b.done)
				}
			}(p.newDecoder())
		}
	}
	b.done = make(chan struct{})
	p.todo <- b
	p.pending = append(p.pending, b)
	if len(p.pending) > maxAhead {
		return p.next()
	}
	return true
}

// next hands the oldest pending batch's objects to each once it is decoded.
func (p *pipeline) next() bool {
	b := p.pending[0]
	p.pending = p.pending[1:]
	<-b.done
	return p.hand(b)
}

// hand calls each with the objects of b, and answers whether the reading goes on.
func (p *pipeline) hand(b *rawBatch) bool {
	for _, m := range b.recs {
		if !p.each(m) {
			return false
		}
	}
	clear(b.recs)
	p.free = append(p.free, b)
	return b.ok
}

// drain hands every pending batch on, in order.
func (p *pipeline) drain() bool {
	for len(p.pending) > 0 {
		if !p.next() {
			return false
		}
	}
	return true
}

// stop ends the decoders, once they are done with what they were given (rewrite is not called after
// EachObjectFrom returns).
func (p *pipeline) stop() {
	if p.todo != nil {
		close(p.todo)
		p.wg.Wait()
	}
}

// decodeBatch decodes the elements of b, each an object, up to the first that fails.
func (d *objectDecoder) decodeBatch(b *rawBatch) {
	start := 0
	for _, end := range b.ends {
		d.data, d.pos = b.data[start:end], 0
		m, ok := d.object(2) // nesting counted as encoding/json does: the array is 1
		if !ok || d.pos != len(d.data) {
			d.data = nil
			return
		}
		b.recs = append(b.recs, m)
		start = end
	}
	d.data = nil
	b.ok = true
}

// nextByte returns the next byte that is not JSON white space, without consuming it unless it is one of
// '[', ']' or ','; false at the end of the input or on a read error.
func nextByte(br *bufio.Reader) (byte, bool) {
	for {
		c, err := br.ReadByte()
		if err != nil {
			return 0, false
		}
		switch c {
		case ' ', '\t', '\n', '\r':
			continue
		case '[', ']', ',':
			return c, true
		}
		_ = br.UnreadByte()
		return c, true
	}
}

var quoteOrBackslash = [256]bool{'"': true, '\\': true}

// atEOF reports whether br is at the end of its input (not at a read error).
func atEOF(br *bufio.Reader) bool {
	_, err := br.Peek(1)
	return err == io.EOF
}

// readObject appends to buf the object (or any value opened by '{' or '[') at br's position, up to its closing
// bracket, telling strings apart so that brackets inside them do not count; whether it is valid JSON is the
// decoder's to say.
func readObject(br *bufio.Reader, buf []byte) ([]byte, bool) {
	depth, inString, escaped := 0, false, false
	for {
		if br.Buffered() == 0 {
			if _, err := br.Peek(1); err != nil {
				return buf, false
			}
		}
		chunk, _ := br.Peek(br.Buffered())
		for i := 0; i < len(chunk); i++ {
			c := chunk[i]
			if inString {
				if escaped {
					escaped = false
					continue
				}
				for i < len(chunk) && !quoteOrBackslash[chunk[i]] {
					i++
				}
				if i == len(chunk) {
					break // the string goes on in the next chunk
				}
				if chunk[i] == '"' {
					inString = false
				} else {
					escaped = true
				}
				continue
			}
			switch c {
			case '"':
				inString = true
			case '{', '[':
				depth++
			case '}', ']':
				if depth--; depth == 0 {
					buf = append(buf, chunk[:i+1]...)
					_, _ = br.Discard(i + 1)
					return buf, true
				}
			}
		}
		buf = append(buf, chunk...)
		_, _ = br.Discard(len(chunk))
	}
}

// maxNesting is encoding/json's nesting limit.
const maxNesting = 10000

// maxInternedValue and maxInternedValues bound the string values shared between records: short ones, and no
// more distinct ones than this (numbers up to maxInternedNumbers; keys are interned up to maxInternedKeys).
const (
	maxInternedValue   = 128
	maxInternedValues  = 1 << 14
	maxInternedNumbers = 1 << 12
	maxInternedKeys    = 1 << 16
)

// What the decoder learns about the members of objects, by depth (up to maxLearnedDepth) and place (up to
// maxLearnedFields).
const (
	maxLearnedDepth  = 8
	maxLearnedFields = 256
)

// slot is what the decoder has learnt about the n-th member of the objects at one depth. The objects of a
// fixture file mostly have the same keys in the same order, so a key is first compared with the one last seen
// there (no hashing, no lookup). And a member whose values seldom repeat (an id, a timestamp) is not looked up
// in the shared values at all once that is clear: after uniqueAfter lookups, fewer than one in eight found; it
// is tried again every relearnEvery values.
type slot struct {
	key                string
	looks, hits, skips int32
}

const (
	uniqueAfter  = 256
	relearnEvery = 1 << 12
)

// shares reports whether a value of the field should be looked up among the shared values, counting it.
func (f *slot) shares() bool {
	if f == nil {
		return true
	}
	if f.looks < uniqueAfter || f.hits*8 >= f.looks {
		f.looks++
		return true
	}
	if f.skips++; f.skips == relearnEvery {
		f.looks, f.hits, f.skips = 0, 0, 0
	}
	return false
}

// found counts a value of the field found among the shared values.
func (f *slot) found() {
	if f != nil {
		f.hits++
	}
}

type objectDecoder struct {
	data    []byte
	pos     int
	keys    map[string]string // nil: nothing is shared (Decode)
	vals    map[string]any    // the string as an any: a shared value is not boxed again
	nums    map[uint64]any    // by the float64's bits (-0 is not 0), as an any
	fields  [][]slot          // by depth, then place in the object
	scratch []pair            // the members of the objects being read, innermost last
	items   []any             // the elements of the arrays being read, innermost last
	// With carving set (EachObjectFrom), the strings of an object or array that are not shared are made from
	// one allocation when it ends: text appends a string's bytes to carve and sets pending, and the object or
	// array notes where the value goes in carved; an inner one takes its own off the end.
	carving bool
	pending bool
	carve   []byte
	carved  []int // places in scratch or items, in order, whose strings end carve's
	prefix  string
	rewrite func(string) (any, bool) // nil: none
	// useNumber makes numbers json.Number (DecodeDocument).
	useNumber bool
	// plain says the string stringRaw last read has no escape and nothing beyond ASCII.
	plain bool
}

type pair struct {
	k string
	v any
}

func (d *objectDecoder) space() {
	for d.pos < len(d.data) {
		switch d.data[d.pos] {
		case ' ', '\t', '\n', '\r':
			d.pos++
		default:
			return
		}
	}
}

// byte consumes c if it is next.
func (d *objectDecoder) byte(c byte) bool {
	if d.pos < len(d.data) && d.data[d.pos] == c {
		d.pos++
		return true
	}
	return false
}

// value reads the value at d.pos; f, when not nil, is the member it is the value of (or in an array of).
func (d *objectDecoder) value(depth int, f *slot) (any, bool) {
	if d.pos >= len(d.data) {
		return nil, false
	}
	switch c := d.data[d.pos]; {
	case c == '{':
		m, ok := d.object(depth + 1)
		return m, ok
	case c == '[':
		return d.array(depth+1, f)
	case c == '"':
		raw, ok := d.stringRaw()
		if !ok {
			return nil, false
		}
		return d.text(raw, f)
	case c == 't':
		return true, d.literal("true")
	case c == 'f':
		return false, d.literal("false")
	case c == 'n':
		return nil, d.literal("null")
	case c == '-' || c >= '0' && c <= '9':
		return d.number(f)
	}
	return nil, false
}

func (d *objectDecoder) literal(word string) bool {
	if len(d.data)-d.pos >= len(word) && string(d.data[d.pos:d.pos+len(word)]) == word {
		d.pos += len(word)
		return true
	}
	return false
}

// object reads an object at d.pos ('{'); its map is made at its final size.
func (d *objectDecoder) object(depth int) (map[string]any, bool) {
	if depth > maxNesting {
		return nil, false
	}
	d.pos++ // '{'
	base, carveBase, carvedBase := len(d.scratch), len(d.carve), len(d.carved)
	defer func() { d.scratch, d.carve, d.carved = d.scratch[:base], d.carve[:carveBase], d.carved[:carvedBase] }()
	d.space()
	if !d.byte('}') {
		for n := 0; ; n++ {
			d.space()
			raw, ok := d.stringRaw()
			if !ok {
				return nil, false
			}
			k, f, ok := d.member(depth, n, raw)
			if !ok {
				return nil, false
			}
			d.space()
			if !d.byte(':') {
				return nil, false
			}
			d.space()
			v, ok := d.value(depth, f)
			if !ok {
				return nil, false
			}
			if d.pending {
				d.pending = false
				d.carved = append(d.carved, len(d.scratch), len(d.carve))
			}
			d.scratch = append(d.scratch, pair{k, v})
			d.space()
			if d.byte(',') {
				continue
			}
			if d.byte('}') {
				break
			}
			return nil, false
		}
	}
	if len(d.carved) > carvedBase {
		all := string(d.carve[carveBase:])
		d.fill(carveBase, carvedBase, func(at int, s string) { d.scratch[at].v = s }, all)
	}
	members := d.scratch[base:]
	m := make(map[string]any, len(members))
	for _, p := range members {
		m[p.k] = p.v
	}
	return m, true
}

// array reads an array at d.pos ('['); its slice is made at its final size (an empty one is not nil).
func (d *objectDecoder) array(depth int, f *slot) (any, bool) {
	if depth > maxNesting {
		return nil, false
	}
	d.pos++ // '['
	base, carveBase, carvedBase := len(d.items), len(d.carve), len(d.carved)
	defer func() {
		clear(d.items[base:]) // what the scratch holds stays collectable
		d.items, d.carve, d.carved = d.items[:base], d.carve[:carveBase], d.carved[:carvedBase]
	}()
	d.space()
	if !d.byte(']') {
		for {
			d.space()
			v, ok := d.value(depth, f)
			if !ok {
				return nil, false
			}
			if d.pending {
				d.pending = false
				d.carved = append(d.carved, len(d.items), len(d.carve))
			}
			d.items = append(d.items, v)
			d.space()
			if d.byte(',') {
				continue
			}
			if d.byte(']') {
				break
			}
			return nil, false
		}
	}
	if len(d.carved) > carvedBase {
		all := string(d.carve[carveBase:])
		d.fill(carveBase, carvedBase, func(at int, s string) { d.items[at] = s }, all)
	}
	return append(make([]any, 0, len(d.items)-base), d.items[base:]...), true
}

// fill hands set each string noted in d.carved since carvedBase, cut from all, the bytes of d.carve since
// carveBase.
func (d *objectDecoder) fill(carveBase, carvedBase int, set func(at int, s string), all string) {
	start := 0
	for i := carvedBase; i < len(d.carved); i += 2 {
		end := d.carved[i+1] - carveBase
		set(d.carved[i], all[start:end])
		start = end
	}
}

// stringRaw returns the quoted string at d.pos, quotes included.
func (d *objectDecoder) stringRaw() ([]byte, bool) {
	if d.pos >= len(d.data) || d.data[d.pos] != '"' {
		return nil, false
	}
	start := d.pos
	plain := true // no escape, nothing beyond ASCII: the text is the bytes between the quotes
	for i := start + 1; i < len(d.data); {
		for i+8 <= len(d.data) && asciiStop(swar.LoadBytes(d.data, i)) == 0 { // eight plain bytes at a time
			i += 8
		}
		if i >= len(d.data) {
			break
		}
		switch c := d.data[i]; {
		case c == '"':
			d.pos, d.plain = i+1, plain
			return d.data[start:d.pos], true
		case c == '\\':
			plain = false
			i += 2 // the escaped byte; encoding/json checks the escape
		case c < 0x20:
			return nil, false
		default: // beyond ASCII
			plain = false
			i++
		}
	}
	return nil, false
}

// unquote is unquote(raw) for the string stringRaw has just read, without looking at a plain one again.
func (d *objectDecoder) unquote(raw []byte) (body []byte, s string, ok bool) {
	if d.plain {
		return raw[1 : len(raw)-1], "", true
	}
	return unquote(raw)
}

// unquote returns the text of the quoted string raw: body, a slice of raw, when it needs no unquoting (no escape,
// valid UTF-8), or else s, unquoted by encoding/json.
func unquote(raw []byte) (body []byte, s string, ok bool) {
	body = raw[1 : len(raw)-1]
	for _, c := range body {
		if c == '\\' || c >= utf8.RuneSelf {
			if utf8.Valid(body) && !containsByte(body, '\\') {
				return body, "", true
			}
			s, ok = unquoteStd(raw)
			return nil, s, ok
		}
	}
	return body, "", true
}

// unquoteStd unquotes with encoding/json (apart, so that its string escapes to the heap only on this path).
func unquoteStd(raw []byte) (string, bool) {
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", false
	}
	return s, true
}

// member unquotes the key of the n-th member of an object at depth, shared through d.keys while it has room,
// and returns what is learnt about the member (nil: nothing).
func (d *objectDecoder) member(depth, n int, raw []byte) (string, *slot, bool) {
	body, s, ok := d.unquote(raw)
	if !ok || body == nil {
		return s, nil, ok
	}
	if d.keys == nil || depth >= maxLearnedDepth || n >= maxLearnedFields {
		return d.key(body), nil, true
	}
	for len(d.fields) <= depth {
		d.fields = append(d.fields, nil)
	}
	fs := d.fields[depth]
	if n < len(fs) && fs[n].key == string(body) {
		return fs[n].key, &fs[n], true
	}
	k := d.key(body)
	switch {
	case n < len(fs):
		fs[n] = slot{key: k} // another object's member: learnt again
	case n == len(fs):
		d.fields[depth] = append(fs, slot{key: k})
	default:
		return k, nil, true
	}
	return k, &d.fields[depth][n], true
}

// key returns an unquoted object key, shared through d.keys while it has room.
func (d *objectDecoder) key(body []byte) string {
	if k, ok := d.keys[string(body)]; ok { // no allocation for the lookup
		return k
	}
	k := string(body)
	if d.keys != nil && len(d.keys) < maxInternedKeys {
		d.keys[k] = k
	}
	return k
}

// text unquotes a string value of the member f (nil: unknown); a short one is shared through d.vals while it
// has room, unless f's values seldom repeat.
func (d *objectDecoder) text(raw []byte, f *slot) (any, bool) {
	body, s, ok := d.unquote(raw)
	if !ok {
		return nil, false
	}
	if d.rewrite != nil {
		if body != nil && hasPrefix(body, d.prefix) {
			return d.rewrite(string(body))
		}
		if body == nil && strings.HasPrefix(s, d.prefix) {
			return d.rewrite(s)
		}
	}
	if body == nil {
		return s, true
	}
	if len(body) > maxInternedValue || d.vals == nil || !f.shares() {
		if d.carving {
			d.carve = append(d.carve, body...)
			d.pending = true
			return nil, true
		}
		return string(body), true
	}
	if v, ok := d.vals[string(body)]; ok {
		f.found()
		return v, true
	}
	var v any = string(body)
	if len(d.vals) < maxInternedValues {
		d.vals[v.(string)] = v
	}
	return v, true
}

func hasPrefix(b []byte, prefix string) bool {
	return len(b) >= len(prefix) && string(b[:len(prefix)]) == prefix
}

func containsByte(b []byte, c byte) bool {
	for _, x := range b {
		if x == c {
			return true
		}
	}
	return false
}

// number reads a number with JSON's grammar and converts it as encoding/json does (strconv.ParseFloat); it is
// shared through d.nums as text is through d.vals.
func (d *objectDecoder) number(f *slot) (any, bool) {
	start, i := d.pos, d.pos
	digits := func() bool {
		s := i
		for i < len(d.data) && d.data[i] >= '0' && d.data[i] <= '9' {
			i++
		}
		return i > s
	}
	if d.data[i] == '-' {
		i++
	}
	if i < len(d.data) && d.data[i] == '0' {
		i++
	} else if !digits() {
		return nil, false
	}
	if i < len(d.data) && d.data[i] == '.' {
		i++
		if !digits() {
			return nil, false
		}
	}
	if i < len(d.data) && (d.data[i] == 'e' || d.data[i] == 'E') {
		i++
		if i < len(d.data) && (d.data[i] == '+' || d.data[i] == '-') {
			i++
		}
		if !digits() {
			return nil, false
		}
	}
	if d.useNumber {
		d.pos = i
		return json.Number(d.data[start:i]), true
	}
	n, err := strconv.ParseFloat(string(d.data[start:i]), 64)
	if err != nil {
		return nil, false
	}
	d.pos = i
	if d.nums == nil || !f.shares() {
		return n, true
	}
	bits := math.Float64bits(n)
	if v, ok := d.nums[bits]; ok {
		f.found()
		return v, true
	}
	var v any = n
	if len(d.nums) < maxInternedNumbers {
		d.nums[bits] = v
	}
	return v, true
}
