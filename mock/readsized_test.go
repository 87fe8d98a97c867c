package mock

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/require"
)

func TestReadSized(t *testing.T) {
	long := strings.Repeat("x", presizeLimit+10)
	tests := []struct {
		name     string
		body     string
		declared int64
	}{
		{"declared exactly", `{"a":1}`, 7},
		{"nothing declared", `{"a":1}`, -1},
		{"declared too few", `{"a":1}`, 3},
		{"declared too many", `{"a":1}`, 100},
		{"empty", ``, 0},
		{"beyond the presize limit", long, int64(len(long))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, r := range []io.Reader{strings.NewReader(tt.body), iotest.OneByteReader(strings.NewReader(tt.body)),
				iotest.DataErrReader(strings.NewReader(tt.body))} {
				got, err := readSized(r, tt.declared)
				require.NoError(t, err)
				require.Equal(t, tt.body, string(got))
			}
		})
	}
	t.Run("a read error is returned with what was read", func(t *testing.T) {
		boom := errors.New("boom")
		got, err := readSized(io.MultiReader(bytes.NewReader([]byte("abc")), iotest.ErrReader(boom)), 10)
		require.ErrorIs(t, err, boom)
		require.Equal(t, "abc", string(got))
	})
}
