package fake

import (
	"encoding/base64"
	"fmt"
	"net/netip"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/getkin/kin-openapi/openapi3"

	ecma "github.com/standin/standin/openapi/pattern"
)

// The expressions below are compiled at their first use, not at package initialisation: every process that
// links this package (standin version too) paid for them at start, and a compiled expression is heap the
// collector marks at every cycle of a server that may never check one of these formats.
var (
	// uuidRE accepts RFC 4122 uuids (versions 1-5) and the nil uuid: kin-openapi's
	// stricter optional uuid format, so generated uuids pass it too.
	uuidRE     = lazyRegexp(openapi3.FormatOfStringForUUIDOfRFC4122)
	dateRE     = lazyRegexp(openapi3.FormatOfStringDate)
	dateTimeRE = lazyRegexp(openapi3.FormatOfStringDateTime)
	emailRE    = lazyRegexp(`^[a-zA-Z0-9._%+\-]+@[a-zA-Z0-9.\-]+\.[a-zA-Z]{2,}$`)
)

// lazyRegexp returns a function compiling expr at its first call and returning that expression from then on.
func lazyRegexp(expr string) func() *regexp.Regexp {
	return sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(expr) })
}

// isHostname reports whether v is a host name as RFC 1123 writes one: dot-separated labels of 1 to 63 ASCII
// letters, digits and hyphens, a label neither starting nor ending with a hyphen, 253 bytes in all at most.
// (The expression it replaces, ^[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(\.[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}
// [a-zA-Z0-9])?)*$, took 1.2 ms to compile at every start; the tests compare the two.)
func isHostname(v string) bool {
	if len(v) == 0 || len(v) > 253 {
		return false
	}
	start := 0
	for i := 0; i <= len(v); i++ {
		if i < len(v) && v[i] != '.' {
			c := v[i]
			if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-') {
				return false
			}
			continue
		}
		label := v[start:i]
		if len(label) == 0 || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		start = i + 1
	}
	return true
}

// formatGen makes a value for a string format.
type formatGen func(c *cursor, p pos) string

// formats maps string formats to generators. Unknown formats get no special value
// (kin-openapi does not validate them either).
var formats = map[string]formatGen{
	"uuid":          func(_ *cursor, p pos) string { return p.f.UUID() },
	"date-time":     func(c *cursor, p pos) string { return c.timestamp(p).Format(time.RFC3339) },
	"date":          func(c *cursor, p pos) string { return c.timestamp(p).Format(time.DateOnly) },
	"time":          func(c *cursor, p pos) string { return c.timestamp(p).Format(time.TimeOnly) },
	"email":         func(_ *cursor, p pos) string { return email(p) },
	"idn-email":     func(_ *cursor, p pos) string { return email(p) },
	"uri":           func(_ *cursor, p pos) string { return webURL(p) },
	"url":           func(_ *cursor, p pos) string { return webURL(p) },
	"iri":           func(_ *cursor, p pos) string { return webURL(p) },
	"uri-reference": func(_ *cursor, p pos) string { return webURL(p) },
	"iri-reference": func(_ *cursor, p pos) string { return webURL(p) },
	"hostname":      func(_ *cursor, p pos) string { return p.f.DomainName() },
	"idn-hostname":  func(_ *cursor, p pos) string { return p.f.DomainName() },
	"ipv4":          func(_ *cursor, p pos) string { return ipv4(p) },
	"ipv6":          func(_ *cursor, p pos) string { return p.f.IPv6Address() },
	"byte": func(_ *cursor, p pos) string {
		return base64.StdEncoding.EncodeToString([]byte(p.f.Sentence()))
	},
	"password": func(_ *cursor, p pos) string { return p.f.Password(true, true, true, false, false, 16) },
	"phone":    func(_ *cursor, p pos) string { return phone(p) },
	// Numbers written as strings: 64-bit integers as Google's and Stripe's documents declare them (JSON numbers
	// lose precision past 2^53), and decimals (amounts such as "12.3456").
	"int64":   func(_ *cursor, p pos) string { return strconv.Itoa(p.f.IntRange(1, 999_999_999)) },
	"uint64":  func(_ *cursor, p pos) string { return strconv.Itoa(p.f.IntRange(1, 999_999_999)) },
	"int32":   func(_ *cursor, p pos) string { return strconv.Itoa(p.f.IntRange(1, 99_999)) },
	"uint32":  func(_ *cursor, p pos) string { return strconv.Itoa(p.f.IntRange(1, 99_999)) },
	"decimal": func(_ *cursor, p pos) string { return decimal(p) },
	"double":  func(_ *cursor, p pos) string { return decimal(p) },
	"float":   func(_ *cursor, p pos) string { return decimal(p) },
	"number":  func(_ *cursor, p pos) string { return decimal(p) },
	// Durations: ISO 8601 (JSON Schema "duration") and Google's "3.5s".
	"duration":        func(_ *cursor, p pos) string { return "PT" + strconv.Itoa(p.f.IntRange(1, 59)) + "M" },
	"google-duration": func(_ *cursor, p pos) string { return strconv.Itoa(p.f.IntRange(1, 3600)) + "s" },
	"google-datetime": func(c *cursor, p pos) string { return c.timestamp(p).Format(time.RFC3339) },
}

