package mock

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/standin/standin/openapi"
)

// TestIssue10DuplicateCreate sends the same create twice over real HTTP: the second answers the conflict kind,
// 409 where the operation documents it (exactly or by a 4XX range), else the status a validation failure takes
// there (a "default" response documents no 409: Stripe answers a taken id with 400), and the answer names the
// key and its value. Each answer validates against the document.
func TestIssue10DuplicateCreate(t *testing.T) {
	plain, err := openapi.LoadFile(t.Context(), "testdata/conflict.yaml")
	require.NoError(t, err)
	declared, err := openapi.LoadFile(t.Context(), "testdata/conflict-declared.yaml")
	require.NoError(t, err)
	ts, _ := engineServer(t, Config{}, []*openapi.API{plain, declared})
	const taken = "a record with id t1 already exists"

	tests := []struct {
		name   string
		api    *openapi.API
		mount  string
		path   string
		status int
		reason string // X-Standin-Reason; "" wants none
		want   string // exact JSON body; "" checks message-like fields hold the reason
	}{
		{name: "documented 409: its example, the reason in the header", api: plain, mount: "/conflict",
			path: "/documented/things", status: 409, reason: taken,
			want: `{"code":"already_exists","message":"` + taken + `"}`},
		{name: "409 through a 4XX range", api: plain, mount: "/conflict", path: "/ranged/things",
			status: 409, reason: taken},
		{name: "no 409: the documented 422 a validation failure takes", api: plain, mount: "/conflict",
			path: "/unprocessable/things", status: 422, reason: taken},
		{name: "default documents no 409: 400 as for validation", api: plain, mount: "/conflict",
			path: "/defaulted/things", status: 400, reason: taken},
		{name: "no error documented: the success response answers", api: plain, mount: "/conflict",
			path: "/bare/things", status: 201, reason: taken},
		{name: "declared conflict shape names key and value", api: declared, mount: "/conflict-declared",
			path: "/things", status: 409,
			want: `{"error":{"type":"already_exists","message":"` + taken + `","param":"id","value":"t1"}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := tt.mount + "/v1" + tt.path
			session := []string{SessionHeader, "dup-" + strings.ReplaceAll(strings.Trim(tt.mount+tt.path, "/"), "/", ".")}
			first := engineDo(t, ts, http.MethodPost, path, `{"id":"t1","name":"first"}`, session...)
			require.Equal(t, http.StatusCreated, first.status, "%s", first.body)
			require.Equal(t, "t1", first.json(t).(map[string]any)["id"])

			again := engineDo(t, ts, http.MethodPost, path, `{"id":"t1","name":"second"}`, session...)
			require.Equal(t, tt.status, again.status, "%s", again.body)
			engineCheckResponse(t, tt.api, tt.mount, again)
			if tt.reason != "" {
				require.Contains(t, again.header.Get(ReasonHeader), tt.reason)
			} else {
				require.Empty(t, again.header.Values(ReasonHeader))
			}
			if tt.want != "" {
				require.JSONEq(t, tt.want, string(again.body))
			} else if tt.status >= 400 {
				require.Equal(t, taken, again.json(t).(map[string]any)["message"], "%s", again.body)
			}

			// The stored record is the first one: a refused create changes nothing.
			read := engineDo(t, ts, http.MethodGet, path+"/t1", "", session...)
			require.Equal(t, http.StatusOK, read.status, "%s", read.body)
			require.Equal(t, "first", read.json(t).(map[string]any)["name"])

			other := engineDo(t, ts, http.MethodPost, path, `{"id":"t2","name":"other"}`, session...)
			require.Equal(t, http.StatusCreated, other.status, "another key is still free: %s", other.body)
		})
	}
}

// TestIssue10DuplicateCreateBundled: the bundled specs document no 409, so a duplicate keeps the answer each one
// states. Aelyst's createContact says an identifier already in use answers 400 "Validation error." (A-E14): the
// declared validation shape, now naming the identifier's field and value.
func TestIssue10DuplicateCreateBundled(t *testing.T) {
	clock := newStateClock()
	ts, _ := stateServer(t, Config{}, WithClock(clock))
	const path = "/aelyst/v1/contact/email:dup@example.com"
	first := stateDo(t, ts, http.MethodPost, path, `{"firstName":"Dup"}`)
	require.Equal(t, http.StatusOK, first.status, "%s", first.body)
	again := stateDo(t, ts, http.MethodPost, path, `{"firstName":"Dup"}`)
	require.Equal(t, http.StatusBadRequest, again.status, "%s", again.body)
	require.Equal(t, map[string]any{"code": 400.0, "message": "a record with email dup@example.com already exists"},
		again.json(t))
}
