package mock

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/getkin/kin-openapi/openapi3filter"

	"github.com/standin/standin/fake"
)

// validationStage reads the request body (at most Config.MaxBody bytes: more answers the API's tooLarge shape),
// rejects a JSON body that does not parse (malformed shape), then validates the request with openapi3filter,
// collecting every failure, and answers them in the API's validation shape (see translate.go). On success
// ex.body and ex.bodyValue hold the raw and decoded body.
func (s *Server) validationStage(rt *apiRuntime) func(http.Handler) http.Handler {
	opts := &openapi3filter.Options{MultiError: true, AuthenticationFunc: openapi3filter.NoopAuthenticationFunc,
		SchemaValidationOptions: fake.SchemaOptions()}
	tr := newTranslator(rt)
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			ex := exchangeFrom(r.Context())
			if rb := ex.op.Op.RequestBody; rb != nil && rb.Value != nil && r.Body != nil && r.Body != http.NoBody {
				if r.ContentLength > s.cfg.MaxBody {
					ex.writeVendorError(w, "validation", "tooLarge", nil, nil)
					return
				}
				body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.cfg.MaxBody))
				_ = r.Body.Close()
				var tooBig *http.MaxBytesError
				switch {
				case errors.As(err, &tooBig):
					ex.writeVendorError(w, "validation", "tooLarge", nil, nil)
					return
				case err != nil:
					ex.writeVendorError(w, "validation", "malformed", nil, nil)
					return
				}
				ex.body = body
				ct := r.Header.Get("Content-Type")
				if ct == "" && len(body) > 0 {
					// A body sent without a type is read as the operation's JSON type, as most servers do.
					if mt, _ := pickMedia(rb.Value.Content); isJSONType(mt) {
						r.Header.Set("Content-Type", mt)
						ct = mt
					}
				}
				if len(bytes.TrimSpace(body)) > 0 && isJSONType(ct) {
					var v any
					if err := json.Unmarshal(body, &v); err != nil {
						ex.writeVendorError(w, "validation", "malformed", nil, nil)
						return
					}
					ex.bodyValue = v
				}
				r.Body = io.NopCloser(bytes.NewReader(body))
				r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
				r.ContentLength = int64(len(body))
			}
			err := openapi3filter.ValidateRequest(r.Context(), &openapi3filter.RequestValidationInput{
				Request:    r,
				PathParams: ex.params,
				Route:      ex.route,
				Options:    opts,
			})
			if err != nil {
				ex.writeVendorError(w, "validation", "validation", nil, tr.vars(tr.failures(err, ex)))
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

// isJSONType reports whether a Content-Type names JSON (application/json, application/problem+json, ...).
func isJSONType(ct string) bool {
	if ct == "" {
		return false
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return false
	}
	return mt == "application/json" || strings.HasSuffix(mt, "+json")
}
