package mock

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/standin/standin/scenarios"
)

// TestScenarioShippedExpectationsPass activates every bundled scenario on a fresh in-process mock, through the
// admin API in a fresh session, and requires each of its expectations to pass. The test clock keeps time still
// (rate-limit windows do not move) and ends delays at once.
func TestScenarioShippedExpectationsPass(t *testing.T) {
	all, err := scenarios.List("")
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(all), 7)
	for _, sc := range all {
		t.Run(sc.Name, func(t *testing.T) {
			require.NotEmpty(t, sc.Expect, "every shipped scenario has expectations")
			ts, _, _ := faultServer(t, Config{})
			rn := &scenarios.Runner{Client: ts.Client(), Target: ts.URL, Session: "scenario-test"}
			n := 0
			err := rn.Run(t.Context(), sc, func(r scenarios.Result) {
				n++
				require.True(t, r.Pass, "%s", r)
			})
			require.NoError(t, err)
			want := 0
			for _, e := range sc.Expect {
				want += max(e.Repeat, 1)
			}
			require.Equal(t, want, n)

			// The scenario was active in its session only, and is switched off afterwards.
			status, body := faultAdmin(t, ts, "GET", "/__standin/faults?session=scenario-test", nil)
			require.Equal(t, http.StatusOK, status)
			require.Empty(t, body["rules"])
		})
	}
}

func TestScenarioFromConfig(t *testing.T) {
	ts, srv, _ := faultServer(t, Config{Scenarios: []string{"aelyst-queue-449"}})
	require.NoError(t, srv.FaultConfigError())
	var got []int
	for range 3 {
		got = append(got, faultDo(t, ts, faultAssignee).status)
	}
	require.Equal(t, []int{449, 449, 200}, got)
	// Another session has its own queue.
	require.Equal(t, 449, faultDo(t, ts, faultAssignee.with(SessionHeader, "other")).status)
}

func TestScenarioUserDirAndFile(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "cinnox-teapot.yaml"), []byte(`
description: CINNOX answers 418.
rules:
  - { api: cinnox, status: 418, allowUndocumented: true }
`), 0o644))
	ts, _, _ := faultServer(t, Config{ScenarioDir: dir, Scenarios: []string{filepath.Join(dir, "cinnox-teapot.yaml")}})
	require.Equal(t, 418, faultDo(t, ts, faultCinnoxList).status)

	ts2, _, _ := faultServer(t, Config{ScenarioDir: dir})
	status, body := faultAdmin(t, ts2, "POST", "/__standin/scenarios/cinnox-teapot?session=s1", nil)
	require.Equal(t, http.StatusOK, status, "%v", body)
	require.Equal(t, 418, faultDo(t, ts2, faultCinnoxList.with(SessionHeader, "s1")).status)
	require.Equal(t, 200, faultDo(t, ts2, faultCinnoxList).status)
}

func TestScenarioRunnerReportsFailures(t *testing.T) {
	sc, err := scenarios.Parse("wrong.yaml", []byte(`
rules: [ { api: cinnox, status: 500 } ]
expect:
  - request: { api: cinnox, method: GET, path: /v1/api/apps/a/labels, headers: { Authorization: Bearer x } }
    status: 200
  - request: { api: cinnox, method: GET, path: /v1/api/apps/a/labels, headers: { Authorization: Bearer x } }
    status: 500
    headers: { X-Not-There: "" }
`))
	require.NoError(t, err)
	ts, _, _ := faultServer(t, Config{})
	var lines []string
	rn := &scenarios.Runner{Client: ts.Client(), Target: ts.URL}
	require.NoError(t, rn.Run(context.Background(), sc, func(r scenarios.Result) {
		require.False(t, r.Pass)
		lines = append(lines, r.String())
	}))
	require.Equal(t, []string{
		"FAIL GET /cinnox/v1/api/apps/a/labels: want 200, got 500: status differs",
		"FAIL GET /cinnox/v1/api/apps/a/labels: want 500, got 500: header X-Not-There missing",
	}, lines)
}

