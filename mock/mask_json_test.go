package mock

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestMaskJSONFieldsMatchesExpression: the scan masks exactly what the masker's expression masks, on the shapes
// the expression was written for and on its corners (cut-short text, escapes, keys that only look like keys).
func TestMaskJSONFieldsMatchesExpression(t *testing.T) {
	m := newBodyMasker([]string{"pin_code"})
	bodies := []string{
		`{"uniqueKey":"k1","name":"x"}`,
		`{"apiKey" : "s3cr3t", "n": 1, "token":12.5e+3,"secretOk":TRUE,"passwordX":null,"keyed":false}`,
		`[{"accessToken":"a\"b\\c"},{"refresh_token":"x`,
		`{"a":"x","apiKey":"s"}`,
		`{"note":"\"apiKey\":\"inside\"","pin_code":"1234"}`,
		`{"key":-,"key2":-1,"key3":{"nested":"no"},"key4":["x"]}`,
		`{"Authorization":"Bearer t","cookie" :	"c=1"}`,
		`{"key":"line\` + "\n" + `rest","next":"y"}`,
		`{"key":nullish,"other":"NULL"}`,
		`{"a\"key":"v","b":"\\","key":"w"}`,
		`"key":"top level"`,
		`{"key"`,
		`{"key":`,
		`{"key": "`,
		`{"name":"Pérez","uniqueKey":"k1","city":"Zürich"}`,
		"{\"\u212aey\":\"kelvin\",\"\u017fecret\":\"long s\",\"Schl\u00fcssel\":\"no\",\"cl\u00e9\":\"no\"}",
		"{\"na\xffme\":\"invalid\",\"to\xffken\":\"x\",\"token\":\"\xfe\xff\"}",
		"{\"note\":\"\\\"K\u0131ey\\\"\", \"ke\u0301y\":\"combining\"}",
	}
	for _, b := range bodies {
		want := m.jsonField().ReplaceAll([]byte(b), []byte(`${1}"`+maskedValue+`"`))
		require.Equal(t, string(want), string(maskJSONFields([]byte(b), m)), "body %s", b)
	}
	// Text that is not ASCII takes the scan too, and folds as the expression does.
	got := string(m.mask([]byte("{\"\u212aey\":\"kelvin\",\"\u017fecret\":\"long s\",\"name\":\"P\u00e9rez\",\"cl\u00e9\":\"no\"}")))
	require.Equal(t, "{\"\u212aey\":\"****\",\"\u017fecret\":\"****\",\"name\":\"P\u00e9rez\",\"cl\u00e9\":\"no\"}", got)
}

// FuzzMaskJSONFields compares the scan with the expression on any text, UTF-8 or not.
func FuzzMaskJSONFields(f *testing.F) {
	for _, s := range []string{`{"uniqueKey":"k1"}`, `{"a":"\"","token": 1e5}`, `[{"secret":true},{"x":"key":"y"}]`,
		"{\"\u212aey\":\"P\u00e9rez\"}", "{\"to\xffken\":1}"} {
		f.Add(s)
	}
	m := newBodyMasker([]string{"pin_code"})
	f.Fuzz(func(t *testing.T, s string) {
		b := []byte(s)
		want := m.jsonField().ReplaceAll(b, []byte(`${1}"`+maskedValue+`"`))
		if got := maskJSONFields(b, m); string(got) != string(want) {
			t.Fatalf("body %q: scan %q, expression %q", s, got, want)
		}
	})
}

// BenchmarkMaskJSONPage masks the journal's first 4 KiB of a page whose records name "uniqueKey", by the scan and
// by the expression it replaces.
func BenchmarkMaskJSONPage(b *testing.B) {
	m := newBodyMasker(nil)
	var page []byte
	for len(page) < 4096 {
		page = append(page, `{"uniqueKey":"6369b3f0c2a4e1a9d1f0a0aa","channel":"web","createdAt":"2026-03-02T09:00:00Z","notes":"a"},`...)
	}
	page = append([]byte("["), page[:4095]...)
	b.Run("scan", func(b *testing.B) {
		for b.Loop() {
			maskJSONFields(page, m)
		}
	})
	b.Run("expression", func(b *testing.B) {
		for b.Loop() {
			m.jsonField().ReplaceAll(page, []byte(`${1}"`+maskedValue+`"`))
		}
	})
}

// TestKeepBodySharesRepeatedCut: a body cut at the journal's limit and seen again is kept once, masked as a fresh
// masker keeps it; another body in between is kept as itself, and the first one after it is still right.
func TestKeepBodySharesRepeatedCut(t *testing.T) {
	m := newMasker(engineAPIs(t, "cinnox")[0].Doc)
	var page []byte
	for i := 0; len(page) <= journalBodyLimit; i++ {
		page = fmt.Appendf(page, `{"uniqueKey":"k-%d","visitorLastName":"Pérez","n":%d},`, i, i)
	}
	page = append([]byte("["), page...)
	fresh := func(b []byte) string {
		kept, cut := newMasker(engineAPIs(t, "cinnox")[0].Doc).keepBody(bytes.Clone(b), false)
		require.True(t, cut)
		return string(kept)
	}
	want := fresh(page)
	require.Contains(t, want, `\"uniqueKey\":\"****\"`)
	require.Contains(t, want, "Pérez")

	first, cut := m.keepBody(bytes.Clone(page), false)
	require.True(t, cut)
	require.Equal(t, want, string(first))
	again, _ := m.keepBody(bytes.Clone(page), false)
	require.Equal(t, want, string(again))
	require.Same(t, &first[0], &again[0], "a repeated cut is kept once")

	other := bytes.Replace(bytes.Clone(page), []byte("k-0"), []byte("k-X"), 1)
	kept, _ := m.keepBody(bytes.Clone(other), false)
	require.Equal(t, fresh(other), string(kept))
	kept, _ = m.keepBody(bytes.Clone(page), false)
	require.Equal(t, want, string(kept))

	// A body under the limit is kept as before, not through the shared cut.
	small := []byte(`{"uniqueKey":"k","name":"Pérez"}`)
	kept, cut = m.keepBody(small, false)
	require.False(t, cut)
	require.JSONEq(t, `{"uniqueKey":"****","name":"Pérez"}`, string(kept))
}
