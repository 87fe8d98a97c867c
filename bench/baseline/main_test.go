package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestBaselineAnswers(t *testing.T) {
	h, err := newHandler(50)
	require.NoError(t, err)
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)

	tests := []struct {
		name, method, path, body string
		status                   int
		items                    int // -1: not a list
	}{
		{"valid status", http.MethodPatch, "/v2/customers/campaign-status", `{"status":"completed"}`, http.StatusOK, -1},
		{"non-terminal status", http.MethodPatch, "/v2/customers/campaign-status", `{"status":"bogus"}`, http.StatusUnprocessableEntity, -1},
		{"malformed body", http.MethodPatch, "/v2/customers/campaign-status", `{`, http.StatusBadRequest, -1},
		{"list", http.MethodGet, "/v1/api/apps/app1/data/enquiry-detail?limit=50", "", http.StatusOK, 50},
		{"short page", http.MethodGet, "/v1/api/apps/app1/data/enquiry-detail?limit=2", "", http.StatusOK, 2},
		{"no limit", http.MethodGet, "/v1/api/apps/app1/data/enquiry-detail", "", http.StatusOK, 50},
		{"limit past the list", http.MethodGet, "/v1/api/apps/app1/data/enquiry-detail?limit=500", "", http.StatusOK, 50},
		{"assign", http.MethodPatch, "/v2/inquiries/497f6eca-6276-4993-bfeb-53cbbbba6f08/assign", `{"assignedTo":"7869c1a9-a680-4086-b6f5-9e78a651f6f2"}`, http.StatusOK, -1},
		{"unassign", http.MethodPatch, "/v2/inquiries/497f6eca-6276-4993-bfeb-53cbbbba6f08/assign", `{"assignedTo":null}`, http.StatusOK, -1},
		{"assign malformed", http.MethodPatch, "/v2/inquiries/x/assign", `[`, http.StatusBadRequest, -1},
		{"other path", http.MethodGet, "/nope", "", http.StatusNotFound, -1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req, err := http.NewRequestWithContext(t.Context(), tc.method, srv.URL+tc.path, strings.NewReader(tc.body))
			require.NoError(t, err)
			resp, err := srv.Client().Do(req)
			require.NoError(t, err)
			defer resp.Body.Close()
			raw, err := io.ReadAll(resp.Body)
			require.NoError(t, err)
			require.Equal(t, tc.status, resp.StatusCode)
			require.Equal(t, "application/json", resp.Header.Get("Content-Type"))
			if tc.items < 0 {
				require.True(t, json.Valid(raw), string(raw))
				return
			}
			var list []map[string]any
			require.NoError(t, json.Unmarshal(raw, &list))
			require.Len(t, list, tc.items)
			require.Len(t, list[0], 48)
		})
	}
}

func TestBaselineRejectsNegativeItems(t *testing.T) {
	_, err := newHandler(-1)
	require.Error(t, err)
}