// decimal is a realistic amount with two decimals, such as "412.07".
func decimal(p pos) string {
	return strconv.FormatFloat(float64(p.f.IntRange(1, 99_999))/100, 'f', 2, 64)
}

var (
	decimalRE  = lazyRegexp(`^[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$`)
	durationRE = lazyRegexp(`^P(?:[0-9]+(?:[.,][0-9]+)?[YMWD])*(?:T(?:[0-9]+(?:[.,][0-9]+)?[HMS])+)?$`)
	gDurRE     = lazyRegexp(`^-?[0-9]+(?:\.[0-9]{1,9})?s$`)
	anEmailRE  = lazyRegexp(`^[^@\s]+@[^@<>",\s]+$`)
)

// stringFormatChecks are the string formats whose validation standin adds to kin-openapi's (which checks only
// byte, date and date-time by default). Each accepts what the format's definition accepts, not only what this
// package generates: uuid any RFC 9562 UUID (with the nil and max UUIDs), email one @ and no spaces,
// uri any absolute URI.
var stringFormatChecks = map[string]func(string) bool{
	"uuid":            isUUID, // openapi3.FormatOfStringForUUIDOfRFC9562 without a regexp (uuid.go)
	"email":           func(v string) bool { return anEmailRE().MatchString(v) },
	"uri":             func(v string) bool { u, err := url.Parse(v); return err == nil && u.Scheme != "" },
	"uri-reference":   func(v string) bool { _, err := url.Parse(v); return err == nil },
	"hostname":        isHostname,
	"ipv4":            func(v string) bool { a, err := netip.ParseAddr(v); return err == nil && a.Is4() },
	"ipv6":            func(v string) bool { a, err := netip.ParseAddr(v); return err == nil && a.Is6() },
	"int64":           func(v string) bool { _, err := strconv.ParseInt(v, 10, 64); return err == nil },
	"int32":           func(v string) bool { _, err := strconv.ParseInt(v, 10, 32); return err == nil },
	"uint64":          func(v string) bool { _, err := strconv.ParseUint(v, 10, 64); return err == nil },
	"uint32":          func(v string) bool { _, err := strconv.ParseUint(v, 10, 32); return err == nil },
	"decimal":         func(v string) bool { return decimalRE().MatchString(v) },
	"duration":        func(v string) bool { return v != "P" && v != "PT" && durationRE().MatchString(v) },
	"google-duration": func(v string) bool { return gDurRE().MatchString(v) },
	"google-datetime": func(v string) bool { return dateTimeRE().MatchString(v) },
}

// formatValidators are stringFormatChecks as kin-openapi validators. Read-only after package initialisation.
var formatValidators = func() map[string]openapi3.StringFormatValidator {
	m := make(map[string]openapi3.StringFormatValidator, len(stringFormatChecks))
	for name, ok := range stringFormatChecks {
		m[name] = openapi3.NewCallbackValidator(func(v string) error {
			if !ok(v) {
				return fmt.Errorf("not a valid %s", name)
			}
			return nil
		})
	}
	return m
}()

// StringFormatValidator returns the validator SchemaOptions gives kin-openapi for a string format, nil for a
// format it leaves to kin-openapi's own registry. Compiled request checks (package mock) use the same validators.
func StringFormatValidator(name string) openapi3.StringFormatValidator { return formatValidators[name] }

