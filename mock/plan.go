package mock

import (
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"gopkg.in/yaml.v3"

	"github.com/standin/standin/openapi"
)

// opPlan is everything the engine needs about one operation, computed once when the server is built so that a
// request does no schema or document walking of its own. The route stage puts it in the exchange.
type opPlan struct {
	op *openapi.Operation
	// responses holds the documented statuses; ranges holds "2XX"-style responses by their first digit;
	// fallback is the "default" response. Each may be empty.
	responses map[int]*respPlan
	ranges    map[int]*respPlan
	fallback  *respPlan
	// exampleStatuses maps an example name to the documented statuses that have it, ascending.
	exampleStatuses map[string][]int
	// security lists the alternatives that satisfy the operation (OR); each alternative needs all of its
	// schemes (AND). Empty means no credentials are needed.
	security []secAlternative
	// params holds the parameters of the operation and its path item, with their message overrides.
	params map[*openapi3.Parameter]*paramPlan
	// checks are the compiled request checks (validate_compiled.go); nil for an OpenAPI 3.1 document.
	checks *opChecks
}

// respPlan is one documented response.
type respPlan struct {
	status    int // 0 for "default" and ranges
	resp      *openapi3.Response
	mediaType string              // "" when the response has no content
	media     *openapi3.MediaType // nil when the response has no content
	examples  []string            // example names in document order
	headers   []headerPlan
	noBody    bool // render headers and Content-Type only (headersOnly)
	// writeOnly: media's schema declares a writeOnly property somewhere, which a stored record answered as
	// this response leaves out (withoutWriteOnly).
	writeOnly bool
}

// headerPlan is one documented response header.
type headerPlan struct {
	name    string
	schema  *openapi3.SchemaRef
	example string // from the document; "" means generate
	fixed   bool   // example holds the value
}

// paramPlan is what validation needs about a parameter.
type paramPlan struct {
	messages map[string]string // x-standin-messages: rule -> message template
	secret   bool              // an auth header: its value is never echoed
	own      bool              // decoded by standin, not openapi3filter (see ownDecoding)
	// others are the query parameters the operation declares besides this one, for a free-form map whose
	// entries are query fields of their own (freeFormMap): its fields are the rest.
	others map[string]bool
}

// lookup finds the response for status: the exact status, else its range ("4XX"), else "default".
func (p *opPlan) lookup(status int) *respPlan {
	if rp := p.responses[status]; rp != nil {
		return rp
	}
	if rp := p.ranges[status/100]; rp != nil {
		return rp
	}
	return p.fallback
}

// planAPI computes the plan of every operation of rt's API.
// Problems the document's own validation does not catch (a malformed x-standin-messages) are logged and the
// offending part is ignored.
func (s *Server) planAPI(rt *apiRuntime) map[*openapi3.Operation]*opPlan {
	order := newExampleOrder(rt.api)
	mask := newMasker(rt.api.Doc)
	plans := make(map[*openapi3.Operation]*opPlan, len(rt.api.Operations))
	for _, op := range rt.api.Operations {
		p := &opPlan{
			op:              op,
			responses:       map[int]*respPlan{},
			ranges:          map[int]*respPlan{},
			exampleStatuses: map[string][]int{},
			params:          map[*openapi3.Parameter]*paramPlan{},
		}
		if op.Op.Responses != nil {
			for code, ref := range op.Op.Responses.Map() {
				if ref == nil || ref.Value == nil {
					continue
				}
				rp := planResponse(ref.Value, func() []string { return order.names(op.Pointer, code) })
				switch n, err := strconv.Atoi(code); {
				case err == nil:
					rp.status = n
					p.responses[n] = rp
					for _, name := range rp.examples {
						p.exampleStatuses[name] = append(p.exampleStatuses[name], n)
					}
				case code == "default":
					p.fallback = rp
				case len(code) == 3 && strings.EqualFold(code[1:], "XX") && code[0] >= '1' && code[0] <= '5':
					p.ranges[int(code[0]-'0')] = rp
				}
			}
		}
		for _, statuses := range p.exampleStatuses {
			slices.Sort(statuses)
		}
		for _, params := range []openapi3.Parameters{op.Item.Parameters, op.Op.Parameters} {
			for _, ref := range params {
				if ref == nil || ref.Value == nil {
					continue
				}
				pp := &paramPlan{secret: ref.Value.In == openapi3.ParameterInHeader && mask.headers[http.CanonicalHeaderKey(ref.Value.Name)],
					own: ownDecoding(ref.Value)}
				if freeFormMap(ref.Value) {
					pp.others = otherQueryParams(ref.Value, op.Item.Parameters, op.Op.Parameters)
				}
				if raw, ok := ref.Value.Extensions["x-standin-messages"]; ok {
					m, err := stringMap(raw)
					if err != nil {
						s.log.Warn("ignoring x-standin-messages", "file", rt.api.File, "operation", op.ID,
							"parameter", ref.Value.Name, "error", err)
					}
					pp.messages = m
				}
				p.params[ref.Value] = pp
			}
		}
		sec, err := planSecurity(rt.api, op)
		if err != nil {
			s.log.Warn("ignoring an undefined security scheme", "error", err)
		}
		p.security = sec
		if !rt.api.Doc.IsOpenAPI31OrLater() {
			p.checks = &opChecks{}
		}
		plans[op.Op] = p
	}
	return plans
}

func stringMap(raw any) (map[string]string, error) {
	m, ok := raw.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("expected an object of rule: message, got %T", raw)
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		s, ok := v.(string)
		if !ok {
			return nil, fmt.Errorf("rule %q: expected a message string, got %T", k, v)
		}
		out[k] = s
	}
	return out, nil
}

