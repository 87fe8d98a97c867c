package mock

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// writeJSON writes body as JSON with status and extra headers.
func writeJSON(w http.ResponseWriter, status int, header http.Header, body any) {
	data, err := marshalJSON(body)
	if err != nil {
		status = http.StatusInternalServerError
		data = []byte(`{"error":"standin could not encode the response body"}`)
	}
	h := w.Header()
	maps.Copy(h, header)
	if h.Get("Content-Type") == "" {
		h.Set("Content-Type", "application/json")
	}
	h.Set("Content-Length", strconv.Itoa(len(data)))
	w.WriteHeader(status)
	_, _ = w.Write(data)
}

// marshalJSON encodes v like json.Marshal but leaves <, > and & as they are: vendor APIs do not HTML-escape their
// JSON, and messages such as "expected >=1 items" must read as written.
func marshalJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// answer writes a response for the exchange and records which stage answered.
func (ex *exchange) answer(w http.ResponseWriter, stage string, status int, header http.Header, body any) {
	ex.answeredBy = stage
	ex.status = status
	writeJSON(w, status, header, body)
}

// fallbackShapes are used when a spec declares no shape for an error kind (a user's spec without x-standin).
var fallbackShapes = map[string]struct {
	status  int
	message string
}{
	"validation":       {http.StatusBadRequest, "Request validation failed"},
	"malformed":        {http.StatusBadRequest, "Malformed JSON in request body"},
	"unauthorized":     {http.StatusUnauthorized, "Missing or invalid credentials"},
	"forbidden":        {http.StatusForbidden, "Credentials lack permission"},
	"notFound":         {http.StatusNotFound, "Not found"},
	"routeNotFound":    {http.StatusNotFound, "No operation matches this path"},
	"methodNotAllowed": {http.StatusMethodNotAllowed, "Method not allowed on this path"},
	"tooLarge":         {http.StatusRequestEntityTooLarge, "Request body too large"},
	"rateLimited":      {http.StatusTooManyRequests, "Too many requests"},
	"queued":           {449, "The request is queued; retry later"},
	"internal":         {http.StatusInternalServerError, "Internal server error"},
}

// vendorError renders the API's error shape for kind. vars fills the template's placeholders; "message"
// overrides the shape's default message. It returns the status and the body.
func (rt *apiRuntime) vendorError(kind string, vars map[string]any) (int, any) {
	shape, ok := rt.api.Ext.Errors[kind]
	if !ok && kind == "routeNotFound" {
		shape, ok = rt.api.Ext.Errors["notFound"]
	}
	if !ok {
		fb := fallbackShapes[kind]
		msg := fb.message
		if m, ok := vars["message"].(string); ok && m != "" {
			msg = m
		}
		body := map[string]any{"message": msg, "code": kind}
		if errs, ok := vars["errors"]; ok {
			body["errors"] = errs
		}
		return fb.status, body
	}
	all := map[string]any{"status": shape.Status, "message": shape.Message}
	maps.Copy(all, vars)
	if m, ok := vars["message"].(string); !ok || m == "" {
		all["message"] = shape.Message
	}
	return shape.Status, fillTemplate(shape.Body, all)
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

func text(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case nil:
		return "null"
	}
	if data, err := json.Marshal(v); err == nil {
		return string(data)
	}
	return fmt.Sprint(v)
}

// writeVendorError answers the exchange with the API's error shape for kind.
func (ex *exchange) writeVendorError(w http.ResponseWriter, stage, kind string, header http.Header, vars map[string]any) {
	status, body := ex.api.vendorError(kind, vars)
	if ex.op != nil {
		completeArrays(body, ex.op.Response(status))
	}
	ex.answer(w, stage, status, header, body)
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
