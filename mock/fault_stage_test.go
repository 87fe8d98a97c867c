package mock

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/standin/standin/openapi"
)

func TestFaultStatusByHeader(t *testing.T) {
	ts, srv, _ := faultServer(t, Config{})
	tests := []struct {
		name   string
		req    faultReq
		fault  string
		status int
		check  func(t *testing.T, body map[string]any, h http.Header)
	}{
		{"aelyst 449 queue message", faultAssignee, "449", 449, func(t *testing.T, b map[string]any, _ http.Header) {
			require.Equal(t, 449.0, b["code"])
			require.Contains(t, b["message"], "currently in queue")
		}},
		{"aelyst 429 with Retry-After", faultAssignee, "429", 429, func(t *testing.T, b map[string]any, h http.Header) {
			require.Equal(t, 429.0, b["code"])
			require.NotEmpty(t, h.Get("Retry-After"))
		}},
		{"carecycle 429 retryAfter", faultCareList, "status=429", 429, func(t *testing.T, b map[string]any, _ http.Header) {
			require.Equal(t, "RATE_LIMIT_EXCEEDED", b["code"])
			require.NotNil(t, b["retryAfter"])
		}},
		{"carecycle 422 with an errors entry", faultCareAssign, "422", 422, func(t *testing.T, b map[string]any, _ http.Header) {
			require.Equal(t, "VALIDATION_ERROR", b["code"])
			errs, ok := b["errors"].([]any)
			require.True(t, ok, "errors is a list: %v", b)
			require.NotEmpty(t, errs)
		}},
		{"carecycle 500", faultCareAssign, "status=500", 500, func(t *testing.T, b map[string]any, _ http.Header) {
			require.Equal(t, "INTERNAL_ERROR", b["code"])
		}},
		{"carecycle 403", faultCareList, "403", 403, func(t *testing.T, b map[string]any, _ http.Header) {
			require.Equal(t, "FORBIDDEN", b["code"])
		}},
		{"cinnox 500", faultCinnoxList, "500", 500, func(t *testing.T, b map[string]any, _ http.Header) {
			require.Equal(t, 6451001.0, b["code"])
		}},
		{"cinnox 401", faultCinnoxList, "401", 401, nil},
		{"named example", faultCareAssign, "status=422,example=invalidId", 422, func(t *testing.T, b map[string]any, _ http.Header) {
			require.Equal(t, "Invalid UUID", b["errors"].([]any)[0].(map[string]any)["message"])
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := faultDo(t, ts, tt.req.with(FaultHeader, tt.fault))
			require.NoError(t, r.err)
			require.Equal(t, tt.status, r.status, "%s", r.body)
			if tt.check != nil {
				tt.check(t, r.json(t), r.header)
			}
			require.NoError(t, faultValidate(t, srv, r), "every fault response validates against the spec")
		})
	}
}

func TestFaultUndocumentedStatus(t *testing.T) {
	ts, _, _ := faultServer(t, Config{})
	r := faultDo(t, ts, faultCinnoxList.with(FaultHeader, "449"))
	require.Equal(t, http.StatusBadRequest, r.status, "CINNOX documents no 449")
	require.Equal(t, "fault", r.header.Get(StandinErrorHeader))
	require.Contains(t, r.json(t)["error"], "getLabelList does not document status 449 (it documents 200, 400, 401, 429, 500); add allowUndocumented=true")
	r = faultDo(t, ts, faultCinnoxList.with(FaultHeader, "queue=2"))
	require.Equal(t, http.StatusBadRequest, r.status, "nor a queued answer")

	ts2, _, _ := faultServer(t, Config{Faults: []string{"api=*,status=449"}})
	require.Equal(t, http.StatusOK, faultDo(t, ts2, faultCinnoxList).status, "a standing rule skips operations that do not document its status")
	require.Equal(t, 449, faultDo(t, ts2, faultAssignee).status)

	r = faultDo(t, ts, faultCinnoxList.with(FaultHeader, "status=449,allowUndocumented=true"))
	require.Equal(t, 449, r.status)
	r = faultDo(t, ts, faultCareList.with(FaultHeader, "status=503,allowUndocumented=true"))
	require.Equal(t, 503, r.status)
	require.Equal(t, "Service Unavailable", r.json(t)["message"])
}

