package mock

import (
	"fmt"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestStateConcurrentWritesSameRecords sends 100 concurrent writes to the same records and requires the final
// state, the journal and the state file to hold exactly what was acknowledged.
func TestStateConcurrentWritesSameRecords(t *testing.T) {
	tests := []struct {
		name      string
		stateFile bool
	}{
		{"memory", false},
		{"state file", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := Config{}
			if tt.stateFile {
				cfg.StateFile = filepath.Join(t.TempDir(), "state.jsonl")
			}
			ts, srv := stateServer(t, cfg)
			const writers = 100
			labels := []string{"label-01", "label-02", "label-03", "label-04", "label-05", "label-07"}
			const enquiry = "/cinnox/v1/api/apps/app-1/inquiries/6369c1a0c2a4e1a9d1f0a0ab/labels"
			var wg sync.WaitGroup
			statuses := make([]int, writers)
			for i := range writers {
				wg.Go(func() {
					var path, body string
					switch i % 3 {
					case 0: // labelled set: every label must end up once
						path, body = enquiry, fmt.Sprintf(`{"labelIds":[%q,"missing-%d"]}`, labels[(i/3)%len(labels)], i)
					case 1: // same contact, many assignees
						path, body = "/aelyst/v1/contact/id:1/conversation/assignee", fmt.Sprintf(`{"assignee":%d}`, []int{1, 7, 12}[i%3])
					default: // many creates
						path, body = "/carecycle/v2/campaigns/appointment-configs", fmt.Sprintf(`{"name":"config %d"}`, i)
					}
					statuses[i] = stateDo(t, ts, http.MethodPost, path, body, SessionHeader, "race").status
				})
			}
			wg.Wait()
			for i, st := range statuses {
				require.Less(t, st, 300, "writer %d", i)
			}

			detail := stateDo(t, ts, http.MethodGet, "/cinnox/v1/api/apps/app-1/data/enquiry-detail?startAt=2022-11-07T00:00:00Z&endAt=2022-11-08T00:00:00Z",
				"", SessionHeader, "race").list(t)
			var got []string
			for _, r := range detail {
				if rec := r.(map[string]any); rec["inquiry"] == "6369c1a0c2a4e1a9d1f0a0ab" {
					for _, l := range rec["labelIDs"].([]any) {
						got = append(got, l.(string))
					}
				}
			}
			slices.Sort(got)
			require.Equal(t, labels, got, "every label exactly once: no write was lost")

			configs := stateDo(t, ts, http.MethodGet, "/carecycle/v2/campaigns/appointment-configs", "", SessionHeader, "race")
			require.Len(t, configs.json(t)["appointmentConfigs"], 2+33, "the two fixtures plus every create")

			contact := stateDo(t, ts, http.MethodGet, "/aelyst/v1/contact/id:1", "", SessionHeader, "race").json(t)
			require.Contains(t, []any{1.0, 7.0, 12.0}, contact["assignee"].(map[string]any)["id"])

			journal := stateDo(t, ts, http.MethodGet, "/__standin/journal?session=race&operation=labelEnquiry", "").json(t)
			require.Equal(t, 34.0, journal["count"])
			journal = stateDo(t, ts, http.MethodGet, "/__standin/journal?session=race", "").json(t)
			require.Equal(t, float64(writers+3), journal["count"], "every write and the three reads")

			require.Equal(t, "default", srv.sessions.all()[0].name)
			def := stateDo(t, ts, http.MethodGet, "/__standin/state/carecycle/appointmentConfigs", "")
			require.Len(t, def.list(t), 2, "the default session saw none of it")

			if tt.stateFile {
				require.NoError(t, srv.Close())
				lines := readStateLines(t, cfg.StateFile)
				require.Equal(t, writers, len(lines)-1, "one line per acknowledged write after the header")
				for _, l := range lines[1:] {
					require.True(t, strings.HasPrefix(l, `{"op":"put","session":"race"`), l)
				}
			}
		})
	}
}

func TestStateSessionsAreIsolated(t *testing.T) {
	ts, _ := stateServer(t, Config{})
	const sessions = 8
	var wg sync.WaitGroup
	for i := range sessions {
		wg.Go(func() {
			name := fmt.Sprintf("job-%d", i)
			user := fmt.Sprintf("00000000-0000-4000-8000-%012d", i)
			resp := stateDo(t, ts, http.MethodPatch, "/carecycle/v2/inquiries/"+docInquiry+"/assign", `{"assignedTo":"`+user+`"}`, SessionHeader, name)
			require.Equal(t, 200, resp.status)
			for range 5 {
				got := stateDo(t, ts, http.MethodGet, "/__standin/state/carecycle/inquiries/"+docInquiry+"?session="+name, "")
				require.Equal(t, user, got.json(t)["assignedTo"], "session %s sees only its own write", name)
			}
			created := stateDo(t, ts, http.MethodPost, "/aelyst/v1/contact/email:"+name+"@example.com", `{"firstName":"Job"}`, SessionHeader, name)
			require.Equal(t, 200, created.status)
			require.Equal(t, 125.0, created.json(t)["id"], "each session counts ids from its own records")
		})
	}
	wg.Wait()
	def := stateDo(t, ts, http.MethodGet, "/__standin/state/carecycle/inquiries/"+docInquiry, "")
	require.Equal(t, "7869c1a9-a680-4086-b6f5-9e78a651f6f2", def.json(t)["assignedTo"], "the default session keeps the fixture")

	var listed []string
	for _, s := range stateDo(t, ts, http.MethodGet, "/__standin/sessions", "").list(t) {
		listed = append(listed, s.(map[string]any)["name"].(string))
	}
	require.Len(t, listed, sessions+1)
	require.Contains(t, listed, "job-3")

	reset := stateDo(t, ts, http.MethodPost, "/__standin/reset?session=job-3", "")
	require.Equal(t, 200, reset.status, "body %s", reset.body)
	require.Equal(t, "7869c1a9-a680-4086-b6f5-9e78a651f6f2",
		stateDo(t, ts, http.MethodGet, "/__standin/state/carecycle/inquiries/"+docInquiry+"?session=job-3", "").json(t)["assignedTo"])
	require.Equal(t, "00000000-0000-4000-8000-000000000004",
		stateDo(t, ts, http.MethodGet, "/__standin/state/carecycle/inquiries/"+docInquiry+"?session=job-4", "").json(t)["assignedTo"],
		"resetting one session leaves the others")
}
