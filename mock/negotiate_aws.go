package mock

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"mime"
	"net/http"
	"regexp"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"

	"github.com/standin/standin/internal/jsonvalue"
	"github.com/standin/standin/internal/xmlvalue"
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

// awsQueryForm reports whether a request body of type ct is an AWS SDK's form to an AWS query operation, which
// the operation takes whatever media type it documents for its body (decode_aws_query.go).
func awsQueryForm(ct string, ex *exchange) bool {
	return isFormType(ct) && awsQueryOp(ex.route)
}

// AWS query-protocol services answer in an envelope the published descriptions leave out: the output
// structure inside <ActionResult>, inside <ActionResponse> with <ResponseMetadata><RequestId>; EC2 puts the
// output's members directly in <ActionResponse> after a <requestId>. The SDKs read the answer through that
// envelope, so a success answer of an AWS query operation (route_aws.go) in XML is written inside it. The
// request id is derived from the request (the same request gets the same id, as generated bodies are).

// encodeXML writes a body as XML: for a 2xx answer of an AWS query operation, in the AWS envelope and with
// AWS's names for members, lists and maps (negotiate_aws_xml.go); else as xmlvalue writes it.
func (ex *exchange) encodeXML(status int, body any) ([]byte, error) {
	action := awsAction(ex)
	if action == "" || status < 200 || status > 299 {
		return xmlvalue.Encode(body, ex.neg.xmlSchema)
	}
	doc := ex.route.Spec
	ec2 := awsService(doc) == "ec2"
	w := &awsXML{}
	w.buf.WriteString(xml.Header + "<" + action + "Response")
	if ns := awsNamespace(doc, ex.route.Operation, ec2); ns != "" {
		w.buf.WriteString(` xmlns="` + ns + `"`)
	}
	w.buf.WriteString(">")
	if ec2 {
		w.buf.WriteString("<requestId>" + ex.awsRequestID() + "</requestId>")
	} else {
		w.open(action + "Result")
	}
	switch v := body.(type) {
	case map[string]any:
		w.members(v, ex.neg.xmlSchema, 0)
	case nil:
	default:
		_ = xml.EscapeText(&w.buf, []byte(jsonvalue.Text(v)))
	}
	if !ec2 {
		w.close(action + "Result")
		w.buf.WriteString("<ResponseMetadata><RequestId>" + ex.awsRequestID() + "</RequestId></ResponseMetadata>")
	}
	w.buf.WriteString("</" + action + "Response>")
	return w.buf.Bytes(), nil
}

// awsErrorXML is the error document of an AWS query service, which the SDKs read the error's code and message
// from: <ErrorResponse><Error><Type>Sender</Type><Code>…</Code><Message>…</Message></Error><RequestId>…
// (EC2: <Response><Errors><Error><Code>…</Code><Message>…</Message></Error></Errors><RequestID>…), for the
// service of doc (op gives the API version for the namespace). The code is code when given, else the name APIs.guru gives the documented response as its description ("480":
// InvalidAttributeName), else one AWS uses for the status; the message is the reason standin answers for (X-Standin-Reason), else the body's
// message and failures, else the code.
func (ex *exchange) awsErrorXML(doc *openapi3.T, op *openapi3.Operation, code string, status int, header http.Header, body any) []byte {
	if code == "" && ex.plan != nil {
		if rp := ex.plan.lookup(status); rp != nil && rp.resp != nil && rp.resp.Description != nil && awsErrorCode.MatchString(*rp.resp.Description) {
			code = *rp.resp.Description
		}
	}
	if code == "" {
		switch {
		case status == http.StatusForbidden || status == http.StatusUnauthorized:
			code = "AccessDenied"
		case status == http.StatusNotFound:
			code = "ResourceNotFound"
		case status == http.StatusRequestEntityTooLarge:
			code = "RequestEntityTooLarge"
		case status == http.StatusTooManyRequests:
			code = "Throttling"
		case status >= 500:
			code = "InternalFailure"
		default:
			code = "ValidationError"
		}
	}
	msg := header.Get(ReasonHeader)
	if m, ok := body.(map[string]any); ok && msg == "" {
		kind, _ := m["code"].(string)
		msg = reason(kind, m) // standin's plain shape: its message and first failure, where it is
	}
	if msg == "" {
		msg = code
	}
	text := func(s string) string {
		var b bytes.Buffer
		_ = xml.EscapeText(&b, []byte(s))
		return b.String()
	}
	id := ex.awsRequestID()
	if awsService(doc) == "ec2" {
		return []byte(xml.Header + "<Response><Errors><Error><Code>" + code + "</Code><Message>" + text(msg) +
			"</Message></Error></Errors><RequestID>" + id + "</RequestID></Response>")
	}
	typ := "Sender"
	if status >= 500 {
		typ = "Receiver"
	}
	out := xml.Header + "<ErrorResponse"
	if ns := awsNamespace(doc, op, false); ns != "" {
		out += ` xmlns="` + ns + `"`
	}
	return []byte(out + "><Error><Type>" + typ + "</Type><Code>" + code + "</Code><Message>" + text(msg) +
		"</Message></Error><RequestId>" + id + "</RequestId></ErrorResponse>")
}

