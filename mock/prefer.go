package mock

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
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

// prismParams are Prism's query parameters that stand for Prefer preferences: __code=NNN, __example=NAME and
// __dynamic=true.
var prismParams = map[string]string{"__code": "code", "__example": "example", "__dynamic": "dynamic"}

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
			values := r.Header.Values("Prefer")
			if len(values) == 0 && len(fromQuery) == 0 || s.cfg.IgnoreFaultHeaders {
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

// exampleStatus finds the status whose response has the named example: code's when given, else the success
// status's, else the lowest documented status that has it.
func (p *opPlan) exampleStatus(code int, name string) (int, bool) {
	if code != 0 {
		rp := p.lookup(code)
		return code, rp != nil && slices.Contains(rp.examples, name)
	}
	statuses := p.exampleStatuses[name]
	if len(statuses) == 0 {
		return 0, false
	}
	success := p.op.SuccessStatus()
	if slices.Contains(statuses, success) {
		return success, true
	}
	return statuses[0], true
}

func (p *opPlan) whereMissing(code int) string {
	if code != 0 {
		return fmt.Sprintf("the %d response of operation %s has no such example", code, p.op.ID)
	}
	return fmt.Sprintf("no response of operation %s has such an example", p.op.ID)
}

// exampleList names the examples of every documented status: "200: assigned, docs; 400: malformed".
func (p *opPlan) exampleList() string {
	var parts []string
	for _, status := range p.op.Statuses {
		if rp := p.responses[status]; rp != nil && len(rp.examples) > 0 {
			parts = append(parts, fmt.Sprintf("%d: %s", status, strings.Join(rp.examples, ", ")))
		}
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, "; ")
}

// documented lists the statuses, ranges and default the operation documents: "200, 404, 5XX, default".
func (p *opPlan) documented() string {
	var parts []string
	if len(p.op.Statuses) > 0 {
		parts = append(parts, statusList(p.op.Statuses))
	}
	for digit := 1; digit <= 5; digit++ {
		if p.ranges[digit] != nil {
			parts = append(parts, strconv.Itoa(digit)+"XX")
		}
	}
	if p.fallback != nil {
		parts = append(parts, "default")
	}
	if len(parts) == 0 {
		return "no status"
	}
	return strings.Join(parts, ", ")
}

func statusList(statuses []int) string {
	if len(statuses) == 0 {
		return "no status"
	}
	parts := make([]string, len(statuses))
	for i, s := range statuses {
		parts[i] = strconv.Itoa(s)
	}
	return strings.Join(parts, ", ")
}
