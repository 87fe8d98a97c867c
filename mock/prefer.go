package mock

import (
	"fmt"
	"net/http"
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

// preferStage honours Prefer. A documented non-2xx code is answered at once (the named or first example of that
// response, else a body generated from its schema, with its documented headers); a 2xx code, an example or
// dynamic=true is remembered for the response stage, so the request still meets faults, security, validation
// and behaviour. A code the operation does not document or an unknown example is refused by standin with 400
// naming what the operation documents.
func (s *Server) preferStage(rt *apiRuntime) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			values := r.Header.Values("Prefer")
			if len(values) == 0 || s.cfg.IgnoreFaultHeaders {
				next.ServeHTTP(w, r)
				return
			}
			ex := exchangeFrom(r.Context())
			p, err := parsePrefer(values)
			if err != nil {
				ex.standinError(w, "prefer", http.StatusBadRequest, err.Error())
				return
			}
			if p.code != 0 && !ex.op.Documents(p.code) {
				ex.standinError(w, "prefer", http.StatusBadRequest, fmt.Sprintf(
					"Prefer: code=%d: operation %s does not document status %d; it documents %s",
					p.code, ex.op.ID, p.code, statusList(ex.op.Statuses)))
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
				rp := ex.plan.responses[p.code]
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
		rp := p.responses[code]
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
