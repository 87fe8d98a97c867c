package mock

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// lastByteProbe is the connection's writer: at each write it notes how many entries the journal holds, so a test
// can see whether an answer was journalled before its last bytes went out.
type lastByteProbe struct {
	*httptest.ResponseRecorder
	entries func() int
	seen    []int // the journal's length at each write
}

func (p *lastByteProbe) Write(b []byte) (int, error) {
	p.seen = append(p.seen, p.entries())
	return p.ResponseRecorder.Write(b)
}

// TestJournalledBeforeLastByte: an answer of declared length is in the journal before its last bytes reach the
// client, so a check of the journal made as soon as the answer is read (on another connection) finds it, however
// large the answer; an answer without a declared length is journalled when the handler returns.
func TestJournalledBeforeLastByte(t *testing.T) {
	clock := newStateClock()
	_, srv := stateServer(t, Config{}, WithClock(clock))
	sess, err := srv.sessions.get(DefaultSession)
	require.NoError(t, err)
	entries := func() int { return len(sess.journal.list(journalFilter{})) }
	tests := []struct {
		name, method, path, body string
		minBytes                 int
	}{
		{"a large page", http.MethodGet, cinnoxWindow(clock.Now(), "limit", "500"), "", 8 << 10},
		{"a small answer", http.MethodGet, "/cinnox/v1/api/apps/app-1/labels", "", 2},
		{"an error", http.MethodGet, "/cinnox/v1/api/apps/app-1/nothing", "", 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := entries()
			req := httptest.NewRequest(tt.method, tt.path, strings.NewReader(tt.body))
			req.Header.Set("Authorization", "Bearer test-token")
			probe := &lastByteProbe{ResponseRecorder: httptest.NewRecorder(), entries: entries}
			srv.ServeHTTP(probe, req)
			require.GreaterOrEqual(t, probe.Body.Len(), tt.minBytes, "%d: %.200s", probe.Code, probe.Body)
			require.Equal(t, strconv.Itoa(probe.Body.Len()), probe.Header().Get("Content-Length"))
			require.NotEmpty(t, probe.seen)
			require.Equal(t, before+1, probe.seen[len(probe.seen)-1], "journalled before the last write")
			require.Equal(t, before+1, entries(), "journalled once")
		})
	}
}
