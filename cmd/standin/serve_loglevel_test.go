package main

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestServeLogLevel: --log-level error drops the per-request lines; info (the default) keeps them.
func TestServeLogLevel(t *testing.T) {
	for _, tt := range []struct {
		level    string
		requests bool
	}{{"info", true}, {"error", false}} {
		t.Run(tt.level, func(t *testing.T) {
			lines, stop := serveRun(t, 2, "--addr", "127.0.0.1:0", "--api", "cinnox", "--log-level", tt.level)
			status, _ := serveGet(t, baseOf(t, lines[0])+"/v1/api/apps/a/labels", "Authorization", "Bearer t")
			require.Equal(t, http.StatusOK, status)
			err, stderr := stop()
			require.NoError(t, err)
			if tt.requests {
				require.Contains(t, stderr, "msg=request")
			} else {
				require.NotContains(t, stderr, "msg=request")
			}
		})
	}
}

func TestServeLogLevelRefusesUnknown(t *testing.T) {
	var l logLevelFlag
	require.ErrorContains(t, l.Set("loud"), `"loud" is not a log level: expected debug, info, warn or error`)
	require.NoError(t, l.Set("WARN"))
	require.Equal(t, "warn", l.String())
}
