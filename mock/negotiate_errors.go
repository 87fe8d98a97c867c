package mock

import (
	"net/http"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/standin/standin/openapi"
)

// plainErrorXML names the root element of an error body standin writes as XML without a documented schema.
var plainErrorXML = &openapi3.SchemaRef{Value: &openapi3.Schema{XML: &openapi3.XML{Name: "error"}}}

// answerError writes an error answer that no documented response shapes (the API's x-standin error shape or
// standin's own {"message", "code"}) in the media type negotiated for errors (errorType): XML when the client
// takes XML and not JSON, or sends no Accept to an operation that documents XML only; JSON otherwise.
func (ex *exchange) answerError(w http.ResponseWriter, stage string, status int, header http.Header, body any) {
	mt := ex.neg.errorType(ex.op)
	if mt == "" && (awsAction(ex) != "" || awsActionMissed(ex) != nil) {
		mt = "text/xml" // AWS query services answer errors in XML whatever Accept says (negotiate_aws.go)
	}
	if mt == "" || bodiless(status) {
		ex.answer(w, stage, status, header, body)
		return
	}
	h := header.Clone()
	if h == nil {
		h = http.Header{}
	}
	h.Set("Content-Type", mt)
	ex.neg.xmlSchema = plainErrorXML
	ex.send(w, stage, status, h, body)
}

// errorType is the XML media type an undocumented error body takes, "" for JSON: with Accept, the first of the
// operation's documented XML types, application/xml and text/xml that Accept wants, when it does not want JSON;
// without Accept, the operation's first XML type when every media type its responses document is XML.
func (n *negotiation) errorType(op *openapi.Operation) string {
	xmlTypes, onlyXML := documentedXML(op)
	if len(n.accept) == 0 {
		if onlyXML && len(xmlTypes) > 0 {
			return xmlTypes[0]
		}
		return ""
	}
	if quality(n.accept, "application/json") > 0 {
		return ""
	}
	for _, mt := range append(xmlTypes, "application/xml", "text/xml") {
		if quality(n.accept, mt) > 0 {
			return mt
		}
	}
	return ""
}

// documentedXML lists the XML media types the operation's responses document, by name, and
// whether they are all it documents (false when it documents none).
func documentedXML(op *openapi.Operation) (xmlTypes []string, onlyXML bool) {
	if op == nil || op.Op == nil || op.Op.Responses == nil {
		return nil, false
	}
	onlyXML = true
	seen := false
	for _, ref := range op.Op.Responses.Map() {
		if ref == nil || ref.Value == nil {
			continue
		}
		for _, mt := range offeredTypes(ref.Value.Content) {
			seen = true
			base := strings.ToLower(strings.TrimSpace(strings.SplitN(mt, ";", 2)[0]))
			if !isXMLMedia(base) {
				onlyXML = false
				continue
			}
			if !slices.Contains(xmlTypes, base) {
				xmlTypes = append(xmlTypes, base)
			}
		}
	}
	slices.Sort(xmlTypes)
	return xmlTypes, onlyXML && seen
}