// SchemaOptions returns the schema validation options that check the string formats kin-openapi leaves
// unchecked by default (uuid, email, uri, uri-reference, hostname, ipv4, ipv6, numbers written as strings:
// int32, int64, uint32, uint64, decimal; duration, google-duration, google-datetime), as the generator's own
// checks do. Pass them to openapi3filter.Options.SchemaValidationOptions or to VisitJSON so that validation and
// generation agree. They are scoped to the calls given them: kin-openapi's global format registry is not
// touched, so loading a document (whose examples kin-openapi checks) is unaffected. Patterns are compiled as
// ECMA-262 regular expressions with the loader's engine (openapi/pattern), with its match timeout.
func SchemaOptions() []openapi3.SchemaValidationOption {
	return []openapi3.SchemaValidationOption{openapi3.WithStringFormatValidators(formatValidators),
		openapi3.SetSchemaRegexCompiler(ecma.Lenient)}
}

// formatOK checks the formats this package knows strictly, so values also pass
// validators stricter than kin-openapi's defaults (which check only date, date-time and
// byte unless uuid, email, ipv4 or ipv6 validators are registered).
func formatOK(format, v string) bool {
	switch format {
	case "uuid":
		return uuidRE().MatchString(v)
	case "date-time":
		_, err := time.Parse(time.RFC3339, v)
		return err == nil && dateTimeRE().MatchString(v)
	case "date":
		_, err := time.Parse(time.DateOnly, v)
		return err == nil && dateRE().MatchString(v)
	case "email", "idn-email":
		return emailRE().MatchString(v)
	case "uri", "url", "iri":
		u, err := url.Parse(v)
		return err == nil && u.Scheme != "" && u.Host != ""
	case "uri-reference", "iri-reference":
		_, err := url.Parse(v)
		return err == nil
	case "hostname", "idn-hostname":
		return isHostname(v)
	case "ipv4":
		a, err := netip.ParseAddr(v)
		return err == nil && a.Is4()
	case "ipv6":
		a, err := netip.ParseAddr(v)
		return err == nil && a.Is6()
	case "byte":
		_, err := base64.StdEncoding.DecodeString(v)
		return err == nil
	case "double", "float", "number":
		return decimalRE().MatchString(v)
	}
	if check := stringFormatChecks[format]; check != nil {
		return check(v)
	}
	return true
}

// strCheck holds a string schema's constraints.
type strCheck struct {
	minLen, maxLen int // maxLen < 0: none
	re             *ecma.Regexp
	format         string
}

func (c *cursor) strCheck(s *openapi3.Schema) strCheck {
	k := strCheck{minLen: int(min(s.MinLength, 1<<20)), maxLen: -1, format: s.Format}
	if s.MaxLength != nil {
		k.maxLen = int(min(*s.MaxLength, 1<<20))
	}
	if s.Pattern != "" {
		k.re = c.g.pattern(s.Pattern)
	}
	return k
}

func (k strCheck) ok(v string) bool {
	n := utf8.RuneCountInString(v)
	if n < k.minLen || (k.maxLen >= 0 && n > k.maxLen) {
		return false
	}
	if k.re != nil && !k.re.MatchString(v) {
		return false
	}
	return formatOK(k.format, v)
}

// fit trims or pads free text to the length limits, on word boundaries where it can.
func (k strCheck) fit(p pos, v string) string {
	if k.maxLen >= 0 && utf8.RuneCountInString(v) > k.maxLen {
		v = truncate(v, k.maxLen)
		if t := strings.TrimRight(v, " ,.;:-"); utf8.RuneCountInString(t) >= k.minLen {
			v = t
		}
	}
	if n := utf8.RuneCountInString(v); n < k.minLen {
		var b strings.Builder
		b.WriteString(v)
		for n < k.minLen {
			if n > 0 {
				b.WriteByte(' ')
				n++
			}
			w := strings.ToLower(p.f.Noun())
			if w == "" {
				w = "item"
			}
			b.WriteString(w)
			n += utf8.RuneCountInString(w)
		}
		v = b.String()
		if k.maxLen >= 0 {
			v = truncate(v, k.maxLen)
		}
		if utf8.RuneCountInString(strings.TrimRight(v, " ")) >= k.minLen {
			v = strings.TrimRight(v, " ")
		}
	}
	return v
}

func truncate(v string, n int) string {
	i := 0
	for j := range v {
		if i == n {
			return v[:j]
		}
		i++
	}
	return v
}

