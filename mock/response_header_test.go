package mock

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/standin/standin/openapi"
)

// TestBehaviourAnswerHeaders: a behaviour's JSON answer shares one Content-Type header among answers; an answer
// with a header of its own (X-Standin-Reason for a materialised record) gets it on a copy, so the next answer
// has none and the shared header stays as it was.
func TestBehaviourAnswerHeaders(t *testing.T) {
	api, err := openapi.LoadFile(t.Context(), "testdata/infer.yaml")
	require.NoError(t, err)
	ts, _ := engineServer(t, Config{}, []*openapi.API{api})
	strict := []string{IDsHeader, "strict"}
	for _, issue := range []string{"7", "8"} {
		resp := engineDo(t, ts, http.MethodPatch, "/infer/repos/a/b/issues/"+issue, `{"title":"patched"}`, strict...)
		require.Equal(t, http.StatusOK, resp.status, "%s", resp.body)
		require.Equal(t, "application/json", resp.header.Get("Content-Type"))
		require.Contains(t, resp.header.Get(ReasonHeader), "a record never created is materialised")

		resp = engineDo(t, ts, http.MethodPatch, "/infer/repos/a/b/issues/"+issue, `{"title":"again"}`, strict...)
		require.Equal(t, http.StatusOK, resp.status, "%s", resp.body)
		require.Equal(t, "application/json", resp.header.Get("Content-Type"))
		require.Empty(t, resp.header.Values(ReasonHeader))
	}
	require.Equal(t, http.Header{"Content-Type": {"application/json"}}, jsonContentType)
}
