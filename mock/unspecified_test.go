package mock

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/standin/standin/openapi"
)

// wellFormedXML reports whether body is one well-formed XML document.
func wellFormedXML(body []byte) error {
	d := xml.NewDecoder(bytes.NewReader(body))
	roots := 0
	depth := 0
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		switch tok.(type) {
		case xml.StartElement:
			if depth == 0 {
				roots++
			}
			depth++
		case xml.EndElement:
			depth--
		}
	}
	if roots != 1 {
		return errors.New("not one root element")
	}
	return nil
}

// TestUnspecifiedBodies: a documented media type with neither a schema nor an example is answered with a body of
// that type under its Content-Type (an empty body is a document of none of them, and carried no Content-Type).
func TestUnspecifiedBodies(t *testing.T) {
	api, err := openapi.LoadFile(t.Context(), "testdata/search.yaml")
	require.NoError(t, err)
	ts, _ := engineServer(t, Config{Seed: 3}, []*openapi.API{api})
	tests := []struct {
		name, path, accept, contentType string
		check                           func(t *testing.T, body []byte)
	}{
		{"xml of a vendor type", "/search/search/description", "", "application/opensearchdescription+xml",
			func(t *testing.T, body []byte) { require.NoError(t, wellFormedXML(body), "%s", body) }},
		{"json", "/search/search/query?q=x", "application/json", "application/json",
			func(t *testing.T, body []byte) {
				var v map[string]any
				require.NoError(t, json.Unmarshal(body, &v), "%s", body)
			}},
		{"atom", "/search/search/query?q=x", "application/atom+xml", "application/atom+xml",
			func(t *testing.T, body []byte) { require.NoError(t, wellFormedXML(body), "%s", body) }},
		{"html", "/search/search/query?q=x", "text/html", "text/html",
			func(t *testing.T, body []byte) { require.Contains(t, string(body), "<html>") }},
		{"text", "/search/search/query?q=x", "text/plain", "text/plain",
			func(t *testing.T, body []byte) { require.NotEmpty(t, strings.TrimSpace(string(body))) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var headers []string
			if tt.accept != "" {
				headers = []string{"Accept", tt.accept}
			}
			resp := engineDo(t, ts, http.MethodGet, tt.path, "", headers...)
			require.Equal(t, http.StatusOK, resp.status, "%s", resp.body)
			require.Equal(t, tt.contentType, resp.header.Get("Content-Type"))
			tt.check(t, resp.body)
			again := engineDo(t, ts, http.MethodGet, tt.path, "", headers...)
			require.Equal(t, string(resp.body), string(again.body), "the same request gets the same body")
		})
	}
}

// TestRootFormUnderItsOwnName: a single API is served at the root too, also when its base path begins with the
// name it is mounted under: /search/description is the root form of the operation, /search/search/description
// the mounted one; a path neither form routes stays a 404.
func TestRootFormUnderItsOwnName(t *testing.T) {
	api, err := openapi.LoadFile(t.Context(), "testdata/search.yaml")
	require.NoError(t, err)
	require.Equal(t, "search", api.Name)
	require.Equal(t, "/search", api.BasePath)
	ts, _ := engineServer(t, Config{}, []*openapi.API{api})
	for _, tc := range []struct {
		path   string
		status int
	}{
		{"/search/search/description", http.StatusOK},
		{"/search/description", http.StatusOK},
		{"/search/search/query?q=x", http.StatusOK},
		{"/search/query?q=x", http.StatusOK},
		{"/search/nothing", http.StatusNotFound},
		{"/search/search/nothing", http.StatusNotFound},
	} {
		t.Run(tc.path, func(t *testing.T) {
			resp := engineDo(t, ts, http.MethodGet, tc.path, "")
			require.Equal(t, tc.status, resp.status, "%s", resp.body)
		})
	}
}
