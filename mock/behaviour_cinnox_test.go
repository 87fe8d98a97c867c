package mock

import (
	"net/http"
	"net/url"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// cinnoxWindow is the query of the 31 days up to the test clock's now.
func cinnoxWindow(now time.Time, extra ...string) string {
	q := url.Values{}
	q.Set("startAt", now.Add(-31*24*time.Hour).Format(time.RFC3339))
	q.Set("endAt", now.Format(time.RFC3339))
	for i := 0; i+1 < len(extra); i += 2 {
		q.Add(extra[i], extra[i+1])
	}
	return "/cinnox/v1/api/apps/app-1/data/enquiry-detail?" + q.Encode()
}

func TestBehaviourCinnoxEnquiryDetail(t *testing.T) {
	clock := newStateClock()
	ts, _ := stateServer(t, Config{}, WithClock(clock))
	now := clock.Now()
	tests := []struct {
		name      string
		path      string
		wantCount int
		check     func(t *testing.T, recs []any)
	}{
		{"last 30 days", cinnoxWindow(now, "limit", "500"), 14, func(t *testing.T, recs []any) {
			var created []string
			channels, statuses := map[any]bool{}, map[any]bool{}
			for _, r := range recs {
				rec := r.(map[string]any)
				created = append(created, rec["createdAt"].(string))
				channels[rec["channel"]], statuses[rec["status"]] = true, true
			}
			require.True(t, slices.IsSorted(created), "oldest first")
			require.Len(t, channels, 9, "every channel")
			require.Len(t, statuses, 4, "every status")
		}},
		{"default limit is 50", cinnoxWindow(now), 14, nil},
		{"channel", cinnoxWindow(now, "channel", "WHATSAPP"), 2, nil},
		{"label", cinnoxWindow(now, "labelIds", "label-01"), 2, nil},
		{"two labels", cinnoxWindow(now, "labelIds", "label-01", "labelIds", "label-02"), 4, nil},
		{"limit", cinnoxWindow(now, "limit", "5"), 5, nil},
		{"offset", cinnoxWindow(now, "offset", "12", "limit", "5"), 2, nil},
		{"limit zero", cinnoxWindow(now, "limit", "0"), 0, nil},
		{"the docs' window", "/cinnox/v1/api/apps/app-1/data/enquiry-detail?startAt=2022-11-07T00:00:00.000Z&endAt=2022-11-08T00:00:00.000Z", 2, nil},
		{"an empty window", "/cinnox/v1/api/apps/app-1/data/enquiry-detail?startAt=2021-01-01T00:00:00Z&endAt=2021-01-02T00:00:00Z", 0, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := stateDo(t, ts, http.MethodGet, tt.path, "")
			require.Equal(t, 200, resp.status, "body %s", resp.body)
			recs := resp.list(t)
			require.Len(t, recs, tt.wantCount)
			if tt.check != nil {
				tt.check(t, recs)
			}
		})
	}
}

func TestBehaviourCinnoxErrors(t *testing.T) {
	clock := newStateClock()
	ts, _ := stateServer(t, Config{}, WithClock(clock))
	now := clock.Now()
	tests := []struct{ name, path, message string }{
		{"endAt before startAt", "/cinnox/v1/api/apps/a/data/enquiry-detail?startAt=2022-11-08T00:00:00Z&endAt=2022-11-07T00:00:00Z", "endAt is prior to startAt"},
		{"missing endAt", "/cinnox/v1/api/apps/a/data/enquiry-detail?startAt=2022-11-08T00:00:00Z", "missing one of startAt, endAt"},
		{"negative offset", cinnoxWindow(now, "offset", "-1"), "negative offset"},
		{"negative limit", cinnoxWindow(now, "limit", "-1"), "negative limit"},
		{"limit above the maximum", cinnoxWindow(now, "limit", "501"), "exceed maximum limit 500"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := stateDo(t, ts, http.MethodGet, tt.path, "")
			require.Equal(t, 400, resp.status, "body %s", resp.body)
			require.Equal(t, map[string]any{"code": 6451000.0, "message": tt.message}, resp.json(t))
		})
	}
}

