package scenarios

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/standin/standin/fault"
)

func TestBundledScenariosLoad(t *testing.T) {
	all, err := List("")
	require.NoError(t, err)
	var names []string
	for _, sc := range all {
		names = append(names, sc.Name)
		require.Equal(t, "scenarios/"+sc.Name+".yaml", sc.File, "the file is named after the scenario")
		require.NotEmpty(t, sc.Summary())
		require.NotEmpty(t, sc.Rules)
		require.NotEmpty(t, sc.Expect)
		for i, r := range sc.Rules {
			require.NoError(t, r.Validate())
			require.NotEmpty(t, r.ID)
			again, err := fault.Parse(r.String())
			require.NoError(t, err, "rule %d of %s", i+1, sc.Name)
			require.Equal(t, r, again)
		}
		byName, err := Load(sc.Name, "")
		require.NoError(t, err)
		require.Equal(t, sc, byName)
	}
	require.Equal(t, []string{"aelyst-queue-449", "aelyst-rate-limit", "carecycle-rate-limited",
		"carecycle-validation-outage", "cinnox-outage", "flaky-network", "slow-vendor"}, names)
}

func TestParseScenario(t *testing.T) {
	sc, err := Parse("x/my-scenario.yaml", []byte(`
description: |
  First line.
  More.
rules:
  - op: updateAssignee
    queue: 2
  - { id: late, api: cinnox, status: 500, from: 2026-11-21T09:00:00Z }
state:
  - api: aelyst
    collection: contacts
    records: [ { id: 7, firstName: Ada } ]
expect:
  - request:
      api: aelyst
      method: post
      path: /v1/contact/id:7/conversation/assignee
      headers: { Authorization: Bearer t }
      body: { assignee: 3 }
    status: 449
    repeat: 2
    headers: { Retry-After: "" }
    mayDrop: true
`))
	require.NoError(t, err)
	require.Equal(t, "my-scenario", sc.Name)
	require.Equal(t, "First line.", sc.Summary())
	require.Len(t, sc.Rules, 2)
	require.Equal(t, "my-scenario#1", sc.Rules[0].ID)
	require.Equal(t, 2, sc.Rules[0].Action.Queue.Times)
	require.Equal(t, "late", sc.Rules[1].ID)
	require.False(t, sc.Rules[1].When.From.IsZero())
	require.Equal(t, []StateOverride{{API: "aelyst", Collection: "contacts", Records: []map[string]any{{"id": 7.0, "firstName": "Ada"}}}}, sc.State)
	require.Equal(t, []Expectation{{
		Request: Request{API: "aelyst", Method: "POST", Path: "/v1/contact/id:7/conversation/assignee",
			Headers: map[string]string{"Authorization": "Bearer t"}, Body: map[string]any{"assignee": 3.0}},
		Status: 449, Repeat: 2, Headers: map[string]string{"Retry-After": ""}, MayDrop: true, Line: 14,
	}}, sc.Expect)
}

