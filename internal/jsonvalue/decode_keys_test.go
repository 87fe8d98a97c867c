package jsonvalue

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"runtime"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"
	"unsafe"

	"github.com/stretchr/testify/require"
)

// stdObjects is what encoding/json makes of data as an array of objects, and whether it is one.
func stdObjects(data []byte) ([]map[string]any, bool) {
	var all []any
	if err := json.Unmarshal(data, &all); err != nil || all == nil {
		return nil, false
	}
	out := []map[string]any{}
	for _, v := range all {
		m, ok := v.(map[string]any)
		if !ok {
			return nil, false
		}
		out = append(out, m)
	}
	return out, true
}

func eachObjects(data []byte) ([]map[string]any, bool) {
	out := []map[string]any{}
	ok := EachObject(data, func(m map[string]any) bool { out = append(out, m); return true })
	return out, ok
}

// TestEachObjectMatchesEncodingJSON requires EachObject to accept exactly the arrays of objects encoding/json
// accepts, with the same values.
func TestEachObjectMatchesEncodingJSON(t *testing.T) {
	deep := func(n int) string { return `[{"a":` + strings.Repeat("[", n) + strings.Repeat("]", n) + `}]` }
	for _, text := range []string{
		`[]`, ` [ ] `, "[\n{}\n]\n", `[{}]`, `[{"a":1},{"a":2}]`,
		`[{"s":"plain","e":"","u":"é😀","esc":"a\"b\\c\/d\b\f\n\r\t\u00e9\ud83d\ude00","lone":"\ud800x"}]`,
		"[{\"bad\":\"\xff\xfe\",\"k\xff\":1}]", "[{\"ctl\":\"a\x01\"}]", `[{"a\u0062":1,"ab":2}]`,
		`[{"n":[0,-0,1.5,-2.25e3,1E+2,1e-2,123456789012345678901234567890,0.1]}]`,
		`[{"n":1e400}]`, `[{"n":01}]`, `[{"n":1.}]`, `[{"n":-}]`, `[{"n":.5}]`, `[{"n":1e}]`, `[{"n":+1}]`,
		`[{"a":1,"a":2}]`, `[{"t":true,"f":false,"z":null}]`, `[{"t":tru}]`, `[{"z":nul}]`,
		`[{"a":[1,[2,{"b":[]}]],"o":{"p":{"q":{}}}}]`,
		`{"a":1}`, `[1]`, `[null]`, `[[]]`, `["x"]`, `[{"a":1},]`, `[{"a":1,}]`, `[{"a" 1}]`, `[{a:1}]`, `[{"a":1}`,
		`[{"a":1}] [2]`, `[{"a":1}] x`, ``, `   `, "\ufeff[]", `[{"a":1}]` + "\t\r\n ",
		deep(9997), deep(9998), deep(10001),
	} {
		want, wantOK := stdObjects([]byte(text))
		got, ok := eachObjects([]byte(text))
		name := text
		if len(name) > 60 {
			name = name[:60]
		}
		require.Equal(t, wantOK, ok, "accepts %q", name)
		if ok {
			require.Equal(t, want, got, "values of %q", name)
		}
	}
}

// TestEachObjectSharesKeys checks that a key repeated across records is one string, and short repeated values too.
func TestEachObjectSharesKeys(t *testing.T) {
	got, ok := eachObjects([]byte(`[{"status":"open","n":{"status":"x"}},{"status":"open"}]`))
	require.True(t, ok)
	key := func(m map[string]any) string {
		for k := range m {
			if k == "status" {
				return k
			}
		}
		return ""
	}
	require.Equal(t, unsafe.StringData(key(got[0])), unsafe.StringData(key(got[1])))
	require.Equal(t, unsafe.StringData(key(got[0])), unsafe.StringData(key(got[0]["n"].(map[string]any))))
	require.Equal(t, unsafe.StringData(got[0]["status"].(string)), unsafe.StringData(got[1]["status"].(string)))
}

// TestEachObjectLearnsMembers reads many records whose members are unique (an id), repeated (a kind, a long
// link, a number) or change places, and requires encoding/json's values, -0 kept apart from 0, and repeated
// values shared however many unique ones came before them.
func TestEachObjectLearnsMembers(t *testing.T) {
	link := "https://example.com/" + strings.Repeat("x", 90)
	var sb strings.Builder
	sb.WriteString("[")
	const n = 3 * relearnEvery
	for i := range n {
		if i > 0 {
			sb.WriteString(",")
		}
		z := "0"
		if i%2 == 1 {
			z = "-0"
		}
		if i%7 == 0 { // another order now and then
			fmt.Fprintf(&sb, `{"kind":"k%d","id":"u%d","n":%d,"z":%s,"at":%d.5,"tags":["a","b%d"],"link":%q}`, i%3, i, i%5, z, i, i%2, link)
			continue
		}
		fmt.Fprintf(&sb, `{"id":"u%d","kind":"k%d","n":%d,"z":%s,"at":%d.5,"tags":["a","b%d"],"link":%q}`, i, i%3, i%5, z, i, i%2, link)
	}
	sb.WriteString("]")
	data := []byte(sb.String())
	want, ok := stdObjects(data)
	require.True(t, ok)
	got, ok := eachObjects(data)
	require.True(t, ok)
	require.Equal(t, want, got)
	for i, rec := range got {
		require.Equal(t, i%2 == 1, math.Signbit(rec["z"].(float64)), "record %d: z", i)
	}
	// Each decoding goroutine (and this one, for a first batch) shares its own copy.
	copies := func(member string, value func(map[string]any) string) {
		seen := map[*byte]bool{}
		for _, rec := range got {
			if v := value(rec); v == "k2" || member != "kind" {
				seen[unsafe.StringData(v)] = true
			}
		}
		require.LessOrEqual(t, len(seen), maxDecoders+1, "copies of %s", member)
	}
	copies("link", func(m map[string]any) string { return m["link"].(string) })
	copies("tags", func(m map[string]any) string { return m["tags"].([]any)[0].(string) })
	copies("kind", func(m map[string]any) string { return m["kind"].(string) })
	require.Greater(t, len(data), 2*batchBytes, "the input is decoded by the goroutines")
}

