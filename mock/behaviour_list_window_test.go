package mock

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
)

// refSortRecords is the full stable sort runList used for every page before the windowed selection, and still
// uses where the window cannot (sortRecords), on copies so that the caller's slices stay in scan order.
func refSortRecords(recs []Record, keys []string, field string, desc bool) ([]Record, []string) {
	return sortRecords(append([]Record{}, recs...), append([]string{}, keys...), field, desc)
}

// refWindow is the reference page: every record sorted, then the offset/limit window of page.
func refWindow(recs []Record, keys []string, field string, desc bool, offset, limit int) (page []string, total int, hasMore bool) {
	if field != "" {
		_, keys = refSortRecords(recs, keys, field, desc)
	}
	offset = min(max(offset, 0), len(keys))
	end := min(offset+limit, len(keys))
	return keys[offset:end], len(keys), end < len(keys)
}

// randomSortValue draws from small pools so that ties are frequent; kind picks the pool (-1: any pool, so
// kinds mix).
func randomSortValue(r *rand.Rand, kind int) (any, bool) {
	if kind < 0 {
		kind = r.IntN(5)
	}
	switch kind {
	case 1:
		return float64(r.IntN(7) - 3), true
	case 2:
		// equal instants written in different zones tie
		return []string{"2022-11-07T00:00:00Z", "2022-11-07T01:00:00+01:00", "2022-11-07T00:00:00.5Z",
			"2021-01-01T00:00:00Z", "2023-06-30T23:59:59.999Z"}[r.IntN(5)], true
	case 3:
		return []string{"a", "b", "B", "abc", "", "zz"}[r.IntN(6)], true
	case 4:
		return []any{nil, true, map[string]any{"x": 1.0}}[r.IntN(3)], true
	}
	return nil, false // missing
}

// TestWindowSelectMatchesFullSort draws random collections (sort values with many ties, missing and
// non-comparable values, values of mixed kinds) and requires the windowed selection to give the full stable
// sort's page, total and hasMore for every offset/limit/order tried; values of mixed kinds must send the caller
// to the full sort, which is then the reference itself.
func TestWindowSelectMatchesFullSort(t *testing.T) {
	r := rand.New(rand.NewPCG(12, 2026))
	checked, mixed := 0, 0
	for trial := range 400 {
		n := r.IntN(60)
		if trial%10 == 0 {
			n = r.IntN(700)
		}
		kind := r.IntN(6) - 1 // -1 mixed, 0 all missing, 1..3 one kind, 4 not comparable
		field := "v"
		if trial%7 == 0 {
			field = "" // insertion order
		}
		recs, keys := make([]Record, n), make([]string, n)
		for i := range n {
			keys[i] = fmt.Sprintf("k%04d", i)
			recs[i] = Record{"_k": keys[i]}
			if v, ok := randomSortValue(r, kind); ok {
				recs[i]["v"] = v
			}
		}
		for range 12 {
			offset, limit := r.IntN(n+5), r.IntN(n+5)
			if r.IntN(4) == 0 {
				offset = 0
			}
			desc := r.IntN(2) == 0
			name := fmt.Sprintf("trial %d n=%d kind=%d field=%q desc=%v offset=%d limit=%d", trial, n, kind, field, desc, offset, limit)
			wantPage, wantTotal, wantMore := refWindow(recs, keys, field, desc, offset, limit)

			w := newWindowSelect(field, desc, offset+limit)
			for i := range recs {
				order := orderKey{kind: -1} // not read yet, or read by a filter (every other record)
				if i%2 == 0 && field != "" {
					order = newOrderKey(recs[i][field])
				}
				w.add(keys[i], recs[i], order)
			}
			got, ok := w.records()
			require.Equal(t, n, w.n, name)
			if !ok {
				// only values of more than one kind may refuse, and the caller then sorts as before
				kinds := map[int]bool{}
				for _, rec := range recs {
					kinds[newOrderKey(rec[field]).kind] = true
				}
				require.Greater(t, len(kinds), 1, name)
				sorted, _ := sortRecords(slices.Clone(recs), slices.Clone(keys), field, desc)
				all := make([]string, len(sorted))
				for i, rec := range sorted {
					all[i] = rec["_k"].(string)
				}
				_, refAll := refSortRecords(recs, keys, field, desc)
				require.Equal(t, refAll, all, name)
				mixed++
				continue
			}
			off := min(offset, w.n)
			end := min(off+limit, w.n)
			gotPage := []string{}
			for _, rec := range got[off:end] {
				gotPage = append(gotPage, rec["_k"].(string))
			}
			require.Equal(t, append([]string{}, wantPage...), gotPage, name)
			require.Equal(t, wantTotal, w.n, name)
			require.Equal(t, wantMore, end < w.n, name)
			require.LessOrEqual(t, len(got), offset+limit, name)
			checked++
		}
	}
	require.Greater(t, checked, 3000)
	require.Greater(t, mixed, 100)
}

// refCursorPage is page's cursor reading over every record (kept as the reference): the records after the after
// key then offset/limit, else the limit records before the before key; a cursor naming no record, nothing.
func refCursorPage(keys []string, after, before string, offset, limit int) (page []string, hasMore bool) {
	find := func(k string) int {
		if k == "" {
			return -1
		}
		if i := slices.Index(keys, k); i >= 0 {
			return i
		}
		return -2
	}
	switch a, b := find(after), find(before); {
	case a == -2 || b == -2:
		return nil, false
	case a >= 0:
		keys = keys[a+1:]
	case b >= 0:
		keys = keys[:b]
		start := max(len(keys)-limit, 0)
		return keys[start:], start > 0
	}
	offset = min(max(offset, 0), len(keys))
	end := min(offset+limit, len(keys))
	return keys[offset:end], end < len(keys)
}

// TestCursorSelectMatchesFullList requires the streamed cursor page of a list in stored order to be the one
// page gives over the whole list, for random cursors (present, absent, naming no record, both at once),
// offsets and limits.
func TestCursorSelectMatchesFullList(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 12))
	for trial := range 3000 {
		n := r.IntN(40)
		keys := make([]string, n)
		for i := range keys {
			keys[i] = fmt.Sprintf("s/%03d", r.IntN(1000)*100+i)
		}
		pick := func() string {
			switch x := r.IntN(5); {
			case x == 0 || n == 0:
				return ""
			case x == 1:
				return "s/missing"
			default:
				return keys[r.IntN(n)]
			}
		}
		after, before := pick(), pick()
		if after == "" && before == "" {
			before = "s/missing"
		}
		offset, limit := r.IntN(n+3), r.IntN(n+3)
		if r.IntN(3) == 0 {
			offset = 0
		}
		name := fmt.Sprintf("trial %d n=%d after=%q before=%q offset=%d limit=%d", trial, n, after, before, offset, limit)
		wantPage, wantMore := refCursorPage(keys, after, before, offset, limit)

		c := &cursorSelect{after: after, before: before, offset: offset, limit: limit, afterAt: -1, beforeAt: -1}
		for _, k := range keys {
			c.add(k, Record{"_k": k}, orderKey{kind: -1})
		}
		recs, more := c.page()
		gotPage := []string{}
		for _, rec := range recs {
			gotPage = append(gotPage, rec["_k"].(string))
		}
		require.Equal(t, append([]string{}, wantPage...), gotPage, name)
		require.Equal(t, wantMore, more, name)
		require.Equal(t, n, c.n, name)
	}
}
