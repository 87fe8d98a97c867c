package fake

import (
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"unicode"

	"github.com/getkin/kin-openapi/openapi3"
)

// nameRule maps property names to realistic values. A rule matches when the whole name
// (its words joined, lower case: "first_name" and "firstName" are both "firstname") is in
// exact, or its last word is in last. The first matching rule with a producer for the
// wanted type wins. Producers only propose: every value is still checked against the
// schema, and a rejected proposal falls back to format-, pattern- and length-driven
// generation.
type nameRule struct {
	exact []string
	last  []string
	tail  []string // suffixes of the joined name: "staffFirstName" ends with "firstname"
	// str proposes a string. free marks free text that may be trimmed or padded to fit
	// the length limits (a sentence may; an email may not).
	str  func(c *cursor, p pos, s *openapi3.Schema) string
	free bool
	// num proposes a realistic range for integers and numbers. Numbers drawn from it are
	// whole unless frac is set (prices, coordinates).
	num  func(c *cursor, p pos) (lo, hi float64)
	frac bool
}

func fixed(lo, hi float64) func(*cursor, pos) (float64, float64) {
	return func(*cursor, pos) (float64, float64) { return lo, hi }
}

// nameRules is the name table, most specific first. It is never written.
var nameRules = []nameRule{
	{exact: []string{"fname"}, tail: []string{"firstname", "givenname"}, free: true,
		str: func(_ *cursor, p pos, _ *openapi3.Schema) string { return p.f.FirstName() }},
	{exact: []string{"lname"}, tail: []string{"lastname", "surname", "familyname"}, free: true,
		str: func(_ *cursor, p pos, _ *openapi3.Schema) string { return p.f.LastName() }},
	{exact: []string{"username", "login", "handle", "screenname", "nickname"},
		str: func(_ *cursor, p pos, _ *openapi3.Schema) string { return p.f.Username() }},
	{exact: []string{"mail"}, last: []string{"email"}, tail: []string{"emailaddress"},
		str: func(_ *cursor, p pos, _ *openapi3.Schema) string { return email(p) }},
	{exact: []string{"callerid", "senderid", "telephone", "tel", "fax", "whatsapp"},
		tail: []string{"phonenumber", "mobilenumber", "msisdn"},
		last: []string{"phone", "mobile", "msisdn"},
		str:  func(_ *cursor, p pos, _ *openapi3.Schema) string { return phone(p) }},
	{exact: []string{"nationality"}, tail: []string{"countrycode", "countryiso", "regioncode"},
		str: func(_ *cursor, p pos, _ *openapi3.Schema) string { return p.f.CountryAbr() }},
	{last: []string{"country"},
		str: func(_ *cursor, p pos, s *openapi3.Schema) string {
			if s.MaxLength != nil && *s.MaxLength <= 3 {
				return p.f.CountryAbr()
			}
			return p.f.Country()
		}},
	{exact: []string{"location"}, last: []string{"city", "town"}, free: true,
		str: func(_ *cursor, p pos, _ *openapi3.Schema) string { return p.f.City() }},
	{exact: []string{"province", "subdivision", "region", "statename", "county"}, free: true,
		str: func(_ *cursor, p pos, _ *openapi3.Schema) string { return p.f.State() }},
	{exact: []string{"zip", "zipcode", "postcode", "postalcode"},
		str: func(_ *cursor, p pos, _ *openapi3.Schema) string { return p.f.Zip() }},
	{exact: []string{"address", "streetaddress", "street", "addressline", "addressline1"}, free: true,
		str: func(_ *cursor, p pos, _ *openapi3.Schema) string { return p.f.Street() }},
	{exact: []string{"lang", "languagecode", "locale"}, last: []string{"language"},
		str: func(_ *cursor, p pos, _ *openapi3.Schema) string { return pick(p, languages) }},
	{exact: []string{"timezone", "tz"},
		str: func(_ *cursor, p pos, _ *openapi3.Schema) string { return p.f.TimeZoneRegion() }},
	{exact: []string{"currency", "currencycode"},
		str: func(_ *cursor, p pos, _ *openapi3.Schema) string { return p.f.CurrencyShort() }},
	{last: []string{"ip"}, tail: []string{"ipaddress"},
		str: func(_ *cursor, p pos, _ *openapi3.Schema) string { return ipv4(p) }},
	{last: []string{"pic", "avatar", "photo", "picture", "image", "logo", "icon", "thumbnail"},
		str: func(_ *cursor, p pos, _ *openapi3.Schema) string {
			return "https://cdn." + p.f.DomainName() + "/images/" + hexID(p)[:12] + ".jpg"
		}},
	{exact: []string{"homepage", "redirecturi"}, last: []string{"url", "uri", "link", "href", "website", "webhook"},
		str: func(_ *cursor, p pos, _ *openapi3.Schema) string { return webURL(p) }},
	{exact: []string{"domain", "hostname", "host"},
		str: func(_ *cursor, p pos, _ *openapi3.Schema) string { return p.f.DomainName() }},
	{exact: []string{"colorcode", "colourcode", "hexcolor", "hexcolour"},
		str: func(_ *cursor, p pos, _ *openapi3.Schema) string { return "#" + hexID(p)[:6] }},
	{exact: []string{"colorname", "colourname"}, last: []string{"color", "colour"}, free: true,
		str: func(_ *cursor, p pos, _ *openapi3.Schema) string { return p.f.Color() }},
	{exact: []string{"company", "companyname", "organization", "organisation", "org", "employer"}, free: true,
		str: func(_ *cursor, p pos, _ *openapi3.Schema) string { return p.f.Company() }},
	{exact: []string{"jobtitle"}, free: true,
		str: func(_ *cursor, p pos, _ *openapi3.Schema) string { return p.f.JobTitle() }},
	{exact: []string{"gender", "sex"},
		str: func(_ *cursor, p pos, _ *openapi3.Schema) string { return p.f.Gender() }},
	{exact: []string{"filename"}, last: []string{"filename"},
		str: func(_ *cursor, p pos, _ *openapi3.Schema) string { return slug(p) + ".pdf" }},
	{last: []string{"name"}, free: true, str: nameFor},
	{exact: []string{"title", "subject", "headline"}, free: true,
		str: func(_ *cursor, p pos, _ *openapi3.Schema) string { return title(p.f.Adjective() + " " + p.f.Noun()) }},
	{last: []string{"template"}, free: true,
		str: func(_ *cursor, p pos, _ *openapi3.Schema) string {
			return "Hi {{firstName}}, " + lowerFirst(p.f.Sentence())
		}},
	{last: []string{"message", "description", "desc", "notes", "note", "summary", "comment", "comments",
		"reason", "text", "content", "body", "inquiry", "enquiry", "response", "reasoning", "rationale",
		"remark", "remarks", "details", "feedback", "question", "answer", "bio", "caption", "concerns",
		"handling", "explanation", "detail"}, free: true,
		str: func(_ *cursor, p pos, _ *openapi3.Schema) string { return p.f.Sentence() }},
	{last: []string{"tag", "tags", "label", "labels", "keyword", "keywords", "category", "topic", "skill"}, free: true,
		str: func(_ *cursor, p pos, _ *openapi3.Schema) string { return strings.ToLower(p.f.Noun()) }},
	{last: []string{"status", "state"},
		str: func(_ *cursor, p pos, _ *openapi3.Schema) string { return pick(p, statuses) }},
	{last: []string{"severity", "level", "priority", "urgency"},
		str: func(_ *cursor, p pos, _ *openapi3.Schema) string { return pick(p, levels) }},
	{last: []string{"disposition", "outcome"},
		str: func(_ *cursor, p pos, _ *openapi3.Schema) string { return pick(p, dispositions) }},
	{exact: []string{"platform", "os"},
		str: func(_ *cursor, p pos, _ *openapi3.Schema) string { return pick(p, platforms) }},
	{last: []string{"number", "no"},
		str: func(_ *cursor, p pos, _ *openapi3.Schema) string { return p.f.Numerify("#######") }},
	{exact: []string{"uuid", "guid"}, last: []string{"uuid", "guid"},
		str: func(_ *cursor, p pos, _ *openapi3.Schema) string { return p.f.UUID() }},
	{last: []string{"id", "ids", "by", "key"},
		str: func(_ *cursor, p pos, s *openapi3.Schema) string {
			if s.Pattern != "" || s.Format == "uuid" {
				return p.f.UUID()
			}
			return hexID(p)
		},
		num: fixed(1, 100000)},
	{exact: []string{"dob", "birthday", "birthdate", "dateofbirth"},
		str: func(c *cursor, p pos, _ *openapi3.Schema) string {
			return c.day.AddDate(-18-p.f.IntN(50), -p.f.IntN(12), -p.f.IntN(28)).Format("2006-01-02")
		}},
	{exact: []string{"createdon", "updatedon", "modifiedon", "deletedon", "timestamp", "datetime", "created", "updated",
		"modified", "deleted"},
		last: []string{"at", "time", "timestamp", "datetime"},
		str: func(c *cursor, p pos, _ *openapi3.Schema) string {
			return c.timestamp(p).Format("2006-01-02T15:04:05Z07:00")
		},
		num: unixRange},
	{last: []string{"date", "day"},
		str: func(c *cursor, p pos, _ *openapi3.Schema) string { return c.timestamp(p).Format("2006-01-02") }},
	{exact: []string{"token", "secret", "apikey", "accesstoken", "refreshtoken", "hash", "signature", "checksum"},
		str: func(_ *cursor, p pos, _ *openapi3.Schema) string { return hexID(p) + hexID(p)[:8] }},
	{exact: []string{"password", "passwd"},
		str: func(_ *cursor, p pos, _ *openapi3.Schema) string {
			return p.f.Password(true, true, true, false, false, 16)
		}},
	{last: []string{"code"},
		str: func(_ *cursor, p pos, _ *openapi3.Schema) string { return strings.ToUpper(hexID(p)[:6]) }},
	{exact: []string{"version"},
		str: func(_ *cursor, p pos, _ *openapi3.Schema) string {
			return strconv.Itoa(1+p.f.IntN(3)) + "." + strconv.Itoa(p.f.IntN(10)) + "." + strconv.Itoa(p.f.IntN(20))
		},
		num: fixed(1, 10)},

	// Number-only rules.
	{exact: []string{"age"}, num: fixed(18, 90)},
	{exact: []string{"page", "currentpage", "nextpage", "prevpage", "pageno", "pagenumber"}, num: fixed(1, 10)},
	{exact: []string{"limit", "perpage", "pagesize", "size"}, num: fixed(10, 100)},
	{exact: []string{"offset", "skip"}, num: fixed(0, 100)},
	{last: []string{"count", "total", "quantity", "qty"}, num: fixed(0, 100)},
	{last: []string{"duration", "elapsed", "ms", "millis"}, num: fixed(1000, 600000)},
	{last: []string{"hour", "hours"}, num: fixed(0, 23)},
	{last: []string{"minute", "minutes", "second", "seconds"}, num: fixed(0, 59)},
	{exact: []string{"dayofweek", "weekday"}, num: fixed(0, 6)},
	{last: []string{"month"}, num: fixed(1, 12)},
	{last: []string{"year"}, num: fixed(2015, 2026)},
	{exact: []string{"lat", "latitude"}, num: fixed(-90, 90), frac: true},
	{exact: []string{"lng", "lon", "long", "longitude"}, num: fixed(-180, 180), frac: true},
	{last: []string{"price", "amount", "cost", "fee", "balance"}, num: fixed(1, 500), frac: true},
	{last: []string{"rating", "score", "stars", "priority"}, num: fixed(1, 5)},
	{last: []string{"percent", "percentage", "progress"}, num: fixed(0, 100)},
	{exact: []string{"retryafter", "timeout"}, num: fixed(1, 60)},
	{exact: []string{"port"}, num: fixed(1024, 65535)},
}

