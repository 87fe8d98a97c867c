package mock

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// sessionNames lists the sessions the admin API reports.
func sessionNames(t *testing.T, ts interface{ Client() *http.Client }, url string) []string {
	t.Helper()
	resp, err := ts.Client().Get(url + "/__standin/sessions")
	require.NoError(t, err)
	defer resp.Body.Close()
	var infos []sessionInfo
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&infos))
	names := make([]string, len(infos))
	for i, info := range infos {
		names[i] = info.Name
	}
	return names
}

func TestStateSessionsMadeOnlyAfterAuthentication(t *testing.T) {
	ts, _ := stateServer(t, Config{})
	r := engineDo(t, ts, http.MethodGet, "/cinnox/v1/api/apps/a/labels", "", SessionHeader, "no-credentials")
	require.Equal(t, 401, r.status)
	require.NotContains(t, sessionNames(t, ts, ts.URL), "no-credentials", "a refused request makes no session")

	require.Equal(t, 200, stateDo(t, ts, http.MethodGet, "/cinnox/v1/api/apps/a/labels", "", SessionHeader, "with-credentials").status)
	require.Contains(t, sessionNames(t, ts, ts.URL), "with-credentials")
}

func TestStateSessionsEvictedAtTheCap(t *testing.T) {
	ts, _ := stateServer(t, Config{MaxSessions: 3})
	label := "/__standin/state/cinnox/labels/label-01"
	require.Equal(t, 200, stateDo(t, ts, http.MethodPut, label+"?session=first", `{"name":"First's"}`).status)
	require.Equal(t, 200, stateDo(t, ts, http.MethodGet, "/cinnox/v1/api/apps/a/labels", "", SessionHeader, "second").status)
	require.Equal(t, []string{"default", "first", "second"}, sessionNames(t, ts, ts.URL))

	require.Equal(t, 200, stateDo(t, ts, http.MethodGet, "/cinnox/v1/api/apps/a/labels", "", SessionHeader, "third").status)
	require.Equal(t, []string{"default", "second", "third"}, sessionNames(t, ts, ts.URL),
		"the least recently used session goes; the default session is never evicted")

	got := stateDo(t, ts, http.MethodGet, label+"?session=first", "").json(t)
	require.NotEqual(t, "First's", got["name"], "an evicted session starts again from the seed")
}

func TestStateSessionsIdleTTL(t *testing.T) {
	clock := newStateClock()
	ts, _ := stateServer(t, Config{SessionTTL: time.Hour}, WithClock(clock))
	require.Equal(t, 200, stateDo(t, ts, http.MethodGet, "/cinnox/v1/api/apps/a/labels", "", SessionHeader, "idle").status)
	clock.Advance(30 * time.Minute)
	require.Equal(t, 200, stateDo(t, ts, http.MethodGet, "/cinnox/v1/api/apps/a/labels", "", SessionHeader, "recent").status)
	clock.Advance(45 * time.Minute)
	require.Equal(t, 200, stateDo(t, ts, http.MethodGet, "/cinnox/v1/api/apps/a/labels", "", SessionHeader, "new").status)
	require.Equal(t, []string{"default", "new", "recent"}, sessionNames(t, ts, ts.URL), "idle for 75 minutes: evicted")
}

func TestStateSessionsBadLimits(t *testing.T) {
	apis, err := stateAPIs()
	require.NoError(t, err)
	_, err = New(apis, Config{MaxSessions: -1})
	require.ErrorContains(t, err, "MaxSessions -1 is negative")
	_, err = New(apis, Config{SessionTTL: -time.Second})
	require.ErrorContains(t, err, "SessionTTL -1s is negative")
}
