package mock

import (
	"cmp"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers"

	"github.com/standin/standin/openapi"
)

// pathRouter matches requests to the document's path templates. Unlike a plain template router it knows:
//
//   - parameters with literal text around them inside one segment, such as Google's "/v1/{name}:cancel";
//   - keys with a "#fragment" or a "?query" part, as AWS and other documents write one path several times
//     ("/#X-Amz-Target=DynamoDB_20120810.GetItem", "/#Action=DescribeInstances", "/items?type={type}",
//     "/tags/{arn}#tagKeys"): each NAME=VALUE pair must be met by the header or query parameter NAME, a "{...}"
//     value or a bare NAME by its presence with any value; a request that meets the path and method of such keys
//     but none of their conditions is a conditionMiss, answered as a validation failure;
//   - the most specific template wins: more matched conditions first, then, segment by segment, a literal
//     segment over one mixing text and parameters over a bare parameter, then more literal text;
//   - in a Google-style document (one with a "{param}:verb" key), when no template matches segment by segment, a
//     parameter may span several segments: resource names such as "projects/p/topics/t" are sent unescaped
//     ("/v1/projects/p/topics/t:publish" for "/v1/{topic}:publish"). Other documents never do this, so an
//     unknown path below a parameter stays unknown;
//   - a HEAD request is answered by the GET operation when the path has no HEAD operation (net/http drops the body).
//
// It is built once per API and read-only afterwards, so it is safe for concurrent use.
type pathRouter struct {
	doc    *openapi3.T
	base   string // the server URL's base path ("/v1"), "" for none
	routes []*pathRoute
	// spanning allows the second, segment-spanning pass (a Google-style document).
	spanning bool
}

var _ routers.Router = (*pathRouter)(nil)

// pathRoute is one key of the document's paths.
type pathRoute struct {
	key      string // as written in the document
	item     *openapi3.PathItem
	parts    []tmplPart // the path template without base, fragment and query
	prefix   string     // the literal text before the first parameter
	segments int        // how many "/" the template has
	conds    []routeCond
	rank     []int // per segment: 2 literal, 1 text and parameters, 0 a bare parameter
	literal  int   // literal characters in the template
	// routes holds one route per operation of item, made once and handed out by FindRoute (read-only).
	routes []*routers.Route
}

// tmplPart is literal text, or a parameter when param is set.
type tmplPart struct {
	lit   string
	param string
}

// routeCond is one NAME=VALUE pair of a key's fragment or query part.
type routeCond struct {
	name    string
	value   string
	any     bool   // a bare NAME or a "{param}" value: only presence counts
	capture string // the parameter a "{param}" value fills, "" for none
	in      string // where the operations declare NAME: "header", "query", or "" (either)
}

func newPathRouter(api *openapi.API) *pathRouter {
	pr := &pathRouter{doc: api.Doc, base: api.BasePath}
	if api.Doc == nil || api.Doc.Paths == nil {
		return pr
	}
	for key, item := range api.Doc.Paths.Map() {
		if item == nil {
			continue
		}
		r := newPathRoute(key, item)
		for method, op := range item.Operations() {
			if op != nil {
				r.routes = append(r.routes, &routers.Route{Spec: api.Doc, Path: key, PathItem: item, Method: method,
					Operation: op})
			}
		}
		pr.routes = append(pr.routes, r)
		if strings.Contains(key, "}:") {
			pr.spanning = true
		}
	}
	slices.SortFunc(pr.routes, compareSpecificity)
	return pr
}

func newPathRoute(key string, item *openapi3.PathItem) *pathRoute {
	path, conds := openapi.SplitPathKey(key)
	r := &pathRoute{key: key, item: item, parts: parseTemplate(path), segments: strings.Count(path, "/")}
	for _, p := range r.parts {
		if p.param != "" {
			break
		}
		r.prefix += p.lit
	}
	for _, seg := range strings.Split(strings.TrimPrefix(path, "/"), "/") {
		open := strings.Count(seg, "{")
		switch {
		case open == 0:
			r.rank = append(r.rank, 2)
		case strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}") && open == 1:
			r.rank = append(r.rank, 0)
		default:
			r.rank = append(r.rank, 1)
		}
	}
	for _, p := range r.parts {
		r.literal += len(p.lit)
	}
	for _, kc := range conds {
		c := routeCond{name: kc.Name, value: kc.Value, in: declaredIn(item, kc.Name), any: !kc.Valued}
		if len(kc.Value) > 2 && strings.HasPrefix(kc.Value, "{") && strings.HasSuffix(kc.Value, "}") {
			c.any, c.capture = true, kc.Value[1:len(kc.Value)-1]
		}
		r.conds = append(r.conds, c)
	}
	return r
}

