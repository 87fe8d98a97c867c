package mock

import (
	"regexp/syntax"
	"strings"
	"unicode/utf8"

	"github.com/standin/standin/openapi/pattern"
)

// simplePattern matches, without a regular expression engine, a pattern anchored at both ends whose every match
// is one of a few sequences of character sets: the uuid, code and identifier patterns request schemas are full
// of (^[0-9a-f]{8}-...$, ^[A-Z]{2}[0-9]{4}$, ^(a|bc)$). Go's regexp answers such a pattern with its backtracker,
// thousands of instructions a string; this walks the string once per sequence.
type simplePattern struct {
	alts [][]runeSet
	sets [][]charSet // alts with an ASCII bitmap per position
}

// runeSet is a character class as inclusive ranges lo, hi, lo, hi, ...
type runeSet []rune

func (rs runeSet) has(r rune) bool {
	for i := 0; i+1 < len(rs); i += 2 {
		if r >= rs[i] && r <= rs[i+1] {
			return true
		}
	}
	return false
}

// charSet is a runeSet with its ASCII members as a bitmap, the common case answered by one bit test.
type charSet struct {
	ascii [2]uint64
	rs    runeSet
}

func newCharSet(rs runeSet) charSet {
	cs := charSet{rs: rs}
	for c := rune(0); c < utf8.RuneSelf; c++ {
		if rs.has(c) {
			cs.ascii[c>>6] |= 1 << (c & 63)
		}
	}
	return cs
}

func (cs *charSet) has(r rune) bool {
	if r < utf8.RuneSelf {
		return cs.ascii[r>>6]&(1<<(r&63)) != 0
	}
	return cs.rs.has(r)
}

// Bounds of what compileSimplePattern expands; a larger pattern keeps the engine.
const (
	maxPatternAlts = 16
	maxPatternLen  = 256
)

// compileSimplePattern returns the simple matcher of src, or nil when src is not such a pattern or is not one
// openapi/pattern gives to Go's regexp (whose semantics the matcher reproduces: ^ and $ at the ends of the text,
// a byte of invalid UTF-8 read as U+FFFD).
func compileSimplePattern(src string) *simplePattern {
	if strings.Contains(src, `\u`) { // openapi/pattern rewrites \uXXXX before Go's regexp parses it
		return nil
	}
	if re, err := pattern.Compile(src); err != nil || !re.RE2() {
		return nil
	}
	t, err := syntax.Parse(src, syntax.Perl)
	if err != nil || t.Op != syntax.OpConcat || len(t.Sub) < 2 ||
		t.Sub[0].Op != syntax.OpBeginText || t.Sub[len(t.Sub)-1].Op != syntax.OpEndText {
		return nil
	}
	alts := expandPattern(&syntax.Regexp{Op: syntax.OpConcat, Sub: t.Sub[1 : len(t.Sub)-1]})
	if alts == nil {
		return nil
	}
	sp := &simplePattern{alts: alts, sets: make([][]charSet, len(alts))}
	for i, seq := range alts {
		sp.sets[i] = make([]charSet, len(seq))
		for j, rs := range seq {
			sp.sets[i][j] = newCharSet(rs)
		}
	}
	return sp
}

// expandPattern lists the sequences of character sets t matches; nil when t is not made of literals, classes,
// fixed repeats, groups and alternations, or expands past the bounds.
func expandPattern(t *syntax.Regexp) [][]runeSet {
	switch t.Op {
	case syntax.OpEmptyMatch:
		return [][]runeSet{{}}
	case syntax.OpLiteral:
		if t.Flags&syntax.FoldCase != 0 || len(t.Rune) > maxPatternLen {
			return nil
		}
		seq := make([]runeSet, len(t.Rune))
		for i, r := range t.Rune {
			seq[i] = runeSet{r, r}
		}
		return [][]runeSet{seq}
	case syntax.OpCharClass:
		if len(t.Rune) == 0 || len(t.Rune)%2 != 0 {
			return nil
		}
		return [][]runeSet{{runeSet(t.Rune)}}
	case syntax.OpAnyCharNotNL:
		return [][]runeSet{{runeSet{0, '\n' - 1, '\n' + 1, utf8.MaxRune}}}
	case syntax.OpAnyChar:
		return [][]runeSet{{runeSet{0, utf8.MaxRune}}}
	case syntax.OpCapture:
		return expandPattern(t.Sub[0])
	case syntax.OpRepeat:
		if t.Min != t.Max || t.Min < 0 || t.Min > maxPatternLen {
			return nil
		}
		subs := make([]*syntax.Regexp, t.Min)
		for i := range subs {
			subs[i] = t.Sub[0]
		}
		return expandPattern(&syntax.Regexp{Op: syntax.OpConcat, Sub: subs})
	case syntax.OpAlternate:
		var out [][]runeSet
		for _, sub := range t.Sub {
			alts := expandPattern(sub)
			if alts == nil || len(out)+len(alts) > maxPatternAlts {
				return nil
			}
			out = append(out, alts...)
		}
		return out
	case syntax.OpConcat:
		out := [][]runeSet{{}}
		for _, sub := range t.Sub {
			alts := expandPattern(sub)
			if alts == nil || len(out)*len(alts) > maxPatternAlts {
				return nil
			}
			next := make([][]runeSet, 0, len(out)*len(alts))
			for _, head := range out {
				for _, tail := range alts {
					if len(head)+len(tail) > maxPatternLen {
						return nil
					}
					seq := make([]runeSet, 0, len(head)+len(tail))
					next = append(next, append(append(seq, head...), tail...))
				}
			}
			out = next
		}
		return out
	}
	return nil
}

// MatchString reports whether s is one of the pattern's sequences.
func (p *simplePattern) MatchString(s string) bool {
	for _, seq := range p.sets {
		if matchSeq(seq, s) {
			return true
		}
	}
	return false
}

func matchSeq(seq []charSet, s string) bool {
	if len(s) < len(seq) { // each character takes at least one byte
		return false
	}
	if len(s) == len(seq) { // one byte a character when s is ASCII: a bit test each
		ascii := true
		for i := 0; i < len(s); i++ {
			c := s[i]
			if c >= utf8.RuneSelf {
				ascii = false // a rune of several bytes, or a byte of invalid UTF-8 (U+FFFD): the rune walk below
				break
			}
			if seq[i].ascii[c>>6]&(1<<(c&63)) == 0 {
				return false
			}
		}
		if ascii {
			return true
		}
	}
	i := 0
	for _, r := range s {
		if i == len(seq) || !seq[i].has(r) {
			return false
		}
		i++
	}
	return i == len(seq)
}
