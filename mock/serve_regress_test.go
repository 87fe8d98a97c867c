package mock

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/standin/standin/openapi"
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

// TestFaultStatusWithoutContent pins that a forced status whose documented response has no content is sent
// without a body, as the spec says, not as "{}".
func TestFaultStatusWithoutContent(t *testing.T) {
	api, err := openapi.LoadFile(t.Context(), "../openapi/testdata/petstore.yaml")
	require.NoError(t, err)
	ts, _ := engineServer(t, Config{}, []*openapi.API{api})
	for _, header := range []string{FaultHeader, "Prefer"} {
		value := "404"
		if header == "Prefer" {
			value = "code=404"
		}
		t.Run(header, func(t *testing.T) {
			resp := engineDo(t, ts, http.MethodGet, "/petstore/api/pets/7", "", header, value)
			require.Equal(t, http.StatusNotFound, resp.status)
			require.Empty(t, resp.body)
			require.Empty(t, resp.header.Get("Content-Type"))
			engineCheckResponse(t, api, "/petstore", resp)
		})
	}
}