// declaredIn says where the path item's parameters (or its operations') put name: "header" or "query".
func declaredIn(item *openapi3.PathItem, name string) string {
	lists := []openapi3.Parameters{item.Parameters}
	for _, op := range item.Operations() {
		lists = append(lists, op.Parameters)
	}
	for _, params := range lists {
		for _, ref := range params {
			if ref == nil || ref.Value == nil {
				continue
			}
			p := ref.Value
			switch {
			case p.In == openapi3.ParameterInHeader && strings.EqualFold(p.Name, name):
				return openapi3.ParameterInHeader
			case p.In == openapi3.ParameterInQuery && p.Name == name:
				return openapi3.ParameterInQuery
			}
		}
	}
	return ""
}

// parseTemplate splits a path template into literal text and parameters. "{+name}" (reserved expansion, as
// APIs.guru keeps from Google's discovery documents) is the parameter "name"; an unclosed brace is text.
func parseTemplate(path string) []tmplPart {
	var parts []tmplPart
	for path != "" {
		i := strings.IndexByte(path, '{')
		j := -1
		if i >= 0 {
			j = strings.IndexByte(path[i:], '}')
		}
		if i < 0 || j < 0 {
			parts = append(parts, tmplPart{lit: path})
			break
		}
		if i > 0 {
			parts = append(parts, tmplPart{lit: path[:i]})
		}
		name := strings.TrimLeft(path[i+1:i+j], "+")
		if name == "" {
			parts = append(parts, tmplPart{lit: path[i : i+j+1]})
		} else {
			parts = append(parts, tmplPart{param: name})
		}
		path = path[i+j+1:]
	}
	return parts
}

// compareSpecificity orders the most specific route first.
func compareSpecificity(a, b *pathRoute) int {
	if c := cmp.Compare(len(b.conds), len(a.conds)); c != 0 {
		return c
	}
	for i := range min(len(a.rank), len(b.rank)) {
		if c := cmp.Compare(b.rank[i], a.rank[i]); c != 0 {
			return c
		}
	}
	// Segment by segment alike so far: the longer template first. Letting the literal text decide here instead
	// made the order depend on the order the routes came in (a beats b by its rank, b beats c by its literal
	// text, c beats a by its literal text), so a document could route one request to two operations from one
	// start to the next.
	if c := cmp.Compare(len(b.rank), len(a.rank)); c != 0 {
		return c
	}
	if c := cmp.Compare(b.literal, a.literal); c != 0 {
		return c
	}
	return cmp.Compare(a.key, b.key)
}

// FindRoute returns the operation for req (whose URL path is the path below the mount prefix), its route and its
// raw (still escaped) path parameters; routers.ErrPathNotFound or routers.ErrMethodNotAllowed when none. The
// first matching route, most specific first, that has the method wins; a HEAD without a HEAD operation takes the
// GET one (the route's Method is then GET).
func (pr *pathRouter) FindRoute(req *http.Request) (*routers.Route, map[string]string, error) {
	return pr.findRoute(routeTarget{method: req.Method, escaped: escapedPath(req.URL), path: req.URL.Path,
		rawQuery: req.URL.RawQuery, header: req.Header})
}

// routeTarget is what FindRoute reads of a request: its method, its path below the mount prefix (escaped and
// decoded), its raw query and its header.
type routeTarget struct {
	method, escaped, path, rawQuery string
	header                          http.Header
	// params, when not nil, is an empty map the first pass fills instead of making one (a recycled exchange's).
	params map[string]string
}

