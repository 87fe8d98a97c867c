package state

import (
	"context"
	"errors"
	"slices"
	"time"
)

// Tx is one transaction on one session, handed to the function of Session.View (read-only) or Session.Update.
// Reads see the session as committed plus the transaction's own writes. Writes are buffered: they become
// visible to others only when the function returns nil, all at once, and not at all when it returns an error.
// A Tx is valid only during the call that handed it out and is not safe for concurrent use.
type Tx struct {
	ctx      context.Context
	base     Reader // the committed records, or what a Reset in this transaction replaced them with
	seed     Reader
	writable bool
	// The collections written in this transaction: the first in firstName and first, the others in colls (nil
	// until a second one is written). See written and setColl.
	firstName string
	first     *txColl
	colls     map[string]*txColl
	ops       []Op
	settles   []settleMark
	clear     bool // the settle marks of the session are dropped (reset)

	// Room inside the Tx for the usual write, one record of one collection, so that it costs no allocation of
	// its own: the first collection written, the first record and the first operation.
	roomColl     txColl
	roomRec      txRec
	roomOp       [1]Op
	roomCollUsed bool
	roomRecUsed  bool

	// Session.Update's: its context and function, and tx.runUpdate bound once (the Tx is pooled).
	updCtx   context.Context
	updFn    func(*Tx) error
	forStore func(cur, seed Reader) ([]Op, error)
}

// txColl is the transaction's writes to one collection, over the base's records.
type txColl struct {
	replaced bool // the base's records of this collection are ignored
	// The keys written: the first in firstKey and firstRec, the others in recs (nil until a second one is
	// written). See rec and setRec.
	firstKey string
	firstRec *txRec
	recs     map[string]*txRec
	order    []string // keys placed after the base's records, in insertion order
}

type txRec struct {
	rec      Record    // with over, the base over sets its fields on
	over     []Field   // PutPatched's fields
	text     *BaseText // PutPatched's kept text of rec
	whole    Record    // rec with over, made when the transaction itself reads the record
	deleted  bool
	appended bool // in order (a new key, or one deleted and put again) rather than at the base's place
}

// record is the record written, as one map.
func (r *txRec) record() Record {
	if len(r.over) == 0 {
		return r.rec
	}
	if r.whole == nil {
		r.whole = (&Patched{Base: r.rec, Over: r.over}).Map()
	}
	return r.whole
}

// partsReader is a Reader that hands out a record stored as a base with fields over it without making it one
// map (the in-memory store's versions).
type partsReader interface {
	GetParts(coll, key string) (Patched, error)
}

// settleMark records that a record answers "queued" until a time.
type settleMark struct {
	coll, key string
	until     time.Time
	forget    bool
}

// ErrReadOnly reports a write in the transaction of Session.View.
var ErrReadOnly = errors.New("state: write in a read-only transaction")

func newTx(ctx context.Context, base, seed Reader, writable bool) *Tx {
	tx := new(Tx)
	tx.init(ctx, base, seed, writable)
	return tx
}

// init makes tx a new transaction over base (everything it held before is dropped).
func (tx *Tx) init(ctx context.Context, base, seed Reader, writable bool) {
	*tx = Tx{ctx: ctx, base: base, seed: seed, writable: writable, updCtx: tx.updCtx, updFn: tx.updFn, forStore: tx.forStore}
	tx.ops = tx.roomOp[:0]
}

// written returns the transaction's writes to the collection name, nil if none.
func (tx *Tx) written(name string) *txColl {
	if tx.first != nil && tx.firstName == name {
		return tx.first
	}
	return tx.colls[name]
}

// setColl makes c the transaction's writes to the collection name.
func (tx *Tx) setColl(name string, c *txColl) {
	if tx.first == nil || tx.firstName == name {
		tx.firstName, tx.first = name, c
		return
	}
	if tx.colls == nil {
		tx.colls = map[string]*txColl{}
	}
	tx.colls[name] = c
}

// dropColls forgets every collection written (a reset).
func (tx *Tx) dropColls() { tx.firstName, tx.first, tx.colls = "", nil, nil }

// rec returns the write of key in c.
func (c *txColl) rec(key string) (*txRec, bool) {
	if c.firstRec != nil && c.firstKey == key {
		return c.firstRec, true
	}
	r, ok := c.recs[key]
	return r, ok
}

// setRec makes r the write of key in c.
func (c *txColl) setRec(key string, r *txRec) {
	if c.firstRec == nil || c.firstKey == key {
		c.firstKey, c.firstRec = key, r
		return
	}
	if c.recs == nil {
		c.recs = map[string]*txRec{}
	}
	c.recs[key] = r
}

// newColl returns an empty txColl, the Tx's own room for one the first time.
func (tx *Tx) newColl() *txColl {
	if !tx.roomCollUsed {
		tx.roomCollUsed = true
		return &tx.roomColl
	}
	return &txColl{}
}

