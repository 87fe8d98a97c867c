package mock

import (
	"cmp"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/standin/standin/internal/xmlvalue"
)

// negotiation is what the route stage learnt from the request's Accept and Content-Type about the media types
// of the exchange. Its zero value accepts anything.
type negotiation struct {
	accept  []mediaRange // the Accept header, best first; nil: anything
	failure string       // "notAcceptable" or "unsupportedMediaType" when the request cannot be served
	message string       // why, for the error answer
	// xmlSchema is the schema of the body being rendered as XML (set by render, read by send).
	xmlSchema *openapi3.SchemaRef
	// amzJSON is the request's AWS JSON type (application/x-amz-json-1.0 or 1.1), which AWS answers with and
	// AWS SDKs expect back; "" for other requests (see negotiate_aws.go).
	amzJSON string
	// documentedCT is the documented JSON-family type a request body of another JSON type is validated as
	// ("" when the request's own type is documented or is not JSON).
	documentedCT string
}

// mediaRange is one entry of Accept.
type mediaRange struct {
	typ, sub string
	q        float64
}

// parseAccept reads Accept headers into media ranges, best first (by q, then by specificity). Malformed entries
// are skipped; q is clamped to [0, 1].
func parseAccept(values []string) []mediaRange {
	var out []mediaRange
	for _, v := range values {
		for _, part := range strings.Split(v, ",") {
			part = strings.TrimSpace(part)
			if part == "" {
				continue
			}
			mt, params, err := mime.ParseMediaType(part)
			if err != nil {
				if strings.TrimSpace(strings.Split(part, ";")[0]) != "*" {
					continue
				}
				mt = "*/*" // a bare "*", as some clients send
			}
			if mt == "*" {
				mt = "*/*"
			}
			typ, sub, ok := strings.Cut(mt, "/")
			if !ok {
				continue
			}
			q := 1.0
			if s, ok := params["q"]; ok {
				if f, err := strconv.ParseFloat(s, 64); err == nil {
					q = min(max(f, 0), 1)
				}
			}
			out = append(out, mediaRange{typ: typ, sub: sub, q: q})
		}
	}
	slices.SortStableFunc(out, func(a, b mediaRange) int {
		if c := cmp.Compare(b.q, a.q); c != 0 {
			return c
		}
		return cmp.Compare(b.specificity(), a.specificity())
	})
	return out
}

func (m mediaRange) specificity() int {
	switch {
	case m.typ == "*":
		return 0
	case m.sub == "*":
		return 1
	}
	return 2
}

// isJSONMedia reports whether a media type (no parameters) is JSON: application/json, any +json type or AWS's
// application/x-amz-json-1.0 and 1.1.
func isJSONMedia(mt string) bool {
	return mt == "application/json" || strings.HasSuffix(mt, "+json") || isAmzJSON(mt)
}

// isXMLMedia reports whether a media type (no parameters) is XML: application/xml, text/xml or any +xml type.
func isXMLMedia(mt string) bool { return xmlvalue.IsMedia(mt) }

// quality is how much the Accept ranges want the offered media type: the q of the most specific range that
// matches it, 0 when none does. A JSON type asked for (application/json, application/vnd.github+json) is also
// met, a little less well, by another JSON type offered, as JSON APIs answer application/json to their vendor
// types.
func quality(accept []mediaRange, offered string) float64 {
	offered, _, _ = strings.Cut(strings.ToLower(offered), ";")
	offered = strings.TrimSpace(offered)
	typ, sub, _ := strings.Cut(offered, "/")
	best, bestSpec := 0.0, -1
	for _, m := range accept {
		spec := m.specificity()
		var hit bool
		switch {
		case m.typ == "*" || typ == "*":
			hit = true
		case m.typ != typ:
		case m.sub == "*" || sub == "*" || m.sub == sub:
			hit = true
		}
		if hit && spec > bestSpec {
			best, bestSpec = m.q, spec
		}
	}
	if bestSpec < 0 && isJSONMedia(offered) {
		for _, m := range accept {
			if m.sub != "*" && isJSONMedia(m.typ+"/"+m.sub) {
				return m.q * 0.9
			}
		}
	}
	return best
}

// offeredTypes lists a response's media types in standin's default order: application/json, other JSON types,
// then the rest by name.
func offeredTypes(content openapi3.Content) []string {
	keys := make([]string, 0, len(content))
	for k := range content {
		keys = append(keys, k)
	}
	rank := func(k string) int {
		switch {
		case k == "application/json":
			return 0
		case strings.Contains(k, "json"):
			return 1
		}
		return 2
	}
	slices.SortFunc(keys, func(a, b string) int {
		if c := cmp.Compare(rank(a), rank(b)); c != 0 {
			return c
		}
		return cmp.Compare(a, b)
	})
	return keys
}

