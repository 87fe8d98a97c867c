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
