package mock

import (
	"context"
	"log/slog"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// lineHandler is a text handler that takes the request line as its parts (RequestLineHandler), making the record
// Handle would have been given.
type lineHandler struct {
	slog.Handler
	lines int
}

func (h *lineHandler) HandleRequestLine(ctx context.Context, t time.Time, level slog.Level, msg string,
	attrs [RequestLineAttrs]slog.Attr) error {
	h.lines++
	r := slog.NewRecord(t, level, msg, 0)
	r.AddAttrs(attrs[:]...)
	return h.Handle(ctx, r)
}

// TestRequestLineHandler: over HTTP, a logger whose handler takes the request line as its parts logs the line
// a plain logger logs (time and latency aside), and gets every request line that way.
func TestRequestLineHandler(t *testing.T) {
	var plainLogs, lineLogs lockedBuffer
	lh := &lineHandler{Handler: slog.NewTextHandler(&lineLogs, nil)}
	plain, _ := engineServer(t, Config{}, engineAPIs(t, "aelyst"), WithLogger(slog.New(slog.NewTextHandler(&plainLogs, nil))))
	parts, _ := engineServer(t, Config{}, engineAPIs(t, "aelyst"), WithLogger(slog.New(lh)))
	for _, ts := range []string{plain.URL, parts.URL} {
		for _, path := range []string{"/v1/contact/id:1", "/v1/nothing?x=1"} {
			req, err := http.NewRequest(http.MethodGet, ts+path, nil)
			require.NoError(t, err)
			req.Header.Set("Authorization", "Bearer test-token-123")
			resp, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			resp.Body.Close()
		}
	}
	varying := regexp.MustCompile(`time=\S+ |latencyMs=\S+`)
	requestLines := func(logs string) []string {
		var out []string
		for _, l := range strings.Split(logs, "\n") {
			if strings.Contains(l, "msg=request") {
				out = append(out, varying.ReplaceAllString(l, ""))
			}
		}
		return out
	}
	want := requestLines(plainLogs.String())
	require.Len(t, want, 2)
	require.Equal(t, want, requestLines(lineLogs.String()))
	require.Equal(t, 2, lh.lines)
}
