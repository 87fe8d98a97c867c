package mock

import (
	"bufio"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/standin/standin/mock/state"
)

func TestStatePersistsAcrossRestart(t *testing.T) {
	file := filepath.Join(t.TempDir(), "state.jsonl")
	const user = "cf30b1e9-3ee9-436d-a73b-1f108e36e6fe"
	var createdID string
	{
		ts, srv := stateServer(t, Config{StateFile: file})
		require.Equal(t, 200, stateDo(t, ts, http.MethodPatch, "/carecycle/v2/inquiries/"+docInquiry+"/assign", `{"assignedTo":"`+user+`"}`).status)
		created := stateDo(t, ts, http.MethodPost, "/carecycle/v2/campaigns/appointment-configs", `{"name":"Kept"}`)
		require.Equal(t, 201, created.status)
		createdID = created.json(t)["appointmentConfig"].(map[string]any)["id"].(string)
		require.Equal(t, 200, stateDo(t, ts, http.MethodDelete, "/carecycle/v2/campaigns/appointment-configs/4660d1d9-15ab-46d0-a30b-cb0ae4dc36c8", "").status)
		require.Equal(t, 200, stateDo(t, ts, http.MethodPost, "/aelyst/v1/contact/id:1/conversation/status", `{"status":"close"}`, SessionHeader, "ci-7").status)
		require.Equal(t, 201, stateDo(t, ts, http.MethodPost, "/__standin/snapshots/after-close?session=ci-7", "").status)
		require.Equal(t, 200, stateDo(t, ts, http.MethodPost, "/aelyst/v1/contact/id:1/conversation/status", `{"status":"open"}`, SessionHeader, "ci-7").status)
		require.Equal(t, 200, stateDo(t, ts, http.MethodPut, "/__standin/state/cinnox/labels/label-09", `{"name":"Urgent","colorName":"red"}`).status)
		require.NoError(t, srv.Close())
	}
	ts, _ := stateServer(t, Config{StateFile: file})
	tests := []struct {
		name, path, field string
		want              any
	}{
		{"behaviour update", "/__standin/state/carecycle/inquiries/" + docInquiry, "assignedTo", user},
		{"create", "/__standin/state/carecycle/appointmentConfigs/" + createdID, "name", "Kept"},
		{"another session", "/__standin/state/aelyst/contacts/1?session=ci-7", "status", "open"},
		{"the default session kept its own", "/__standin/state/aelyst/contacts/1", "status", "open"},
		{"admin put", "/__standin/state/cinnox/labels/label-09", "name", "Urgent"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := stateDo(t, ts, http.MethodGet, tt.path, "")
			require.Equal(t, 200, resp.status, "body %s", resp.body)
			require.Equal(t, tt.want, resp.json(t)[tt.field])
		})
	}
	t.Run("delete", func(t *testing.T) {
		require.Equal(t, 404, stateDo(t, ts, http.MethodGet, "/__standin/state/carecycle/appointmentConfigs/4660d1d9-15ab-46d0-a30b-cb0ae4dc36c8", "").status)
	})
	t.Run("sessions and snapshots", func(t *testing.T) {
		require.Contains(t, string(stateDo(t, ts, http.MethodGet, "/__standin/sessions", "").body), `"ci-7"`)
		require.Equal(t, 200, stateDo(t, ts, http.MethodPost, "/__standin/snapshots/after-close/restore?session=ci-7", "").status)
		require.Equal(t, "closed", stateDo(t, ts, http.MethodGet, "/__standin/state/aelyst/contacts/1?session=ci-7", "").json(t)["status"])
	})
}

