package mock

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestStageHeaderNamesCanonical: the stages read these request headers by map index, which finds only the
// canonical spelling net/http stores; the names must stay canonical.
func TestStageHeaderNamesCanonical(t *testing.T) {
	for _, name := range []string{SessionHeader, FaultHeader, "Prefer"} {
		require.Equal(t, http.CanonicalHeaderKey(name), name)
	}
}
