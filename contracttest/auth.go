package contracttest

import (
	"encoding/base64"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/standin/standin/openapi"
)

// credential is one value a request carries to satisfy a security scheme.
type credential struct {
	in    string // "header", "query" or "cookie"
	name  string // header name, query parameter or cookie name
	value string
}

// Where the valid credentials of an operation come from.
const (
	credsNone    = ""        // the operation needs credentials and none were given
	credsUser    = "user"    // the user's --api-key, --bearer, --basic or -H
	credsStandin = "standin" // made up for a standin target, which checks only their shape
)

// authPlan says how the requests of one operation authenticate.
type authPlan struct {
	// required is true when the operation needs credentials (no empty requirement among its alternatives).
	required bool
	// valid is what valid requests carry besides the user's -H headers; origin says whose they are.
	valid  []credential
	origin string
	// malformed is what the auth/malformed case carries instead of valid; nil when the document does not say what
	// a valid credential looks like. malformedWhy says what makes it wrong, or why there is no such case.
	malformed    []credential
	malformedWhy string
	// places lists where credentials of any alternative go, so the auth/missing case can leave them all out.
	places []credential
	// schemes names the requirements, for messages ("basicAuth or bearerAuth").
	schemes string
	// clash says why no request can meet the requirements (two schemes of one alternative need the same header),
	// or "".
	clash string
}

// Shapes of credentials that are wrong by what the document declares.
const (
	malformedKey    = "standin_malformed_key"
	malformedJWT    = "standin-not-a-jwt"
	wrongBasic      = "Basic c3RhbmRpbjptYWxmb3JtZWQ=" // "standin:malformed", where Bearer is declared
	wrongBearer     = "Bearer standin-malformed"       // where Basic is declared
	standinToken    = "standin_contracttest"
	standinJWT      = "eyJhbGciOiJub25lIn0.eyJzdWIiOiJzdGFuZGluIn0." // {"alg":"none"}.{"sub":"standin"}, unsigned
	standinUserPass = "standin:contracttest"
)

// credentialHeader reports whether a header name usually carries a credential, so a user's -H value under it is
// masked in reports.
func credentialHeader(name string) bool {
	n := strings.ToLower(name)
	switch n {
	case "authorization", "proxy-authorization", "cookie":
		return true
	}
	for _, w := range []string{"key", "token", "secret", "auth", "session", "password"} {
		if strings.Contains(n, w) {
			return true
		}
	}
	return false
}