// planResponse plans one response. ordered returns the response's example names in document order; it is
// asked only when the chosen media type has more than one example (the order of one is no question).
func planResponse(resp *openapi3.Response, ordered func() []string) *respPlan {
	rp := &respPlan{resp: resp}
	if mt, media := pickMedia(resp.Content); media != nil {
		rp.mediaType, rp.media = mt, media
		var order []string
		if len(media.Examples) > 1 {
			order = ordered()
		}
		names := make([]string, 0, len(media.Examples))
		for _, name := range order {
			if _, ok := media.Examples[name]; ok {
				names = append(names, name)
			}
		}
		// Names the source order did not give (an external reference): sorted, after the others.
		var rest []string
		for name := range media.Examples {
			if !slices.Contains(names, name) {
				rest = append(rest, name)
			}
		}
		sort.Strings(rest)
		rp.examples = append(names, rest...)
		rp.writeOnly = media.Schema != nil && hasWriteOnly(media.Schema.Value, 0, map[*openapi3.Schema]bool{})
	}
	names := make([]string, 0, len(resp.Headers))
	for name := range resp.Headers {
		if !strings.EqualFold(name, "Content-Type") {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	for _, name := range names {
		ref := resp.Headers[name]
		if ref == nil || ref.Value == nil {
			continue
		}
		h := headerPlan{name: http.CanonicalHeaderKey(name), schema: ref.Value.Schema}
		if v, ok := headerExample(ref.Value); ok {
			h.example, h.fixed = v, true
		}
		rp.headers = append(rp.headers, h)
	}
	return rp
}

// pickMedia chooses the content a response is rendered as: application/json, else another JSON type, else the
// first type in name order.
func pickMedia(content openapi3.Content) (string, *openapi3.MediaType) {
	if len(content) == 0 {
		return "", nil
	}
	if m := content["application/json"]; m != nil {
		return "application/json", m
	}
	keys := make([]string, 0, len(content))
	for k := range content {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if strings.Contains(k, "json") {
			return k, content[k]
		}
	}
	return keys[0], content[keys[0]]
}

func headerExample(h *openapi3.Header) (string, bool) {
	if h.Example != nil {
		return headerText(h.Example), true
	}
	names := make([]string, 0, len(h.Examples))
	for name := range h.Examples {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if ex := h.Examples[name]; ex != nil && ex.Value != nil && ex.Value.Value != nil {
			return headerText(ex.Value.Value), true
		}
	}
	if h.Schema != nil && h.Schema.Value != nil && h.Schema.Value.Example != nil {
		return headerText(h.Schema.Value.Example), true
	}
	return "", false
}

// headerText writes a header value as text: numbers without exponent, lists comma-separated.
func headerText(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case int:
		return strconv.Itoa(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case bool:
		return strconv.FormatBool(x)
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = headerText(e)
		}
		return strings.Join(parts, ",")
	case nil:
		return ""
	}
	return text(v)
}

// exampleOrder reads the order in which a document lists the examples of each response, which the loaded
// document (Go maps) forgets: "the first example" is the first one written. The source is parsed the first time
// an order is asked for: a document whose responses have at most one example each (Stripe's 7.7 MB one) never
// pays for a tree of itself (a third of a second and 100 MB there with the YAML parser); JSON text is read by
// openapi.SourceTree's own parser.
type exampleOrder struct {
	source []byte
	parsed bool
	root   *yaml.Node
}

func newExampleOrder(api *openapi.API) *exampleOrder {
	root := api.TakeSourceTree() // the tree parsed at load: a YAML document's, a JSON one's kept for `serve`
	return &exampleOrder{source: api.Source, root: root, parsed: root != nil}
}

func (o *exampleOrder) parse() {
	if o.parsed {
		return
	}
	o.parsed = true
	o.root = openapi.SourceTree(o.source)
	o.source = nil
}

// names returns the example names of every content of the response code of the operation at opPointer, in
// document order (all media types together; a name is looked up in the chosen media type later).
func (o *exampleOrder) names(opPointer, code string) []string {
	o.parse()
	if o.root == nil {
		return nil
	}
	n := o.at(opPointer, 0)
	n = o.deref(child(n, "responses"), 0)
	n = o.deref(child(n, code), 0)
	content := o.deref(child(n, "content"), 0)
	if content == nil || content.Kind != yaml.MappingNode {
		return nil
	}
	var out []string
	for i := 1; i < len(content.Content); i += 2 {
		ex := o.deref(child(o.deref(content.Content[i], 0), "examples"), 0)
		if ex == nil || ex.Kind != yaml.MappingNode {
			continue
		}
		for j := 0; j < len(ex.Content); j += 2 {
			out = append(out, ex.Content[j].Value)
		}
	}
	return out
}

// maxRefDepth bounds how many references are followed while resolving one pointer (cycles end there).
const maxRefDepth = 8

// at resolves a JSON pointer from the document root, following local references on the way.
func (o *exampleOrder) at(pointer string, depth int) *yaml.Node {
	if depth > maxRefDepth {
		return nil
	}
	n := o.root
	for _, part := range strings.Split(strings.TrimPrefix(pointer, "/"), "/") {
		if part == "" {
			continue
		}
		part = strings.ReplaceAll(strings.ReplaceAll(part, "~1", "/"), "~0", "~")
		n = o.deref(child(n, part), depth)
		if n == nil {
			return nil
		}
	}
	return n
}

// deref follows a mapping's local $ref ("#/components/..."), at most a few hops.
func (o *exampleOrder) deref(n *yaml.Node, depth int) *yaml.Node {
	ref := child(n, "$ref")
	if ref == nil {
		return n
	}
	if !strings.HasPrefix(ref.Value, "#/") {
		return nil
	}
	return o.at(ref.Value[1:], depth+1)
}

func child(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}