func TestBehaviourCinnoxLabels(t *testing.T) {
	ts, _ := stateServer(t, Config{})
	tests := []struct {
		query string
		want  []string
	}{
		{"", []string{"label-01", "label-02", "label-03", "label-04", "label-05", "label-07"}},
		{"?limit=2", []string{"label-01", "label-02"}},
		{"?offset=4&limit=10", []string{"label-05", "label-07"}},
		{"?name=ref", []string{"label-07"}},
		{"?id=label-03", []string{"label-03"}},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			resp := stateDo(t, ts, http.MethodGet, "/cinnox/v1/api/apps/app-1/labels"+tt.query, "")
			require.Equal(t, 200, resp.status, "body %s", resp.body)
			got := resp.json(t)
			require.Equal(t, 0.0, got["code"])
			var ids []string
			for _, l := range got["labelList"].([]any) {
				ids = append(ids, l.(map[string]any)["id"].(string))
			}
			require.Equal(t, tt.want, ids)
		})
	}
}

func TestBehaviourCinnoxLabelEnquiry(t *testing.T) {
	ts, _ := stateServer(t, Config{})
	const docs = "/cinnox/v1/api/apps/app-1/data/enquiry-detail?startAt=2022-11-07T00:00:00Z&endAt=2022-11-08T00:00:00Z"
	labelsOf := func(t *testing.T, query string) map[string]any {
		out := map[string]any{}
		for _, r := range stateDo(t, ts, http.MethodGet, docs+query, "").list(t) {
			rec := r.(map[string]any)
			out[rec["inquiry"].(string)] = rec["labelIDs"]
		}
		return out
	}
	require.Nil(t, labelsOf(t, "")["6369c1a0c2a4e1a9d1f0a0ab"], "no label yet")

	tests := []struct {
		name, inquiry, body string
		wantStatus          int
		want                map[string]any
		wantLabels          any
	}{
		{"label", "6369c1a0c2a4e1a9d1f0a0ab", `{"labelIds":["label-02","label-99"]}`, 200,
			map[string]any{"code": 0.0, "notExistLabelIds": []any{"label-99"}, "labelIds": []any{"label-02"}}, []any{"label-02"}},
		{"adds to the set", "6369c1a0c2a4e1a9d1f0a0ab", `{"labelIds":["label-07","label-02"]}`, 200,
			map[string]any{"notExistLabelIds": []any{}, "labelIds": []any{"label-02", "label-07"}}, []any{"label-02", "label-07"}},
		{"only unknown labels", "6369b3f0c2a4e1a9d1f0a0aa", `{"labelIds":["nope"]}`, 200,
			map[string]any{"notExistLabelIds": []any{"nope"}, "labelIds": []any{"label-01", "label-07"}}, []any{"label-01", "label-07"}},
		{"unknown enquiry", "no-such-enquiry", `{"labelIds":["label-01"]}`, 400,
			map[string]any{"code": 6451000.0, "message": "invalid enquiryID"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := stateDo(t, ts, http.MethodPost, "/cinnox/v1/api/apps/app-1/inquiries/"+tt.inquiry+"/labels", tt.body)
			require.Equal(t, tt.wantStatus, resp.status, "body %s", resp.body)
			got := resp.json(t)
			for k, v := range tt.want {
				require.Equal(t, v, got[k], "field %s of %s", k, resp.body)
			}
			if tt.wantStatus == 200 {
				require.Equal(t, tt.wantLabels, labelsOf(t, "")[tt.inquiry])
			}
		})
	}
	require.Contains(t, labelsOf(t, "&labelIds=label-02"), "6369c1a0c2a4e1a9d1f0a0ab", "the label filter sees the new label")
}
