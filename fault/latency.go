package fault

import (
	"math"
	"math/rand/v2"
	"time"
)

// z95 is the standard normal quantile of 0.95.
const z95 = 1.6448536269514722

// Sample draws one delay from the distribution using rng.
func (l Latency) Sample(rng *rand.Rand) time.Duration {
	switch l.Kind {
	case LatencyUniform:
		if l.Max <= l.Min {
			return l.Min
		}
		return l.Min + time.Duration(rng.Int64N(int64(l.Max-l.Min)+1))
	case LatencyTail:
		mu := math.Log(float64(l.P50))
		sigma := math.Log(float64(l.P95)/float64(l.P50)) / z95
		d := time.Duration(math.Exp(mu + sigma*rng.NormFloat64()))
		limit := l.Max
		if limit == 0 {
			limit = 20 * l.P95
		}
		return min(max(d, 0), limit)
	}
	return l.Fixed
}

// Longest is the longest delay the distribution can draw: the fixed value, the top of a uniform range, or a
// tail's Max (20 × P95 when none is given).
func (l Latency) Longest() time.Duration {
	switch l.Kind {
	case LatencyUniform:
		return max(l.Max, l.Min)
	case LatencyTail:
		if l.Max > 0 {
			return l.Max
		}
		if l.P95 > math.MaxInt64/20 {
			return math.MaxInt64
		}
		return 20 * l.P95
	}
	return l.Fixed
}
