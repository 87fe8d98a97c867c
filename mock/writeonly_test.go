package mock

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/standin/standin/openapi"
)

// TestRecordsAnswerWithoutWriteOnly: a record keeps the writeOnly fields a client wrote, and every answer built
// from it (the create, a read, a list) leaves them out, nested ones too.
func TestRecordsAnswerWithoutWriteOnly(t *testing.T) {
	api, err := openapi.LoadFile(t.Context(), "testdata/users.yaml")
	require.NoError(t, err)
	ts, _ := engineServer(t, Config{}, []*openapi.API{api})
	created := engineDo(t, ts, http.MethodPost, "/users/users",
		`{"name":"Ana","password":"s3cret","settings":{"pin":"1234","theme":"dark"}}`)
	require.Equal(t, http.StatusCreated, created.status, "%s", created.body)
	var user map[string]any
	require.NoError(t, json.Unmarshal(created.body, &user))
	require.NotContains(t, user, "password")
	require.Equal(t, map[string]any{"theme": "dark"}, user["settings"])
	id, _ := user["id"].(string)
	require.NotEmpty(t, id)

	read := engineDo(t, ts, http.MethodGet, "/users/users/"+id, "")
	require.Equal(t, http.StatusOK, read.status, "%s", read.body)
	require.NotContains(t, string(read.body), "s3cret")
	require.NotContains(t, string(read.body), "1234")
	require.Contains(t, string(read.body), `"theme":"dark"`)

	list := engineDo(t, ts, http.MethodGet, "/users/users", "")
	require.Equal(t, http.StatusOK, list.status, "%s", list.body)
	require.Contains(t, string(list.body), `"name":"Ana"`)
	require.NotContains(t, string(list.body), "s3cret")
	require.NotContains(t, string(list.body), "1234")

	// The record itself keeps what was written.
	st := engineDo(t, ts, http.MethodGet, "/__standin/state", "")
	require.Equal(t, http.StatusOK, st.status, "%s", st.body)
	require.Contains(t, string(st.body), "s3cret")
}
