package mock

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/standin/standin/openapi"
)

// TestCreatedRecordHasRequiredUndeclared: a created record gets the properties its schema requires without
// declaring them, so that the answer meets the schema: any value where nothing says what, else a value of the
// additionalProperties schema; and those its allOf members require.
func TestCreatedRecordHasRequiredUndeclared(t *testing.T) {
	api, err := openapi.LoadFile(t.Context(), "testdata/undeclared.yaml")
	require.NoError(t, err)
	ts, _ := engineServer(t, Config{}, []*openapi.API{api})

	created := engineDo(t, ts, http.MethodPost, "/undeclared/tokens", `{"note":"ci"}`)
	require.Equal(t, http.StatusCreated, created.status, "%s", created.body)
	engineCheckResponse(t, api, "/undeclared", created)
	var tok map[string]any
	require.NoError(t, json.Unmarshal(created.body, &tok))
	require.Contains(t, tok, "expires_at")
	read := engineDo(t, ts, http.MethodGet, "/undeclared/tokens/"+text(tok["id"]), "")
	require.Equal(t, http.StatusOK, read.status, "%s", read.body)
	engineCheckResponse(t, api, "/undeclared", read)

	label := engineDo(t, ts, http.MethodPost, "/undeclared/labels", `{"name":"bug"}`)
	require.Equal(t, http.StatusCreated, label.status, "%s", label.body)
	engineCheckResponse(t, api, "/undeclared", label)
	var l map[string]any
	require.NoError(t, json.Unmarshal(label.body, &l))
	c, ok := l["color"].(float64)
	require.True(t, ok, "color is a number of the additionalProperties schema: %s", label.body)
	require.True(t, c >= 1 && c <= 9, "%v", c)

	site := engineDo(t, ts, http.MethodPost, "/undeclared/sites", `{"name":"web"}`)
	require.Equal(t, http.StatusCreated, site.status, "%s", site.body)
	engineCheckResponse(t, api, "/undeclared", site)
	require.Contains(t, string(site.body), `"location":`, "required by the allOf member")
}
