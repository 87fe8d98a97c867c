package mock

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"

	"github.com/standin/standin/fake"
	"github.com/standin/standin/internal/jsonvalue"
)

// validationStage reads the request body (at most Config.MaxBody bytes: more answers the API's tooLarge shape),
// rejects a JSON body that does not parse (malformed shape), then validates the request with openapi3filter,
// collecting every failure, and answers them in the API's validation shape (see translate.go). On success
// ex.body and ex.bodyValue hold the raw and decoded body, whatever its media type (JSON, a form, multipart, ...),
// and ex.paramValues the parameters standin decodes itself (see decode_param.go). The checks compiled for the
// operation (validate_compiled.go) answer first; openapi3filter judges whatever they do not accept.
func (s *Server) validationStage(rt *apiRuntime) func(http.Handler) http.Handler {
	// SkipSettingDefaults: openapi3filter would otherwise write a property's default over a missing property
	// or an explicit null before validating, so a required field left out or a null for a non-nullable field
	// passed whenever the schema gives a default.
	schemaOpts := fake.SchemaOptions()
	if !rt.api.Doc.IsOpenAPI31OrLater() {
		// No schema or value in the errors' text (openapi.API.SchemaOptions): kin-openapi writes it as it makes
		// each error, and a body failing deep in Microsoft Graph's schemas would cost minutes. The answer is
		// built from the errors' fields (translate.go).
		schemaOpts = append(schemaOpts, openapi3.DisableSchemaErrorDetails())
	}
	opts := &openapi3filter.Options{MultiError: true, AuthenticationFunc: openapi3filter.NoopAuthenticationFunc,
		KeepValidatedValue: true, SkipSettingDefaults: true, SchemaValidationOptions: schemaOpts}
	firstError := &openapi3filter.Options{}
	*firstError = *opts
	firstError.MultiError = false
	tr := newTranslator(rt)
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			ex := exchangeFrom(r.Context())
			jsonBody := false // ex.bodyValue is the body decoded as JSON (null included)
			if rb := ex.op.Op.RequestBody; rb != nil && rb.Value != nil && r.Body != nil && r.Body != http.NoBody {
				if r.ContentLength > s.cfg.MaxBody {
					ex.writeVendorError(w, "validation", "tooLarge", nil, nil)
					return
				}
				body, err := readSized(http.MaxBytesReader(w, r.Body, s.cfg.MaxBody), r.ContentLength)
				_ = r.Body.Close()
				if err != nil {
					kind := "malformed"
					var tooBig *http.MaxBytesError // declared here: it escapes, and only a failed read needs it
					if errors.As(err, &tooBig) {
						kind = "tooLarge"
					}
					ex.writeVendorError(w, "validation", kind, nil, nil)
					return
				}
				ex.body = body
				ct := headerValue(r.Header, "Content-Type")
				if ct == "" && len(body) > 0 {
					// A body sent without a type is read as the operation's JSON type, as most servers do.
					if mt, _ := pickMedia(rb.Value.Content); isJSONType(mt) {
						r.Header.Set("Content-Type", mt)
						ct = mt
					}
				}
				if len(bytes.TrimSpace(body)) > 0 && isJSONType(ct) {
					jsonBody = true
					v, ok := jsonvalue.Decode(body) // one pass; what it declines encoding/json decides
					if !ok {
						if err := json.Unmarshal(body, &v); err != nil {
							ex.writeVendorError(w, "validation", "malformed", nil, nil)
							return
						}
					}
					if fs := jsonBodyFailures(body); len(fs) > 0 { // invalid UTF-8, a key given twice (body_checks.go)
						ex.writeVendorError(w, "validation", "validation", nil, tr.vars(fs))
						return
					}
					ex.bodyValue = v
				}
				ex.bodyRd.Reset(body)
				r.Body = &ex.bodyRd // later stages read the body as read here: ex.body (no GetBody closure per request)
				r.ContentLength = int64(len(body))
			}
			in := &ex.valIn // the exchange's own: no allocation
			*in = openapi3filter.RequestValidationInput{
				Request:    r,
				PathParams: ex.params,
				Route:      ex.route,
				Options:    opts,
			}
			if len(ex.body) > multiErrorBodyLimit {
				in.Options = firstError // a huge invalid body costs one failure, not one per item (body_checks.go)
			}
			if ex.bodyValue == nil && len(ex.body) > 0 {
				ex.bodyValue = predecodeBody(r, ex.body, ex.op.Op.RequestBody.Value)
			}
			restore := ex.neg.asDocumented(r) // an x-amz-json or +json body validated as the documented JSON type
			err := validateRequest(r.Context(), in, ex, jsonBody)
			restore()
			if err != nil {
				ex.writeVendorError(w, "validation", "validation", nil, tr.vars(capFailures(tr.failures(err, ex))))
				return
			}
			if vb, ok := r.Body.(interface{ ValidatedValue() any }); ok && ex.bodyValue == nil {
				ex.bodyValue = vb.ValidatedValue()
			}
			next.ServeHTTP(w, r)
		})
	}
}

