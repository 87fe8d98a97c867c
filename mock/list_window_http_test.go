package mock

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/standin/standin/openapi"
)

// TestListWindowOverHTTP serves random collections (testdata/list-window.yaml: sort values with ties, missing,
// non-comparable or of mixed kinds; a group filter, a number window on the sort field) and requires every offset/limit page, sorted up, down or in
// stored order, to be the window of the whole list that the full stable sort gives (the list asked for without a
// limit, which still takes that path, and the reference sort over the fixture's order), with $total counting
// every match.
func TestListWindowOverHTTP(t *testing.T) {
	api, err := openapi.LoadFile(t.Context(), "testdata/list-window.yaml")
	require.NoError(t, err)
	r := rand.New(rand.NewPCG(7, 12))
	for kind := -1; kind <= 4; kind++ {
		t.Run(fmt.Sprintf("kind %d", kind), func(t *testing.T) {
			n := 150
			recs, keys := make([]Record, n), make([]string, n)
			for i := range n {
				keys[i] = fmt.Sprintf("item-%03d", r.IntN(1000)*1000+i) // stored order is not key order
				recs[i] = Record{"id": keys[i], "group": []string{"a", "b"}[r.IntN(2)]}
				if v, ok := randomSortValue(r, kind); ok {
					recs[i]["rank"] = v
				}
			}
			body, err := json.Marshal(recs)
			require.NoError(t, err)
			dir := writeFixtures(t, map[string]string{"listwindow/items.json": string(body)})
			ts, _ := stateServerFor(t, []*openapi.API{api}, Config{FixturesDir: dir})

			get := func(path string, q url.Values) ([]string, int) {
				t.Helper()
				res := stateDo(t, ts, http.MethodGet, "/listwindow"+path+"?"+q.Encode(), "")
				require.Equal(t, http.StatusOK, res.status, string(res.body))
				var page struct {
					Total int
					Items []struct{ ID string }
				}
				require.NoError(t, json.Unmarshal(res.body, &page), string(res.body))
				ids := []string{}
				for _, it := range page.Items {
					ids = append(ids, it.ID)
				}
				return ids, page.Total
			}
			for _, path := range []string{"/items/by-rank", "/items/by-rank-desc", "/items/stored"} {
				for _, group := range []string{"", "a", "window"} {
					q := url.Values{}
					var fr []Record
					var fk []string
					for i, rec := range recs {
						rank, isNumber := rec["rank"].(float64)
						if group == "" || rec["group"] == group || group == "window" && isNumber && rank >= -2 && rank <= 2 {
							fr, fk = append(fr, rec), append(fk, keys[i])
						}
					}
					switch {
					case group == "window" && path == "/items/stored":
						continue
					case group == "window":
						// a number window on the sort field: the filter's reading of rank is the sort's
						q.Set("rankFrom", "-2")
						q.Set("rankTo", "2")
					case group != "":
						q.Set("group", group)
					}
					field, desc := "rank", path == "/items/by-rank-desc"
					if path == "/items/stored" {
						field = ""
					}
					want, _, _ := refWindow(fr, fk, field, desc, 0, len(fk))
					all, total := get(path, q)
					require.Equal(t, want, all, "%s group %q: the whole list", path, group)
					require.Equal(t, len(fk), total)
					for range 15 {
						offset, limit := r.IntN(len(all)+3), r.IntN(len(all)+3)
						if r.IntN(3) == 0 {
							offset, limit = 0, r.IntN(5)
						}
						q.Set("offset", fmt.Sprint(offset))
						q.Set("limit", fmt.Sprint(limit))
						page, total := get(path, q)
						from := min(offset, len(all))
						require.Equal(t, all[from:min(from+limit, len(all))], page, "%s?%s", path, q.Encode())
						require.Equal(t, len(all), total, "%s?%s", path, q.Encode())
					}
				}
			}
		})
	}
}
