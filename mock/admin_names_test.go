package mock

import (
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestIssue13ScenarioNamesAreNames: a scenario activated through the admin API is looked up by name among the
// bundled ones and --scenario-dir only. No path reaches the disk, nothing outside the folder is read, and no
// error repeats what a file says.
func TestIssue13ScenarioNamesAreNames(t *testing.T) {
	outside := t.TempDir()
	secretFile := filepath.Join(outside, "secret.yaml")
	// A valid scenario outside the folder, carrying a secret: it must never be activated nor quoted.
	require.NoError(t, os.WriteFile(secretFile, []byte("# API_KEY=sekrit-value\nrules: [ { status: 500 } ]\n"), 0o600))
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "broken.yaml"), []byte("password: hunter2-sekrit\n"), 0o600))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "mine.yaml"), []byte("rules: [ { op: getContact, status: 500 } ]\n"), 0o600))
	require.NoError(t, os.Symlink(secretFile, filepath.Join(dir, "escape.yaml")))
	fifo := syscall.Mkfifo(filepath.Join(dir, "fifo.yaml"), 0o600) == nil

	ts, _, _ := faultServer(t, Config{ScenarioDir: dir})
	tests := []struct {
		name, path string
		status     int
		contains   string
	}{
		{"absolute path", "%2Fetc%2Fpasswd", 400, "not a scenario name"},
		{"path to a file outside", url.PathEscape(secretFile), 400, "not a scenario name"},
		{"dot-dot", "..%2F..%2F..%2Fetc%2Fshadow", 400, "not a scenario name"},
		{"dot-dot alone", "%2E%2E", 400, "not a scenario name"},
		{"file name", "flaky-network.yaml", 400, "not a scenario name"},
		{"backslash", "..%5Csecret", 400, "not a scenario name"},
		{"symlink out of the folder", "escape", 400, "read scenario"},
		{"file that is not a scenario", "broken", 422, "broken.yaml:1"},
		{"unknown name", "nothing-here", 404, "no such scenario"},
		{"user scenario by name", "mine", 200, `"scenario":"mine"`},
		{"bundled scenario by name", "slow-vendor", 200, `"scenario":"slow-vendor"`},
	}
	if fifo {
		tests = append(tests, struct {
			name, path string
			status     int
			contains   string
		}{"a FIFO is not read", "fifo", 400, "not a regular file"})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := accessDo(t, ts, http.MethodPost, AdminPrefix+"scenarios/"+tt.path+"?session=n1", "", "")
			status, text := resp.status, string(resp.body)
			require.Equal(t, tt.status, status, "%s", text)
			require.Contains(t, text, tt.contains)
			require.NotContains(t, text, "sekrit")
			require.NotContains(t, text, "root:")
		})
	}
}
