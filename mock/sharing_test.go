package mock

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/standin/standin/mock/state"
	"github.com/standin/standin/openapi"
)

// heldRecord is a stored record as a reader keeps it (the map itself, as Lookup and Scan hand it out) and the
// text it had then.
type heldRecord struct {
	where string
	rec   state.Record
	text  string
}

// holdRecords keeps every record the session stores now.
func holdRecords(t *testing.T, srv *Server, session string) []heldRecord {
	t.Helper()
	sess, err := srv.state.hub.Session(session)
	require.NoError(t, err)
	var out []heldRecord
	require.NoError(t, sess.View(context.Background(), func(tx *state.Tx) error {
		names, err := tx.Collections()
		if err != nil {
			return err
		}
		for _, c := range names {
			if err := tx.Scan(c, func(key string, rec state.Record) bool {
				out = append(out, heldRecord{c + "/" + key, rec, string(stdJSON(t, map[string]any(rec)))})
				return true
			}); err != nil {
				return err
			}
		}
		return nil
	}))
	return out
}

// sweepRequest is engineValidRequest, with no body for an operation whose body is not JSON (it answers a
// validation error, which is one more answer to check).
func sweepRequest(t *testing.T, api *openapi.API, op *openapi.Operation) engineRequest {
	t.Helper()
	if rb := op.Op.RequestBody; rb != nil && rb.Value != nil && rb.Value.Content.Get("application/json") == nil {
		cp, o := *op, *op.Op
		o.RequestBody = nil
		cp.Op = &o
		return engineValidRequest(t, api, &cp, "")
	}
	return engineValidRequest(t, api, op, "")
}

// TestAnswersChangeNoStoredRecord: answers share the stored records (a list page, a read, an update's answer)
// and the journal keeps answer bodies without copies. Every operation of documents of each style is called, as
// is and with each feature that makes an answer other than the records as stored (Prefer dynamic, the three
// body mutations of a fault, XML), in two rounds (the second over what the first wrote or materialised). After
// each operation's requests, every record held from before them (the maps themselves, as a reader keeps them)
// still has its text and every journal entry is as it was when it was made; a read asked again at once
// answers the same body.
func TestAnswersChangeNoStoredRecord(t *testing.T) {
	apis := engineAPIs(t)
	for _, f := range []string{"stripe-style", "google-lro", "azure-flatten"} {
		api, err := openapi.LoadFile(t.Context(), "testdata/"+f+".yaml")
		require.NoError(t, err, f)
		apis = append(apis, api)
	}
	variants := [][]string{nil, {"Prefer", "dynamic=true"}, {FaultHeader, "mutate=missingRequired"},
		{FaultHeader, "mutate=enumOutside"}, {FaultHeader, "mutate=wrongType"}, {"Accept", "application/xml"}}
	for _, api := range apis {
		t.Run(api.Name, func(t *testing.T) {
			ts, srv := engineServer(t, Config{Records: 6, Seed: 3}, []*openapi.API{api}, WithClock(newStateClock())) // a dynamic page is made per day
			held := holdRecords(t, srv, DefaultSession)
			sess, err := srv.sessions.get(DefaultSession)
			require.NoError(t, err)
			journalled := map[uint64]string{}
			for round := range 2 {
				for _, op := range api.Operations {
					req := sweepRequest(t, api, op)
					var whats []string
					for _, v := range variants {
						what := strings.TrimSpace(req.method + " " + req.path + " " + strings.Join(v, ": "))
						headers := append(engineAuth(api.Name), v...)
						res := engineDo(t, ts, req.method, req.path, req.body, headers...)
						if req.method == http.MethodGet {
							again := engineDo(t, ts, req.method, req.path, req.body, headers...)
							require.Equal(t, res.status, again.status, "%s asked again", what)
							require.Equal(t, string(res.body), string(again.body), "%s asked again", what)
						}
						whats = append(whats, fmt.Sprintf("%s (%d)", what, res.status))
						for _, e := range sess.journal.list(journalFilter{Limit: 2}) { // this request's (and the one asked again)
							if _, ok := journalled[e.Seq]; !ok {
								journalled[e.Seq] = string(stdJSON(t, e))
							}
						}
					}
					for _, h := range held {
						require.Equal(t, h.text, string(stdJSON(t, map[string]any(h.rec))),
							"round %d, after %v: stored record %s changed", round, whats, h.where)
					}
					for _, e := range sess.journal.list(journalFilter{}) {
						text := string(stdJSON(t, e))
						if before, ok := journalled[e.Seq]; ok {
							require.Equal(t, before, text, "after %v: journal entry %d changed", whats, e.Seq)
						}
					}
				}
				held = append(held, holdRecords(t, srv, DefaultSession)...) // the records written meanwhile too
			}
		})
	}
}

// TestJournalCutsStayTheirOwn: answers past journalBodyLimit are journalled as their masked cut, the same cut
// shared while the same answer repeats (masker.lastCut). Pages of stored records, a kept dynamic page and a
// page changed by a fault, in turns: each entry holds its own answer's cut, and once made no entry changes
// whatever is journalled after it.
func TestJournalCutsStayTheirOwn(t *testing.T) {
	apis := engineAPIs(t, "cinnox")
	ts, srv := engineServer(t, Config{Records: 60, Seed: 5}, apis, WithClock(newStateClock()))
	sess, err := srv.sessions.get(DefaultSession)
	require.NoError(t, err)
	cut := func(body []byte) string { // by a masker of its own: no cut shared with another answer
		require.Greater(t, len(body), journalBodyLimit)
		b, truncated := newMasker(apis[0].Doc).journalBodyOwned(bytes.Clone(body[:journalBodyLimit+1]))
		require.True(t, truncated)
		return string(b)
	}
	requests := [][]string{
		{enquiryDetail + "&limit=20"},
		{enquiryDetail + "&limit=20&offset=20"},
		{enquiryDetail + "&limit=20", "Prefer", "dynamic=true"},
		{enquiryDetail + "&limit=20", FaultHeader, "mutate=enumOutside"},
	}
	made := map[uint64]string{}
	cuts := map[string]bool{}
	for round := range 3 {
		for _, rq := range requests {
			res := engineDo(t, ts, http.MethodGet, rq[0], "", append([]string{"Authorization", engineBearer}, rq[1:]...)...)
			require.Equal(t, http.StatusOK, res.status, "%.300s", res.body)
			last := journalledAfter(t, sess, uint64(len(made)))
			require.True(t, last[0].Response.Truncated, "%d bytes: %.200s", len(res.body), res.body)
			require.Equal(t, cut(res.body), string(last[0].Response.Body), "round %d, %v", round, rq)
			cuts[cut(res.body)] = true
			made[last[0].Seq] = string(stdJSON(t, last[0]))
		}
	}
	require.Len(t, cuts, len(requests), "each answer has a cut of its own")
	all := sess.journal.list(journalFilter{})
	require.Len(t, all, len(made))
	for _, e := range all {
		require.Equal(t, made[e.Seq], string(stdJSON(t, e)), "entry %d changed", e.Seq)
	}
}

// journalledAfter returns the session's last journal entry once it comes after entry seq: an answer past the
// connection's buffer reaches the client before the journal stage adds its entry. The wait is bounded.
func journalledAfter(t *testing.T, sess *session, seq uint64) []journalEntry {
	t.Helper()
	for range 5000 {
		if last := sess.journal.list(journalFilter{Limit: 1}); len(last) == 1 && last[0].Seq > seq {
			return last
		}
		time.Sleep(time.Millisecond)
	}
	t.Fatalf("no journal entry after %d", seq)
	return nil
}
