package mock

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// sseEvent is one server-sent event as a client reads it.
type sseEvent struct{ event, id, data string }

// sseStream is an open GET /__standin/journal/stream.
type sseStream struct {
	events chan sseEvent
	done   chan struct{} // closed when the server ends the stream
	cancel context.CancelFunc
}

// openStream opens the journal stream with the given query and reads its events in the background.
func openStream(t *testing.T, ts *httptest.Server, query string) *sseStream {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, ts.URL+AdminPrefix+"journal/stream"+query, nil)
	require.NoError(t, err)
	res, err := ts.Client().Do(req)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, res.StatusCode)
	require.Equal(t, "text/event-stream", res.Header.Get("Content-Type"))
	s := &sseStream{events: make(chan sseEvent, 1024), done: make(chan struct{}), cancel: cancel}
	t.Cleanup(cancel)
	go func() {
		defer close(s.done)
		defer res.Body.Close()
		sc := bufio.NewScanner(res.Body)
		sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
		var ev sseEvent
		for sc.Scan() {
			line := sc.Text()
			switch {
			case line == "":
				if ev.data != "" {
					s.events <- ev
				}
				ev = sseEvent{}
			case strings.HasPrefix(line, "event: "):
				ev.event = strings.TrimPrefix(line, "event: ")
			case strings.HasPrefix(line, "id: "):
				ev.id = strings.TrimPrefix(line, "id: ")
			case strings.HasPrefix(line, "data: "):
				ev.data = strings.TrimPrefix(line, "data: ")
			}
		}
	}()
	return s
}

// next waits for the next event; the wait is bounded so a broken stream fails instead of hanging.
func (s *sseStream) next(t *testing.T) sseEvent {
	t.Helper()
	select {
	case ev := <-s.events:
		return ev
	case <-s.done:
		t.Fatal("the stream ended before the next event")
	case <-time.After(10 * time.Second):
		t.Fatal("no event within 10s")
	}
	return sseEvent{}
}

func TestJournalStream(t *testing.T) {
	ts, srv := engineServer(t, Config{}, engineAPIs(t, "aelyst"))
	t.Cleanup(srv.EndStreams) // runs before ts.Close, which waits for open streams
	get := func(session string) {
		headers := engineAuth("aelyst")
		if session != "" {
			headers = append(headers, SessionHeader, session)
		}
		require.Equal(t, http.StatusOK, engineDo(t, ts, http.MethodGet, "/aelyst/v1/contact/id:1", "", headers...).status)
	}
	for range 3 {
		get("")
	}

	t.Run("backlog then live, secrets masked", func(t *testing.T) {
		st := openStream(t, ts, "?backlog=2")
		ev := st.next(t)
		require.Equal(t, "entry", ev.event)
		require.Equal(t, "default/2", ev.id)
		require.Equal(t, "default/3", st.next(t).id)
		get("")
		ev = st.next(t)
		require.Equal(t, "default/4", ev.id)
		var e journalEntry
		require.NoError(t, json.Unmarshal([]byte(ev.data), &e))
		require.Equal(t, uint64(4), e.Seq)
		require.Equal(t, "getContact", e.Operation)
		require.Equal(t, "Bearer ****", e.Request.Headers["Authorization"])
		require.NotContains(t, ev.data, "test-token-123")
	})

	t.Run("an entry the backlog showed is not sent again", func(t *testing.T) {
		st := openStream(t, ts, "?backlog=1")
		ev := st.next(t)
		var shown journalEntry
		require.NoError(t, json.Unmarshal([]byte(ev.data), &shown))
		// As if the entry had been published after the stream subscribed and before it read the backlog.
		srv.dash.observe(shown)
		get("")
		require.Equal(t, "default/"+strconv.FormatUint(shown.Seq+1, 10), st.next(t).id)
	})

	t.Run("session and api filters", func(t *testing.T) {
		st := openStream(t, ts, "?session=qa&api=aelyst")
		get("")
		get("qa")
		ev := st.next(t)
		require.Equal(t, "qa/1", ev.id)
	})

	t.Run("bad parameters", func(t *testing.T) {
		for query, want := range map[string]string{
			"?backlog=-1":    "bad backlog",
			"?api=stripe":    `bad api \"stripe\"`,
			"?session=a%20b": "bad session",
			"?status=abc":    "bad status",
		} {
			res := engineDo(t, ts, http.MethodGet, AdminPrefix+"journal/stream"+query, "")
			require.Equal(t, http.StatusBadRequest, res.status, query)
			require.Contains(t, string(res.body), want, query)
		}
	})

	t.Run("shutdown ends open streams and refuses new ones", func(t *testing.T) {
		st := openStream(t, ts, "")
		get("")
		st.next(t) // the stream is open and subscribed
		srv.EndStreams()
		select {
		case <-st.done:
		case <-time.After(10 * time.Second):
			t.Fatal("the stream is still open after EndStreams")
		}
		res := engineDo(t, ts, http.MethodGet, AdminPrefix+"journal/stream", "")
		require.Equal(t, http.StatusServiceUnavailable, res.status)
		require.Contains(t, string(res.body), "shutting down")
	})
}

