package mock

import (
	"mime"
	"net/http"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
)

func init() {
	// A document may name the AWS types themselves; their bodies are JSON.
	openapi3filter.RegisterBodyDecoder("application/x-amz-json-1.0", openapi3filter.JSONBodyDecoder)
	openapi3filter.RegisterBodyDecoder("application/x-amz-json-1.1", openapi3filter.JSONBodyDecoder)
}

// AWS SDKs send the JSON bodies of JSON-protocol services (DynamoDB, CloudWatch Logs, ACM, ...) as
// application/x-amz-json-1.0 or 1.1, while the published descriptions of those services document
// application/json. A request body of one JSON type is therefore taken by an operation documenting another JSON
// type (application/json, any +json type, x-amz-json-*): it is parsed as JSON and validated against the
// documented schema. Answers to an x-amz-json request carry the client's x-amz-json type, as AWS answers.
// Other media types not documented stay 415.

// isAmzJSON reports whether a media type (no parameters) is one of AWS's JSON protocol types.
func isAmzJSON(mt string) bool {
	return strings.HasPrefix(mt, "application/x-amz-json-")
}

// noteJSONFamily records, for a request body of type ct, the AWS JSON type to answer with and, when ct is a
// JSON type the operation does not document while it documents another JSON type, that documented type.
func (n *negotiation) noteJSONFamily(ct string, content openapi3.Content) {
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return
	}
	mt = strings.ToLower(mt)
	if isAmzJSON(mt) {
		n.amzJSON = mt
	}
	if !isJSONMedia(mt) || content.Get(ct) != nil {
		return
	}
	for _, k := range offeredTypes(content) {
		if isJSONMedia(strings.ToLower(k)) {
			n.documentedCT = k
			return
		}
	}
}

// asDocumented labels r's body with the documented JSON type noteJSONFamily found, for openapi3filter, which
// matches bodies to the document's media types by their exact name; the returned function puts the client's
// Content-Type back.
func (n *negotiation) asDocumented(r *http.Request) (restore func()) {
	if n.documentedCT == "" {
		return func() {}
	}
	sent := r.Header.Values("Content-Type")
	r.Header.Set("Content-Type", n.documentedCT)
	return func() { r.Header["Content-Type"] = sent }
}

// answerType is the media type to answer for the offered type mt: the request's x-amz-json type when mt is
// JSON (an AWS SDK expects the type it sent), else mt.
func (n *negotiation) answerType(mt string) string {
	if n.amzJSON != "" && isJSONMedia(strings.ToLower(mt)) {
		return n.amzJSON
	}
	return mt
}
