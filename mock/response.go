package mock

import (
	"hash/fnv"
	"maps"
	"net/http"
	"strconv"
	"strings"

	"github.com/standin/standin/fake"
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
	if rp == nil {
		return http.Header{}, noBody
	}
	header := make(http.Header, len(rp.headers)+1)
	if rp.mediaType != "" {
		header.Set("Content-Type", rp.mediaType)
	}
	var key string
	genKey := func() string {
		if key == "" {
			key = s.generationKey(ex, rp.status)
		}
		return key
	}
	for _, h := range rp.headers {
		v := h.example
		if !h.fixed {
			v = headerText(s.gen.ValueNamed(h.schema, genKey()+"/header/"+h.name, h.name))
		}
		header[h.name] = []string{v}
	}
	if rp.media == nil {
		return header, noBody
	}
	if !dynamic {
		if example != "" {
			if ref := rp.media.Examples[example]; ref != nil && ref.Value != nil {
				return header, ref.Value.Value
			}
		}
		if len(rp.examples) > 0 {
			if ref := rp.media.Examples[rp.examples[0]]; ref != nil && ref.Value != nil {
				return header, ref.Value.Value
			}
		}
		if rp.media.Example != nil {
			return header, rp.media.Example
		}
	}
	if rp.media.Schema == nil {
		return header, noBody
	}
	v, err := s.gen.Generate(rp.media.Schema, genKey(), fake.Hint{Direction: fake.Response, OpenAPI31: ex.api.api.Doc.IsOpenAPI31OrLater()})
	if err != nil {
		s.log.Warn("generated body does not satisfy its schema", "api", ex.api.api.Name, "operation", ex.op.ID,
			"status", rp.status, "error", err)
	}
	return header, v
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

// send writes a response: nothing for noBody, the text itself for a string body of a non-JSON content type,
// else JSON.
func (ex *exchange) send(w http.ResponseWriter, stage string, status int, header http.Header, body any) {
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
	if ct := header.Get("Content-Type"); ct != "" && !strings.Contains(ct, "json") {
		if text, ok := body.(string); ok {
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
			rp := ex.plan.lookup(res.status)
			header, _ := s.render(ex, headersOnly(rp), "", false)
			maps.Copy(header, res.header)
			body := res.body
			if body == nil && (rp == nil || rp.media == nil || res.status == http.StatusNoContent) {
				body = noBody
			}
			ex.send(w, "behaviour", res.status, header, body)
			return
		}
		status := ex.preferStatus
		if status == 0 {
			status = ex.op.SuccessStatus()
		}
		header, body := s.render(ex, ex.plan.lookup(status), ex.preferExample, ex.preferDynamic)
		ex.send(w, "response", status, header, body)
	})
}

// headersOnly is rp without its content, for rendering documented headers around a body made elsewhere.
func headersOnly(rp *respPlan) *respPlan {
	if rp == nil {
		return nil
	}
	cp := *rp
	cp.media = nil
	return &cp
}
