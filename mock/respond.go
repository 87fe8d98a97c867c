package mock

import (
	"fmt"
	"maps"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"unicode/utf8"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/standin/standin/internal/jsonvalue"
	"github.com/standin/standin/openapi"
)

// writeJSON writes body as JSON with status and extra headers. The text is built in a pooled buffer: a
// ResponseWriter does not keep what it is given. A large answer is streamed instead (stream.go): a text shorter
// than smallJSON never is (jsonSize's estimate of it stays below jsonStreamThreshold, at most 16 times the
// text), so the estimate is asked for only once the encoding passes smallJSON.
func writeJSON(w http.ResponseWriter, status int, header http.Header, body any) {
	buf := jsonBufs.Get().(*[]byte)
	jn, _ := w.(jsonNoter)
	watch := jsonKeyWatch(jn)
	data, named, err := jsonvalue.AppendTested((*buf)[:0], body, watch, smallJSON)
	if err != nil || len(data) >= smallJSON {
		var sent bool
		if data, named, err, sent = encodeLargeJSON(w, status, header, body, buf, watch, data, named, err); sent {
			jsonBufs.Put(buf)
			return
		}
	}
	if jn != nil {
		jn.noteJSON(err == nil && !named)
	}
	if err != nil {
		status = http.StatusInternalServerError
		data = []byte(`{"error":"standin could not encode the response body"}`)
	}
	h := w.Header()
	if ct, ok := header["Content-Type"]; ok && len(header) == 1 { // the usual header (jsonContentType): no walk
		h["Content-Type"] = ct
	} else {
		maps.Copy(h, header)
	}
	if v := h["Content-Type"]; len(v) == 0 || v[0] == "" {
		h["Content-Type"] = []string{"application/json"}
	}
	h["Content-Length"] = contentLength(len(data))
	w.WriteHeader(status)
	_, _ = w.Write(data)
	if err == nil && cap(data) <= maxPooledJSON {
		*buf = data[:0]
		jsonBufs.Put(buf)
	}
}

// smallJSON is the length below which a JSON text is never streamed.
const smallJSON = jsonStreamThreshold / 16

// jsonNoter is a writer that wants to know of the body writeJSON writes next (the journal's recorder): its
// key watch sees every object key encoded, and noteJSON says whether none of them passed it.
type jsonNoter interface {
	jsonKeyWatch() *jsonvalue.KeyTest
	noteJSON(keysClean bool)
}

func jsonKeyWatch(jn jsonNoter) *jsonvalue.KeyTest {
	if jn == nil {
		return nil
	}
	return jn.jsonKeyWatch()
}

// jsonBufs pools the buffers writeJSON encodes into; one larger than maxPooledJSON is left to the collector.
var jsonBufs = sync.Pool{New: func() any { b := make([]byte, 0, 4096); return &b }}

const maxPooledJSON = 3 * jsonStreamThreshold // a text encodeLargeJSON encodes whole (stream.go) and its growth

// marshalJSON encodes v like json.Marshal but leaves <, > and & as they are: vendor APIs do not HTML-escape their
// JSON, and messages such as "expected >=1 items" must read as written. Maps and slices of decoded JSON are
// written without reflection (jsonvalue.Append).
func marshalJSON(v any) ([]byte, error) {
	return jsonvalue.Append(nil, v)
}

// answer writes a response for the exchange and records which stage answered. A status that carries no body
// (1xx, 204, 304) gets none.
func (ex *exchange) answer(w http.ResponseWriter, stage string, status int, header http.Header, body any) {
	if bodiless(status) {
		ex.send(w, stage, status, header, noBody)
		return
	}
	ex.answeredBy = stage
	ex.status = status
	if p, ok := body.(*keptPage); ok { // a kept dynamic page (dynamic_page.go)
		ex.writeKeptPage(w, status, header, p)
		return
	}
	writeJSON(w, status, header, body)
}

// bodiless reports whether HTTP forbids a body for status.
func bodiless(status int) bool {
	return status < 200 || status == http.StatusNoContent || status == http.StatusNotModified
}

// errorKind returns the table entry of kind (openapi.LookupErrorKind): its usual status, the message of the plain
// fallback body and the statuses an answer may take. An unknown kind gives the zero entry.
func errorKind(kind string) openapi.ErrorKind {
	k, _ := openapi.LookupErrorKind(kind)
	return k
}

// vendorError renders the API's error shape for kind. vars fills the template's placeholders; "message"
// overrides the shape's default message. It returns the status and the body.
func (rt *apiRuntime) vendorError(kind string, vars map[string]any) (int, any) {
	shape, ok := rt.shape(kind)
	if !ok {
		return errorKind(kind).Status, plainError(kind, vars)
	}
	all := map[string]any{"status": shape.Status, "message": shape.Message}
	maps.Copy(all, vars)
	if m, ok := vars["message"].(string); !ok || m == "" {
		all["message"] = shape.Message
	}
	return shape.Status, fillTemplate(shape.Body, all)
}