func TestFaultHeaderErrors(t *testing.T) {
	ts, _, _ := faultServer(t, Config{})
	r := faultDo(t, ts, faultCareList.with(FaultHeader, "latency=soon"))
	require.Equal(t, http.StatusBadRequest, r.status)
	require.Equal(t, "fault", r.header.Get(StandinErrorHeader))
	require.Contains(t, r.json(t)["error"], "X-Standin-Fault: latency=soon: expected a duration")
}

func TestFaultRateLimitCareCycle(t *testing.T) {
	ts, srv, clock := faultServer(t, Config{RateLimits: true})
	key := func(k string) faultReq { return faultCareList.with("x-api-key", k) }
	for i := range 60 {
		r := faultDo(t, ts, key("cc_one"))
		require.Equal(t, http.StatusOK, r.status, "request %d", i+1)
		clock.Advance(500 * time.Millisecond)
	}
	// 60 requests took 30s; the first leaves the window at 60s.
	r := faultDo(t, ts, key("cc_one"))
	require.Equal(t, http.StatusTooManyRequests, r.status)
	body := r.json(t)
	require.Equal(t, "RATE_LIMIT_EXCEEDED", body["code"])
	require.Equal(t, 30.0, body["retryAfter"], "seconds until the oldest request leaves the minute")
	require.NoError(t, faultValidate(t, srv, r))

	require.Equal(t, http.StatusOK, faultDo(t, ts, key("cc_two")).status, "each key has its own budget")

	clock.Advance(29 * time.Second)
	r = faultDo(t, ts, key("cc_one"))
	require.Equal(t, http.StatusTooManyRequests, r.status)
	require.Equal(t, 1.0, r.json(t)["retryAfter"])
	clock.Advance(time.Second)
	require.Equal(t, http.StatusOK, faultDo(t, ts, key("cc_one")).status, "a slot freed")
	require.Equal(t, http.StatusTooManyRequests, faultDo(t, ts, key("cc_one")).status, "and was taken")
}

func TestFaultRateLimitAelyst(t *testing.T) {
	ts, srv, clock := faultServer(t, Config{Faults: []string{"api=aelyst,rateLimit=spec"}})
	var remaining []string
	for i := range 5 {
		if i > 0 {
			clock.Advance(100 * time.Millisecond)
		}
		r := faultDo(t, ts, faultAssignee)
		require.Equal(t, http.StatusOK, r.status, "%s", r.body)
		require.Equal(t, "5", r.header.Get("X-RateLimit-Limit"))
		remaining = append(remaining, r.header.Get("X-RateLimit-Remaining"))
	}
	require.Equal(t, []string{"4", "3", "2", "1", "0"}, remaining)
	// Five requests at 0, 100, 200, 300 and 400ms; the sixth, at 400ms, waits until the first leaves at 1s.
	r := faultDo(t, ts, faultAssignee)
	require.Equal(t, http.StatusTooManyRequests, r.status)
	require.Equal(t, "1", r.header.Get("Retry-After"), "0.6s rounded up")
	require.Equal(t, "5", r.header.Get("X-RateLimit-Limit"))
	require.Equal(t, "0", r.header.Get("X-RateLimit-Remaining"))
	require.Equal(t, map[string]any{"code": 429.0, "message": "Too Many Requests"}, r.json(t))
	require.NoError(t, faultValidate(t, srv, r))

	other := faultAssignee
	other.path = "/aelyst/v1/contact/id:2/conversation/assignee"
	r = faultDo(t, ts, other)
	require.Equal(t, http.StatusOK, r.status, "another exact path has its own budget")
	require.Equal(t, "4", r.header.Get("X-RateLimit-Remaining"))
	r = faultDo(t, ts, faultAssignee.with("Authorization", "Bearer another-token"))
	require.Equal(t, http.StatusOK, r.status, "another token has its own budget")
	getReq := faultReq{method: "GET", path: faultAssignee.path}
	r = faultDo(t, ts, getReq)
	require.NotEqual(t, http.StatusTooManyRequests, r.status, "another method has its own budget")

	clock.Advance(600 * time.Millisecond)
	r = faultDo(t, ts, faultAssignee)
	require.Equal(t, http.StatusOK, r.status, "at 1s the first request left the window")
	require.Equal(t, "0", r.header.Get("X-RateLimit-Remaining"), "the other four are still inside it")
	require.Equal(t, http.StatusTooManyRequests, faultDo(t, ts, faultAssignee).status)

	r = faultDo(t, ts, faultCareList)
	require.Empty(t, r.header.Get("X-RateLimit-Limit"), "the rule is for aelyst only")
}

