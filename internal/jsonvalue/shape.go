package jsonvalue

import "sync/atomic"

// Objects of the same keys are written again and again: the records of one collection, answer after answer and
// record after record of a page. Sorting an object's keys and escaping each of them costs more than the rest
// of its writing, so the sorted keys of the last object of each size are kept with their text (a shape), and
// an object of that size is written in that order when it holds every one of them: n distinct keys of a map of
// n keys are all its keys. The shape is checked with one lookup per key, about what walking the map costs.

// shapeMin is the fewest keys an object needs for its shape to be kept: below it, sorting costs little.
const shapeMin = 6

// shapes holds one shape per object size (modulo its length).
var shapes [64]atomic.Pointer[shape]

// shape is the keys of an object in ascending order with the text each is written as ("key":); never changed
// once stored but for misses.
type shape struct {
	keys []string
	text []byte
	ends []int // text[ends[i-1]:ends[i]] is keys[i]'s
	// misses counts the objects of this size in a row that did not have these keys; past staleAfter, the next
	// one sorted replaces the shape.
	misses atomic.Int32
	// clean is the KeyTest that every key passed (AppendTested): its objects of this shape skip the test.
	clean atomic.Pointer[KeyTest]
}

// staleAfter is how many objects in a row a shape may fail to fit before it is replaced: two kinds of object
// of one size, written in turns, keep the first kind's shape rather than building one per object.
const staleAfter = 8

func (sh *shape) missed() { sh.misses.Add(1) }

func (sh *shape) stale() bool { return sh.misses.Load() > staleAfter }

// remember keeps the shape of the object whose fields fs are sorted by ord.
func remember(fs []field, ord []order) {
	sh := &shape{keys: make([]string, len(ord)), ends: make([]int, len(ord))}
	n := 0
	for _, o := range ord {
		n += len(fs[o.at].key) + 3
	}
	sh.text = make([]byte, 0, n)
	for i, o := range ord {
		k := fs[o.at].key
		sh.keys[i] = k
		sh.text = append(appendString(sh.text, k), ':')
		sh.ends[i] = len(sh.text)
	}
	shapes[len(ord)%len(shapes)].Store(sh)
}

// appendShaped writes the object x, with the fields of over set over it, in the order of sh. ok is false, and
// nothing is written, when the object lacks one of sh's keys; it must have as many keys as sh. Every key is looked up before anything is written, so the watcher
// sees each key once, in the order written, as in appendValue.
func appendShaped(dst []byte, x map[string]any, over []Field, sh *shape, depth int, w *watcher) (out []byte, ok bool, err error) {
	var room [64]any // on the stack: the values of the usual object (a CINNOX enquiry has 48 fields)
	vals := room[:0]
	if len(sh.keys) > len(room) {
		vals = make([]any, 0, len(sh.keys))
	}
	for _, k := range sh.keys {
		v, found := overGet(over, k)
		if !found {
			if v, found = x[k]; !found {
				return dst, false, nil
			}
		}
		vals = append(vals, v)
	}
	if sh.misses.Load() != 0 {
		sh.misses.Store(0)
	}
	// test: the keys go to a KeyTest that has not passed them all yet; tested stays set while each did pass.
	test := w != nil && w.test != nil && !w.hit && sh.clean.Load() != w.test
	tested := test
	dst = append(dst, '{')
	from := 0
	for i, v := range vals {
		if i > 0 {
			dst = append(dst, ',')
		}
		if w.over(len(dst)) {
			return dst, true, ErrTooLarge
		}
		if w == nil || w.test == nil || test {
			if tested && w.hit { // a key inside an earlier value hit: the test sees no more keys
				tested = false
			}
			w.key(sh.keys[i])
			if w != nil && w.hit {
				tested = false
			}
		}
		w.add(len(sh.keys[i]) + 4)
		dst = append(dst, sh.text[from:sh.ends[i]]...)
		from = sh.ends[i]
		if dst, err = appendValue(dst, v, depth+1, w); err != nil {
			return dst, true, err
		}
	}
	if tested {
		sh.clean.Store(w.test)
	}
	return append(dst, '}'), true, nil
}
