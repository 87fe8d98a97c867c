package mock

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/stretchr/testify/require"

	"github.com/standin/standin/fake"
	"github.com/standin/standin/openapi"
)

// crossChecks records, for every request any test of this package sends, each part of it the compiled checks
// judged, beside openapi3filter's verdict (compiledCrossCheck). TestMain fails the run when the compiled checks
// accepted a part openapi3filter rejects.
var crossChecks crossRecord

type crossRecord struct {
	mu       sync.Mutex
	accepted int      // parts the compiled checks accepted (openapi3filter agreeing)
	decoded  int      // of which parameters standin decodes itself
	missed   int      // parts they passed on that openapi3filter accepted (correct, only slower)
	diverged []string // parts they accepted that openapi3filter rejects
}

func (c *crossRecord) record(ex *exchange, part string, fast bool, err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case fast && err != nil:
		c.diverged = append(c.diverged, fmt.Sprintf("%s %s: %s: compiled accepts, openapi3filter: %v",
			ex.method, ex.op.Pointer, part, err))
	case fast:
		c.accepted++
		if strings.HasSuffix(part, "(decoded by standin)") {
			c.decoded++
		}
	case err == nil:
		c.missed++
	}
}

func (c *crossRecord) snapshot() (accepted, missed, diverged int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.accepted, c.missed, len(c.diverged)
}

// TestMain turns the cross-check on, except for a benchmark run, which measures the validation stage as it
// serves.
func TestMain(m *testing.M) {
	flag.Parse()
	if f := flag.Lookup("test.bench"); f == nil || f.Value.String() == "" {
		compiledCrossCheck = crossChecks.record
	}
	code := m.Run()
	if testing.Verbose() {
		acc, missed, div := crossChecks.snapshot()
		fmt.Fprintf(os.Stderr, "compiled request checks: %d parts accepted, %d left to openapi3filter that it accepted, %d disagreements\n",
			acc, missed, div)
	}
	if len(crossChecks.diverged) > 0 {
		fmt.Fprintf(os.Stderr, "compiled request checks disagree with openapi3filter:\n  %s\n",
			strings.Join(crossChecks.diverged, "\n  "))
		if code == 0 {
			code = 1
		}
	}
	os.Exit(code)
}

func needCrossCheck(t *testing.T) {
	if compiledCrossCheck == nil {
		t.Skip("the cross-check is off in a benchmark run")
	}
}

// TestCompiledValidationMatchesKin runs the validation test tables with every part of every request judged by
// both the compiled checks and openapi3filter (the answers the tables require come from openapi3filter's
// verdicts, which are kept): no part may be accepted by one and rejected by the other, and the compiled checks
// must have accepted some.
func TestCompiledValidationMatchesKin(t *testing.T) {
	needCrossCheck(t)
	tables := []struct {
		name string
		run  func(*testing.T)
	}{
		{"ServeValidation", TestServeValidation},
		{"ServeStrictValidation", TestServeStrictValidation},
		{"ServeRoutingAndLimits", TestServeRoutingAndLimits},
	}
	for _, tt := range tables {
		t.Run(tt.name, func(t *testing.T) {
			acc0, _, div0 := crossChecks.snapshot()
			tt.run(t)
			acc, _, div := crossChecks.snapshot()
			require.Equal(t, div0, div, "compiled checks accepted what openapi3filter rejects: %v", crossChecks.diverged)
			require.Greater(t, acc, acc0, "the compiled checks accepted nothing")
		})
	}
}

