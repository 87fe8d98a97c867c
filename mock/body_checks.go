package mock

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"unicode/utf8"
)

// maxFailures is how many validation failures one answer lists; the rest are counted in one more item.
const maxFailures = 20

// maxFailureText bounds each text an answer repeats from the request (a received value, a message).
const maxFailureText = 200

// multiErrorBodyLimit is the largest body validated for every failure at once; a larger invalid body is
// answered with its first failure, so a huge invalid body costs no more than a small one.
const multiErrorBodyLimit = 64 << 10

// capFailures keeps the first maxFailures failures, each with bounded texts, and adds one item counting the
// others: the answer to a huge invalid body stays small.
func capFailures(fs []validationFailure) []validationFailure {
	out := fs
	if len(fs) > maxFailures {
		out = append(fs[:maxFailures:maxFailures], validationFailure{path: []any{}, rule: "more",
			message: fmt.Sprintf("and %d more validation errors", len(fs)-maxFailures)})
	}
	for i := range out {
		out[i].message = clip(out[i].message)
		out[i].received = clip(out[i].received)
		out[i].expected = clip(out[i].expected)
		if s, ok := out[i].value.(string); ok {
			out[i].value = clip(s)
		}
	}
	return out
}

// clip shortens a text longer than maxFailureText.
func clip(s string) string {
	if len(s) <= maxFailureText {
		return s
	}
	return printable(s, maxFailureText)
}

// jsonBodyFailures finds what encoding/json accepts silently in a JSON body: bytes that are not UTF-8 (named by
// their offset) and an object key given twice (named by its path). A body that does not parse at all is left to
// the malformed check. At most maxFailures are reported.
func jsonBodyFailures(body []byte) []validationFailure {
	if !utf8.Valid(body) {
		off := 0
		for off < len(body) {
			r, size := utf8.DecodeRune(body[off:])
			if r == utf8.RuneError && size <= 1 {
				break
			}
			off += size
		}
		return []validationFailure{{path: []any{}, rule: "encoding",
			message:  fmt.Sprintf("the body is not valid UTF-8 at byte offset %d", off),
			expected: "UTF-8 JSON", received: "byte 0x" + strconv.FormatUint(uint64(body[off]), 16) + " at offset " + strconv.Itoa(off)}}
	}
	if !mayRepeatKeys(body) { // most bodies give no key twice, and showing it needs no decoder (body_dupkeys.go)
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var out []validationFailure
	var walk func(path []any) bool
	walk = func(path []any) bool {
		tok, err := dec.Token()
		if err != nil {
			return false
		}
		d, ok := tok.(json.Delim)
		if !ok {
			return true
		}
		switch d {
		case '{':
			seen := map[string]bool{}
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return false
				}
				k, _ := kt.(string)
				if seen[k] && len(out) < maxFailures {
					p := append(append([]any{}, path...), k)
					out = append(out, validationFailure{path: p, rule: "duplicateKey", name: k,
						message:  fmt.Sprintf("key %q appears more than once in the same object", printable(k, 64)),
						expected: "each key once", received: "a repeated key"})
				}
				seen[k] = true
				if !walk(append(append([]any{}, path...), k)) {
					return false
				}
			}
			_, err := dec.Token() // '}'
			return err == nil
		case '[':
			for i := 0; dec.More(); i++ {
				if !walk(append(append([]any{}, path...), i)) {
					return false
				}
			}
			_, err := dec.Token() // ']'
			return err == nil
		}
		return true
	}
	walk([]any{})
	return out
}
