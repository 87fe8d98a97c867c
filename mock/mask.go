package mock

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/standin/standin/internal/jsonvalue"
)

// credentialWords are the parts of a name that make it look like a credential: any header, query parameter,
// cookie or body field whose name contains one (case-insensitively) has its value masked in the journal and the
// logs, whether the spec names it or not (X-Auth-Token, X-Amz-Security-Token, ?api_key=, ?access_token=, a
// "password" in a body).
var credentialWords = []string{"token", "secret", "passw", "key", "authorization", "cookie", "credential", "signature"}

// looksLikeCredential reports whether a header, parameter or field name looks like it holds a credential.
func looksLikeCredential(name string) bool {
	n := strings.ToLower(name)
	for _, w := range credentialWords {
		if strings.Contains(n, w) {
			return true
		}
	}
	return false
}

// bodyMasker hides the values of credential-like fields in a request or response body as the journal keeps it:
// JSON (also when cut short, so it works on the journal's first 4 KiB) and form-encoded bodies. It rewrites
// values in place, leaving the rest of the text, key order included, as it was.
type bodyMasker struct {
	// The expressions are compiled at their first use (most servers never need one: an ASCII JSON body is
	// masked by maskJSONFields): compiling the three took some 0.1 ms and 50 KB of heap per API at start, heap
	// the collector then marked at every cycle.
	jsonField func() *regexp.Regexp
	formField func() *regexp.Regexp
	// keyName finds a name in a key, folding case as jsonField does: maskJSONFields asks it about the keys that
	// are not ASCII, where Unicode folding reaches ASCII names (the Kelvin sign is a k, the long s an s).
	keyName func() *regexp.Regexp
	// anchors group the lower-case ASCII names by their rarest letter: an ASCII body naming none of them has
	// nothing to mask, and mentions finds out by searching for those letters alone (see mentions). Names that are
	// not ASCII are left out: only a body that is not ASCII can hold them, and mentions says yes to every such
	// body.
	anchors []anchorGroup
	// anchorAt maps a byte to 1 + the index in anchors of the group it anchors (either case), 0 for none: a key
	// is searched in one pass (mentionsKey).
	anchorAt [256]uint8
	// anyText is set when a name is empty: every body mentions it.
	anyText bool
	// plainKeys holds field names the document declares that name no credential (knowKeys): mentionsKey
	// answers for them with one lookup instead of a search. Nil until knowKeys has run: it may run beside the
	// masker's use (the journal stage builds it in the background, as it takes a big document tens of ms).
	plainKeys atomic.Pointer[keySet]
	// keyMentions is mentionsKey as a key test, made once: its answer for a key never changes (knowKeys only
	// makes it quicker), so an answer's shape may keep that its keys passed (jsonvalue.AppendTested).
	keyMentions *jsonvalue.KeyTest
	// asciiNames is set when every name is ASCII: a JSON body is then masked by maskJSONFields, which matches
	// what jsonField matches (keyName folds the keys that are not ASCII).
	asciiNames bool
}

// newBodyMasker builds the masker for the credential words plus the field names the spec marks as secret
// (properties with format: password).
func newBodyMasker(extra []string) *bodyMasker {
	alts := make([]string, 0, len(credentialWords)+len(extra))
	for _, w := range credentialWords {
		alts = append(alts, regexp.QuoteMeta(w))
	}
	for _, e := range extra {
		alts = append(alts, regexp.QuoteMeta(e))
	}
	names := "(?:" + strings.Join(alts, "|") + ")"
	m := &bodyMasker{

		// "name": "value" | number | true | false | null
		jsonField: lazyRegexp(`(?i)("[^"\\]*` + names + `[^"\\]*"\s*:\s*)("(?:[^"\\]|\\.)*"?|-?[0-9][0-9.eE+-]*|true|false|null)`),
		formField: lazyRegexp(`(?i)((?:^|&)[^=&]*` + names + `[^=&]*=)([^&]*)`),
		keyName:   lazyRegexp(`(?i)` + names),
	}
	for _, w := range append(append([]string{}, credentialWords...), extra...) {
		n := strings.ToLower(w)
		switch {
		case n == "":
			m.anyText = true
		case isASCII(n):
			m.addAnchored(n)
		}
	}
	for i, g := range m.anchors {
		m.anchorAt[g.lower] = uint8(i + 1)
		m.anchorAt[g.upper] = uint8(i + 1)
	}
	m.keyMentions = &jsonvalue.KeyTest{Fn: m.mentionsKey}
	m.asciiNames = isASCII(strings.Join(extra, ""))
	return m
}

