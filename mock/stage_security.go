package mock

import (
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"path"
	"slices"
	"sort"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/standin/standin/openapi"
)

// secScheme is one security scheme as the security stage checks it.
type secScheme struct {
	name   string // the scheme's name in components.securitySchemes
	kind   string // "apiKey", "http" or "token" (oauth2, openIdConnect: a bearer token)
	in     string // apiKey: header, query or cookie
	param  string // apiKey: the header, query parameter or cookie name (a header's in canonical form)
	scheme string // http: bearer, basic, ... (lower-case)
	jwt    bool   // http bearer with bearerFormat JWT: the token must be a JWT's three base64url segments
}

// secAlternative is one security requirement object: every scheme in it must be satisfied.
type secAlternative []secScheme

// planSecurity reads the requirements that apply to op: its own security, else the document's.
func planSecurity(api *openapi.API, op *openapi.Operation) (alts []secAlternative, err error) {
	reqs := api.Doc.Security
	if op.Op.Security != nil {
		reqs = *op.Op.Security
	}
	if len(reqs) == 0 {
		return nil, nil
	}
	var schemes openapi3.SecuritySchemes
	if api.Doc.Components != nil {
		schemes = api.Doc.Components.SecuritySchemes
	}
	alts = make([]secAlternative, 0, len(reqs))
	for _, req := range reqs {
		names := make([]string, 0, len(req))
		for name := range req {
			names = append(names, name)
		}
		sort.Strings(names)
		alt := secAlternative{}
		for _, name := range names {
			ref := schemes[name]
			if ref == nil || ref.Value == nil {
				// An undefined scheme can never be satisfied; the alternative stays unsatisfiable.
				alt = append(alt, secScheme{name: name, kind: "undefined"})
				err = errors.Join(err, fmt.Errorf("%s: operation %s requires security scheme %q, which components.securitySchemes does not define", api.File, op.ID, name))
				continue
			}
			ss := ref.Value
			sc := secScheme{name: name, kind: ss.Type}
			switch ss.Type {
			case "apiKey":
				sc.in, sc.param = ss.In, ss.Name
				if ss.In == "header" {
					sc.param = http.CanonicalHeaderKey(ss.Name) // read from the map as it is (headerValue)
				}
			case "http":
				sc.scheme = strings.ToLower(ss.Scheme)
				// bearerFormat is free text, a hint for documentation; only "JWT" names a shape a token can be
				// checked against.
				sc.jwt = sc.scheme == "bearer" && strings.EqualFold(strings.TrimSpace(ss.BearerFormat), "JWT")
			case "oauth2", "openIdConnect":
				sc.kind = "token"
			default: // mutualTLS and unknown types cannot be checked over plain HTTP: accepted
				continue
			}
			alt = append(alt, sc)
		}
		alts = append(alts, alt)
	}
	return alts, err
}

// securityStage enforces the operation's security requirements. No alternative satisfied: the API's
// unauthorized shape. A credential matching a forbidden pattern (the spec's x-standin auth.forbidden and
// Config.ForbiddenKeys): the forbidden shape when the operation documents 403, else unauthorized. The
// credential presented is kept in ex.credential.
func (s *Server) securityStage(rt *apiRuntime) func(http.Handler) http.Handler {
	prefix := rt.api.Ext.Auth.Prefix
	forbidden := compileKeyPatterns(slices.Concat(rt.api.Ext.Auth.Forbidden, s.cfg.ForbiddenKeys))
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			ex := exchangeFrom(r.Context())
			alts := ex.plan.security
			if len(alts) == 0 {
				next.ServeHTTP(w, r)
				return
			}
			var credBuf [2]string
			var creds []string
			ok := false
			for _, alt := range alts {
				if creds, ok = alt.check(r, prefix, credBuf[:0]); ok {
					break
				}
			}
			if !ok {
				ex.writeVendorError(w, "security", "unauthorized", nil, nil)
				return
			}
			ex.credential = strings.Join(creds, " ")
			for _, c := range creds {
				if forbidden.match(c) {
					kind := "unauthorized"
					if ex.op.Documents(http.StatusForbidden) {
						kind = "forbidden"
					}
					ex.writeVendorError(w, "security", kind, nil, nil)
					return
				}
			}
			next.ServeHTTP(w, r)
		})
	}
}