// TestCompiledValidationAnswers sends requests to a server and requires the same status and body as the
// validation stage gave before the checks were compiled (each answer below is openapi3filter's), and that the
// compiled checks, not openapi3filter, accepted the valid parts.
func TestCompiledValidationAnswers(t *testing.T) {
	needCrossCheck(t)
	ts, _ := engineServer(t, Config{Seed: 1}, engineAPIs(t, "carecycle"))
	cc := engineAuth("carecycle")
	const assign = "/carecycle/v2/inquiries/a2cc1c26-6a12-43fd-9dc0-f4e5fedb3bef/assign"
	tests := []struct {
		name, path, body string
		status           int
		want             string // a fragment of the answer
		accepted         int    // parts the compiled checks must accept: security, id, body
	}{
		{name: "valid uuid", path: assign, body: `{"assignedTo":"7869c1a9-a680-4086-b6f5-9e78a651f6f2"}`, status: 200, accepted: 3},
		{name: "null unassigns", path: assign, body: `{"assignedTo":null}`, status: 200, accepted: 3},
		{name: "empty object", path: assign, body: `{}`, status: 200, accepted: 3},
		{name: "bad body uuid", path: assign, body: `{"assignedTo":"x"}`, status: 422, want: `"received":"x"`, accepted: 2},
		{name: "bad body type", path: assign, body: `{"assignedTo":5}`, status: 422, want: `"code":"type"`, accepted: 2},
		{name: "bad path uuid", path: "/carecycle/v2/inquiries/nope/assign", body: `{}`, status: 422,
			want: `"received":"nope"`, accepted: 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			acc0, _, div0 := crossChecks.snapshot()
			resp := engineDo(t, ts, http.MethodPatch, tt.path, tt.body, cc...)
			require.Equal(t, tt.status, resp.status, "body: %s", resp.body)
			require.Contains(t, string(resp.body), tt.want)
			acc, _, div := crossChecks.snapshot()
			require.Equal(t, div0, div)
			require.GreaterOrEqual(t, acc-acc0, tt.accepted)
		})
	}
}

// TestCompiledValidationDecodedParams covers the parameters standin decodes itself (a deepObject array of a
// Stripe-style list): their compiled check accepts a valid value, and an invalid one is answered by
// openapi3filter's verdict.
func TestCompiledValidationDecodedParams(t *testing.T) {
	needCrossCheck(t)
	api, err := openapi.LoadFile(t.Context(), "testdata/stripe-style.yaml")
	require.NoError(t, err)
	ts, _ := engineServer(t, Config{Seed: 1}, []*openapi.API{api})
	tests := []struct {
		name, query string
		status      int
		decoded     int // decoded parameters the compiled checks must accept
	}{
		{name: "expand list", query: "expand[]=customer&expand[]=invoice&limit=3", status: 200, decoded: 1},
		{name: "expand item too long", query: "expand[]=" + strings.Repeat("x", 5001), status: 400, decoded: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			crossChecks.mu.Lock()
			dec0, div0 := crossChecks.decoded, len(crossChecks.diverged)
			crossChecks.mu.Unlock()
			resp := engineDo(t, ts, http.MethodGet, "/stripe-style/v1/customers?"+tt.query, "", "Authorization", engineBearer)
			require.Equal(t, tt.status, resp.status, "body: %s", resp.body)
			crossChecks.mu.Lock()
			defer crossChecks.mu.Unlock()
			require.Equal(t, div0, len(crossChecks.diverged))
			require.Equal(t, tt.decoded, crossChecks.decoded-dec0)
		})
	}
}

// kinVerdict is VisitJSON with the options openapi3filter passes for a request body (asRequest) or a parameter.
func kinVerdict(s *openapi3.Schema, v any, asRequest bool) error {
	opts := []openapi3.SchemaValidationOption{openapi3.MultiErrors()}
	if asRequest {
		opts = append(opts, openapi3.VisitAsRequest())
	}
	return s.VisitJSON(v, append(opts, fake.SchemaOptions()...)...)
}