// isJSONType reports whether a Content-Type names JSON (application/json, application/problem+json, ...).
func isJSONType(ct string) bool {
	switch ct {
	case "":
		return false
	case "application/json": // what nearly every client sends, without parsing it
		return true
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return false
	}
	return isJSONMedia(mt)
}

// validateRequest validates a request as openapi3filter.ValidateRequest does (security, the path item's and the
// operation's parameters, the body, every failure collected), except that the parameters openapi3filter cannot
// decode (ownDecoding) are decoded by standin and checked against their schema here. Their values are kept in
// ex.paramValues for the behaviour stage.
//
// Each part (security, a parameter, the body) the operation's compiled checks accept is not given to
// openapi3filter; a part they do not accept is, so failures read as openapi3filter words them. jsonBody says
// ex.bodyValue holds the body decoded as JSON, which the compiled body check reads instead of decoding it again.
func validateRequest(ctx context.Context, in *openapi3filter.RequestValidationInput, ex *exchange, jsonBody bool) error {
	var me openapi3.MultiError
	route := in.Route
	op := route.Operation
	checks := ex.plan.compiledChecks(route.Spec)
	cross := compiledCrossCheck
	if checks == nil {
		cross = nil
	}
	security := op.Security
	if security == nil {
		security = &route.Spec.Security
	}
	if fast := checks != nil && checks.securityMet; !fast || cross != nil {
		err := openapi3filter.ValidateSecurityRequirements(ctx, in, *security)
		if cross != nil {
			cross(ex, "security", fast, err)
		}
		if err != nil {
			me = append(me, err)
		}
	}
	var pairs []formPair
	in, aws := awsQueryInput(in, ex) // an AWS query form: its fields are query parameters too (decode_aws_query.go)
	check := func(p *openapi3.Parameter) {
		if done, err := aws.param(in, p, ex); done { // flattened AWS query members ("Filter.1.Name=n")
			if err != nil {
				me = append(me, err)
			}
			return
		}
		if ex.plan == nil || ex.plan.params[p] == nil || !ex.plan.params[p].own {
			fast := false
			if checks != nil {
				if pc := checks.params[p]; pc != nil {
					fast = pc.ok(in)
				}
			}
			if fast && cross == nil {
				return
			}
			err := openapi3filter.ValidateParameter(ctx, in, p)
			if cross != nil {
				cross(ex, p.In+" parameter "+p.Name, fast, err)
			}
			if err != nil {
				me = append(me, err)
			}
			return
		}
		if pairs == nil {
			pairs = queryPairs(in.Request.URL.RawQuery)
		}
		others := ex.plan.params[p].others
		if aws != nil {
			others = nil // an AWS query request's map is read by aws.param, which knows SigV4's own fields
		}
		v, found, err := decodeParam(in.Request, pairs, p, others)
		switch {
		case err != nil:
			me = append(me, &openapi3filter.RequestError{Input: in, Parameter: p, Reason: err.Error(), Err: err})
			return
		case !found && p.Required:
			me = append(me, &openapi3filter.RequestError{Input: in, Parameter: p, Reason: openapi3filter.ErrInvalidRequired.Error(),
				Err: openapi3filter.ErrInvalidRequired})
			return
		case !found:
			return
		}
		if v == nil {
			if !p.AllowEmptyValue {
				me = append(me, &openapi3filter.RequestError{Input: in, Parameter: p, Reason: openapi3filter.ErrInvalidEmptyValue.Error(),
					Err: openapi3filter.ErrInvalidEmptyValue})
			}
			return
		}
		if s, ok := v.(string); ok && s == "" && p.AllowEmptyValue {
			return
		}
		fast := false
		if checks != nil {
			if c := checks.decoded[p]; c != nil {
				fast = c.ok(v)
			}
		}
		if !fast || cross != nil {
			opts := append([]openapi3.SchemaValidationOption{openapi3.MultiErrors()}, in.Options.SchemaValidationOptions...)
			if route.Spec.IsOpenAPI31OrLater() {
				opts = append(opts, openapi3.EnableJSONSchema2020())
			}
			err := p.Schema.Value.VisitJSON(v, opts...)
			if cross != nil {
				cross(ex, p.In+" parameter "+p.Name+" (decoded by standin)", fast, err)
			}
			if err != nil {
				me = append(me, &openapi3filter.RequestError{Input: in, Parameter: p, Err: err})
				return
			}
		}
		if ex.paramValues == nil {
			ex.paramValues = map[string]any{}
		}
		ex.paramValues[p.In+":"+p.Name] = v
	}
	for _, ref := range route.PathItem.Parameters {
		if op.Parameters != nil && op.Parameters.GetByInAndName(ref.Value.In, ref.Value.Name) != nil {
			continue
		}
		check(ref.Value)
	}
	for _, ref := range op.Parameters {
		check(ref.Value)
	}
	// (A body decoded as JSON is never an uncheckable text body: its Content-Type is JSON.)
	if op.RequestBody != nil && aws.validatesBody() {
		if err := aws.decodeBody(in, op.RequestBody.Value, ex); err != nil {
			me = append(me, err)
		}
	} else if op.RequestBody != nil && (jsonBody || !textBodyUncheckable(in.Request, op.RequestBody.Value)) {
		fast := checks != nil && jsonBody && len(ex.body) > 0 && len(op.RequestBody.Value.Content) > 0 &&
			checks.bodyOK(in, op.RequestBody.Value, ex.bodyValue)
		var err error
		if !fast || cross != nil {
			err = openapi3filter.ValidateRequestBody(ctx, in, op.RequestBody.Value)
			if cross != nil {
				cross(ex, "body", fast, err)
			}
		}
		if err != nil {
			me = append(me, err)
		} else if err := emptyFormBody(in, op.RequestBody.Value, ex); err != nil {
			me = append(me, err)
		}
	}
	if len(me) > 0 {
		return me
	}
	return nil
}