// negotiate picks the media type of rp for the exchange: the offered type the request's Accept wants most (ties
// in standin's default order); without Accept, or when Accept wants none of them, the default (ok is false in
// the latter case). A response without content gives "", nil, true.
func (n *negotiation) negotiate(rp *respPlan) (mt string, media *openapi3.MediaType, ok bool) {
	if rp == nil || rp.resp == nil || len(rp.resp.Content) == 0 {
		return "", nil, true
	}
	if len(n.accept) == 0 {
		return n.answerType(rp.mediaType), rp.media, true
	}
	best, bestQ := "", 0.0
	for _, k := range offeredTypes(rp.resp.Content) {
		if q := quality(n.accept, k); q > bestQ {
			best, bestQ = k, q
		}
	}
	if best == "" {
		return rp.mediaType, rp.media, false
	}
	if mt := n.answerType(best); mt != best && quality(n.accept, mt) >= bestQ {
		return mt, rp.resp.Content[best], true
	}
	return concreteType(best, n.accept), rp.resp.Content[best], true
}

// concreteType is the Content-Type for an offered key: the key itself, or for a wildcard key ("*/*",
// "image/*") the most wanted concrete type Accept names that it covers, else application/octet-stream.
func concreteType(key string, accept []mediaRange) string {
	typ, sub, _ := strings.Cut(key, "/")
	if typ != "*" && sub != "*" {
		return key
	}
	for _, m := range accept {
		if m.typ != "*" && m.sub != "*" && m.q > 0 && (typ == "*" || m.typ == typ) {
			return m.typ + "/" + m.sub
		}
	}
	return "application/octet-stream"
}

// check decides, once the operation is known, whether the request can be served at all: 406 when the response
// the operation answers on success has content and Accept wants none of its types (as Prism, whatever the
// operation documents: no documented body would be acceptable either); 415 when it sends a body of a media type
// the operation does not take and the operation documents 415 (exactly, by 4XX or by default) or has no other
// way to say it. Otherwise a body of the wrong type is a validation failure like any other (the API's
// validation shape, else the documented 400, 422, ...), which is what Prism answers too.
func (n *negotiation) check(r *http.Request, ex *exchange) {
	plan := ex.plan
	n.accept = parseAccept(r.Header["Accept"]) // Values("Accept"): the key is canonical already
	op := plan.op.Op
	n.amzJSON, n.documentedCT = "", ""
	var taken openapi3.Content // nil: no body documented; an x-amz-json type sent still picks the answer's type
	if rb := op.RequestBody; rb != nil && rb.Value != nil && hasBody(r) {
		taken = rb.Value.Content
	}
	// A body of a type the operation documents by that exact name leaves nothing to note: plain JSON, the usual
	// body, needs no parsing for noteJSONFamily to find that out.
	if ct := headerFirst(r.Header, "Content-Type"); ct != "" && (ct != "application/json" || taken[ct] == nil) {
		n.noteJSONFamily(ct, taken)
	}
	if rb := op.RequestBody; rb != nil && rb.Value != nil && hasBody(r) && n.own415(ex) {
		if ct := headerFirst(r.Header, "Content-Type"); ct != "" && rb.Value.Content.Get(ct) == nil && n.documentedCT == "" && !awsQueryForm(ct, ex) {
			n.failure = "unsupportedMediaType"
			n.message = "Content-Type " + ct + " is not accepted here; send " + strings.Join(offeredTypes(rb.Value.Content), " or ")
			return
		}
	}
	if len(n.accept) == 0 {
		return
	}
	rp := plan.lookup(plan.successStatus())
	if _, _, ok := n.negotiate(rp); !ok {
		n.failure = "notAcceptable"
		n.message = "Accept " + strings.Join(r.Header.Values("Accept"), ", ") + " matches no media type of this response; it is offered as " +
			strings.Join(offeredTypes(rp.resp.Content), " or ")
	}
}

// own415 reports whether a body of the wrong media type gets its own 415 answer rather than a validation
// failure: the operation documents 415, or neither the API's error shapes nor the operation's documented
// statuses have a place for a validation failure.
func (n *negotiation) own415(ex *exchange) bool {
	if ex.plan.lookup(http.StatusUnsupportedMediaType) != nil {
		return true
	}
	if _, declared := ex.api.shape("validation"); declared {
		return false
	}
	_, documented := ex.documentsError("validation")
	return !documented
}

// hasBody reports whether the request carries a body.
func hasBody(r *http.Request) bool {
	return r.Body != nil && r.Body != http.NoBody && (r.ContentLength > 0 || r.ContentLength < 0)
}

// headerFirst is h.Get(key) for a key in canonical form ("Content-Type"), which Get would canonicalize again.
func headerFirst(h http.Header, key string) string {
	if v := h[key]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// negotiationFailure is the error kind the request's media types call for, "" when none.
func (ex *exchange) negotiationFailure() string { return ex.neg.failure }

// negotiationVars are the error variables of a negotiation failure.
func (ex *exchange) negotiationVars() map[string]any {
	return map[string]any{"message": ex.neg.message}
}
