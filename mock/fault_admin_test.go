package mock

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestFaultAdminRules(t *testing.T) {
	ts, _, _ := faultServer(t, Config{Faults: []string{"id=slow,api=cinnox,latency=10ms"}})

	status, body := faultAdmin(t, ts, "GET", "/__standin/faults", nil)
	require.Equal(t, http.StatusOK, status)
	rules := body["rules"].([]any)
	require.Len(t, rules, 1)
	require.Equal(t, "slow", rules[0].(map[string]any)["id"])
	require.Equal(t, "global", rules[0].(map[string]any)["scope"])

	// One rule object, a list mixing objects and CLI strings.
	status, body = faultAdmin(t, ts, "POST", "/__standin/faults", map[string]any{"op": "getLabelList", "status": 500, "times": 1})
	require.Equal(t, http.StatusCreated, status, "%v", body)
	require.Equal(t, []any{"g1"}, body["ids"])
	status, body = faultAdmin(t, ts, "POST", "/__standin/faults?session=qa", []any{
		map[string]any{"id": "mine", "api": "carecycle", "status": 500},
		"api=aelyst,status=449",
	})
	require.Equal(t, http.StatusCreated, status, "%v", body)
	require.Equal(t, []any{"mine", "s1"}, body["ids"])

	require.Equal(t, 500, faultDo(t, ts, faultCinnoxList).status, "global rule g1")
	require.Equal(t, 200, faultDo(t, ts, faultCinnoxList).status, "times=1 used up")
	require.Equal(t, 500, faultDo(t, ts, faultCareList.with(SessionHeader, "qa")).status)
	require.Equal(t, 200, faultDo(t, ts, faultCareList).status)

	status, body = faultAdmin(t, ts, "GET", "/__standin/faults?session=qa", nil)
	require.Equal(t, http.StatusOK, status)
	var ids, scopes []string
	for _, r := range body["rules"].([]any) {
		m := r.(map[string]any)
		ids = append(ids, m["id"].(string))
		scopes = append(scopes, m["scope"].(string))
		if m["id"] == "g1" {
			require.Equal(t, false, m["exhausted"], "session qa has its own count: g1 has not fired there")
		}
		if m["id"] == "mine" {
			require.Equal(t, false, m["exhausted"])
			require.Equal(t, 1.0, m["matched"])
			require.Equal(t, 1.0, m["fired"])
			require.Equal(t, "id=mine,api=carecycle,status=500", m["rule"])
		}
	}
	require.Equal(t, []string{"mine", "s1", "slow", "g1"}, ids)
	status, body = faultAdmin(t, ts, "GET", "/__standin/faults", nil)
	require.Equal(t, http.StatusOK, status)
	g1 := body["rules"].([]any)[1].(map[string]any)
	require.Equal(t, "g1", g1["id"])
	require.Equal(t, true, g1["exhausted"], "the global listing shows the default session's counts: times=1 is used up")
	require.Equal(t, []string{"session", "session", "global", "global"}, scopes)

	// Errors.
	status, body = faultAdmin(t, ts, "POST", "/__standin/faults", map[string]any{"status": "abc"})
	require.Equal(t, http.StatusBadRequest, status)
	require.Equal(t, "rule 1: status=abc: expected an HTTP status 100..599", body["error"])
	status, body = faultAdmin(t, ts, "POST", "/__standin/faults", []any{"status=500", "drop,status=500"})
	require.Equal(t, http.StatusBadRequest, status)
	require.Contains(t, body["error"], "rule 2: action: expected at most one of")
	status, _ = faultAdmin(t, ts, "POST", "/__standin/faults", map[string]any{"id": "slow", "status": 500})
	require.Equal(t, http.StatusConflict, status)
	status, _ = faultAdmin(t, ts, "POST", "/__standin/faults?session=bad%20name", "status=500")
	require.Equal(t, http.StatusBadRequest, status)

	// Delete one, then all of a scope.
	status, _ = faultAdmin(t, ts, "DELETE", "/__standin/faults/mine?session=qa", nil)
	require.Equal(t, http.StatusOK, status)
	require.Equal(t, 200, faultDo(t, ts, faultCareList.with(SessionHeader, "qa")).status)
	status, body = faultAdmin(t, ts, "DELETE", "/__standin/faults/mine?session=qa", nil)
	require.Equal(t, http.StatusNotFound, status)
	require.Contains(t, body["error"], `no rule "mine" in session qa`)
	status, body = faultAdmin(t, ts, "DELETE", "/__standin/faults?session=qa", nil)
	require.Equal(t, http.StatusOK, status)
	require.Equal(t, 1.0, body["removed"])
	status, body = faultAdmin(t, ts, "DELETE", "/__standin/faults", nil)
	require.Equal(t, http.StatusOK, status)
	require.Equal(t, 2.0, body["removed"])
	status, body = faultAdmin(t, ts, "GET", "/__standin/faults?session=qa", nil)
	require.Equal(t, http.StatusOK, status)
	require.Empty(t, body["rules"])
}

