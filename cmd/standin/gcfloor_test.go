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
		{"nothing collected yet", 0, 16 * mib, 100},
		{"small live heap: goal at the floor", 4 * mib, 16 * mib, 300},
		{"half the floor: GOGC's own goal", 8 * mib, 16 * mib, 100},
		{"past the floor", 40 * mib, 16 * mib, 100},
		{"a nearly empty heap is bounded", 1024, 16 * mib, maxFloorPercent},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := floorPercent(tt.live, tt.floor, 100)
			require.Equal(t, tt.want, got)
			if tt.live > 0 && got < maxFloorPercent && got > 100 {
				require.InDelta(t, float64(tt.floor), float64(tt.live)*(1+float64(got)/100), float64(tt.live)/100+1)
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
	deadline := time.Now().Add(10 * time.Second)
	for h.changes.Load() == 0 && time.Now().Before(deadline) {
		runtime.GC()
		time.Sleep(10 * time.Millisecond)
	}
	require.Positive(t, h.changes.Load(), "no collection reached the floor's finalizer")
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
