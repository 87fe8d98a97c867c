package main

import (
	"bytes"
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/standin/standin/mock"
)

// TestHandleRequestLineMatchesTextHandler: the request line handed over as its parts is written exactly as
// slog.TextHandler writes the record made of them, on the fast path and on the way back to the TextHandler.
func TestHandleRequestLineMatchesTextHandler(t *testing.T) {
	at := time.Date(2026, 12, 2, 5, 14, 31, 675_912_000, time.UTC)
	line := func(path, session string, latency float64) [mock.RequestLineAttrs]slog.Attr {
		return [mock.RequestLineAttrs]slog.Attr{slog.String("api", "carecycle"), slog.String("method", "PATCH"),
			slog.String("path", path), slog.String("query", ""), slog.String("operation", "assignInquiry"),
			slog.Int("status", 200), slog.String("answeredBy", "behaviour"), slog.String("session", session),
			slog.Float64("latencyMs", latency)}
	}
	tests := map[string]struct {
		time  time.Time
		attrs [mock.RequestLineAttrs]slog.Attr
	}{
		"plain":                  {at, line("/carecycle/v2/inquiries/497f6eca-6276-4993-bfeb-53cbbbba6f08/assign", "default", 0.467)},
		"quoted":                 {at, line("/a b", "s=1", 12)},
		"not ASCII: handed over": {at, line("/café", "default", 1e-7)},
		"control character":      {at.In(time.FixedZone("X", 3600)), line("/a\nb", "default", 0)},
		"no time":                {time.Time{}, line("/", "", 1e21)},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			var want, got bytes.Buffer
			r := slog.NewRecord(tt.time, slog.LevelInfo, "request", 0)
			r.AddAttrs(tt.attrs[:]...)
			require.NoError(t, slog.NewTextHandler(&want, nil).Handle(context.Background(), r))
			h := newFastTextHandler(&got, nil).(mock.RequestLineHandler)
			require.NoError(t, h.HandleRequestLine(context.Background(), tt.time, slog.LevelInfo, "request", tt.attrs))
			require.Equal(t, want.String(), got.String())
		})
	}
}
