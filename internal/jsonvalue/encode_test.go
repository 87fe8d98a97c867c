package jsonvalue

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// stdJSON is what Append stands in for: an Encoder without HTML escaping, less the newline.
func stdJSON(t testing.TB, v any) ([]byte, error) {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

type point struct {
	X int    `json:"x"`
	L string `json:"label,omitempty"`
}

func TestAppendMatchesEncodingJSON(t *testing.T) {
	var nilMap map[string]any
	var nilList []any
	tests := []struct {
		name string
		v    any
	}{
		{"null", nil},
		{"strings", []any{"", "plain", `q"b\s`, "<a&b>", "tab\tnl\ncr\rbs\bff\f", "\x00\x01\x1f\x7f", "café ü 日本",
			"bad \xff\xfe utf8", "line\u2028para\u2029", "\xe2\x80"}},
		{"numbers", []any{0.0, -0.0, 1.0, -1.5, 3.14159, 1e20, 1e21, 123456789e15, 1e-6, 1e-7, 5e-324, math.MaxFloat64,
			-2.5e-9, 100.0, 12345678901234567.0, 0.1 + 0.2, 7, int64(-9), float32(1.1)}},
		{"bools", []any{true, false}},
		{"object keys sorted", map[string]any{"b": 1.0, "a": map[string]any{"z": nil, "y": []any{}}, "": "e",
			"A": "upper", "é": 2.0, "a\"b": true}},
		{"many keys sharing prefixes", manyKeys(120)},
		{"keys with NUL and high bytes", map[string]any{"ab": 1.0, "ab\x00": 2.0, "ab\x00c": 3.0, "a": 4.0, "\xff": 5.0,
			"abcdefgh": 6.0, "abcdefghi": 7.0, "abcdefgg": 8.0, "abcdefg": 9.0}},
		{"empty and nil", map[string]any{"m": map[string]any{}, "nm": nilMap, "l": []any{}, "nl": nilList,
			"ns": []string(nil), "s": []string{"x", "y"}, "nss": map[string]string(nil), "ss": map[string]string{"k": "v", "j": "w"}}},
		{"other types through encoding/json", map[string]any{"raw": json.RawMessage(` { "x" : [1, 2] } `),
			"num": json.Number("12.50"), "t": time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), "p": point{X: 1},
			"pp": &point{X: 2, L: "<b>"}, "ints": []int{1, 2}, "nested": []map[string]any{{"k": "v"}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want, err := stdJSON(t, tt.v)
			require.NoError(t, err)
			got, err := Append([]byte("prefix:"), tt.v)
			require.NoError(t, err)
			require.Equal(t, "prefix:"+string(want), string(got))
		})
	}
}

// TestAppendSortsEverySize covers the sorting of object keys at every size around the switch between the
// insertion sort and the general one, with keys sharing their first eight bytes.
func TestAppendSortsEverySize(t *testing.T) {
	for n := range 70 {
		m := map[string]any{}
		for i := range n {
			switch i % 3 {
			case 0:
				m[fmt.Sprintf("callback%03d", (i*37)%101)] = float64(i)
			case 1:
				m[fmt.Sprintf("k%d", i)] = map[string]string{fmt.Sprintf("z%d", i): "v", fmt.Sprintf("a%d", n-i): "w"}
			default:
				m[fmt.Sprintf("callbac%c", 'a'+i%26)+fmt.Sprint(i)] = nil
			}
		}
		want, err := stdJSON(t, m)
		require.NoError(t, err)
		got, err := Append(nil, m)
		require.NoError(t, err)
		require.Equal(t, string(want), string(got), "%d keys", n)
	}
}

func manyKeys(n int) map[string]any {
	m := map[string]any{}
	for i := range n {
		m[fmt.Sprintf("callbackField%03d", (i*37)%n)] = float64(i)
		m[fmt.Sprintf("k%d", i)] = i%2 == 0
	}
	return m
}

func TestAppendErrors(t *testing.T) {
	cyclic := map[string]any{}
	cyclic["self"] = cyclic
	for name, v := range map[string]any{
		"NaN":       math.NaN(),
		"+Inf":      []any{math.Inf(1)},
		"a channel": map[string]any{"c": make(chan int)},
		"a cycle":   cyclic,
		"bad raw":   json.RawMessage(`{`),
	} {
		t.Run(name, func(t *testing.T) {
			_, stdErr := stdJSON(t, v)
			require.Error(t, stdErr)
			got, err := Append([]byte("keep"), v)
			require.Error(t, err)
			require.Equal(t, "keep", string(got), "dst comes back unchanged")
		})
	}
}

func BenchmarkAppendRecord(b *testing.B) {
	rec := map[string]any{}
	require.NoError(b, json.Unmarshal([]byte(`{"additionalConcerns":"None raised.","assignedTo":"7869c1a9-a680-4086-b6f5-9e78a651f6f2","callId":"4722cd84-0ec7-4ef5-8c34-1b0150f45f53","callbackCompletedAt":null,"escalationApplied":false,"createdAt":"2026-02-27T09:14:02.310Z","inquiry":"Does my plan cover a second opinion on the MRI results?","severity":"low","n":12.5,"tags":["a","b"]}`), &rec))
	buf := make([]byte, 0, 2048)
	b.ReportAllocs()
	for b.Loop() {
		var err error
		if buf, err = Append(buf[:0], rec); err != nil {
			b.Fatal(err)
		}
	}
}

func TestAppendWatched(t *testing.T) {
	tests := []struct {
		name     string
		v        any
		stopAt   string // the key watch says true to
		wantKeys []string
		wantHit  bool
	}{
		{"every key, nested, in written order", map[string]any{"b": []any{map[string]any{"y": 1.0, "x": nil}},
			"a": map[string]string{"k2": "v", "k1": "w"}}, "", []string{"a", "k1", "k2", "b", "x", "y"}, false},
		{"stops at the first true", map[string]any{"c": 1.0, "b": 2.0, "a": 3.0}, "b", []string{"a", "b"}, true},
		{"no object", []any{"x", 1.0, true, nil, []string{"s"}}, "", nil, false},
		{"a value for encoding/json counts as seen", map[string]any{"p": point{X: 1}}, "", []string{"p"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var seen []string
			got, hit, err := AppendWatched([]byte("x"), tt.v, func(k string) bool {
				seen = append(seen, k)
				return k == tt.stopAt
			}, 0)
			require.NoError(t, err)
			want, err := Append([]byte("x"), tt.v)
			require.NoError(t, err)
			require.Equal(t, string(want), string(got))
			require.Equal(t, tt.wantKeys, seen)
			require.Equal(t, tt.wantHit, hit)
		})
	}
}

// TestAppendWatchedLimit: under its limit AppendWatched writes what Append writes; past it, it stops early with
// ErrTooLarge and dst as it was, however the size is made (many values, one long string, deep lists).
func TestAppendWatchedLimit(t *testing.T) {
	long := strings.Repeat("x", 1<<20)
	many := make([]any, 100000)
	for i := range many {
		many[i] = map[string]any{"n": float64(i)}
	}
	tests := []struct {
		name  string
		v     any
		limit int
		large bool
	}{
		{"small", map[string]any{"a": []any{1.0, "b"}}, 64, false},
		{"exactly at the limit", "abcd", 6, false},
		{"no limit", long, 0, false},
		{"many values", many, 4096, true},
		{"one long string in an object", map[string]any{"s": long}, 4096, true},
		{"a long string in a list of lists", []any{[]any{[]any{long}}}, 4096, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, _, err := AppendWatched([]byte("pre"), tt.v, nil, tt.limit)
			if tt.large {
				require.ErrorIs(t, err, ErrTooLarge)
				require.Equal(t, "pre", string(got))
				return
			}
			require.NoError(t, err)
			want, err := Append([]byte("pre"), tt.v)
			require.NoError(t, err)
			require.Equal(t, string(want), string(got))
		})
	}
}

