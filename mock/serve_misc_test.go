package mock

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/standin/standin/openapi"
)

type engineFixedClock struct{ t time.Time }

func (c engineFixedClock) Now() time.Time { return c.t }

// TestServeDeterminism requires two servers with the same seed to generate the same bodies for the same
// requests, whatever the order, and a different seed to generate different ones.
func TestServeDeterminism(t *testing.T) {
	clock := WithClock(engineFixedClock{time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)})
	tsA, _ := engineServer(t, Config{Seed: 42}, engineAPIs(t), clock)
	tsB, _ := engineServer(t, Config{Seed: 42}, engineAPIs(t), clock)
	tsC, _ := engineServer(t, Config{Seed: 43}, engineAPIs(t), clock)
	dyn := "dynamic=true"
	reqs := []struct{ path, auth string }{
		{"/cinnox/v1/api/apps/app-1/data/enquiry-detail?startAt=2022-11-07T00:00:00Z&endAt=2022-11-08T00:00:00Z", "cinnox"},
		{"/aelyst/v1/contact/id:1", "aelyst"},
		{"/aelyst/v1/contact/email:abdc@gmail.com", "aelyst"},
		{"/carecycle/v2/campaigns/appointment-configs", "carecycle"},
	}
	bodies := map[string]string{}
	for _, r := range reqs {
		a := engineDo(t, tsA, http.MethodGet, r.path, "", append(engineAuth(r.auth), "Prefer", dyn)...)
		require.Equal(t, http.StatusOK, a.status, "%s", a.body)
		bodies[r.path] = string(a.body)
	}
	// B asks in the reverse order.
	for i := len(reqs) - 1; i >= 0; i-- {
		r := reqs[i]
		b := engineDo(t, tsB, http.MethodGet, r.path, "", append(engineAuth(r.auth), "Prefer", dyn)...)
		require.Equal(t, bodies[r.path], string(b.body), r.path)
		c := engineDo(t, tsC, http.MethodGet, r.path, "", append(engineAuth(r.auth), "Prefer", dyn)...)
		require.NotEqual(t, bodies[r.path], string(c.body), r.path)
	}
	require.NotEqual(t, bodies[reqs[1].path], bodies[reqs[2].path], "different requests, different records")
	var page []map[string]any
	require.NoError(t, json.Unmarshal([]byte(bodies[reqs[0].path]), &page))
	require.NotEmpty(t, page)
	require.Len(t, page[0], 48, "a generated EnquiryRecord has every one of its 48 fields")
}

// TestServeUserSpec serves a document without any x-standin: routes, validation in the fallback shape and
// generated responses that validate.
func TestServeUserSpec(t *testing.T) {
	api, err := openapi.LoadFile(t.Context(), "../openapi/testdata/petstore.yaml")
	require.NoError(t, err)
	ts, _ := engineServer(t, Config{}, []*openapi.API{api})
	for _, prefix := range []string{"/petstore", ""} {
		t.Run("mounted at "+prefix+"/", func(t *testing.T) {
			resp := engineDo(t, ts, http.MethodGet, prefix+"/api/pets", "")
			require.Equal(t, http.StatusOK, resp.status, "%s", resp.body)
			engineCheckResponse(t, api, prefix, resp)
			resp = engineDo(t, ts, http.MethodPost, prefix+"/api/pets", `{"name":"Rex"}`)
			require.Equal(t, http.StatusCreated, resp.status, "%s", resp.body)
			engineCheckResponse(t, api, prefix, resp)
			var pet struct{ ID json.Number }
			require.NoError(t, json.Unmarshal(resp.body, &pet))
			require.NotEmpty(t, pet.ID, "the created pet has an id: %s", resp.body)
			resp = engineDo(t, ts, http.MethodGet, prefix+"/api/pets/"+pet.ID.String(), "")
			require.Equal(t, http.StatusOK, resp.status, "%s", resp.body)
			engineCheckResponse(t, api, prefix, resp)
		})
	}
	resp := engineDo(t, ts, http.MethodPost, "/petstore/api/pets", `{"name":""}`)
	require.Equal(t, http.StatusBadRequest, resp.status)
	require.JSONEq(t, `{"message":"Request validation failed","code":"validation","errors":[
		{"path":["name"],"message":"minimum string length is 1","expected":">=1 characters","received":"0 characters","code":"minLength"}]}`, string(resp.body))
	resp = engineDo(t, ts, http.MethodGet, "/petstore/api/pets/abc", "")
	require.Equal(t, http.StatusBadRequest, resp.status, "%s", resp.body)
	resp = engineDo(t, ts, http.MethodGet, "/petstore/api/pets/1", "", "Prefer", "code=404")
	require.Equal(t, http.StatusNotFound, resp.status)
	require.Empty(t, resp.body, "the 404 documents no content")
	resp = engineDo(t, ts, http.MethodGet, "/petstore/api/cats", "")
	require.Equal(t, http.StatusNotFound, resp.status)
	require.JSONEq(t, `{"message":"No operation matches this path","code":"routeNotFound"}`, string(resp.body))
}