// TestCompiledCheckerKeywords compares the compiled checker with VisitJSON keyword by keyword, and requires the
// keywords left to kin-openapi not to compile.
func TestCompiledCheckerKeywords(t *testing.T) {
	tests := []struct {
		name   string
		schema string
		values []string
		param  bool // checked as a parameter (no VisitAsRequest)
		none   bool // must not compile
	}{
		{name: "nullable uuid", schema: `{"type":"string","format":"uuid","nullable":true}`,
			values: []string{`null`, `"7869c1a9-a680-4086-b6f5-9e78a651f6f2"`, `"x"`, `5`, `""`}},
		{name: "not nullable", schema: `{"type":"string"}`, values: []string{`null`, `"a"`, `true`}},
		{name: "empty schema", schema: `{}`, values: []string{`null`, `1`, `"a"`, `[]`, `{}`}},
		{name: "lengths in runes", schema: `{"type":"string","minLength":2,"maxLength":3}`,
			values: []string{`"a"`, `"ab"`, `"abc"`, `"abcd"`, `"éé"`, `"😀😀"`, `"😀😀😀😀"`}},
		{name: "pattern ECMA", schema: `{"type":"string","pattern":"^(?!-)[a-z-]+$"}`, values: []string{`"ab-c"`, `"-ab"`, `"AB"`}},
		{name: "pattern \\u", schema: `{"type":"string","pattern":"^\\u0041+$"}`, values: []string{`"AA"`, `"a"`}},
		{name: "formats", schema: `{"type":"object","properties":{"d":{"type":"string","format":"date"},` +
			`"t":{"type":"string","format":"date-time"},"e":{"type":"string","format":"email"},"b":{"type":"string","format":"byte"},` +
			`"u":{"type":"string","format":"unknown-format"}}}`,
			values: []string{`{"d":"2024-02-30"}`, `{"d":"2024-02-03"}`, `{"t":"2024-02-03T10:00:00Z"}`, `{"t":"yesterday"}`,
				`{"e":"a@b.co"}`, `{"e":"nope"}`, `{"b":"aGk="}`, `{"b":"***"}`, `{"u":"anything"}`}},
		{name: "integer", schema: `{"type":"integer","minimum":1,"maximum":10}`,
			values: []string{`0`, `1`, `10`, `11`, `1.5`, `3.0`, `"3"`}},
		{name: "int32", schema: `{"type":"integer","format":"int32"}`, values: []string{`2147483647`, `2147483648`, `-2147483649`}},
		{name: "int64 edges", schema: `{"type":"integer","format":"int64"}`, values: []string{`9223372036854775807`, `1e19`, `-1e19`}},
		{name: "exclusive", schema: `{"type":"number","minimum":0,"exclusiveMinimum":true,"maximum":1,"exclusiveMaximum":true}`,
			values: []string{`0`, `0.5`, `1`, `-1`}},
		{name: "enum", schema: `{"enum":["a",1,null,[1,2],{"k":true}]}`,
			values: []string{`"a"`, `1`, `1.0`, `null`, `[1,2]`, `[2,1]`, `{"k":true}`, `{"k":false}`, `"b"`}},
		{name: "enum nullable", schema: `{"type":"string","nullable":true,"enum":["a"]}`, values: []string{`null`, `"a"`, `"b"`}},
		{name: "array", schema: `{"type":"array","minItems":1,"maxItems":2,"uniqueItems":true,"items":{"type":"integer"}}`,
			values: []string{`[]`, `[1]`, `[1,2]`, `[1,1]`, `[1,2,3]`, `[1,"a"]`, `{}`}},
		{name: "object", schema: `{"type":"object","required":["a"],"minProperties":1,"maxProperties":2,` +
			`"properties":{"a":{"type":"string"},"b":{"type":"integer"}},"additionalProperties":false}`,
			values: []string{`{}`, `{"a":"x"}`, `{"a":"x","b":1}`, `{"a":"x","c":1}`, `{"b":1}`, `{"a":1}`, `[]`}},
		{name: "additional schema", schema: `{"type":"object","additionalProperties":{"type":"integer"}}`,
			values: []string{`{"x":1}`, `{"x":"y"}`}},
		{name: "readOnly in a request", schema: `{"type":"object","required":["id","n"],` +
			`"properties":{"id":{"type":"string","readOnly":true},"n":{"type":"string"}}}`,
			values: []string{`{"n":"a"}`, `{"id":"1","n":"a"}`, `{"id":null,"n":"a"}`, `{}`}},
		{name: "readOnly in allOf family", schema: `{"allOf":[{"type":"object","required":["id"]},` +
			`{"properties":{"id":{"type":"string","readOnly":true}}}]}`,
			values: []string{`{}`, `{"id":"1"}`, `null`}},
		{name: "allOf", schema: `{"allOf":[{"type":"object","required":["a"]},{"type":"object","required":["b"]}]}`,
			values: []string{`{"a":1,"b":2}`, `{"a":1}`, `null`, `5`}},
		{name: "allOf of nullables with null", schema: `{"allOf":[{"type":"string","nullable":true}]}`,
			values: []string{`null`, `"a"`, `1`}},
		{name: "readOnly ignored for a parameter", schema: `{"type":"string","readOnly":true}`, param: true,
			values: []string{`"a"`}},
		{name: "NaN-free numbers", schema: `{"type":"number"}`, values: []string{`1e308`, `-0`, `true`}},
		{name: "oneOf", schema: `{"oneOf":[{"type":"string"},{"type":"integer"}]}`, none: true},
		{name: "anyOf", schema: `{"anyOf":[{"type":"string"}]}`, none: true},
		{name: "not", schema: `{"not":{"type":"string"}}`, none: true},
		{name: "multipleOf", schema: `{"type":"number","multipleOf":0.1}`, none: true},
		{name: "nested oneOf", schema: `{"type":"object","properties":{"a":{"oneOf":[{"type":"string"}]}}}`, none: true},
		{name: "allOf cycle", schema: `{"type":"object"}`, none: true}, // made cyclic below
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var s openapi3.Schema
			require.NoError(t, json.Unmarshal([]byte(tt.schema), &s))
			if tt.name == "allOf cycle" {
				s.AllOf = openapi3.SchemaRefs{{Value: &s}}
			}
			c := compileSchema(&s, !tt.param)
			if tt.none {
				require.Nil(t, c)
				return
			}
			require.NotNil(t, c)
			for _, raw := range tt.values {
				var v any
				require.NoError(t, json.Unmarshal([]byte(raw), &v))
				kinErr := kinVerdict(&s, v, !tt.param)
				require.Equal(t, kinErr == nil, c.ok(v), "value %s: openapi3filter says %v", raw, kinErr)
			}
		})
	}
}

