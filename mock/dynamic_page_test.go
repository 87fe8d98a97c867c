package mock

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/standin/standin/internal/jsonvalue"
)

// writtenByWriteJSON is what writeJSON writes for a page's records given as their JSON texts, the answer a dynamic
// page had before pages were kept whole.
func writtenByWriteJSON(t *testing.T, page []byte) *httptest.ResponseRecorder {
	t.Helper()
	var texts []json.RawMessage
	require.NoError(t, json.Unmarshal(page, &texts))
	items := make([]any, len(texts))
	for i, x := range texts {
		items[i] = jsonvalue.Raw(x)
	}
	rec := httptest.NewRecorder()
	writeJSON(rec, http.StatusOK, nil, items)
	return rec
}

// keptPageOf finds the kept page whose text is body, nil when there is none.
func keptPageOf(body []byte) *keptPage {
	var found *keptPage
	dynamicKept.pages.Range(func(_, v any) bool {
		if p := v.(*keptPage); string(p.raw) == string(body) {
			found = p
			return false
		}
		return true
	})
	return found
}

// TestDynamicPageKept asks CINNOX's enquiry-detail list for dynamic pages of every size class (kept whole by the
// journal, under the streaming threshold, over it) twice: the page is kept whole, the second answer is the same
// bytes with the same headers, both are what writeJSON writes for the records (Content-Length, or chunked past
// the threshold), and the journal keeps what it keeps of any answer (the first journalBodyLimit bytes, masked). A
// server with another seed, and another offset, answer other pages.
func TestDynamicPageKept(t *testing.T) {
	apis := engineAPIs(t, "cinnox")
	ts, _ := engineServer(t, Config{Seed: 11}, apis)
	other, _ := engineServer(t, Config{Seed: 12}, engineAPIs(t, "cinnox"))
	m := newMasker(apis[0].Doc)
	get := func(ts *httptest.Server, query string) engineResponse {
		return engineDo(t, ts, http.MethodGet, enquiryDetail+query, "", "Authorization", engineBearer, "Prefer", "dynamic=true")
	}
	room := dynamicKept.bytesKept.Load()+(4<<20) < dynamicKept.bytesCap && dynamicKept.pagesKept.Load()+16 < dynamicKept.pageCap
	for _, query := range []string{"&limit=2", "&limit=30", "&limit=50", "&limit=3&offset=5"} {
		t.Run(query, func(t *testing.T) {
			first, second := get(ts, query), get(ts, query)
			require.Equal(t, http.StatusOK, first.status, "body: %s", first.body)
			require.Equal(t, string(first.body), string(second.body), "a repeated page is the same bytes")
			first.header.Del("Date")
			second.header.Del("Date")
			require.Equal(t, first.header, second.header)
			if room {
				require.NotNil(t, keptPageOf(first.body), "the page is kept whole")
			} else {
				t.Log("the process's dynamic store is full (other tests): not checking the page is kept")
			}

			want := writtenByWriteJSON(t, first.body)
			require.Equal(t, want.Body.String(), string(first.body))
			require.Equal(t, want.Header().Get("Content-Type"), first.header.Get("Content-Type"))
			if n := want.Header().Get("Content-Length"); n != "" {
				require.Equal(t, n, first.header.Get("Content-Length"))
				require.Equal(t, n, strconv.Itoa(len(first.body)))
			} else {
				require.Empty(t, first.header.Get("Content-Length"), "streamed by writeJSON: chunked")
				require.GreaterOrEqual(t, len(first.body), jsonStreamThreshold)
			}

			journal := engineDo(t, ts, http.MethodGet, "/__standin/journal?api=cinnox&limit=2", "")
			var got struct {
				Entries []journalEntry `json:"entries"`
			}
			require.NoError(t, json.Unmarshal(journal.body, &got))
			require.Len(t, got.Entries, 2)
			seen := first.body[:min(len(first.body), journalBodyLimit+1)]
			wantBody, _ := m.journalBodyOwned(append([]byte(nil), seen...))
			if len(first.body) <= journalBodyLimit {
				wantBody = first.body // a whole JSON text without a key to mask is kept as written
			}
			for _, e := range got.Entries {
				require.JSONEq(t, string(wantBody), string(e.Response.Body))
				require.Equal(t, len(first.body) > journalBodyLimit, e.Response.Truncated)
			}

			require.NotEqual(t, string(first.body), string(get(other, query).body), "another seed: another page")
		})
	}
	require.NotEqual(t, string(get(ts, "&limit=3").body), string(get(ts, "&limit=3&offset=5").body),
		"another offset: another page")
}

