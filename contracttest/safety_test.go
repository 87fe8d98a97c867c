package contracttest

import (
	"context"
	"maps"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// clientTo returns a client that connects every request to ts, whatever the URL's host, so a test can play a
// non-loopback target.
func clientTo(ts *httptest.Server) *http.Client {
	addr := ts.Listener.Addr().String()
	return &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, network, addr)
	}}}
}

// sleepLog records the waits asked for without waiting.
type sleepLog struct {
	mu    sync.Mutex // guards waits
	waits []time.Duration
}

func (s *sleepLog) sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.waits = append(s.waits, d)
	return ctx.Err()
}

func TestWritesToRemoteTargetsNeedAllowWrites(t *testing.T) {
	tests := []struct {
		name        string
		allowWrites bool
		wantSkipped bool
	}{
		{"without --allow-writes", false, true},
		{"with --allow-writes", true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ps, ts := newPetServer(t, bugs{})
			rep, err := Run(t.Context(), Config{API: loadPets(t), Target: "http://pets.example.test/api", Bearer: "tok", AllowWrites: tt.allowWrites},
				WithHTTPClient(clientTo(ts)), WithSleep(noSleep), WithClock(fixedClock))
			require.NoError(t, err)
			require.Zero(t, rep.Summary.Failed, failedChecks(rep))
			for _, r := range rep.Results {
				if r.Case.Write {
					require.Equal(t, tt.wantSkipped, r.Outcome == Skip, r.Case.ID)
				} else {
					require.NotEqual(t, Skip, r.Outcome, r.Case.ID)
				}
			}
			ps.mu.Lock()
			defer ps.mu.Unlock()
			require.Equal(t, !tt.wantSkipped, ps.throttled["createPet"], "a POST reached the server")
		})
	}
}

func TestRequestBudget(t *testing.T) {
	rep := runPets(t, bugs{}, Config{MaxRequests: 5})
	require.Equal(t, 5, rep.Summary.Requests)
	require.Zero(t, rep.Summary.Failed)
	last := rep.Results[len(rep.Results)-1]
	require.Equal(t, Skip, last.Outcome)
	require.Contains(t, last.SkipReason, "request budget of 5 exhausted")
}

func TestRateAndRetryAfterWaits(t *testing.T) {
	tests := []struct {
		name       string
		cfg        Config
		retryAfter string
		want       []time.Duration
		skip       string
	}{
		{"Retry-After honoured", Config{Include: []string{"listPets"}}, "2", []time.Duration{2 * time.Second}, ""},
		{"a long Retry-After is waited out within the budget", Config{Include: []string{"listPets"}}, "60", []time.Duration{time.Minute}, ""},
		{"Retry-After beyond --max-wait", Config{Include: []string{"listPets"}, MaxWait: time.Second}, "100", nil, skipWaitBudget},
		{"no retries", Config{Include: []string{"listPets"}, Retries: -1}, "2", nil, skipThrottled},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var mu sync.Mutex
			calls := 0
			ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path == healthPath {
					http.NotFound(w, r)
					return
				}
				mu.Lock()
				calls++
				first := calls == 1
				mu.Unlock()
				w.Header().Set("Content-Type", "application/json")
				if first {
					w.Header().Set("Retry-After", tt.retryAfter)
					w.WriteHeader(http.StatusTooManyRequests)
					w.Write([]byte(`{"code":429,"message":"slow"}`))
					return
				}
				w.Write([]byte(`[]`))
			}))
			t.Cleanup(ts.Close)
			log := &sleepLog{}
			cfg := tt.cfg
			cfg.API, cfg.Target, cfg.Bearer = loadPets(t), ts.URL+"/api", "tok"
			rep, err := Run(t.Context(), cfg, WithHTTPClient(ts.Client()), WithSleep(log.sleep), WithClock(fixedClock))
			require.NoError(t, err)
			log.mu.Lock()
			defer log.mu.Unlock()
			require.Equal(t, tt.want, log.waits)
			var total time.Duration
			for _, w := range tt.want {
				total += w
			}
			require.Equal(t, total, rep.Summary.Waited, "the report says how long was spent waiting")
			if tt.want != nil {
				require.Equal(t, 1, rep.Summary.Retried)
				require.Equal(t, 1, rep.Results[0].Retries)
				require.Equal(t, Pass, rep.Results[0].Outcome, "a retried case is not a failure")
			} else {
				require.Equal(t, Skip, rep.Results[0].Outcome, "still throttled: skipped, not failed")
				require.Equal(t, tt.skip, rep.Results[0].SkipCategory)
				require.Equal(t, []SkipCount{{Reason: tt.skip, Cases: 1}}, rep.Summary.Skips[:1])
			}
		})
	}
}

func TestRateSpacesRequests(t *testing.T) {
	_, ts := newPetServer(t, bugs{})
	log := &sleepLog{}
	clock := &fakeTime{now: fixedClock()}
	sleep := func(ctx context.Context, d time.Duration) error {
		_ = log.sleep(ctx, d)
		return clock.Sleep(ctx, d)
	}
	_, err := Run(t.Context(), Config{API: loadPets(t), Target: ts.URL + "/api", Bearer: "tok", Rate: 4, Include: []string{"getPet"}},
		WithHTTPClient(ts.Client()), WithSleep(sleep), WithClock(clock.Now))
	require.NoError(t, err)
	log.mu.Lock()
	defer log.mu.Unlock()
	require.NotEmpty(t, log.waits)
	for _, w := range log.waits {
		require.Equal(t, 250*time.Millisecond, w, "4 requests per second: 250ms apart")
	}
}