// fuzzSchema is one compiled schema of a document, for the fuzz target.
type fuzzSchema struct {
	where  string
	schema *openapi3.Schema
	check  *checker
	asReq  bool
	param  *openapi3.Parameter // set for a parameter
	pc     *paramCheck
	route  *routers.Route
}

// fuzzDocs are the documents whose request schemas FuzzCompiledMatchesKin checks: the bundled APIs and a few of
// the test documents.
func fuzzSchemas(t testing.TB) ([]fuzzSchema, [][]byte) {
	apis := engineAPIs(t)
	for _, f := range []string{"strict.yaml", "styles.yaml", "stripe-style.yaml", "google-like.yaml", "infer.yaml"} {
		api, err := openapi.LoadFile(context.Background(), filepath.Join("testdata", f))
		require.NoError(t, err, f)
		apis = append(apis, api)
	}
	var out []fuzzSchema
	seeds := map[string]bool{}
	for _, api := range apis {
		if api.Doc.IsOpenAPI31OrLater() {
			continue
		}
		for _, op := range api.Operations {
			route := &routers.Route{Spec: api.Doc, Path: op.Path, PathItem: op.Item, Method: op.Method, Operation: op.Op}
			if rb := op.Op.RequestBody; rb != nil && rb.Value != nil {
				for _, mt := range sortedMedia(rb.Value.Content) {
					media := rb.Value.Content[mt]
					if media.Schema == nil || media.Schema.Value == nil {
						continue
					}
					c := compileSchema(media.Schema.Value, true)
					if c == nil {
						continue
					}
					out = append(out, fuzzSchema{where: api.Name + " " + op.ID + " " + mt, schema: media.Schema.Value, check: c, asReq: true})
					for _, ex := range media.Examples {
						if ex != nil && ex.Value != nil {
							if b, err := json.Marshal(ex.Value.Value); err == nil {
								seeds[string(b)] = true
							}
						}
					}
					if media.Example != nil {
						if b, err := json.Marshal(media.Example); err == nil {
							seeds[string(b)] = true
						}
					}
				}
			}
			for _, params := range []openapi3.Parameters{op.Item.Parameters, op.Op.Parameters} {
				for _, ref := range params {
					if ref == nil || ref.Value == nil {
						continue
					}
					pc := compileParam(ref.Value)
					if pc == nil {
						continue
					}
					out = append(out, fuzzSchema{where: api.Name + " " + op.ID + " " + ref.Value.In + " " + ref.Value.Name,
						schema: ref.Value.Schema.Value, check: pc.check, param: ref.Value, pc: pc, route: route})
					if ref.Value.Example != nil {
						seeds[fmt.Sprint(ref.Value.Example)] = true
					}
				}
			}
		}
	}
	var seedList [][]byte
	for s := range seeds {
		seedList = append(seedList, []byte(s))
	}
	sort.Slice(seedList, func(i, j int) bool { return string(seedList[i]) < string(seedList[j]) })
	return out, seedList
}