// newRec returns an empty txRec, the Tx's own room for one the first time.
func (tx *Tx) newRec() *txRec {
	if !tx.roomRecUsed {
		tx.roomRecUsed = true
		return &tx.roomRec
	}
	return &txRec{}
}

// Context is the context the transaction runs under.
func (tx *Tx) Context() context.Context { return tx.ctx }

// Get returns a copy of the record stored under key, or ErrNotFound: the caller may modify it (and hand it to
// PutOwned). A caller that only reads the record should use Lookup, which does not copy.
func (tx *Tx) Get(coll, key string) (Record, error) {
	rec, err := tx.get(coll, key)
	if err != nil {
		return nil, err
	}
	return DeepCopyRecord(rec), nil
}

// Lookup returns the record stored under key itself, not a copy, or ErrNotFound. A stored record is never
// modified (every write stores a new record: copy on write), so the caller may keep it and read it from any
// goroutine for as long as it likes, and sees it as it was when looked up whatever is written afterwards; it
// must never modify it, nor any map or slice inside it (copy it with DeepCopyRecord, or use Get, to change
// it). The same holds for the records Scan hands out.
func (tx *Tx) Lookup(coll, key string) (Record, error) {
	return tx.get(coll, key)
}

// Has reports whether a record is stored under key.
func (tx *Tx) Has(coll, key string) (bool, error) {
	_, err := tx.LookupParts(coll, key) // a patched record is not made one map to be found
	if errors.Is(err, ErrNotFound) {
		return false, nil
	}
	return err == nil, err
}

func (tx *Tx) get(coll, key string) (Record, error) {
	if err := tx.ctx.Err(); err != nil {
		return nil, err
	}
	if c := tx.written(coll); c != nil {
		if r, ok := c.rec(key); ok {
			if r.deleted {
				return nil, ErrNotFound
			}
			return r.record(), nil
		}
		if c.replaced {
			return nil, ErrNotFound
		}
	}
	return tx.base.Get(coll, key)
}

// LookupParts is Lookup for an update of a few fields: the stored record as its Base, the fields earlier updates
// set over it (Over: nil for a record stored whole, and for one a reader has had made one map, which is the
// Base then) and the base's kept text (Text, nil until an update sets one), without making them one map.
// Neither Base nor Over may be modified, as with Lookup. The update stores the base with its own fields set
// over it, and the same Text (PutPatched), rather than a copy of the whole record.
func (tx *Tx) LookupParts(coll, key string) (Patched, error) {
	if err := tx.ctx.Err(); err != nil {
		return Patched{}, err
	}
	if c := tx.written(coll); c != nil {
		if r, ok := c.rec(key); ok {
			if r.deleted {
				return Patched{}, ErrNotFound
			}
			return Patched{Base: r.rec, Over: r.over, Text: r.text}, nil
		}
		if c.replaced {
			return Patched{}, ErrNotFound
		}
	}
	return tx.baseParts(coll, key)
}

// baseParts reads a record of the base as LookupParts does.
func (tx *Tx) baseParts(coll, key string) (Patched, error) {
	if pr, ok := tx.base.(partsReader); ok {
		return pr.GetParts(coll, key)
	}
	rec, err := tx.base.Get(coll, key)
	return Patched{Base: rec}, err
}

// Scan calls fn with each record of the collection in insertion order until fn returns false. The records are
// the stored ones, not copies: as with Lookup, fn may keep them but must never modify them (copy what it
// changes with DeepCopyRecord).
func (tx *Tx) Scan(coll string, fn func(key string, rec Record) bool) error {
	return tx.ScanFrom(coll, 0, fn)
}

// ScanFrom is Scan starting at the from-th record (counting from 0): a page of a list costs O(log n + page),
// not the whole collection, when the transaction has not written the collection.
func (tx *Tx) ScanFrom(coll string, from int, fn func(key string, rec Record) bool) error {
	if err := tx.ctx.Err(); err != nil {
		return err
	}
	c := tx.written(coll)
	if c == nil {
		return tx.base.Scan(coll, from, fn)
	}
	if from > 0 {
		skip := from
		inner := fn
		fn = func(key string, rec Record) bool {
			if skip > 0 {
				skip--
				return true
			}
			return inner(key, rec)
		}
	}
	stopped := false
	if !c.replaced {
		err := tx.base.Scan(coll, 0, func(key string, rec Record) bool {
			if r, ok := c.rec(key); ok {
				if r.deleted || r.appended {
					return true
				}
				rec = r.record()
			}
			if !fn(key, rec) {
				stopped = true
				return false
			}
			return true
		})
		if err != nil || stopped {
			return err
		}
	}
	for _, key := range c.order {
		if r, _ := c.rec(key); !r.deleted && !fn(key, r.record()) {
			return nil
		}
	}
	return nil
}