func TestParseScenarioErrors(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want string
	}{
		{"not yaml", "rules: [", "bad.yaml:1: not valid YAML"},
		{"empty", "", "bad.yaml:1: empty file"},
		{"not a mapping", "- a", "bad.yaml:1: the scenario: expected a mapping"},
		{"unknown key", "name: a\nrulez: []\n", `bad.yaml:2: unknown key "rulez" in the scenario: expected one of name, description, rules, state, expect`},
		{"bad name", "name: Bad_Name\nrules: [ { status: 500 } ]", `bad.yaml:1: name "Bad_Name": expected lower-case letters`},
		{"no rules", "name: a\n", "bad.yaml:1: no rules and no state"},
		{"rules not a list", "rules: { status: 500 }", "bad.yaml:1: rules: expected a list, got a mapping"},
		{"unknown rule key", "rules:\n  - status: 500\n    colour: red\n", `bad.yaml:3: unknown key "colour" in rule 1: expected one of id, api`},
		{"bad rule value", "rules:\n  - api: x\n    status: 999\n", "bad.yaml:3: rule 1: status=999: expected an HTTP status 100..599"},
		{"bad latency object", "rules:\n  - latency: { p50: 1s }\n", "bad.yaml:2: rule 1: latency=an object: expected {fixed}"},
		{"rule without action", "rules:\n  - api: x\n", "bad.yaml:2: rule 1: action: expected one of status"},
		{"state missing key", "state:\n  - { api: a, records: [] }\n", "bad.yaml:2: state entry 1: missing collection"},
		{"state records", "state:\n  - { api: a, collection: c, records: [1] }\n", "bad.yaml:2: state entry 1 records: expected a list of objects"},
		{"expect missing status", "rules: [ { status: 500 } ]\nexpect:\n  - request: { api: a, method: GET, path: /x }\n", "bad.yaml:3: expectation 1: expected request and status"},
		{"expect bad path", "rules: [ { status: 500 } ]\nexpect:\n  - request: { api: a, method: GET, path: x }\n    status: 200\n", `bad.yaml:3: expectation 1 path "x": expected a path starting with /`},
		{"expect bad status", "rules: [ { status: 500 } ]\nexpect:\n  - request: { api: a, method: GET, path: /x }\n    status: lots\n", `bad.yaml:4: expectation 1 status "lots": expected an HTTP status`},
		{"expect bad repeat", "rules: [ { status: 500 } ]\nexpect:\n  - request: { api: a, method: GET, path: /x }\n    status: 200\n    repeat: 0\n", `bad.yaml:5: expectation 1 repeat "0": expected a number of times 1..1000`},
		{"expect unknown key", "rules: [ { status: 500 } ]\nexpect:\n  - request: { api: a, method: GET, path: /x, query: {} }\n    status: 200\n", `bad.yaml:3: unknown key "query" in expectation 1 request`},
		{"duplicate key", "rules: []\nrules: []\n", `bad.yaml:2: key "rules" appears twice`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("bad.yaml", []byte(tt.src))
			require.Error(t, err)
			var se *Error
			require.ErrorAs(t, err, &se)
			require.Equal(t, "bad.yaml", se.File)
			require.Contains(t, err.Error(), tt.want)
		})
	}
}

func TestLoadUserScenarios(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "slow-vendor.yaml"), []byte("description: mine\nrules: [ { latency: 1s } ]\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "extra.yml"), []byte("rules: [ { status: 500 } ]\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("not a scenario"), 0o644))

	sc, err := Load("slow-vendor", dir)
	require.NoError(t, err)
	require.Equal(t, "mine", sc.Description, "the user folder comes first")
	sc, err = Load("extra", dir)
	require.NoError(t, err)
	require.Equal(t, filepath.Join(dir, "extra.yml"), sc.File)
	sc, err = Load(filepath.Join(dir, "extra.yml"), "")
	require.NoError(t, err)
	require.Equal(t, "extra", sc.Name)

	all, err := List(dir)
	require.NoError(t, err)
	require.Len(t, all, 8)

	_, err = Load("nope", dir)
	require.ErrorIs(t, err, ErrNotFound)
	require.ErrorContains(t, err, "known: aelyst-queue-449, aelyst-rate-limit")

	require.NoError(t, os.WriteFile(filepath.Join(dir, "broken.yaml"), []byte("rules:\n  - status: nine\n"), 0o644))
	_, err = List(dir)
	var se *Error
	require.True(t, errors.As(err, &se))
	require.Equal(t, filepath.Join(dir, "broken.yaml"), se.File)
	require.Equal(t, 2, se.Line)
}

func FuzzScenario(f *testing.F) {
	entries, err := FS.ReadDir(".")
	if err != nil {
		f.Fatal(err)
	}
	for _, e := range entries {
		data, err := FS.ReadFile(e.Name())
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("rules: [ { status: 500 } ]\nexpect: [ { request: { api: a, method: GET, path: /x }, status: 200 } ]"))
	f.Add([]byte("state: [ { api: a, collection: c, records: [ { id: 1 } ] } ]"))
	f.Add([]byte("rules: &a [ *a ]"))
	f.Fuzz(func(t *testing.T, data []byte) {
		sc, err := Parse("fuzz.yaml", data)
		if err != nil {
			var se *Error
			require.ErrorAs(t, err, &se)
			require.Equal(t, "fuzz.yaml", se.File)
			return
		}
		require.True(t, len(sc.Rules) > 0 || len(sc.State) > 0)
		for _, r := range sc.Rules {
			require.NoError(t, r.Validate())
			require.NotEmpty(t, r.ID)
		}
		for _, e := range sc.Expect {
			require.GreaterOrEqual(t, e.Status, 100)
			require.True(t, len(e.Request.Path) > 0 && e.Request.Path[0] == '/')
		}
	})
}
