package mock

import (
	"net/http"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/require"
)

// TestMaskerCommonHeaders: the names judged once (commonHeaders) are judged as any other name, also when a
// scheme of the document makes one of them a credential, and an entry's headers come out masked as a map.
func TestMaskerCommonHeaders(t *testing.T) {
	for i, k := range commonHeaders {
		require.Equal(t, i, commonHeader(k))
		require.Equal(t, http.CanonicalHeaderKey(k), k)
	}
	require.Equal(t, -1, commonHeader("content-type"), "only the canonical spelling")

	plain := newMasker(nil)
	doc := &openapi3.T{Components: &openapi3.Components{SecuritySchemes: openapi3.SecuritySchemes{
		"odd": &openapi3.SecuritySchemeRef{Value: &openapi3.SecurityScheme{Type: "apiKey", In: "header", Name: "user-agent"}},
	}}}
	odd := newMasker(doc)
	for _, k := range commonHeaders {
		require.False(t, plain.secretHeaderName(k), k)
		require.Equal(t, k == "User-Agent", odd.secretHeaderName(k), k)
	}

	h := http.Header{"User-Agent": {"agent/1"}, "Content-Type": {"application/json"}, "X-Api-Key": {"cc_secret"},
		"Authorization": {"Bearer abc"}, "Accept": {"a", "b"}}
	pairs, cut := odd.header(h, nil)
	require.False(t, cut)
	m := journalMessage{pairs: pairs}.withHeaders()
	require.Equal(t, map[string]string{"User-Agent": maskedValue, "Content-Type": "application/json",
		"X-Api-Key": maskedValue, "Authorization": "Bearer " + maskedValue, "Accept": "a, b"}, m.Headers)
	pairs, _ = plain.header(h, nil)
	require.Equal(t, "agent/1", journalMessage{pairs: pairs}.withHeaders().Headers["User-Agent"])
}

// FuzzMentionsShort holds the byte-by-byte reading of a short text (namesAnchored) to the searched one.
func FuzzMentionsShort(f *testing.F) {
	m := newBodyMasker([]string{"pin", "Geheimnis"})
	for _, s := range []string{`{"assignedTo":"7869c1a9"}`, `{"apiKey":"x"}`, `{"PASSWORD":1}`, "token", "TOK", "é",
		`{"a":"tokeN"}`, "pi", "xpinx", "geheimnis", "\xff", "signatur", "Cookie:"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if got, want := namesAnchored(m, b), m.mentionsSearched(b); got != want {
			t.Fatalf("%q: byte by byte %v, searched %v", b, got, want)
		}
	})
}