func TestFaultAdminScenarios(t *testing.T) {
	ts, _, _ := faultServer(t, Config{})
	status, body := faultAdmin(t, ts, "GET", "/__standin/scenarios", nil)
	require.Equal(t, http.StatusOK, status)
	var names []string
	for _, s := range body["scenarios"].([]any) {
		names = append(names, s.(map[string]any)["name"].(string))
	}
	require.Subset(t, names, []string{"carecycle-rate-limited", "carecycle-validation-outage", "aelyst-queue-449",
		"aelyst-rate-limit", "cinnox-outage", "flaky-network", "slow-vendor"})

	status, body = faultAdmin(t, ts, "POST", "/__standin/scenarios/cinnox-outage?session=qa", nil)
	require.Equal(t, http.StatusOK, status, "%v", body)
	require.Equal(t, "qa", body["scope"])
	require.Equal(t, 500, faultDo(t, ts, faultCinnoxList.with(SessionHeader, "qa")).status)
	require.Equal(t, 200, faultDo(t, ts, faultCinnoxList).status, "the default session is untouched")

	status, body = faultAdmin(t, ts, "POST", "/__standin/scenarios/cinnox-outage", nil)
	require.Equal(t, http.StatusOK, status, "%v", body)
	require.Equal(t, "global", body["scope"])
	require.Equal(t, 500, faultDo(t, ts, faultCinnoxList).status)
	require.Equal(t, 500, faultDo(t, ts, faultCinnoxList.with(SessionHeader, "new-session")).status, "global reaches every session")

	status, body = faultAdmin(t, ts, "GET", "/__standin/scenarios", nil)
	require.Equal(t, http.StatusOK, status)
	for _, s := range body["scenarios"].([]any) {
		m := s.(map[string]any)
		if m["name"] == "cinnox-outage" {
			require.Equal(t, []any{"global", "qa"}, m["activeIn"])
		}
	}

	status, _ = faultAdmin(t, ts, "DELETE", "/__standin/scenarios/cinnox-outage", nil)
	require.Equal(t, http.StatusOK, status)
	require.Equal(t, 200, faultDo(t, ts, faultCinnoxList).status)
	require.Equal(t, 500, faultDo(t, ts, faultCinnoxList.with(SessionHeader, "qa")).status, "the session's activation stays")
	status, _ = faultAdmin(t, ts, "DELETE", "/__standin/scenarios/cinnox-outage?session=qa", nil)
	require.Equal(t, http.StatusOK, status)
	require.Equal(t, 200, faultDo(t, ts, faultCinnoxList.with(SessionHeader, "qa")).status)

	status, body = faultAdmin(t, ts, "DELETE", "/__standin/scenarios/cinnox-outage", nil)
	require.Equal(t, http.StatusNotFound, status)
	require.Contains(t, body["error"], "is not active")
	status, body = faultAdmin(t, ts, "POST", "/__standin/scenarios/no-such", nil)
	require.Equal(t, http.StatusNotFound, status)
	require.Contains(t, body["error"], `scenario "no-such": no such scenario; known: aelyst-queue-449`)
}

func TestFaultAdminScenarioReactivationRestartsCounters(t *testing.T) {
	ts, _, _ := faultServer(t, Config{})
	activate := func() {
		status, body := faultAdmin(t, ts, "POST", "/__standin/scenarios/aelyst-queue-449?session=qa", nil)
		require.Equal(t, http.StatusOK, status, "%v", body)
	}
	in := faultAssignee.with(SessionHeader, "qa")
	activate()
	require.Equal(t, []int{449, 449, 200}, []int{faultDo(t, ts, in).status, faultDo(t, ts, in).status, faultDo(t, ts, in).status})
	activate()
	require.Equal(t, 449, faultDo(t, ts, in).status, "activating again starts afresh")
}