// findBelow is FindRoute for r whose path below the mount prefix is below, without a probe request (routeProbe)
// when r's path is its own escaped form, the common case: below is then both the escaped and the decoded path.
// params, if not nil, is an empty map the path parameters may be written to (the map returned may be another).
func (pr *pathRouter) findBelow(r *http.Request, below string, params map[string]string) (*routers.Route, map[string]string, error) {
	if r.URL.RawPath != "" || !pathAsEscaped(r.URL.Path) {
		return pr.FindRoute(routeProbe(r, below))
	}
	return pr.findRoute(routeTarget{method: r.Method, escaped: below, path: below, rawQuery: r.URL.RawQuery,
		header: r.Header, params: params})
}

func (pr *pathRouter) findRoute(req routeTarget) (*routers.Route, map[string]string, error) {
	found := false
	for _, spanning := range []bool{false, true} {
		if spanning && !pr.spanning {
			break
		}
		// The spanning pass runs only when the first finds no route with the method.
		route, params, matched := pr.findPass(&req, spanning)
		if route != nil {
			return route, params, nil
		}
		found = found || matched
	}
	if !found {
		return nil, nil, routers.ErrPathNotFound
	}
	return nil, nil, routers.ErrMethodNotAllowed
}

// findPass is FindRoute's part of one pass of matchPass (with conditions): the first route matched, most
// specific first, that has an operation for the request's method (for a HEAD: for HEAD, else for GET), and
// whether any route matched. It stops at the first answer and makes a parameter map only for a route whose
// prefix and segment count fit.
func (pr *pathRouter) findPass(req *routeTarget, spanning bool) (*routers.Route, map[string]string, bool) {
	var query url.Values
	var params map[string]string
	for pass := 0; pass < 2; pass++ {
		full := req.escaped
		if pass == 1 {
			if req.path == req.escaped {
				break
			}
			full = req.path
		}
		path, ok := strings.CutPrefix(full, pr.base)
		if !ok || (path != "" && path[0] != '/') {
			continue
		}
		slashes := -1
		matched := false
		var getRoute *routers.Route // HEAD: the first match with a GET operation
		var getParams map[string]string
		for _, r := range pr.routes {
			if !strings.HasPrefix(path, r.prefix) {
				continue
			}
			if !spanning {
				if slashes < 0 {
					slashes = strings.Count(path, "/")
				}
				if slashes != r.segments {
					continue
				}
			}
			if params == nil {
				if params, req.params = req.params, nil; params == nil {
					params = map[string]string{}
				}
			}
			if !matchParts(r.parts, path, spanning, params) {
				continue // matchParts writes params only when it matches
			}
			if len(r.conds) > 0 {
				if query == nil {
					query, _ = url.ParseQuery(req.rawQuery) // as url.URL.Query
				}
				if !r.condsMet(req.header, query, params) {
					clear(params)
					continue
				}
			}
			matched = true
			if rt := r.routeFor(req.method); rt != nil {
				return rt, params, true
			}
			if req.method == http.MethodHead && getRoute == nil {
				if rt := r.routeFor(http.MethodGet); rt != nil {
					getRoute, getParams, params = rt, params, nil
					continue
				}
			}
			clear(params)
		}
		if matched {
			return getRoute, getParams, true
		}
	}
	return nil, nil, false
}

// routeFor is the route of r's operation for method, made once (newPathRouter); nil when r has none.
func (r *pathRoute) routeFor(method string) *routers.Route {
	for _, rt := range r.routes {
		if rt.Method == method {
			return rt
		}
	}
	return nil
}

// escapedPath is u.EscapedPath(), without escaping again a path that is its own escaped form (the common case).
func escapedPath(u *url.URL) string {
	if u.RawPath == "" && pathAsEscaped(u.Path) {
		return u.Path
	}
	return u.EscapedPath()
}

// methodsFor lists the operation methods that may answer a request method, best first: HEAD falls back to GET.
func methodsFor(method string) []string {
	if method == http.MethodHead {
		return []string{http.MethodHead, http.MethodGet}
	}
	return []string{method}
}

