package mock

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
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
				j.add(journalEntry{}, nil)
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
			require.Equal(t, uint64(n+1), j.add(journalEntry{}, nil))
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

// TestJournalReusesAnswerBuffers: once a session's journal is full, the buffer of the entry a new one replaces
// takes the next entry's text (or an answer's copy). Whatever is reused, the journal, a live subscriber and a
// reader that listed it earlier each see every answer as it was sent: distinct answers of one size (the buffer
// reused), of other sizes (a new one), masked, cut and empty, with a journal of 3 and of 1.
func TestJournalReusesAnswerBuffers(t *testing.T) {
	const assign = "/carecycle/v2/inquiries/497f6eca-6276-4993-bfeb-53cbbbba6f08/assign"
	type sent struct {
		method, path, body string
	}
	clock := newStateClock()
	var reqs []sent
	for i := range 12 {
		reqs = append(reqs, sent{http.MethodPatch, assign, fmt.Sprintf(`{"assignedTo":"7869c1a9-a680-4086-b6f5-9e78a651f%03d"}`, i)})
		switch i % 4 {
		case 1: // an error: a small answer
			reqs = append(reqs, sent{http.MethodGet, "/carecycle/v2/inquiries/00000000-0000-4000-8000-00000000000" + strconv.Itoa(i%10), ""})
		case 2:
			reqs = append(reqs, sent{http.MethodGet, "/cinnox/v1/api/apps/app-1/labels", ""})
		case 3: // pages of 1 to 3 records, and of 30, past 4 KiB: cut
			reqs = append(reqs, sent{http.MethodGet, cinnoxWindow(clock.Now(), "limit", strconv.Itoa(i/4+1)), ""},
				sent{http.MethodGet, cinnoxWindow(clock.Now(), "limit", "30"), ""})
		}
	}
	for _, size := range []int{3, 1} {
		t.Run(fmt.Sprintf("journal of %d", size), func(t *testing.T) {
			ts, srv := stateServer(t, Config{Seed: 1, JournalSize: size}, WithClock(clock))
			sess, err := srv.sessions.get(DefaultSession)
			require.NoError(t, err)
			sub, err := srv.dash.subscribe("", journalFilter{})
			require.NoError(t, err)
			defer srv.dash.unsubscribe(sub)

			var answers [][]byte  // each answer as the client read it
			var listed [][]byte   // the newest entry's body as a reader listed it just after
			var observed [][]byte // as the live subscriber was handed it
			bufs := map[*byte]int{}
			reused := 0
			for _, q := range reqs {
				r := stateDo(t, ts, q.method, q.path, q.body, "Content-Type", "application/json")
				answers = append(answers, r.body)
				entries := sess.journal.list(journalFilter{})
				require.NotEmpty(t, entries)
				listed = append(listed, entries[len(entries)-1].Response.Body)
				for _, e := range entries { // the ones kept from before: unchanged by this answer's copy
					require.Equal(t, string(listed[e.Seq-1]), string(e.Response.Body), "entry %d after request %d", e.Seq, len(listed))
				}
				select {
				case e := <-sub.ch:
					observed = append(observed, e.Response.Body)
				case <-time.After(5 * time.Second):
					t.Fatal("the subscriber was not handed the entry")
				}
				sess.journal.mu.Lock()
				newest := sess.journal.entries[(sess.journal.next+len(sess.journal.entries)-1)%len(sess.journal.entries)]
				sess.journal.mu.Unlock()
				if cap(newest.packed) > 0 {
					p := &newest.packed[:1][0]
					if bufs[p]++; bufs[p] > 1 {
						reused++
					}
				}
			}
			require.Positive(t, reused, "a replaced entry's buffer took a later answer")
			// Checked once every request was answered: a buffer reused while still kept or shown would show here.
			var cut, masked int
			for i, a := range answers {
				got := string(listed[i])
				require.Equal(t, got, string(observed[i]), "request %d %s %s: as observed", i, reqs[i].method, reqs[i].path)
				switch {
				case len(a) > journalBodyLimit:
					cut++
					var s string
					require.NoError(t, json.Unmarshal(listed[i], &s), "cut: kept as a JSON string")
					require.LessOrEqual(t, len(s), journalBodyLimit, "request %d", i)
					require.Equal(t, string(a[:100]), s[:100], "request %d: its start", i)
				case strings.Contains(got, maskedValue):
					masked++
					require.True(t, json.Valid(listed[i]), "request %d: masked, still JSON", i)
					require.NotContains(t, got, "6541a10dc2a4e1a9d1f0b013-", "request %d: the key's value is not kept", i)
				default:
					require.Equal(t, string(a), got, "request %d %s %s: as sent", i, reqs[i].method, reqs[i].path)
				}
			}
			require.Positive(t, cut, "an answer past journalBodyLimit")
			require.Positive(t, masked, "an answer with a key masked")
			entries := sess.journal.list(journalFilter{})
			require.Len(t, entries, size)
			for i, e := range entries {
				require.Equal(t, string(listed[len(listed)-size+i]), string(e.Response.Body), "kept entry %d", i)
			}
		})
	}
}

