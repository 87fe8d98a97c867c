package mock

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestServeWrappedKeys: a created record's key has the type and pattern its field declares through allOf (as
// AWS documents write fields), not a UUID: an integer key counts up, a patterned key matches its pattern. The
// answers validate against the document, and the record reads back by its key.
func TestServeWrappedKeys(t *testing.T) {
	ts, api := engineUserSpec(t, "wrapped-keys.yaml")
	const base = "/wrapped-keys"
	for i := 1; i <= 2; i++ {
		resp := engineDo(t, ts, http.MethodPost, base+"/deployments", `{"Description":"d"}`)
		require.Equal(t, http.StatusCreated, resp.status, "body: %s", resp.body)
		engineCheckResponse(t, api, base, resp)
		var got map[string]any
		require.NoError(t, json.Unmarshal(resp.body, &got))
		require.Equal(t, float64(i), got["DeploymentNumber"], "body: %s", resp.body)
		back := engineDo(t, ts, http.MethodGet, fmt.Sprintf("%s/deployments/%d", base, i), "")
		require.Equal(t, http.StatusOK, back.status, "body: %s", back.body)
		require.JSONEq(t, string(resp.body), string(back.body))
	}
	resp := engineDo(t, ts, http.MethodPost, base+"/mount-targets", `{"SubnetId":"subnet-1"}`)
	require.Equal(t, http.StatusOK, resp.status, "body: %s", resp.body)
	engineCheckResponse(t, api, base, resp)
	var got map[string]any
	require.NoError(t, json.Unmarshal(resp.body, &got))
	id, _ := got["MountTargetId"].(string)
	require.Regexp(t, regexp.MustCompile(`^fsmt-[0-9a-f]{8,40}$`), id, "body: %s", resp.body)
	back := engineDo(t, ts, http.MethodGet, base+"/mount-targets/"+id, "")
	require.Equal(t, http.StatusOK, back.status, "body: %s", back.body)
	require.JSONEq(t, string(resp.body), string(back.body))
}
