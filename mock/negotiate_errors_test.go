package mock

import (
	"encoding/xml"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/standin/standin/openapi"
)

// TestErrorNegotiation: error bodies are negotiated like success bodies, on testdata/xml-errors.yaml whose
// operations document XML only. A documented error answers in its documented XML type; an error the operation
// does not document (standin's own body) is XML when the client takes XML and not JSON, or sends no Accept to
// an operation that documents XML only, and JSON otherwise.
func TestErrorNegotiation(t *testing.T) {
	api, err := openapi.LoadFile(t.Context(), "testdata/xml-errors.yaml")
	require.NoError(t, err)
	ts, _ := engineServer(t, Config{}, []*openapi.API{api})
	tests := []struct {
		name         string
		method, path string
		body         string
		headers      []string
		status       int
		contentType  string
		root         string // the XML root element; "" for a JSON body
	}{
		{name: "documented 404 in text/xml", method: "GET", path: "/xml-errors/api/things/abc", headers: []string{"Prefer", "code=404"},
			status: 404, contentType: "text/xml", root: "error"},
		{name: "documented 400 in text/xml", method: "GET", path: "/xml-errors/api/things/abcdefghijklmnop",
			status: 400, contentType: "text/xml", root: "error"},
		{name: "documented default in application/xml", method: "DELETE", path: "/xml-errors/api/things/abc",
			headers: []string{"Prefer", "code=404"}, status: 404, contentType: "application/xml", root: "error"},
		{name: "documented type without schema: standin's body as XML", method: "GET", path: "/xml-errors/api/notes/abcdefghijklmnop",
			status: 400, contentType: "text/xml", root: "error"},
		{name: "undocumented 401, no Accept, XML-only operation", method: "GET", path: "/xml-errors/api/vault/v1",
			status: 401, contentType: "text/xml", root: "error"},
		{name: "undocumented 401, Accept XML", method: "GET", path: "/xml-errors/api/vault/v1", headers: []string{"Accept", "text/xml"},
			status: 401, contentType: "text/xml", root: "error"},
		{name: "undocumented 401, Accept JSON first", method: "GET", path: "/xml-errors/api/vault/v1",
			headers: []string{"Accept", "application/json, text/xml;q=0.5"},
			status:  401, contentType: "application/json"},
		{name: "406 to a client that takes JSON only", method: "GET", path: "/xml-errors/api/things/abc",
			headers: []string{"Accept", "application/json"}, status: 406, contentType: "application/json"},
		{name: "unknown path, Accept XML only", method: "GET", path: "/xml-errors/api/nothing", headers: []string{"Accept", "text/xml"},
			status: 404, contentType: "text/xml", root: "error"},
		{name: "unknown path, no Accept", method: "GET", path: "/xml-errors/api/nothing", status: 404, contentType: "application/json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := engineDo(t, ts, tt.method, tt.path, tt.body, tt.headers...)
			require.Equal(t, tt.status, resp.status, "body: %s", resp.body)
			ct := resp.header.Get("Content-Type")
			require.True(t, strings.HasPrefix(ct, tt.contentType), "Content-Type %q, want %q", ct, tt.contentType)
			if tt.root == "" {
				require.True(t, strings.HasPrefix(strings.TrimSpace(string(resp.body)), "{"), "a JSON body: %s", resp.body)
				return
			}
			var root struct {
				XMLName xml.Name
				Message string `xml:"message"`
			}
			require.NoError(t, xml.Unmarshal(resp.body, &root), "an XML body: %s", resp.body)
			require.Equal(t, tt.root, root.XMLName.Local)
			require.NotEmpty(t, root.Message)
		})
	}
	t.Run("the reason stays in the header", func(t *testing.T) {
		resp := engineDo(t, ts, http.MethodGet, "/xml-errors/api/vault/v1", "")
		require.Equal(t, http.StatusUnauthorized, resp.status)
		require.Contains(t, string(resp.body), "<code>unauthorized</code>")
	})
}
