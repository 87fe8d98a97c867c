package state

import (
	"cmp"
	"maps"
	"slices"
	"strings"
	"sync/atomic"
)

// mem is one version of a session's records. It is immutable once built: a write makes a new mem that shares
// every collection and tree node it does not change, so a version costs O(log n) per written record, a copy
// of a session (a fork of the seed, a snapshot, what a reader holds) costs a pointer, and readers need no lock.
type mem struct {
	colls map[string]*collection // never modified once the mem is published
	// over, when set, stands in for colls[overName]: a version made by puts to one collection shares the map
	// of the version it was made from (a clone of the map was the larger part of an update's garbage).
	overName string
	over     *collection
	seq      uint64 // the next insertion sequence number
}

// coll is the version's collection name, nil for none.
func (m *mem) coll(name string) *collection {
	if m.over != nil && name == m.overName {
		return m.over
	}
	return m.colls[name]
}

// collMap is the version's collections as one map, which the caller must not modify: colls itself when no
// collection stands in for another.
func (m *mem) collMap() map[string]*collection {
	if m.over == nil {
		return m.colls
	}
	return m.ownColls()
}

// ownColls is a new map of the version's collections.
func (m *mem) ownColls() map[string]*collection {
	cs := make(map[string]*collection, len(m.colls)+1)
	maps.Copy(cs, m.colls)
	if m.over != nil {
		cs[m.overName] = m.over
	}
	return cs
}

// collection is one collection of a version: its records by key and in insertion order.
type collection struct {
	byKey *tree[string, *storedEntry] // ordered by keyOrder(key)
	bySeq *tree[uint64, *storedEntry] // insertion order
}

type storedEntry struct {
	seq uint64
	key string
	rec Record // never modified once stored; with patch, the base the patch's fields are set over
	// patch, when set, holds the fields an update set over rec (Tx.PutPatched): the record is rec with them.
	patch *patch
}

// patch is the part of a stored record an update set over another, and the whole record once something read it.
type patch struct {
	over  []Field
	text  *BaseText
	whole atomic.Pointer[Record] // made by the first read that needs one map (record), then shared
}

// record is the stored record as one map: rec, or for a patched record the map made of rec and its fields (made
// once, at the first such read, and kept: a record read again is not copied again).
func (e *storedEntry) record() Record {
	if e.patch == nil {
		return e.rec
	}
	if w := e.patch.whole.Load(); w != nil {
		return *w
	}
	m := (&Patched{Base: e.rec, Over: e.patch.over}).Map()
	if e.patch.whole.CompareAndSwap(nil, &m) {
		return m
	}
	return *e.patch.whole.Load()
}

// parts is the stored record as its base, the fields set over it (none for a record stored whole) and the
// base's kept text. A patched record a reader has made one map is that map: an update of it then lets the old
// base go.
func (e *storedEntry) parts() Patched {
	if e.patch == nil {
		return Patched{Base: e.rec}
	}
	if w := e.patch.whole.Load(); w != nil {
		return Patched{Base: *w}
	}
	return Patched{Base: e.rec, Over: e.patch.over, Text: e.patch.text}
}

// newEntry is the entry of rec with over set over it (text: rec's kept text).
func newEntry(seq uint64, key string, rec Record, over []Field, text *BaseText) *storedEntry {
	if len(over) == 0 {
		return &storedEntry{seq: seq, key: key, rec: rec}
	}
	pe := &patchedEntry{storedEntry: storedEntry{seq: seq, key: key, rec: rec}, p: patch{over: over, text: text}}
	pe.patch = &pe.p
	return &pe.storedEntry
}

// patchedEntry is a patched record's entry and its patch in one allocation.
type patchedEntry struct {
	storedEntry
	p patch
}

var _ Reader = (*mem)(nil)

var emptyMem = &mem{colls: map[string]*collection{}}

// keyOrder is the order of keys in the byKey tree. A key is read as a scope (everything up to its last '/', ""
// for none: the enclosing ids of a nested record, "owner/repo/" in "owner/repo/42") and a last segment. Keys
// are ordered by scope, then, within a scope, integers (without leading zeros, up to 18 digits) by value before
// every other last segment as text. So the keys directly under one scope are one range of the tree, and its
// integers a range inside it (see scopeStart). The encoding is one to one: a NUL byte in the scope is escaped.
func keyOrder(key string) string {
	var buf [80]byte // on the stack: the string is the one allocation
	return string(appendKeyOrder(buf[:0], key))
}

