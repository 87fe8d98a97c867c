package mock

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestStateAdminRead(t *testing.T) {
	ts, _ := stateServer(t, Config{})
	tests := []struct {
		name, path string
		wantStatus int
		check      func(t *testing.T, r stateResponse)
	}{
		{"everything", "/__standin/state", 200, func(t *testing.T, r stateResponse) {
			got := r.json(t)
			require.Len(t, got, 3)
			require.Len(t, got["aelyst"].(map[string]any)["users"], 3)
		}},
		{"one API", "/__standin/state/carecycle", 200, func(t *testing.T, r stateResponse) {
			require.Len(t, r.json(t)["customerCampaigns"], 4)
		}},
		{"one collection", "/__standin/state/cinnox/labels", 200, func(t *testing.T, r stateResponse) {
			require.Len(t, r.list(t), 6)
		}},
		{"one record", "/__standin/state/aelyst/contacts/1", 200, func(t *testing.T, r stateResponse) {
			require.Equal(t, "abdc@gmail.com", r.json(t)["email"])
		}},
		{"unknown record", "/__standin/state/aelyst/contacts/404", 404, nil},
		{"unknown collection", "/__standin/state/aelyst/invoices", 404, func(t *testing.T, r stateResponse) {
			require.Contains(t, r.json(t)["error"], "expected one of contacts, users")
		}},
		{"unknown API", "/__standin/state/stripe", 404, nil},
		{"bad session", "/__standin/state?session=a%20b", 400, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := stateDo(t, ts, http.MethodGet, tt.path, "")
			require.Equal(t, tt.wantStatus, resp.status, "body %s", resp.body)
			if tt.check != nil {
				tt.check(t, resp)
			}
		})
	}
}

func TestStateAdminWrite(t *testing.T) {
	ts, _ := stateServer(t, Config{})
	tests := []struct {
		name, method, path, body string
		wantStatus               int
		wantText                 string
		after                    func(t *testing.T)
	}{
		{"put a record", http.MethodPut, "/__standin/state/aelyst/users/99", `{"firstName":"Ana","lastName":"Lee","email":"ana@example.com"}`, 200, `"id":99`,
			func(t *testing.T) {
				resp := stateDo(t, ts, http.MethodPost, "/aelyst/v1/contact/id:2/conversation/assignee", `{"assignee":"ana@example.com"}`)
				require.Equal(t, 200, resp.status, "a user put through the admin API can be assigned")
			}},
		{"a record that breaks the schema", http.MethodPut, "/__standin/state/aelyst/users/98", `{"firstName":7}`, 400, "does not match schema User", nil},
		{"a key that disagrees with the path", http.MethodPut, "/__standin/state/aelyst/users/97", `{"id":96}`, 400, "the path names 97", nil},
		{"replace a collection", http.MethodPut, "/__standin/state/cinnox/labels",
			`[{"id":"l-1","name":"One"},{"id":"l-2","name":"Two"}]`, 200, `"l-2"`,
			func(t *testing.T) {
				list := stateDo(t, ts, http.MethodGet, "/cinnox/v1/api/apps/a/labels", "").json(t)["labelList"]
				require.Len(t, list, 2)
			}},
		{"a collection with a bad record", http.MethodPut, "/__standin/state/cinnox/labels", `[{"id":"l-1"},{"name":"no key"}]`, 400, "record 1: missing key field", nil},
		{"replace an API", http.MethodPut, "/__standin/state/carecycle", `{"inquiries":[]}`, 200, `"appointmentConfigs":[]`,
			func(t *testing.T) {
				require.Equal(t, 404, stateDo(t, ts, http.MethodPatch, "/carecycle/v2/inquiries/"+docInquiry+"/assign", `{}`).status)
				require.Len(t, stateDo(t, ts, http.MethodGet, "/__standin/state/cinnox/labels", "").list(t), 2, "other APIs keep their records")
			}},
		{"delete a record", http.MethodDelete, "/__standin/state/aelyst/contacts/2", "", 204, "",
			func(t *testing.T) {
				require.Equal(t, 404, stateDo(t, ts, http.MethodGet, "/aelyst/v1/contact/id:2", "").status)
			}},
		{"delete it again", http.MethodDelete, "/__standin/state/aelyst/contacts/2", "", 404, "no record", nil},
		{"not JSON", http.MethodPut, "/__standin/state/cinnox/labels", `[{`, 400, "not JSON", nil},
		{"reset everything", http.MethodPost, "/__standin/reset", "", 200, `"default"`,
			func(t *testing.T) {
				require.Equal(t, 200, stateDo(t, ts, http.MethodGet, "/aelyst/v1/contact/id:2", "").status)
				require.Len(t, stateDo(t, ts, http.MethodGet, "/__standin/state/cinnox/labels", "").list(t), 6)
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := stateDo(t, ts, tt.method, tt.path, tt.body)
			require.Equal(t, tt.wantStatus, resp.status, "body %s", resp.body)
			require.Contains(t, string(resp.body), tt.wantText)
			if tt.after != nil {
				tt.after(t)
			}
		})
	}
}

func TestStateAdminSnapshots(t *testing.T) {
	ts, _ := stateServer(t, Config{})
	contactStatus := func(session string) any {
		return stateDo(t, ts, http.MethodGet, "/__standin/state/aelyst/contacts/1?session="+session, "").json(t)["status"]
	}
	closeContact := func(session string) {
		require.Equal(t, 200, stateDo(t, ts, http.MethodPost, "/aelyst/v1/contact/id:1/conversation/status", `{"status":"close"}`, SessionHeader, session).status)
	}
	require.Equal(t, 201, stateDo(t, ts, http.MethodPost, "/__standin/snapshots/clean", "").status)
	closeContact("default")
	require.Equal(t, "closed", contactStatus("default"))

	listed := stateDo(t, ts, http.MethodGet, "/__standin/snapshots", "").list(t)
	require.Len(t, listed, 1)
	require.Equal(t, "clean", listed[0].(map[string]any)["name"])
	require.Equal(t, "default", listed[0].(map[string]any)["session"])

	tests := []struct {
		name, method, path string
		wantStatus         int
		check              func(t *testing.T)
	}{
		{"restore", http.MethodPost, "/__standin/snapshots/clean/restore", 200, func(t *testing.T) { require.Equal(t, "open", contactStatus("default")) }},
		{"restore another session's snapshot needs ?all=true", http.MethodPost, "/__standin/snapshots/clean/restore?session=qa", 403, nil},
		{"restore into another session", http.MethodPost, "/__standin/snapshots/clean/restore?all=true&into=qa", 200, func(t *testing.T) {
			closeContact("qa")
			require.Equal(t, "closed", contactStatus("qa"))
			require.Equal(t, "open", contactStatus("default"))
		}},
		{"unknown snapshot", http.MethodPost, "/__standin/snapshots/nope/restore", 404, nil},
		{"bad name", http.MethodPost, "/__standin/snapshots/a%20b", 400, nil},
		{"delete", http.MethodDelete, "/__standin/snapshots/clean", 204, func(t *testing.T) {
			require.Empty(t, stateDo(t, ts, http.MethodGet, "/__standin/snapshots", "").list(t))
		}},
		{"delete again", http.MethodDelete, "/__standin/snapshots/clean", 404, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := stateDo(t, ts, tt.method, tt.path, "")
			require.Equal(t, tt.wantStatus, resp.status, "body %s", resp.body)
			if tt.check != nil {
				tt.check(t)
			}
		})
	}
}
