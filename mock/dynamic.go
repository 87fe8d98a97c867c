package mock

import (
	"encoding/json"
	"maps"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/standin/standin/fake"
	"github.com/standin/standin/internal/jsonvalue"
	"github.com/standin/standin/openapi"
)

// Dynamic pages. `Prefer: dynamic=true` (or Prism's ?__dynamic=true) on a list operation answers a page of
// generated records, as many as the request's page size asks, instead of one record:
//
//   - the list is the response body when it is an array, else the array property the list behaviour fills
//     (Behaviour.ListField: "data" of Stripe's {object, data, has_more}), else the one array property of an
//     object response of an operation that takes a page size;
//   - the page size is the query parameter the list behaviour pages by ($query.limit), else the first query
//     parameter with a usual page-size name (dynamicSizeParams); when the request does not give it, the
//     parameter's default, else the array's minItems, else dynamicDefaultItems;
//   - the size is kept within the array's minItems and maxItems and at most dynamicMaxItems;
//   - record k of the list (k counts from the request's offset, when the list behaviour pages by one) is generated
//     from the items schema with a key naming only the API, operation, status and k: the same record k for every
//     request of that operation, so pages agree with each other, a page is the same bytes for the same request and
//     seed, and records differ from each other. Generated records are kept (dynamicItemCap records and
//     dynamicBytesCap bytes of JSON in all), so a page is generated once; a JSON page of kept records is kept
//     whole as well (dynamic_page.go), so a repeated page is written as it was made.

// dynamicMaxItems caps a dynamic page, whatever the request asks.
const dynamicMaxItems = 1000

// dynamicDefaultItems is the size of a dynamic page when neither the request, the page-size parameter's default
// nor the array's minItems gives one.
const dynamicDefaultItems = 10

// dynamicItemCap and dynamicBytesCap bound the generated records kept for dynamic pages (all servers of the
// process together): how many, and how many bytes of JSON text (a kept record holds about three times its text).
// Records past either bound are generated for each request.
const (
	dynamicItemCap  = 8192
	dynamicBytesCap = 16 << 20
)

// dynamicSizeParams are the usual names of a page-size query parameter (as the list inference knows them, plus
// GraphQL-style "first").
var dynamicSizeParams = []string{"limit", "per_page", "perPage", "page_size", "pageSize", "size", "max_results",
	"maxResults", "$top", "top", "first"}

type dynamicKey struct {
	gen    *fake.Generator
	schema *openapi3.Schema
	name   string // API/operation/status
	js     bool
	day    int64
	k      int
}

// dynamicItem is a kept record: its value and, for JSON answers, its JSON text (encoded once).
type dynamicItem struct {
	v   any
	raw jsonvalue.Raw
}

// dynamicList finds where a dynamic answer of rp puts its page: the array schema and, for a list inside an
// object, the property holding it ("" when the body is the list). ok is false for an operation that is not a
// list.
func dynamicList(ex *exchange, schema *openapi3.SchemaRef) (array *openapi3.Schema, field string, ok bool) {
	if schema == nil || schema.Value == nil {
		return nil, "", false
	}
	s := schema.Value
	if isItemArray(s) {
		return s, "", true
	}
	b := ex.op.Behaviour
	if b != nil && b.Action == openapi.ActionList && b.ListField != "" {
		if p := s.Properties[b.ListField]; p != nil && p.Value != nil && isItemArray(p.Value) {
			return p.Value, b.ListField, true
		}
	}
	if sizeParam(ex.op) == nil && (b == nil || b.Action != openapi.ActionList) {
		return nil, "", false
	}
	for _, name := range slices.Sorted(maps.Keys(s.Properties)) {
		p := s.Properties[name]
		if p == nil || p.Value == nil || !isItemArray(p.Value) {
			continue
		}
		if field != "" {
			return nil, "", false // two arrays: which one is the list is not clear
		}
		array, field = p.Value, name
	}
	return array, field, field != ""
}

// isItemArray reports whether s is an array schema with an items schema.
func isItemArray(s *openapi3.Schema) bool {
	return s.Type.Is(openapi3.TypeArray) && s.Items != nil && s.Items.Value != nil
}

// sizeParam is the operation's page-size query parameter: the one its list behaviour pages by, else the first
// with a usual page-size name; nil when it has none.
func sizeParam(op *openapi.Operation) *openapi3.Parameter {
	if b := op.Behaviour; b != nil && b.Page != nil && b.Page.Limit != nil && b.Page.Limit.Root() == "query" {
		if path := b.Page.Limit.Path(); len(path) > 0 {
			if p := openapi.OperationParam(op, "query", path[0]); p != nil {
				return p
			}
		}
	}
	for _, name := range dynamicSizeParams {
		if p := openapi.OperationParam(op, "query", name); p != nil {
			return p
		}
	}
	return nil
}

