package mock

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/standin/standin/internal/jsonvalue"
	"github.com/standin/standin/mock/state"
	"github.com/standin/standin/openapi"
)

// TestUpdateStoresTheFieldsItSets: an update of a few fields stores them over the record it found rather than a
// copy of the whole record (state.Tx.PutPatched), and every reader sees one record: the update's own answer in
// JSON and XML (writeOnly fields left out), a later read, a list and the state's own copy. An update of more
// fields than jsonvalue.OverlayMax stores the record whole.
func TestUpdateStoresTheFieldsItSets(t *testing.T) {
	api, err := openapi.LoadFile(t.Context(), "testdata/patched.yaml")
	require.NoError(t, err)
	ts, srv := engineServer(t, Config{FixturesDir: "testdata/patched-fixtures"}, []*openapi.API{api})
	coll := qualify(api.Name, "items")
	parts := func(key string) (state.Record, []state.Field) {
		t.Helper()
		sess, err := srv.state.hub.Session(DefaultSession)
		require.NoError(t, err)
		var p state.Patched
		require.NoError(t, sess.View(t.Context(), func(tx *state.Tx) error {
			p, err = tx.LookupParts(coll, key)
			return err
		}))
		return p.Base, p.Over
	}
	overKeys := func(over []state.Field) []string {
		keys := []string{}
		for _, f := range over {
			keys = append(keys, f.Key)
		}
		return keys
	}
	object := func(r engineResponse) map[string]any {
		t.Helper()
		require.Equal(t, http.StatusOK, r.status, "%s", r.body)
		m, ok := r.json(t).(map[string]any)
		require.True(t, ok, "%s", r.body)
		return m
	}

	first := object(engineDo(t, ts, http.MethodPatch, "/items/a", `{"f01":"x"}`))
	require.Equal(t, "x", first["f01"])
	require.NotEqual(t, "2026-01-01T00:00:00Z", first["updatedAt"], "set: updatedAt: $now")
	base, over := parts("a")
	require.Equal(t, "1", base["f01"], "the record found is not modified")
	require.ElementsMatch(t, []string{"f01", "updatedAt"}, overKeys(over), "the update stored only what it set")
	require.Equal(t, first, object(engineDo(t, ts, http.MethodGet, "/items/a", "")), "a read sees what the update answered")

	second := object(engineDo(t, ts, http.MethodPatch, "/items/a", `{"f02":"y","secret":"s3"}`))
	require.Equal(t, "x", second["f01"], "the first update's field stays")
	require.Equal(t, "y", second["f02"])
	require.NotContains(t, second, "secret", "a writeOnly field is stored, not answered")
	base2, over := parts("a")
	require.Equal(t, "x", base2["f01"], "the read made the record one map, and the next update built on it")
	require.ElementsMatch(t, []string{"updatedAt", "f02", "secret"}, overKeys(over))
	got := object(engineDo(t, ts, http.MethodGet, "/items/a", ""))
	require.Equal(t, second, got)

	xml := engineDo(t, ts, http.MethodPatch, "/items/a", `{"f03":"z"}`, "Accept", "application/xml")
	require.Equal(t, http.StatusOK, xml.status, "%s", xml.body)
	require.Contains(t, xml.header.Get("Content-Type"), "xml")
	for _, want := range []string{"<item>", "<f01>x</f01>", "<f02>y</f02>", "<f03>z</f03>", "<f10>10</f10>"} {
		require.Contains(t, string(xml.body), want)
	}
	require.NotContains(t, string(xml.body), "s3")

	// A record past the encoder's small-text bound, and past the streaming threshold, is written the same way.
	for _, n := range []int{5_000, 70_000} {
		long := strings.Repeat("é", n)
		big := engineDo(t, ts, http.MethodPatch, "/items/a", `{"f04":"`+long+`"}`)
		got := object(big)
		require.Equal(t, long, got["f04"])
		require.Equal(t, "x", got["f01"])
		require.Equal(t, got, object(engineDo(t, ts, http.MethodGet, "/items/a", "")))
	}

	// Updates in a row with no read between them build on one base, whose text is kept from its second answer
	// on: each answer is still the whole record, and the journal still masks the credential the base holds.
	for i := range 4 {
		v := fmt.Sprintf("round %d", i)
		// Items are answered without their writeOnly field (the answer is made one map for that); notes, which
		// have none, are answered as stored, from the kept text of their base. n2 and b hold a credential the
		// journal masks; n1 and c none.
		for _, path := range []string{"/items/b", "/items/c", "/notes/n1", "/notes/n2"} {
			got := object(engineDo(t, ts, http.MethodPatch, path, `{"f05":"`+v+`","f06":"`+v+`"}`))
			require.Equal(t, v, got["f05"])
			require.Equal(t, v, got["f06"])
			require.Equal(t, "7", got["f07"])
			if path == "/items/b" || path == "/notes/n2" {
				require.Equal(t, "tok_fixture_value", got["apiToken"], "the answer itself is the record")
				require.Len(t, got, 13)
			} else {
				require.Len(t, got, 12)
			}
			raw := engineDo(t, ts, http.MethodGet, "/__standin/journal?limit=1", "")
			require.Contains(t, string(raw.body), v)
		}
	}
	for _, path := range []string{"/items/c", "/notes/n1", "/notes/n2"} {
		require.Equal(t, "round 3", object(engineDo(t, ts, http.MethodGet, path, ""))["f06"], path)
	}
	journal := engineDo(t, ts, http.MethodGet, "/__standin/journal", "")
	require.Equal(t, http.StatusOK, journal.status)
	require.NotContains(t, string(journal.body), "tok_fixture_value", "the journal masks the credential in every answer")
	require.Contains(t, string(journal.body), "round 3")

	all := `{"f01":"a","f02":"b","f03":"c","f04":"d","f05":"e","f06":"f","f07":"g","f08":"h","f09":"i","f10":"j"}`
	whole := object(engineDo(t, ts, http.MethodPatch, "/items/b", all))
	_, over = parts("b")
	require.Nil(t, over, "past jsonvalue.OverlayMax fields the record is stored whole")
	require.Greater(t, 11, jsonvalue.OverlayMax)
	require.Equal(t, whole, object(engineDo(t, ts, http.MethodGet, "/items/b", "")))

	list := engineDo(t, ts, http.MethodGet, "/items", "")
	require.Equal(t, http.StatusOK, list.status)
	var items []map[string]any
	require.NoError(t, json.Unmarshal(list.body, &items))
	require.Len(t, items, 3)
	require.Equal(t, "z", items[0]["f03"])
	require.Len(t, items[0]["f04"], 2*70_000)
	require.Equal(t, "round 3", items[1]["f05"])
	require.Equal(t, "j", items[2]["f10"])

	// The state's own copy (what the admin API and snapshots give) holds the updated records, secret and all.
	sess, err := srv.state.hub.Session(DefaultSession)
	require.NoError(t, err)
	require.NoError(t, sess.View(t.Context(), func(tx *state.Tx) error {
		st, err := tx.Snapshot()
		require.NoError(t, err)
		for _, e := range st[coll] {
			if e.Key == "a" {
				require.Equal(t, "s3", e.Record["secret"])
				require.Equal(t, "z", e.Record["f03"])
			}
		}
		return nil
	}))
	require.False(t, strings.Contains(string(list.body), "s3"), "nor does a list answer it")
}
