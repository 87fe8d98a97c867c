package fake

import (
	"math"

	"github.com/getkin/kin-openapi/openapi3"
)

// maxSpan bounds the width of a range drawn from, so that huge declared ranges (such as
// the JavaScript safe-integer range) still give small, exact, realistic values.
const maxSpan = 1e6

// unixFormats are the number formats that mean Unix time in seconds.
var unixFormats = map[string]bool{"unix-time": true, "unixtime": true, "unix-timestamp": true, "epoch": true}

// bounds is a numeric range with inclusive or exclusive ends.
type bounds struct {
	lo, hi     float64
	loEx, hiEx bool
	integer    bool
	multipleOf float64 // 0 when unset
}

func boundsOf(s *openapi3.Schema, integer bool) bounds {
	b := bounds{lo: math.Inf(-1), hi: math.Inf(1), integer: integer}
	if s.Min != nil {
		b.lo, b.loEx = *s.Min, s.ExclusiveMin.IsTrue()
	}
	if v := s.ExclusiveMin.Value; v != nil && *v >= b.lo {
		b.lo, b.loEx = *v, true
	}
	if s.Max != nil {
		b.hi, b.hiEx = *s.Max, s.ExclusiveMax.IsTrue()
	}
	if v := s.ExclusiveMax.Value; v != nil && *v <= b.hi {
		b.hi, b.hiEx = *v, true
	}
	if integer {
		switch s.Format {
		case "int32":
			b.lo, b.hi = max(b.lo, math.MinInt32), min(b.hi, math.MaxInt32)
		case "int64":
			// float64(math.MaxInt64) rounds up to 2^63, which kin-openapi's int64 check rejects.
			b.lo, b.hi = max(b.lo, math.MinInt64), min(b.hi, math.Nextafter(math.MaxInt64, 0))
		}
		// Make the ends inclusive integers.
		lo, hi := math.Ceil(b.lo), math.Floor(b.hi)
		if b.loEx && lo == b.lo {
			lo++
		}
		if b.hiEx && hi == b.hi {
			hi--
		}
		b.lo, b.hi, b.loEx, b.hiEx = lo, hi, false, false
	}
	if m := s.MultipleOf; m != nil && *m > 0 && !math.IsInf(*m, 0) && !math.IsNaN(*m) {
		b.multipleOf = *m
	}
	return b
}

// holds reports whether v satisfies the bounds, integer and multipleOf.
func (b bounds) holds(v float64) bool {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return false
	}
	if v < b.lo || (b.loEx && v == b.lo) || v > b.hi || (b.hiEx && v == b.hi) {
		return false
	}
	if b.integer && v != math.Trunc(v) {
		return false
	}
	if m := b.multipleOf; m > 0 {
		q := v / m
		if math.Abs(q-math.Round(q)) > 1e-9*math.Max(1, math.Abs(q)) {
			return false
		}
	}
	return true
}

// window intersects the preferred realistic range [plo, phi] with the bounds; when they
// do not meet it takes the part of the bounds closest to the preferred range, at most
// maxSpan wide.
func (b bounds) window(plo, phi float64) (float64, float64) {
	lo, hi := max(b.lo, plo), min(b.hi, phi)
	if lo <= hi {
		return lo, hi
	}
	if b.hi < plo {
		return max(b.lo, b.hi-maxSpan), b.hi
	}
	return b.lo, min(b.hi, b.lo+maxSpan)
}

// number generates an integer or a number within the schema's bounds, preferring the
// realistic range the property name suggests.
func (c *cursor) number(p pos, s *openapi3.Schema, integer bool) float64 {
	b := boundsOf(s, integer)
	plo, phi, frac := 0.0, 1000.0, true
	if integer {
		plo = 1
	}
	if lo, hi, f, ok := c.numberHint(p); ok {
		plo, phi, frac = lo, hi, f
	}
	if unixFormats[s.Format] {
		plo, phi = unixRange(c, p) // Stripe's "format: unix-time": a recent Unix time in seconds
		frac = false
	}
	// startHour below endHour, minPrice below maxPrice: earlier/lower names take the
	// lower half of the realistic range, later/higher ones the upper half.
	switch mid := plo + math.Floor((phi-plo)/2); phase(words0(p.name)) {
	case -1:
		phi = mid
	case 1:
		plo = mid
	}
	if c.wide {
		plo, phi = max(b.lo, -maxSpan), min(b.hi, maxSpan)
	}
	lo, hi := b.window(plo, phi)
	if lo > hi || math.IsInf(lo, 0) || math.IsInf(hi, 0) {
		return b.lo // unsatisfiable (or unbounded on the wrong side); Generate reports it
	}
	if m := b.multipleOf; m > 0 {
		return b.multiple(p, lo, hi)
	}
	if integer {
		lo, hi = math.Ceil(lo), math.Floor(hi)
		if lo > hi {
			return b.lo
		}
		return lo + float64(p.f.IntN(int(min(hi-lo, maxSpan))+1))
	}
	v := p.f.Float64Range(lo, hi)
	if r := math.Round(v); !frac && b.holds(r) {
		return r
	}
	if r := math.Round(v*100) / 100; b.holds(r) {
		return r
	}
	if b.holds(v) {
		return v
	}
	if mid := lo + (hi-lo)/2; b.holds(mid) {
		return mid
	}
	return math.Nextafter(b.lo, b.hi)
}

// multiple picks k*multipleOf inside [lo, hi], falling back to the whole bounds.
func (b bounds) multiple(p pos, lo, hi float64) float64 {
	m := b.multipleOf
	for _, r := range [][2]float64{{lo, hi}, {b.lo, b.hi}} {
		klo, khi := math.Ceil(r[0]/m), math.Floor(r[1]/m)
		if math.IsInf(klo, 0) && math.IsInf(khi, 0) {
			klo, khi = 0, 10
		} else if math.IsInf(klo, 0) {
			klo = khi - 10
		} else if math.IsInf(khi, 0) {
			khi = klo + 10
		}
		if klo > khi {
			continue
		}
		span := min(khi-klo, maxSpan)
		start := klo + float64(p.f.IntN(int(span)+1))
		// Walk from the drawn multiple, then from the low end, to one that holds
		// (exclusive ends and integer-only types rule some out).
		for _, from := range []float64{start, klo} {
			for i := 0.0; i < 64 && from+i <= khi; i++ {
				if v := (from + i) * m; b.holds(v) {
					return v
				}
			}
		}
	}
	return lo
}
