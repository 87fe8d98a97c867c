package jsonvalue

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// TestAppendRaw: a Raw is written as it is, inside arrays and objects, beside values Append encodes.
func TestAppendRaw(t *testing.T) {
	tests := []struct {
		name string
		v    any
		want string
	}{
		{"alone", Raw(`{"b":1,"a":[true]}`), `{"b":1,"a":[true]}`},
		{"in an array", []any{Raw(`{"id":"x"}`), map[string]any{"id": "y"}, Raw(`2`)}, `[{"id":"x"},{"id":"y"},2]`},
		{"in an object", map[string]any{"data": []any{Raw(`"s"`)}, "object": "list"}, `{"data":["s"],"object":"list"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Append(nil, tt.v)
			require.NoError(t, err)
			require.Equal(t, tt.want, string(got))
		})
	}
}
