package main

import (
	"math"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync"
	"sync/atomic"
)

// heapFloor keeps the collector's heap goal at no less than floor bytes. With GOGC=100 the goal is twice the
// live heap: a server whose live heap is a few MB collects after every few MB it allocates, and each cycle
// marks that whole live heap again, so collection is a fifth of a small request's cost. Past floor/2 of live
// heap the goal is GOGC's again, so a big document's server grows no more than it would without the floor.
//
// After each collection (a finalizer re-armed every cycle) it reads the live heap and sets the GC percentage
// that puts the goal at the floor: live × (1 + percent/100) = floor, never below the percentage the process
// started with. The percentage is changed only when it moves by more than an eighth.
type heapFloor struct {
	floor   uint64
	percent int        // the process's own GOGC (100)
	set     int        // the percentage in force
	mu      sync.Mutex // orders adjust's change against stop's
	stopped bool
	sample  []metrics.Sample
	changes atomic.Int64 // how often the percentage was set, for tests
	cycles  atomic.Int64 // how many collections the finalizer followed, for tests
}

// defaultGCFloor is serve's --gc-floor.
const defaultGCFloor = 13 << 20

// maxFloorPercent bounds the percentage the floor sets, for a live heap that is nearly empty.
const maxFloorPercent = 2000

// startHeapFloor starts keeping the heap goal at floor bytes at least, unless floor is 0 or the user set GOGC or
// GOMEMLIMIT (the user's setting wins). stop restores the process's own percentage.
func startHeapFloor(floor uint64) (h *heapFloor, stop func()) {
	if floor == 0 || os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return nil, func() {}
	}
	h = &heapFloor{floor: floor, percent: 100, set: 100, sample: []metrics.Sample{{Name: "/gc/heap/live:bytes"}}}
	h.adjust()
	h.arm()
	return h, func() {
		h.mu.Lock()
		defer h.mu.Unlock()
		if !h.stopped {
			h.stopped = true
			debug.SetGCPercent(h.percent)
		}
	}
}

// gcCycle is garbage the moment it is made: its finalizer runs after the next collection.
type gcCycle struct{ h *heapFloor }

func (h *heapFloor) arm() {
	runtime.SetFinalizer(&gcCycle{h}, func(c *gcCycle) {
		c.h.cycles.Add(1)
		if c.h.adjust() {
			c.h.arm()
		}
	})
}

// adjust sets the percentage for the live heap of the last collection; false once stopped. Only the finalizer
// goroutine calls it, after startHeapFloor's first call.
func (h *heapFloor) adjust() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.stopped {
		return false
	}
	metrics.Read(h.sample)
	if h.sample[0].Value.Kind() != metrics.KindUint64 {
		return true
	}
	want := floorPercent(h.sample[0].Value.Uint64(), h.floor, h.percent)
	if d := want - h.set; d > h.set/8 || -d > h.set/8 {
		debug.SetGCPercent(want)
		h.set = want
		h.changes.Add(1)
	}
	return true
}

// heapMinimum is the least goal Go's pacer sets at GOGC=100 (the runtime's heapMinimum); it scales with the
// percentage.
const heapMinimum = 4 << 20

// floorPercent is the GC percentage that makes the goal of a live heap of live bytes floor bytes, at least
// percent and at most maxFloorPercent. The pacer's goal is the larger of heapMinimum × p/100 and
// live + (live + roots) × p/100, roots being the stacks and globals that live does not count. The lesser of the
// percentage that puts the first at the floor and the one that puts live × (1 + p/100) there leaves the goal
// near the floor either way: a small live heap, or none collected yet at start, gets the first (with the
// second, a 1 MB live heap and its roots made a 37 MB goal of a 14 MiB floor).
func floorPercent(live, floor uint64, percent int) int {
	if live >= floor {
		return percent
	}
	p := int(min(floor*100/heapMinimum, math.MaxInt32))
	if live > 0 {
		p = min(p, int((floor-live)*100/live)) // live + live*p/100 = floor
	}
	return min(max(p, percent), maxFloorPercent)
}