func TestFaultRateLimitsOffByDefault(t *testing.T) {
	ts, _, _ := faultServer(t, Config{})
	for range 7 {
		r := faultDo(t, ts, faultAssignee)
		require.Equal(t, http.StatusOK, r.status)
		require.Empty(t, r.header.Get("X-RateLimit-Remaining"))
	}
}

func TestFaultQueue(t *testing.T) {
	ts, srv, clock := faultServer(t, Config{Faults: []string{"op=updateAssignee,queue=2", "op=updateConversationStatus,queue=30s"}})
	var got []int
	for range 3 {
		r := faultDo(t, ts, faultAssignee)
		got = append(got, r.status)
		if r.status == 449 {
			require.NoError(t, faultValidate(t, srv, r))
		}
	}
	require.Equal(t, []int{449, 449, 200}, got)

	status := faultReq{method: "POST", path: "/aelyst/v1/contact/id:1/conversation/status", body: `{"status":"open"}`}
	require.Equal(t, 449, faultDo(t, ts, status).status)
	clock.Advance(29 * time.Second)
	require.Equal(t, 449, faultDo(t, ts, status).status)
	clock.Advance(time.Second)
	require.Equal(t, http.StatusOK, faultDo(t, ts, status).status, "30s after the first sighting the request passes")
}

func TestFaultLatency(t *testing.T) {
	ts, _, clock := faultServer(t, Config{Faults: []string{"api=cinnox,latency=200ms..300ms"}})
	r := faultDo(t, ts, faultCareList.with(FaultHeader, "latency=800ms"))
	require.Equal(t, http.StatusOK, r.status)
	require.Equal(t, []time.Duration{800 * time.Millisecond}, clock.Delays())

	r = faultDo(t, ts, faultCinnoxList)
	require.Equal(t, http.StatusOK, r.status)
	d := clock.Delays()
	require.Len(t, d, 2)
	require.GreaterOrEqual(t, d[1], 200*time.Millisecond)
	require.LessOrEqual(t, d[1], 300*time.Millisecond)

	r = faultDo(t, ts, faultCareAssign.with(FaultHeader, "latency=1s,status=500"))
	require.Equal(t, http.StatusInternalServerError, r.status, "latency combines with a status")
	require.Equal(t, time.Second, clock.Delays()[2])
}

