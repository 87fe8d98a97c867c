package mock

import (
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/standin/standin/fake"
	"github.com/standin/standin/openapi"
)

// An error body of a document without x-standin errors is the operation's documented response: its example or
// data generated from its schema. Left alone, generated message fields would read like lorem text and a
// generated "status" could say 656 under an HTTP 422. So standin writes, in the body's message-like and
// status-like string and number fields (at the top level and in objects up to two levels down, such as Stripe's
// {"error": {"message"}}), what is true: the HTTP status, its reason phrase in a generated "title", and the
// failure's message in the message fields (or the reason phrase when the answer was asked for with Prefer or a fault).
// A field keeps its value whenever the changed body would not validate against the schema (an enum, a pattern,
// a length limit), so the answer stays valid.

// prune leaves out of a generated error body the optional properties that hold objects (at the top level and
// one level down), as long as the body stays valid: an error says what went wrong, it does not embed whole
// resources (Stripe's error object documents payment_intent, source, ... which made 40 KB error bodies).
func prune(obj map[string]any, valid func() bool, depth int) {
	for _, name := range slices.Sorted(maps.Keys(obj)) {
		sub, ok := obj[name].(map[string]any)
		if !ok {
			continue
		}
		delete(obj, name)
		if valid() {
			continue
		}
		obj[name] = sub
		if depth < 1 {
			prune(sub, valid, depth+1)
		}
	}
}

// messageFields are property names (lower case, without "_" and "-") that carry a human message.
var messageFields = map[string]bool{
	"message": true, "msg": true, "detail": true, "details": true, "description": true, "errordescription": true,
	"error": true, "errormessage": true, "reason": true, "errormsg": true, "messagetext": true,
}

// titleFields carry a short summary: the status's reason phrase ("Unprocessable Entity").
var titleFields = map[string]bool{"title": true, "statustext": true}

// statusNames carry the HTTP status.
var statusNames = map[string]bool{"status": true, "statuscode": true, "httpstatus": true, "httpstatuscode": true,
	"httpcode": true}

func fieldKey(name string) string {
	return strings.ToLower(strings.NewReplacer("_", "", "-", "").Replace(name))
}

// statusFields fills the status, title and message fields of a generated error body for status. v is freshly
// generated and modified in place.
func statusFields(v any, schema *openapi3.SchemaRef, status int, api *openapi.API) any {
	return fillFields(v, schema, status, http.StatusText(status), true, api)
}

// reasonFields fills the status, title and message fields of an error answer's body with the failure's reason.
// body may be the document's example: it is copied before anything changes.
func reasonFields(body any, rp *respPlan, ex *exchange, status int, reason string) any {
	if _, ok := body.(map[string]any); !ok {
		return body
	}
	_, media, _ := ex.neg.negotiate(rp)
	if media == nil || media.Schema == nil {
		return body
	}
	return fillFields(deepCopy(body), media.Schema, status, reason, false, ex.api.api)
}

// fillFields writes status in the status fields and message in the message fields of v, and with titles the
// status's reason phrase in its title fields (a generated body's; a document example's title is its author's
// summary and stays).
func fillFields(v any, schema *openapi3.SchemaRef, status int, message string, titles bool, api *openapi.API) any {
	root, ok := v.(map[string]any)
	if !ok || schema == nil || schema.Value == nil {
		return v
	}
	opts := api.SchemaOptions(append(fake.SchemaOptions(), openapi3.VisitAsResponse())...)
	valid := func() bool { return schema.Value.VisitJSON(root, opts...) == nil }
	if !valid() {
		return v // a body that does not validate as generated is left as it is
	}
	if titles {
		prune(root, valid, 0)
	}
	var walk func(obj map[string]any, depth int)
	walk = func(obj map[string]any, depth int) {
		for name, cur := range obj {
			key := fieldKey(name)
			var want any
			switch x := cur.(type) {
			case map[string]any:
				if depth < 2 {
					walk(x, depth+1)
				}
				continue
			case string:
				switch {
				case statusNames[key]:
					want = strconv.Itoa(status)
				case titles && titleFields[key]:
					want = http.StatusText(status)
				case messageFields[key]:
					want = message
				}
			case float64:
				if statusNames[key] {
					want = float64(status)
				}
			}
			if want == nil || want == "" || want == cur {
				continue
			}
			obj[name] = want
			if !valid() {
				obj[name] = cur
			}
		}
	}
	walk(root, 0)
	return root
}
