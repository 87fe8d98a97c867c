package mock

import (
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// writeFixtures makes a fixtures folder from file -> content.
func writeFixtures(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		path := filepath.Join(dir, filepath.FromSlash(name))
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		require.NoError(t, os.WriteFile(path, []byte(content), 0o644))
	}
	return dir
}

func TestStateFixturesDirReplacesTheEmbeddedSet(t *testing.T) {
	dir := writeFixtures(t, map[string]string{
		"cinnox/labels.json": `[{"id":"only","name":"Only label"}]`,
	})
	ts, _ := stateServer(t, Config{FixturesDir: dir})
	labels := stateDo(t, ts, http.MethodGet, "/cinnox/v1/api/apps/a/labels", "").json(t)["labelList"].([]any)
	require.Len(t, labels, 1)
	require.Equal(t, "only", labels[0].(map[string]any)["id"])
	require.Equal(t, 404, stateDo(t, ts, http.MethodGet, "/aelyst/v1/contact/id:1", "").status, "no embedded contact")
}

func TestStateBadFixturesFailTheStart(t *testing.T) {
	apis, err := stateAPIs()
	require.NoError(t, err)
	tests := []struct {
		name  string
		files map[string]string
		want  []string
	}{
		{"a record that breaks the schema", map[string]string{"aelyst/users.json": `[{"id":1,"email":"a@b.c"},{"id":"two"}]`},
			[]string{"aelyst/users.json: record 1", `does not match schema User: at /id: value must be an integer`}},
		{"a record without its key", map[string]string{"cinnox/labels.json": `[{"name":"no id"}]`},
			[]string{"cinnox/labels.json: record 0", `missing key field "id"`}},
		{"a repeated key", map[string]string{"cinnox/labels.json": `[{"id":"a"},{"id":"a"}]`},
			[]string{"cinnox/labels.json: record 1", "repeats record 0"}},
		{"an unknown collection", map[string]string{"carecycle/invoices.json": `[]`},
			[]string{"carecycle/invoices.json", `no collection "invoices"`}},
		{"not JSON", map[string]string{"carecycle/inquiries.json": `[{`},
			[]string{"carecycle/inquiries.json", "expected a JSON array"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(apis, Config{FixturesDir: writeFixtures(t, tt.files)})
			for _, w := range tt.want {
				require.ErrorContains(t, err, w)
			}
			require.NotContains(t, err.Error(), "\n", "one line, without kin-openapi's schema dump")
		})
	}
	_, err = New(apis, Config{FixturesDir: filepath.Join(t.TempDir(), "missing")})
	require.ErrorContains(t, err, "expected a folder")
}

func TestStateRecordsTopUp(t *testing.T) {
	const n = 40
	_, srv := stateServer(t, Config{Records: n, Seed: 7}, WithClock(newStateClock()))
	_, again := stateServer(t, Config{Records: n, Seed: 7}, WithClock(newStateClock()))
	first, second := srv.state.hub.Seed(), again.state.hub.Seed()
	for name, c := range srv.state.colls {
		t.Run(name, func(t *testing.T) {
			entries := first[name]
			require.Len(t, entries, n)
			keys := map[string]bool{}
			for i, e := range entries {
				require.NoError(t, checkRecord(c, e.Record), "record %d", i)
				require.False(t, keys[e.Key], "record %d repeats key %s", i, e.Key)
				keys[e.Key] = true
				require.Equal(t, e.Key, text(e.Record[c.Key]))
			}
			require.Equal(t, second[name], entries, "the same seed gives the same records")
		})
	}
}

// TestFixtureRepeatedKeys pins what fixtureEntries reports a repeated key against: the first earlier record
// with that key, whatever the order of the keys.
func TestFixtureRepeatedKeys(t *testing.T) {
	var entries []Entry
	for _, k := range []string{"b", "a", "c", "a", "b", "a", "", ""} {
		entries = append(entries, Entry{Key: k})
	}
	require.Equal(t, []int{-1, -1, -1, 1, 0, 1, -1, 6}, repeatedKeys(entries))
	require.Empty(t, repeatedKeys(nil))
}