// planAuth decides the credentials of op's requests from the configuration: the first alternative the user's
// credentials satisfy exactly, else one they satisfy with an API key used as a token (or the reverse), else on a
// standin target credentials of the declared shape.
func planAuth(cfg *Config, api *openapi.API, op *openapi.Operation, standin bool) *authPlan {
	reqs := api.Doc.Security
	if op.Op.Security != nil {
		reqs = *op.Op.Security
	}
	ap := &authPlan{}
	if len(reqs) == 0 || slices.ContainsFunc(reqs, func(r openapi3.SecurityRequirement) bool { return len(r) == 0 }) {
		return ap
	}
	var schemes openapi3.SecuritySchemes
	if api.Doc.Components != nil {
		schemes = api.Doc.Components.SecuritySchemes
	}
	type scheme struct {
		name string
		s    *openapi3.SecurityScheme
	}
	alts := make([][]scheme, 0, len(reqs))
	var names []string
	for _, req := range reqs {
		var alt []scheme
		for _, name := range sortedKeys(req) {
			ref := schemes[name]
			if ref == nil || ref.Value == nil {
				alt = append(alt, scheme{name: name})
				continue
			}
			alt = append(alt, scheme{name: name, s: ref.Value})
			ap.places = append(ap.places, placeOf(ref.Value))
		}
		alts = append(alts, alt)
		parts := make([]string, len(alt))
		for i, sc := range alt {
			parts[i] = sc.name
		}
		names = append(names, strings.Join(parts, " and "))
	}
	ap.required = true
	ap.schemes = strings.Join(names, " or ")

	userHeader := func(name string) string { return strings.TrimSpace(cfg.Headers.Get(name)) }
	// satisfy returns the credentials for one scheme at the given level: 0 exact, 1 with fallbacks, 2 made up
	// for a standin target. ok is false when the level cannot satisfy it.
	satisfy := func(s *openapi3.SecurityScheme, level int) (creds []credential, ok bool) {
		if s == nil {
			return nil, false
		}
		place := placeOf(s)
		switch {
		case s.Type == "apiKey":
			if place.in == "header" && userHeader(place.name) != "" {
				return nil, true
			}
			if place.in == "cookie" && strings.Contains(userHeader("Cookie"), place.name+"=") {
				return nil, true
			}
			key := cfg.APIKey
			if key == "" && level >= 1 {
				key = cfg.Bearer
			}
			if key == "" && level == 2 {
				key = api.Ext.Auth.Prefix + standinToken
			}
			if key == "" {
				return nil, false
			}
			place.value = key
			return []credential{place}, true
		case s.Type == "http" && strings.EqualFold(s.Scheme, "basic"):
			if h := userHeader("Authorization"); strings.HasPrefix(strings.ToLower(h), "basic ") {
				return nil, true
			}
			up := cfg.Basic
			if up == "" && level == 2 {
				up = standinUserPass
			}
			if up == "" {
				return nil, false
			}
			place.value = "Basic " + base64.StdEncoding.EncodeToString([]byte(up))
			return []credential{place}, true
		case s.Type == "http" && !strings.EqualFold(s.Scheme, "bearer"):
			// digest and other schemes: only a -H Authorization with that scheme word satisfies them.
			if h := userHeader("Authorization"); strings.HasPrefix(strings.ToLower(h), strings.ToLower(s.Scheme)+" ") {
				return nil, true
			}
			if level == 2 {
				place.value = s.Scheme + " " + standinToken
				return []credential{place}, true
			}
			return nil, false
		case s.Type == "http", s.Type == "oauth2", s.Type == "openIdConnect":
			if h := userHeader("Authorization"); strings.HasPrefix(strings.ToLower(h), "bearer ") {
				return nil, true
			}
			tok := cfg.Bearer
			if tok == "" && level >= 1 {
				tok = cfg.APIKey
			}
			if tok == "" && level == 2 {
				tok = standinToken
				if strings.EqualFold(s.Scheme, "bearer") && strings.EqualFold(strings.TrimSpace(s.BearerFormat), "JWT") {
					tok = standinJWT // standin serve checks the shape bearerFormat JWT declares
				}
			}
			if tok == "" {
				return nil, false
			}
			place.value = "Bearer " + tok
			return []credential{place}, true
		}
		return nil, true // mutualTLS and unknown types cannot be given over plain HTTP
	}
	// An alternative whose schemes need the same place (basic and an apiKey named Authorization, both required)
	// cannot be met by any request. Token schemes (http bearer, oauth2, openIdConnect) share the Authorization
	// header without clashing: one bearer token meets them all (Google's {Oauth2: [...], Oauth2c: [...]}).
	clashes := make([]string, len(alts))
	for i, alt := range alts {
		seen := map[string]*openapi3.SecurityScheme{}
		seenName := map[string]string{}
		for _, sc := range alt {
			if sc.s == nil || (sc.s.Type != "apiKey" && sc.s.Type != "http" && sc.s.Type != "oauth2" && sc.s.Type != "openIdConnect") {
				continue
			}
			p := placeOf(sc.s)
			key := p.in + " " + strings.ToLower(p.name)
			if other, ok := seen[key]; ok && !(tokenScheme(other) && tokenScheme(sc.s)) {
				clashes[i] = seenName[key] + " and " + sc.name + " both need " + p.in + " " + p.name
			}
			seen[key], seenName[key] = sc.s, sc.name
		}
	}
	chosen := -1
	for level := 0; level <= 2 && chosen < 0; level++ {
		if level == 2 && !standin {
			break
		}
		for i, alt := range alts {
			if clashes[i] != "" {
				continue
			}
			var all []credential
			ok := true
			for _, sc := range alt {
				c, sok := satisfy(sc.s, level)
				if !sok {
					ok = false
					break
				}
				for _, cr := range c {
					if !slices.Contains(all, cr) { // two token schemes, one Authorization header
						all = append(all, cr)
					}
				}
			}
			if ok {
				chosen, ap.valid = i, all
				ap.origin = credsUser
				if level == 2 {
					ap.origin = credsStandin
				}
				break
			}
		}
	}
	if chosen < 0 {
		ap.malformedWhy = "no credentials for " + ap.schemes
		if !slices.Contains(clashes, "") {
			ap.clash = strings.Join(slices.Compact(slices.Sorted(slices.Values(clashes))), "; ")
			ap.malformedWhy = "no request can meet the security requirements: " + ap.clash
		}
		return ap
	}
	// A value is malformed only if no alternative takes any value at its place: an apiKey scheme without a
	// declared shape named "Authorization" accepts "Bearer x" as well as anything else.
	// Likewise "Basic x" is a valid credential of any http basic alternative, "Bearer x" of any token one.
	open := map[string]bool{}
	words := map[string]bool{}
	for _, alt := range alts {
		for _, sc := range alt {
			switch {
			case sc.s == nil:
			case sc.s.Type == "apiKey" && api.Ext.Auth.Prefix == "" && cfg.InvalidCredential == "":
				p := placeOf(sc.s)
				open[p.in+"\x00"+strings.ToLower(p.name)] = true
			case sc.s.Type == "http" && strings.EqualFold(sc.s.Scheme, "basic"):
				words["basic"] = true
			case sc.s.Type == "http" && strings.EqualFold(sc.s.Scheme, "bearer") && !strings.EqualFold(sc.s.BearerFormat, "JWT"), sc.s.Type == "oauth2", sc.s.Type == "openIdConnect":
				words["bearer"] = true
			}
		}
	}
	for _, sc := range alts[chosen] {
		m, why := malformedFor(cfg, api, sc.s, ap.valid)
		word, _, _ := strings.Cut(strings.ToLower(m0value(m)), " ")
		switch {
		case m != nil && open[m[0].in+"\x00"+strings.ToLower(m[0].name)]:
			m, why = nil, "another security scheme of the operation accepts any value in "+m[0].in+" "+m[0].name
		case m != nil && cfg.InvalidCredential == "" && strings.EqualFold(m[0].name, "Authorization") && words[word] && m[0].value != "Bearer "+malformedJWT:
			m, why = nil, "another security scheme of the operation accepts any "+m[0].value[:len(word)]+" credential"
		}
		if ap.malformedWhy == "" || m != nil {
			ap.malformed, ap.malformedWhy = m, why
		}
		if m != nil {
			break
		}
	}
	return ap
}

