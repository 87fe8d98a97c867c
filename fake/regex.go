package fake

import (
	"regexp"
	"regexp/syntax"
	"strconv"
	"strings"
	"unicode/utf8"
)

// goPattern turns a schema pattern (ECMA-262) into Go regexp syntax for generating candidates. Patterns RE2
// accepts keep their meaning (\uXXXX becomes \x{XXXX}, as kin-openapi rewrites it); for the others it is an
// approximation that RE2 accepts: look-around assertions are dropped, back-references become nothing, repeat
// counts above RE2's limit of 1000 are lowered to it and identity escapes RE2 does not know lose their backslash.
// A candidate drawn from the approximation is kept only when the real pattern matches it.
func goPattern(src string) string {
	rewritten := codepointRE().ReplaceAllString(src, `\x{$1}`)
	if _, err := syntax.Parse(rewritten, syntax.Perl); err == nil {
		return rewritten
	}
	return approxRE2(src)
}

// codepointRE finds ECMA-262 \uXXXX escapes, which Go's regexp spells \x{XXXX}.
var codepointRE = lazyRegexp(`\\u([0-9A-Fa-f]{4})`)

// approxRE2 rewrites an ECMA-262 pattern RE2 refuses into one it accepts, matching a superset of it where it
// can (see goPattern).
func approxRE2(src string) string {
	var b strings.Builder
	rs := []rune(src)
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		switch {
		case r == '\\' && i+1 < len(rs):
			i++
			b.WriteString(approxEscape(rs, &i, false))
		case r == '[':
			j := i + 1
			b.WriteByte('[')
			if j < len(rs) && rs[j] == '^' {
				b.WriteByte('^')
				j++
			}
			if j < len(rs) && rs[j] == ']' { // ECMA-262's [] matches nothing, [^] anything
				if strings.HasSuffix(b.String(), "[^") {
					b.WriteString(`\s\S]`)
				} else {
					b.WriteString(`^\s\S]`)
				}
				i = j
				continue
			}
			for ; j < len(rs) && rs[j] != ']'; j++ {
				if rs[j] == '\\' && j+1 < len(rs) {
					j++
					b.WriteString(approxEscape(rs, &j, true))
					continue
				}
				if rs[j] == '[' {
					b.WriteString(`\[`)
					continue
				}
				b.WriteRune(rs[j])
			}
			b.WriteByte(']')
			i = j
		case r == '(' && i+2 < len(rs) && rs[i+1] == '?' && (rs[i+2] == '=' || rs[i+2] == '!' ||
			rs[i+2] == '<' && i+3 < len(rs) && (rs[i+3] == '=' || rs[i+3] == '!')):
			i = groupEnd(rs, i) // a look-around consumes nothing: leave it out
		case r == '{':
			if j, text, ok := approxCount(rs, i); ok {
				b.WriteString(text)
				i = j
				continue
			}
			b.WriteString(`\{`)
		case r == '}':
			b.WriteString(`\}`)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// approxEscape rewrites the escape whose letter is at rs[*i] (after the backslash), advancing *i past it.
func approxEscape(rs []rune, i *int, inClass bool) string {
	c := rs[*i]
	switch {
	case strings.ContainsRune("dDwWsStnrfv", c), !inClass && strings.ContainsRune("bB", c):
		return `\` + string(c)
	case c == 'b': // backspace in a class
		return `\x08`
	case c == 'u' && *i+1 < len(rs) && rs[*i+1] == '{':
		end := *i + 1
		for end < len(rs) && rs[end] != '}' {
			end++
		}
		hex := string(rs[*i+2 : min(end, len(rs))])
		*i = end
		return `\x{` + hex + `}`
	case c == 'u' && *i+4 < len(rs):
		hex := string(rs[*i+1 : *i+5])
		*i += 4
		return `\x{` + hex + `}`
	case c == 'x' && *i+2 < len(rs):
		hex := string(rs[*i+1 : *i+3])
		*i += 2
		return `\x{` + hex + `}`
	case c == 'p' || c == 'P':
		if *i+1 < len(rs) && rs[*i+1] == '{' {
			end := *i + 1
			for end < len(rs) && rs[end] != '}' {
				end++
			}
			name := string(rs[*i+2 : min(end, len(rs))])
			*i = end
			if _, v, ok := strings.Cut(name, "="); ok { // \p{Script=Latin}
				name = v
			}
			return `\` + string(c) + `{` + name + `}`
		}
		return string(c)
	case c >= '1' && c <= '9' && !inClass: // a back-reference: nothing to draw from
		for *i+1 < len(rs) && rs[*i+1] >= '0' && rs[*i+1] <= '9' {
			*i++
		}
		return ""
	case c == '0':
		return `\x00`
	case c < utf8.RuneSelf && !isAlnum(c) && c != '_':
		return `\` + string(c)
	}
	return regexp.QuoteMeta(string(c))
}

// approxCount rewrites a quantifier {n}, {n,} or {n,m} at rs[i] with counts above 1000 lowered to 1000, and
// returns the index of its closing brace. ok is false when the brace does not open a quantifier.
func approxCount(rs []rune, i int) (int, string, bool) {
	end := i + 1
	for end < len(rs) && rs[end] != '}' {
		end++
	}
	if end >= len(rs) {
		return i, "", false
	}
	lo, hi, comma := strings.Cut(string(rs[i+1:end]), ",")
	clamp := func(s string) (string, bool) {
		if s == "" {
			return "", true
		}
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			return "", false
		}
		return strconv.Itoa(min(n, 1000)), true
	}
	l, ok1 := clamp(lo)
	h, ok2 := clamp(hi)
	if !ok1 || !ok2 || l == "" {
		return i, "", false
	}
	if !comma {
		return end, "{" + l + "}", true
	}
	return end, "{" + l + "," + h + "}", true
}

// groupEnd returns the index of the parenthesis closing the group opened at rs[i].
func groupEnd(rs []rune, i int) int {
	depth, inClass := 0, false
	for j := i; j < len(rs); j++ {
		switch c := rs[j]; {
		case c == '\\':
			j++
		case inClass:
			inClass = c != ']'
		case c == '[':
			inClass = true
		case c == '(':
			depth++
		case c == ')':
			depth--
			if depth == 0 {
				return j
			}
		}
	}
	return len(rs) - 1
}

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