func TestFaultLatencyClientHangsUp(t *testing.T) {
	srvClock := newFaultClock()
	srvClock.hang = true
	srv, err := New(faultAPIs(t), Config{MaxLatency: 2 * time.Hour}, WithClock(srvClock))
	require.NoError(t, err)
	t.Cleanup(func() { _ = srv.Close() })
	ts := httptest.NewServer(srv)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan faultResp, 1)
	go func() { done <- faultDoCtx(t, ctx, ts, faultCareList.with(FaultHeader, "latency=1h")) }()
	require.Equal(t, time.Hour, <-srvClock.started, "the handler is waiting")
	cancel()
	r := <-done
	require.ErrorIs(t, r.err, context.Canceled)
	// Close blocks until every handler has returned: it returns only because the delay honoured the hang-up.
	ts.Close()

	// The journal records the hang-up as 499, not as an answer nobody received.
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "http://localhost/__standin/journal?api=carecycle", nil))
	require.Equal(t, http.StatusOK, rec.Code)
	var j struct {
		Entries []struct {
			Status     int    `json:"status"`
			AnsweredBy string `json:"answeredBy"`
		} `json:"entries"`
	}
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &j))
	require.Len(t, j.Entries, 1)
	require.Equal(t, StatusClientClosed, j.Entries[0].Status)
	require.Equal(t, "fault", j.Entries[0].AnsweredBy)
}

func TestFaultConnection(t *testing.T) {
	ts, _, clock := faultServer(t, Config{})
	plain := faultDo(t, ts, faultCinnoxList)
	require.Equal(t, http.StatusOK, plain.status)
	tests := []struct {
		name  string
		fault string
		check func(t *testing.T, r faultResp)
	}{
		{"reset before any byte", "drop", func(t *testing.T, r faultResp) {
			require.Error(t, r.err)
			require.Zero(t, r.status)
		}},
		{"connection=reset", "connection=reset", func(t *testing.T, r faultResp) { require.Error(t, r.err) }},
		{"close after headers", "connection=close", func(t *testing.T, r faultResp) {
			require.Equal(t, http.StatusOK, r.status, "the headers arrived")
			require.ErrorIs(t, r.err, io.ErrUnexpectedEOF)
			require.Empty(t, r.body)
		}},
		{"truncated body", "connection=truncate", func(t *testing.T, r faultResp) {
			require.Equal(t, http.StatusOK, r.status)
			require.ErrorIs(t, r.err, io.ErrUnexpectedEOF)
			require.Equal(t, plain.body[:len(plain.body)/2], r.body)
		}},
		{"slow drip", "connection=drip,interval=250ms", func(t *testing.T, r faultResp) {
			require.NoError(t, r.err)
			require.Equal(t, plain.body, r.body, "every byte arrives, slowly")
			d := clock.Delays()
			require.NotEmpty(t, d)
			require.Equal(t, 250*time.Millisecond, d[len(d)-1])
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.check(t, faultDo(t, ts, faultCinnoxList.with(FaultHeader, tt.fault)))
			after := faultDo(t, ts, faultCinnoxList)
			require.NoError(t, after.err, "the server keeps serving")
			require.Equal(t, plain.body, after.body)
		})
	}
}

func TestFaultMutate(t *testing.T) {
	ts, srv, _ := faultServer(t, Config{})
	assign := faultAelystGet // a bundled contact: required fields and an enum (status)
	plain := faultDo(t, ts, assign)
	require.Equal(t, http.StatusOK, plain.status, "%s", plain.body)
	require.NoError(t, faultValidate(t, srv, plain))
	tests := []struct {
		mutation string
		check    func(t *testing.T, r faultResp)
	}{
		{"wrongType", func(t *testing.T, r faultResp) {
			require.Equal(t, http.StatusOK, r.status)
			require.Equal(t, "wrongType", r.header.Get(mutationHeader))
		}},
		{"missingRequired", func(t *testing.T, r faultResp) {
			require.Equal(t, http.StatusOK, r.status)
			require.Equal(t, "missingRequired", r.header.Get(mutationHeader))
			require.Len(t, r.json(t), len(plain.json(t))-1, "one field is gone")
		}},
		{"enumOutside", func(t *testing.T, r faultResp) {
			require.Equal(t, "enumOutside", r.header.Get(mutationHeader))
			require.Contains(t, string(r.body), "standin-outside-enum")
		}},
		{"undocumentedStatus", func(t *testing.T, r faultResp) {
			require.Equal(t, 418, r.status)
			require.JSONEq(t, string(plain.body), string(r.body))
		}},
	}
	for _, tt := range tests {
		t.Run(tt.mutation, func(t *testing.T) {
			r := faultDo(t, ts, assign.with(FaultHeader, "mutate="+tt.mutation))
			require.NoError(t, r.err)
			tt.check(t, r)
			require.Error(t, faultValidate(t, srv, r), "a negative mock breaks the spec: %s", r.body)
		})
	}
	t.Run("fallback when no field fits", func(t *testing.T) {
		r := faultDo(t, ts, faultCinnoxList.with(FaultHeader, "mutate=enumOutside"))
		require.Equal(t, "wrongType; no field fits enumOutside", r.header.Get(mutationHeader))
		require.Error(t, faultValidate(t, srv, r))
	})
}