// benchAnswer is careCycle's inquiry as its assign PATCH answers it: 30 keys, most of them strings.
const benchAnswer = `{"additionalConcerns":"None raised.","assignedTo":"7869c1a9-a680-4086-b6f5-9e78a651f6f2","callId":"4722cd84-0ec7-4ef5-8c34-1b0150f45f53","callbackCallId":"3ff5b170-21ec-4fdb-9d07-d18865ce54a5","callbackCompletedAt":null,"callbackDisposition":"pending","callbackFailureReason":"none","callbackRequestedAt":null,"callbackRequestedBy":"a5a1af4e-f2c6-48c6-8e69-0acc13906fed","callbackWorkflowId":"58c68a9f-1923-4a5a-b69b-88032c446b85","createdAt":"2026-02-27T09:14:02.310Z","customerCampaignId":"36ca8d1d-3d3d-48cf-bd1f-a796d8849d75","escalationApplied":false,"handlingRationale":"Coverage question with no clinical urgency.","id":"497f6eca-6276-4993-bfeb-53cbbbba6f08","inquiry":"Does my plan cover a second opinion on the MRI results?","notes":"Member ID read back and confirmed.","primaryCategory":"billing","reasoning":"The caller asked about insurance coverage and reported no symptoms.","resolutionType":"callback","resolvedAt":null,"resolvedBy":"14b2aa2a-efb0-4ef1-9ffc-3025efbd2222","response":"I have logged your question; a care coordinator will confirm your coverage by phone.","severity":"low","severityTriggers":"none","status":"new","subcategory":"coverage_question","suggestedHandling":"Check the member's plan for second-opinion coverage and call back.","toolCallId":"call_Hn4sP0wq7XbZ2cLe","updatedAt":"2026-12-02T05:14:31.647Z"}`

// BenchmarkAppendAnswer writes the assign PATCH's answer, an object of the same keys every time.
func BenchmarkAppendAnswer(b *testing.B) {
	rec := map[string]any{}
	require.NoError(b, json.Unmarshal([]byte(benchAnswer), &rec))
	buf := make([]byte, 0, 2048)
	b.ReportAllocs()
	for b.Loop() {
		var err error
		if buf, err = Append(buf[:0], rec); err != nil {
			b.Fatal(err)
		}
	}
	if string(buf) != benchAnswer {
		b.Fatalf("wrote %s", buf)
	}
}
