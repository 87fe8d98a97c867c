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