// tokenScheme reports whether s takes a bearer token in the Authorization header.
func tokenScheme(s *openapi3.SecurityScheme) bool {
	return s.Type == "oauth2" || s.Type == "openIdConnect" || (s.Type == "http" && strings.EqualFold(s.Scheme, "bearer"))
}

// placeOf says where a scheme's credential goes.
func placeOf(s *openapi3.SecurityScheme) credential {
	if s.Type == "apiKey" {
		return credential{in: s.In, name: s.Name}
	}
	return credential{in: "header", name: "Authorization"}
}

// malformedFor returns valid with s's credential replaced by one the document says is wrong, and why; nil and
// the reason when the document does not say what a valid credential of s looks like.
func malformedFor(cfg *Config, api *openapi.API, s *openapi3.SecurityScheme, valid []credential) ([]credential, string) {
	if s == nil {
		return nil, "the security scheme is not defined"
	}
	place := placeOf(s)
	value, why := "", ""
	switch {
	case cfg.InvalidCredential != "":
		value, why = cfg.InvalidCredential, "the known-bad credential given"
		switch {
		case s.Type == "http" && strings.EqualFold(s.Scheme, "basic"):
			value = "Basic " + base64.StdEncoding.EncodeToString([]byte(cfg.InvalidCredential))
		case s.Type != "apiKey":
			value = "Bearer " + cfg.InvalidCredential
		}
	case s.Type == "apiKey" && api.Ext.Auth.Prefix != "":
		value, why = malformedKey, "a key without the prefix "+api.Ext.Auth.Prefix+" that x-standin declares"
	case s.Type == "apiKey":
		return nil, "the document does not say what a valid " + s.Name + " key looks like (give a known-bad one with --invalid-credential)"
	case s.Type == "http" && strings.EqualFold(s.Scheme, "basic"):
		value, why = wrongBearer, "the Bearer scheme where the document declares Basic"
	case s.Type == "http" && strings.EqualFold(s.Scheme, "bearer") && strings.EqualFold(s.BearerFormat, "JWT"):
		value, why = "Bearer "+malformedJWT, "a bearer token that is not a JWT (bearerFormat JWT)"
	case s.Type == "http" && strings.EqualFold(s.Scheme, "bearer"), s.Type == "oauth2", s.Type == "openIdConnect":
		value, why = wrongBasic, "the Basic scheme where the document declares a Bearer token"
	default:
		return nil, "the document does not say what a valid " + s.Type + " credential looks like"
	}
	place.value = value
	out := []credential{place}
	for _, c := range valid {
		if c.in != place.in || !strings.EqualFold(c.name, place.name) {
			out = append(out, c)
		}
	}
	return out, why
}