func TestStateResetPersists(t *testing.T) {
	file := filepath.Join(t.TempDir(), "state.jsonl")
	{
		ts, srv := stateServer(t, Config{StateFile: file})
		require.Equal(t, 200, stateDo(t, ts, http.MethodPatch, "/carecycle/v2/inquiries/"+docInquiry+"/assign", `{"assignedTo":null}`).status)
		require.Equal(t, 200, stateDo(t, ts, http.MethodPost, "/__standin/reset", "").status)
		require.NoError(t, srv.Close())
	}
	ts, _ := stateServer(t, Config{StateFile: file})
	got := stateDo(t, ts, http.MethodGet, "/__standin/state/carecycle/inquiries/"+docInquiry, "").json(t)
	require.Equal(t, "7869c1a9-a680-4086-b6f5-9e78a651f6f2", got["assignedTo"])
}

func TestStateFileRefused(t *testing.T) {
	header := `{"format":"standin-state","version":1}` + "\n"
	put := `{"op":"put","session":"default","coll":"cinnox/labels","key":"x","record":{"id":"x"}}` + "\n"
	tests := []struct {
		name, content, want string
	}{
		{"foreign text", "hello world\n", "not a standin state file"},
		{"other JSON", `{"format":"something-else","version":1}` + "\n", "not a standin state file"},
		{"newer version", `{"format":"standin-state","version":2}` + "\n", "format version 2"},
		{"corrupt line before the last", header + "{not json\n" + put, "line 2 is not a state record"},
		{"unknown op", header + `{"op":"teleport","session":"default"}` + "\n", `unknown op "teleport"`},
	}
	apis, err := stateAPIs()
	require.NoError(t, err)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			file := filepath.Join(t.TempDir(), "state.jsonl")
			require.NoError(t, os.WriteFile(file, []byte(tt.content), 0o644))
			_, err := New(apis, Config{StateFile: file})
			require.ErrorContains(t, err, tt.want)
			require.ErrorContains(t, err, file)
			require.ErrorContains(t, err, "refuses to use or overwrite it")
			data, err := os.ReadFile(file)
			require.NoError(t, err)
			require.Equal(t, tt.content, string(data), "the file is left as it was")
		})
	}
}

func TestStateFileTornLastLine(t *testing.T) {
	file := filepath.Join(t.TempDir(), "state.jsonl")
	header := `{"format":"standin-state","version":1}` + "\n"
	put := `{"op":"put","session":"default","coll":"cinnox/labels","key":"label-77","record":{"id":"label-77","name":"Kept"}}` + "\n"
	torn := `{"op":"put","session":"default","coll":"cinnox/labels","key":"label-78","rec`
	require.NoError(t, os.WriteFile(file, []byte(header+put+torn), 0o644))

	ts, srv := stateServer(t, Config{StateFile: file})
	require.Equal(t, 200, stateDo(t, ts, http.MethodGet, "/__standin/state/cinnox/labels/label-77", "").status)
	require.Equal(t, 404, stateDo(t, ts, http.MethodGet, "/__standin/state/cinnox/labels/label-78", "").status)
	require.Equal(t, 200, stateDo(t, ts, http.MethodPut, "/__standin/state/cinnox/labels/label-79", `{"name":"After"}`).status)
	require.NoError(t, srv.Close())

	lines := readStateLines(t, file)
	require.Len(t, lines, 3, "the torn line is dropped and the next write starts on a line of its own")
	ts2, _ := stateServer(t, Config{StateFile: file})
	require.Equal(t, "After", stateDo(t, ts2, http.MethodGet, "/__standin/state/cinnox/labels/label-79", "").json(t)["name"])
}

