package mock

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/require"

	"github.com/standin/standin/openapi"
)

// lastByteProbe is the connection's writer: at each write it notes how many entries the journal holds, so a test
// can see whether an answer was journalled before its last bytes went out.
type lastByteProbe struct {
	*httptest.ResponseRecorder
	entries func() int
	seen    []int // the journal's length at each write
}

func (p *lastByteProbe) Write(b []byte) (int, error) {
	p.seen = append(p.seen, p.entries())
	return p.ResponseRecorder.Write(b)
}

// TestJournalledBeforeLastByte: an answer of declared length is in the journal before its last bytes reach the
// client, so a check of the journal made as soon as the answer is read (on another connection) finds it, however
// large the answer; an answer without a declared length is journalled when the handler returns.
func TestJournalledBeforeLastByte(t *testing.T) {
	clock := newStateClock()
	_, srv := stateServer(t, Config{}, WithClock(clock))
	sess, err := srv.sessions.get(DefaultSession)
	require.NoError(t, err)
	entries := func() int { return len(sess.journal.list(journalFilter{})) }
	tests := []struct {
		name, method, path, body string
		minBytes                 int
	}{
		{"a large page", http.MethodGet, cinnoxWindow(clock.Now(), "limit", "500"), "", 8 << 10},
		{"a small answer", http.MethodGet, "/cinnox/v1/api/apps/app-1/labels", "", 2},
		{"an error", http.MethodGet, "/cinnox/v1/api/apps/app-1/nothing", "", 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := entries()
			req := httptest.NewRequest(tt.method, tt.path, strings.NewReader(tt.body))
			req.Header.Set("Authorization", "Bearer test-token")
			probe := &lastByteProbe{ResponseRecorder: httptest.NewRecorder(), entries: entries}
			srv.ServeHTTP(probe, req)
			require.GreaterOrEqual(t, probe.Body.Len(), tt.minBytes, "%d: %.200s", probe.Code, probe.Body)
			require.Equal(t, strconv.Itoa(probe.Body.Len()), probe.Header().Get("Content-Length"))
			require.NotEmpty(t, probe.seen)
			require.Equal(t, before+1, probe.seen[len(probe.seen)-1], "journalled before the last write")
			require.Equal(t, before+1, entries(), "journalled once")
		})
	}
}

// TestAnswerDate: every journalled answer, small, streamed or an error, carries the Date header net/http would
// give it, and the journal records it; a handler's nil Date (net/http's way to send none) is kept.
func TestAnswerDate(t *testing.T) {
	large, err := json.Marshal(bigList(2000))
	require.NoError(t, err)
	doc := `{"openapi":"3.0.3","info":{"title":"dated","version":"1"},"paths":{` +
		`"/large":{"get":{"responses":{"200":{"description":"ok","content":{"application/json":{"example":` + string(large) + `}}}}}},` +
		`"/small":{"get":{"responses":{"200":{"description":"ok","content":{"application/json":{"example":{"a":1}}}}}}}}}`
	api, err := openapi.LoadData(t.Context(), "dated.json", []byte(doc))
	require.NoError(t, err)
	ts, srv := engineServer(t, Config{}, []*openapi.API{api})
	sess, err := srv.sessions.get(DefaultSession)
	require.NoError(t, err)
	for _, path := range []string{"/dated/small", "/dated/large", "/dated/nothing"} {
		t.Run(path, func(t *testing.T) {
			var seq uint64
			if last := sess.journal.list(journalFilter{Limit: 1}); len(last) == 1 {
				seq = last[0].Seq
			}
			resp, err := ts.Client().Get(ts.URL + path)
			require.NoError(t, err)
			_, _ = io.Copy(io.Discard, resp.Body)
			require.NoError(t, resp.Body.Close())
			date := resp.Header.Values("Date")
			require.Len(t, date, 1, "one Date header")
			at, err := http.ParseTime(date[0])
			require.NoError(t, err)
			require.WithinDuration(t, time.Now(), at, time.Minute)
			last := journalledAfter(t, sess, seq)
			require.Equal(t, date[0], last[0].Response.withHeaders().Headers["Date"], "journalled as sent")
		})
	}

	rec := &recorder{ResponseWriter: httptest.NewRecorder()}
	rec.Header()["Date"] = nil
	rec.WriteHeader(http.StatusOK)
	require.Nil(t, rec.Header()["Date"], "no Date asked for: none added")
}

