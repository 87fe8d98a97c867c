package mock

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// preference is what a request asks for with Prefer (Prism-compatible): code=NNN, example=NAME, dynamic=true.
type preference struct {
	code    int
	example string
	dynamic bool
}

// parsePrefer reads every Prefer header. Preferences other than code, example and dynamic are ignored, as
// RFC 7240 asks of preferences a server does not support.
func parsePrefer(values []string) (preference, error) {
	var p preference
	for _, v := range values {
		for _, part := range strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ';' }) {
			key, val, _ := strings.Cut(strings.TrimSpace(part), "=")
			key = strings.ToLower(strings.TrimSpace(key))
			val = strings.Trim(strings.TrimSpace(val), `"`)
			switch key {
			case "code":
				n, err := strconv.Atoi(val)
				if err != nil || n < 100 || n > 599 {
					return p, fmt.Errorf("Prefer: code=%s is not an HTTP status: expected code=NNN, e.g. code=404", val)
				}
				p.code = n
			case "example":
				if val == "" {
					return p, fmt.Errorf("Prefer: example= needs an example name, e.g. example=docs")
				}
				p.example = val
			case "dynamic":
				p.dynamic = strings.EqualFold(val, "true") || val == ""
			}
		}
	}
	return p, nil
}

// takePrismParams removes Prism's preference parameters from a raw query, keeping the others as sent, and
// returns them as Prefer header values ("code=404").
func takePrismParams(rawQuery string) (rest string, prefs []string) {
	if !strings.Contains(rawQuery, "__") {
		return rawQuery, nil
	}
	var kept []string
	for _, part := range strings.Split(rawQuery, "&") {
		key, val, _ := strings.Cut(part, "=")
		if k, err := url.QueryUnescape(key); err == nil {
			key = k
		}
		if pref, ok := prismParams[key]; ok {
			if v, err := url.QueryUnescape(val); err == nil {
				val = v
			}
			prefs = append(prefs, pref+"="+val)
			continue
		}
		kept = append(kept, part)
	}
	return strings.Join(kept, "&"), prefs
}

// preferStage honours Prefer, and Prism's __code, __example and __dynamic query parameters as the same
// preferences (the Prefer header wins when both give one; the parameters are removed from the query before
// validation). A non-2xx code the operation documents (exactly, by a range such as 5XX, or by default) is
// answered at once (the named or first example of that response, else a body generated from its schema, with
// its documented headers); a 2xx code, an example or dynamic=true is remembered for the response stage, so the
// request still meets faults, security, validation and behaviour. A code the operation does not document or an
// unknown example is refused by standin with 400 naming what the operation documents.
func (s *Server) preferStage(rt *apiRuntime) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			ex := exchangeFrom(r.Context())
			if failure := ex.negotiationFailure(); failure != "" {
				ex.writeVendorError(w, "negotiate", failure, nil, ex.negotiationVars())
				return
			}
			rest, fromQuery := takePrismParams(r.URL.RawQuery)
			if fromQuery != nil {
				r = r.WithContext(r.Context())
				u := *r.URL
				u.RawQuery = rest
				r.URL = &u
				ex.rawQuery = rest
			}
			values := r.Header["Prefer"] // Values("Prefer"), less canonicalising the canonical name
			if (len(values) == 0 && len(fromQuery) == 0) || s.cfg.IgnoreFaultHeaders {
				next.ServeHTTP(w, r)
				return
			}
			p, err := parsePrefer(append(fromQuery, values...))
			if err != nil {
				ex.standinError(w, "prefer", http.StatusBadRequest, err.Error())
				return
			}
			if p.code != 0 && ex.plan.lookup(p.code) == nil {
				ex.standinError(w, "prefer", http.StatusBadRequest, fmt.Sprintf(
					"Prefer: code=%d: operation %s does not document status %d; it documents %s",
					p.code, ex.op.ID, p.code, ex.plan.documented()))
				return
			}
			if p.example != "" {
				code, ok := ex.plan.exampleStatus(p.code, p.example)
				if !ok {
					ex.standinError(w, "prefer", http.StatusBadRequest, fmt.Sprintf(
						"Prefer: example=%s: %s; documented examples: %s",
						p.example, ex.plan.whereMissing(p.code), ex.plan.exampleList()))
					return
				}
				p.code = code
			}
			if p.code != 0 && (p.code < 200 || p.code > 299) {
				rp := ex.plan.lookup(p.code).as(p.code)
				header, body := s.render(ex, rp, p.example, p.dynamic)
				ex.send(w, "prefer", p.code, header, body)
				return
			}
			ex.preferStatus, ex.preferExample, ex.preferDynamic = p.code, p.example, p.dynamic
			next.ServeHTTP(w, r)
		})
	}
}