func TestStateFileCompaction(t *testing.T) {
	file := filepath.Join(t.TempDir(), "state.jsonl")
	ts, srv := stateServer(t, Config{}, WithStore(state.NewMemory(state.MemoryOptions{File: file, CompactEvery: 10})))
	for i := range 25 {
		resp := stateDo(t, ts, http.MethodPost, "/aelyst/v1/contact/id:1/conversation/assignee", fmt.Sprintf(`{"assignee":%d}`, []int{1, 7, 12}[i%3]))
		require.Equal(t, 200, resp.status)
	}
	require.Equal(t, 201, stateDo(t, ts, http.MethodPost, "/__standin/snapshots/mid", "").status)
	require.NoError(t, srv.Close())
	lines := readStateLines(t, file)
	require.Less(t, len(lines), 20, "the log was compacted into a snapshot")
	require.Contains(t, strings.Join(lines, "\n"), `"op":"state"`)

	ts2, _ := stateServer(t, Config{StateFile: file})
	contact := stateDo(t, ts2, http.MethodGet, "/aelyst/v1/contact/id:1", "").json(t)
	require.Equal(t, 1.0, contact["assignee"].(map[string]any)["id"], "the 25th write (i=24) assigned user 1")
	require.Contains(t, string(stateDo(t, ts2, http.MethodGet, "/__standin/snapshots", "").body), `"mid"`)
}

// TestStateSurvivesSIGKILL runs a server in a child process, writes through it, kills it with SIGKILL and
// requires every acknowledged write in a new server on the same file.
func TestStateSurvivesSIGKILL(t *testing.T) {
	if os.Getenv("STANDIN_STATE_CHILD") != "" {
		t.Skip("runs in the parent")
	}
	file := filepath.Join(t.TempDir(), "state.jsonl")
	cmd := exec.CommandContext(t.Context(), os.Args[0], "-test.run=^TestStateChildServer$", "-test.v")
	cmd.Env = append(os.Environ(), "STANDIN_STATE_CHILD="+file)
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })

	url := ""
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		if u, ok := strings.CutPrefix(sc.Text(), "STANDIN_URL="); ok {
			url = u
			break
		}
	}
	require.NotEmpty(t, url, "the child printed its address")
	go func() {
		for sc.Scan() { // drain so the child never blocks on a full pipe
		}
	}()

	client := &http.Client{Timeout: 10 * time.Second}
	var acked []string
	for i := range 30 {
		name := fmt.Sprintf("label-k%02d", i)
		req, err := http.NewRequestWithContext(t.Context(), http.MethodPut, url+"/__standin/state/cinnox/labels/"+name,
			strings.NewReader(`{"name":"killed `+name+`"}`))
		require.NoError(t, err)
		resp, err := client.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		require.Equal(t, 200, resp.StatusCode)
		acked = append(acked, name)
		body := `{"labelIds":["` + []string{"label-01", "label-02", "label-03"}[i%3] + `"]}`
		req, err = http.NewRequestWithContext(t.Context(), http.MethodPost, url+"/cinnox/v1/api/apps/a/inquiries/6369c1a0c2a4e1a9d1f0a0ab/labels", strings.NewReader(body))
		require.NoError(t, err)
		req.Header.Set("Authorization", "Bearer t")
		req.Header.Set("Content-Type", "application/json")
		resp, err = client.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		require.Equal(t, 200, resp.StatusCode)
	}
	require.NoError(t, cmd.Process.Signal(syscall.SIGKILL))
	_ = cmd.Wait()

	ts, _ := stateServer(t, Config{StateFile: file})
	for _, name := range acked {
		require.Equal(t, 200, stateDo(t, ts, http.MethodGet, "/__standin/state/cinnox/labels/"+name, "").status, name)
	}
	enquiries := stateDo(t, ts, http.MethodGet, "/__standin/state/cinnox/enquiries/6369c1a0c2a4e1a9d1f0a002", "").json(t)
	require.Equal(t, []any{"label-01", "label-02", "label-03"}, enquiries["labelIDs"])
}

// TestStateChildServer is the child process of TestStateSurvivesSIGKILL: it serves until it is killed.
func TestStateChildServer(t *testing.T) {
	file := os.Getenv("STANDIN_STATE_CHILD")
	if file == "" {
		t.Skip("only runs as the child of TestStateSurvivesSIGKILL")
	}
	ts, _ := stateServer(t, Config{StateFile: file})
	fmt.Printf("STANDIN_URL=%s\n", ts.URL)
	select {
	case <-t.Context().Done():
	case <-time.After(2 * time.Minute): // the parent kills us long before
	}
}
