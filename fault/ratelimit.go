package fault

import (
	"sync"
	"time"
)

// maxBuckets bounds how many keys a Limiter tracks; past it, buckets with no request inside the window are
// forgotten.
const maxBuckets = 10000

// Limiter is a sliding-window rate limiter: a key may make Limit requests in any Window. Time is passed in by
// the caller, so tests advance it instead of sleeping. It is safe for concurrent use.
type Limiter struct {
	limit  int
	window time.Duration

	mu      sync.Mutex // guards buckets
	buckets map[string][]time.Time
}

// NewLimiter returns a limiter of limit requests per window.
func NewLimiter(limit int, window time.Duration) *Limiter {
	return &Limiter{limit: max(limit, 1), window: window, buckets: map[string][]time.Time{}}
}

// Verdict is the limiter's answer for one request.
type Verdict struct {
	Allowed    bool
	Limit      int
	Remaining  int           // requests left in the window after this one
	RetryAfter time.Duration // when refused: until the oldest counted request leaves the window
	Reset      time.Duration // until the window has room for Limit requests again
}

// RetryAfterSeconds rounds RetryAfter up to whole seconds, at least 1.
func (v Verdict) RetryAfterSeconds() int {
	s := int((v.RetryAfter + time.Second - 1) / time.Second)
	return max(s, 1)
}

// Allow counts a request for key at now and says whether it fits the budget. A refused request is not counted.
func (l *Limiter) Allow(key string, now time.Time) Verdict {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.buckets) >= maxBuckets {
		l.prune(now)
	}
	times := l.buckets[key]
	cut := 0
	for cut < len(times) && !times[cut].After(now.Add(-l.window)) {
		cut++
	}
	times = times[cut:]
	v := Verdict{Limit: l.limit}
	if len(times) >= l.limit {
		v.RetryAfter = times[0].Add(l.window).Sub(now)
		v.Reset = times[len(times)-1].Add(l.window).Sub(now)
		l.buckets[key] = times
		return v
	}
	times = append(times, now)
	l.buckets[key] = times
	v.Allowed = true
	v.Remaining = l.limit - len(times)
	v.Reset = times[0].Add(l.window).Sub(now)
	return v
}

// prune forgets buckets whose requests have all left the window. l.mu must be held.
func (l *Limiter) prune(now time.Time) {
	for k, times := range l.buckets {
		if len(times) == 0 || !times[len(times)-1].After(now.Add(-l.window)) {
			delete(l.buckets, k)
		}
	}
}
