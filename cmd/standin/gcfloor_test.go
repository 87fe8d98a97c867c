package main

import (
	"os"
	"runtime"
	"runtime/debug"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestFloorPercent(t *testing.T) {
	const mib = 1 << 20
	for _, tt := range []struct {
		name        string
		live, floor uint64
		want        int
	}{
		{"nothing collected yet: the pacer's minimum goal at the floor", 0, 16 * mib, 400},
		{"a nearly empty heap: the pacer's minimum goal at the floor", 1024, 16 * mib, 400},
		{"small live heap: the pacer's minimum goal at the floor", 2 * mib, 16 * mib, 400},
		{"live heap past a fifth of the floor: live x (1 + p/100) at the floor", 4 * mib, 16 * mib, 300},
		{"half the floor: GOGC's own goal", 8 * mib, 16 * mib, 100},
		{"past the floor", 40 * mib, 16 * mib, 100},
		{"a floor under the pacer's minimum: GOGC's own", 0, 2 * mib, 100},
		{"a huge floor is bounded", 1 * mib, 1 << 40, maxFloorPercent},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := floorPercent(tt.live, tt.floor, 100)
			require.Equal(t, tt.want, got)
			if got < maxFloorPercent && got > 100 { // the larger of the two goals is the floor
				goal := max(float64(heapMinimum)*float64(got)/100, float64(tt.live)*(1+float64(got)/100))
				require.InDelta(t, float64(tt.floor), goal, float64(tt.floor)/100)
			}
		})
	}
}

// TestHeapFloorFollowsCollections: with a floor far above this test process's live heap, a collection raises the
// GC percentage; stopping restores GOGC's own, and a user's GOGC turns the floor off.
func TestHeapFloorFollowsCollections(t *testing.T) {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		t.Skip("GOGC or GOMEMLIMIT is set: the floor is off by design")
	}
	h, stop := startHeapFloor(1 << 30)
	require.NotNil(t, h)
	defer stop()
	require.Equal(t, int64(1), h.changes.Load(), "the floor is in force from the start")
	deadline := time.Now().Add(10 * time.Second)
	for h.cycles.Load() < 2 && time.Now().Before(deadline) {
		runtime.GC()
		time.Sleep(10 * time.Millisecond)
	}
	require.GreaterOrEqual(t, h.cycles.Load(), int64(2), "no collection reached the floor's finalizer")
	h.mu.Lock()
	set := h.set
	h.mu.Unlock()
	require.Greater(t, set, 100)
	stop()
	require.Equal(t, 100, debug.SetGCPercent(100), "stop restores GOGC's percentage")

	t.Setenv("GOGC", "150")
	h2, stop2 := startHeapFloor(1 << 30)
	defer stop2()
	require.Nil(t, h2)
}
