package mock

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/standin/standin/internal/jsonvalue"
	"github.com/standin/standin/openapi"
)

// bigList is a list of n records of about 100 bytes each, with the characters encodings disagree on.
func bigList(n int) []any {
	items := make([]any, n)
	for i := range items {
		items[i] = map[string]any{
			"id": fmt.Sprintf("rec_%d", i), "name": "A <b> & \u2028 \xff é", "score": float64(i) / 7, "ok": i%2 == 0,
			"tags": []any{"x", nil, 1e21}, "nested": map[string]any{"z": 1.0, "a": []any{}},
		}
	}
	return items
}

// TestStreamEncoderMatchesMarshal: the streamed encoding is byte for byte marshalJSON's, whatever the shape.
func TestStreamEncoderMatchesMarshal(t *testing.T) {
	tests := []struct {
		name string
		body any
	}{
		{"scalar", "a <tag> & \xff"},
		{"small object", map[string]any{"b": 1.5, "a": []any{nil, true}}},
		{"nil containers", map[string]any{"l": []any(nil), "m": map[string]any(nil), "lm": []map[string]any(nil)}},
		{"large list", bigList(3000)},
		{"large list of maps", []map[string]any{{"k": strings.Repeat("v", 10_000)}, {"k": bigList(200)}}},
		{"large object", map[string]any{"data": bigList(2000), "has_more": true, "url": "/v1/things", "é": "\u2029"}},
		{"large object of small values", func() map[string]any {
			m := map[string]any{}
			for i := range 5000 {
				m[fmt.Sprintf("key%05d", i)] = i
			}
			return m
		}()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want, err := marshalJSON(tt.body)
			require.NoError(t, err)
			var buf bytes.Buffer
			se := &streamEncoder{w: bufio.NewWriterSize(&buf, jsonStreamBuffer)}
			require.NoError(t, se.value(tt.body))
			require.NoError(t, se.w.Flush())
			require.Equal(t, string(want), buf.String())
		})
	}
}

// TestIssue13LargeAnswerStreamed: an answer larger than the streaming threshold is sent chunked, without a
// Content-Length, and is the same JSON; a small answer keeps its Content-Length.
func TestIssue13LargeAnswerStreamed(t *testing.T) {
	large, err := json.Marshal(bigList(2000))
	require.NoError(t, err)
	doc := `{"openapi":"3.0.3","info":{"title":"big","version":"1"},"paths":{` +
		`"/large":{"get":{"responses":{"200":{"description":"ok","content":{"application/json":{"example":` + string(large) + `}}}}}},` +
		`"/small":{"get":{"responses":{"200":{"description":"ok","content":{"application/json":{"example":{"a":1}}}}}}}}}`
	api, err := openapi.LoadData(context.Background(), "big.json", []byte(doc))
	require.NoError(t, err)
	srv, err := New([]*openapi.API{api}, Config{})
	require.NoError(t, err)
	ts := httptest.NewServer(srv)
	t.Cleanup(func() { ts.Close(); _ = srv.Close() })

	tests := []struct {
		path    string
		length  int64
		chunked bool
	}{
		{"/large", -1, true},
		{"/small", 7, false},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			resp, err := ts.Client().Get(ts.URL + tt.path)
			require.NoError(t, err)
			body, err := io.ReadAll(resp.Body)
			require.NoError(t, err)
			require.NoError(t, resp.Body.Close())
			require.Equal(t, 200, resp.StatusCode)
			require.Equal(t, "application/json", resp.Header.Get("Content-Type"))
			require.Equal(t, tt.length, resp.ContentLength)
			require.Equal(t, tt.chunked, len(resp.TransferEncoding) == 1 && resp.TransferEncoding[0] == "chunked")
			var got any
			require.NoError(t, json.Unmarshal(body, &got))
			if tt.chunked {
				var want any
				require.NoError(t, json.Unmarshal(large, &want))
				require.Equal(t, want, got)
			}
		})
	}
}

// TestStreamEncodeErrorAborts: a large value that cannot be encoded, found after the status line is gone, ends
// the connection: the client gets an error, not a complete-looking answer.
func TestStreamEncodeErrorAborts(t *testing.T) {
	body := append(bigList(1000), math.NaN())
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, nil, body)
	}))
	t.Cleanup(ts.Close)
	resp, err := ts.Client().Get(ts.URL)
	require.NoError(t, err)
	defer resp.Body.Close()
	_, err = io.ReadAll(resp.Body)
	require.Error(t, err, "a truncated answer")
}

// TestSmallJSONNeverStreams: writeJSON skips the size estimate for a text shorter than smallJSON, which is sound
// only if the estimate of such a text always stays below the streaming threshold. Values built to be estimated
// far above their length (zeros, empty lists encoding/json writes, nulls, short keys) are grown to just under
// smallJSON bytes, and their estimate checked.
func TestSmallJSONNeverStreams(t *testing.T) {
	items := map[string]func(i int) any{
		"zeros":                    func(int) any { return 0.0 },
		"ints":                     func(int) any { return 0 },
		"values for encoding/json": func(int) any { return []int{} },
		"numbers":                  func(int) any { return json.Number("0") },
		"nulls and bools":          func(i int) any { return []any{nil, false}[i%2] },
		"empty objects":            func(int) any { return map[string]any{} },
		"one-letter keys":          func(i int) any { return map[string]any{string(rune('a' + i%26)): 0.0} },
		"lists of maps":            func(int) any { return []map[string]any{{"k": 0}} },
	}
	for name, item := range items {
		t.Run(name, func(t *testing.T) {
			var list []any
			for i := 0; ; i++ {
				next := append(list, item(i))
				data, err := marshalJSON(next)
				require.NoError(t, err)
				if len(data) >= smallJSON {
					break
				}
				list = next
			}
			for _, body := range []any{list, map[string]any{"data": list}} {
				data, err := marshalJSON(body)
				require.NoError(t, err)
				if len(data) < smallJSON {
					require.Less(t, jsonSize(body, jsonStreamThreshold), jsonStreamThreshold, "%d bytes", len(data))
				}
			}
		})
	}
}

// The estimate the encoder gives on the way (jsonvalue.AppendSized) is jsonSize's, so encoding a large answer
// once chooses between a Content-Length and a streamed answer as sizing it first did.
func TestEncoderEstimateIsJSONSize(t *testing.T) {
	var nilMap map[string]any
	values := []any{
		nil, "", "a\"b<>&\u2028\xff", 1.5, 12345678901234.0, true, false, int64(7), 3, json.Number("12"),
		nilMap, []any(nil), []any{}, map[string]any{}, map[string]string{"a": "b"}, []string{"x", "y"},
		[]map[string]any{{"a": 1.0}, {"b": []any{"c", nil}}},
		map[string]any{"a": map[string]any{"b": []any{1.0, "x", map[string]any{}, nilMap}}, "k\n": true},
		bigList(300),
		func() map[string]any {
			m := map[string]any{}
			for i := range 50 {
				m[fmt.Sprintf("key%02d", i)] = map[string]any{"v": float64(i), "s": strings.Repeat("é", i)}
			}
			return m
		}(),
	}
	for i, v := range values {
		want := jsonSize(v, math.MaxInt)
		_, _, got, err := jsonvalue.AppendSized(nil, v, nil, 0)
		require.NoError(t, err, "value %d", i)
		require.Equal(t, want, got, "value %d: %#v", i, v)
	}
}