func TestFaultProbabilityIsSeeded(t *testing.T) {
	run := func(seed uint64) []int {
		ts, _, _ := faultServer(t, Config{Seed: seed, Faults: []string{"api=cinnox,p=0.3,status=500"}})
		out := make([]int, 40)
		for i := range out {
			out[i] = faultDo(t, ts, faultCinnoxList).status
		}
		return out
	}
	first := run(7)
	require.Equal(t, first, run(7), "the same seed gives the same sequence")
	require.Contains(t, first, 500)
	require.Contains(t, first, 200)
	require.NotEqual(t, first, run(8))
}

func TestFaultWhenTriggers(t *testing.T) {
	ts, _, clock := faultServer(t, Config{Faults: []string{
		"api=cinnox,status=500,after=2,times=2",
		"api=carecycle,method=GET,status=500,for=1m",
	}})
	var got []int
	for range 6 {
		got = append(got, faultDo(t, ts, faultCinnoxList).status)
	}
	require.Equal(t, []int{200, 200, 500, 500, 200, 200}, got)

	require.Equal(t, 500, faultDo(t, ts, faultCareList).status)
	clock.Advance(time.Minute)
	require.Equal(t, 200, faultDo(t, ts, faultCareList).status, "the window closed a minute after activation")
}

func TestFaultJournalNamesTheRule(t *testing.T) {
	ts, _, _ := faultServer(t, Config{Faults: []string{"id=outage,api=cinnox,status=500"}})
	require.Equal(t, 500, faultDo(t, ts, faultCinnoxList).status)
	status, body := faultAdmin(t, ts, "GET", "/__standin/journal?api=cinnox", nil)
	require.Equal(t, http.StatusOK, status)
	entries := body["entries"].([]any)
	require.Len(t, entries, 1)
	e := entries[0].(map[string]any)
	require.Equal(t, "outage", e["faultRule"])
	require.Equal(t, "fault", e["answeredBy"])
	require.Equal(t, 500.0, e["status"])
}

func TestFaultConfigErrors(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		want string
	}{
		{"bad rule", Config{Faults: []string{"status=500", "op=x,status=abc"}}, `fault rule 2 "op=x,status=abc": status=abc: expected an HTTP status`},
		{"unknown scenario", Config{Scenarios: []string{"no-such-scenario"}}, "scenario \"no-such-scenario\": no such scenario"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(faultAPIs(t), tt.cfg, WithClock(newFaultClock()))
			require.ErrorContains(t, err, tt.want)
		})
	}
}

