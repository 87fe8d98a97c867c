package state

import "cmp"

// tree is a persistent treap: an ordered map whose updates return a new tree and leave the old one intact,
// sharing every node they do not touch. Lookups, inserts and deletes are O(log n) expected; a copy of the whole
// tree is a pointer copy. Each node counts the nodes below it, so the i-th element is found in O(log n) too.
// Nodes are immutable once a tree holding them is returned; the nil *tree is the empty tree.
type tree[K cmp.Ordered, V any] struct {
	k           K
	v           V
	pri         uint64 // heap order: a parent's pri is at least its children's
	size        int    // nodes in this subtree
	left, right *tree[K, V]
}

func (t *tree[K, V]) len() int {
	if t == nil {
		return 0
	}
	return t.size
}

// with returns a copy of t with new children, its size recounted.
func (t *tree[K, V]) with(left, right *tree[K, V]) *tree[K, V] {
	n := *t
	n.left, n.right = left, right
	n.size = 1 + left.len() + right.len()
	return &n
}

// get returns the value under k.
func (t *tree[K, V]) get(k K) (V, bool) {
	for t != nil { // K is a string or an integer: no NaN, so == and < order it
		switch {
		case k == t.k:
			return t.v, true
		case k < t.k:
			t = t.left
		default:
			t = t.right
		}
	}
	var zero V
	return zero, false
}

// set returns a tree holding v under k (replacing any value there); pri is the node's priority when k is new.
func (t *tree[K, V]) set(k K, v V, pri uint64) *tree[K, V] {
	if t == nil {
		return &tree[K, V]{k: k, v: v, pri: pri, size: 1}
	}
	switch {
	case k == t.k:
		n := *t
		n.v = v
		return &n
	case k < t.k:
		l := t.left.set(k, v, pri)
		if l.pri > t.pri { // rotate right: l becomes the root
			return l.with(l.left, t.with(l.right, t.right))
		}
		return t.with(l, t.right)
	default:
		r := t.right.set(k, v, pri)
		if r.pri > t.pri { // rotate left
			return r.with(t.with(t.left, r.left), r.right)
		}
		return t.with(t.left, r)
	}
}

// replace returns a tree holding v under k, which t holds: only the path to k is copied; the shape, the sizes and
// the priorities stay.
func (t *tree[K, V]) replace(k K, v V) *tree[K, V] {
	n := *t
	switch {
	case k == t.k:
		n.v = v
	case k < t.k:
		n.left = t.left.replace(k, v)
	default:
		n.right = t.right.replace(k, v)
	}
	return &n
}

// del returns a tree without k, and whether k was there.
func (t *tree[K, V]) del(k K) (*tree[K, V], bool) {
	if t == nil {
		return nil, false
	}
	switch c := cmp.Compare(k, t.k); {
	case c < 0:
		l, ok := t.left.del(k)
		if !ok {
			return t, false
		}
		return t.with(l, t.right), true
	case c > 0:
		r, ok := t.right.del(k)
		if !ok {
			return t, false
		}
		return t.with(t.left, r), true
	default:
		return merge(t.left, t.right), true
	}
}

// merge joins two trees whose keys are all of a below all of b.
func merge[K cmp.Ordered, V any](a, b *tree[K, V]) *tree[K, V] {
	switch {
	case a == nil:
		return b
	case b == nil:
		return a
	case a.pri > b.pri:
		return a.with(a.left, merge(a.right, b))
	default:
		return b.with(merge(a, b.left), b.right)
	}
}

// each calls fn in key order, from the skip-th element on, until fn returns false; it reports whether fn
// asked to stop.
func (t *tree[K, V]) each(skip int, fn func(K, V) bool) bool {
	for t != nil {
		if skip >= t.size {
			return false
		}
		if ll := t.left.len(); skip < ll {
			if t.left.each(skip, fn) {
				return true
			}
			skip = 0
		} else {
			skip -= ll
		}
		if skip == 0 {
			if !fn(t.k, t.v) {
				return true
			}
		} else {
			skip--
		}
		t = t.right
	}
	return false
}

// last returns the greatest key's value.
func (t *tree[K, V]) last() (K, V, bool) {
	if t == nil {
		var k K
		var v V
		return k, v, false
	}
	for t.right != nil {
		t = t.right
	}
	return t.k, t.v, true
}

// rank is the number of keys below k.
func (t *tree[K, V]) rank(k K) int {
	n := 0
	for t != nil {
		if cmp.Less(t.k, k) {
			n += t.left.len() + 1
			t = t.right
		} else {
			t = t.left
		}
	}
	return n
}

// below returns the greatest key less than k, and its value.
func (t *tree[K, V]) below(k K) (K, V, bool) {
	var bk K
	var bv V
	found := false
	for t != nil {
		if cmp.Less(t.k, k) {
			bk, bv, found = t.k, t.v, true
			t = t.right
		} else {
			t = t.left
		}
	}
	return bk, bv, found
}

// mix spreads the bits of x (splitmix64's finaliser): treap priorities from keys, so a tree's shape depends on
// its content only.
func mix(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}

// strPri is the priority of a string key (FNV-1a, mixed).
func strPri(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return mix(h)
}
