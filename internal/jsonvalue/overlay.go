package jsonvalue

import (
	"runtime"
	"slices"
	"sync/atomic"
	"unsafe"
)

// Overlay is an object made of Base with the fields of Over set over it: a key in Over replaces Base's value,
// a key only in Over is added. Neither Base nor Over is modified through it, and whoever holds one must not
// modify them either: an Overlay stands for a stored record updated in a few fields, which shares its Base
// with the version before and with every reader of it. Append writes it as the object it stands for (the same
// bytes as for Map's result); Copy copies it into a map.
type Overlay struct {
	Base map[string]any
	Over []Field // each key once
	// Text, when set, keeps Base's written text for every Overlay over that base (see BaseText).
	Text *BaseText
}

// Field is one member of an object.
type Field struct {
	Key   string
	Value any
}

// OverlayMax is the most fields an Overlay should hold over its Base: past it, finding a key in Over costs more
// than a map lookup, and the object is better made whole.
const OverlayMax = 8

// Get returns the value of key.
func (o *Overlay) Get(key string) (any, bool) {
	if v, ok := overGet(o.Over, key); ok {
		return v, true
	}
	v, ok := o.Base[key]
	return v, ok
}

// Len is the number of keys of the object.
func (o *Overlay) Len() int {
	n := len(o.Base)
	for _, f := range o.Over {
		if _, ok := o.Base[f.Key]; !ok {
			n++
		}
	}
	return n
}

// Map returns the object as a new map (a shallow copy: the values are shared).
func (o *Overlay) Map() map[string]any {
	m := make(map[string]any, len(o.Base)+len(o.Over))
	for k, v := range o.Base {
		m[k] = v
	}
	for _, f := range o.Over {
		m[f.Key] = f.Value
	}
	return m
}

// MarshalJSON writes the object, for encoding/json.
func (o *Overlay) MarshalJSON() ([]byte, error) { return Append(nil, o.Map()) }

// overGet finds key in over.
func overGet(over []Field, key string) (any, bool) {
	for i := range over {
		if over[i].Key == key {
			return over[i].Value, true
		}
	}
	return nil, false
}

// BaseText keeps the written text of an Overlay's Base, shared by every Overlay over that base: Append then
// copies it and writes only the fields set over it, instead of looking up and writing every field again (a
// 30-field record updated in two fields costs two values' writing, not thirty). Hand a new BaseText to the
// first Overlay over a base and the same one to each later Overlay over it; it is filled at the second Append
// (a base written once is not worth keeping) and used only for that base. The bytes written are the same with
// it as without. All kept texts together stay under keptTextBudget: past it, overlays are written field by
// field until collected BaseTexts give their room back.
type BaseText struct {
	p    atomic.Pointer[baseText]
	uses atomic.Int32
}

// keptTextBudget bounds the bytes of every kept base text together (a few thousand records' worth).
var keptTextBudget int64 = 32 << 20

// keptText is what the kept base texts take now.
var keptText atomic.Int64

// baseText is a base's text: {"key":value,...} in ascending key order, as Append writes the map.
type baseText struct {
	base  unsafe.Pointer // the map it was written from
	text  []byte
	keys  []string                // in ascending order
	vals  [][2]int                // text[vals[i][0]:vals[i][1]] is the value of the i-th key
	sizes []int                   // the estimate (watcher.add) of each value
	size  int                     // the estimate of the whole object
	clean atomic.Pointer[KeyTest] // the KeyTest every key of text passed, nested ones included
	dirty atomic.Pointer[KeyTest] // a KeyTest some key of text hit: its overlays are written field by field
	ok    bool                    // false when the base does not write (a NaN, a value left to encoding/json)
}

// mapID is the identity of a map: the pointer a map value is.
func mapID(m map[string]any) unsafe.Pointer { return *(*unsafe.Pointer)(unsafe.Pointer(&m)) }

// get returns the text of base, writing it at the second use when none is kept (nil before, and while the
// budget is spent); test is the KeyTest to try its keys with.
func (t *BaseText) get(base map[string]any, test *KeyTest) *baseText {
	if bt := t.p.Load(); bt != nil {
		return bt
	}
	if t.uses.Add(1) < 2 || keptText.Load() >= keptTextBudget {
		return nil
	}
	bt := writeBase(base, test)
	if !t.p.CompareAndSwap(nil, bt) {
		return t.p.Load()
	}
	n := bt.bytes()
	keptText.Add(n)
	runtime.AddCleanup(t, func(n int64) { keptText.Add(-n) }, n) // the room goes back with the BaseText
	return bt
}