var (
	languages    = []string{"en", "en", "zh", "ms", "ja", "ko", "fr", "de", "es", "id", "th", "vi"}
	statuses     = []string{"active", "pending", "completed", "closed"}
	levels       = []string{"low", "medium", "high"}
	dispositions = []string{"answered", "voicemail", "no_answer", "busy", "callback_requested"}
	platforms    = []string{"web", "ios", "android"}
	// thingWords mark a "name" as the name of a thing, not a person ("campaignName",
	// "name" inside a "label" object).
	thingWords = []string{"label", "tag", "campaign", "config", "configuration", "workflow", "template", "company",
		"organization", "organisation", "org", "app", "application", "team", "group", "channel", "product", "file",
		"project", "category", "queue", "department", "skill", "plan", "service", "event", "role", "policy", "rule",
		"routing", "transfer", "flow", "bot", "chatbot", "source", "type", "list", "field", "fields", "action",
		"trigger", "condition", "appointment", "booking", "segment", "list", "folder", "brand", "store", "site"}
	olderWords = []string{"start", "from", "begin", "since", "created", "opened", "first", "requested", "min"}
	newerWords = []string{"end", "to", "until", "updated", "modified", "closed", "resolved", "completed", "last",
		"finished", "max"}
)

// lookupName finds the string rule for the name at p.
func lookupName(p pos) *nameRule {
	return cachedLookup(&strRules, p.name, func(r *nameRule) bool { return r.str != nil })
}