// TestJournalRing: the journal grows with its entries up to its size, then replaces the oldest; it lists oldest
// first across that change, and after a clear grows again, sequence numbers going on.
func TestJournalRing(t *testing.T) {
	for _, size := range []int{1, 3, 8} {
		for _, n := range []int{0, 1, 2, 3, 4, 9, 17} {
			j := newJournal(size)
			for range n {
				j.add(journalEntry{})
			}
			var seqs []uint64
			for _, e := range j.list(journalFilter{}) {
				seqs = append(seqs, e.Seq)
			}
			var want []uint64
			for s := max(1, n-size+1); s <= n; s++ {
				want = append(want, uint64(s))
			}
			require.Equal(t, want, seqs, "size %d, %d added", size, n)
			require.LessOrEqual(t, cap(j.entries), max(size, 1)*2, "grows with what it keeps")
			require.Equal(t, len(want), j.clear())
			require.Equal(t, uint64(n+1), j.add(journalEntry{}).Seq)
			require.Len(t, j.list(journalFilter{}), 1)
		}
	}
	require.Empty(t, newJournal(1000).entries, "no room is taken before a request comes")
}

// TestJournalBoundsWhatItKeeps: net/http lets a request's line and headers reach a megabyte; the journal keeps a
// path or query of up to 8 KiB, a header name or value of up to 4 KiB and 16 KiB of headers in all, each cut text
// ending in "…" (on a UTF-8 boundary) and the entry saying headersTruncated, so that a session's thousand entries
// cannot be made to hold a gigabyte. A request within the limits is kept whole.
func TestJournalBoundsWhatItKeeps(t *testing.T) {
	ts, _ := engineServer(t, Config{}, engineAPIs(t, "aelyst"))
	long := strings.Repeat("é", 60<<10) // 120 KB, two bytes a rune
	headers := []string{"Authorization", engineBearer, "X-Long", long, SessionHeader, "bounds"}
	for i := range 300 {
		headers = append(headers, fmt.Sprintf("X-Many-%03d", i), strings.Repeat("v", 100))
	}
	engineDo(t, ts, http.MethodGet, "/aelyst/v1/contact/id:"+strings.Repeat("7", 20<<10)+"?q="+strings.Repeat("q", 20<<10), "", headers...)
	engineDo(t, ts, http.MethodGet, "/aelyst/v1/contact/id:1?q=short", "", "Authorization", engineBearer, SessionHeader, "bounds")

	var journal struct {
		Entries []struct {
			Path    string
			Query   string
			Request struct {
				Headers          map[string]string
				HeadersTruncated bool
			}
			Response struct {
				Headers          map[string]string
				HeadersTruncated bool
			}
		}
	}
	resp := engineDo(t, ts, http.MethodGet, AdminPrefix+"journal?session=bounds", "")
	require.Equal(t, http.StatusOK, resp.status)
	require.NoError(t, json.Unmarshal(resp.body, &journal))
	require.Len(t, journal.Entries, 2)
	big, small := journal.Entries[0], journal.Entries[1]

	require.Len(t, big.Path, journalTextLimit+len("…"))
	require.True(t, strings.HasSuffix(big.Path, "7…"))
	require.Len(t, big.Query, journalTextLimit+len("…"))
	require.True(t, big.Request.HeadersTruncated)
	size := 0
	for k, v := range big.Request.Headers {
		require.True(t, utf8.ValidString(v), k)
		size += len(k) + len(v)
	}
	require.LessOrEqual(t, size, journalHeadersLimit)
	if v, ok := big.Request.Headers["X-Long"]; ok { // map order decides which headers fill the 16 KiB
		require.Equal(t, strings.Repeat("é", journalHeaderLimit/2)+"…", v)
	}
	require.Less(t, len(big.Request.Headers), 300, "headers past 16 KiB are left out")
	require.False(t, big.Response.HeadersTruncated)

	require.Equal(t, "/aelyst/v1/contact/id:1", small.Path)
	require.Equal(t, "q=short", small.Query)
	require.False(t, small.Request.HeadersTruncated)
	require.Equal(t, "Bearer "+maskedValue, small.Request.Headers["Authorization"])
}