func sortedMedia(c openapi3.Content) []string {
	keys := make([]string, 0, len(c))
	for k := range c {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// paramVerdicts gives raw to the parameter as a request would carry it, and returns the compiled check's verdict
// and openapi3filter.ValidateParameter's (with the validation stage's options).
func paramVerdicts(fs fuzzSchema, raw string) (bool, error) {
	p := fs.param
	req := httptest.NewRequest(http.MethodGet, "/", nil)
	in := &openapi3filter.RequestValidationInput{Request: req, Route: fs.route, PathParams: map[string]string{},
		Options: &openapi3filter.Options{MultiError: true, SkipSettingDefaults: true, SchemaValidationOptions: fake.SchemaOptions()}}
	switch p.In {
	case openapi3.ParameterInPath:
		in.PathParams[p.Name] = raw
	case openapi3.ParameterInQuery:
		req.URL.RawQuery = url.QueryEscape(p.Name) + "=" + url.QueryEscape(raw)
	case openapi3.ParameterInHeader:
		req.Header.Set(p.Name, raw)
	}
	fast := fs.pc.ok(in)
	return fast, openapi3filter.ValidateParameter(context.Background(), in, p)
}

// FuzzCompiledMatchesKin feeds values to the compiled checks of every request body and parameter schema of the
// bundled APIs and some test documents, and requires them to accept exactly what openapi3filter accepts (for a
// parameter, what ValidateParameter accepts of the value sent; an empty value, which the compiled check leaves
// to openapi3filter, only one way).
func FuzzCompiledMatchesKin(f *testing.F) {
	schemas, seeds := fuzzSchemas(f)
	require.NotEmpty(f, schemas)
	generic := []string{`{}`, `null`, `"x"`, `1`, `1.5`, `-3`, `true`, `[]`, `[1,1]`, `""`,
		`{"assignedTo":"7869c1a9-a680-4086-b6f5-9e78a651f6f2"}`, `{"assignedTo":null}`, `"7869c1a9-a680-4086-b6f5-9e78a651f6f2"`,
		`"2022-11-07T00:00:00.000Z"`, `500`, `501`, `"a@b.co"`}
	for i := range schemas {
		for _, g := range generic {
			f.Add(uint16(i), []byte(g))
		}
	}
	for i, s := range seeds {
		f.Add(uint16(i), s)
	}
	f.Fuzz(func(t *testing.T, idx uint16, data []byte) {
		fs := schemas[int(idx)%len(schemas)]
		if fs.param != nil {
			raw := string(data)
			if s, ok := jsonString(data); ok {
				raw = s
			}
			if strings.ContainsAny(raw, "\r\n\x00") {
				return // not a header value a client can send
			}
			fast, err := paramVerdicts(fs, raw)
			if raw == "" {
				require.False(t, fast && err != nil, "%s: %q: compiled accepts, openapi3filter: %v", fs.where, raw, err)
				return
			}
			require.Equal(t, err == nil, fast, "%s: %q: openapi3filter says %v", fs.where, raw, err)
			return
		}
		var v any
		if err := json.Unmarshal(data, &v); err != nil {
			v = string(data)
		}
		kinErr := kinVerdict(fs.schema, v, fs.asReq)
		require.Equal(t, kinErr == nil, fs.check.ok(v), "%s: %s: openapi3filter says %v", fs.where, data, kinErr)
	})
}

func jsonString(data []byte) (string, bool) {
	var s string
	if json.Unmarshal(data, &s) != nil {
		return "", false
	}
	return s, true
}

// TestCompiledParamsMatchKin gives parameters of each place and primitive type present, absent, empty and
// malformed values, and requires the compiled check to accept exactly what openapi3filter.ValidateParameter
// accepts, except that it may leave an empty or absent required value to openapi3filter.
func TestCompiledParamsMatchKin(t *testing.T) {
	doc := &openapi3.T{OpenAPI: "3.0.3", Paths: openapi3.NewPaths()}
	param := func(in, name, schema string, required bool) *openapi3.Parameter {
		var s openapi3.Schema
		require.NoError(t, json.Unmarshal([]byte(schema), &s))
		return &openapi3.Parameter{In: in, Name: name, Required: required, Schema: &openapi3.SchemaRef{Value: &s}}
	}
	params := []*openapi3.Parameter{
		param("path", "id", `{"type":"string","format":"uuid"}`, true),
		param("query", "limit", `{"type":"integer","format":"int32","minimum":1}`, true),
		param("query", "ratio", `{"type":"number","maximum":1}`, false),
		param("query", "q", `{"type":"string","minLength":2,"enum":["ab","cd"]}`, false),
		param("header", "X-Flag", `{"type":"boolean"}`, false),
		param("header", "x-token", `{"type":"string","pattern":"^[a-z]{3}$"}`, true),
	}
	op := &openapi3.Operation{}
	for _, p := range params {
		op.Parameters = append(op.Parameters, &openapi3.ParameterRef{Value: p})
	}
	route := &routers.Route{Spec: doc, PathItem: &openapi3.PathItem{}, Method: http.MethodGet, Operation: op}
	values := []string{"", "ab", "abc", "7869c1a9-a680-4086-b6f5-9e78a651f6f2", "0", "1", "2147483648", "0.5", "1.5",
		"NaN", "Inf", "true", "TRUE", "t", "yes", "-1", "1e2", "xyz"}
	for _, p := range params {
		pc := compileParam(p)
		require.NotNil(t, pc, p.Name)
		fs := fuzzSchema{param: p, pc: pc, route: route}
		for _, raw := range values {
			fast, err := paramVerdicts(fs, raw)
			if raw == "" {
				require.False(t, fast && err != nil, "%s %q: compiled accepts, openapi3filter: %v", p.Name, raw, err)
				continue
			}
			require.Equal(t, err == nil, fast, "%s %q: openapi3filter says %v", p.Name, raw, err)
		}
		// absent
		req := httptest.NewRequest(http.MethodGet, "/", nil)
		in := &openapi3filter.RequestValidationInput{Request: req, Route: route, PathParams: map[string]string{},
			Options: &openapi3filter.Options{MultiError: true, SkipSettingDefaults: true, SchemaValidationOptions: fake.SchemaOptions()}}
		err := openapi3filter.ValidateParameter(context.Background(), in, p)
		fast := pc.ok(in)
		require.False(t, fast && err != nil, "%s absent: compiled accepts, openapi3filter: %v", p.Name, err)
		require.Equal(t, !p.Required && p.In != "path", fast, "%s absent", p.Name)
	}
}

// TestSecurityMet mirrors openapi3filter.ValidateSecurityRequirements with NoopAuthenticationFunc.
func TestSecurityMet(t *testing.T) {
	doc := &openapi3.T{Components: &openapi3.Components{SecuritySchemes: openapi3.SecuritySchemes{
		"key":    {Value: &openapi3.SecurityScheme{Type: "apiKey", In: "header", Name: "x-key"}},
		"bearer": {Value: &openapi3.SecurityScheme{Type: "http", Scheme: "bearer"}},
	}}}
	tests := []struct {
		name string
		srs  openapi3.SecurityRequirements
	}{
		{"none", nil},
		{"empty requirement", openapi3.SecurityRequirements{{}}},
		{"declared", openapi3.SecurityRequirements{{"key": {}}}},
		{"both declared", openapi3.SecurityRequirements{{"key": {}, "bearer": {}}}},
		{"undeclared", openapi3.SecurityRequirements{{"oauth": {"read"}}}},
		{"undeclared with declared", openapi3.SecurityRequirements{{"oauth": {}, "key": {}}}},
		{"an alternative declared", openapi3.SecurityRequirements{{"oauth": {}}, {"bearer": {}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := &openapi3filter.RequestValidationInput{Request: httptest.NewRequest(http.MethodGet, "/", nil),
				Route: &routers.Route{Spec: doc}, Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}}
			err := openapi3filter.ValidateSecurityRequirements(context.Background(), in, tt.srs)
			require.Equal(t, err == nil, securityMet(doc, tt.srs), "openapi3filter says %v", err)
		})
	}
}
