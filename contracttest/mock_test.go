package contracttest

import (
	"context"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/standin/standin/mock"
	"github.com/standin/standin/openapi"
)

// fakeTime is a clock shared by the mock and the runner: the runner's sleeps advance it, so a 449 "settle"
// period or a Retry-After passes without real waiting.
type fakeTime struct {
	mu  sync.Mutex // guards now
	now time.Time
}

func (f *fakeTime) Now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.now
}

func (f *fakeTime) Sleep(ctx context.Context, d time.Duration) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.now = f.now.Add(d)
	return ctx.Err()
}

// mockTarget serves the bundled specs with the in-process mock and returns the target URL of api.
func mockTarget(t *testing.T, api *openapi.API, clock *fakeTime) *httptest.Server {
	t.Helper()
	srv, err := mock.New([]*openapi.API{api}, mock.Config{}, mock.WithClock(clock))
	require.NoError(t, err)
	t.Cleanup(func() { _ = srv.Close() })
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return ts
}

// mockVars names records of the bundled fixtures that the specs give no example for, as a user would with
// --vars against a real server: CINNOX's inquiryID has no example in the spec.
var mockVars = map[string]map[string]string{
	"cinnox": {"inquiryID": "6369b3f0c2a4e1a9d1f0a0aa"},
}

// TestBundledSpecsAgainstMock runs every bundled spec against the in-process mock: no check may fail and every
// documented status of every operation must be exercised.
// The run id is fixed so that the fresh ids of creates are the same on every run of the test.
func TestBundledSpecsAgainstMock(t *testing.T) {
	for _, name := range openapi.Bundled() {
		t.Run(name, func(t *testing.T) {
			api, err := openapi.Load(t.Context(), name)
			require.NoError(t, err)
			clock := &fakeTime{now: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
			ts := mockTarget(t, api, clock)
			rep, err := Run(t.Context(), Config{API: api, Target: ts.URL + "/" + api.Name + api.BasePath, Vars: mockVars[name], RunID: "run1"},
				WithHTTPClient(ts.Client()), WithSleep(clock.Sleep), WithClock(clock.Now))
			require.NoError(t, err)
			require.True(t, rep.Plan.Standin, "the mock answers /__standin/health")
			for _, r := range rep.Results {
				for _, c := range r.Checks {
					if c.Passed {
						continue
					}
					ex := r.Exchanges[len(r.Exchanges)-1]
					for _, e := range r.Exchanges {
						if e.Step == c.Step {
							ex = e
						}
					}
					got := ""
					if ex.Response != nil {
						got = ex.Response.Body
					}
					t.Errorf("%s: %s: want %s; got %s\n  %s\n  -> %s", r.Case.ID, c.Name, c.Want, c.Got, ex.Request.Curl, got)
				}
			}
			for _, row := range rep.Summary.Coverage {
				for _, st := range row.Statuses {
					require.Truef(t, st.Exercised, "%s %d was not exercised", row.Operation, st.Status)
				}
			}
		})
	}
}

// TestStandinMountRootGetsBasePath: on a standin target, the API's mount root is completed with the base path.
func TestStandinMountRootGetsBasePath(t *testing.T) {
	api, err := openapi.Load(t.Context(), "aelyst")
	require.NoError(t, err)
	clock := &fakeTime{now: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	ts := mockTarget(t, api, clock)
	rep, err := Run(t.Context(), Config{API: api, Target: ts.URL + "/aelyst", Include: []string{"getContact"}, RunID: "run1"},
		WithHTTPClient(ts.Client()), WithSleep(clock.Sleep), WithClock(clock.Now))
	require.NoError(t, err)
	require.Equal(t, ts.URL+"/aelyst/v1", rep.Plan.Target)
	require.Zero(t, rep.Summary.Failed)
	require.Contains(t, strings.Join(rep.Plan.Notes, "\n"), "using "+ts.URL+"/aelyst/v1 (mount aelyst, base path /v1)")
}

// TestThirdPartySpecsAgainstMock runs specs written elsewhere against the in-process mock: an OpenAPI 3.1
// document (tuples with prefixItems, judged by JSON Schema 2020-12 rules) and a large 3.0 document whose
// errors are RFC 7807 ProblemDetails (kin-openapi's own test data). Neither has x-standin; the mock must keep
// both contracts everywhere the documents say what to answer.
func TestThirdPartySpecsAgainstMock(t *testing.T) {
	for _, file := range []string{"testdata/schema31refs.yml", "testdata/issue796.yml", "testdata/milestones.yaml"} {
		t.Run(file, func(t *testing.T) {
			api, err := openapi.LoadFile(t.Context(), file)
			require.NoError(t, err)
			clock := &fakeTime{now: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
			ts := mockTarget(t, api, clock)
			rep, err := Run(t.Context(), Config{API: api, Target: ts.URL + "/" + api.Name + api.BasePath, RunID: "run1"},
				WithHTTPClient(ts.Client()), WithSleep(clock.Sleep), WithClock(clock.Now))
			require.NoError(t, err)
			require.NotEmpty(t, rep.Results)
			for _, r := range rep.Results {
				for _, c := range r.Checks {
					require.True(t, c.Passed, "%s: %s: want %s, got %s", r.Case.ID, c.Name, c.Want, c.Got)
				}
			}
			if file == "testdata/milestones.yaml" {
				// The text id is given a number the integer key can hold, so the read back is checked and agrees.
				require.Equal(t, Pass, outcomes(rep)["editMilestone/stateful/read-after-write"], "%v", failedChecks(rep))
			}
		})
	}
}

// TestIssue11RootTargetWhenTheBasePathStartsWithTheMountName: a document served at https://host/aaharjh/v3 is
// mounted as "aaharjh"; from the server root the runner must use the base URL the mock reports
// (/aaharjh/aaharjh/v3), not the root plus the base path, which the mock reads as its mount.
func TestIssue11RootTargetWhenTheBasePathStartsWithTheMountName(t *testing.T) {
	src := `openapi: 3.0.3
info: {title: t, version: "1"}
servers: [{url: "https://apisetu.example/aaharjh/v3"}]
paths:
  /certificate:
    get:
      operationId: getCertificate
      responses:
        "200": {description: ok, content: {application/json: {schema: {type: object, properties: {id: {type: string}}}}}}
`
	api, err := openapi.LoadData(t.Context(), "aaharjh.yaml", []byte(src))
	require.NoError(t, err)
	clock := &fakeTime{now: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	ts := mockTarget(t, api, clock)
	rep, err := Run(t.Context(), Config{API: api, Target: ts.URL, RunID: "run1"},
		WithHTTPClient(ts.Client()), WithSleep(clock.Sleep), WithClock(clock.Now))
	require.NoError(t, err)
	require.Empty(t, failedChecks(rep))
	require.Equal(t, Pass, rep.Results[0].Outcome)
	require.Equal(t, 200, rep.Results[0].Exchanges[0].Response.Status)
}
