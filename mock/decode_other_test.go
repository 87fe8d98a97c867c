package mock

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/standin/standin/openapi"
)

// TestBodiesWithoutADecoder: a request body of a media type openapi3filter has no decoder for is read as its
// bytes (an XML type as XML) and validated against its schema, where a string can meet the schema; before, every
// such body was refused as "not valid".
func TestBodiesWithoutADecoder(t *testing.T) {
	api, err := openapi.LoadFile(t.Context(), "testdata/uploads.yaml")
	require.NoError(t, err)
	ts, _ := engineServer(t, Config{}, []*openapi.API{api})
	for _, tc := range []struct {
		name, method, path, contentType, body string
		status                                int
	}{
		{"base64 image under format byte", http.MethodPut, "/uploads/covers", "image/jpeg", "/9j/4AAQSkZJRgABAQAAAQABAAD/2Q==", 202},
		{"raw bytes under format byte", http.MethodPut, "/uploads/covers", "image/jpeg", "\xff\xd8\xff\xe0 not base64 \xff\xd9", 400},
		{"pdf bytes under an object schema: not checkable", http.MethodPut, "/uploads/documents", "application/pdf", "%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", 204},
		{"an atom entry", http.MethodPost, "/uploads/entries", "application/atom+xml", "<entry><title>Hello</title></entry>", 201},
		{"an atom entry without its title", http.MethodPost, "/uploads/entries", "application/atom+xml", "<entry><id>1</id></entry>", 400},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp := sendRequest(t, ts, tc.method, tc.path, "", tc.body, false, "Content-Type", tc.contentType)
			require.Equal(t, tc.status, resp.status, "%s", resp.body)
		})
	}
}