// strRules and numRules cache lookup's answer per property name (a pure function of the name): splitting a name
// into words and scanning the table took a quarter of a generated record's time. Each cache stops growing at
// maxCachedNames names (names come from documents, and a document may have many).
var (
	strRules, numRules nameCache
)

const maxCachedNames = 50_000

type nameCache struct {
	m sync.Map // name -> *nameRule (nil: no rule)
	n atomic.Int64
}

func cachedLookup(c *nameCache, name string, want func(*nameRule) bool) *nameRule {
	if v, ok := c.m.Load(name); ok {
		return v.(*nameRule)
	}
	r := lookup(name, want)
	if c.n.Add(1) <= maxCachedNames {
		c.m.Store(name, r)
	}
	return r
}

// numberHint is the realistic range for the name at p, if the table has one, and
// whether numbers from it may have a fraction.
func (c *cursor) numberHint(p pos) (lo, hi float64, frac, ok bool) {
	r := cachedLookup(&numRules, p.name, func(r *nameRule) bool { return r.num != nil })
	if r == nil {
		return 0, 0, false, false
	}
	lo, hi = r.num(c, p)
	return lo, hi, r.frac, true
}

func lookup(name string, want func(*nameRule) bool) *nameRule {
	if name == "" {
		return nil
	}
	ws := words0(name)
	if len(ws) == 0 {
		return nil
	}
	joined := strings.Join(ws, "")
	last := ws[len(ws)-1]
	for i := range nameRules {
		r := &nameRules[i]
		if want(r) && (slices.Contains(r.exact, joined) || slices.Contains(r.last, last) || hasTail(joined, r.tail)) {
			return r
		}
	}
	return nil
}

