package xmlvalue

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/require"
)

// petSchema is a schema with the xml objects Encode honours: a root name and namespace, an attribute and a
// wrapped array.
func petSchema() *openapi3.SchemaRef {
	return &openapi3.SchemaRef{Ref: "#/components/schemas/Pet", Value: &openapi3.Schema{
		XML: &openapi3.XML{Name: "pet", Namespace: "urn:pets", Prefix: "p"},
		Properties: openapi3.Schemas{
			"id": {Value: &openapi3.Schema{XML: &openapi3.XML{Attribute: true}}},
			"tags": {Value: &openapi3.Schema{XML: &openapi3.XML{Wrapped: true},
				Items: &openapi3.SchemaRef{Value: &openapi3.Schema{XML: &openapi3.XML{Name: "tag"}}}}},
		},
	}}
}

// bigPets is a list of n pets of about 150 bytes of XML each, with text XML must escape.
func bigPets(n int) []any {
	out := make([]any, n)
	for i := range out {
		out[i] = map[string]any{"id": float64(i), "name": fmt.Sprintf("Rex <%d> & \"co\"", i),
			"tags": []any{"a", "b"}, "owner": nil, "weight": 1.5}
	}
	return out
}

// TestEncodeToMatchesEncode: what EncodeTo streams is byte for byte what Encode returns, through buffers smaller
// and larger than the encoder's own, for small and large documents.
func TestEncodeToMatchesEncode(t *testing.T) {
	list := &openapi3.SchemaRef{Value: &openapi3.Schema{XML: &openapi3.XML{Name: "pets"}, Items: petSchema()}}
	tests := []struct {
		name   string
		v      any
		schema *openapi3.SchemaRef
	}{
		{"scalar, no schema", "a <b> & c", nil},
		{"null", nil, nil},
		{"object with attribute and wrapped array", map[string]any{"id": 7.0, "name": "Rex", "tags": []any{"x"}}, petSchema()},
		{"large list", bigPets(3000), list},
		{"large text", map[string]any{"note": strings.Repeat("é<>&", 40_000)}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want, err := Encode(tt.v, tt.schema)
			require.NoError(t, err)
			require.True(t, bytes.HasPrefix(want, []byte("<?xml")), "%s", want)
			for _, size := range []int{16, 4096, 8192, 64 << 10} {
				var got bytes.Buffer
				bw := bufio.NewWriterSize(&got, size)
				require.NoError(t, EncodeTo(bw, tt.v, tt.schema))
				require.NoError(t, bw.Flush())
				require.Equal(t, string(want), got.String(), "buffer of %d bytes", size)
			}
		})
	}
}

// failAfter accepts n bytes, then fails every write; it counts what it was offered.
type failAfter struct {
	n, offered int
}

var errGone = errors.New("connection gone")

func (f *failAfter) Write(b []byte) (int, error) {
	f.offered += len(b)
	if f.n <= 0 {
		return 0, errGone
	}
	k := min(len(b), f.n)
	f.n -= k
	if k < len(b) {
		return k, errGone
	}
	return k, nil
}

// TestEncodeToStopsAtWriteError: once the writer fails (a client that went away), EncodeTo returns that error and
// offers it no more than a buffer's worth, instead of encoding the rest of a large document.
func TestEncodeToStopsAtWriteError(t *testing.T) {
	pets := bigPets(5000) // about 700 KiB of XML
	full, err := Encode(pets, nil)
	require.NoError(t, err)
	require.Greater(t, len(full), 500_000)

	f := &failAfter{n: 10_000}
	bw := bufio.NewWriterSize(f, 8192)
	err = EncodeTo(bw, pets, nil)
	require.ErrorIs(t, err, errGone)
	require.Less(t, f.offered, 10_000+2*8192, "the encoder stopped at the failure")
}