func TestFaultSessionsDoNotLeak(t *testing.T) {
	ts, _, _ := faultServer(t, Config{Faults: []string{"api=cinnox,status=500,times=1"}})
	in := func(s string) faultReq { return faultCinnoxList.with(SessionHeader, s) }

	// A server-wide rule fires once in each session: counters are per session.
	for _, s := range []string{"a", "b"} {
		require.Equal(t, 500, faultDo(t, ts, in(s)).status, "session %s", s)
		require.Equal(t, 200, faultDo(t, ts, in(s)).status, "session %s", s)
	}

	status, body := faultAdmin(t, ts, "POST", "/__standin/faults?session=a", map[string]any{"api": "cinnox", "status": 401})
	require.Equal(t, http.StatusCreated, status, "%v", body)
	require.Equal(t, 401, faultDo(t, ts, in("a")).status)
	require.Equal(t, 200, faultDo(t, ts, in("b")).status, "a session's rule never reaches another session")
	require.Equal(t, 500, faultDo(t, ts, faultCinnoxList).status, "the default session still has its own first firing")
	require.Equal(t, 200, faultDo(t, ts, faultCinnoxList).status)

	// Rate-limit buckets are per session too.
	status, _ = faultAdmin(t, ts, "POST", "/__standin/faults?session=c", "api=carecycle,rateLimit=1/1m")
	require.Equal(t, http.StatusCreated, status)
	care := func(s string) faultReq { return faultCareList.with(SessionHeader, s) }
	require.Equal(t, 200, faultDo(t, ts, care("c")).status)
	require.Equal(t, 429, faultDo(t, ts, care("c")).status)
	require.Equal(t, 200, faultDo(t, ts, care("b")).status)
}

// faultValidRequest builds a request for op that passes security, validation and the behaviour's lookups.
func faultValidRequest(t *testing.T, api *openapi.API, op *openapi.Operation) faultReq {
	t.Helper()
	r := engineValidRequest(t, api, op, "")
	return faultReq{method: r.method, path: r.path, body: r.body}
}

// TestFaultEveryDocumentedStatusValidates forces every documented status of every operation of every bundled
// API with X-Standin-Fault and requires the answer to validate against the spec.
func TestFaultEveryDocumentedStatusValidates(t *testing.T) {
	ts, srv, _ := faultServer(t, Config{})
	for _, api := range srv.APIs() {
		for _, op := range api.Operations {
			fr := faultValidRequest(t, api, op)
			for _, status := range op.Statuses {
				t.Run(api.Name+"/"+op.ID+"/"+strconv.Itoa(status), func(t *testing.T) {
					r := faultDo(t, ts, fr.with(FaultHeader, strconv.Itoa(status)))
					require.NoError(t, r.err)
					require.Equal(t, status, r.status, "%s", r.body)
					require.NoError(t, faultValidate(t, srv, r), "%s", r.body)
				})
			}
		}
	}
}

// TestFaultConcurrentSession hammers one session whose rules keep state (counters, random draws, rate-limit
// buckets, delays) from many goroutines; the race detector checks the locking, and the counts must add up.
func TestFaultConcurrentSession(t *testing.T) {
	ts, _, _ := faultServer(t, Config{Seed: 3, Faults: []string{
		"api=cinnox,rateLimit=40/1m",
		"api=cinnox,p=0.2,status=500",
		"api=cinnox,latency=1ms..5ms",
		"api=cinnox,status=401,after=5,times=10",
	}})
	const workers, each = 8, 10
	results := make(chan int, workers*each)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				fr := faultCinnoxList
				fr.path = "/cinnox/v1/api/apps/app-" + strconv.Itoa(w) + "-" + strconv.Itoa(i) + "/labels"
				r := faultDo(t, ts, fr)
				results <- r.status
			}
		}()
	}
	wg.Wait()
	close(results)
	count := map[int]int{}
	for st := range results {
		count[st]++
	}
	require.Equal(t, workers*each, count[200]+count[500]+count[401]+count[429], "%v", count)
	require.Equal(t, 40, count[429], "the limiter admits exactly 40 of 80 in the minute")
	require.Equal(t, 10, count[401], "times=10 fires exactly ten times")
	status, body := faultAdmin(t, ts, "GET", "/__standin/faults?session=default", nil)
	require.Equal(t, http.StatusOK, status)
	matched := body["rules"].([]any)[0].(map[string]any)["matched"]
	require.Equal(t, float64(workers*each), matched)
}