// bytes is about what bt takes in memory.
func (bt *baseText) bytes() int64 {
	return int64(cap(bt.text) + 16*len(bt.keys) + 16*len(bt.vals) + 8*len(bt.sizes) + 128)
}

// writeBase writes base as appendObject would at depth 0, noting where each value lies and what each adds to
// the estimate. With test, every key (nested ones included) is shown to it, and clean is set when none hit.
func writeBase(base map[string]any, test *KeyTest) *baseText {
	bt := &baseText{base: mapID(base)}
	keys := SortedKeys(base)
	w := &watcher{}
	if test != nil {
		w.fn = test.Fn // no test: every key is shown, as a shape seen for the first time shows them
	}
	text := make([]byte, 0, EstimateUpTo(base, 1<<20)+len(keys)*2+2)
	text = append(text, '{')
	w.add(2)
	bt.keys = keys
	bt.vals = make([][2]int, len(keys))
	bt.sizes = make([]int, len(keys))
	for i, k := range keys {
		if i > 0 {
			text = append(text, ',')
		}
		w.key(k)
		w.add(len(k) + 4)
		text = append(appendString(text, k), ':')
		from, before := len(text), w.size
		var err error
		if text, err = appendValue(text, base[k], 1, w); err != nil {
			return bt
		}
		bt.vals[i] = [2]int{from, len(text)}
		bt.sizes[i] = w.size - before
	}
	bt.text = append(text, '}')
	bt.size = w.size
	if test != nil {
		if w.hit {
			bt.dirty.Store(test)
		} else {
			bt.clean.Store(test)
		}
	}
	bt.ok = true
	return bt
}

// appendOverlayText writes o from its base's kept text when it can (ok false: nothing written, write it field
// by field): every key of Over is Base's, the watcher asks nothing of the keys the text holds (none, or a
// KeyTest they all passed), and the text stays well within the watcher's limit.
func appendOverlayText(dst []byte, o *Overlay, depth int, w *watcher) (out []byte, ok bool, err error) {
	var test *KeyTest
	if w != nil && !w.hit {
		if w.fn != nil && w.test == nil {
			return dst, false, nil // a watch that is not a KeyTest sees every key
		}
		test = w.test
	}
	bt := o.Text.get(o.Base, test)
	if bt == nil || !bt.ok || bt.base != mapID(o.Base) {
		return dst, false, nil
	}
	if test != nil && bt.clean.Load() != test {
		if bt.dirty.Load() == test {
			return dst, false, nil
		}
		if !keysPass(o.Base, test.Fn, 0) {
			bt.dirty.Store(test)
			return dst, false, nil
		}
		bt.clean.Store(test) // the text was kept before this test saw its keys: they pass it
	}
	if w.over(len(dst) + len(bt.text) + 64) {
		return dst, false, nil
	}
	type placed struct {
		at int // the field's place in the text
		v  any
	}
	var room [OverlayMax]placed // Over's fields with their places, sorted to the order they are written in
	fields := room[:0]
	if len(o.Over) > len(room) {
		fields = make([]placed, 0, len(o.Over))
	}
	for _, f := range o.Over {
		i, found := slices.BinarySearch(bt.keys, f.Key)
		if !found {
			return dst, false, nil
		}
		fields = append(fields, placed{i, f.Value})
	}
	slices.SortFunc(fields, func(a, b placed) int { return a.at - b.at })
	w.add(bt.size)
	from := 0
	for _, f := range fields {
		dst = append(dst, bt.text[from:bt.vals[f.at][0]]...)
		w.add(-bt.sizes[f.at])
		if dst, err = appendValue(dst, f.v, depth+1, w); err != nil {
			return dst, true, err
		}
		from = bt.vals[f.at][1]
	}
	return append(dst, bt.text[from:]...), true, nil
}

// keysPass reports whether fn passes (returns false for) every object key of v, as Append would show them; a
// value Append leaves to encoding/json does not pass, since its keys are not seen.
func keysPass(v any, fn func(string) bool, depth int) bool {
	if depth > maxDirectDepth {
		return false
	}
	switch x := v.(type) {
	case nil, string, float64, bool, int, int64, Raw, []string:
		return true
	case map[string]any:
		for k, e := range x {
			if fn(k) || !keysPass(e, fn, depth+1) {
				return false
			}
		}
		return true
	case map[string]string:
		for k := range x {
			if fn(k) {
				return false
			}
		}
		return true
	case []any:
		for _, e := range x {
			if !keysPass(e, fn, depth+1) {
				return false
			}
		}
		return true
	}
	return false
}
