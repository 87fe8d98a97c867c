package mock

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestStateFileOneServerOnly starts a second server on the state file of a running one: it refuses, naming the
// process that holds the file, and the first keeps serving what it acknowledged.
func TestStateFileOneServerOnly(t *testing.T) {
	file := filepath.Join(t.TempDir(), "state.jsonl")
	ts, _ := stateServer(t, Config{StateFile: file})
	require.Equal(t, 200, stateDo(t, ts, "PUT", "/__standin/state/cinnox/labels/label-01", `{"name":"Mine"}`).status)

	apis, err := stateAPIs()
	require.NoError(t, err)
	_, err = New(apis, Config{StateFile: file})
	require.ErrorContains(t, err, fmt.Sprintf("state file %s is in use by process %d", file, os.Getpid()))
	require.ErrorContains(t, err, "pass another --state-file")
	require.Equal(t, "Mine", stateDo(t, ts, "GET", "/__standin/state/cinnox/labels/label-01", "").json(t)["name"])
}

// TestStateFileRecheck re-validates stored records against the served collections: a record that breaks its
// schema or a collection no longer served is refused; hidden companion collections and scoped keys are not.
func TestStateFileRecheck(t *testing.T) {
	_, srv := stateServer(t, Config{})
	check := srv.state.checkStored
	require.NoError(t, check("cinnox/labels", "label-01", Record{"id": "label-01", "name": "A"}))
	require.NoError(t, check("cinnox/labels", "apps/a/label-01", Record{"id": "label-01", "name": "A"}), "a scoped key")
	require.NoError(t, check("cinnox/labels#deleted", "label-01", Record{}), "a companion collection of markers")
	require.ErrorContains(t, check("cinnox/gone", "x", Record{"id": "x"}), "the served specs have no collection cinnox/gone")
	require.ErrorContains(t, check("cinnox/gone#deleted", "x", Record{}), "no collection cinnox/gone")
	require.Error(t, check("cinnox/labels", "label-02", Record{"id": 12.0}), "a record that breaks its schema")
}
