package mock

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

const aelystQueued = "Your request cannot be processed at the moment as it is currently in queue. Please try again in a few minutes."

func TestBehaviourAelystIdentifier(t *testing.T) {
	ts, _ := stateServer(t, Config{})
	tests := []struct {
		identifier string
		wantStatus int
		wantID     float64
	}{
		{"id:1", 200, 1},
		{"email:abdc@gmail.com", 200, 1},
		{"phone:+60121233112", 200, 1},
		{"id:123", 200, 123},
		{"id:999", 404, 0},
		{"email:nobody@example.com", 404, 0},
		{"phone:+10000000000", 404, 0},
	}
	for _, tt := range tests {
		t.Run(tt.identifier, func(t *testing.T) {
			resp := stateDo(t, ts, http.MethodGet, "/aelyst/v1/contact/"+tt.identifier, "")
			require.Equal(t, tt.wantStatus, resp.status, "body %s", resp.body)
			got := resp.json(t)
			if tt.wantStatus == 404 {
				require.Equal(t, map[string]any{"code": 404.0, "message": "Contact not found"}, got)
				return
			}
			require.Equal(t, tt.wantID, got["id"])
		})
	}
}

func TestBehaviourAelystAssignee(t *testing.T) {
	ts, _ := stateServer(t, Config{})
	tests := []struct {
		name, contact, body string
		wantStatus          int
		wantAssignee        any // the assignee's id after the call, nil for unassigned
	}{
		{"by user id", "id:123", `{"assignee":1}`, 200, 1.0},
		{"by email", "email:marcus.lim@example.com", `{"assignee":"priya.nair@aelyst-demo.com"}`, 200, 7.0},
		{"by id written as a string", "phone:+6591234567", `{"assignee":"12"}`, 200, 12.0},
		{"doc example email", "id:2", `{"assignee":"abc@gmail.com"}`, 200, 1.0},
		{"null unassigns", "id:123", `{"assignee":null}`, 200, nil},
		{"empty unassigns", "id:2", `{"assignee":""}`, 200, nil},
		{"unknown user id", "id:1", `{"assignee":999}`, 400, 1.0},
		{"unknown user email", "id:1", `{"assignee":"stranger@example.com"}`, 400, 1.0},
		{"unknown contact", "id:999", `{"assignee":1}`, 404, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := stateDo(t, ts, http.MethodPost, "/aelyst/v1/contact/"+tt.contact+"/conversation/assignee", tt.body)
			require.Equal(t, tt.wantStatus, resp.status, "body %s", resp.body)
			switch tt.wantStatus {
			case 404:
				require.Equal(t, "Contact not found", resp.json(t)["message"])
				return
			case 400:
				require.Equal(t, map[string]any{"code": 400.0, "message": "Validation error."}, resp.json(t))
			default:
				require.NotNil(t, resp.json(t)["contactId"])
			}
			contact := stateDo(t, ts, http.MethodGet, "/aelyst/v1/contact/"+tt.contact, "")
			require.Equal(t, 200, contact.status)
			assignee := contact.json(t)["assignee"]
			if tt.wantAssignee == nil {
				require.Nil(t, assignee)
				return
			}
			require.Equal(t, tt.wantAssignee, assignee.(map[string]any)["id"])
		})
	}
}

func TestBehaviourAelystConversationStatus(t *testing.T) {
	ts, _ := stateServer(t, Config{})
	tests := []struct{ send, want string }{
		{"close", "closed"},
		{"open", "open"},
		{"close", "closed"},
	}
	for _, tt := range tests {
		t.Run(tt.send, func(t *testing.T) {
			resp := stateDo(t, ts, http.MethodPost, "/aelyst/v1/contact/email:abdc@gmail.com/conversation/status",
				`{"status":"`+tt.send+`","category":"Resolved"}`)
			require.Equal(t, 200, resp.status, "body %s", resp.body)
			require.Equal(t, map[string]any{"contactId": 1.0}, resp.json(t))
			got := stateDo(t, ts, http.MethodGet, "/aelyst/v1/contact/id:1", "")
			require.Equal(t, tt.want, got.json(t)["status"])
		})
	}
}

