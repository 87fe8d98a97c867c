package mock

import (
	"bytes"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers"
)

// AWS query-protocol services (EC2, SQS, SNS, IAM, STS, RDS, CloudFormation, ...) are described by APIs.guru
// with keys such as "/#Action=DescribeInstances": a GET taking Action, Version and the flattened members in the
// query, and a POST documenting its input as a text/xml body. The AWS SDKs send neither: they POST to "/" a
// form body (application/x-www-form-urlencoded) holding Action, Version and the input members flattened
// ("InstanceId.1=i-1&Filter.1.Name=n&Filter.1.Value.1=v"). Such a form body is read here, before routing, so
// that its Action selects the operation; the validation stage then takes the form's fields as the query
// parameters the operation declares and decodes the rest into the documented body schema (decode_aws_query.go).

// awsQueryOp reports whether the route is an AWS query-protocol operation: its key selects it by an Action
// query parameter ("#Action=NAME") and it comes from AWS (the operation carries APIs.guru's
// x-aws-operation-name, or the document's info names amazonaws.com as its provider).
func awsQueryOp(route *routers.Route) bool {
	if route == nil || route.Operation == nil || !strings.Contains(route.Path, "Action=") {
		return false
	}
	if _, ok := route.Operation.Extensions["x-aws-operation-name"]; ok {
		return true
	}
	return route.Spec != nil && awsDocument(route.Spec)
}

// awsDocument reports whether a document says it describes an AWS service (APIs.guru's x-providerName).
func awsDocument(doc *openapi3.T) bool {
	if doc == nil || doc.Info == nil {
		return false
	}
	p, _ := doc.Info.Extensions["x-providerName"].(string)
	return p == "amazonaws.com"
}

// routesByFormAction reports whether the router has AWS query keys, whose Action a form body may carry.
func (pr *pathRouter) routesByFormAction() bool {
	for _, r := range pr.routes {
		for _, c := range r.conds {
			if c.name != "Action" || c.in == openapi3.ParameterInHeader {
				continue
			}
			for _, op := range r.item.Operations() {
				if _, ok := op.Extensions["x-aws-operation-name"]; ok || awsDocument(pr.doc) {
					return true
				}
			}
		}
	}
	return false
}

// isFormType reports whether a Content-Type is application/x-www-form-urlencoded (any parameters).
func isFormType(ct string) bool {
	mt, _, err := mime.ParseMediaType(ct)
	return err == nil && strings.EqualFold(mt, "application/x-www-form-urlencoded")
}

// withFormQuery returns the probe to route r by: for a request carrying a form body to an API with AWS query
// keys, a copy of probe whose query has the form's fields after its own, so that "POST /" with
// "Action=DescribeInstances&..." in its body reaches "/#Action=DescribeInstances". The body is read once, at
// most limit+1 bytes, and put back in r for the validation stage. A larger body routes by the whole fields of
// its first limit bytes (the SDKs write Action first) and is put back unread past them, so that the validation
// stage answers it as too large.
func withFormQuery(r, probe *http.Request, limit int64) *http.Request {
	if !hasBody(r) || !isFormType(r.Header.Get("Content-Type")) {
		return probe
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, limit+1))
	rest := r.Body
	fields := body
	if err != nil || int64(len(body)) > limit {
		r.Body = struct {
			io.Reader
			io.Closer
		}{io.MultiReader(bytes.NewReader(body), errAfter{rest, err}), rest}
		fields = body[:min(int64(len(body)), limit)]
		if i := bytes.LastIndexByte(fields, '&'); i >= 0 {
			fields = fields[:i] // the last field may be cut
		} else {
			fields = nil
		}
	} else {
		_ = rest.Close()
		r.Body = io.NopCloser(bytes.NewReader(body))
		r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
	}
	p := *probe
	u := *probe.URL
	u.RawQuery = joinQuery(u.RawQuery, string(fields))
	p.URL = &u
	return &p
}

// errAfter reads the rest of a body, or returns the error that stopped reading it.
type errAfter struct {
	rest io.Reader
	err  error
}

func (e errAfter) Read(p []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	return e.rest.Read(p)
}

// joinQuery joins two raw queries.
func joinQuery(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + "&" + b
}