// TestServePrefer covers Prefer beyond the status walk: examples found without a code, and the 400s standin
// itself answers for what the operation does not document.
func TestServePrefer(t *testing.T) {
	ts, _ := engineServer(t, Config{}, engineAPIs(t))
	cc := engineAuth("carecycle")
	const list = "/carecycle/v2/campaigns/appointment-configs"
	tests := []struct {
		name    string
		prefer  string
		status  int
		want    string // exact JSON or a substring of standin's error
		standin bool
	}{
		{"example of another status found by name", "example=rateLimited", 429, `{"message":"Rate limit exceeded","code":"RATE_LIMIT_EXCEEDED","retryAfter":60}`, false},
		{"quoted values and other preferences", `return=minimal; code="404"`, 404, `{"message":"Resource not found","code":"NOT_FOUND"}`, false},
		{"docs example of the error", "code=500, example=docs", 500, `{"message":"string","code":"string"}`, false},
		{"undocumented code", "code=418", 400, "does not document status 418; it documents 200, 400, 401, 403, 404, 422, 429, 500", true},
		{"not a status", "code=abc", 400, "Prefer: code=abc is not an HTTP status", true},
		{"unknown example", "example=nope", 400, "Prefer: example=nope: no response of operation listAppointmentConfigs has such an example; documented examples: 200: twoConfigs; 400: malformed, docs", true},
		{"example not under that code", "code=401, example=malformed", 400, "the 401 response of operation listAppointmentConfigs has no such example", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := engineDo(t, ts, http.MethodGet, list, "", append(cc, "Prefer", tt.prefer)...)
			require.Equal(t, tt.status, resp.status, "%s", resp.body)
			if tt.standin {
				require.Equal(t, "prefer", resp.header.Get(StandinErrorHeader))
				require.Contains(t, string(resp.body), tt.want)
				return
			}
			require.JSONEq(t, tt.want, string(resp.body))
		})
	}
}

// TestServeSessionHeader: a bad session name is refused by standin itself; a good one is accepted.
func TestServeSessionHeader(t *testing.T) {
	ts, srv := engineServer(t, Config{}, engineAPIs(t, "aelyst"))
	resp := engineDo(t, ts, http.MethodGet, "/aelyst/v1/contact/id:1", "", "Authorization", engineBearer, SessionHeader, "bad name!")
	require.Equal(t, http.StatusBadRequest, resp.status)
	require.Equal(t, "session", resp.header.Get(StandinErrorHeader))
	require.Contains(t, string(resp.body), `X-Standin-Session: session name \"bad name!\" has ' '`)
	resp = engineDo(t, ts, http.MethodGet, "/aelyst/v1/contact/id:1", "", "Authorization", engineBearer, SessionHeader, "ci-job-7")
	require.Equal(t, http.StatusOK, resp.status)
	_, ok := srv.sessions.lookup("ci-job-7")
	require.True(t, ok)
}

