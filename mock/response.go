package mock

import (
	"fmt"
	"hash/fnv"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/standin/standin/fake"
	"github.com/standin/standin/mock/state"
)

// emptyBody is the body of a response that documents no content: nothing is written, not even "null".
type emptyBody struct{}

// noBody is the value renderStatus returns as the body of a response without content; pass it to ex.send.
var noBody any = emptyBody{}

// renderStatus builds the response the operation documents for status: the named example (or the first
// example when name is ""), else a body generated from that status's schema, plus its documented headers
// with plausible values. ok is false when the operation does not document status. A response without content
// gives the body noBody; write the result with ex.send. The body may share data with the document: do not
// modify it.
func (s *Server) renderStatus(ex *exchange, status int, example string) (header http.Header, body any, ok bool) {
	rp := ex.plan.responses[status]
	if rp == nil {
		return nil, nil, false
	}
	header, body = s.render(ex, rp, example, false)
	return header, body, true
}

// render builds the headers and body of rp. dynamic asks for a generated body even when examples exist. The
// generated parts depend only on the seed and the request (API, operation, status, path, query and body), so
// the same request gives the same answer.
func (s *Server) render(ex *exchange, rp *respPlan, example string, dynamic bool) (http.Header, any) {
	return s.renderAs(ex, rp, example, dynamic, "")
}

// renderAs is render, except that a body generated from an object schema leaves out the property omit (an
// inferred list fills it with its page afterwards: Stripe's data, a page of 37 KB customers otherwise generated
// to be thrown away).
func (s *Server) renderAs(ex *exchange, rp *respPlan, example string, dynamic bool, omit string) (http.Header, any) {
	if rp == nil {
		return http.Header{}, noBody
	}
	var key string
	header, mt, media := s.renderHeaders(ex, rp, rp.noBody, &key)
	genKey := func() string { return s.generationKeyOnce(ex, rp.status, &key) }
	if media == nil {
		return header, noBody
	}
	if !dynamic {
		if example != "" {
			if ref := media.Examples[example]; ref != nil && ref.Value != nil {
				return header, ref.Value.Value
			}
		}
		for _, name := range rp.examples {
			if ref := media.Examples[name]; ref != nil && ref.Value != nil {
				return header, ref.Value.Value
			}
		}
		if media.Example != nil {
			return header, media.Example
		}
	}
	if media.Schema == nil {
		if mt == "" {
			return header, noBody
		}
		return header, unspecified{s.unspecifiedBody(baseType(mt), genKey, ex.api.api.Doc.IsOpenAPI31OrLater())}
	}
	schema := media.Schema
	if dynamic && rp.status >= 200 && rp.status < 300 {
		if array, field, ok := dynamicList(ex, schema); ok { // a list answers a page (dynamic.go)
			asJSON := mt == "" || strings.Contains(mt, "json")
			page, kept := s.dynamicPage(ex, array, ex.api.api.Name+"/"+ex.op.ID+"/"+strconv.Itoa(rp.status), asJSON)
			if field == "" {
				if kept != nil {
					return header, kept // written as made (dynamic_page.go: writeKeptPage)
				}
				return header, page
			}
			v, err := s.gen.Generate(ex.api.without(schema, field), genKey(), fake.Hint{Direction: fake.Response, OpenAPI31: ex.api.api.Doc.IsOpenAPI31OrLater()})
			if obj, isObject := v.(map[string]any); isObject {
				if err != nil {
					s.log.Warn("generated body does not satisfy its schema", "api", ex.api.api.Name, "operation", ex.op.ID,
						"status", rp.status, "error", err)
				}
				obj[field] = page
				return header, obj
			}
		}
	}
	if omit != "" {
		schema = ex.api.without(schema, omit)
	}
	v, err := s.gen.Generate(schema, genKey(), fake.Hint{Direction: fake.Response, OpenAPI31: ex.api.api.Doc.IsOpenAPI31OrLater()})
	if err != nil {
		s.log.Warn("generated body does not satisfy its schema", "api", ex.api.api.Name, "operation", ex.op.ID,
			"status", rp.status, "error", err)
	}
	if rp.status >= 400 {
		v = statusFields(v, media.Schema, rp.status, ex.api.api)
	}
	return header, v
}