// allowed lists the methods of every route that matches req's path, in the usual order (the document's methods:
// HEAD, answered by GET where the document has none, is not added).
func (pr *pathRouter) allowed(req *http.Request, conds bool) []string {
	var out []string
	for _, m := range pr.matchConds(req, conds) {
		for method := range m.route.item.Operations() {
			if !slices.Contains(out, method) {
				out = append(out, method)
			}
		}
	}
	slices.SortFunc(out, func(a, b string) int { return cmp.Compare(methodRank(a), methodRank(b)) })
	return out
}

// conditionMiss is a request whose path and method match only keys with a fragment or query part whose
// conditions it does not meet ("POST /" without X-Amz-Target, "DELETE /tags/{arn}#tagKeys" without tagKeys).
// Such a request addresses no single operation, yet it is a malformed call of the API rather than an unknown
// path: the route stage answers it as a validation failure that names the condition.
type conditionMiss struct {
	routes  []*pathRoute // the candidates, most specific first
	method  string       // the operation method (GET for a HEAD)
	message string
}

// missedConditions returns req's conditionMiss, nil when req is not one (FindRoute has failed for it).
func (pr *pathRouter) missedConditions(req *http.Request) *conditionMiss {
	matches := pr.matchConds(req, false)
	for _, method := range methodsFor(req.Method) {
		var cands []*pathRoute
		for _, m := range matches {
			if m.route.item.GetOperation(method) == nil {
				continue
			}
			if len(m.route.conds) == 0 {
				return nil // a plain route would have matched: not a condition's doing
			}
			if !slices.Contains(cands, m.route) {
				cands = append(cands, m.route)
			}
		}
		if len(cands) > 0 {
			return &conditionMiss{routes: cands, method: method, message: missMessage(req, method, cands)}
		}
	}
	return nil
}

// missLimit bounds how many operations a conditionMiss message names.
const missLimit = 5

// missMessage says which condition the request fails: the first condition of the most specific candidate that
// it does not meet, and the values that would select an operation.
func missMessage(req *http.Request, method string, cands []*pathRoute) string {
	query := req.URL.Query()
	var c routeCond
	for _, cc := range cands[0].conds {
		if !cc.metBy(req.Header, query, nil) {
			c = cc
			break
		}
	}
	where := "header or query parameter " + c.name
	switch c.in {
	case openapi3.ParameterInHeader:
		where = "header " + c.name
	case openapi3.ParameterInQuery:
		where = "query parameter " + c.name
	}
	path := strings.SplitN(cands[0].key, "#", 2)[0]
	path = strings.SplitN(path, "?", 2)[0]
	if c.any {
		return fmt.Sprintf("%s is required: it selects the operation of %s %s (its key is %s)", where, method, path, cands[0].key)
	}
	var values []string
	for _, r := range cands {
		for _, rc := range r.conds {
			if rc.name == c.name && !rc.any && !slices.Contains(values, rc.value) {
				values = append(values, rc.value)
			}
		}
	}
	slices.Sort(values)
	list := strings.Join(values[:min(len(values), missLimit)], ", ")
	if len(values) > missLimit {
		list += fmt.Sprintf(" and %d more", len(values)-missLimit)
	}
	got := c.sent(req.Header, query)
	if got == "" {
		return fmt.Sprintf("%s is required: it selects the operation of %s %s, one of %s", where, method, path, list)
	}
	return fmt.Sprintf("%s %q names no operation of %s %s; expected one of %s", where, printable(got, 100), method, path, list)
}

// methodRank orders methods as documents usually list them.
func methodRank(m string) int {
	if i := slices.Index([]string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodOptions, http.MethodTrace}, m); i >= 0 {
		return i
	}
	return 100
}

type routeMatch struct {
	route  *pathRoute
	params map[string]string
}

// matchConds lists the routes whose path (and, with conds, whose fragment and query conditions: a CORS preflight
// does not carry their values) req meets, most specific first: those matching segment by segment, then (in a
// Google-style document) those where a parameter spans segments, so that a method the first lack is found in the
// second. In each pass the escaped path is tried first, then the decoded one.
func (pr *pathRouter) matchConds(req *http.Request, conds bool) []routeMatch {
	var out []routeMatch
	for _, spanning := range []bool{false, true} {
		if spanning && !pr.spanning {
			break
		}
		for _, m := range pr.matchPass(req, conds, spanning) {
			if !slices.ContainsFunc(out, func(o routeMatch) bool { return o.route == m.route }) {
				out = append(out, m)
			}
		}
	}
	return out
}

