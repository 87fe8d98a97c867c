package mock

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
)

// Doc examples the vendor's server is known to reject although they match the schema (the spec says so in the
// example's description): with state behaviour in place they answer the validation error instead.
var engineRejectedExamples = map[string]int{
	"carecycle/updateCustomerCampaignStatus/docs": 422,
}

// TestServeDocExamples sends every request example of every operation of every bundled spec (with valid
// credentials) and requires the operation's success status and a response that validates against the spec.
func TestServeDocExamples(t *testing.T) {
	apis := engineAPIs(t)
	ts, _ := engineServer(t, Config{}, apis)
	session := 0
	for _, api := range apis {
		for _, op := range api.Operations {
			names := []string{""}
			if rb := op.Op.RequestBody; rb != nil {
				if media := rb.Value.Content.Get("application/json"); media != nil && len(media.Examples) > 0 {
					names = slices.Sorted(maps.Keys(media.Examples))
				}
			}
			for _, ex := range names {
				t.Run(api.Name+"/"+op.ID+"/"+ex, func(t *testing.T) {
					req := engineValidRequest(t, api, op, ex)
					session++ // a fresh session: the fixtures as seeded, whatever earlier subtests changed
					headers := append(engineAuth(api.Name), SessionHeader, fmt.Sprintf("examples-%d", session))
					resp := engineDo(t, ts, req.method, req.path, req.body, headers...)
					want := []int{op.SuccessStatus()}
					if s, ok := engineRejectedExamples[api.Name+"/"+op.ID+"/"+ex]; ok {
						want = append(want, s)
					}
					require.Contains(t, want, resp.status, "body: %s", resp.body)
					engineCheckResponse(t, api, "/"+api.Name, resp)
				})
			}
		}
	}
}

// TestServePreferEveryStatus forces every documented status of every operation of every bundled spec with
// Prefer: code=N, then every documented example with Prefer: code=N, example=NAME, and requires each answer to
// have that status, to validate against the spec, and (for examples) to carry the example's body.
func TestServePreferEveryStatus(t *testing.T) {
	apis := engineAPIs(t)
	ts, srv := engineServer(t, Config{}, apis)
	walked, session := 0, 0
	// Each subtest runs in a fresh session, so that a delete or create earlier does not change the answer.
	fresh := func() []string {
		session++
		return []string{SessionHeader, fmt.Sprintf("walk-%d", session)}
	}
	for _, api := range apis {
		plans := srv.planAPI(srv.byName[api.Name])
		for _, op := range api.Operations {
			req := engineValidRequest(t, api, op, "")
			require.NotEmpty(t, op.Statuses, op.ID)
			for _, status := range op.Statuses {
				t.Run(fmt.Sprintf("%s/%s/%d", api.Name, op.ID, status), func(t *testing.T) {
					headers := append(append(engineAuth(api.Name), fresh()...), "Prefer", fmt.Sprintf("code=%d", status))
					resp := engineDo(t, ts, req.method, req.path, req.body, headers...)
					require.Equal(t, status, resp.status, "body: %s", resp.body)
					engineCheckResponse(t, api, "/"+api.Name, resp)
					walked++
				})
				rp := plans[op.Op].responses[status]
				for _, name := range rp.examples {
					t.Run(fmt.Sprintf("%s/%s/%d/%s", api.Name, op.ID, status, name), func(t *testing.T) {
						headers := append(append(engineAuth(api.Name), fresh()...), "Prefer", fmt.Sprintf("code=%d, example=%s", status, name))
						resp := engineDo(t, ts, req.method, req.path, req.body, headers...)
						require.Equal(t, status, resp.status, "body: %s", resp.body)
						engineCheckResponse(t, api, "/"+api.Name, resp)
						want, err := json.Marshal(rp.media.Examples[name].Value.Value)
						require.NoError(t, err)
						require.JSONEq(t, string(want), string(resp.body))
					})
				}
			}
		}
	}
	require.Greater(t, walked, 60, "every operation × status of the three specs")
}
