package mock

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestStateAbandonedWrite sends creates whose clients half-close their connection right after the request: each
// is either applied (and then answered in full, or not at all) or not applied and answered with nothing — never
// an empty 200 the client could take for success.
func TestStateAbandonedWrite(t *testing.T) {
	ts, _ := stateServer(t, Config{})
	addr := strings.TrimPrefix(ts.URL, "http://")
	answered, silent := 0, 0
	for i := range 20 {
		name := fmt.Sprintf("abandoned-%02d", i)
		body := `{"name":"` + name + `"}`
		conn, err := net.Dial("tcp", addr)
		require.NoError(t, err)
		_, err = fmt.Fprintf(conn, "POST /carecycle/v2/campaigns/appointment-configs HTTP/1.1\r\nHost: x\r\n"+
			"x-api-key: cc_test_state_key\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s", len(body), body)
		require.NoError(t, err)
		require.NoError(t, conn.(*net.TCPConn).CloseWrite())
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		var data []byte
		if err == nil {
			data, err = io.ReadAll(resp.Body)
			resp.Body.Close()
		}
		conn.Close()

		stored := strings.Contains(string(stateDo(t, ts, http.MethodGet, "/__standin/state/carecycle/appointmentConfigs", "").body), `"`+name+`"`)
		if resp == nil {
			silent++
			require.False(t, stored, "%s: no answer, so the create must not be applied", name)
			continue
		}
		require.NoError(t, err, "%s: an answer is whole", name)
		answered++
		require.Equal(t, 201, resp.StatusCode, "%s: body %s", name, data)
		require.Contains(t, string(data), name)
		require.True(t, stored, "%s: answered 201, so the create is applied", name)
	}
	t.Logf("answered %d, closed without an answer %d", answered, silent)
}