// str generates a string: first JSON text for a 3.1 contentSchema, then a realistic
// value for the property name, then one for the format, then the schema's example, one
// of its examples or its default, then one from the pattern, then words fitted to the
// length limits. Every candidate is checked against length, pattern and format; the
// first that passes wins.
func (c *cursor) str(p pos, s *openapi3.Schema) string {
	k := c.strCheck(s)
	last := ""
	try := func(v string, free bool) bool {
		if free {
			v = k.fit(p, v)
		}
		last = v
		return k.ok(v)
	}
	if v, ok := c.content(p, s); ok && try(v, false) {
		return last
	}
	if r := lookupName(p); r != nil && r.str != nil {
		for range 3 {
			if try(r.str(c, p, s), r.free) {
				return last
			}
		}
	}
	if gen := formats[s.Format]; gen != nil {
		for range 3 {
			if try(gen(c, p), false) {
				return last
			}
		}
	}
	if s.Pattern != "" {
		if k.re == nil {
			return p.f.Noun() // the pattern does not compile; nothing can match it
		}
		if try(p.f.UUID(), false) {
			return last
		}
		src := goPattern(s.Pattern)
		for range 12 {
			if try(p.f.Regex(src), false) {
				return last
			}
		}
		for range 12 {
			if v, ok := regexOfLength(p, src, k.minLen, k.maxLen); ok && try(v, false) {
				return last
			}
		}
		return last
	}
	for range 3 {
		if try(words(p), true) {
			return last
		}
	}
	if k.maxLen >= 0 && k.maxLen < 4 {
		try(p.f.LetterN(uint(max(k.minLen, min(k.maxLen, 2)))), false)
	}
	return last
}

// content is the JSON text of a value for a string's contentSchema when its
// contentMediaType is JSON, base64-encoded when its contentEncoding says so.
func (c *cursor) content(p pos, s *openapi3.Schema) (string, bool) {
	if s.ContentSchema == nil || s.ContentSchema.Value == nil || !strings.Contains(s.ContentMediaType, "json") {
		return "", false
	}
	text := string(canonical(c.value(c.child(p, "\x00content"), s.ContentSchema.Value, false)))
	if s.ContentEncoding == "base64" {
		text = base64.StdEncoding.EncodeToString([]byte(text))
	}
	return text, true
}

// words is generic filler text: one or two lower-case words.
func words(p pos) string {
	w := strings.ToLower(p.f.Noun())
	if p.f.IntN(2) == 0 {
		w = strings.ToLower(p.f.Adjective()) + " " + w
	}
	return w
}

// timestamp is a moment within the 30 days before the cursor's day, older for names
// like startAt/createdAt and newer for endAt/updatedAt, so such pairs stay in order
// even when generated apart.
func (c *cursor) timestamp(p pos) time.Time {
	const day = 24 * 60 * 60
	var secs int
	switch phase(words0(p.name)) {
	case -1:
		secs = 15*day + p.f.IntN(14*day)
	case 1:
		secs = 1 + p.f.IntN(14*day)
	default:
		secs = 1 + p.f.IntN(29*day)
	}
	return c.day.Add(-time.Duration(secs) * time.Second)
}

func email(p pos) string {
	return strings.ToLower(p.f.FirstName() + "." + p.f.LastName() + "@" + p.f.DomainName())
}

// phone is an E.164 number such as +60121233112.
func phone(p pos) string {
	cc := []string{"60", "65", "1", "44", "61", "852", "81"}[p.f.IntN(7)]
	var b strings.Builder
	b.WriteByte('+')
	b.WriteString(cc)
	b.WriteByte(byte('1' + p.f.IntN(9)))
	for range 10 - len(cc) {
		b.WriteByte(byte('0' + p.f.IntN(10)))
	}
	return b.String()
}

func ipv4(p pos) string {
	first := 11 + p.f.IntN(212) // 11..222, never 127
	if first == 127 {
		first = 128
	}
	return strconv.Itoa(first) + "." + strconv.Itoa(p.f.IntN(256)) + "." + strconv.Itoa(p.f.IntN(256)) + "." + strconv.Itoa(1+p.f.IntN(254))
}

func webURL(p pos) string {
	return "https://" + p.f.DomainName() + "/" + slug(p)
}

func slug(p pos) string {
	return strings.ReplaceAll(strings.ToLower(p.f.Noun()+"-"+p.f.Noun()), " ", "-")
}

// hexID is a 24-character lower-case hex id (MongoDB ObjectId style).
func hexID(p pos) string {
	const digits = "0123456789abcdef"
	var b [24]byte
	for i := range b {
		b[i] = digits[p.f.IntN(16)]
	}
	return string(b[:])
}