// Len is the number of records in the collection.
func (tx *Tx) Len(coll string) (int, error) {
	if err := tx.ctx.Err(); err != nil {
		return 0, err
	}
	if tx.written(coll) == nil {
		return tx.base.Len(coll)
	}
	n := 0
	err := tx.Scan(coll, func(string, Record) bool { n++; return true })
	return n, err
}

// MaxKey returns the greatest key of the collection, keys ordered by scope (their part up to the last '/'),
// then integers by value before any other (ok is false for an empty collection): O(log n) when the
// transaction has not written the collection.
func (tx *Tx) MaxKey(coll string) (string, bool, error) {
	if err := tx.ctx.Err(); err != nil {
		return "", false, err
	}
	if tx.written(coll) == nil {
		return tx.base.MaxKey(coll)
	}
	best, found := "", false
	err := tx.Scan(coll, func(key string, _ Record) bool {
		if !found || keyOrder(key) > keyOrder(best) {
			best, found = key, true
		}
		return true
	})
	return best, found, err
}

// CountIn counts the keys of the collection directly under scope (the part of a key up to its last '/'; ""
// for keys without one): O(log n) when the transaction has not written the collection.
func (tx *Tx) CountIn(coll, scope string) (int, error) {
	if err := tx.ctx.Err(); err != nil {
		return 0, err
	}
	if tx.written(coll) == nil {
		return tx.base.CountIn(coll, scope)
	}
	n := 0
	err := tx.Scan(coll, func(key string, _ Record) bool {
		if s, _ := splitKey(key); s == scope {
			n++
		}
		return true
	})
	return n, err
}

// MaxIntIn returns the greatest integer key (digits without a leading zero, by value) directly under scope; ok
// is false when there is none. O(log n) when the transaction has not written the collection: a create that
// numbers its record the largest plus one needs no scan.
func (tx *Tx) MaxIntIn(coll, scope string) (string, bool, error) {
	if err := tx.ctx.Err(); err != nil {
		return "", false, err
	}
	if tx.written(coll) == nil {
		return tx.base.MaxIntIn(coll, scope)
	}
	best, found := "", false
	err := tx.Scan(coll, func(key string, _ Record) bool {
		if s, last := splitKey(key); s == scope && isIntKey(last) && (!found || keyOrder(key) > keyOrder(best)) {
			best, found = key, true
		}
		return true
	})
	return best, found, err
}

