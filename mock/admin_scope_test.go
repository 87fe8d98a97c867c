package mock

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestIssue13SessionBoundaries: per-session admin calls act on the caller's session only; crossing sessions takes
// an explicit ?all=true.
func TestIssue13SessionBoundaries(t *testing.T) {
	ts, _ := stateServer(t, Config{})
	status := func(session string) any {
		return stateDo(t, ts, http.MethodGet, "/__standin/state/aelyst/contacts/1", "", SessionHeader, session).json(t)["status"]
	}
	closeContact := func(session string) {
		require.Equal(t, 200, stateDo(t, ts, http.MethodPost, "/aelyst/v1/contact/id:1/conversation/status", `{"status":"close"}`, SessionHeader, session).status)
	}
	closeContact("alice")
	closeContact("bob")
	require.Equal(t, "closed", status("alice"))

	// bob resets with his header: only bob's session goes back to the seed (the audit saw every session reset).
	resp := stateDo(t, ts, http.MethodPost, "/__standin/reset", "", SessionHeader, "bob")
	require.Equal(t, 200, resp.status, "%s", resp.body)
	require.JSONEq(t, `{"reset":["bob"]}`, string(resp.body))
	require.Equal(t, "open", status("bob"))
	require.Equal(t, "closed", status("alice"), "alice's state survives bob's reset")

	tests := []struct {
		name, method, path string
		headers            []string
		want               int
		contains           string
	}{
		{"header and query disagree", "GET", "/__standin/state/aelyst/contacts/1?session=alice", []string{SessionHeader, "bob"}, 400, "name two sessions"},
		{"header and query agree", "GET", "/__standin/state/aelyst/contacts/1?session=bob", []string{SessionHeader, "bob"}, 200, `"status":"open"`},
		{"reset all with a session", "POST", "/__standin/reset?all=true", []string{SessionHeader, "bob"}, 400, "?all=true acts on every session"},
		{"state has no all", "GET", "/__standin/state?all=true", nil, 400, "acts on one session"},
		{"journal of bob only", "GET", "/__standin/journal", []string{SessionHeader, "bob"}, 200, `"session":"bob"`},
		{"bad all", "GET", "/__standin/journal?all=maybe", nil, 400, "expected true or false"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := stateDo(t, ts, tt.method, tt.path, "", tt.headers...)
			require.Equal(t, tt.want, resp.status, "%s", resp.body)
			require.Contains(t, string(resp.body), tt.contains)
			if tt.name == "journal of bob only" {
				require.NotContains(t, string(resp.body), `"session":"alice"`)
			}
		})
	}

	// Snapshots: alice's snapshot is hers. bob cannot list, restore, overwrite nor delete it without ?all=true.
	require.Equal(t, 201, stateDo(t, ts, http.MethodPost, "/__standin/snapshots/mine", "", SessionHeader, "alice").status)
	require.Empty(t, stateDo(t, ts, http.MethodGet, "/__standin/snapshots", "", SessionHeader, "bob").list(t))
	require.Len(t, stateDo(t, ts, http.MethodGet, "/__standin/snapshots?all=true", "").list(t), 1)
	for _, r := range []struct{ method, path string }{
		{"POST", "/__standin/snapshots/mine/restore"}, {"POST", "/__standin/snapshots/mine"}, {"DELETE", "/__standin/snapshots/mine"},
	} {
		resp := stateDo(t, ts, r.method, r.path, "", SessionHeader, "bob")
		require.Equal(t, 403, resp.status, "%s %s: %s", r.method, r.path, resp.body)
		require.Contains(t, string(resp.body), "?all=true")
	}
	require.Equal(t, "open", status("bob"), "nothing of alice's was copied into bob")
	resp = stateDo(t, ts, http.MethodPost, "/__standin/snapshots/mine/restore?all=true&into=bob", "")
	require.Equal(t, 200, resp.status, "%s", resp.body)
	require.Equal(t, "closed", status("bob"), "an explicit copy between sessions")

	// Faults: the header scopes a rule to the caller's session, not to every session.
	resp = stateDo(t, ts, http.MethodPost, "/__standin/faults", `{"op":"getContact","status":500}`, SessionHeader, "bob")
	require.Equal(t, 201, resp.status, "%s", resp.body)
	get := func(session string) int {
		return stateDo(t, ts, http.MethodGet, "/aelyst/v1/contact/id:1", "", SessionHeader, session, "Authorization", "Bearer t").status
	}
	require.Equal(t, 500, get("bob"))
	require.Equal(t, 200, get("alice"))

	// Reset every session, explicitly.
	resp = stateDo(t, ts, http.MethodPost, "/__standin/reset?all=true", "")
	require.Equal(t, 200, resp.status, "%s", resp.body)
	require.Equal(t, "open", status("alice"))
}