func TestUnreachableTarget(t *testing.T) {
	ts := httptest.NewServer(http.NotFoundHandler())
	url := ts.URL
	ts.Close()
	_, err := Run(t.Context(), Config{API: loadPets(t), Target: url + "/api"}, WithSleep(noSleep))
	require.ErrorIs(t, err, ErrUnreachable)
}

func TestConfigErrors(t *testing.T) {
	api := loadPets(t)
	tests := []struct {
		name  string
		cfg   Config
		field string
	}{
		{"no API", Config{Target: "http://127.0.0.1:1"}, "API"},
		{"no target", Config{API: api}, "Target"},
		{"relative target", Config{API: api, Target: "127.0.0.1:4010/pets"}, "Target"},
		{"target with query", Config{API: api, Target: "http://127.0.0.1:1/api?x=1"}, "Target"},
		{"negative budget", Config{API: api, Target: "http://127.0.0.1:1", MaxRequests: -1}, "MaxRequests"},
		{"negative rate", Config{API: api, Target: "http://127.0.0.1:1", Rate: -1}, "Rate"},
		{"negative timeout", Config{API: api, Target: "http://127.0.0.1:1", Timeout: -time.Second}, "Timeout"},
		{"unknown include", Config{API: api, Target: "http://127.0.0.1:1", Include: []string{"nope"}}, "Include"},
		{"unknown exclude", Config{API: api, Target: "http://127.0.0.1:1", Exclude: []string{"nope"}}, "Exclude"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(tt.cfg)
			var ce *ConfigError
			require.ErrorAs(t, err, &ce)
			require.Equal(t, tt.field, ce.Field)
		})
	}
}

func TestIncludeExcludeAndSeed(t *testing.T) {
	api := loadPets(t)
	ids := func(cfg Config) []string {
		cfg.API, cfg.Target, cfg.DryRun, cfg.RunID = api, "http://127.0.0.1:1/api", true, "run1"
		r, err := New(cfg)
		require.NoError(t, err)
		var out []string
		for _, c := range r.Plan().Cases {
			out = append(out, c.ID+" "+strings.Join(stepURLs(c), " "))
		}
		return out
	}
	all := ids(Config{})
	byTag := ids(Config{Include: []string{"pets"}})
	require.Equal(t, all, byTag, "every operation has the tag pets")
	only := ids(Config{Include: []string{"getPet"}})
	for _, id := range only {
		require.True(t, strings.HasPrefix(id, "getPet/"), id)
	}
	without := ids(Config{Exclude: []string{"getPet", "createPet"}})
	for _, id := range without {
		require.False(t, strings.HasPrefix(id, "getPet/") || strings.HasPrefix(id, "createPet/"), id)
	}
	require.Equal(t, ids(Config{Seed: 9}), ids(Config{Seed: 9}), "the same seed plans the same requests")
	require.NotEqual(t, ids(Config{Seed: 9}), ids(Config{Seed: 10}), "another seed generates other requests")
}

func stepURLs(c *Case) []string {
	var out []string
	for _, st := range c.Steps {
		out = append(out, st.req.urlPath()+"?"+st.req.query.Encode()+" "+string(st.req.payload()))
	}
	return out
}

func TestStandinTargetGetsSessionAndForcedCases(t *testing.T) {
	var mu sync.Mutex
	sessions := map[string]bool{}
	prefers := map[string]bool{}
	ids := map[string]bool{}
	api := loadPets(t)
	_, pets := newPetServer(t, bugs{})
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == healthPath {
			w.Header().Set("Content-Type", "application/json")
			w.Write([]byte(`{"status":"ok"}`))
			return
		}
		if strings.HasPrefix(r.URL.Path, "/__standin/") {
			http.NotFound(w, r) // an older standin without /__standin/apis
			return
		}
		mu.Lock()
		sessions[r.Header.Get(sessionHeader)] = true
		prefers[r.Header.Get("Prefer")] = true
		ids[r.Header.Get(idsHeader)] = true
		mu.Unlock()
		req := r.Clone(r.Context())
		req.URL.Scheme, req.URL.Host, req.RequestURI = "http", pets.Listener.Addr().String(), ""
		resp, err := pets.Client().Do(req)
		if err != nil {
			w.WriteHeader(http.StatusBadGateway)
			return
		}
		defer resp.Body.Close()
		for k, v := range resp.Header {
			w.Header()[k] = v
		}
		w.WriteHeader(resp.StatusCode)
		buf := make([]byte, 1<<16)
		n, _ := resp.Body.Read(buf)
		w.Write(buf[:n])
	}))
	t.Cleanup(ts.Close)
	rep, err := Run(t.Context(), Config{API: api, Target: ts.URL + "/api", Seed: 5, Include: []string{"getPet"}},
		WithHTTPClient(ts.Client()), WithSleep(noSleep), WithClock(fixedClock))
	require.NoError(t, err)
	require.True(t, rep.Plan.Standin)
	mu.Lock()
	defer mu.Unlock()
	require.Len(t, sessions, 1, "one session for the whole run")
	require.Equal(t, rep.Plan.Session, slices.Collect(maps.Keys(sessions))[0])
	require.Regexp(t, `^contracttest-5-[0-9a-f]{8}$`, rep.Plan.Session, "seed plus a random run id")
	require.Equal(t, map[string]bool{"strict": true}, ids, "every request asks the mock for strict ids")
	for _, code := range []string{"code=200", "code=400", "code=401", "code=404"} {
		require.True(t, prefers[code], code)
	}
	// The pet server ignores Prefer, so forcing an error status is caught by forced_status.
	require.True(t, failedCheckNames(rep)[CheckForcedStatus])
}