// unixRange is the Unix-seconds range of timestamp for integer *At fields.
func unixRange(c *cursor, p pos) (float64, float64) {
	const day = 24 * 60 * 60
	end := float64(c.day.Unix())
	switch phase(words0(p.name)) {
	case -1:
		return end - 29*day, end - 15*day
	case 1:
		return end - 14*day, end - 1
	}
	return end - 29*day, end - 1
}

// nameFor is a person's full name, or a thing's name when the property or its object
// names a thing (labels, campaigns, workflows, ...).
func nameFor(_ *cursor, p pos, _ *openapi3.Schema) string {
	for _, w := range append(words0(p.name), words0(p.parent)...) {
		if slices.Contains(thingWords, w) || slices.Contains(thingWords, singular(w)) {
			return title(p.f.Adjective() + " " + p.f.Noun())
		}
	}
	return p.f.FirstName() + " " + p.f.LastName()
}

// phase is -1 for names of earlier moments (startAt, createdAt), 1 for later ones
// (endAt, updatedAt) and 0 otherwise.
func phase(ws []string) int {
	for _, w := range ws {
		switch {
		case slices.Contains(olderWords, w):
			return -1
		case slices.Contains(newerWords, w):
			return 1
		}
	}
	return 0
}

// words0 splits a property name into lower-case words at separators and camelCase
// humps: "createdAt" and "created_at" give [created at], "labelIDs" [label ids],
// "HTTPServer" [http server].
func words0(name string) []string {
	if v, ok := splitNames.Load(name); ok {
		return v.([]string)
	}
	ws := slices.Clip(splitWords(name)) // clipped: a caller's append copies instead of writing into the cache
	if splitSeen.Add(1) <= maxCachedNames {
		splitNames.Store(name, ws)
	}
	return ws
}

