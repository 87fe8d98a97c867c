package mock

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestIssue13LatencyCap: a latency longer than the cap is refused wherever a rule comes from, and delays that add
// up past it are cut to it.
func TestIssue13LatencyCap(t *testing.T) {
	_, err := New(faultAPIs(t), Config{Faults: []string{"latency=1000000h"}})
	require.ErrorContains(t, err, "longer than the 2m0s cap")
	require.ErrorContains(t, err, "--max-latency")

	ts, _, clock := faultServer(t, Config{MaxLatency: time.Second, Faults: []string{"api=cinnox,latency=800ms", "api=cinnox,latency=900ms"}})
	tests := []struct {
		name   string
		req    faultReq
		status int
	}{
		{"header, fixed", faultCareList.with(FaultHeader, "latency=1000000h"), 400},
		{"header, range", faultCareList.with(FaultHeader, "latency=10ms..2s"), 400},
		{"header, tail without max", faultCareList.with(FaultHeader, "latency=tail:10ms:100ms"), 400},
		{"header, drip too slow", faultCareList.with(FaultHeader, "connection=drip,interval=1s"), 400},
		{"header, within the cap", faultCareList.with(FaultHeader, "latency=1s"), 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := faultDo(t, ts, tt.req)
			require.NoError(t, r.err)
			require.Equal(t, tt.status, r.status, "%s", r.body)
			if tt.status == 400 {
				require.Contains(t, string(r.body), "cap")
			}
		})
	}
	status, body := faultAdmin(t, ts, http.MethodPost, AdminPrefix+"faults", map[string]any{"latency": "1000000h"})
	require.Equal(t, 400, status)
	require.Contains(t, body["error"], "longer than the 1s cap")

	// Two rules of 800ms and 900ms match: the request waits the cap, not 1.7s.
	r := faultDo(t, ts, faultCinnoxList)
	require.Equal(t, 200, r.status, "%s", r.body)
	d := clock.Delays()
	require.Equal(t, time.Second, d[len(d)-1])
}

// TestIssue13HeaderFaultsOff: with IgnoreFaultHeaders, X-Standin-Fault and Prefer are plain headers.
func TestIssue13HeaderFaultsOff(t *testing.T) {
	on, _, _ := faultServer(t, Config{})
	off, _, _ := faultServer(t, Config{IgnoreFaultHeaders: true})
	tests := []struct {
		name       string
		req        faultReq
		on, offWas int
	}{
		{"status fault", faultAelystGet.with(FaultHeader, "500"), 500, 200},
		{"drop fault", faultAelystGet.with(FaultHeader, "drop"), 0, 200},
		{"bad fault header", faultAelystGet.with(FaultHeader, "latency=forever"), 400, 200},
		{"Prefer code", faultAelystGet.with("Prefer", "code=404"), 404, 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := faultDo(t, on, tt.req)
			if tt.on == 0 {
				require.Error(t, r.err)
			} else {
				require.Equal(t, tt.on, r.status, "%s", r.body)
			}
			r = faultDo(t, off, tt.req)
			require.NoError(t, r.err)
			require.Equal(t, tt.offWas, r.status, "%s", r.body)
		})
	}
}
