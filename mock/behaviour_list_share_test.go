package mock

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/standin/standin/mock/state"
)

// stdJSON is encoding/json's text of v: keys sorted, no HTML escaping, no closing newline.
func stdJSON(t *testing.T, v any) []byte {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	require.NoError(t, enc.Encode(v))
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
}

// storedTexts is encoding/json's text of each record of a collection of the default session, by _id.
func storedTexts(t *testing.T, srv *Server, coll string) map[string][]byte {
	t.Helper()
	sess, err := srv.state.hub.Session(DefaultSession)
	require.NoError(t, err)
	out := map[string][]byte{}
	require.NoError(t, sess.View(context.Background(), func(tx *state.Tx) error {
		return tx.Scan(coll, func(_ string, rec state.Record) bool {
			out[text(rec["_id"])] = stdJSON(t, map[string]any(rec))
			return true
		})
	}))
	require.NotEmpty(t, out, "collection %s", coll)
	return out
}

// A list page shares the stored records with the answer rather than copying them: its text is still what
// encoding/json writes for those records (keys sorted), streamed past 64 KiB and with a Content-Length below,
// the same answer after answer, and reading it changes no stored record.
func TestListPageSharesStoredRecords(t *testing.T) {
	ts, srv := engineServer(t, Config{Records: 60, Seed: 1}, engineAPIs(t, "cinnox"))
	const coll = "cinnox/enquiries"
	before := storedTexts(t, srv, coll)
	path := "/cinnox/v1/api/apps/app1/data/enquiry-detail?startAt=2000-01-01T00:00:00.000Z&endAt=2100-01-01T00:00:00.000Z&limit="
	for _, tc := range []struct {
		limit    string
		n        int
		streamed bool
	}{{"50", 50, true}, {"3", 3, false}} {
		var first []byte
		for round := range 3 {
			res := engineDo(t, ts, http.MethodGet, path+tc.limit, "", "Authorization", engineBearer)
			require.Equal(t, http.StatusOK, res.status, "%.300s", res.body)
			if tc.streamed {
				require.Empty(t, res.header.Get("Content-Length"), "a page past 64 KiB is streamed")
				require.Greater(t, len(res.body), jsonStreamThreshold)
			} else {
				require.Equal(t, strings.TrimSpace(res.header.Get("Content-Length")), itoa(len(res.body)))
			}
			var page []map[string]any
			require.NoError(t, json.Unmarshal(res.body, &page))
			require.Len(t, page, tc.n)
			want := []byte{'['}
			for i, rec := range page {
				stored, ok := before[text(rec["_id"])]
				require.True(t, ok, "record %v is not stored", rec["_id"])
				if i > 0 {
					want = append(want, ',')
				}
				want = append(want, stored...)
			}
			want = append(want, ']')
			require.Equal(t, string(want), string(res.body), "the page is not encoding/json's text of the stored records")
			if round == 0 {
				first = res.body
			}
			require.Equal(t, string(first), string(res.body))
		}
	}
	after := storedTexts(t, srv, coll)
	require.Equal(t, len(before), len(after))
	for id, b := range before {
		require.Equal(t, string(b), string(after[id]), "record %s changed by a read", id)
	}
}

// Pages read while the records on them are being changed: the answers share stored records that writers
// replace but never change (run with -race).
func TestListPageWhileRecordsChange(t *testing.T) {
	ts, _ := stateServer(t, Config{})
	const list = "/cinnox/v1/api/apps/app-1/data/enquiry-detail?startAt=2000-01-01T00:00:00Z&endAt=2100-01-01T00:00:00Z&limit=50"
	const labelled = "/cinnox/v1/api/apps/app-1/inquiries/6369c1a0c2a4e1a9d1f0a0ab/labels"
	labels := []string{"label-01", "label-02", "label-03", "label-04", "label-05", "label-07"}
	var wg sync.WaitGroup
	statuses := make([]int, 40)
	for i := range statuses {
		wg.Go(func() {
			if i%2 == 0 {
				statuses[i] = stateDo(t, ts, http.MethodPost, labelled, fmt.Sprintf(`{"labelIds":[%q]}`, labels[i/2%len(labels)])).status
				return
			}
			res := stateDo(t, ts, http.MethodGet, list, "")
			var page any
			if json.Unmarshal(res.body, &page) != nil {
				statuses[i] = -1
				return
			}
			statuses[i] = res.status
		})
	}
	wg.Wait()
	for i, st := range statuses {
		require.Less(t, st, 300, "request %d", i)
		require.GreaterOrEqual(t, st, 200, "request %d", i)
	}
}
