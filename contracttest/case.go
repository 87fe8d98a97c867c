package contracttest

import (
	"maps"

	"github.com/getkin/kin-openapi/openapi3"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/standin/standin/openapi"
)

// Kind is the family a case belongs to.
type Kind string

// The kinds of case, in the order they are planned for each operation.
const (
	KindPositive Kind = "positive" // the document's examples, then generated valid requests
	KindNegative Kind = "negative" // one constraint broken per request; must be rejected with a documented 4xx
	KindAuth     Kind = "auth"     // missing or malformed credentials; must get 401 (or the documented status)
	KindStateful Kind = "stateful" // follow a link: write, then read back or delete
	KindForced   Kind = "forced"   // standin targets only: each documented status forced with Prefer: code=N
	KindProbe    Kind = "probe"    // the target itself: reported only when it does not answer
)

// Case is one planned test: one or more requests and what they must get.
type Case struct {
	// ID is stable across runs with the same document and seed: "<operationId>/<kind>/<name>".
	ID        string `json:"id"`
	Operation string `json:"operation"`
	Kind      Kind   `json:"kind"`
	Name      string `json:"name"`
	// Steps are sent in order; a later step may use values of an earlier one (links).
	Steps []*Step `json:"steps"`
	// Write is true when a step uses POST, PUT, PATCH or DELETE.
	Write bool `json:"write"`

	order int    // position in the plan
	skip  string // set when the plan already knows the case cannot run, and why
	// skipCat is the skip's category in the summary (default: no malformed credential known).
	skipCat string
}

// Step is one request of a case.
type Step struct {
	Operation string `json:"operation"`
	Method    string `json:"method"`
	// Path is the document's path template ("/contact/{identifier}").
	Path string `json:"path"`
	// Note says what the step does ("break pattern of path parameter id", "read back through link getContact").
	Note string `json:"note,omitempty"`
	// Curl is the request as a curl line (dry runs only; the user's credentials masked).
	Curl string `json:"curl,omitempty"`

	op      *openapi.Operation
	req     *request
	expect  expectation
	link    *linkUse // values resolved from an earlier step at run time
	status  int      // the forced status (KindForced)
	reflect bool     // the read must reflect the write of step 0
	// twin is the request a negative case broke one value of; unknownID marks the unknown-id case.
	twin      *request
	unknownID bool
	// predict lists what the answer must carry, for behaviour_consistent (nil: nothing predicted); echo asks
	// the answer to show the written fields (a write of a record).
	predict []prediction
	echo    bool
}

// expectation is what a step's response must meet besides the checks every response gets.
type expectation int

const (
	expectValid    expectation = iota // valid input: no 5xx
	expectRejected                    // broken input: a documented 4xx
	expectUnknown                     // unknown path: any 4xx
	expectAuth                        // bad credentials: 401 or the documented status
	expectForced                      // the forced status
	expectState                       // a read or delete after a write: 2xx, reflecting the write
	expectGone                        // the record was deleted: 404
	expectConflict                    // the same create again, its key in use: the documented 409
)

// Plan lists every case of a run in the order they are sent.
type Plan struct {
	API     string `json:"api"`
	Spec    string `json:"spec"`
	Target  string `json:"target"`
	Standin bool   `json:"standin"`
	Session string `json:"session,omitempty"`
	Seed    uint64 `json:"seed"`
	DryRun  bool   `json:"dryRun,omitempty"`
	// Operations counts the selected operations. Cases lists the planned cases: all of them on a dry run and
	// once a run ended; during a run it grows one operation at a time, as cases are planned right before they
	// are sent.
	Operations int     `json:"operations"`
	Cases      []*Case `json:"cases"`
	// Notes are remarks about the plan as a whole ("forced cases need a standin target").
	Notes []string `json:"notes,omitempty"`
}

// authMode says which credentials a request carries.
type authMode int

const (
	authValid authMode = iota
	authNone
	authMalformed
)

// request is everything needed to send one request, before the target URL and credentials are applied.
type request struct {
	op         *openapi.Operation
	method     string
	path       string            // template
	pathParams map[string]string // parameter values, as links and read-backs see them
	pathEnc    map[string]string // the serialised path segments, when the style or value needs more than escaping
	suffix     string            // appended to the path (unknown-path cases)
	query      url.Values
	qkeys      map[string][]string // query keys each parameter wrote (deepObject and exploded objects write several)
	header     http.Header
	cookies    map[string]string   // cookie parameters, serialised
	mediaType  string              // the document's media type of the body
	mt         *openapi3.MediaType // its media type object (encoding), for encoding at send time
	encode     bool                // body is bodyValue encoded at send time; else body is sent as is
	body       []byte
	bodyValue  any  // the decoded body, for links and read-back checks
	hasBody    bool // send body even when empty
	auth       authMode
}

func (r *request) clone() *request {
	c := *r
	c.pathParams = maps.Clone(r.pathParams)
	c.pathEnc = maps.Clone(r.pathEnc)
	c.cookies = maps.Clone(r.cookies)
	c.qkeys = map[string][]string{}
	for k, v := range r.qkeys {
		c.qkeys[k] = slices.Clone(v)
	}
	c.query = url.Values{}
	for k, v := range r.query {
		c.query[k] = slices.Clone(v)
	}
	c.header = r.header.Clone()
	if c.header == nil {
		c.header = http.Header{}
	}
	if c.pathParams == nil {
		c.pathParams = map[string]string{}
	}
	if c.pathEnc == nil {
		c.pathEnc = map[string]string{}
	}
	if c.cookies == nil {
		c.cookies = map[string]string{}
	}
	c.body = slices.Clone(r.body)
	c.bodyValue = deepCopy(r.bodyValue)
	return &c
}

// cloneBare copies r without its body, for a request whose body is set right after.
func (r *request) cloneBare() *request {
	body, value := r.body, r.bodyValue
	r.body, r.bodyValue = nil, nil
	c := r.clone()
	r.body, r.bodyValue = body, value
	return c
}

// payload is the body to send: the value encoded in the media type, or the raw bytes set.
func (r *request) payload() []byte {
	if r.encode {
		return encodeBody(r.mediaType, r.mt, r.bodyValue)
	}
	return r.body
}

// setPath sets a path parameter to a plain value (links, fresh ids).
func (r *request) setPath(name, v string) {
	r.pathParams[name] = v
	delete(r.pathEnc, name)
}

// urlPath fills the path template. What follows a '#' in the template itself (AWS documents in APIs.guru write
// "/#X-Amz-Target=..." to tell operations on one path apart) is a fragment, which HTTP never sends: it is left out.
func (r *request) urlPath() string {
	p, _, _ := strings.Cut(r.path, "#")
	for name, v := range r.pathParams {
		seg, ok := r.pathEnc[name]
		if !ok {
			seg = url.PathEscape(v)
		}
		p = strings.ReplaceAll(p, "{"+name+"}", seg)
	}
	return p + r.suffix
}

func isWrite(method string) bool {
	switch method {
	case http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete:
		return true
	}
	return false
}

// deepCopy copies a value made of the types encoding/json decodes into.
func deepCopy(v any) any {
	switch t := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(t))
		for k, e := range t {
			m[k] = deepCopy(e)
		}
		return m
	case []any:
		s := make([]any, len(t))
		for i, e := range t {
			s[i] = deepCopy(e)
		}
		return s
	default:
		return v
	}
}