func TestScenarioStateOverrides(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "with-contact.yaml"), []byte(`
description: A contact 99 exists.
state:
  - api: aelyst
    collection: contacts
    records: [ { id: 99, firstName: Test, lastName: Contact } ]
  - api: not-served
    collection: things
    records: [ { id: 1 } ]
`), 0o644))
	get99 := faultReq{method: "GET", path: "/aelyst/v1/contact/id:99"}

	ts, srv, _ := faultServer(t, Config{ScenarioDir: dir, Scenarios: []string{"with-contact"}})
	require.NoError(t, srv.FaultConfigError())
	require.Equal(t, http.StatusOK, faultDo(t, ts, get99).status, "start scenarios fill the default session")
	require.Equal(t, http.StatusOK, faultDo(t, ts, get99.with(SessionHeader, "other")).status, "and every other session")

	ts, _, _ = faultServer(t, Config{ScenarioDir: dir})
	require.Equal(t, http.StatusNotFound, faultDo(t, ts, get99.with(SessionHeader, "qa")).status)
	status, body := faultAdmin(t, ts, "POST", "/__standin/scenarios/with-contact?session=qa", nil)
	require.Equal(t, http.StatusOK, status, "%v", body)
	require.Equal(t, http.StatusOK, faultDo(t, ts, get99.with(SessionHeader, "qa")).status)
	require.Equal(t, http.StatusNotFound, faultDo(t, ts, get99).status, "only in that session")

	require.NoError(t, os.WriteFile(filepath.Join(dir, "bad-state.yaml"), []byte(`
state: [ { api: aelyst, collection: contact, records: [ { id: 1 } ] } ]
`), 0o644))
	status, body = faultAdmin(t, ts, "POST", "/__standin/scenarios/bad-state", nil)
	require.Equal(t, http.StatusBadRequest, status)
	require.Contains(t, body["error"], `API aelyst has no collection "contact"; expected one of contacts, users`)
	_, err := New(faultAPIs(t), Config{ScenarioDir: dir, Scenarios: []string{"bad-state"}}, WithClock(newFaultClock()))
	require.ErrorContains(t, err, "no collection", "a start scenario with bad state stops the start")
}

// TestScenarioStartStateIsSeed pins that the state of a scenario given at start is part of the seeded state: the
// admin API shows it before any API request, a fresh session has it, and a reset returns to it.
func TestScenarioStartStateIsSeed(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "with-contact.yaml"), []byte(`
description: A contact 99 exists.
state: [ { api: aelyst, collection: contacts, records: [ { id: 99, firstName: Test, lastName: Contact } ] } ]
`), 0o644))
	ts, _, _ := faultServer(t, Config{ScenarioDir: dir, Scenarios: []string{"with-contact"}})

	status, body := faultAdmin(t, ts, "GET", "/__standin/state/aelyst/contacts/99", nil)
	require.Equal(t, http.StatusOK, status, "visible before the first API request: %v", body)
	require.Equal(t, "Test", body["firstName"])

	// A client changes the record; a reset brings the scenario's version back.
	get99 := faultReq{method: "GET", path: "/aelyst/v1/contact/id:99"}
	status, body = faultAdmin(t, ts, "PUT", "/__standin/state/aelyst/contacts/99",
		map[string]any{"id": 99, "firstName": "Changed"})
	require.Equal(t, http.StatusOK, status, "%v", body)
	require.Contains(t, string(faultDo(t, ts, get99).body), "Changed")
	status, _ = faultAdmin(t, ts, "POST", "/__standin/reset", nil)
	require.Equal(t, http.StatusOK, status)
	require.Contains(t, string(faultDo(t, ts, get99).body), `"firstName":"Test"`)
	require.Equal(t, http.StatusOK, faultDo(t, ts, get99.with(SessionHeader, "fresh")).status)
}