// TestJournalTake: a replaced entry's buffer is handed out again for a text of about its size, not for a much
// smaller one (an entry holds little more than its text), and no more than maxSpare are kept.
func TestJournalTake(t *testing.T) {
	j := newJournal(1)
	j.add(journalEntry{Response: journalMessage{Body: json.RawMessage(`"` + strings.Repeat("x", 1000) + `"`)}}, nil)
	require.Empty(t, j.spare, "in use by the entry")
	first, n := &j.entries[0].packed[:1][0], len(j.entries[0].packed)
	j.add(journalEntry{}, nil)
	require.Len(t, j.spare, 1, "given back when replaced")
	require.NotSame(t, first, &j.take(100)[:1][0], "too big for 100 bytes")
	again := j.take(n - 10)
	require.Same(t, first, &again[:1][0], "about its size")
	require.Empty(t, again)
	require.Empty(t, j.spare)
	for range maxSpare + 5 {
		j.giveBack(make([]byte, 0, 10))
	}
	j.giveBack(nil)
	require.Len(t, j.spare, maxSpare)
	oldest := &j.spare[0][:1][0]
	j.giveBack(make([]byte, 0, maxSpareCap+1))
	require.Len(t, j.spare, maxSpare)
	require.Same(t, oldest, &j.spare[0][:1][0], "a buffer past maxSpareCap is not kept")
	j.clear()
	require.Empty(t, j.spare)
}

// TestJournalReuseConcurrent: answers copied into reused buffers while other requests are answered, a reader
// lists the journal and a live subscriber reads what it is handed: every body read is one whole answer (the race
// detector checks the hand-over of buffers).
func TestJournalReuseConcurrent(t *testing.T) {
	const assign = "/carecycle/v2/inquiries/497f6eca-6276-4993-bfeb-53cbbbba6f08/assign"
	ts, srv := stateServer(t, Config{Seed: 1, JournalSize: 2})
	sess, err := srv.sessions.get(DefaultSession)
	require.NoError(t, err)
	sub, err := srv.dash.subscribe("", journalFilter{})
	require.NoError(t, err)
	defer srv.dash.unsubscribe(sub)
	whole := func(body []byte) error {
		var v map[string]any
		if err := json.Unmarshal(body, &v); err != nil {
			return fmt.Errorf("%w: %.80s", err, body)
		}
		if a, _ := v["assignedTo"].(string); !strings.HasPrefix(a, "7869c1a9-a680-4086-b6f5-9e78a651f") {
			return fmt.Errorf("assignedTo %q", a)
		}
		return nil
	}
	done := make(chan struct{})
	readErr := make(chan error, 2)
	go func() { // the subscriber
		for {
			select {
			case e := <-sub.ch:
				if err := whole(e.Response.Body); err != nil {
					readErr <- err
					return
				}
			case <-done:
				readErr <- nil
				return
			}
		}
	}()
	go func() { // a reader of the journal
		for {
			select {
			case <-done:
				readErr <- nil
				return
			default:
			}
			for _, e := range sess.journal.list(journalFilter{}) {
				if err := whole(e.Response.Body); err != nil {
					readErr <- err
					return
				}
			}
		}
	}()
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for i := range 25 {
				body := fmt.Sprintf(`{"assignedTo":"7869c1a9-a680-4086-b6f5-9e78a651f%d%02d"}`, w, i)
				req, _ := http.NewRequest(http.MethodPatch, ts.URL+assign, strings.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("x-api-key", "cc_test_state_key")
				resp, err := ts.Client().Do(req) // not stateDo: require stops only the test's own goroutine
				if err != nil {
					t.Error(err)
					return
				}
				answer, _ := io.ReadAll(resp.Body)
				_ = resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					t.Errorf("status %d: %s", resp.StatusCode, answer)
					return
				}
			}
		})
	}
	wg.Wait()
	close(done)
	require.NoError(t, <-readErr)
	require.NoError(t, <-readErr)
}

// TestJournalListFilters: list gives the entries matching a filter oldest first, and with a Limit the most recent
// that many of them, across the ring's wrap.
func TestJournalListFilters(t *testing.T) {
	j := newJournal(8)
	for i := range 13 { // entries 6 to 13 kept, the ring wrapped
		op := []string{"a", "b"}[i%2]
		j.add(journalEntry{API: "x", Operation: op, Status: 200 + 200*(i%3)}, nil)
	}
	seqs := func(f journalFilter) []uint64 {
		out := []uint64{}
		for _, e := range j.list(f) {
			out = append(out, e.Seq)
		}
		return out
	}
	tests := []struct {
		name string
		f    journalFilter
		want []uint64
	}{
		{"all", journalFilter{}, []uint64{6, 7, 8, 9, 10, 11, 12, 13}},
		{"the last", journalFilter{Limit: 1}, []uint64{13}},
		{"the last three", journalFilter{Limit: 3}, []uint64{11, 12, 13}},
		{"more than kept", journalFilter{Limit: 20}, []uint64{6, 7, 8, 9, 10, 11, 12, 13}},
		{"an operation", journalFilter{Operation: "a"}, []uint64{7, 9, 11, 13}},
		{"an operation, the last two", journalFilter{Operation: "b", Limit: 2}, []uint64{10, 12}},
		{"a status", journalFilter{Status: 400}, []uint64{8, 11}},
		{"a status and an operation, the last", journalFilter{Status: 600, Operation: "a", Limit: 1}, []uint64{9}},
		{"another API", journalFilter{API: "y"}, []uint64{}},
		{"a status none has", journalFilter{Status: 201, Limit: 2}, []uint64{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.Equal(t, tt.want, seqs(tt.f))
		})
	}
}
