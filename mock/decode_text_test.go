package mock

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/standin/standin/openapi"
)

// TestTextBodyAgainstSchema: a text/plain body is validated as a string where its schema admits one (maxLength
// refuses a longer text), and accepted as sent where the schema admits no string (type object: no text can be
// one), instead of refusing every possible request.
func TestTextBodyAgainstSchema(t *testing.T) {
	api, err := openapi.LoadFile(t.Context(), "testdata/text-body.yaml")
	require.NoError(t, err)
	ts, _ := engineServer(t, Config{}, []*openapi.API{api})
	for _, tc := range []struct {
		path, body string
		want       int
	}{
		{"/text-body/sendtx", "0100000001abcdef", http.StatusOK},
		{"/text-body/sendtx", "{}", http.StatusOK},
		{"/text-body/upload", "\x00\x01bytes", http.StatusOK},
		{"/text-body/notes", "abc", http.StatusNoContent},
		{"/text-body/notes", "abcdefgh", http.StatusBadRequest},
	} {
		ct := "text/plain"
		if tc.path == "/text-body/upload" {
			ct = "application/octet-stream"
		}
		resp := sendRequest(t, ts, http.MethodPost, tc.path, "", tc.body, false, "Content-Type", ct)
		require.Equal(t, tc.want, resp.status, "%s %q: %s", tc.path, tc.body, resp.body)
	}
}