// splitNames caches words0 per name (a pure function of it, asked for several times per generated value).
var (
	splitNames sync.Map // name -> []string
	splitSeen  atomic.Int64
)

// splitWords is words0 without the cache.
func splitWords(name string) []string {
	var out []string
	rs := []rune(name)
	start := -1
	flush := func(end int) {
		if start >= 0 && end > start {
			out = append(out, strings.ToLower(string(rs[start:end])))
		}
		start = -1
	}
	for i, r := range rs {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			flush(i)
			continue
		}
		if start < 0 {
			start = i
			continue
		}
		prev := rs[i-1]
		if unicode.IsUpper(r) {
			if unicode.IsLower(prev) || unicode.IsDigit(prev) {
				flush(i)
				start = i
			} else if i+1 < len(rs) && unicode.IsLower(rs[i+1]) && !pluralAcronym(rs, i+1) {
				flush(i)
				start = i
			}
		}
	}
	flush(len(rs))
	return out
}

// pluralAcronym reports whether rs[i] is the "s" closing an acronym such as "IDs".
func pluralAcronym(rs []rune, i int) bool {
	return rs[i] == 's' && (i+1 == len(rs) || !unicode.IsLower(rs[i+1]))
}

// singular guesses the singular of an array property's name, the name hint for its items.
func singular(name string) string {
	switch {
	case name == "":
		return ""
	case strings.HasSuffix(name, "List") && len(name) > 4:
		return name[:len(name)-4]
	case strings.HasSuffix(name, "ies") && len(name) > 4:
		return name[:len(name)-3] + "y"
	case strings.HasSuffix(name, "uses"), strings.HasSuffix(name, "sses"), strings.HasSuffix(name, "xes"),
		strings.HasSuffix(name, "ches"), strings.HasSuffix(name, "shes"):
		return name[:len(name)-2]
	case strings.HasSuffix(name, "s") && !strings.HasSuffix(name, "ss") && len(name) > 2:
		return name[:len(name)-1]
	}
	return name
}

func pick(p pos, from []string) string { return from[p.f.IntN(len(from))] }

func title(s string) string {
	ws := strings.Fields(s)
	for i, w := range ws {
		rs := []rune(w)
		rs[0] = unicode.ToUpper(rs[0])
		ws[i] = string(rs)
	}
	return strings.Join(ws, " ")
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	rs := []rune(s)
	rs[0] = unicode.ToLower(rs[0])
	return string(rs)
}

func hasTail(joined string, tails []string) bool {
	for _, t := range tails {
		if strings.HasSuffix(joined, t) {
			return true
		}
	}
	return false
}