// TestKeptPageBounds: a store keeps no more pages than its page bound, nor more bytes than its byte bound, and a
// page it does not keep is still whole and right.
func TestKeptPageBounds(t *testing.T) {
	page := func(i int) []any {
		return []any{jsonvalue.Raw(fmt.Sprintf(`{"n":%d}`, i)), jsonvalue.Raw(`{"n":0}`)}
	}
	count := func(st *dynamicStore) (n int) {
		st.pages.Range(func(_, _ any) bool { n++; return true })
		return n
	}
	st := newDynamicStore(100, 2, 1<<20)
	for i := range 5 {
		p := st.keepPage(dynamicPageKey{name: "a/b/200", size: 2, offset: i}, page(i))
		require.Equal(t, fmt.Sprintf(`[{"n":%d},{"n":0}]`, i), string(p.raw))
		if i < 2 {
			require.Same(t, p, st.page(dynamicPageKey{name: "a/b/200", size: 2, offset: i}), "kept")
		}
	}
	require.Equal(t, 2, count(st), "at most pageCap pages")
	require.Nil(t, st.page(dynamicPageKey{name: "a/b/200", size: 2, offset: 4}))

	st = newDynamicStore(100, 100, 64)
	for i := range 5 {
		st.keepPage(dynamicPageKey{name: "a/b/200", size: 2, offset: i}, page(i))
	}
	require.Equal(t, 1, count(st), "the byte bound: a page of 17 bytes of text and two records counts 49")
	require.False(t, st.roomForItem(), "records share the byte bound")
}

// queryTextCases are queries whose parameters queryText.Get must read as url.ParseQuery does.
var queryTextCases = []string{
	"", "limit=5", "limit=5&limit=7", "a=1&limit=%35", "li%6dit=9", "limit=+5", "limit=5;x=1&limit=6", "limit=%zz&limit=8",
	"%zz=1&limit=3", "&&limit=4&", "limit", "limit=", "lim+it=2", "limit=1=2", "offset=3&limit=2",
	strings.Repeat("x=1&", 1200) + "limit=6",
}

func TestQueryTextGet(t *testing.T) {
	for _, q := range queryTextCases {
		want, _ := url.ParseQuery(q)
		for _, name := range []string{"limit", "offset", "lim it", "x", ""} {
			require.Equal(t, want.Get(name), queryText(q).Get(name), "query %q, name %q", q, name)
		}
	}
}

func FuzzQueryTextGet(f *testing.F) {
	for _, q := range queryTextCases {
		f.Add(q, "limit")
	}
	f.Fuzz(func(t *testing.T, q, name string) {
		want, _ := url.ParseQuery(q)
		if got := queryText(q).Get(name); got != want.Get(name) {
			t.Fatalf("query %q, name %q: got %q, want %q", q, name, got, want.Get(name))
		}
	})
}

// TestDynamicPageKeptFault: a fault that changes a kept page's answer (mutate=wrongType) is journalled as
// answered, and the page's next plain answer is the page again, journalled as before.
func TestDynamicPageKeptFault(t *testing.T) {
	apis := engineAPIs(t, "cinnox")
	ts, _ := engineServer(t, Config{Seed: 13}, apis)
	m := newMasker(apis[0].Doc)
	get := func(headers ...string) engineResponse {
		return engineDo(t, ts, http.MethodGet, enquiryDetail+"&limit=50", "",
			append([]string{"Authorization", engineBearer, "Prefer", "dynamic=true"}, headers...)...)
	}
	lastJournalled := func() journalEntry {
		var got struct {
			Entries []journalEntry `json:"entries"`
		}
		require.NoError(t, json.Unmarshal(engineDo(t, ts, http.MethodGet, "/__standin/journal?api=cinnox&limit=1", "").body, &got))
		require.Len(t, got.Entries, 1)
		return got.Entries[0]
	}
	journalled := func(body []byte) string {
		b, _ := m.journalBodyOwned(append([]byte(nil), body[:min(len(body), journalBodyLimit+1)]...))
		return string(b)
	}
	plain := get()
	require.JSONEq(t, journalled(plain.body), string(lastJournalled().Response.Body))
	changed := get(FaultHeader, "mutate=wrongType")
	require.Equal(t, http.StatusOK, changed.status)
	require.NotEqual(t, journalled(plain.body), journalled(changed.body), "the change is in the journalled start")
	require.JSONEq(t, journalled(changed.body), string(lastJournalled().Response.Body))
	again := get()
	require.Equal(t, string(plain.body), string(again.body))
	require.JSONEq(t, journalled(plain.body), string(lastJournalled().Response.Body))
}