// TestServePanicRecovery puts a panicking stage into a real pipeline: the client gets the vendor's 500, the
// journal records it and the server keeps serving.
func TestServePanicRecovery(t *testing.T) {
	apis := engineAPIs(t, "carecycle", "aelyst")
	ts, srv := engineServer(t, Config{}, apis)
	boom := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Header.Get("X-Boom") != "" {
				panic("stage exploded")
			}
			next.ServeHTTP(w, r)
		})
	}
	for _, rt := range srv.apis {
		rt.h = chain(srv.recoverStage(rt), srv.routeStage(rt), srv.sessionStage(rt), srv.journalStage(rt),
			boom, srv.securityStage(rt), srv.validationStage(rt))(srv.responseHandler(rt))
	}
	before := engineDo(t, ts, http.MethodGet, "/aelyst/v1/contact/id:1", "", "Authorization", engineBearer, "X-Boom", "1")
	require.Equal(t, http.StatusInternalServerError, before.status)
	require.JSONEq(t, `{"code":500,"message":"Unexpected error occurred"}`, string(before.body))
	care := engineDo(t, ts, http.MethodGet, "/carecycle/v2/campaigns/appointment-configs", "", engineCareHeader, engineCareKey, "X-Boom", "1")
	require.Equal(t, http.StatusInternalServerError, care.status)
	require.JSONEq(t, `{"message":"Internal server error","code":"INTERNAL_ERROR"}`, string(care.body))
	after := engineDo(t, ts, http.MethodGet, "/aelyst/v1/contact/id:1", "", "Authorization", engineBearer)
	require.Equal(t, http.StatusOK, after.status)
	entries := srv.sessions.byName[DefaultSession].journal.list(journalFilter{Status: 500})
	require.Len(t, entries, 2)
	require.Equal(t, "recover", entries[0].AnsweredBy)

	t.Run("panic before the journal", func(t *testing.T) {
		for _, rt := range srv.apis {
			rt.h = chain(srv.recoverStage(rt), boom, srv.routeStage(rt))(srv.responseHandler(rt))
		}
		resp := engineDo(t, ts, http.MethodGet, "/aelyst/v1/contact/id:1", "", "X-Boom", "1")
		require.Equal(t, http.StatusInternalServerError, resp.status)
		require.JSONEq(t, `{"code":500,"message":"Unexpected error occurred"}`, string(resp.body))
	})
	require.False(t, strings.Contains(string(before.body), "exploded"), "panic values stay in the log")
}

// TestServeConcurrentSession hammers one session from many goroutines while the journal is read and cleared;
// the race detector checks the locking, the journal's count checks the ring.
func TestServeConcurrentSession(t *testing.T) {
	ts, srv := engineServer(t, Config{JournalSize: 50}, engineAPIs(t, "aelyst"))
	const workers, each = 8, 20
	done := make(chan struct{})
	for w := range workers {
		go func() {
			defer func() { done <- struct{}{} }()
			for i := range each {
				path := "/aelyst/v1/contact/id:1"
				if i%3 == 0 {
					path = "/aelyst/v1/contact/bad"
				}
				// Not engineDo: require must not stop a test from another goroutine.
				if status := engineGetStatus(ts, path, "Authorization", engineBearer, SessionHeader, "shared"); status != http.StatusOK && status != http.StatusBadRequest {
					t.Errorf("worker %d: status %d", w, status)
				}
				if i%5 == 0 {
					if status := engineGetStatus(ts, AdminPrefix+"journal?session=shared&limit=5"); status != http.StatusOK {
						t.Errorf("worker %d: journal status %d", w, status)
					}
				}
			}
		}()
	}
	for range workers {
		<-done
	}
	sess, ok := srv.sessions.lookup("shared")
	require.True(t, ok)
	require.Len(t, sess.journal.list(journalFilter{}), 50, "the ring holds JournalSize entries")
	require.Len(t, sess.journal.list(journalFilter{Status: 400, Limit: 3}), 3)
}

// engineGetStatus GETs path and returns the status, or 0 when the request fails. Safe from any goroutine.
func engineGetStatus(ts *httptest.Server, path string, headers ...string) int {
	req, err := http.NewRequestWithContext(context.Background(), http.MethodGet, ts.URL+path, nil)
	if err != nil {
		return 0
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := ts.Client().Do(req)
	if err != nil {
		return 0
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode
}