// plainError is standin's own error body for kind: {"message", "code": kind, "errors"}.
func plainError(kind string, vars map[string]any) map[string]any {
	msg := errorKind(kind).Message
	if m, ok := vars["message"].(string); ok && m != "" {
		msg = m
	}
	body := map[string]any{"message": msg, "code": kind}
	if errs, ok := vars["errors"]; ok {
		body["errors"] = errs
	}
	return body
}

// fillTemplate copies tmpl, replacing strings that are exactly "$name" with vars[name] (dropping the key when
// the variable is absent from vars) and interpolating "{name}" inside longer strings.
func fillTemplate(tmpl any, vars map[string]any) any {
	switch t := tmpl.(type) {
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, v := range t {
			if s, ok := v.(string); ok && isPlaceholder(s) {
				if val, ok := vars[s[1:]]; ok {
					out[k] = val
				}
				continue
			}
			out[k] = fillTemplate(v, vars)
		}
		return out
	case []any:
		out := make([]any, 0, len(t))
		for _, v := range t {
			out = append(out, fillTemplate(v, vars))
		}
		return out
	case string:
		if isPlaceholder(t) {
			return vars[t[1:]]
		}
		return interpolate(t, vars)
	}
	return tmpl
}

func isPlaceholder(s string) bool {
	if len(s) < 2 || s[0] != '$' {
		return false
	}
	for _, c := range s[1:] {
		if !(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// interpolate replaces {name} in s with the text of vars[name]; unknown names stay as written.
func interpolate(s string, vars map[string]any) string {
	if !strings.Contains(s, "{") {
		return s
	}
	var b strings.Builder
	for {
		i := strings.IndexByte(s, '{')
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		j := strings.IndexByte(s[i:], '}')
		if j < 0 {
			b.WriteString(s)
			return b.String()
		}
		name := s[i+1 : i+j]
		b.WriteString(s[:i])
		if v, ok := vars[name]; ok {
			b.WriteString(text(v))
		} else {
			b.WriteString(s[i : i+j+1])
		}
		s = s[i+j+1:]
	}
}

// text renders a value for comparison and messages (jsonvalue.Text).
func text(v any) string { return jsonvalue.Text(v) }

// writeVendorError answers the exchange with the API's error shape for kind. When the API declares no shape for
// kind, the answer follows what the operation documents instead (see errorStatus): the documented response of
// the chosen status (its example, else a body generated from its schema; the plain shape when it documents no
// body) and its headers, with the failure's message in the X-Standin-Reason header; only when the operation
// documents no fitting status does standin's plain shape answer with the kind's usual status.
func (ex *exchange) writeVendorError(w http.ResponseWriter, stage, kind string, header http.Header, vars map[string]any) {
	if status, rp := ex.errorStatus(kind); rp != nil && ex.api.render != nil {
		h, body := ex.documentedError(rp.as(status), status, reason(kind, vars)) // errcache.go
		if isEmpty(body) {
			// The response documents no body (or a media type without schema or example): any body is
			// valid, so the plain shape keeps the details in it, under the documented type if there is one.
			body = plainError(kind, vars)
			ex.neg.xmlSchema = plainErrorXML // the root element of it as XML
		}
		maps.Copy(h, header)
		h.Set(ReasonHeader, reason(kind, vars))
		ex.send(w, stage, status, h, body)
		return
	}
	status, body := ex.api.vendorError(kind, vars)
	if ex.op != nil {
		completeArrays(body, ex.op.Response(status))
	}
	ex.answerError(w, stage, status, header, body) // negotiate_errors.go
}

// ReasonHeader carries the human message of an error answer whose body is the operation's documented response
// rather than an error shape (a spec without x-standin errors), so the cause stays visible.
const ReasonHeader = "X-Standin-Reason"

// errorStatus chooses the status of an error answer for kind. When the API declares a shape for kind (root
// x-standin errors), that shape's status, and rp is nil. Otherwise the status comes from what the operation
// documents: the first of the kind's preferred statuses (openapi.ErrorKind.Prefer) documented exactly, else (validation and malformed only) the
// lowest documented 4xx other than 401, 403, 404 and 429, else the first preferred status covered by a
// documented range ("4XX"), else the first preferred status answered with the "default" response. rp is that
// documented response; nil when none fits (the plain fallback shape answers, with the first preferred status).
func (ex *exchange) errorStatus(kind string) (status int, rp *respPlan) {
	if _, declared := ex.api.shape(kind); declared || ex.plan == nil {
		st, _ := ex.api.vendorError(kind, nil)
		return st, nil
	}
	prefs := errorKind(kind).Prefer
	if len(prefs) == 0 {
		return errorKind(kind).Status, nil
	}
	p := ex.plan
	for _, st := range prefs {
		if rp := p.responses[st]; rp != nil {
			return st, rp
		}
	}
	if kind == "validation" || kind == "malformed" {
		for _, st := range ex.op.Statuses {
			switch {
			case st < 400 || st > 499:
			case st == http.StatusUnauthorized, st == http.StatusForbidden, st == http.StatusNotFound,
				st == http.StatusTooManyRequests:
			default:
				if rp := p.responses[st]; rp != nil {
					return st, rp
				}
			}
		}
	}
	for _, st := range prefs {
		if rp := p.ranges[st/100]; rp != nil {
			return st, rp
		}
	}
	return prefs[0], p.fallback
}

// documentsError reports the status an error answer for kind takes and whether the operation documents it
// (exactly, by a range or by "default").
func (ex *exchange) documentsError(kind string) (int, bool) {
	status, rp := ex.errorStatus(kind)
	return status, rp != nil || ex.plan != nil && ex.plan.lookup(status) != nil
}

// shape returns the API's declared error shape for kind; routeNotFound falls back to notFound.
func (rt *apiRuntime) shape(kind string) (openapi.ErrorShape, bool) {
	shape, ok := rt.api.Ext.Errors[kind]
	if !ok && kind == "routeNotFound" {
		shape, ok = rt.api.Ext.Errors["notFound"]
	}
	return shape, ok
}

// reasonLimit bounds the X-Standin-Reason header.
const reasonLimit = 300

// reason is the human message of an error answer for the X-Standin-Reason header: the message, and for a
// validation failure the first failure's own message and how many more there are. It holds printable text only.
func reason(kind string, vars map[string]any) string {
	msg := errorKind(kind).Message
	if m, ok := vars["message"].(string); ok && m != "" {
		msg = m
	}
	if errs, ok := vars["errors"].([]any); ok && len(errs) > 0 {
		if first, ok := errs[0].(map[string]any); ok {
			if m, ok := first["message"].(string); ok && m != "" && m != msg {
				msg += ": " + where(first["path"], m) + m
			}
		}
		if len(errs) > 1 {
			msg += fmt.Sprintf(" (and %d more)", len(errs)-1)
		}
	}
	return printable(msg, reasonLimit)
}

// where names the place of a failure ("limit: ", "items.0.name: ", "body: ") for a message that does not
// already name it.
func where(path any, msg string) string {
	parts, ok := path.([]any)
	if !ok {
		return ""
	}
	if len(parts) == 0 {
		return "body: "
	}
	names := make([]string, len(parts))
	for i, p := range parts {
		names[i] = text(p)
	}
	if strings.Contains(msg, `"`+names[len(names)-1]+`"`) {
		return ""
	}
	return strings.Join(names, ".") + ": "
}

// printable returns s with control characters as spaces, cut to at most limit bytes on a rune boundary.
func printable(s string, limit int) string {
	var b strings.Builder
	for _, r := range s {
		if r < 0x20 || r == 0x7f || r == utf8.RuneError {
			r = ' '
		}
		if b.Len()+utf8.RuneLen(r) > limit-3 && len(s) > limit {
			b.WriteString("...")
			break
		}
		b.WriteRune(r)
	}
	return strings.TrimSpace(b.String())
}

// completeArrays adds to a rendered error body the array properties that the operation's own response for that
// status declares and the API-wide template does not give, as empty lists: nothing of that kind to report. So
// careCycle's appointment-config 422 carries its failedRecords while its other operations' 422s do not.
func completeArrays(body any, resp *openapi3.Response) {
	obj, ok := body.(map[string]any)
	if !ok || resp == nil {
		return
	}
	_, mt := pickMedia(resp.Content)
	if mt == nil || mt.Schema == nil || mt.Schema.Value == nil {
		return
	}
	for name, prop := range mt.Schema.Value.Properties {
		if _, present := obj[name]; present || prop == nil || prop.Value == nil || !prop.Value.Type.Is("array") {
			continue
		}
		obj[name] = []any{}
	}
}

// lengthValues holds, made on first use, the Content-Length header value of each length below its size: an
// answer's header takes the shared value instead of two allocations. Header values are never changed in place.
var lengthValues [8 << 10]atomic.Pointer[[]string]

// contentLength returns the Content-Length header value for n bytes.
func contentLength(n int) []string {
	if n < 0 || n >= len(lengthValues) {
		return []string{strconv.Itoa(n)}
	}
	if v := lengthValues[n].Load(); v != nil {
		return *v
	}
	v := []string{strconv.Itoa(n)}
	lengthValues[n].Store(&v)
	return v
}
