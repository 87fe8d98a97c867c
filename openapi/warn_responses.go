package openapi

import (
	"fmt"
	"strings"
)

// WithoutSuccess lists the operations that document no success response: no 2xx status, no 2XX range and no
// default response. The mock never sends a 2xx such an operation does not document; it answers a request that
// passes every check with the operation's lowest documented 3xx, else its lowest documented error status, and
// an operation that documents no response at all (responses: {}) with standin's own 501.
func (a *API) WithoutSuccess() []*Operation {
	var out []*Operation
	for _, op := range a.Operations {
		if !documentsSuccess(op) {
			out = append(out, op)
		}
	}
	return out
}

func documentsSuccess(op *Operation) bool {
	for _, st := range op.Statuses {
		if st >= 200 && st < 300 {
			return true
		}
	}
	if op.Op.Responses == nil {
		return false
	}
	for code := range op.Op.Responses.Map() {
		if code == "default" || strings.EqualFold(code, "2XX") {
			return true
		}
	}
	return false
}

// warnListed bounds how many operations a warning names.
const warnListed = 10

// ResponsesWarning is the load warning for the operations WithoutSuccess lists, naming them; "" when there are
// none.
func ResponsesWarning(a *API) string {
	ops := a.WithoutSuccess()
	if len(ops) == 0 {
		return ""
	}
	names := make([]string, 0, min(len(ops), warnListed))
	for _, op := range ops[:min(len(ops), warnListed)] {
		names = append(names, op.ID)
	}
	list := strings.Join(names, ", ")
	if len(ops) > warnListed {
		list += fmt.Sprintf(" and %d more", len(ops)-warnListed)
	}
	return fmt.Sprintf("%s: %d operation(s) document no success response (no 2xx, 2XX or default): %s; "+
		"the mock answers them with their first documented 3xx or error status (501 when they document none), never an undocumented 2xx",
		a.File, len(ops), list)
}