// appendKeyOrder appends keyOrder(key) to b.
func appendKeyOrder(b []byte, key string) []byte {
	scope, last := splitKey(key)
	for i := 0; i < len(scope); i++ {
		b = append(b, scope[i])
		if scope[i] == 0 {
			b = append(b, 0xff)
		}
	}
	b = append(b, 0, 0)
	if isIntKey(last) {
		b = append(b, 0, byte('a'+len(last)))
	} else {
		b = append(b, 1)
	}
	return append(b, last...)
}

// getByKey is byKey.get(keyOrder(key)) without making the order a string: it is built in a buffer on the stack
// and compared in place.
func getByKey(t *tree[string, *storedEntry], key string) (*storedEntry, bool) {
	var buf [80]byte
	return getByOrder(t, appendKeyOrder(buf[:0], key))
}

// getByOrder is byKey.get(string(ko)), comparing ko in place.
func getByOrder(t *tree[string, *storedEntry], ko []byte) (*storedEntry, bool) {
	for t != nil {
		switch {
		case string(ko) == t.k:
			return t.v, true
		case string(ko) < t.k:
			t = t.left
		default:
			t = t.right
		}
	}
	return nil, false
}

// splitKey cuts a key after its last '/'.
func splitKey(key string) (scope, last string) {
	i := strings.LastIndexByte(key, '/')
	return key[:i+1], key[i+1:]
}