// unspecified is the body renderAs gives a documented media type with neither a schema nor an example
// (parliament.uk's search answers application/atom+xml, application/rss+xml, application/json and text/html so):
// the document says a body of that type comes, not what is in it. send writes the body it holds; an error
// answer puts its own details there instead, as for a response without content (writeVendorError).
type unspecified struct{ body any }

// isEmpty reports whether body leaves its content to the sender: noBody, or a body of no documented content.
func isEmpty(body any) bool {
	switch body.(type) {
	case emptyBody, unspecified:
		return true
	}
	return false
}

// unspecifiedBody is the body of an unspecified answer of media type mt: JSON gets an empty object, XML an empty
// root element, HTML an empty page, and any other type a generated line of text. An empty body is a document of
// none of these types (standin test's content_type check says so), and went without its Content-Type.
func (s *Server) unspecifiedBody(mt string, genKey func() string, openAPI31 bool) any {
	switch {
	case isJSONMedia(mt) || strings.Contains(mt, "json"):
		return map[string]any{}
	case isXMLMedia(mt):
		return `<?xml version="1.0" encoding="UTF-8"?>` + "\n<response/>\n"
	case mt == "text/html" || mt == "application/xhtml+xml":
		return "<!DOCTYPE html>\n<html><head><title></title></head><body></body></html>\n"
	}
	v, _ := s.gen.Generate(unspecifiedText, genKey(), fake.Hint{Direction: fake.Response, OpenAPI31: openAPI31})
	if text, ok := v.(string); ok && text != "" {
		return text
	}
	return "standin"
}

// unspecifiedText is the schema of the text unspecifiedBody generates.
var unspecifiedText = openapi3.NewSchemaRef("", &openapi3.Schema{Type: &openapi3.Types{openapi3.TypeString}, MinLength: 1})

// renderHeaders builds the headers of rp (its negotiated Content-Type and documented headers) and returns the
// negotiated media type and media, nil for noBody. key holds the generation key once made (generationKeyOnce).
func (s *Server) renderHeaders(ex *exchange, rp *respPlan, noBody bool, key *string) (http.Header, string, *openapi3.MediaType) {
	header := make(http.Header, len(rp.headers)+1)
	mt, media, _ := ex.neg.negotiate(rp)
	if noBody {
		media = nil
	}
	if mt != "" {
		header["Content-Type"] = []string{mt} // Set, the key being canonical
		if m := rp.resp.Content[mt]; isXMLMedia(baseType(mt)) && m != nil {
			ex.neg.xmlSchema = m.Schema
		} else if isXMLMedia(baseType(mt)) && media != nil {
			ex.neg.xmlSchema = media.Schema
		}
	}
	for _, h := range rp.headers {
		v := h.example
		if !h.fixed {
			v = headerText(s.gen.ValueNamed(h.schema, s.generationKeyOnce(ex, rp.status, key)+"/header/"+h.name, h.name))
		}
		header[h.name] = []string{v}
	}
	return header, mt, media
}

// generationKeyOnce is s.generationKey(ex, status), made once and kept in *key.
func (s *Server) generationKeyOnce(ex *exchange, status int, key *string) string {
	if *key == "" {
		*key = s.generationKey(ex, status)
	}
	return *key
}

// without returns schema less its property name (and that name in required), made once per schema and name;
// schema itself when it does not declare the property directly.
func (rt *apiRuntime) without(schema *openapi3.SchemaRef, name string) *openapi3.SchemaRef {
	type key struct {
		schema *openapi3.SchemaRef
		name   string
	}
	k := key{schema, name}
	if v, ok := rt.envelopes.Load(k); ok {
		return v.(*openapi3.SchemaRef)
	}
	out := schema
	if sv := schema.Value; sv != nil && sv.Properties[name] != nil {
		cp := *sv
		cp.Properties = maps.Clone(sv.Properties)
		delete(cp.Properties, name)
		cp.Required = slices.DeleteFunc(slices.Clone(sv.Required), func(n string) bool { return n == name })
		out = &openapi3.SchemaRef{Value: &cp}
	}
	v, _ := rt.envelopes.LoadOrStore(k, out)
	return v.(*openapi3.SchemaRef)
}

