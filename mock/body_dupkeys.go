package mock

import "bytes"

// maxKeysCompared is how many keys of one object mayRepeatKeys compares pairwise; an object with more is left to
// jsonBodyFailures' decoder, so a huge object costs no quadratic time.
const maxKeysCompared = 32

// mayRepeatKeys is jsonBodyFailures' quick look at a JSON body that encoding/json accepted and that is valid
// UTF-8: false proves no object in it gives a key twice, without a decoder or an allocation. True means it may
// (a key repeated byte for byte, a key with an escape that could spell another, an object of more than
// maxKeysCompared keys), and the full walk decides.
func mayRepeatKeys(b []byte) bool {
	type span struct{ start, end int }
	var keyBuf [maxKeysCompared]span
	var openBuf [16]int
	var kindBuf [16]byte
	keys := keyBuf[:0]  // the keys of every open object, the innermost's last
	open := openBuf[:0] // where the keys of each open object or array start in keys
	kind := kindBuf[:0] // '{' or '[' for each open container
	expectKey := false
	for i := 0; i < len(b); i++ {
		switch b[i] {
		case '{', '[':
			open, kind = append(open, len(keys)), append(kind, b[i])
			expectKey = b[i] == '{'
		case '}', ']':
			if len(open) == 0 {
				return true
			}
			keys = keys[:open[len(open)-1]]
			open, kind = open[:len(open)-1], kind[:len(kind)-1]
			expectKey = false
		case ',':
			expectKey = len(kind) > 0 && kind[len(kind)-1] == '{'
		case '"':
			j := i + 1
			for ; j < len(b) && b[j] != '"'; j++ {
				if b[j] == '\\' {
					if expectKey {
						return true
					}
					j++
				}
			}
			if j >= len(b) {
				return true
			}
			if expectKey {
				first := open[len(open)-1]
				if len(keys)-first >= maxKeysCompared {
					return true
				}
				for _, k := range keys[first:] {
					if bytes.Equal(b[k.start:k.end], b[i+1:j]) {
						return true
					}
				}
				keys = append(keys, span{i + 1, j})
				expectKey = false
			}
			i = j
		}
	}
	return false
}
