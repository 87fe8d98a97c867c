package main

import (
	"bytes"
	"context"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"sync"
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

// writeLog records each write call a log writer makes.
type writeLog struct {
	mu     sync.Mutex
	writes []string
}

func (w *writeLog) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.writes = append(w.writes, string(p))
	return len(p), nil
}

func (w *writeLog) get() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return slices.Clone(w.writes)
}

// TestRequestLinesGathered: a request line after a quiet spell is written at once; those that follow it closely
// wait and are written together, in order; another line first writes what waits; Flush writes the rest; the
// window's timer writes what waits without any further line.
func TestRequestLinesGathered(t *testing.T) {
	var out writeLog
	h := newFastTextHandler(&out, nil)
	h.(*fastTextHandler).out.window = time.Hour // nothing is written by the timer in this part
	at := time.Date(2026, 12, 2, 5, 14, 31, 0, time.UTC)
	line := func(h slog.Handler, path string) {
		require.NoError(t, h.(mock.RequestLineHandler).HandleRequestLine(context.Background(), at, slog.LevelInfo, "request",
			[mock.RequestLineAttrs]slog.Attr{slog.String("api", "a"), slog.String("method", "GET"), slog.String("path", path),
				slog.String("query", ""), slog.String("operation", "op"), slog.Int("status", 200),
				slog.String("answeredBy", "response"), slog.String("session", "default"), slog.Float64("latencyMs", 1)}))
	}
	line(h, "/1")
	require.Len(t, out.get(), 1, "the first line is written at once")
	line(h, "/2")
	line(h, "/3")
	require.Len(t, out.get(), 1, "lines close behind it wait")
	slog.New(h).Warn("something else")
	w := out.get()
	require.Len(t, w, 3, "another line writes the waiting ones first, together, then itself")
	require.Regexp(t, `(?s)^time=\S+ level=INFO msg=request .*path=/2 .*\n.*path=/3 .*\n$`, w[1])
	require.Contains(t, w[2], "something else")
	line(h, "/4")
	require.Len(t, out.get(), 3)
	require.NoError(t, flushLog(h))
	w = out.get()
	require.Len(t, w, 4)
	require.Contains(t, w[3], "path=/4 ", "Flush writes what waits")
	require.NoError(t, flushLog(h), "nothing left to write")
	require.Equal(t, w, out.get())

	var timed writeLog
	h = newFastTextHandler(&timed, nil)
	h.(*fastTextHandler).out.window = 5 * time.Millisecond
	for i := range 20 {
		line(h, "/"+strconv.Itoa(i))
	}
	require.Eventually(t, func() bool { return strings.Count(strings.Join(timed.get(), ""), "\n") == 20 }, 5*time.Second,
		time.Millisecond, "the timer writes what waits")
	all := strings.Join(timed.get(), "")
	for i := range 19 {
		require.Less(t, strings.Index(all, "path=/"+strconv.Itoa(i)+" "), strings.Index(all, "path=/"+strconv.Itoa(i+1)+" "))
	}
}
