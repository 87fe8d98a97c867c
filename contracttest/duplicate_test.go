package contracttest

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/require"

	"github.com/standin/standin/openapi"
)

// duplicateResult returns the duplicate-create result of op in rep (nil when none was planned).
func duplicateResult(rep *Report, op string) *Result {
	for _, r := range rep.Results {
		if r.Case.Name == "duplicate-create" && r.Case.Steps[0].Operation == op {
			return r
		}
	}
	return nil
}

// TestIssue10DuplicateCreate: a create that documents 409 and names its record's key in the body gets a
// duplicate-create case (the same create twice, the second must answer 409); one without 409, or whose key is
// readOnly, gets none. The mock
// passes it; a server that accepts the same key twice fails it on negative_rejected.
func TestIssue10DuplicateCreate(t *testing.T) {
	api, err := openapi.LoadFile(t.Context(), "testdata/duplicates.yaml")
	require.NoError(t, err)

	t.Run("the mock answers 409", func(t *testing.T) {
		clock := &fakeTime{now: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
		ts := mockTarget(t, api, clock)
		rep, err := Run(t.Context(), Config{API: api, Target: ts.URL + "/" + api.Name + api.BasePath, RunID: "run1"},
			WithHTTPClient(ts.Client()), WithSleep(clock.Sleep), WithClock(clock.Now))
		require.NoError(t, err)
		require.Nil(t, duplicateResult(rep, "createWidget"), "no 409 documented, no duplicate case")
		require.Nil(t, duplicateResult(rep, "createGadget"), "a readOnly key is not the client's to name")
		res := duplicateResult(rep, "createThing")
		require.NotNil(t, res, "createThing documents 409")
		require.Equal(t, Pass, res.Outcome, "%+v", res.Checks)
		require.Len(t, res.Exchanges, 2)
		require.Equal(t, http.StatusCreated, res.Exchanges[0].Response.Status)
		require.Equal(t, http.StatusConflict, res.Exchanges[1].Response.Status, "%s", res.Exchanges[1].Response.Body)
		require.Equal(t, res.Exchanges[0].Request.Body, res.Exchanges[1].Request.Body, "the same create twice")
		require.NotContains(t, res.Exchanges[0].Request.Body, `"first"`, "a fresh key, not the example's")
		require.Zero(t, rep.Summary.Failed, "%v", failedChecks(rep))
	})

	t.Run("a create at a path id", func(t *testing.T) {
		api, err := openapi.LoadFile(t.Context(), "testdata/duplicates-identifier.yaml")
		require.NoError(t, err)
		clock := &fakeTime{now: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
		ts := mockTarget(t, api, clock)
		rep, err := Run(t.Context(), Config{API: api, Target: ts.URL + "/" + api.Name + api.BasePath, RunID: "run1"},
			WithHTTPClient(ts.Client()), WithSleep(clock.Sleep), WithClock(clock.Now))
		require.NoError(t, err)
		res := duplicateResult(rep, "createMember")
		require.NotNil(t, res)
		require.Equal(t, Pass, res.Outcome, "%+v", res.Checks)
		require.Equal(t, http.StatusCreated, res.Exchanges[0].Response.Status, "%s", res.Exchanges[0].Response.Body)
		require.Equal(t, http.StatusConflict, res.Exchanges[1].Response.Status, "%s", res.Exchanges[1].Response.Body)
		require.Equal(t, res.Exchanges[0].Request.URL, res.Exchanges[1].Request.URL, "the same path id twice")
		require.NotContains(t, res.Exchanges[0].Request.URL, "email:ada@example.com", "a fresh id, not the example's")
		require.Zero(t, rep.Summary.Failed, "%v", failedChecks(rep))
	})

	t.Run("a server that takes the key twice fails", func(t *testing.T) {
		ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method != http.MethodPost {
				http.NotFound(w, r)
				return
			}
			body, _ := io.ReadAll(r.Body)
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusCreated)
			_, _ = w.Write(body)
		}))
		t.Cleanup(ts.Close)
		rep, err := Run(t.Context(), Config{API: api, Target: ts.URL + "/v1", Include: []string{"createThing"}, RunID: "run1"},
			WithHTTPClient(ts.Client()), WithSleep(noSleep), WithClock(fixedClock))
		require.NoError(t, err)
		res := duplicateResult(rep, "createThing")
		require.NotNil(t, res)
		require.Equal(t, Fail, res.Outcome)
		var failed []CheckResult
		for _, c := range res.Checks {
			if !c.Passed {
				failed = append(failed, c)
			}
		}
		require.Len(t, failed, 1, "%+v", res.Checks)
		require.Equal(t, CheckNegativeRejected, failed[0].Name)
		require.Equal(t, 1, failed[0].Step)
		require.Equal(t, "201", failed[0].Got)
		require.Contains(t, failed[0].Want, "409")
	})
}