// matchPass is one pass of matchConds: segment by segment, or with parameters spanning segments.
func (pr *pathRouter) matchPass(req *http.Request, conds, spanning bool) []routeMatch {
	var query url.Values
	paths := []string{escapedPath(req.URL)}
	if req.URL.Path != paths[0] {
		paths = append(paths, req.URL.Path)
	}
	for _, full := range paths {
		path, ok := strings.CutPrefix(full, pr.base)
		if !ok || (path != "" && path[0] != '/') {
			continue
		}
		var out []routeMatch
		for _, r := range pr.routes {
			if !strings.HasPrefix(path, r.prefix) || (!spanning && strings.Count(path, "/") != r.segments) {
				continue
			}
			params := map[string]string{}
			if !matchParts(r.parts, path, spanning, params) {
				continue
			}
			if conds && len(r.conds) > 0 {
				if query == nil {
					query = req.URL.Query()
				}
				if !r.condsMet(req.Header, query, params) {
					continue
				}
			}
			out = append(out, routeMatch{route: r, params: params})
		}
		if len(out) > 0 {
			return out
		}
	}
	return nil
}

// matchParts reports whether s matches the template parts, filling params. A parameter takes at least one
// character and no "/" unless spanning is set; literal text after it is searched for, backtracking as needed.
func matchParts(parts []tmplPart, s string, spanning bool, params map[string]string) bool {
	if len(parts) == 0 {
		return s == ""
	}
	p := parts[0]
	if p.param == "" {
		rest, ok := strings.CutPrefix(s, p.lit)
		return ok && matchParts(parts[1:], rest, spanning, params)
	}
	valid := func(v string) bool { return v != "" && (spanning || !strings.Contains(v, "/")) }
	if len(parts) == 1 {
		if !valid(s) {
			return false
		}
		params[p.param] = s
		return true
	}
	next := parts[1]
	if next.param != "" { // two parameters in a row: the first takes one character at a time
		for i := 1; i < len(s); i++ {
			if !valid(s[:i]) {
				break
			}
			if matchParts(parts[1:], s[i:], spanning, params) {
				params[p.param] = s[:i]
				return true
			}
		}
		return false
	}
	for i := 1; i < len(s); {
		j := strings.Index(s[i:], next.lit)
		if j < 0 {
			return false
		}
		v := s[:i+j]
		if !valid(v) {
			return false
		}
		if matchParts(parts[1:], s[i+j:], spanning, params) {
			params[p.param] = v
			return true
		}
		i += j + 1
	}
	return false
}

// condsMet reports whether a request with header and query meets every NAME=VALUE condition of the route. The
// value met by a "{param}" condition is put in params: documents with such keys declare the parameter in the
// path (the weatherbit.io document of APIs.guru does).
func (r *pathRoute) condsMet(header http.Header, query url.Values, params map[string]string) bool {
	for _, c := range r.conds {
		if !c.metBy(header, query, params) {
			return false
		}
	}
	return true
}

// values lists what the request sends for the condition's NAME, headers first.
func (c routeCond) values(header http.Header, query url.Values) []string {
	var values []string
	if c.in != openapi3.ParameterInQuery {
		values = header.Values(c.name)
	}
	if c.in != openapi3.ParameterInHeader {
		values = append(values, query[c.name]...)
	}
	return values
}

// metBy reports whether the request meets the condition, putting a captured value in params (when not nil).
func (c routeCond) metBy(header http.Header, query url.Values, params map[string]string) bool {
	values := c.values(header, query)
	i := slices.IndexFunc(values, func(v string) bool { return c.any || v == c.value })
	if i < 0 {
		return false
	}
	if c.capture != "" && params != nil {
		params[c.capture] = values[i]
	}
	return true
}

// sent is the first value the request sends for the condition's NAME, "" for none.
func (c routeCond) sent(header http.Header, query url.Values) string {
	if values := c.values(header, query); len(values) > 0 {
		return values[0]
	}
	return ""
}
