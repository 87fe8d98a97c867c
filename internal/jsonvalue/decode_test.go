package jsonvalue

import (
	"encoding/json"
	"strings"
	"testing"
	"unsafe"

	"github.com/stretchr/testify/require"
)

// decodeCases are texts Decode accepts (with encoding/json's values) or declines (encoding/json then decides).
var decodeCases = []string{
	`{"assignedTo":"7869c1a9-a680-4086-b6f5-9e78a651f6f2"}`,
	` {"a": [1, 2.5, -3e2, 0, -0, 1E+2, 12.0e-1], "b": {"c": null, "d": true, "e": false}} `,
	`{"a":1,"a":2}`, `{}`, `[]`, `[{}]`, `null`, `true`, `"x"`, `0`, `-1.5`,
	`{"k\u00e9y":"caf\u00e9 \"q\" \\ \/ \b\f\n\r\t \ud83d\ude00"}`,
	`{"bad":"\ud800"}`, "{\"utf8\":\"caf\xc3\xa9\"}", "{\"invalid\":\"\xff\xfe\"}", "{\"k\xff\":1}",
	`{"a":1e400}`, `{"a":01}`, `{"a":1.}`, `{"a":.5}`, `{"a":-}`, `{"a":+1}`, `{"a":1e}`,
	`{"a":"\x"}`, "{\"a\":\"\x01\"}", `{"a":1,}`, `[1,]`, `{"a" 1}`, `{a:1}`, `{"a":1} x`, `{"a":1}{}`,
	`[1 2]`, `{"a":[}`, `nul`, `tru`, ``, ` `, `"`, `{`, `[`, `{"a":"b`,
	strings.Repeat("[", 10001) + strings.Repeat("]", 10001),
	strings.Repeat("[", 9999) + strings.Repeat("]", 9999),
	strings.Repeat("[", 10000) + strings.Repeat("]", 10000),
	`{"members":[` + strings.Repeat(`{"id":"x","n":1,"tags":["a","b"]},`, 40) + `{}]}`,
}

// checkDecode holds Decode to encoding/json's Unmarshal and DecodeDocument to its Decoder with UseNumber on
// text: what either accepts, encoding/json accepts too, with the same value. It reports which accepted.
func checkDecode(t *testing.T, text string) (decoded, document bool) {
	var want any
	wantErr := json.Unmarshal([]byte(text), &want)
	if got, ok := Decode([]byte(text)); ok { // a declined text goes to encoding/json in the callers
		require.NoError(t, wantErr, "Decode accepted what encoding/json rejects: %q", text)
		require.Equal(t, want, got, "for %q", text)
		decoded = true
	}
	if got, ok := DecodeDocument([]byte(text)); ok {
		dec := json.NewDecoder(strings.NewReader(text))
		dec.UseNumber()
		var want any
		require.NoError(t, dec.Decode(&want), "DecodeDocument accepted what encoding/json rejects: %q", text)
		require.Equal(t, want, got, "for %q", text)
		document = true
	}
	return decoded, document
}

func TestDecodeGivesEncodingJSONValues(t *testing.T) {
	decoded, documents := 0, 0
	for _, text := range decodeCases {
		d, doc := checkDecode(t, text)
		if d {
			decoded++
		}
		if doc {
			documents++
		}
	}
	require.Greater(t, decoded, 10, "Decode must accept ordinary JSON, not decline everything")
	require.Greater(t, documents, 10, "so must DecodeDocument")
	_, ok := Decode([]byte(`{"assignedTo":"7869c1a9"}`))
	require.True(t, ok)
}

func FuzzDecode(f *testing.F) {
	for _, text := range decodeCases {
		f.Add(text)
	}
	f.Fuzz(func(t *testing.T, text string) { checkDecode(t, text) })
}

// TestDecodeDocument: numbers are json.Number as written, even out of float64's range, and keys are held once.
func TestDecodeDocument(t *testing.T) {
	v, ok := DecodeDocument([]byte(`{"a":1e400,"b":[-0.5,12],"c":{"a":"x"}}`))
	require.True(t, ok, "a number out of float64's range is text, as with UseNumber")
	m := v.(map[string]any)
	require.Equal(t, json.Number("1e400"), m["a"])
	require.Equal(t, []any{json.Number("-0.5"), json.Number("12")}, m["b"])
	var keys []string
	for k := range m {
		if k == "a" {
			keys = append(keys, k)
		}
	}
	for k := range m["c"].(map[string]any) {
		keys = append(keys, k)
	}
	require.Len(t, keys, 2)
	require.Same(t, unsafe.StringData(keys[0]), unsafe.StringData(keys[1]), "a key is held once")
}