// isIntKey reports whether s is an integer key: 1 to 18 digits, no leading zero (but "0").
func isIntKey(s string) bool {
	n := len(s)
	if n == 0 || n > 18 || s[0] == '0' && n > 1 {
		return false
	}
	for i := 0; i < n; i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// writeScope writes the scope with its NUL bytes escaped (0x00 0xff), then the terminator 0x00 0x00, which sorts
// before anything a longer scope continues with.
func writeScope(sb *strings.Builder, scope string) {
	for i := 0; i < len(scope); i++ {
		sb.WriteByte(scope[i])
		if scope[i] == 0 {
			sb.WriteByte(0xff)
		}
	}
	sb.WriteString("\x00\x00")
}

// scopeStart is where the keys directly under scope start in the byKey order: their integers are the range
// [start+"\x00", start+"\x01"), all of them [start, start+"\x02").
func scopeStart(scope string) string {
	var sb strings.Builder
	writeScope(&sb, scope)
	return sb.String()
}

// newMemFrom builds a version holding st; the records are copied when copyRecs is set, else owned by the mem
// from now on.
func newMemFrom(st State, copyRecs bool) *mem {
	b := newBuilder(emptyMem)
	for _, name := range slices.Sorted(maps.Keys(st)) {
		b.replace(name, st[name], copyRecs)
	}
	return b.done()
}

// Get returns the stored record (not a copy).
func (m *mem) Get(coll, key string) (Record, error) {
	c := m.coll(coll)
	if c == nil {
		return nil, ErrNotFound
	}
	e, ok := getByKey(c.byKey, key)
	if !ok {
		return nil, ErrNotFound
	}
	return e.record(), nil
}

// GetParts is Get without making a patched record one map: the record stored under key as its base, the
// fields set over it and the base's kept text (partsReader).
func (m *mem) GetParts(coll, key string) (Patched, error) {
	c := m.coll(coll)
	if c == nil {
		return Patched{}, ErrNotFound
	}
	e, ok := getByKey(c.byKey, key)
	if !ok {
		return Patched{}, ErrNotFound
	}
	return e.parts(), nil
}

// Scan yields the stored records in insertion order, from the from-th on.
func (m *mem) Scan(coll string, from int, fn func(key string, rec Record) bool) error {
	if c := m.coll(coll); c != nil {
		c.bySeq.each(max(from, 0), func(_ uint64, e *storedEntry) bool { return fn(e.key, e.record()) })
	}
	return nil
}

func (m *mem) Len(coll string) (int, error) {
	if c := m.coll(coll); c != nil {
		return c.bySeq.len(), nil
	}
	return 0, nil
}

func (m *mem) Collections() ([]string, error) {
	return slices.Sorted(maps.Keys(m.collMap())), nil
}

func (m *mem) MaxKey(coll string) (string, bool, error) {
	if c := m.coll(coll); c != nil {
		if _, e, ok := c.byKey.last(); ok {
			return e.key, true, nil
		}
	}
	return "", false, nil
}

// CountIn counts the keys directly under scope, in O(log n).
func (m *mem) CountIn(coll, scope string) (int, error) {
	c := m.coll(coll)
	if c == nil {
		return 0, nil
	}
	start := scopeStart(scope)
	return c.byKey.rank(start+"\x02") - c.byKey.rank(start), nil
}

// MaxIntIn returns the greatest integer key directly under scope, in O(log n).
func (m *mem) MaxIntIn(coll, scope string) (string, bool, error) {
	c := m.coll(coll)
	if c == nil {
		return "", false, nil
	}
	start := scopeStart(scope)
	if k, e, ok := c.byKey.below(start + "\x01"); ok && k >= start+"\x00" {
		return e.key, true, nil
	}
	return "", false, nil
}

// state returns a deep copy of everything stored.
func (m *mem) state() State {
	cs := m.collMap()
	st := make(State, len(cs))
	for name, c := range cs {
		out := make([]Entry, 0, c.bySeq.len())
		c.bySeq.each(0, func(_ uint64, e *storedEntry) bool {
			out = append(out, Entry{Key: e.key, Record: DeepCopyRecord(e.record())})
			return true
		})
		st[name] = out
	}
	return st
}

// apply returns the version after ops; the records in ops are owned by the new version from now on. seed is
// what OpSeed returns to.
func (m *mem) apply(ops []Op, seed *mem) *mem {
	b := newBuilder(m)
	for _, op := range ops {
		switch op.Kind {
		case OpPut:
			b.put(op.Coll, op.Key, op.Record, op.Over, op.Text)
		case OpDelete:
			b.delete(op.Coll, op.Key)
		case OpReset:
			seq := b.seq // sequence numbers keep rising, so a record never takes the place of a seed record by chance
			b = newBuilder(emptyMem)
			b.seq = seq
			for _, name := range slices.Sorted(maps.Keys(op.State)) {
				b.replace(name, op.State[name], false)
			}
		case OpSeed:
			b = newBuilder(seed) // the seed's own records and places; new records go after them
		case OpCollection:
			b.replace(op.Coll, op.Entries, false)
		}
	}
	return b.done()
}

// builder makes a new version from an old one.
type builder struct {
	base  *mem
	colls map[string]*collection // nil until a write needs a map of its own
	// while colls is nil, one is the collection oneName as written so far: puts to a single collection share
	// the base's map (mem.over)
	oneName string
	one     *collection
	seq     uint64
	// emptied is set by a delete or replace, which may leave a collection without records: only then does done
	// look for one (a put never does).
	emptied bool
}

func newBuilder(base *mem) *builder { return &builder{base: base, seq: base.seq} }

// coll is a copy of the collection name as written so far, for a write to change and set.
func (b *builder) coll(name string) *collection {
	var c *collection
	switch {
	case b.colls != nil:
		c = b.colls[name]
	case b.one != nil && b.oneName == name:
		c = b.one
	default:
		c = b.base.coll(name)
	}
	if c == nil {
		return &collection{}
	}
	cp := *c
	return &cp
}

// set makes c the collection name of the version being built. While every write is to one collection, and
// the base stands in no other, the base's map is shared.
func (b *builder) set(name string, c *collection) {
	if b.colls == nil && (b.one == nil || b.oneName == name) && (b.base.over == nil || b.base.overName == name) {
		b.oneName, b.one = name, c
		return
	}
	b.own()
	b.colls[name] = c
}

// own gives the builder a map of its own, holding what was written so far.
func (b *builder) own() {
	if b.colls != nil {
		return
	}
	b.colls = b.base.ownColls()
	if b.one != nil {
		b.colls[b.oneName] = b.one
		b.oneName, b.one = "", nil
	}
}

// put stores rec, with the fields of over set over it (text: rec's kept text), under key.
func (b *builder) put(coll, key string, rec Record, over []Field, text *BaseText) {
	c := b.coll(coll)
	var buf [80]byte
	ko := appendKeyOrder(buf[:0], key)
	if old, ok := getByOrder(c.byKey, ko); ok { // an update: the record keeps its place in both trees
		e := newEntry(old.seq, key, rec, over, text)
		c.byKey = replaceByOrder(c.byKey, ko, e)
		c.bySeq = c.bySeq.replace(old.seq, e)
		b.set(coll, c)
		return
	}
	seq := b.seq
	b.seq++
	e := newEntry(seq, key, rec, over, text)
	c.byKey = c.byKey.set(string(ko), e, strPri(key))
	c.bySeq = c.bySeq.set(seq, e, mix(seq))
	b.set(coll, c)
}

// replaceByOrder is byKey.replace(string(ko), e), comparing ko in place: t holds ko.
func replaceByOrder(t *tree[string, *storedEntry], ko []byte, e *storedEntry) *tree[string, *storedEntry] {
	n := *t
	switch {
	case string(ko) == t.k:
		n.v = e
	case string(ko) < t.k:
		n.left = replaceByOrder(t.left, ko, e)
	default:
		n.right = replaceByOrder(t.right, ko, e)
	}
	return &n
}

func (b *builder) delete(coll, key string) {
	b.own()
	c := b.coll(coll)
	b.emptied = true
	ko := keyOrder(key)
	old, ok := c.byKey.get(ko)
	if !ok {
		return
	}
	c.byKey, _ = c.byKey.del(ko)
	c.bySeq, _ = c.bySeq.del(old.seq)
	b.colls[coll] = c
}

// replace makes a collection hold entries in their order (a repeated key keeps its first place and its last
// record). The collection is built whole, as the same puts one by one would make it (a treap's shape follows
// from its keys and priorities), but in O(n) after a sort and without copying a path per record: a fixture
// collection of 100,000 records was 0.3 s and some 150 MB of garbage record by record.
func (b *builder) replace(coll string, entries []Entry, copyRecs bool) {
	b.own()
	b.emptied = true // a replace may leave the collection without records
	if len(entries) == 0 {
		b.colls[coll] = &collection{}
		return
	}
	kos := make([]string, len(entries))
	byOrder := make([]int, len(entries)) // entry indices by key order, a repeated key's in entry order
	for i, e := range entries {
		kos[i] = keyOrder(e.Key)
		byOrder[i] = i
	}
	slices.SortFunc(byOrder, func(i, j int) int { return cmp.Or(strings.Compare(kos[i], kos[j]), cmp.Compare(i, j)) })
	// from[i] is the entry whose record the key first placed at entry i ends with; -1 for a repeat.
	from := make([]int, len(entries))
	for g := 0; g < len(byOrder); {
		first, last, h := byOrder[g], byOrder[g], g+1
		for ; h < len(byOrder) && kos[byOrder[h]] == kos[first]; h++ {
			from[byOrder[h]] = -1
			last = byOrder[h]
		}
		from[first] = last
		g = h
	}
	n := 0
	for _, f := range from {
		if f >= 0 {
			n++
		}
	}
	stored := make([]storedEntry, 0, n)
	seqNodes := make([]tree[uint64, *storedEntry], 0, n)
	at := make([]int, len(entries)) // entry i's place in stored, when it is a first place
	for i, f := range from {
		if f < 0 {
			continue
		}
		rec := entries[f].Record
		if copyRecs {
			rec = DeepCopyRecord(rec)
		}
		if rec == nil {
			rec = Record{}
		}
		at[i] = len(stored)
		stored = append(stored, storedEntry{seq: b.seq, key: entries[i].Key, rec: rec})
		seqNodes = append(seqNodes, tree[uint64, *storedEntry]{k: b.seq, v: &stored[len(stored)-1], pri: mix(b.seq)})
		b.seq++
	}
	keyNodes := make([]tree[string, *storedEntry], 0, n)
	for _, i := range byOrder {
		if from[i] >= 0 {
			e := &stored[at[i]]
			keyNodes = append(keyNodes, tree[string, *storedEntry]{k: kos[i], v: e, pri: strPri(e.key)})
		}
	}
	b.colls[coll] = &collection{byKey: buildTree(keyNodes), bySeq: buildTree(seqNodes)}
}

// buildTree links nodes, in ascending key order with their priorities set, into a treap and returns its root
// (nil for none): each node goes down the right spine built so far, below the last node of higher priority,
// taking what it passes as its left subtree.
func buildTree[K cmp.Ordered, V any](nodes []tree[K, V]) *tree[K, V] {
	var spine []*tree[K, V]
	for i := range nodes {
		t := &nodes[i]
		var passed *tree[K, V]
		for len(spine) > 0 && spine[len(spine)-1].pri < t.pri {
			passed = spine[len(spine)-1]
			spine = spine[:len(spine)-1]
		}
		t.left = passed
		if len(spine) > 0 {
			spine[len(spine)-1].right = t
		}
		spine = append(spine, t)
	}
	if len(spine) == 0 {
		return nil
	}
	countNodes(spine[0])
	return spine[0]
}

// countNodes sets the size of every node of t and returns t's.
func countNodes[K cmp.Ordered, V any](t *tree[K, V]) int {
	if t == nil {
		return 0
	}
	t.size = 1 + countNodes(t.left) + countNodes(t.right)
	return t.size
}

func (b *builder) done() *mem {
	if b.emptied {
		for name, c := range b.colls {
			if c.bySeq == nil { // a collection without records does not exist
				delete(b.colls, name)
			}
		}
	}
	if b.colls == nil {
		if b.one != nil {
			return &mem{colls: b.base.colls, overName: b.oneName, over: b.one, seq: b.seq}
		}
		if b.seq == b.base.seq {
			return b.base
		}
		return &mem{colls: b.base.colls, overName: b.base.overName, over: b.base.over, seq: b.seq}
	}
	return &mem{colls: b.colls, seq: b.seq}
}
