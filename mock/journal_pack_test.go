package mock

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestJournalPackRoundTrip: an entry packed into a slot reads back as the entry a reader was shown before the
// journal packed its entries: the same strings, header maps made from the pairs (or the map it was given),
// bodies of its own, flags and times; a shared body is held, not copied, and nothing else of the entry is.
func TestJournalPackRoundTrip(t *testing.T) {
	at := time.Date(2026, 12, 3, 8, 30, 1, 123456789, time.FixedZone("X", 3600))
	cut, _ := json.Marshal(strings.Repeat("é", journalBodyLimit/2))
	tests := []struct {
		name string
		e    journalEntry
	}{
		{"empty", journalEntry{}},
		{"every field", journalEntry{
			Time: at, Session: "qa-1", API: "carecycle", Operation: "assignInquiry", Method: "PATCH",
			Path: "/carecycle/v2/inquiries/1/assign", Query: "a=1&token=****", Status: 200, LatencyMS: 0.125,
			AnsweredBy: "behaviour", FaultRule: "slow",
			Request: journalMessage{pairs: []string{"Content-Type", "application/json", "X-Api-Key", "****", "X-Empty", ""},
				Body: json.RawMessage(`{"assignedTo":"x"}`)},
			Response: journalMessage{pairs: []string{"Content-Length", "7"}, Body: json.RawMessage(`{"a":1}`),
				HeadersTruncated: true},
		}},
		{"utc, local and unicode", journalEntry{Time: time.Unix(1, 2).UTC(), Path: "/é/…", Query: strings.Repeat("q", 300),
			Response: journalMessage{Body: json.RawMessage(`"naïve"`)}}},
		{"local time", journalEntry{Time: time.Unix(1700000000, 5).Local(), Status: StatusClientClosed}},
		{"headers given as maps", journalEntry{
			Request:  journalMessage{Headers: map[string]string{"B": "2", "A": "1", "C": ""}},
			Response: journalMessage{Headers: map[string]string{}, Truncated: true},
		}},
		{"cut bodies, shared", journalEntry{
			Request:  journalMessage{Body: cut, Truncated: true, shared: true},
			Response: journalMessage{Body: cut, Truncated: true, shared: true, HeadersTruncated: true},
		}},
		{"a kept page, shared, and a long request body", journalEntry{
			Request:  journalMessage{Body: json.RawMessage(`"` + strings.Repeat("b", 200) + `"`)},
			Response: journalMessage{Body: json.RawMessage(`[{"id":"1"}]`), shared: true},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := tt.e
			e.Seq = 42
			want := e.shown()
			if len(want.Request.Headers) == 0 {
				want.Request.Headers = nil
			}
			if len(want.Response.Headers) == 0 {
				want.Response.Headers = nil
			}
			var sl journalSlot
			sl.packed = sl.fill(&e, []byte("kept"))[len("kept"):] // appended to what dst holds
			got := sl.entry()
			require.True(t, want.Time.Equal(got.Time), "%v, %v", want.Time, got.Time)
			require.Equal(t, want.Time.Location(), got.Time.Location())
			require.Equal(t, want, got)

			for _, m := range []struct {
				in     journalMessage
				held   json.RawMessage
				copied json.RawMessage
			}{{e.Request, sl.reqBody, got.Request.Body}, {e.Response, sl.respBody, got.Response.Body}} {
				if m.in.shared {
					require.Equal(t, &m.in.Body[0], &m.held[0], "a shared body is held, not copied")
				} else {
					require.Nil(t, m.held, "a body of the entry's own is packed")
				}
				if len(m.copied) > 0 {
					require.NotSame(t, &m.in.Body[0], &m.copied[0], "a reader gets a body of its own")
				}
			}
			// The caller's buffers are its own again: overwriting them changes nothing kept (a shared body is
			// never changed).
			if !e.Request.shared {
				clear(e.Request.Body)
			}
			if !e.Response.shared {
				clear(e.Response.Body)
			}
			require.Equal(t, want, sl.entry())
		})
	}
}

// FuzzJournalPack: any texts and bodies read back as they were packed.
func FuzzJournalPack(f *testing.F) {
	f.Add("s", "/p", "q=1", "Content-Type", "application/json", []byte(`{"a":1}`), []byte(`[]`), 200, false)
	f.Add("", "", "", "", "", []byte(nil), []byte(nil), 0, true)
	f.Add("é", strings.Repeat("x", 300), "…", "K", "\x00\xff", []byte("\x80"), []byte(strings.Repeat("y", 5000)), 599, true)
	f.Fuzz(func(t *testing.T, session, path, query, hk, hv string, reqBody, respBody []byte, status int, shared bool) {
		e := journalEntry{Seq: 7, Time: time.Unix(0, int64(status)).UTC(), Session: session, Path: path, Query: query,
			Status: status, Method: hk, Operation: hv,
			Request:  journalMessage{pairs: []string{hk, hv, hv, hk}, Body: reqBody},
			Response: journalMessage{pairs: []string{hv, path}, Body: respBody, shared: shared && len(respBody) > 0}}
		want := e.shown()
		var sl journalSlot
		sl.packed = sl.fill(&e, nil)
		got := sl.entry()
		require.Equal(t, want.Session, got.Session)
		require.Equal(t, want.Path, got.Path)
		require.Equal(t, want.Query, got.Query)
		require.Equal(t, want.Method, got.Method)
		require.Equal(t, want.Operation, got.Operation)
		require.Equal(t, want.Request.Headers, got.Request.Headers)
		require.Equal(t, want.Response.Headers, got.Response.Headers)
		require.Equal(t, string(reqBody), string(got.Request.Body))
		require.Equal(t, string(respBody), string(got.Response.Body))
		require.Equal(t, status, got.Status)
	})
}
