package fault

import (
	"container/list"
	"sync"
	"time"
)

// maxBuckets bounds how many keys a Limiter tracks. Past it, the least recently used key is forgotten (its next
// request starts a fresh window).
const maxBuckets = 10000

// Limiter is a sliding-window rate limiter: a key may make Limit requests in any Window. Time is passed in by
// the caller, so tests advance it instead of sleeping. Each request costs O(1) amortised whatever the number of
// keys: buckets are kept in order of last use, and only the stale ones at the front are looked at. It is safe
// for concurrent use.
type Limiter struct {
	limit  int
	window time.Duration

	mu      sync.Mutex // guards buckets and order
	buckets map[string]*list.Element
	order   *list.List // of *bucket, least recently used first
}

// bucket is one key's counted requests, oldest first.
type bucket struct {
	key   string
	times []time.Time
}

// NewLimiter returns a limiter of limit requests per window.
func NewLimiter(limit int, window time.Duration) *Limiter {
	return &Limiter{limit: max(limit, 1), window: window, buckets: map[string]*list.Element{}, order: list.New()}
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
	l.prune(now)
	el, ok := l.buckets[key]
	if !ok {
		if len(l.buckets) >= maxBuckets {
			oldest := l.order.Front()
			delete(l.buckets, oldest.Value.(*bucket).key)
			l.order.Remove(oldest)
		}
		el = l.order.PushBack(&bucket{key: key})
		l.buckets[key] = el
	} else {
		l.order.MoveToBack(el)
	}
	b := el.Value.(*bucket)
	cut := 0
	for cut < len(b.times) && !b.times[cut].After(now.Add(-l.window)) {
		cut++
	}
	b.times = b.times[cut:]
	v := Verdict{Limit: l.limit}
	if len(b.times) >= l.limit {
		v.RetryAfter = b.times[0].Add(l.window).Sub(now)
		v.Reset = b.times[len(b.times)-1].Add(l.window).Sub(now)
		return v
	}
	b.times = append(b.times, now)
	v.Allowed = true
	v.Remaining = l.limit - len(b.times)
	v.Reset = b.times[0].Add(l.window).Sub(now)
	return v
}

// prune forgets the least recently used buckets whose requests have all left the window; it stops at the first
// bucket still in use, so it costs O(1) amortised. l.mu must be held.
func (l *Limiter) prune(now time.Time) {
	for el := l.order.Front(); el != nil; el = l.order.Front() {
		b := el.Value.(*bucket)
		if len(b.times) > 0 && b.times[len(b.times)-1].After(now.Add(-l.window)) {
			return
		}
		delete(l.buckets, b.key)
		l.order.Remove(el)
	}
}

// Keys is how many keys the limiter tracks now.
func (l *Limiter) Keys() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.buckets)
}
