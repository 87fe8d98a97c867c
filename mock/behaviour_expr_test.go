package mock

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestFormatNow: $now's text is t.UTC().Format(nowLayout) for any time: other zones, the edges of the four-digit
// years and beyond them, leap days, the last nanosecond of a millisecond.
func TestFormatNow(t *testing.T) {
	plus5 := time.FixedZone("plus5", 5*3600+30*60)
	times := []time.Time{
		{},
		time.Date(0, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(-1, 12, 31, 23, 59, 59, 999999999, time.UTC),
		time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.UTC),
		time.Date(9999, 12, 31, 23, 59, 59, 999999999, plus5), // still 9999 in UTC
		time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(2024, 2, 29, 12, 0, 0, 1e6-1, time.UTC),
		time.Date(2026, 12, 2, 5, 14, 31, 647e6, plus5),
		time.Date(1970, 1, 1, 0, 0, 0, 0, time.Local),
		time.Unix(0, 0).Add(time.Duration(rand.Int64())), // with a monotonic reading or not, the same text
	}
	r := rand.New(rand.NewPCG(3, 4))
	for range 20000 {
		times = append(times, time.Unix(r.Int64N(400000000000)-62135596800, r.Int64N(1e9)).In(plus5))
	}
	times = append(times, time.Now())
	for _, tm := range times {
		require.Equal(t, tm.UTC().Format(nowLayout), formatNow(tm), "%v", tm)
	}
}
