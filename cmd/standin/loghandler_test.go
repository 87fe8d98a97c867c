package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestFastTextHandlerMatchesTextHandler: every record is written exactly as slog.TextHandler writes it, whether
// the fast path formats it or hands it over.
func TestFastTextHandlerMatchesTextHandler(t *testing.T) {
	at := time.Date(2026, 12, 2, 5, 14, 31, 675_912_000, time.UTC)
	tests := []struct {
		name  string
		time  time.Time
		level slog.Level
		msg   string
		attrs []slog.Attr
	}{
		{"request line", at, slog.LevelInfo, "request", []slog.Attr{slog.String("api", "carecycle"),
			slog.String("method", "PATCH"), slog.String("path", "/carecycle/v2/inquiries/497f/assign"),
			slog.String("query", ""), slog.String("operation", "assignInquiry"), slog.Int("status", 200),
			slog.String("answeredBy", "behaviour"), slog.String("session", "default"), slog.Float64("latencyMs", 0.467)}},
		{"quoting", at, slog.LevelWarn, "two words", []slog.Attr{slog.String("q", "a=b"), slog.String("x", `say "hi"`),
			slog.String("bs", `a\b`), slog.String("sp", " lead"), slog.String("e", "")}},
		{"numbers and bools", at.In(time.FixedZone("X", 5*3600+1800)), slog.LevelError, "n", []slog.Attr{
			slog.Float64("big", 1e21), slog.Float64("small", 1e-7), slog.Float64("nan", math.NaN()), slog.Float64("z", 0),
			slog.Int("neg", -5), slog.Bool("t", true), slog.Uint64("u", 7)}},
		{"time on a whole second", time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), slog.LevelDebug, "m", nil},
		{"zone west of UTC", at.In(time.FixedZone("W", -(3*3600 + 1800))), slog.LevelInfo, "m", nil},
		{"zone of seconds only", at.In(time.FixedZone("S", -30)), slog.LevelInfo, "m", nil},
		{"zone with seconds", at.In(time.FixedZone("S", 5*3600+45)), slog.LevelInfo, "m", nil},
		{"named zone", time.Date(1907, 3, 4, 23, 59, 59, 999_999_999, time.FixedZone("LMT", 4*3600+161)), slog.LevelInfo, "m", nil},
		{"year 10000", time.Date(10000, 1, 1, 0, 0, 0, 5_000_000, time.UTC), slog.LevelInfo, "m", nil},
		{"year -1", time.Date(-1, 1, 1, 0, 0, 0, 0, time.UTC), slog.LevelInfo, "m", nil},
		{"year 1", time.Date(1, 12, 31, 1, 2, 3, 4, time.UTC), slog.LevelInfo, "m", nil},
		{"no time", time.Time{}, slog.LevelInfo, "m", []slog.Attr{slog.String("k", "v")}},
		{"odd level", at, slog.LevelInfo + 2, "m", nil},
		{"not ASCII", at, slog.LevelInfo, "café", []slog.Attr{slog.String("k", "naïve\tx")}},
		{"control character", at, slog.LevelInfo, "m", []slog.Attr{slog.String("k", "a\nb")}},
		{"other kinds", at, slog.LevelInfo, "m", []slog.Attr{slog.Duration("d", time.Second), slog.Time("t", at),
			slog.Any("err", context.Canceled), slog.Group("g", slog.String("a", "b"))}},
		{"key needing quotes", at, slog.LevelInfo, "m", []slog.Attr{slog.String("a key", "v"), slog.String("", "empty key")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var want, got bytes.Buffer
			opts := &slog.HandlerOptions{Level: slog.LevelDebug}
			std, fast := slog.NewTextHandler(&want, opts), newFastTextHandler(&got, opts)
			for _, h := range []slog.Handler{std, fast} {
				r := slog.NewRecord(tt.time, tt.level, tt.msg, 0)
				r.AddAttrs(tt.attrs...)
				require.NoError(t, h.Handle(context.Background(), r))
			}
			require.Equal(t, want.String(), got.String())
		})
	}
}

func TestFastTextHandlerLevelsAndDerivedLoggers(t *testing.T) {
	var out bytes.Buffer
	l := slog.New(newFastTextHandler(&out, &slog.HandlerOptions{Level: slog.LevelError}))
	l.Info("request", "status", 200)
	require.Empty(t, out.String(), "below the level: nothing")
	l.With("api", "x").WithGroup("g").Error("boom", "k", "v")
	require.True(t, strings.HasSuffix(out.String(), "level=ERROR msg=boom api=x g.k=v\n"), out.String())
}

// BenchmarkRequestLogLine is the per-request log line, through the handler `standin serve` uses and through
// slog's own text handler for comparison.
func BenchmarkRequestLogLine(b *testing.B) {
	for name, h := range map[string]slog.Handler{
		"fast": newFastTextHandler(io.Discard, nil),
		"slog": slog.NewTextHandler(io.Discard, nil),
	} {
		b.Run(name, func(b *testing.B) {
			l := slog.New(h)
			b.ReportAllocs()
			for b.Loop() {
				l.LogAttrs(context.Background(), slog.LevelInfo, "request",
					slog.String("api", "carecycle"), slog.String("method", "PATCH"),
					slog.String("path", "/carecycle/v2/inquiries/497f6eca-6276-4993-bfeb-53cbbbba6f08/assign"),
					slog.String("query", ""), slog.String("operation", "assignInquiry"), slog.Int("status", 200),
					slog.String("answeredBy", "behaviour"), slog.String("session", "default"), slog.Float64("latencyMs", 0.467))
			}
		})
	}
}
