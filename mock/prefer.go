package mock

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// prismParams are Prism's query parameters that stand for Prefer preferences: __code=NNN, __example=NAME and
// __dynamic=true.
var prismParams = map[string]string{"__code": "code", "__example": "example", "__dynamic": "dynamic"}

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