// baseType is a Content-Type's media type without parameters, lower case.
func baseType(ct string) string {
	mt, _, _ := strings.Cut(ct, ";")
	return strings.ToLower(strings.TrimSpace(mt))
}

// generationKey names what a generated value is for: the API, operation and status, and a hash of the request
// (method, path below the mount, query and body).
func (s *Server) generationKey(ex *exchange, status int) string {
	h := fnv.New64a()
	for _, part := range []string{ex.method, ex.path, ex.rawQuery} {
		_, _ = h.Write([]byte(part))
		_, _ = h.Write([]byte{0})
	}
	_, _ = h.Write(ex.body)
	return ex.api.api.Name + "/" + ex.op.ID + "/" + strconv.Itoa(status) + "/" + strconv.FormatUint(h.Sum64(), 16)
}

// jsonAnswer reports whether an answer with header goes to writeJSON as it is: JSON (or no Content-Type), outside
// AWS's query protocol.
func jsonAnswer(ex *exchange, header http.Header) bool {
	ct := headerFirst(header, "Content-Type")
	return (ct == "" || strings.Contains(ct, "json")) && awsAction(ex) == "" && awsActionMissed(ex) == nil
}

// send writes a response: nothing for noBody or a status that carries no body (204, 304), the text itself for a
// string body of a non-JSON content type, XML for an XML content type (negotiate_xml.go), else JSON.
func (ex *exchange) send(w http.ResponseWriter, stage string, status int, header http.Header, body any) {
	if bodiless(status) {
		body = noBody
	}
	if p, ok := body.(*state.Patched); ok && !jsonAnswer(ex, header) {
		body = p.Map() // an updated record goes to XML or AWS's documents as the map it stands for
	}
	header, body = ex.awsAnswer(status, header, body) // AWS query answers in AWS's own documents (negotiate_aws.go)
	if u, ok := body.(unspecified); ok {
		body = u.body
	}
	if _, empty := body.(emptyBody); empty {
		ex.answeredBy, ex.status = stage, status
		h := w.Header()
		maps.Copy(h, header)
		h.Del("Content-Type")
		if status >= 200 && status != http.StatusNoContent && status != http.StatusNotModified {
			h.Set("Content-Length", "0")
		}
		w.WriteHeader(status)
		return
	}
	if ct := headerFirst(header, "Content-Type"); ct != "" && !strings.Contains(ct, "json") {
		if _, isText := body.(string); !isText && isXMLMedia(baseType(ct)) {
			// AWS query operations answer in AWS's envelope (negotiate_aws.go), written whole; other large XML
			// answers are streamed (stream_xml.go).
			if awsAction(ex) == "" && ex.sendLargeXML(w, stage, status, header, body) {
				return
			}
			if data, err := ex.encodeXML(status, body); err == nil {
				body = string(data)
			}
		}
		if text, ok := body.(string); ok {
			if ex.sendLargeText(w, stage, status, header, text) { // stream_text.go
				return
			}
			ex.answeredBy, ex.status = stage, status
			h := w.Header()
			maps.Copy(h, header)
			h.Set("Content-Length", strconv.Itoa(len(text)))
			w.WriteHeader(status)
			_, _ = w.Write([]byte(text))
			return
		}
	}
	ex.answer(w, stage, status, header, body)
}