func TestDashboardSubscribers(t *testing.T) {
	srv, err := New(engineAPIs(t, "aelyst"), Config{})
	require.NoError(t, err)
	t.Cleanup(func() { _ = srv.Close() })
	d := srv.dash

	t.Run("a slow subscriber loses entries, never blocks, and is told how many", func(t *testing.T) {
		sub, err := d.subscribe("", journalFilter{})
		require.NoError(t, err)
		defer d.unsubscribe(sub)
		for i := range streamBuffer + 10 {
			d.observe(journalEntry{Seq: uint64(i + 1), Session: DefaultSession, API: "aelyst", Status: 200})
		}
		require.Len(t, sub.ch, streamBuffer)
		require.Equal(t, int64(10), sub.dropped.Load())
	})

	t.Run("the number of streams is bounded", func(t *testing.T) {
		var subs []*subscriber
		for range maxStreams {
			sub, err := d.subscribe("", journalFilter{})
			require.NoError(t, err)
			subs = append(subs, sub)
		}
		_, err := d.subscribe("", journalFilter{})
		require.ErrorContains(t, err, "journal streams are open already")
		for _, sub := range subs {
			d.unsubscribe(sub)
		}
		require.Zero(t, d.nsubs.Load())
	})
}

func TestCoverage(t *testing.T) {
	ts, _ := engineServer(t, Config{}, engineAPIs(t, "aelyst", "carecycle"))
	auth := engineAuth("aelyst")
	send := func(method, path string, headers ...string) int {
		return engineDo(t, ts, method, path, "", headers...).status
	}
	require.Equal(t, 200, send(http.MethodGet, "/aelyst/v1/contact/id:1", auth...))
	require.Equal(t, 200, send(http.MethodGet, "/aelyst/v1/contact/id:1", auth...))
	require.Equal(t, 401, send(http.MethodGet, "/aelyst/v1/contact/id:1"))
	require.Equal(t, 429, send(http.MethodGet, "/aelyst/v1/contact/id:1", append(auth, "Prefer", "code=429")...))
	require.Equal(t, 418, send(http.MethodGet, "/aelyst/v1/contact/id:1", append(auth, "X-Standin-Fault", "mutate=undocumentedStatus")...))
	require.Equal(t, 404, send(http.MethodGet, "/aelyst/v1/nowhere", auth...))
	require.Equal(t, 404, send(http.MethodGet, "/aelyst/v1/contact/id:1", append(auth, SessionHeader, "qa", "Prefer", "code=404")...))

	read := func(query string) coverageReport {
		res := engineDo(t, ts, http.MethodGet, AdminPrefix+"coverage"+query, "")
		require.Equal(t, http.StatusOK, res.status, "%s", res.body)
		var rep coverageReport
		require.NoError(t, json.Unmarshal(res.body, &rep))
		return rep
	}
	cells := func(rep coverageReport, api, op string) (map[int]int, []coverageCell) {
		for _, a := range rep.APIs {
			for _, o := range a.Operations {
				if a.API == api && o.Operation == op {
					m := map[int]int{}
					for _, c := range o.Statuses {
						m[c.Status] = c.Count
					}
					return m, o.Undocumented
				}
			}
		}
		t.Fatalf("no %s %s in the report", api, op)
		return nil, nil
	}

	rep := read("")
	require.Equal(t, DefaultSession, rep.Session)
	require.NotNil(t, rep.Since)
	got, undocumented := cells(rep, "aelyst", "getContact")
	require.Equal(t, map[int]int{200: 2, 400: 0, 401: 1, 404: 0, 429: 1, 449: 0, 500: 0}, got)
	require.Equal(t, []coverageCell{{Status: 418, Count: 1}}, undocumented)
	require.Contains(t, rep.Missing, coverageMissing{API: "aelyst", Operation: "getContact", Status: 404})
	require.NotContains(t, rep.Missing, coverageMissing{API: "aelyst", Operation: "getContact", Status: 429})
	require.Equal(t, 3, rep.Covered)
	require.Equal(t, rep.Documented, rep.Covered+len(rep.Missing))
	require.Equal(t, 1, rep.APIs[0].Unmatched, "the request to an unknown path")

	qa := read("?session=qa&api=aelyst")
	require.Len(t, qa.APIs, 1)
	got, _ = cells(qa, "aelyst", "getContact")
	require.Equal(t, 1, got[404])
	require.Equal(t, 0, got[200], "the default session's traffic is not qa's")

	fresh := read("?session=never-used")
	require.Zero(t, fresh.Covered)
	require.Nil(t, fresh.Since)

	res := engineDo(t, ts, http.MethodDelete, AdminPrefix+"coverage", "")
	require.Equal(t, http.StatusOK, res.status)
	require.Zero(t, read("").Covered)
	require.Equal(t, 1, read("?session=qa").Covered, "a reset is per session")

	for query, want := range map[string]string{"?session=a%20b": "bad session", "?api=stripe": `bad api \"stripe\"`} {
		res := engineDo(t, ts, http.MethodGet, AdminPrefix+"coverage"+query, "")
		require.Equal(t, http.StatusBadRequest, res.status)
		require.Contains(t, string(res.body), want)
	}
}