// dynamicOffset is the index of the page's first record: the request's offset when the list behaviour pages by
// an offset query parameter, else 0.
func dynamicOffset(ex *exchange, q queryText, size int) int {
	b := ex.op.Behaviour
	if b == nil || b.Page == nil {
		return 0
	}
	if e := b.Page.Offset; e != nil && e.Root() == "query" && len(e.Path()) > 0 {
		if n, err := strconv.Atoi(q.Get(e.Path()[0])); err == nil && n > 0 {
			return min(n, 1<<20)
		}
	}
	if e := b.Page.Number; e != nil && e.Root() == "query" && len(e.Path()) > 0 {
		if n, err := strconv.Atoi(q.Get(e.Path()[0])); err == nil && n > b.Page.NumberBase {
			return min((n-b.Page.NumberBase)*size, 1<<20)
		}
	}
	return 0
}

// queryBoundSet says GODEBUG sets url.ParseQuery's bound on the number of pairs (urlmaxqueryparams, by default
// 10,000), which queryText.Get then leaves to ParseQuery.
var queryBoundSet = strings.Contains(os.Getenv("GODEBUG"), "urlmaxqueryparams")

// queryText is a request's query as sent, read one parameter at a time without building url.Values.
type queryText string

// Get is url.ParseQuery(q).Get(name): the first value of name among the well-formed pairs ('&' between pairs,
// none holding ';' or a bad escape), unescaped; "" when there is none.
func (q queryText) Get(name string) string {
	rest := string(q)
	if strings.Count(rest, "&") >= 1000 || queryBoundSet {
		v, _ := url.ParseQuery(rest) // its bound on the number of pairs decides
		return v.Get(name)
	}
	for rest != "" {
		var pair string
		pair, rest, _ = strings.Cut(rest, "&")
		if pair == "" || strings.Contains(pair, ";") {
			continue
		}
		key, value, _ := strings.Cut(pair, "=")
		if key != name && !strings.ContainsAny(key, "%+") {
			continue
		}
		k, err := url.QueryUnescape(key)
		if err != nil || k != name {
			continue
		}
		v, err := url.QueryUnescape(value)
		if err != nil {
			continue
		}
		return v
	}
	return ""
}

// dynamicSize is the number of records a dynamic page holds (see the top of the file).
func dynamicSize(ex *exchange, q queryText, array *openapi3.Schema) int {
	n := -1
	if p := sizeParam(ex.op); p != nil {
		if v, err := strconv.Atoi(q.Get(p.Name)); err == nil {
			n = v
		} else if p.Schema != nil && p.Schema.Value != nil {
			switch d := p.Schema.Value.Default.(type) {
			case float64:
				n = int(d)
			case int:
				n = d
			}
		}
	}
	if n < 0 {
		n = int(min(array.MinItems, dynamicMaxItems))
		if n == 0 {
			n = dynamicDefaultItems
		}
	}
	n = max(n, int(min(array.MinItems, dynamicMaxItems)))
	if array.MaxItems != nil {
		n = min(n, int(min(*array.MaxItems, dynamicMaxItems)))
	}
	return min(max(n, 0), dynamicMaxItems)
}

// dynamicPage generates the page of a dynamic list answer (see the top of the file). name is
// "API/operation/status". asJSON says the answer is written as JSON: kept records are then given as their JSON
// text, encoded once, and when every record of the page is kept the page is also given whole (kept; nil
// otherwise), to answer with writeKeptPage. The records are shared with later requests: do not change them.
func (s *Server) dynamicPage(ex *exchange, array *openapi3.Schema, name string, asJSON bool) (page []any, kept *keptPage) {
	q := queryText(ex.rawQuery)
	size := dynamicSize(ex, q, array)
	offset := dynamicOffset(ex, q, size)
	js := ex.api.api.Doc.IsOpenAPI31OrLater()
	day := s.clock.Now().UTC().Unix() / 86400
	pageKey := dynamicPageKey{gen: s.gen, array: array, name: name, js: js, day: day, offset: offset, size: size}
	if asJSON {
		if p := dynamicKept.page(pageKey); p != nil {
			return p.items, p
		}
	}
	items := array.Items
	out := make([]any, 0, size)
	var seen map[string]bool
	if array.UniqueItems {
		seen = make(map[string]bool, size)
	}
	whole := asJSON // every record so far is kept as JSON text
	for k := offset; len(out) < size && k < offset+2*size+8; k++ {
		key := dynamicKey{gen: s.gen, schema: items.Value, name: name, js: js, day: day, k: k}
		it, ok := dynamicKept.item(key)
		if !ok {
			v, err := s.gen.Generate(items, name+"/item/"+strconv.Itoa(k), fake.Hint{Direction: fake.Response, OpenAPI31: js})
			it.v = v
			if err != nil {
				s.log.Warn("generated list item does not satisfy its schema", "api", ex.api.api.Name,
					"operation", ex.op.ID, "item", k, "error", err)
			} else if dynamicKept.roomForItem() {
				if raw, err := jsonvalue.Append(nil, v); err == nil && dynamicKept.keepItem(key, dynamicItem{v: v, raw: raw}) {
					it.raw = raw // a record that is not kept is answered as its value
				}
			}
		}
		if seen != nil {
			b, _ := json.Marshal(it.v)
			c := string(b)
			if seen[c] {
				continue
			}
			seen[c] = true
		}
		if asJSON && it.raw != nil {
			out = append(out, it.raw)
		} else {
			out = append(out, it.v)
			whole = false
		}
	}
	if whole {
		p := dynamicKept.keepPage(pageKey, out)
		return p.items, p
	}
	return out, nil
}