// TestUnknownIDs: the unknown-id case asks for an id no generated record is likely to hold. An integer id
// without a maximum gets a value between 2,000,000,000 and 2,100,000,000 (a small generated number such as 777
// may belong to a seeded record); a plain string id gets the generated word with a suffix fresh for the run (a
// bare word such as GitHub's {org} may be one a seeded record holds), within maxLength. A bounded integer gets
// the greatest value it allows, a multiple of its multipleOf.
func TestUnknownIDs(t *testing.T) {
	param := func(path, op, name, schema string) string {
		return fmt.Sprintf("  %s:\n    get:\n      operationId: %s\n      parameters: [{name: %s, in: path, required: true, schema: %s}]\n"+
			"      responses: {\"200\": {description: ok}, \"404\": {description: none}}\n", path, op, name, schema)
	}
	src := "openapi: 3.0.3\ninfo: {title: ids, version: \"1\"}\npaths:\n" +
		param("/employees/{number}", "getEmployee", "number", "{type: integer, minimum: 1}") +
		param("/rooms/{room}", "getRoom", "room", "{type: integer, minimum: 1, maximum: 500}") +
		param("/desks/{desk}", "getDesk", "desk", "{type: integer, minimum: 1, maximum: 90, exclusiveMaximum: true, multipleOf: 4}") +
		param("/seats/{seat}", "getSeat", "seat", "{type: integer, multipleOf: 7}") +
		param("/orgs/{org}", "getOrg", "org", "{type: string}") +
		param("/codes/{code}", "getCode", "code", "{type: string, minLength: 3, maxLength: 4}") +
		param("/skus/{sku}", "getSku", "sku", `{type: string, pattern: "^[A-Z]{3}[0-9]{2}$"}`) +
		param("/contact/{identifier}", "getContact", "identifier", `{type: string, pattern: "^(id:[0-9]+|phone:[0-9]+)$"}`)
	api, err := openapi.LoadData(t.Context(), "ids.yaml", []byte(src))
	require.NoError(t, err)
	plan := func(run string) map[string]string {
		r, err := New(Config{API: api, Target: "http://127.0.0.1:1", DryRun: true, RunID: run})
		require.NoError(t, err)
		found := map[string]string{}
		for _, c := range r.Plan().Cases {
			if c.Name == "unknown-id" {
				for _, v := range c.Steps[0].req.pathParams {
					found[c.Operation] = v
				}
			}
		}
		return found
	}
	found := plan("run1")
	number := func(op string) int64 {
		n, err := strconv.ParseInt(found[op], 10, 64)
		require.NoError(t, err, "%s: %q", op, found[op])
		return n
	}
	require.GreaterOrEqual(t, number("getEmployee"), int64(2_000_000_000))
	require.LessOrEqual(t, number("getEmployee"), int64(2_100_000_000))
	require.Equal(t, int64(500), number("getRoom"), "a bounded id: the top of its range, records are numbered from the bottom")
	require.Equal(t, int64(88), number("getDesk"), "below an exclusive maximum, a multiple of 4")
	require.GreaterOrEqual(t, number("getSeat"), int64(2_000_000_000-7))
	require.Zero(t, number("getSeat")%7)
	require.Regexp(t, `^.+-[a-z2-9]{6}$`, found["getOrg"])
	require.Regexp(t, `^[a-z2-9]{3,4}$`, found["getCode"], "maxLength leaves no room for a suffix: the suffix's letters alone")
	require.Regexp(t, `^[A-Z]{3}[0-9]{2}$`, found["getSku"], "a pattern keeps its generated value")
	require.NotEqual(t, found["getOrg"], plan("run2")["getOrg"], "fresh for each run")
	// A pattern with a free part gets a value of at least 12 characters: over 100 runs no identifier is one a
	// small seeded collection holds, as "id:1" was about one run in twenty.
	for i := range 100 {
		id := plan(fmt.Sprintf("run-%d", i))["getContact"]
		require.Regexp(t, `^(id|phone):[0-9]+$`, id)
		_, digits, _ := strings.Cut(id, ":")
		require.GreaterOrEqual(t, len(id), 12, "run-%d: %q", i, id)
		require.Greater(t, len(digits), 4, "run-%d: %q", i, id)
	}
}

// TestUnlikelyIntegerBounds: the unknown-id integer under OpenAPI 3.1's numeric exclusiveMaximum, and the values
// kept as they were: an enum, and a maximum past the integers a float64 holds exactly.
func TestUnlikelyIntegerBounds(t *testing.T) {
	bound := 90.5
	low, huge := -3e9, -1e300
	tests := []struct {
		name string
		sc   *openapi3.Schema
		want any
	}{
		{"3.1 exclusive bound", &openapi3.Schema{Type: &openapi3.Types{openapi3.TypeInteger},
			ExclusiveMax: openapi3.ExclusiveBound{Value: &bound}}, int64(90)},
		{"enum", &openapi3.Schema{Type: &openapi3.Types{openapi3.TypeInteger}, Enum: []any{1, 2}}, int64(2)},
		{"below int32", &openapi3.Schema{Type: &openapi3.Types{openapi3.TypeInteger}, Max: &low}, int64(-3e9)},
		{"past a float64's integers", &openapi3.Schema{Type: &openapi3.Types{openapi3.TypeInteger}, Max: &huge}, int64(2)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.Equal(t, tt.want, unlikelyInteger(tt.sc, int64(2), "seed"))
		})
	}
}
