package mock

import (
	"maps"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/standin/standin/fake"
	"github.com/standin/standin/internal/jsonvalue"
)

// Kept dynamic pages. A JSON page made only of kept records (dynamic.go) is kept whole too: its JSON text, by
// what decides it (the generator, so the seed; the array schema; API/operation/status; OpenAPI 3.1 or not; the
// day; the offset and the size). A repeated page is then answered with one write of bytes made once; the journal
// reads its first bytes without a copy and shares its masked cut as it does any repeated answer's (masker.lastCut).
// Pages share the records' bounds: their bytes count against dynamicBytesCap, and at most dynamicPageCap pages are
// kept.

// dynamicPageCap is how many whole pages are kept (all servers of the process together).
const dynamicPageCap = 1024

// dynamicStore keeps generated records and whole pages within its bounds. Once a bound is reached nothing more
// is kept: what is kept stays, and the rest is made for each request.
type dynamicStore struct {
	items sync.Map // dynamicKey -> dynamicItem
	pages sync.Map // dynamicPageKey -> *keptPage

	itemCap, pageCap, bytesCap      int64
	itemsKept, pagesKept, bytesKept atomic.Int64
}

// dynamicKept is the process's store of dynamic records and pages.
var dynamicKept = newDynamicStore(dynamicItemCap, dynamicPageCap, dynamicBytesCap)

func newDynamicStore(itemCap, pageCap, bytesCap int64) *dynamicStore {
	return &dynamicStore{itemCap: itemCap, pageCap: pageCap, bytesCap: bytesCap}
}

// roomForItem reports whether another record may be kept (keepItem has the last word).
func (st *dynamicStore) roomForItem() bool {
	return st.itemsKept.Load() < st.itemCap && st.bytesKept.Load() < st.bytesCap
}

// keepItem keeps it under key when the bounds allow, and reports whether it did.
func (st *dynamicStore) keepItem(key dynamicKey, it dynamicItem) bool {
	if st.bytesKept.Add(int64(len(it.raw))) <= st.bytesCap && st.itemsKept.Add(1) <= st.itemCap {
		st.items.Store(key, it)
		return true
	}
	return false
}

func (st *dynamicStore) item(key dynamicKey) (dynamicItem, bool) {
	v, ok := st.items.Load(key)
	if !ok {
		return dynamicItem{}, false
	}
	return v.(dynamicItem), true
}

// dynamicPageKey names a whole page: everything its records and their order depend on.
type dynamicPageKey struct {
	gen    *fake.Generator
	array  *openapi3.Schema
	name   string // API/operation/status
	js     bool
	day    int64
	offset int
	size   int
}

// keptPage is a whole dynamic page of JSON records.
type keptPage struct {
	items    []any  // the records' JSON texts (jsonvalue.Raw), shared: not to be changed
	raw      []byte // the page's JSON text: "[" the records "," "]"
	streamed bool   // writeJSON would stream an answer of items (no Content-Length)
}

func (st *dynamicStore) page(key dynamicPageKey) *keptPage {
	if v, ok := st.pages.Load(key); ok {
		return v.(*keptPage)
	}
	return nil
}

// keepPage makes the page of items (each a jsonvalue.Raw) and keeps it under key when the bounds allow; it returns
// the page kept under key (another request's, when two made it at once), or the new page when it is not kept.
func (st *dynamicStore) keepPage(key dynamicPageKey, items []any) *keptPage {
	n := 2 + len(items)
	for _, it := range items {
		n += len(it.(jsonvalue.Raw))
	}
	raw := make([]byte, 0, n)
	raw = append(raw, '[')
	for i, it := range items {
		if i > 0 {
			raw = append(raw, ',')
		}
		raw = append(raw, it.(jsonvalue.Raw)...)
	}
	raw = append(raw, ']')
	p := &keptPage{items: items[:len(items):len(items)], raw: raw,
		streamed: jsonSize(items, jsonStreamThreshold) >= jsonStreamThreshold}
	if st.pagesKept.Load() >= st.pageCap || st.bytesKept.Load() >= st.bytesCap {
		return p
	}
	if st.bytesKept.Add(int64(len(raw)+16*len(items))) > st.bytesCap || st.pagesKept.Add(1) > st.pageCap {
		return p
	}
	v, _ := st.pages.LoadOrStore(key, p)
	return v.(*keptPage)
}

// MarshalJSON gives the page's JSON text, for any encoder the page reaches other than writeKeptPage.
func (p *keptPage) MarshalJSON() ([]byte, error) { return p.raw, nil }

// writeKeptPage answers a kept page as writeJSON answers its records, byte for byte and with the same headers: a
// page the journal keeps whole goes through writeJSON; a larger one is written at once, with its Content-Length
// unless writeJSON would have streamed it, and the recorder keeps the page's first bytes without a copy.
func (ex *exchange) writeKeptPage(w http.ResponseWriter, status int, header http.Header, p *keptPage) {
	if len(p.raw) <= journalBodyLimit {
		writeJSON(w, status, header, jsonvalue.Raw(p.raw))
		return
	}
	ex.rec.kept = p
	h := w.Header()
	maps.Copy(h, header)
	if v := h["Content-Type"]; len(v) == 0 || v[0] == "" {
		h["Content-Type"] = []string{"application/json"}
	}
	if p.streamed {
		delete(h, "Content-Length")
	} else {
		h["Content-Length"] = []string{strconv.Itoa(len(p.raw))}
	}
	w.WriteHeader(status)
	_, _ = w.Write(p.raw)
}

// writes reports whether b is the page's own text (not a copy a fault changed), from its start; false for a nil
// page.
func (p *keptPage) writes(b []byte) bool {
	return p != nil && len(b) > 0 && len(b) <= len(p.raw) && &b[0] == &p.raw[0]
}