func TestCoverageCountsOnlyReceivedAnswers(t *testing.T) {
	var b coverageBook
	now := time.Now()
	for _, st := range []int{0, StatusClientClosed, 200} {
		b.record(&journalEntry{Time: now, Session: "s", API: "a", Operation: "op", Status: st})
	}
	counts, since := b.of("s", false).snapshot()
	require.Equal(t, map[coverKey]int{{api: "a", op: "op", status: 200}: 1}, counts)
	require.Equal(t, now, since)
	require.Nil(t, b.of("other", false))
}

func TestDashboardAssets(t *testing.T) {
	ts, _ := engineServer(t, Config{}, engineAPIs(t, "aelyst"))
	raw := func(method, path string, headers ...string) *http.Response {
		req, err := http.NewRequestWithContext(t.Context(), method, ts.URL+path, nil)
		require.NoError(t, err)
		for i := 0; i+1 < len(headers); i += 2 {
			req.Header.Set(headers[i], headers[i+1])
		}
		// The test's own transport: no automatic gzip and no redirects followed.
		client := &http.Client{Transport: &http.Transport{DisableCompression: true},
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		res, err := client.Do(req)
		require.NoError(t, err)
		t.Cleanup(func() { _ = res.Body.Close() })
		return res
	}
	body := func(res *http.Response) []byte {
		data, err := io.ReadAll(res.Body)
		require.NoError(t, err)
		return data
	}

	page := raw(http.MethodGet, AdminPrefix)
	require.Equal(t, http.StatusOK, page.StatusCode)
	require.Equal(t, "text/html; charset=utf-8", page.Header.Get("Content-Type"))
	require.Contains(t, page.Header.Get("Content-Security-Policy"), "script-src 'self'")
	require.Equal(t, "nosniff", page.Header.Get("X-Content-Type-Options"))
	html := body(page)
	require.Contains(t, string(html), `<script src="/__standin/ui/app.js" defer></script>`)

	zipped := raw(http.MethodGet, AdminPrefix, "Accept-Encoding", "br, gzip;q=0.8")
	require.Equal(t, "gzip", zipped.Header.Get("Content-Encoding"))
	zr, err := gzip.NewReader(bytes.NewReader(body(zipped)))
	require.NoError(t, err)
	unzipped, err := io.ReadAll(zr)
	require.NoError(t, err)
	require.Equal(t, html, unzipped)
	require.Empty(t, raw(http.MethodGet, AdminPrefix, "Accept-Encoding", "gzip;q=0").Header.Get("Content-Encoding"))

	require.Equal(t, http.StatusNotModified, raw(http.MethodGet, AdminPrefix, "If-None-Match", page.Header.Get("ETag")).StatusCode)
	head := raw(http.MethodHead, AdminPrefix+"ui/app.js")
	require.Equal(t, http.StatusOK, head.StatusCode)
	require.Equal(t, "text/javascript; charset=utf-8", head.Header.Get("Content-Type"))
	require.Empty(t, body(head))

	redirect := raw(http.MethodGet, "/__standin")
	require.Equal(t, http.StatusMovedPermanently, redirect.StatusCode)
	require.Equal(t, AdminPrefix, redirect.Header.Get("Location"))

	for _, p := range []string{"ui/nothing.js", "ui/..%2fdashboard.go", "ui/%2e%2e%2fserver.go", "ui/"} {
		res := raw(http.MethodGet, AdminPrefix+p)
		require.Equal(t, http.StatusNotFound, res.StatusCode, p)
		require.Equal(t, "application/json", res.Header.Get("Content-Type"), p)
	}
}

// TestDashboardIsOffline pins that the page loads nothing from another host: no absolute URL in any file.
func TestDashboardIsOffline(t *testing.T) {
	absolute := regexp.MustCompile(`(?i)(https?:)?//[a-z0-9.-]+\.[a-z]{2,}`)
	n := 0
	require.NoError(t, fs.WalkDir(webFS, "web", func(p string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		data, err := webFS.ReadFile(p)
		require.NoError(t, err)
		require.Empty(t, absolute.FindAllString(string(data), -1), "%s refers to another host", p)
		n++
		return nil
	}))
	require.Equal(t, 3, n)
}

// TestDashboardCatalog checks the example request of every bundled operation: its credentials pass the
// security stage, and its answer is a status the operation documents.
func TestDashboardCatalog(t *testing.T) {
	ts, _ := engineServer(t, Config{}, engineAPIs(t))
	res := engineDo(t, ts, http.MethodGet, AdminPrefix+"ui/catalog", "")
	require.Equal(t, http.StatusOK, res.status)
	var catalog []catalogAPI
	require.NoError(t, json.Unmarshal(res.body, &catalog))
	require.Len(t, catalog, 3)
	for _, a := range catalog {
		require.NotEmpty(t, a.Collections, a.Name)
		for _, c := range a.Collections {
			require.NotEmpty(t, c.Key, "%s/%s", a.Name, c.Name)
			require.Contains(t, c.Properties, c.Key, "%s/%s", a.Name, c.Name)
		}
		sent := 0
		for _, op := range a.Operations {
			t.Run(a.Name+"/"+op.ID, func(t *testing.T) {
				ex := op.Example
				require.Equal(t, op.Method, ex.Method)
				if strings.Contains(ex.URL, "{") {
					t.Skipf("%s: a path parameter has no example", ex.URL)
				}
				headers := []string{}
				for _, h := range ex.Headers {
					headers = append(headers, h[0], h[1])
				}
				got := engineDo(t, ts, ex.Method, ex.URL, string(ex.Body), headers...)
				require.NotContains(t, []int{401, 403}, got.status, "%s %s: %s", ex.Method, ex.URL, got.body)
				require.Contains(t, op.Statuses, got.status, "%s %s: %s", ex.Method, ex.URL, got.body)
				sent++
			})
		}
		require.NotZero(t, sent, "no example request of %s could be sent", a.Name)
	}
}

func TestDashboardScenarios(t *testing.T) {
	ts, _ := engineServer(t, Config{}, engineAPIs(t, "aelyst"))
	res := engineDo(t, ts, http.MethodGet, AdminPrefix+"ui/scenarios", "")
	require.Equal(t, http.StatusOK, res.status)
	var list []catalogScenario
	require.NoError(t, json.Unmarshal(res.body, &list))
	byName := map[string]catalogScenario{}
	for _, sc := range list {
		byName[sc.Name] = sc
	}
	q := byName["aelyst-queue-449"]
	require.Equal(t, []string{"id=aelyst-queue-449#1,op=updateAssignee,queue=2"}, q.Rules)
	require.Equal(t, []catalogExpects{
		{API: "aelyst", Method: "POST", Path: "/v1/contact/id:1/conversation/assignee", Status: 449, Repeat: 2},
		{API: "aelyst", Method: "POST", Path: "/v1/contact/id:1/conversation/assignee", Status: 200},
	}, q.Expect)
	require.Contains(t, q.Description, "449")
}

// TestDashboardCatalogUserSpecs: the catalog of documents without x-standin (a user's own) lists every
// operation, and each example request that names all its path parameters is answered with a documented status
// other than 401/403.
func TestDashboardCatalogUserSpecs(t *testing.T) {
	for _, file := range []string{"doc-errors.yaml", "stripe-style.yaml", "styles.yaml"} {
		t.Run(file, func(t *testing.T) {
			ts, api := engineUserSpec(t, file)
			res := engineDo(t, ts, http.MethodGet, AdminPrefix+"ui/catalog", "")
			require.Equal(t, http.StatusOK, res.status, "%s", res.body)
			var catalog []catalogAPI
			require.NoError(t, json.Unmarshal(res.body, &catalog))
			require.Len(t, catalog, 1)
			require.Len(t, catalog[0].Operations, len(api.Operations))
			for _, op := range catalog[0].Operations {
				ex := op.Example
				if strings.Contains(ex.URL, "{") {
					continue
				}
				headers := []string{}
				for _, h := range ex.Headers {
					headers = append(headers, h[0], h[1])
				}
				got := engineDo(t, ts, ex.Method, ex.URL, string(ex.Body), headers...)
				require.NotContains(t, []int{401, 403}, got.status, "%s %s: %s", ex.Method, ex.URL, got.body)
			}
		})
	}
}