// apply puts the credentials of mode into header and query. The user's -H headers are already in header; the
// missing case removes those that carry credentials of the operation, and the malformed one replaces them.
func (ap *authPlan) apply(mode authMode, header http.Header, query url.Values) {
	creds := ap.valid
	switch mode {
	case authNone:
		for _, p := range ap.places {
			removeCredential(p, header, query)
		}
		return
	case authMalformed:
		if ap.malformed == nil {
			return
		}
		creds = ap.malformed
		for _, p := range ap.places {
			removeCredential(p, header, query)
		}
	}
	for _, c := range creds {
		switch c.in {
		case "header":
			header.Set(c.name, c.value)
		case "query":
			query.Set(c.name, c.value)
		case "cookie":
			header.Add("Cookie", c.name+"="+c.value)
		}
	}
}

func removeCredential(p credential, header http.Header, query url.Values) {
	switch p.in {
	case "header":
		header.Del(p.name)
	case "query":
		query.Del(p.name)
	case "cookie":
		var keep []string
		for _, v := range header.Values("Cookie") {
			var parts []string
			for _, kv := range strings.Split(v, ";") {
				if name, _, _ := strings.Cut(strings.TrimSpace(kv), "="); name != p.name && strings.TrimSpace(kv) != "" {
					parts = append(parts, strings.TrimSpace(kv))
				}
			}
			if len(parts) > 0 {
				keep = append(keep, strings.Join(parts, "; "))
			}
		}
		header.Del("Cookie")
		for _, v := range keep {
			header.Add("Cookie", v)
		}
	}
}

// userSecrets lists the user's credentials as they may appear in a request or an echoed response: the values
// themselves, the encoded basic credential and the values of credential-like -H headers.
func userSecrets(cfg *Config) []string {
	var out []string
	add := func(s string) {
		if s = strings.TrimSpace(s); s != "" && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	add(cfg.APIKey)
	add(cfg.Bearer)
	if cfg.Basic != "" {
		add(base64.StdEncoding.EncodeToString([]byte(cfg.Basic)))
		add(cfg.Basic)
	}
	for name, vals := range cfg.Headers {
		if !credentialHeader(name) {
			continue
		}
		for _, v := range vals {
			if scheme, rest, ok := strings.Cut(v, " "); ok && !strings.Contains(scheme, "=") {
				add(rest) // "Bearer tok": mask the token, keep the scheme word
			} else {
				add(v)
			}
		}
	}
	// Longest first, so a secret that contains another is masked whole.
	slices.SortFunc(out, func(a, b string) int { return len(b) - len(a) })
	return out
}

func m0value(m []credential) string {
	if len(m) == 0 {
		return ""
	}
	return m[0].value
}