// awsActionMissed returns, for a request to an AWS query API that names no operation by its Action (none, or
// one the document does not have: the route stage's conditionMiss), an operation of the candidates (for the
// namespace); nil for any other request. AWS answers such a request with the code InvalidAction.
func awsActionMissed(ex *exchange) *openapi3.Operation {
	miss := ex.condMiss
	if ex.route != nil || miss == nil || len(miss.routes) == 0 {
		return nil
	}
	r := miss.routes[0]
	op := r.item.GetOperation(miss.method)
	if op == nil || !slices.ContainsFunc(r.conds, func(c routeCond) bool { return c.name == "Action" }) {
		return nil
	}
	if _, ok := op.Extensions["x-aws-operation-name"]; !ok && !awsDocument(ex.api.api.Doc) {
		return nil
	}
	return op
}

// awsErrorCode matches the error names APIs.guru writes as the descriptions of AWS error responses.
var awsErrorCode = regexp.MustCompile(`^[A-Z][A-Za-z0-9]{1,99}$`)

// awsAnswer shapes the answers of an AWS query operation that the SDKs read through AWS's own documents
// rather than through the operation's schema: an error answer becomes AWS's error document (awsErrorXML) as
// text/xml, whatever was documented or negotiated; a 2xx answer without content (the documents describe
// SetQueueAttributes, TagUser, ... as "200: Success" without content) gets the envelope AWS sends, which carries
// the request id and which boto3 parses whatever the operation's output: <ActionResponse><ResponseMetadata>...
// (EC2: <ActionResponse><requestId>...<return>true</return>). Any other answer is returned as given.
func (ex *exchange) awsAnswer(status int, header http.Header, body any) (http.Header, any) {
	action := awsAction(ex)
	empty := isEmpty(body)
	switch {
	case action == "" && status >= 400 && awsActionMissed(ex) != nil:
		op := awsActionMissed(ex)
		body = string(ex.awsErrorXML(ex.api.api.Doc, op, "InvalidAction", status, header, body))
	case action == "":
		return header, body
	case status >= 400:
		body = string(ex.awsErrorXML(ex.route.Spec, ex.route.Operation, "", status, header, body))
	case empty && status >= 200 && status <= 299 && status != http.StatusNoContent:
		ec2 := awsService(ex.route.Spec) == "ec2"
		var out bytes.Buffer
		out.WriteString(xml.Header + "<" + action + "Response")
		if ns := awsNamespace(ex.route.Spec, ex.route.Operation, ec2); ns != "" {
			out.WriteString(` xmlns="` + ns + `"`)
		}
		out.WriteString(">")
		if ec2 {
			out.WriteString("<requestId>" + ex.awsRequestID() + "</requestId><return>true</return>")
		} else {
			out.WriteString("<ResponseMetadata><RequestId>" + ex.awsRequestID() + "</RequestId></ResponseMetadata>")
		}
		out.WriteString("</" + action + "Response>")
		body = out.String()
	default:
		return header, body
	}
	h := header.Clone()
	if h == nil {
		h = http.Header{}
	}
	h.Set("Content-Type", "text/xml")
	return h, body
}

// awsAction is the Action an AWS query operation answers ("" for any other operation): the value its key's
// "#Action=" part names, as an XML name.
func awsAction(ex *exchange) string {
	if ex.route == nil || !awsQueryOp(ex.route) {
		return ""
	}
	_, rest, _ := strings.Cut(ex.route.Path, "Action=")
	if i := strings.IndexAny(rest, "&#?"); i >= 0 {
		rest = rest[:i]
	}
	for _, c := range rest {
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_') {
			return ""
		}
	}
	return rest
}

// awsService is the service's name as APIs.guru records it (x-serviceName: "ec2", "sqs", ...), "" when none.
func awsService(doc *openapi3.T) string {
	if doc == nil || doc.Info == nil {
		return ""
	}
	s, _ := doc.Info.Extensions["x-serviceName"].(string)
	return s
}

// awsNamespace is the XML namespace of the service's answers, built as AWS builds them from the service name
// and the API version (the Version parameter's value): "https://sqs.amazonaws.com/doc/2012-11-05/"; "" when
// either is unknown. The SDKs do not check it.
func awsNamespace(doc *openapi3.T, op *openapi3.Operation, ec2 bool) string {
	svc := awsService(doc)
	version := ""
	if p := op.Parameters.GetByInAndName(openapi3.ParameterInQuery, "Version"); p != nil && p.Schema != nil && p.Schema.Value != nil && len(p.Schema.Value.Enum) == 1 {
		version, _ = p.Schema.Value.Enum[0].(string)
	}
	if svc == "" || version == "" || strings.ContainsAny(svc+version, `/"<>& `) {
		return ""
	}
	scheme := "https"
	if ec2 {
		scheme = "http"
	}
	return scheme + "://" + svc + ".amazonaws.com/doc/" + version + "/"
}

// awsRequestID is a request id shaped as AWS's (a UUID), derived from the API, the operation and the request.
func (ex *exchange) awsRequestID() string {
	h := sha256.New()
	for _, part := range []string{ex.api.api.Name, ex.path, ex.method, ex.rawQuery} {
		h.Write([]byte(part))
		h.Write([]byte{0})
	}
	h.Write(ex.body)
	x := hex.EncodeToString(h.Sum(nil))
	return x[0:8] + "-" + x[8:12] + "-4" + x[13:16] + "-a" + x[17:20] + "-" + x[20:32]
}
