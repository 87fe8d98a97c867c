// Package pattern compiles the `pattern` keywords of OpenAPI schemas. OpenAPI and JSON Schema define them as
// ECMA-262 regular expressions, which Go's regexp (RE2) only partly accepts: look-ahead such as `^(?!-)`, look-behind,
// back-references and repeat counts above 1000 such as `{0,1023}` are common in public API descriptions.
//
// [Compile] takes RE2 when it accepts the pattern (linear time, no timeout needed) and otherwise the
// ECMAScript mode of github.com/dlclark/regexp2, a backtracking engine, with a match timeout so that a hostile
// pattern cannot stall a request. [Compiler] plugs it into kin-openapi (openapi3.SetSchemaRegexCompiler,
// openapi3.SetRegexCompiler, openapi3filter.Options.RegexCompiler).
//
// Everything here is safe for concurrent use; compiled patterns are cached by source text.
package pattern

import (
	"errors"
	"fmt"
	"regexp"
	"sync"
	"sync/atomic"
	"time"

	"github.com/dlclark/regexp2/v2"
	"github.com/getkin/kin-openapi/openapi3"
)

// MatchTimeout bounds one match of a pattern that needs the backtracking engine. A match that runs out of time
// counts as no match.
const MatchTimeout = 100 * time.Millisecond

// Regexp is a compiled schema pattern.
type Regexp struct {
	src  string
	re2  *regexp.Regexp  // set when RE2 accepts the pattern
	ecma *regexp2.Regexp // set otherwise
}

// Compile compiles an ECMA-262 pattern. The error tells why neither engine accepts it.
func Compile(src string) (*Regexp, error) {
	if v, ok := cache.Load(src); ok {
		c := v.(cached)
		return c.re, c.err
	}
	re, err := compile(src)
	if cachedCount.Add(1) <= maxCached {
		cache.Store(src, cached{re, err})
	}
	return re, err
}

type cached struct {
	re  *Regexp
	err error
}

// cache holds compiled patterns by source; a pattern's compiled form never changes, so it is shared by every
// document and every goroutine. It is bounded: past maxCached patterns (GitHub's description has 17 distinct ones),
// new ones are compiled at each use instead.
var (
	cache       sync.Map
	cachedCount atomic.Int64
)

const maxCached = 20000

// codepoint finds ECMA-262 \uXXXX escapes, which RE2 spells \x{XXXX}.
var codepoint = regexp.MustCompile(`\\u([0-9A-Fa-f]{4})`)

func compile(src string) (*Regexp, error) {
	if re, err := regexp.Compile(codepoint.ReplaceAllString(src, `\x{$1}`)); err == nil {
		return &Regexp{src: src, re2: re}, nil
	}
	// Unicode mode first (\p{L}, \u{1F600}), then the lenient legacy mode that accepts the identity escapes
	// hand-written patterns are full of (`\_`, `\-` outside a class).
	re, err := regexp2.Compile(src, regexp2.ECMAScript|regexp2.Unicode)
	if err != nil {
		var err2 error
		if re, err2 = regexp2.Compile(src, regexp2.ECMAScript); err2 != nil {
			return nil, fmt.Errorf("not an ECMA-262 regular expression: %w", errors.Join(err, err2))
		}
	}
	re.MatchTimeout = MatchTimeout
	return &Regexp{src: src, ecma: re}, nil
}

// MatchString reports whether s contains a match. A match that exceeds [MatchTimeout] reports false.
func (r *Regexp) MatchString(s string) bool {
	if r.re2 != nil {
		return r.re2.MatchString(s)
	}
	ok, err := r.ecma.MatchString(s)
	return ok && err == nil
}

// String returns the pattern as written.
func (r *Regexp) String() string { return r.src }

// RE2 reports whether Go's regexp compiled the pattern (false: the backtracking engine did).
func (r *Regexp) RE2() bool { return r.re2 != nil }

// Compiler is Compile in kin-openapi's shape. A pattern neither engine compiles is an error.
func Compiler(src string) (openapi3.RegexMatcher, error) {
	re, err := Compile(src)
	if err != nil {
		return nil, err
	}
	return re, nil
}

// Lenient is Compile in kin-openapi's shape for serving: a pattern neither engine compiles matches every
// string (JSON Schema says a pattern SHOULD be valid; the loader warns about it once).
func Lenient(src string) (openapi3.RegexMatcher, error) {
	re, err := Compile(src)
	if err != nil {
		return anything{}, nil
	}
	return re, nil
}

type anything struct{}

func (anything) MatchString(string) bool { return true }

var (
	_ openapi3.RegexCompilerFunc = Compiler
	_ openapi3.RegexCompilerFunc = Lenient
	_ openapi3.RegexMatcher      = (*Regexp)(nil)
)
