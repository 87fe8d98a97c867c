package mock

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/standin/standin/openapi"
)

// TestMergeKeepsRecordShape: an x-standin create merges the body's fields that the record holds in the same
// shape, and leaves out a field the request sends in another shape (capabilities {x: {requested: true}} against
// capabilities {x: "active"}), so answer and stored record match the record schema.
func TestMergeKeepsRecordShape(t *testing.T) {
	api, err := openapi.LoadFile(t.Context(), "testdata/merge-shape.yaml")
	require.NoError(t, err)
	ts, _ := engineServer(t, Config{}, []*openapi.API{api})
	resp := engineDo(t, ts, http.MethodPost, "/merge-shape/accounts", `{"name":"Acme","capabilities":{"card_payments":{"requested":true}}}`)
	require.Equal(t, http.StatusOK, resp.status, "%s", resp.body)
	engineCheckResponse(t, api, "/merge-shape", resp)
	created := resp.json(t).(map[string]any)
	require.Equal(t, "Acme", created["name"])
	require.NotContains(t, created, "capabilities")
	id, _ := created["id"].(string)
	require.NotEmpty(t, id)
	resp = engineDo(t, ts, http.MethodGet, "/merge-shape/accounts/"+id, "")
	require.Equal(t, http.StatusOK, resp.status, "%s", resp.body)
	engineCheckResponse(t, api, "/merge-shape", resp)
	require.Equal(t, created, resp.json(t))
}
