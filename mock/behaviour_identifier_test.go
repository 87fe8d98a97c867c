package mock

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

var aelystForms = map[string]string{"id": "id", "email": "email", "phone": "phone"}

func TestBehaviourParseIdentifier(t *testing.T) {
	tests := []struct {
		in           string
		field, value string
		ok           bool
	}{
		{"id:123", "id", "123", true},
		{"email:abdc@gmail.com", "email", "abdc@gmail.com", true},
		{"phone:+60121233112", "phone", "+60121233112", true},
		{"email:a:b@c.d", "email", "a:b@c.d", true},
		{"example", "", "", false},
		{"id:", "", "", false},
		{"name:Aisyah", "", "", false},
		{":1", "", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			field, value, ok := parseIdentifier(tt.in, aelystForms)
			require.Equal(t, tt.ok, ok)
			require.Equal(t, tt.field, field)
			if ok {
				require.Equal(t, tt.value, value)
			}
		})
	}
}

// FuzzIdentifier checks the identifier parser's round trip and that any identifier sent to GET /contact/{identifier}
// answers 200, 400 or 404 (never a 5xx), and 200 only with the contact the identifier names.
func FuzzIdentifier(f *testing.F) {
	for _, seed := range []string{"id:1", "id:123", "email:abdc@gmail.com", "phone:+60121233112", "example", "id:",
		"email:", "phone:60121233112", "id:0001", "email:ABDC@gmail.com", "id:1e3", "id:-1"} {
		f.Add(seed)
	}
	apis, err := stateAPIs()
	require.NoError(f, err)
	srv, err := New(apis, Config{})
	require.NoError(f, err)
	f.Cleanup(func() { _ = srv.Close() })
	f.Fuzz(func(t *testing.T, id string) {
		field, value, ok := parseIdentifier(id, aelystForms)
		if ok {
			require.Contains(t, aelystForms, field)
			require.NotEmpty(t, value)
			require.Equal(t, id, field+":"+value)
		}
		if strings.ContainsAny(id, "?#") {
			return
		}
		req := httptest.NewRequestWithContext(t.Context(), http.MethodGet, "/aelyst/v1/contact/"+url.PathEscape(id), nil)
		req.Header.Set("Authorization", "Bearer fuzz")
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		require.Contains(t, []int{200, 400, 404}, rec.Code, "identifier %q: %s", id, rec.Body)
		if rec.Code == 200 {
			require.True(t, ok, "only a well-formed identifier finds a contact")
			want := strings.TrimPrefix(value, "+")
			if field == "id" { // an integer: id:0001 names contact 1
				want = strings.TrimLeft(want, "0")
			}
			require.Contains(t, rec.Body.String(), want)
		}
	})
}
