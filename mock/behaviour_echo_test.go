package mock

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/standin/standin/openapi"
)

// TestEchoWritten: a PUT or PATCH standin keeps no record for answers the written fields its response schema
// has (valid values only), the rest generated: an operation without behaviour (editWidget: no read, so no
// collection) and an id the inferred collection's integer key cannot hold (/things/abc). A value the answer's
// schema refuses (size 99 > maximum 10, colour "green" outside the enum), a field the answer does not document
// (extra) and a Prefer: dynamic=true request keep the generated values.
func TestEchoWritten(t *testing.T) {
	api, err := openapi.LoadFile(t.Context(), "testdata/echo-written.yaml")
	require.NoError(t, err)
	ts, _ := engineServer(t, Config{}, []*openapi.API{api})
	for _, tc := range []struct {
		name, method, path, body string
		headers                  []string
		want                     map[string]any
		notWant                  map[string]any
	}{
		{name: "no behaviour", method: http.MethodPatch, path: "/echo-written/widgets/w1",
			body: `{"description":"several door","size":3,"colour":"blue","extra":"x"}`,
			want: map[string]any{"description": "several door", "size": float64(3), "colour": "blue"}},
		{name: "id the key cannot hold", method: http.MethodPut, path: "/echo-written/things/abc",
			body: `{"description":"orchard","size":7}`,
			want: map[string]any{"description": "orchard", "size": float64(7)}},
		{name: "invalid values stay generated", method: http.MethodPatch, path: "/echo-written/widgets/w2",
			body:    `{"description":"kept","size":99,"colour":"green"}`,
			want:    map[string]any{"description": "kept"},
			notWant: map[string]any{"size": float64(99), "colour": "green"}},
		{name: "Prefer dynamic", method: http.MethodPatch, path: "/echo-written/widgets/w3",
			body: `{"description":"not echoed"}`, headers: []string{"Prefer", "dynamic=true"},
			notWant: map[string]any{"description": "not echoed"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp := engineDo(t, ts, tc.method, tc.path, tc.body, tc.headers...)
			require.Equal(t, http.StatusOK, resp.status, "%s", resp.body)
			engineCheckResponse(t, api, "/echo-written", resp)
			got := resp.json(t).(map[string]any)
			require.NotContains(t, got, "extra")
			for k, v := range tc.want {
				require.Equal(t, v, got[k], k)
			}
			for k, v := range tc.notWant {
				require.NotEqual(t, v, got[k], k)
			}
		})
	}
}