// check reports whether r satisfies every scheme of the alternative, and the credentials it presented, appended
// to creds.
func (alt secAlternative) check(r *http.Request, prefix string, creds []string) ([]string, bool) {
	for _, sc := range alt {
		c, ok := sc.check(r, prefix)
		if !ok {
			return nil, false
		}
		creds = append(creds, c)
	}
	return creds, true
}

func (sc secScheme) check(r *http.Request, prefix string) (string, bool) {
	switch sc.kind {
	case "apiKey":
		var v string
		switch sc.in {
		case "header":
			v = headerValue(r.Header, sc.param)
		case "query":
			v = r.URL.Query().Get(sc.param)
		case "cookie":
			if c, err := r.Cookie(sc.param); err == nil {
				v = c.Value
			}
		}
		v = strings.TrimSpace(v)
		return v, v != "" && strings.HasPrefix(v, prefix)
	case "token":
		return authParam(r, "bearer")
	case "http":
		cred, ok := authParam(r, sc.scheme)
		if !ok {
			return "", false
		}
		if sc.scheme == "basic" {
			raw, err := base64.StdEncoding.DecodeString(cred)
			if err != nil {
				return "", false
			}
			user, _, found := strings.Cut(string(raw), ":")
			if !found || user == "" {
				return "", false
			}
			return user, true
		}
		if sc.jwt && !jwtShaped(cred) {
			return "", false
		}
		return cred, true
	}
	return "", false
}

// jwtShaped reports whether a bearer token has a JWT's compact form (RFC 7519): three base64url segments
// separated by dots, the first two (header and claims) non-empty; the third, the signature, may be empty (an
// unsecured JWT). Neither the segments' JSON nor the signature is checked: the mock has no key.
func jwtShaped(tok string) bool {
	parts := strings.Split(tok, ".")
	if len(parts) != 3 || parts[0] == "" || parts[1] == "" {
		return false
	}
	for _, p := range parts {
		if _, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(p, "=")); err != nil {
			return false
		}
	}
	return true
}

// authParam returns the non-empty credentials of an Authorization header using scheme (case-insensitive).
func authParam(r *http.Request, scheme string) (string, bool) {
	h := strings.TrimSpace(headerValue(r.Header, "Authorization"))
	got, cred, _ := strings.Cut(h, " ")
	cred = strings.TrimSpace(cred)
	if !strings.EqualFold(got, scheme) || cred == "" {
		return "", false
	}
	return cred, true
}

func matchesAny(patterns []string, s string) bool {
	for _, p := range patterns {
		if ok, _ := path.Match(p, s); ok {
			return true
		}
	}
	return false
}

// keyPatterns is matchesAny with its patterns sorted out once: a pattern without special characters is compared
// as it is, one whose only special character is a final "*" ("cc_forbidden_*") as a prefix followed by no "/"
// (what path.Match's star takes); any other goes to path.Match.
type keyPatterns struct {
	exact, prefixes, others []string
}

func compileKeyPatterns(patterns []string) keyPatterns {
	var kp keyPatterns
	for _, p := range patterns {
		switch head, star := strings.CutSuffix(p, "*"); {
		case !strings.ContainsAny(p, `*?[\`):
			kp.exact = append(kp.exact, p)
		case star && !strings.ContainsAny(head, `*?[\`):
			kp.prefixes = append(kp.prefixes, head)
		default:
			kp.others = append(kp.others, p)
		}
	}
	return kp
}

func (kp *keyPatterns) match(s string) bool {
	for _, p := range kp.exact {
		if s == p {
			return true
		}
	}
	for _, p := range kp.prefixes {
		if strings.HasPrefix(s, p) && !strings.Contains(s[len(p):], "/") {
			return true
		}
	}
	return matchesAny(kp.others, s)
}
