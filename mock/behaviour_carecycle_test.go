package mock

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"
)

const (
	docInquiry  = "497f6eca-6276-4993-bfeb-53cbbbba6f08"
	docCustomer = "87d8e330-2878-4742-a86f-dbbb3bf522ac"
	docCampaign = "13f8bf6d-dc27-4a04-bffe-6e5b13c19ddf"
)

func TestBehaviourCarecycleAssign(t *testing.T) {
	ts, _ := stateServer(t, Config{}, WithClock(newStateClock()))
	tests := []struct {
		name       string
		id, body   string
		wantStatus int
		wantAssign any
	}{
		{"assign", docInquiry, `{"assignedTo":"cf30b1e9-3ee9-436d-a73b-1f108e36e6fe"}`, 200, "cf30b1e9-3ee9-436d-a73b-1f108e36e6fe"},
		{"reassign", docInquiry, `{"assignedTo":"8cd9c680-7a39-431e-917d-1cb0e2b0f889"}`, 200, "8cd9c680-7a39-431e-917d-1cb0e2b0f889"},
		{"docs body leaves the assignee", docInquiry, `{}`, 200, "8cd9c680-7a39-431e-917d-1cb0e2b0f889"},
		{"unassign", docInquiry, `{"assignedTo":null}`, 200, nil},
		{"unknown inquiry", "0b6f1a6e-1f1d-4c55-9d59-2d4a4d1b9e10", `{"assignedTo":null}`, 404, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := stateDo(t, ts, http.MethodPatch, "/carecycle/v2/inquiries/"+tt.id+"/assign", tt.body)
			require.Equal(t, tt.wantStatus, resp.status, "body %s", resp.body)
			got := resp.json(t)
			if tt.wantStatus == 404 {
				require.Equal(t, "NOT_FOUND", got["code"])
				return
			}
			require.Equal(t, tt.wantAssign, got["assignedTo"])
			require.Equal(t, "2026-03-10T12:00:00.000Z", got["updatedAt"])
			require.Equal(t, tt.id, got["id"])
			// Read after write: the admin API shows the stored record.
			stored := stateDo(t, ts, http.MethodGet, "/__standin/state/carecycle/inquiries/"+tt.id, "")
			require.Equal(t, 200, stored.status, "body %s", stored.body)
			require.Equal(t, tt.wantAssign, stored.json(t)["assignedTo"])
		})
	}
}

func TestBehaviourCarecycleCampaignStatus(t *testing.T) {
	ts, _ := stateServer(t, Config{})
	body := func(customer, campaign, status string) string {
		return `{"customerId":"` + customer + `","campaignId":"` + campaign + `","status":"` + status + `"}`
	}
	tests := []struct {
		name       string
		body       string
		wantStatus int
		want       map[string]any
	}{
		{"docs body is not terminal", body(docCustomer, docCampaign, "pending"), 422, map[string]any{"code": "VALIDATION_ERROR"}},
		{"complete", body(docCustomer, docCampaign, "completed"), 200,
			map[string]any{"success": true, "previousStatus": "in_progress", "newStatus": "completed", "customerCampaignId": "36ca8d1d-3d3d-48cf-bd1f-a796d8849d75"}},
		{"the change sticks", body(docCustomer, docCampaign, "failed"), 200,
			map[string]any{"previousStatus": "completed", "newStatus": "failed"}},
		{"unknown enrollment", body(docCustomer, "0b6f1a6e-1f1d-4c55-9d59-2d4a4d1b9e10", "failed"), 404, map[string]any{"code": "NOT_FOUND"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := stateDo(t, ts, http.MethodPatch, "/carecycle/v2/customers/campaign-status", tt.body)
			require.Equal(t, tt.wantStatus, resp.status, "body %s", resp.body)
			got := resp.json(t)
			for k, v := range tt.want {
				require.Equal(t, v, got[k], "field %s in %s", k, resp.body)
			}
			if tt.wantStatus == 422 {
				errs := got["errors"].([]any)
				require.Len(t, errs, 1)
				item := errs[0].(map[string]any)
				require.Equal(t, []any{"status"}, item["path"])
				require.Equal(t, "custom", item["code"])
				require.Equal(t, "pending", item["received"])
				require.Contains(t, item["message"], "Only terminal statuses")
			}
		})
	}
}

func TestBehaviourCarecycleAppointmentConfigs(t *testing.T) {
	ts, _ := stateServer(t, Config{})
	const base = "/carecycle/v2/campaigns/appointment-configs"
	created := stateDo(t, ts, http.MethodPost, base, `{"name":"Evening telehealth","appointmentMode":"video_call"}`)
	require.Equal(t, http.StatusCreated, created.status, "body %s", created.body)
	cfg := created.json(t)["appointmentConfig"].(map[string]any)
	id := cfg["id"].(string)
	require.Equal(t, "Evening telehealth", cfg["name"])
	require.Equal(t, "video_call", cfg["appointmentMode"])
	require.Equal(t, 0.0, cfg["assignedCampaignCount"])
	require.Equal(t, 0.0, cfg["assignedTransferConfigCount"])
	require.Equal(t, derivedUUID("carecycle", "client", "cc_test_state_key"), cfg["clientId"])
	require.Equal(t, cfg["createdBy"], cfg["updatedBy"])
	require.NotEmpty(t, cfg["createdAt"])

	other := stateDo(t, ts, http.MethodPost, base, `{}`, "x-api-key", "cc_other_key")
	require.Equal(t, http.StatusCreated, other.status, "body %s", other.body)
	require.NotEqual(t, cfg["clientId"], other.json(t)["appointmentConfig"].(map[string]any)["clientId"])

	ids := func() []string {
		resp := stateDo(t, ts, http.MethodGet, base, "")
		require.Equal(t, 200, resp.status, "body %s", resp.body)
		var out []string
		for _, c := range resp.json(t)["appointmentConfigs"].([]any) {
			out = append(out, c.(map[string]any)["id"].(string))
		}
		return out
	}
	require.Contains(t, ids(), id)
	require.Contains(t, ids(), "4660d1d9-15ab-46d0-a30b-cb0ae4dc36c8")

	del := stateDo(t, ts, http.MethodDelete, base+"/"+id, "")
	require.Equal(t, 200, del.status, "body %s", del.body)
	require.Equal(t, id, del.json(t)["appointmentConfig"].(map[string]any)["id"])
	require.NotContains(t, ids(), id)
	again := stateDo(t, ts, http.MethodDelete, base+"/"+id, "")
	require.Equal(t, 404, again.status)
	require.Equal(t, "NOT_FOUND", again.json(t)["code"])
}