// anchorGroup is the names sharing one anchor byte: where the byte (either case) sits in a body, each name is
// compared at its offset before it.
type anchorGroup struct {
	lower, upper byte
	names        []anchoredName
}

type anchoredName struct {
	name string // lower case
	at   int    // offset of the anchor byte in name
}

// letterRarity ranks the lower-case letters from the rarest in English text; a name is searched for by the
// rarest of its bytes (other bytes rank in between, '_', '-' and space with the most common).
const letterRarity = "zqxjkvbywgpfmucldrhsnioate"

func rarity(c byte) int {
	if i := strings.IndexByte(letterRarity, c); i >= 0 {
		return i
	}
	if c == '_' || c == '-' || c == ' ' {
		return len(letterRarity)
	}
	return 8
}

func (m *bodyMasker) addAnchored(n string) {
	at := 0
	for i := 1; i < len(n); i++ {
		if rarity(n[i]) < rarity(n[at]) {
			at = i
		}
	}
	c := n[at]
	for i := range m.anchors {
		if m.anchors[i].lower == c {
			m.anchors[i].names = append(m.anchors[i].names, anchoredName{n, at})
			return
		}
	}
	m.anchors = append(m.anchors, anchorGroup{lower: c, upper: foldUpper(c), names: []anchoredName{{n, at}}})
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// mask returns b with credential-like values replaced by maskedValue; b itself is not changed.
func (m *bodyMasker) mask(b []byte) []byte {
	if len(b) == 0 {
		return b
	}
	if !m.mentions(b) {
		return b // the regular expressions cost millions of instructions on a body with nothing to mask
	}
	t := strings.TrimLeft(string(b), " \t\r\n")
	if strings.HasPrefix(t, "{") || strings.HasPrefix(t, "[") {
		if m.asciiNames {
			return maskJSONFields(b, m)
		}
		return m.jsonField().ReplaceAll(b, []byte(`${1}"`+maskedValue+`"`))
	}
	if strings.Contains(t, "=") && !strings.ContainsAny(t, " \n{") {
		return m.formField().ReplaceAll(b, []byte("${1}"+maskedValue))
	}
	return b
}

// mentions tells whether b may hold a credential-like field: it names one of the words, or it is not ASCII
// (case folding beyond ASCII is left to the regular expressions).
// It looks for the anchor bytes of the names with bytes.IndexByte and compares names only around them, and
// allocates nothing.
func (m *bodyMasker) mentions(b []byte) bool {
	if m.anyText {
		return true
	}
	if len(b) <= shortMention {
		return namesAnchored(m, b) // one pass with a table beats a search per anchor on a short text
	}
	return m.mentionsSearched(b)
}

// shortMention is the length up to which mentions reads a text byte by byte (namesAnchored) rather than
// searching it for each anchor byte.
const shortMention = 256

// mentionsSearched is mentions by bytes.IndexByte searches for each anchor byte, for a longer text.
func (m *bodyMasker) mentionsSearched(b []byte) bool {
	if m.anyText || !isASCIIBytes(b) {
		return true
	}
	for i := range m.anchors {
		g := &m.anchors[i]
		if g.find(b, g.lower) || g.upper != g.lower && g.find(b, g.upper) {
			return true
		}
	}
	return false
}

// mentionsKey is mentions for an object key: whether key may name a credential. In JSON text that is valid, the
// masking expression matches only keys (a quoted text followed by a colon), so a JSON body none of whose keys
// mentions a name has nothing to mask.
func (m *bodyMasker) mentionsKey(key string) bool {
	if m.anyText {
		return true
	}
	if ks := m.plainKeys.Load(); ks != nil && ks.has(key) {
		return false
	}
	return namesAnchored(m, key)
}

// namesAnchored reports whether key holds one of the masker's ASCII names, or a byte that is not ASCII.
func namesAnchored[T ~string | ~[]byte](m *bodyMasker, key T) bool {
	for i := 0; i < len(key); i++ {
		c := key[i]
		if c >= 0x80 {
			return true
		}
		if g := m.anchorAt[c]; g != 0 {
			for _, n := range m.anchors[g-1].names {
				if start := i - n.at; start >= 0 && len(key)-start >= len(n.name) && hasLowerPrefixAt(key, start, n.name) {
					return true
				}
			}
		}
	}
	return false
}

// hasLowerPrefixAt reports whether s[at:] starts with the lower-case ASCII text p, ignoring ASCII case.
func hasLowerPrefixAt[T ~string | ~[]byte](s T, at int, p string) bool {
	if len(s)-at < len(p) {
		return false
	}
	for i := 0; i < len(p); i++ {
		if lowerASCII[s[at+i]] != p[i] {
			return false
		}
	}
	return true
}

// knowKeys remembers which of names (the field names a document declares) name no credential, so that
// mentionsKey answers for them at once. It is safe to call while the masker is in use.
func (m *bodyMasker) knowKeys(names []string) {
	plain := make([]string, 0, len(names))
	for _, n := range names {
		if n != "" && !m.mentionsKey(n) {
			plain = append(plain, n)
		}
	}
	ks := newKeySet(plain)
	m.plainKeys.Store(&ks)
}

// keySet is a set of non-empty strings in an open-addressed table at most half full, for lookups cheaper than a
// map's: a hash of the length and two words of the string, then string comparisons. Read-only once made.
type keySet struct {
	slots []string // "" for an empty slot
	mask  uint64
}

func newKeySet(names []string) keySet {
	n := 8
	for n < 2*len(names) {
		n *= 2
	}
	ks := keySet{slots: make([]string, n), mask: uint64(n - 1)}
	for _, name := range names {
		for i := keyHash(name) & ks.mask; ; i = (i + 1) & ks.mask {
			if ks.slots[i] == name {
				break
			}
			if ks.slots[i] == "" {
				ks.slots[i] = name
				break
			}
		}
	}
	return ks
}

func (ks keySet) has(s string) bool {
	if len(ks.slots) == 0 || s == "" {
		return false
	}
	for i := keyHash(s) & ks.mask; ; i = (i + 1) & ks.mask {
		switch ks.slots[i] {
		case s:
			return true
		case "":
			return false
		}
	}
}

// keyHash mixes a string's length with its first and last eight bytes (all of it, for up to 16 bytes).
func keyHash(s string) uint64 {
	var a, b uint64
	if len(s) >= 8 {
		a, b = word(s[:8]), word(s[len(s)-8:])
	} else {
		for i := 0; i < len(s); i++ {
			a = a<<8 | uint64(s[i])
		}
	}
	h := (a ^ b*0x9e3779b97f4a7c15 ^ uint64(len(s))) * 0xff51afd7ed558ccd
	return h ^ h>>32
}

// word reads eight bytes little-endian, in one load.
func word(s string) uint64 {
	_ = s[7]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

// maxDeclaredNames bounds the field names declaredFieldNames collects from one document.
const maxDeclaredNames = 20000

// declaredFieldNames lists the property names the document's schemas declare: those of its components and of
// the request and response bodies of its operations, all the way down, at most maxDeclaredNames.
func declaredFieldNames(doc *openapi3.T) []string {
	if doc == nil {
		return nil
	}
	seen := map[*openapi3.Schema]bool{}
	names := map[string]struct{}{}
	var visit func(ref *openapi3.SchemaRef)
	visit = func(ref *openapi3.SchemaRef) {
		if ref == nil || ref.Value == nil || seen[ref.Value] || len(names) >= maxDeclaredNames {
			return
		}
		sc := ref.Value
		seen[sc] = true
		for name, p := range sc.Properties {
			names[name] = struct{}{}
			visit(p)
		}
		visit(sc.Items)
		visit(sc.Not)
		if sc.AdditionalProperties.Schema != nil {
			visit(sc.AdditionalProperties.Schema)
		}
		for _, list := range []openapi3.SchemaRefs{sc.AllOf, sc.AnyOf, sc.OneOf} {
			for _, r := range list {
				visit(r)
			}
		}
	}
	visitContent := func(c openapi3.Content) {
		for _, mt := range c {
			if mt != nil {
				visit(mt.Schema)
			}
		}
	}
	if doc.Components != nil {
		for _, sc := range doc.Components.Schemas {
			visit(sc)
		}
	}
	if doc.Paths != nil {
		for _, item := range doc.Paths.Map() {
			for _, op := range item.Operations() {
				if op.RequestBody != nil && op.RequestBody.Value != nil {
					visitContent(op.RequestBody.Value.Content)
				}
				if op.Responses == nil {
					continue
				}
				for _, resp := range op.Responses.Map() {
					if resp != nil && resp.Value != nil {
						visitContent(resp.Value.Content)
					}
				}
			}
		}
	}
	out := make([]string, 0, len(names))
	for n := range names {
		out = append(out, n)
	}
	return out
}

// find reports whether one of g's names sits around an occurrence of the byte c in b.
func (g *anchorGroup) find(b []byte, c byte) bool {
	for off := 0; ; {
		i := bytes.IndexByte(b[off:], c)
		if i < 0 {
			return false
		}
		p := off + i
		for _, n := range g.names {
			if start := p - n.at; start >= 0 && hasLowerPrefix(b[start:], n.name) {
				return true
			}
		}
		off = p + 1
	}
}

// isASCIIBytes reports whether every byte of b is below 0x80, eight at a time.
func isASCIIBytes(b []byte) bool {
	i := 0
	for ; i+8 <= len(b); i += 8 {
		if binary.LittleEndian.Uint64(b[i:])&0x8080808080808080 != 0 {
			return false
		}
	}
	for ; i < len(b); i++ {
		if b[i] >= 0x80 {
			return false
		}
	}
	return true
}

// lowerASCII folds ASCII capitals to lower case and keeps every other byte.
var lowerASCII = func() (t [256]byte) {
	for c := range 256 {
		t[c] = byte(c)
		if c >= 'A' && c <= 'Z' {
			t[c] = byte(c) + 'a' - 'A'
		}
	}
	return t
}()

func foldUpper(c byte) byte {
	if c >= 'a' && c <= 'z' {
		return c - 'a' + 'A'
	}
	return c
}

// hasLowerPrefix reports whether b starts with the lower-case ASCII text p, ignoring the case of ASCII letters.
func hasLowerPrefix(b []byte, p string) bool {
	if len(b) < len(p) {
		return false
	}
	for i := 0; i < len(p); i++ {
		if lowerASCII[b[i]] != p[i] {
			return false
		}
	}
	return true
}

// secretFieldNames lists the names of properties the spec marks as secret (format: password), in the
// components and in every operation's request body, one level deep.
func secretFieldNames(doc *openapi3.T) []string {
	seen := map[string]bool{}
	var out []string
	visit := func(s *openapi3.SchemaRef) {
		if s == nil || s.Value == nil {
			return
		}
		for name, p := range s.Value.Properties {
			if p != nil && p.Value != nil && p.Value.Format == "password" && !seen[name] && !looksLikeCredential(name) {
				seen[name] = true
				out = append(out, name)
			}
		}
	}
	if doc != nil && doc.Components != nil {
		for _, s := range doc.Components.Schemas {
			visit(s)
		}
	}
	return out
}

// journalBody keeps at most journalBodyLimit bytes of b with credential-like values masked: as JSON when it is
// JSON, else as a JSON string. It reports whether b was cut. Masking looks at the kept bytes only, so it costs
// the same whatever the body's size.
func (m *masker) journalBody(b []byte) (json.RawMessage, bool) {
	return m.keepBody(b, false)
}

// journalBodyOwned is journalBody for a b nothing else holds or changes (the recorder's copy of an answer): a
// JSON body with nothing to mask is kept as it is, not copied.
func (m *masker) journalBodyOwned(b []byte) (json.RawMessage, bool) {
	return m.keepBody(b, true)
}

func (m *masker) keepBody(b []byte, owned bool) (json.RawMessage, bool) {
	if len(b) == 0 {
		return nil, false
	}
	if len(b) > journalBodyLimit {
		b = b[:journalBodyLimit]
		if last := m.lastCut.Load(); last != nil && bytes.Equal(last.in, b) {
			return last.kept, true // kept entries are never changed, and are copied on the way out
		}
		kept, _ := json.Marshal(strings.ToValidUTF8(string(m.body.mask(b)), "\uFFFD"))
		m.lastCut.Store(&cutBody{in: bytes.Clone(b), kept: kept})
		return kept, true
	}
	masked := m.body.mask(b)
	if jsonvalue.Valid(masked) {
		if owned || &masked[0] != &b[0] { // masking made a copy already
			return masked, false
		}
		return bytes.Clone(masked), false
	}
	s, _ := json.Marshal(strings.ToValidUTF8(string(masked), "\uFFFD"))
	return s, false
}

// lazyRegexp returns a function compiling expr (which must compile) at its first call and returning that
// expression from then on.
func lazyRegexp(expr string) func() *regexp.Regexp {
	return sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(expr) })
}
