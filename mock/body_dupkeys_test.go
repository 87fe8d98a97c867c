package mock

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/require"
)

// repeatsKeySlowly is the reference mayRepeatKeys answers for: whether encoding/json's tokens show an object
// with a key given twice.
func repeatsKeySlowly(body []byte) bool {
	dec := json.NewDecoder(bytes.NewReader(body))
	var walk func() (bool, bool) // repeated, ok
	walk = func() (bool, bool) {
		tok, err := dec.Token()
		if err != nil {
			return false, false
		}
		switch tok {
		case json.Delim('{'):
			seen := map[string]bool{}
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return false, false
				}
				k, _ := kt.(string)
				if seen[k] {
					return true, true
				}
				seen[k] = true
				if rep, ok := walk(); rep || !ok {
					return rep, ok
				}
			}
			_, err = dec.Token()
			return false, err == nil
		case json.Delim('['):
			for dec.More() {
				if rep, ok := walk(); rep || !ok {
					return rep, ok
				}
			}
			_, err = dec.Token()
			return false, err == nil
		}
		return false, true
	}
	rep, _ := walk()
	return rep
}

var dupKeyBodies = []struct {
	body string
	may  bool // what mayRepeatKeys answers
}{
	{`{"assignedTo":"7869c1a9-a680-4086-b6f5-9e78a651f6f2"}`, false},
	{`{"a":1,"b":{"a":2,"b":[{"a":3},{"a":4}]},"c":"a"}`, false},
	{`{"a":"\"a\"","b":"x\\"}`, false}, // escapes in values only
	{`[{"a":1},{"a":1}]`, false},
	{`"text"`, false},
	{`{}`, false},
	{`{"a":1,"a":2}`, true},
	{`{"a":{"x":1},"b":{"x":1,"y":2,"x":3}}`, true},
	{`{"a":1,"b":{"c":2},"a":3}`, true}, // repeated after a nested object closed
	{`{"a":1,"\u0061":2}`, true},        // an escape spells the same key
	{`{"\u0062":1}`, true},              // any escaped key goes to the full walk
	{`{"é":1,"é":2}`, true},
	{`[[{"k":[1,2],"k":0}]]`, true},
	{"{" + keys(maxKeysCompared+1) + "}", true}, // too many keys to compare
	{"{" + keys(maxKeysCompared) + "}", false},
}

// keys lists n distinct members.
func keys(n int) string {
	parts := make([]string, n)
	for i := range parts {
		parts[i] = `"k` + strings.Repeat("x", i) + `":0`
	}
	return strings.Join(parts, ",")
}

func TestMayRepeatKeys(t *testing.T) {
	for _, tc := range dupKeyBodies {
		t.Run(tc.body, func(t *testing.T) {
			require.True(t, json.Valid([]byte(tc.body)))
			require.Equal(t, tc.may, mayRepeatKeys([]byte(tc.body)))
			if repeatsKeySlowly([]byte(tc.body)) {
				require.True(t, mayRepeatKeys([]byte(tc.body)))
			}
			require.Equal(t, repeatsKeySlowly([]byte(tc.body)), len(jsonBodyFailures([]byte(tc.body))) > 0)
		})
	}
}

// FuzzMayRepeatKeys: for every valid UTF-8 JSON body, mayRepeatKeys never answers false when a key repeats.
func FuzzMayRepeatKeys(f *testing.F) {
	for _, tc := range dupKeyBodies {
		f.Add(tc.body)
	}
	f.Fuzz(func(t *testing.T, body string) {
		b := []byte(body)
		if !json.Valid(b) || !utf8.Valid(b) {
			return
		}
		if !mayRepeatKeys(b) && repeatsKeySlowly(b) {
			t.Fatalf("mayRepeatKeys(%q) = false, yet a key repeats", body)
		}
	})
}

func BenchmarkJSONBodyFailures(b *testing.B) {
	body := []byte(`{"assignedTo":"7869c1a9-a680-4086-b6f5-9e78a651f6f2","note":"x","tags":["a","b"]}`)
	b.ReportAllocs()
	for range b.N {
		jsonBodyFailures(body)
	}
}