func TestBehaviourAelystCreateSettles(t *testing.T) {
	tests := []struct {
		name    string
		settle  time.Duration // Config.Settle
		waitFor time.Duration // how long the contact stays queued
	}{
		{"spec default", 0, 5 * time.Second},
		{"configured", time.Minute, time.Minute},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clock := newStateClock()
			ts, _ := stateServer(t, Config{Settle: tt.settle}, WithClock(clock))
			created := stateDo(t, ts, http.MethodPost, "/aelyst/v1/contact/email:nadia.k@example.com",
				`{"firstName":"Nadia","email":"ignored@example.com","countryCode":"MY"}`)
			require.Equal(t, 200, created.status, "body %s", created.body)
			c := created.json(t)
			require.Equal(t, 125.0, c["id"], "the largest id plus one")
			require.Equal(t, "nadia.k@example.com", c["email"], "the identifier wins over the body")
			require.Equal(t, "open", c["status"])
			require.Equal(t, float64(clock.Now().Unix()), c["created_at"])

			for _, path := range []string{"/aelyst/v1/contact/id:125", "/aelyst/v1/contact/email:nadia.k@example.com"} {
				queued := stateDo(t, ts, http.MethodGet, path, "")
				require.Equal(t, 449, queued.status, "body %s", queued.body)
				require.Equal(t, map[string]any{"code": 449.0, "message": aelystQueued}, queued.json(t))
			}
			assign := stateDo(t, ts, http.MethodPost, "/aelyst/v1/contact/id:125/conversation/assignee", `{"assignee":1}`)
			require.Equal(t, 449, assign.status)

			clock.Advance(tt.waitFor - time.Second)
			require.Equal(t, 449, stateDo(t, ts, http.MethodGet, "/aelyst/v1/contact/id:125", "").status)
			clock.Advance(time.Second)
			ready := stateDo(t, ts, http.MethodGet, "/aelyst/v1/contact/id:125", "")
			require.Equal(t, 200, ready.status, "body %s", ready.body)
			require.Equal(t, "Nadia", ready.json(t)["firstName"])

			again := stateDo(t, ts, http.MethodPost, "/aelyst/v1/contact/email:nadia.k@example.com", `{"firstName":"Nadia"}`)
			require.Equal(t, 400, again.status, "an identifier in use: body %s", again.body)
		})
	}
}

// TestBehaviourAelystLeadingZero creates a contact as id:035: its id is the integer 35, and id:035, id:35 and
// id:0035 all name it (one record, one key), for reads, actions and a second create alike.
func TestBehaviourAelystLeadingZero(t *testing.T) {
	clock := newStateClock()
	ts, _ := stateServer(t, Config{}, WithClock(clock))
	created := stateDo(t, ts, http.MethodPost, "/aelyst/v1/contact/id:035", `{"firstName":"Zed"}`)
	require.Equal(t, 200, created.status, "body %s", created.body)
	require.Equal(t, 35.0, created.json(t)["id"])
	clock.Advance(time.Minute) // past the settle time
	tests := []struct {
		method, path, body string
		want               int
	}{
		{http.MethodGet, "/aelyst/v1/contact/id:035", "", 200},
		{http.MethodGet, "/aelyst/v1/contact/id:35", "", 200},
		{http.MethodGet, "/aelyst/v1/contact/id:0035", "", 200},
		{http.MethodPost, "/aelyst/v1/contact/id:035/conversation/status", `{"status":"close","category":"Resolved"}`, 200},
		{http.MethodPost, "/aelyst/v1/contact/id:35", `{"firstName":"Again"}`, 400},
		{http.MethodPost, "/aelyst/v1/contact/id:0035", `{"firstName":"Again"}`, 400},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			resp := stateDo(t, ts, tt.method, tt.path, tt.body)
			require.Equal(t, tt.want, resp.status, "body %s", resp.body)
			if tt.method == http.MethodGet {
				require.Equal(t, 35.0, resp.json(t)["id"])
				require.Equal(t, "Zed", resp.json(t)["firstName"])
			}
		})
	}
	closed := stateDo(t, ts, http.MethodGet, "/aelyst/v1/contact/id:35", "")
	require.Equal(t, "closed", closed.json(t)["status"], "the action found the same record")
}