// compiledCrossCheck is nil but in tests, which set it to compare the compiled checks with openapi3filter: when
// set, every part is also given to openapi3filter, whose verdict (err) is kept and reported with the compiled one
// (fast: the compiled checks accepted the part).
var compiledCrossCheck func(ex *exchange, part string, fast bool, err error)

// predecodeBody decodes a body that is not JSON with the decoder openapi3filter will use, so that a failure can
// point into it (array indices as numbers); nil when the body's type has no decoder or does not decode.
func predecodeBody(r *http.Request, body []byte, rb *openapi3.RequestBody) any {
	ct := headerValue(r.Header, "Content-Type")
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil || isJSONType(ct) {
		return nil
	}
	media := rb.Content.Get(ct)
	dec := openapi3filter.RegisteredBodyDecoder(mt)
	if media == nil || media.Schema == nil || dec == nil || (mt != "application/x-www-form-urlencoded" && mt != "multipart/form-data") {
		return nil
	}
	v, err := dec(bytes.NewReader(body), r.Header, media.Schema, func(name string) *openapi3.Encoding { return media.Encoding[name] })
	if err != nil {
		return nil
	}
	return v
}

// emptyFormBody checks an empty body labelled application/x-www-form-urlencoded as the empty object it encodes.
// openapi3filter takes an empty body for no body, which an optional request body allows; but a form of no
// fields is how a client sends an object without any of its properties, so the object's required properties
// are missing. Other schemas, and bodies of other types, are left as openapi3filter judged them.
func emptyFormBody(in *openapi3filter.RequestValidationInput, rb *openapi3.RequestBody, ex *exchange) error {
	if len(ex.body) > 0 || rb.Required {
		return nil
	}
	mt, _, err := mime.ParseMediaType(in.Request.Header.Get("Content-Type"))
	if err != nil || mt != "application/x-www-form-urlencoded" {
		return nil
	}
	media := rb.Content.Get(mt)
	if media == nil || media.Schema == nil || !isObject(media.Schema.Value) {
		return nil
	}
	opts := append([]openapi3.SchemaValidationOption{openapi3.VisitAsRequest()}, in.Options.SchemaValidationOptions...)
	if in.Options.MultiError {
		opts = append(opts, openapi3.MultiErrors())
	}
	if in.Route.Spec.IsOpenAPI31OrLater() {
		opts = append(opts, openapi3.EnableJSONSchema2020())
	}
	empty := map[string]any{}
	if err := media.Schema.Value.VisitJSON(empty, opts...); err != nil {
		ex.bodyValue = empty
		return &openapi3filter.RequestError{Input: in, RequestBody: rb, Reason: "doesn't match schema", Err: err}
	}
	return nil
}

// presizeLimit is the largest declared Content-Length a body buffer is allocated for before reading: a bigger one
// is read growing as the bytes arrive, so that a header alone cannot make the server allocate.
const presizeLimit = 64 << 10

// readSized reads r to its end like io.ReadAll, into one buffer of the declared length when it is known and
// small (io.ReadAll starts at 512 bytes and grows): one allocation of the body's size for the usual request.
func readSized(r io.Reader, declared int64) ([]byte, error) {
	if declared <= 0 || declared > presizeLimit {
		return io.ReadAll(r)
	}
	buf := make([]byte, 0, declared+1) // one byte more: the read that finds the end needs no growth
	for {
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return buf, err
		}
		if len(buf) == cap(buf) { // more than declared: grow as io.ReadAll does
			buf = append(buf, 0)[:len(buf)]
		}
	}
}