// responseHandler writes the answer of a request that got through every stage: the behaviour's result when
// there is one (with the documented headers of its status), else the response Prefer chose, else the
// operation's success response (its first example, else generated data). An explicit Prefer (an example,
// dynamic=true or another 2xx status) wins over the behaviour's result; the behaviour's state change stands.
func (s *Server) responseHandler(rt *apiRuntime) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ex := exchangeFrom(r.Context())
		preferred := ex.preferExample != "" || ex.preferDynamic
		if res := ex.result; res != nil && !preferred && (ex.preferStatus == 0 || ex.preferStatus == res.status) {
			rp := ex.plan.lookup(res.status).as(res.status)
			header := s.answerHeaders(ex, rp)
			if len(res.header) > 0 {
				h := make(http.Header, len(header)+len(res.header))
				maps.Copy(h, header)
				maps.Copy(h, res.header)
				header = h
			}
			body := res.body
			if body == nil && (rp == nil || rp.media == nil || res.status == http.StatusNoContent) {
				body = noBody
			}
			if rp != nil && rp.writeOnly {
				if p, ok := body.(*state.Patched); ok {
					body = p.Map()
				}
				body = withoutWriteOnly(body, rp.media.Schema.Value, 0) // a record keeps what was written: not its password
			}
			ex.send(w, "behaviour", res.status, header, body)
			return
		}
		status := ex.preferStatus
		if status == 0 {
			status = ex.plan.successStatus()
		}
		if status == 0 {
			ex.standinError(w, "response", http.StatusNotImplemented, fmt.Sprintf(
				"operation %s documents no response (responses: {}), so standin has nothing to answer with", ex.op.ID))
			return
		}
		rp := ex.plan.lookup(status).as(status)
		header, body := s.render(ex, rp, ex.preferExample, ex.preferDynamic)
		if rp != nil && rp.media != nil {
			body = echoWritten(ex, status, rp.media.Schema, body) // a PUT/PATCH answer shows what was written (behaviour_echo.go)
		}
		if status >= 400 {
			header.Set(ReasonHeader, fmt.Sprintf("operation %s documents no success response; its first documented status answers", ex.op.ID))
		}
		ex.send(w, "response", status, header, body)
	})
}

// answerHeaders is the header of render(ex, headersOnly(rp)) around a body made elsewhere, to be read only: the
// usual one, a JSON Content-Type and no documented header, is shared by every answer.
func (s *Server) answerHeaders(ex *exchange, rp *respPlan) http.Header {
	if rp == nil {
		return http.Header{}
	}
	if len(rp.headers) == 0 && rp.resp != nil && len(rp.resp.Content) > 0 {
		if mt, _, _ := ex.neg.negotiate(rp); mt == "application/json" {
			return jsonContentType
		}
	}
	var key string
	header, _, _ := s.renderHeaders(ex, rp, true, &key)
	return header
}

// jsonContentType is the header of a JSON answer without documented headers. Shared by every such answer: ex.send
// and what it calls only read the header they are given.
var jsonContentType = http.Header{"Content-Type": {"application/json"}}

// headersOnly is rp without its body, for rendering documented headers (and the negotiated Content-Type)
// around a body made elsewhere.
func headersOnly(rp *respPlan) *respPlan {
	if rp == nil {
		return nil
	}
	cp := *rp
	cp.noBody = true
	return &cp
}

// successStatus is the status an operation answers a request that passed every stage with, when nothing chose
// another. Only documented statuses are sent: the lowest documented 2xx; else 200 when a 2XX range or default
// documents it; else the lowest documented 3xx (a redirect endpoint); else, for an operation that documents
// only error statuses, the lowest of them (with X-Standin-Reason saying why); 0 for an operation that documents
// no response at all (responses: {}), which standin answers 501 with X-Standin-Error. Operations in the last two
// cases are named in a warning when the server starts.
func (p *opPlan) successStatus() int {
	for _, st := range p.op.Statuses {
		if st >= 200 && st < 300 {
			return st
		}
	}
	if p.ranges[2] != nil || p.fallback != nil {
		return http.StatusOK
	}
	for _, st := range p.op.Statuses {
		if st >= 300 && st < 400 {
			return st
		}
	}
	if len(p.op.Statuses) > 0 {
		return p.op.Statuses[0]
	}
	for digit := 3; digit <= 5; digit++ {
		if p.ranges[digit] != nil {
			return digit * 100
		}
	}
	return 0
}

// as is rp answering status: a range ("4XX") or default response has no status of its own, and the status
// decides the generated body's key and its status fields.
func (rp *respPlan) as(status int) *respPlan {
	if rp == nil || rp.status == status {
		return rp
	}
	cp := *rp
	cp.status = status
	return &cp
}