// Collections names the collections that exist, sorted.
func (tx *Tx) Collections() ([]string, error) {
	names, err := tx.base.Collections()
	if err != nil {
		return nil, err
	}
	if tx.first != nil && !slices.Contains(names, tx.firstName) {
		names = append(names, tx.firstName)
	}
	for name := range tx.colls {
		if !slices.Contains(names, name) {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	return names, nil
}

// Snapshot returns a copy of the whole session.
func (tx *Tx) Snapshot() (State, error) {
	names, err := tx.Collections()
	if err != nil {
		return nil, err
	}
	st := make(State, len(names))
	for _, name := range names {
		entries := []Entry{}
		err := tx.Scan(name, func(key string, rec Record) bool {
			entries = append(entries, Entry{Key: key, Record: DeepCopyRecord(rec)})
			return true
		})
		if err != nil {
			return nil, err
		}
		st[name] = entries
	}
	return st, nil
}

func (tx *Tx) check() error {
	if !tx.writable {
		return ErrReadOnly
	}
	return tx.ctx.Err()
}

func (tx *Tx) coll(name string) *txColl {
	c := tx.written(name)
	if c == nil {
		c = tx.newColl()
		tx.setColl(name, c)
	}
	return c
}

// Put stores a copy of rec under key, replacing any record with that key (which keeps its place in the order).
// The caller keeps rec and may go on changing it.
func (tx *Tx) Put(coll, key string, rec Record) error {
	if err := tx.check(); err != nil {
		return err
	}
	return tx.PutOwned(coll, key, DeepCopyRecord(rec))
}

// PutOwned is Put without the copy: rec itself is stored, and with it the transaction takes ownership of rec
// and of every map and slice inside it. From the call on, the caller (and anything else that holds a part of
// rec) must never modify them: once committed they are read by other requests, sessions and goroutines
// (Lookup, Scan, the journal) without a lock. Use it for a record the caller built or copied for this write
// alone (Get's copy, DeepCopyRecord's, fresh maps) and only reads afterwards. rec may share maps and slices
// with records already stored (a shallow copy of one, changed only in its top-level fields), since those are
// never modified either.
func (tx *Tx) PutOwned(coll, key string, rec Record) error {
	return tx.put(coll, key, rec, nil, nil)
}

// PutPatched stores under key the record p.Base with the fields of p.Over set over it, without making them one
// map: an update of a few fields of a record read with LookupParts passes that record's base and its fields,
// changed and added to (at most jsonvalue.OverlayMax of them; past that, store a whole record), and the base's
// kept text (the one LookupParts gave, or a new one). As with PutOwned the transaction takes ownership: Over and
// the values in it must never be modified afterwards; Base is never modified by anyone. Readers see one record:
// Get, Lookup and Scan give Base with Over set, as one map made at the first such read.
func (tx *Tx) PutPatched(coll, key string, p Patched) error {
	return tx.put(coll, key, p.Base, p.Over, p.Text)
}

func (tx *Tx) put(coll, key string, rec Record, over []Field, text *BaseText) error {
	if err := tx.check(); err != nil {
		return err
	}
	cp := rec
	if cp == nil {
		cp = Record{}
	}
	if len(over) == 0 {
		over, text = nil, nil
	}
	c := tx.coll(coll)
	if r, ok := c.rec(key); ok {
		if r.deleted {
			r.deleted = false
			if r.appended {
				c.order = slices.DeleteFunc(c.order, func(k string) bool { return k == key })
			}
			r.appended = true
			c.order = append(c.order, key)
		}
		r.rec, r.over, r.text, r.whole = cp, over, text, nil
	} else {
		inBase := false
		if !c.replaced {
			_, err := tx.baseParts(coll, key) // the parts: a patched record is not made one map to be counted
			if err != nil && !errors.Is(err, ErrNotFound) {
				return err
			}
			inBase = err == nil
		}
		r := tx.newRec()
		r.rec, r.over, r.text, r.appended = cp, over, text, !inBase
		c.setRec(key, r)
		if !inBase {
			c.order = append(c.order, key)
		}
	}
	tx.ops = append(tx.ops, Op{Kind: OpPut, Coll: coll, Key: key, Record: cp, Over: over, Text: text})
	return nil
}

// Delete removes the record under key, or returns ErrNotFound.
func (tx *Tx) Delete(coll, key string) error {
	if err := tx.check(); err != nil {
		return err
	}
	if _, err := tx.LookupParts(coll, key); err != nil { // found without making a patched record one map
		return err
	}
	c := tx.coll(coll)
	if r, ok := c.rec(key); ok {
		r.deleted, r.rec, r.over, r.text, r.whole = true, nil, nil, nil, nil
	} else {
		c.setRec(key, &txRec{deleted: true})
	}
	tx.ops = append(tx.ops, Op{Kind: OpDelete, Coll: coll, Key: key})
	tx.settles = append(tx.settles, settleMark{coll: coll, key: key, forget: true})
	return nil
}

// Reset replaces the whole session with a copy of st; a collection absent from st becomes empty.
func (tx *Tx) Reset(st State) error {
	if err := tx.check(); err != nil {
		return err
	}
	cp := CopyState(st)
	tx.base = newMemFrom(cp, false)
	tx.dropColls()
	tx.ops = append(tx.ops, Op{Kind: OpReset, State: cp})
	tx.settles, tx.clear = nil, true
	return nil
}

// ResetToSeed puts the session back to the seeded state.
func (tx *Tx) ResetToSeed() error {
	if err := tx.check(); err != nil {
		return err
	}
	tx.base = tx.seed
	tx.dropColls()
	tx.ops = append(tx.ops, Op{Kind: OpSeed})
	tx.settles, tx.clear = nil, true
	return nil
}

// ReplaceCollection replaces one collection with copies of entries, in their order.
func (tx *Tx) ReplaceCollection(coll string, entries []Entry) error {
	if err := tx.check(); err != nil {
		return err
	}
	c := &txColl{replaced: true, recs: make(map[string]*txRec, len(entries))}
	cp := make([]Entry, 0, len(entries))
	for _, e := range entries {
		rec := DeepCopyRecord(e.Record)
		if r, dup := c.rec(e.Key); dup {
			r.rec, r.over, r.text, r.whole = rec, nil, nil, nil
			continue
		}
		c.setRec(e.Key, &txRec{rec: rec, appended: true})
		c.order = append(c.order, e.Key)
		cp = append(cp, Entry{Key: e.Key, Record: rec})
	}
	for i, e := range cp { // a repeated key keeps its first place and its last record
		r, _ := c.rec(e.Key)
		cp[i].Record = r.rec
	}
	tx.setColl(coll, c)
	tx.ops = append(tx.ops, Op{Kind: OpCollection, Coll: coll, Entries: cp})
	return nil
}

// Settle makes a record answer "queued" until the given time once the transaction commits. Settle marks live in
// memory only: they are not journalled and a restart forgets them.
func (tx *Tx) Settle(coll, key string, until time.Time) error {
	if err := tx.check(); err != nil {
		return err
	}
	tx.settles = append(tx.settles, settleMark{coll: coll, key: key, until: until})
	return nil
}