// TestEachObjectBatches reads inputs of several batches, decoded by the goroutines (two, whatever the machine;
// run with -race): encoding/json's values in order, and a bad element, a bad array or each answering false in a
// later batch stops the reading with false after each has had exactly the elements before; rewrite, called from
// both decoders, sees every prefixed value once; no decoder is left running.
func TestEachObjectBatches(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(2))
	goroutines := runtime.NumGoroutine()
	const n = 5000
	recs := make([]string, n)
	for i := range recs {
		recs[i] = fmt.Sprintf(`{"id":"r%d","n":%d,"s":"%s","a":[%d,{"x":null}]}`, i, i%10, strings.Repeat("y", i%50), i)
	}
	data := []byte("[" + strings.Join(recs, ",") + "]")
	require.Greater(t, len(data), 4*batchBytes)
	want, ok := stdObjects(data)
	require.True(t, ok)
	got, ok := eachObjects(data)
	require.True(t, ok)
	require.Equal(t, want, got)

	calls := func(data []byte, stopAt int) (int, bool) {
		c := 0
		ok := EachObject(data, func(map[string]any) bool { c++; return c != stopAt })
		return c, ok
	}
	for _, k := range []int{0, 1, n / 2, n - 1} {
		bad := slices.Clone(recs)
		bad[k] = `{"id":"r","n":01}`
		c, ok := calls([]byte("["+strings.Join(bad, ",")+"]"), -1)
		require.False(t, ok, "bad element %d", k)
		require.Equal(t, k, c, "bad element %d", k)
		c, ok = calls(data, k+1)
		require.False(t, ok, "stop at %d", k)
		require.Equal(t, k+1, c, "stop at %d", k)
	}
	c, ok := calls([]byte("["+strings.Join(recs, ",")+"] x"), -1)
	require.False(t, ok)
	require.Equal(t, n, c)
	c, ok = calls([]byte("["+strings.Join(recs[:n/2], ",")+" "+strings.Join(recs[n/2:], ",")+"]"), -1)
	require.False(t, ok)
	require.LessOrEqual(t, c, n/2, "a missing comma stops the reading")

	var rewrites atomic.Int64
	var ids []any
	require.True(t, EachObjectFrom(bytes.NewReader(data), "r", func(s string) (any, bool) {
		rewrites.Add(1)
		return "R" + s[1:], true
	}, func(m map[string]any) bool { ids = append(ids, m["id"]); return true }))
	require.Equal(t, int64(n), rewrites.Load())
	require.Len(t, ids, n)
	require.Equal(t, "R0", ids[0])
	require.Equal(t, fmt.Sprintf("R%d", n-1), ids[n-1])
	require.False(t, EachObjectFrom(bytes.NewReader(data), "r", func(s string) (any, bool) {
		return nil, rewrites.Add(1) < int64(n)+n/2
	}, func(map[string]any) bool { return true }), "rewrite refusing a value stops the reading")

	// polled here, not with require.Eventually, whose own goroutine would be counted
	for deadline := time.Now().Add(5 * time.Second); runtime.NumGoroutine() > goroutines && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
	}
	require.LessOrEqual(t, runtime.NumGoroutine(), goroutines, "no decoder left running")
}

// TestEachObjectStops checks that each answering false stops the reading with false.
func TestEachObjectStops(t *testing.T) {
	calls := 0
	require.False(t, EachObject([]byte(`[{},{},{}]`), func(map[string]any) bool { calls++; return calls < 2 }))
	require.Equal(t, 2, calls)
}

func BenchmarkEachObject(b *testing.B) {
	rec := `{"_id":"6369b3f0c2a4e1a900000000","attachment":true,"channel":"Weblink","closeDuration":1510000,` +
		`"closedAt":"2022-11-07T00:25:10.000Z","labelIDs":["label-01","label-07"],"locationDetail":{"city":"Caracas"},` +
		`"status":"closed","visitorLastName":"Pérez"}`
	data := []byte("[" + strings.Repeat(rec+",", 999) + rec + "]")
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if !EachObject(data, func(map[string]any) bool { return true }) {
			b.Fatal("rejected")
		}
	}
}

// FuzzEachObject requires EachObject to accept what encoding/json accepts as an array of objects, with its
// values; a text repeated past a batch is decoded by the goroutines too.
func FuzzEachObject(f *testing.F) {
	for _, text := range []string{`[]`, `[{"a":1},{"a":"x","b":[1,{"c":null}]}]`, `[{"a":-0,"b":"\u00e9"}]`, `[{"a":1},]`} {
		f.Add(text, uint8(0))
	}
	f.Fuzz(func(t *testing.T, text string, repeat uint8) {
		if repeat > 0 && strings.HasPrefix(text, "[") && strings.HasSuffix(text, "]") && len(text) > 2 {
			body := text[1 : len(text)-1]
			n := batchBytes/(len(body)+1) + int(repeat)
			text = "[" + strings.Repeat(body+",", n) + body + "]"
		}
		want, wantOK := stdObjects([]byte(text))
		got, ok := eachObjects([]byte(text))
		require.Equal(t, wantOK, ok, "accepts %.200q", text)
		if ok {
			require.Equal(t, want, got)
		}
	})
}
