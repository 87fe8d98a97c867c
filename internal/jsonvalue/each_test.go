package jsonvalue

import (
	"bytes"
	"encoding/json"
	"fmt"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// bigArray is a JSON array of n records of about 200 bytes, several batches of EachObjectFrom's, with a relative
// time in every third record and a few values shared between records.
func bigArray(n int) []byte {
	var b bytes.Buffer
	b.WriteByte('[')
	for i := range n {
		if i > 0 {
			b.WriteString(",\n")
		}
		when := fmt.Sprintf("2026-01-%02dT00:00:00Z", 1+i%28)
		if i%3 == 0 {
			when = fmt.Sprintf("$now-%dd", i%5)
		}
		fmt.Fprintf(&b, `{"id":"rec-%06d","n":%d,"f":%d.5,"status":%q,"when":%q,"tags":["a","b%d"],"nested":{"ok":%t,"none":null},"text":"%s"}`,
			i, i, i, []string{"new", "open", "closed"}[i%3], when, i%7, i%2 == 0, strings.Repeat("x", i%50))
	}
	b.WriteByte(']')
	return b.Bytes()
}

// TestEachObjectFromBatches: an input of many batches, decoded on two goroutines (run with -race), hands each the
// same records, in the same order, as encoding/json decodes, with every relative time rewritten; each answering
// false, a broken element late in the input, and a rewrite refusing a value all stop the reading with false and
// leave no decoder running.
func TestEachObjectFromBatches(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(2)) // two decoders, whatever the machine
	data := bigArray(6000)
	require.Greater(t, len(data), 8*batchBytes, "several batches")
	var want []map[string]any
	require.NoError(t, json.Unmarshal(data, &want))
	var rewrites atomic.Int64
	rewrite := func(s string) (any, bool) {
		rewrites.Add(1)
		return "at:" + s, true
	}
	for i := range want {
		if s := want[i]["when"].(string); strings.HasPrefix(s, "$now") {
			want[i]["when"] = "at:" + s
		}
	}
	goroutines := runtime.NumGoroutine()

	var got []map[string]any
	require.True(t, EachObjectFrom(bytes.NewReader(data), "$now", rewrite, func(m map[string]any) bool {
		got = append(got, m)
		return true
	}))
	require.Len(t, got, len(want))
	for i := range want {
		require.Equal(t, want[i]["id"], got[i]["id"], "record %d in order", i)
		// numbers may decode to another Go type than float64: compare as JSON
		wj, err := json.Marshal(want[i])
		require.NoError(t, err)
		gj, err := json.Marshal(got[i])
		require.NoError(t, err)
		require.JSONEq(t, string(wj), string(gj), "record %d", i)
	}
	require.Equal(t, int64(2000), rewrites.Load(), "every relative time rewritten once")

	t.Run("each stops", func(t *testing.T) {
		n := 0
		require.False(t, EachObjectFrom(bytes.NewReader(data), "", nil, func(map[string]any) bool {
			n++
			return n < 2500
		}))
		require.Equal(t, 2500, n)
	})
	t.Run("a broken element late in the input", func(t *testing.T) {
		broken := bytes.Clone(data)
		at := bytes.LastIndex(broken, []byte(`"status"`))
		broken[at+len(`"status"`)] = ';'
		n := 0
		require.False(t, EachObjectFrom(bytes.NewReader(broken), "", nil, func(map[string]any) bool { n++; return true }))
		require.Less(t, n, len(want))
	})
	t.Run("rewrite refuses", func(t *testing.T) {
		var calls atomic.Int64
		require.False(t, EachObjectFrom(bytes.NewReader(data), "$now", func(s string) (any, bool) {
			return nil, calls.Add(1) < 1000
		}, func(map[string]any) bool { return true }))
	})
	// polled here, not with require.Eventually, whose own goroutine would be counted
	for deadline := time.Now().Add(5 * time.Second); runtime.NumGoroutine() > goroutines && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
	}
	require.LessOrEqual(t, runtime.NumGoroutine(), goroutines, "no decoder left running")
}
