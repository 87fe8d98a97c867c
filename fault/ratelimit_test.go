package fault

import (
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestLimiterWindow(t *testing.T) {
	l := NewLimiter(2, time.Second)
	t0 := time.Unix(1000, 0)
	require.True(t, l.Allow("a", t0).Allowed)
	v := l.Allow("a", t0.Add(100*time.Millisecond))
	require.True(t, v.Allowed)
	require.Equal(t, 0, v.Remaining)
	v = l.Allow("a", t0.Add(500*time.Millisecond))
	require.False(t, v.Allowed)
	require.Equal(t, 500*time.Millisecond, v.RetryAfter)
	require.True(t, l.Allow("b", t0.Add(500*time.Millisecond)).Allowed, "keys are counted apart")
	require.True(t, l.Allow("a", t0.Add(1001*time.Millisecond)).Allowed, "the first request left the window")
}

// TestIssue13LimiterManyKeys: with more keys than it tracks, the limiter forgets stale keys first and the least
// recently used after them, so it never holds more than maxBuckets, and a busy key keeps its count.
func TestIssue13LimiterManyKeys(t *testing.T) {
	l := NewLimiter(3, time.Minute)
	t0 := time.Unix(1000, 0)
	for i := range 3 {
		require.True(t, l.Allow("busy", t0.Add(time.Duration(i)*time.Millisecond)).Allowed)
	}
	for i := range 2 * maxBuckets {
		now := t0.Add(time.Duration(i) * time.Millisecond)
		l.Allow("k"+strconv.Itoa(i), now)
		if i%1000 == 0 {
			require.False(t, l.Allow("busy", now).Allowed, "busy keeps its count while it is used")
		}
		require.LessOrEqual(t, l.Keys(), maxBuckets)
	}
	// Two minutes on, every key is stale: one request prunes them all.
	l.Allow("late", t0.Add(3*time.Minute))
	require.Equal(t, 1, l.Keys())
}

// BenchmarkLimiterAllow measures one request against a limiter already holding n keys (the issue's audit saw
// 2,880 req/s fall to 500 once 10,000 keys were held; each call must cost the same whatever n).
func BenchmarkLimiterAllow(b *testing.B) {
	for _, n := range []int{10, 10000, 100000} {
		b.Run(strconv.Itoa(n)+"keys", func(b *testing.B) {
			l := NewLimiter(1000, time.Hour)
			t0 := time.Unix(1000, 0)
			keys := make([]string, n)
			for i := range keys {
				keys[i] = "k" + strconv.Itoa(i)
				l.Allow(keys[i], t0)
			}
			b.ResetTimer()
			for i := range b.N {
				l.Allow(keys[i%n], t0.Add(time.Duration(i)))
			}
		})
	}
}
