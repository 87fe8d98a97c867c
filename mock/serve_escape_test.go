package mock

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestPercentEncodedPathParameters pins that path parameters reach validation and lookups decoded, as a vendor's
// server sees them: JavaScript's encodeURIComponent turns Aelyst's "email:abdc@gmail.com" into
// "email%3Aabdc%40gmail.com", which must find the same contact.
func TestPercentEncodedPathParameters(t *testing.T) {
	ts, _ := engineServer(t, Config{}, engineAPIs(t, "aelyst"))
	auth := engineAuth("aelyst")
	tests := []struct {
		name   string
		method string
		path   string
		body   string
		status int
		email  string
	}{
		{"plain", http.MethodGet, "/aelyst/v1/contact/email:abdc@gmail.com", "", http.StatusOK, "abdc@gmail.com"},
		{"encoded", http.MethodGet, "/aelyst/v1/contact/email%3Aabdc%40gmail.com", "", http.StatusOK, "abdc@gmail.com"},
		{"encoded phone", http.MethodGet, "/aelyst/v1/contact/phone%3A%2B60121233112", "", http.StatusOK, "abdc@gmail.com"},
		{"create encoded", http.MethodPost, "/aelyst/v1/contact/email%3Anew.person%40example.com",
			`{"firstName":"Nur"}`, http.StatusOK, "new.person@example.com"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := engineDo(t, ts, tt.method, tt.path, tt.body, auth...)
			require.Equal(t, tt.status, resp.status, "%s", resp.body)
			if tt.email != "" {
				require.Equal(t, tt.email, resp.json(t).(map[string]any)["email"])
			}
		})
	}
}
