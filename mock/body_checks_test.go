package mock

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestIssue13ValidationBounded: the answer to an invalid body lists the first errors and counts the rest, and a
// huge invalid body gets a small answer (the audit saw 878 KiB in, 17.5 MiB out).
func TestIssue13ValidationBounded(t *testing.T) {
	ts, _ := engineServer(t, Config{}, engineAPIs(t, "carecycle"))
	post := func(items int) engineResponse {
		body := `{"bookingHours":[` + strings.TrimSuffix(strings.Repeat(`{"startHour":99,"endHour":"x"},`, items), ",") + `]}`
		return engineDo(t, ts, "POST", "/v2/campaigns/appointment-configs", body, engineAuth("carecycle")...)
	}
	small := post(100)
	require.GreaterOrEqual(t, small.status, 400, "%s", small.body)
	require.Less(t, small.status, 500)
	require.Contains(t, string(small.body), "more validation errors")
	require.LessOrEqual(t, strings.Count(string(small.body), `"path"`)+strings.Count(string(small.body), `"field"`), maxFailures+1)

	huge := post(28000) // about 880 KiB
	require.Less(t, huge.status, 500, "%s", huge.body)
	require.GreaterOrEqual(t, huge.status, 400)
	require.Less(t, len(huge.body), 16<<10, "a bounded answer to a huge invalid body")
	require.Less(t, len(huge.req.Header.Get("Content-Length")), 10)
}

// TestIssue13JSONBodyChecks: a key given twice and bytes that are not UTF-8 are validation errors naming the key
// or the byte offset, in the vendor's shape.
func TestIssue13JSONBodyChecks(t *testing.T) {
	ts, _ := engineServer(t, Config{}, engineAPIs(t, "carecycle"))
	tests := []struct {
		name, body string
		contains   []string
	}{
		{"duplicate key", `{"assignedTo":null,"assignedTo":"x"}`, []string{`key \"assignedTo\" appears more than once`, `"assignedTo"`}},
		{"nested duplicate key", `{"assignedTo":null,"meta":[{"a":1,"a":2}]}`, []string{`key \"a\" appears more than once`}},
		{"invalid UTF-8", "{\"assignedTo\":\"ab\xff\"}", []string{"not valid UTF-8 at byte offset 17"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := engineDo(t, ts, "PATCH", assignPath, tt.body, engineAuth("carecycle")...)
			require.Equal(t, 422, resp.status, "%s", resp.body)
			for _, c := range tt.contains {
				require.Contains(t, string(resp.body), c)
			}
		})
	}
	resp := engineDo(t, ts, "PATCH", assignPath, `{"assignedTo":null}`, engineAuth("carecycle")...)
	require.Equal(t, 200, resp.status, "%s", resp.body)
}

const assignPath = "/v2/inquiries/a2cc1c26-6a12-43fd-9dc0-f4e5fedb3bef/assign"

func TestJSONBodyFailures(t *testing.T) {
	require.Empty(t, jsonBodyFailures([]byte(`{"a":{"a":1},"b":[{"a":1},{"a":2}]}`)), "the same key in different objects is fine")
	fs := jsonBodyFailures([]byte(`{"x":[{"k":1,"k":2}]}`))
	require.Len(t, fs, 1)
	require.Equal(t, []any{"x", 0, "k"}, fs[0].path)
	fs = jsonBodyFailures([]byte("[\"\xc3\x28\"]"))
	require.Len(t, fs, 1)
	require.Contains(t, fs[0].message, "offset 2")
}
