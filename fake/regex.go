package fake

import (
	"regexp/syntax"
	"strings"
	"unicode/utf8"
)

// inf stands for an unbounded length in regex length arithmetic.
const inf = 1 << 30

// regexOfLength builds a string that matches the Go pattern src with a rune count in
// [lo, hi] (hi < 0: unbounded), for when gofakeit's regex generator, which caps
// repetitions at 10 and ignores length limits, keeps missing them. ok is false when the
// pattern's own length range does not meet [lo, hi]. The caller still verifies the result.
func regexOfLength(p pos, src string, lo, hi int) (string, bool) {
	re, err := syntax.Parse(src, syntax.Perl)
	if err != nil {
		return "", false
	}
	re = re.Simplify()
	mn, mx := rxLen(re)
	if hi < 0 || hi > inf {
		hi = inf
	}
	lo, hi = max(lo, mn), min(hi, mx)
	if lo > hi {
		return "", false
	}
	want := lo + p.f.IntN(min(hi-lo, 12)+1)
	var b strings.Builder
	rxEmit(p, re, want, &b)
	return b.String(), true
}

// rxLen is the least and greatest rune count of the strings re matches (inf: unbounded).
func rxLen(re *syntax.Regexp) (int, int) {
	switch re.Op {
	case syntax.OpNoMatch:
		return inf, 0
	case syntax.OpLiteral:
		return len(re.Rune), len(re.Rune)
	case syntax.OpCharClass, syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		return 1, 1
	case syntax.OpCapture:
		return rxLen(re.Sub[0])
	case syntax.OpStar:
		_, mx := rxLen(re.Sub[0])
		if mx == 0 {
			return 0, 0
		}
		return 0, inf
	case syntax.OpPlus:
		mn, mx := rxLen(re.Sub[0])
		if mx == 0 {
			return mn, 0
		}
		return mn, inf
	case syntax.OpQuest:
		_, mx := rxLen(re.Sub[0])
		return 0, mx
	case syntax.OpRepeat:
		mn, mx := rxLen(re.Sub[0])
		lo := min(re.Min*mn, inf)
		if re.Max < 0 {
			if mx == 0 {
				return lo, 0
			}
			return lo, inf
		}
		return lo, min(re.Max*mx, inf)
	case syntax.OpConcat:
		lo, hi := 0, 0
		for _, s := range re.Sub {
			mn, mx := rxLen(s)
			lo, hi = min(lo+mn, inf), min(hi+mx, inf)
		}
		return lo, hi
	case syntax.OpAlternate:
		lo, hi := inf, 0
		for _, s := range re.Sub {
			mn, mx := rxLen(s)
			lo, hi = min(lo, mn), max(hi, mx)
		}
		return lo, hi
	}
	return 0, 0 // anchors, boundaries, empty match
}

// rxEmit writes a string matching re, as close to want runes as re allows.
func rxEmit(p pos, re *syntax.Regexp, want int, b *strings.Builder) {
	switch re.Op {
	case syntax.OpLiteral:
		for _, r := range re.Rune {
			b.WriteRune(r)
		}
	case syntax.OpCharClass:
		b.WriteRune(classRune(p, re.Rune))
	case syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		b.WriteByte(byte('a' + p.f.IntN(26)))
	case syntax.OpCapture:
		rxEmit(p, re.Sub[0], want, b)
	case syntax.OpQuest:
		if mn, _ := rxLen(re.Sub[0]); want > 0 && want >= mn {
			rxEmit(p, re.Sub[0], want, b)
		}
	case syntax.OpStar, syntax.OpPlus, syntax.OpRepeat:
		lo, hi := 0, inf
		switch re.Op {
		case syntax.OpPlus:
			lo = 1
		case syntax.OpRepeat:
			lo = re.Min
			if re.Max >= 0 {
				hi = re.Max
			}
		}
		mn, mx := rxLen(re.Sub[0])
		per := max(1, mn)
		if mx > mn {
			per = max(1, (mn+min(mx, mn+4))/2)
		}
		n := min(max(want/per, lo), hi)
		left := want
		for i := range n {
			share := left / (n - i)
			before := b.Len()
			rxEmit(p, re.Sub[0], share, b)
			left -= utf8.RuneCountInString(b.String()[before:])
		}
	case syntax.OpConcat:
		shares := make([]int, len(re.Sub))
		extra := want
		for i, s := range re.Sub {
			mn, _ := rxLen(s)
			shares[i] = mn
			extra -= mn
		}
		for i, s := range re.Sub {
			if extra <= 0 {
				break
			}
			mn, mx := rxLen(s)
			add := min(extra, mx-mn)
			shares[i] += add
			extra -= add
		}
		for i, s := range re.Sub {
			rxEmit(p, s, shares[i], b)
		}
	case syntax.OpAlternate:
		var fits []*syntax.Regexp
		for _, s := range re.Sub {
			if mn, mx := rxLen(s); mn <= want && want <= mx {
				fits = append(fits, s)
			}
		}
		if len(fits) == 0 {
			fits = re.Sub
		}
		rxEmit(p, fits[p.f.IntN(len(fits))], want, b)
	}
}

// classRune picks a rune from a character class (pairs of inclusive ranges), preferring
// printable ASCII letters and digits, then any printable ASCII, then anything in range.
func classRune(p pos, ranges []rune) rune {
	for _, pref := range [][2]rune{{'0', 'z'}, {' ' + 1, '~'}} {
		var in []rune
		for i := 0; i+1 < len(ranges); i += 2 {
			for r := max(ranges[i], pref[0]); r <= min(ranges[i+1], pref[1]); r++ {
				if pref[0] != '0' || isAlnum(r) {
					in = append(in, r)
				}
			}
		}
		if len(in) > 0 {
			return in[p.f.IntN(len(in))]
		}
	}
	if len(ranges) < 2 {
		return 'x'
	}
	i := 2 * p.f.IntN(len(ranges)/2)
	return ranges[i] + rune(p.f.IntN(int(min(ranges[i+1]-ranges[i], 1000))+1))
}

func isAlnum(r rune) bool {
	return (r >= '0' && r <= '9') || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z')
}
