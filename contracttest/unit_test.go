package contracttest

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/require"

	"github.com/standin/standin/openapi"
)

func petSchema(t *testing.T, name string) *openapi3.Schema {
	t.Helper()
	api := loadPets(t)
	return api.Doc.Components.Schemas[name].Value
}

func TestReflects(t *testing.T) {
	pet := petSchema(t, "Pet")
	list := &openapi3.Schema{Type: &openapi3.Types{"array"}, Items: &openapi3.SchemaRef{Value: pet}}
	str := &openapi3.SchemaRef{Value: &openapi3.Schema{Type: &openapi3.Types{"string"}}}
	bank := &openapi3.SchemaRef{Value: &openapi3.Schema{Type: &openapi3.Types{"object"}, Properties: openapi3.Schemas{"customer": str, "country": str}}}
	token := &openapi3.Schema{Type: &openapi3.Types{"object"}, Properties: openapi3.Schemas{"id": str, "bank_account": bank}}
	envelope := &openapi3.Schema{Type: &openapi3.Types{"object"}, Properties: openapi3.Schemas{"data": {Value: pet}}}
	recordWithData := &openapi3.Schema{Type: &openapi3.Types{"object"}, Properties: openapi3.Schemas{"id": str, "a": str, "b": str, "c": str, "data": {Value: pet}}}
	tests := []struct {
		name   string
		write  any
		read   any
		schema *openapi3.Schema
		diff   bool
	}{
		{"same fields", map[string]any{"name": "Rex", "kind": "dog"}, map[string]any{"id": "p-1", "name": "Rex", "kind": "dog"}, pet, false},
		{"changed field", map[string]any{"name": "Rex", "kind": "dog"}, map[string]any{"id": "p-1", "name": "Max", "kind": "dog"}, pet, true},
		{"found in a list", map[string]any{"name": "Rex"}, []any{map[string]any{"name": "Tom"}, map[string]any{"name": "Rex"}}, list, false},
		{"missing from a list", map[string]any{"name": "Rex"}, []any{map[string]any{"name": "Tom"}}, list, true},
		{"value the read schema cannot hold is not compared", map[string]any{"kind": "close"}, map[string]any{"kind": "cat"}, pet, false},
		{"nothing to compare", map[string]any{"other": 1.0}, map[string]any{"name": "Rex"}, pet, false},
		{"a member the write sets itself is not where its top-level fields show", map[string]any{"customer": "cus_1", "bank_account": map[string]any{"country": "US"}},
			map[string]any{"id": "tok_1", "bank_account": map[string]any{"customer": "cus_2", "country": "US"}}, token, false},
		{"an envelope is", map[string]any{"name": "Rex"}, map[string]any{"data": map[string]any{"name": "Max"}}, envelope, true},
		{"a nested object of a record with many fields is not", map[string]any{"kind": "Issue"},
			map[string]any{"id": "i-1", "a": "x", "b": "y", "c": "z", "data": map[string]any{"kind": "User"}}, recordWithData, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			diff, _ := reflects(tt.write, tt.read, tt.schema)
			require.Equal(t, tt.diff, diff != "", diff)
		})
	}
}

func TestEvalExpr(t *testing.T) {
	d := &exchangeData{
		req:    &request{method: "POST", pathParams: map[string]string{"id": "7"}, query: url.Values{"q": {"x"}}, header: http.Header{"X-Trace": {"t1"}}, bodyValue: map[string]any{"a": []any{"b"}}},
		url:    "http://h/p",
		status: 201,
		header: http.Header{"Location": {"/pets/p-9"}},
		body:   map[string]any{"pet": map[string]any{"id": "p-9"}, "a/b": 1.0},
	}
	tests := []struct {
		expr any
		want any
		err  bool
	}{
		{"$request.path.id", "7", false},
		{"$request.query.q", "x", false},
		{"$request.header.X-Trace", "t1", false},
		{"$request.body#/a/0", "b", false},
		{"$response.body#/pet/id", "p-9", false},
		{"$response.body#/a~1b", 1.0, false},
		{"$response.header.Location", "/pets/p-9", false},
		{"$statusCode", 201.0, false},
		{"$method", "POST", false},
		{"$url", "http://h/p", false},
		{"constant", "constant", false},
		{42.0, 42.0, false},
		{"$response.body#/missing", nil, true},
		{"$request.path.nope", nil, true},
		{"$weird", nil, true},
	}
	for _, tt := range tests {
		t.Run(stringOf(tt.expr), func(t *testing.T) {
			got, err := evalExpr(tt.expr, d)
			if tt.err {
				require.Error(t, err)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.want, got)
		})
	}
}

func stringOf(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	return scalarString(v)
}

func TestBodyMutationsBreakOneConstraint(t *testing.T) {
	schema := petSchema(t, "PetInput")
	valid := map[string]any{"name": "Rex", "kind": "dog", "age": 3.0, "tag": "good"}
	require.NoError(t, schema.VisitJSON(valid))
	got := map[string]bool{}
	for _, m := range bodyMutations(schema, valid, requestOpts) {
		got[m.where+" "+m.rule] = true
		mutated := setAt(deepCopy(valid), m.ptr, m.value, m.drop)
		require.True(t, breaksOnly(schema.VisitJSON(mutated, requestOpts...), m.rule), m.name())
	}
	for _, want := range []string{
		"body /name required", "body /kind required", "body /name type", "body /name minLength", "body /name maxLength",
		"body /kind enum", "body /age minimum", "body /age maximum", "body /age type", "body /tag pattern",
		"body /name nullable", "body / type",
	} {
		require.True(t, got[want], "missing mutation %q; got %v", want, got)
	}
	require.False(t, got["body /tag nullable"], "tag is nullable: null is valid")
}

func TestCurlMasksCredentials(t *testing.T) {
	h := http.Header{"Authorization": {"Bearer s3cret"}, "X-Api-Key": {"cc_s3cret"}, "Accept": {"application/json"}}
	masked := maskHeader(h, []string{"cc_s3cret", "s3cret"})
	info := RequestInfo{Method: "POST", URL: maskURL("http://h/p?api_key=s3cret&q=it's", []string{"s3cret"}), Header: masked, Body: `{"a":"it's"}`}
	line := curl(info)
	require.NotContains(t, line, "s3cret")
	require.Contains(t, line, "'Authorization: Bearer ****'")
	require.Contains(t, line, "'X-Api-Key: ****'")
	require.Contains(t, line, `--data-raw '{"a":"it'\''s"}'`)
	require.Equal(t, "Bearer s3cret", h.Get("Authorization"), "the request itself keeps its credentials")
}

func TestEchoedCredentialsAreMasked(t *testing.T) {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusInternalServerError)
		fmt.Fprintf(w, `{"code":500,"message":"bad token %s"}`, r.Header.Get("Authorization"))
	}))
	t.Cleanup(ts.Close)
	var js bytes.Buffer
	rep, err := Run(t.Context(), Config{API: loadPets(t), Target: ts.URL + "/api", Bearer: "s3cret-token", Include: []string{"getPet"}},
		WithHTTPClient(ts.Client()), WithSleep(noSleep), WithClock(fixedClock), WithReporter(NewJSONReporter(&js)))
	require.NoError(t, err)
	require.True(t, rep.Failed())
	require.NotContains(t, js.String(), "s3cret")
	require.Contains(t, js.String(), "bad token Bearer ****")
}

// TestIssue11HugeLimitsAreNotBuilt: a maxLength or maxItems of millions (common in generated documents) is not
// broken by building a value of that size.
func TestIssue11HugeLimitsAreNotBuilt(t *testing.T) {
	huge := uint64(1 << 31)
	s := &openapi3.Schema{Type: &openapi3.Types{"string"}, MaxLength: &huge}
	require.Empty(t, candidates(s, "abc", "maxLength", false))
	small := uint64(4)
	got := candidates(&openapi3.Schema{Type: &openapi3.Types{"string"}, MaxLength: &small}, "abc", "maxLength", false)
	require.Equal(t, []any{"abccc"}, got)
	arr := &openapi3.Schema{Type: &openapi3.Types{"array"}, MaxItems: &huge}
	require.Empty(t, candidates(arr, []any{"a"}, "maxItems", false))
}

// TestDeepObjectArrays: a deepObject array of scalars travels as name[]=a&name[]=b; one of objects with each
// item's index (name[0][x]), as Stripe's clients send it, so the decoder gets every item back whole.
func TestDeepObjectArrays(t *testing.T) {
	obj := func(props openapi3.Schemas, req ...string) *openapi3.SchemaRef {
		return &openapi3.SchemaRef{Value: &openapi3.Schema{Type: &openapi3.Types{"object"}, Properties: props, Required: req}}
	}
	scalar := func(typ string) *openapi3.SchemaRef {
		return &openapi3.SchemaRef{Value: &openapi3.Schema{Type: &openapi3.Types{typ}}}
	}
	arr := func(items *openapi3.SchemaRef) *openapi3.SchemaRef {
		return &openapi3.SchemaRef{Value: &openapi3.Schema{Type: &openapi3.Types{"array"}, Items: items}}
	}
	line := obj(openapi3.Schemas{"amount": scalar("integer"), "period": obj(openapi3.Schemas{"start": scalar("integer"), "end": scalar("integer")}, "start", "end")}, "amount")
	mt := &openapi3.MediaType{
		Schema: obj(openapi3.Schemas{"lines": arr(line), "expand": arr(scalar("string"))}),
		Encoding: map[string]*openapi3.Encoding{
			"lines":  {Style: openapi3.SerializationDeepObject, Explode: openapi3.Ptr(true)},
			"expand": {Style: openapi3.SerializationDeepObject, Explode: openapi3.Ptr(true)},
		},
	}
	tests := []struct {
		name string
		body map[string]any
		want string
	}{
		{"scalars", map[string]any{"expand": []any{"a", "b"}}, "expand[]=a&expand[]=b"},
		{"objects", map[string]any{"lines": []any{
			map[string]any{"amount": 1.0, "period": map[string]any{"end": 3.0, "start": 2.0}},
			map[string]any{"amount": 4.0, "period": map[string]any{"end": 6.0, "start": 5.0}},
		}}, "lines[0][amount]=1&lines[0][period][end]=3&lines[0][period][start]=2&lines[1][amount]=4&lines[1][period][end]=6&lines[1][period][start]=5"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			enc := encodeBody(mediaForm, mt, tt.body)
			got, err := url.QueryUnescape(string(enc))
			require.NoError(t, err)
			require.Equal(t, tt.want, got)
			back, err := decodeBody(mediaForm, mt, enc)
			require.NoError(t, err)
			require.Equal(t, tt.body, back, "the decoder gets every item back whole")
		})
	}
}

// TestIdField: the answer field that names a created record for the read's path parameter is the parameter's own
// name, else the field its name ends with (GitHub's {team_slug} is the team's slug), else id.
func TestIdField(t *testing.T) {
	str := &openapi3.SchemaRef{Value: &openapi3.Schema{Type: &openapi3.Types{"string"}}}
	integer := &openapi3.SchemaRef{Value: &openapi3.Schema{Type: &openapi3.Types{"integer"}}}
	tests := []struct {
		param string
		props []string
		want  string
	}{
		{"team_slug", []string{"id", "slug", "name"}, "slug"},
		{"codespace_name", []string{"id", "name"}, "name"},
		{"issue_number", []string{"id", "number"}, "number"},
		{"petId", []string{"petId", "id"}, "petId"},
		{"index", []string{"id", "number"}, "id"},
		{"slug", []string{"id", "slug"}, "slug"},
		{"thing", []string{"name"}, ""},
		{"org", []string{"int:id", "login", "name"}, "login"}, // GitHub's /orgs/{org} against an integer id
		{"org", []string{"id", "login"}, "id"},                // a string id holds the org's name itself
		{"petId", []string{"int:id", "name"}, "id"},           // an id by its name stays the id
	}
	for _, tt := range tests {
		t.Run(tt.param, func(t *testing.T) {
			props := openapi3.Schemas{}
			for _, p := range tt.props {
				if name, ok := strings.CutPrefix(p, "int:"); ok {
					props[name] = integer
					continue
				}
				props[p] = str
			}
			ok := &openapi3.Response{Content: openapi3.NewContentWithJSONSchema(&openapi3.Schema{Type: &openapi3.Types{"object"}, Properties: props})}
			responses := openapi3.NewResponses(openapi3.WithStatus(201, &openapi3.ResponseRef{Value: ok}))
			op := &openapi.Operation{ID: "create", Method: "POST", Path: "/things", Op: &openapi3.Operation{Responses: responses}, Statuses: []int{201}}
			require.Equal(t, tt.want, idField(op, tt.param, str), "the path parameter is a string")
		})
	}
}

func TestEncodeBodyXML(t *testing.T) {
	str := &openapi3.SchemaRef{Value: &openapi3.Schema{Type: &openapi3.Types{"string"}}}
	boolean := &openapi3.SchemaRef{Value: &openapi3.Schema{Type: &openapi3.Types{"boolean"}}}
	req := &openapi3.SchemaRef{Ref: "#/components/schemas/AcceptAddressTransferRequest", Value: &openapi3.Schema{
		Type:       &openapi3.Types{"object"},
		Properties: openapi3.Schemas{"Address": str, "DryRun": boolean},
	}}
	mt := &openapi3.MediaType{Schema: req}
	body := map[string]any{"Address": "9865 Driveborough", "DryRun": true}
	tests := []struct {
		ct, want string
	}{
		{"text/xml", "<AcceptAddressTransferRequest><Address>9865 Driveborough</Address><DryRun>true</DryRun></AcceptAddressTransferRequest>"},
		{"application/xml; charset=utf-8", "<AcceptAddressTransferRequest><Address>9865 Driveborough</Address>"},
		{"application/vnd.example+xml", "<DryRun>true</DryRun>"},
	}
	for _, tt := range tests {
		t.Run(tt.ct, func(t *testing.T) {
			got := string(encodeBody(tt.ct, mt, body))
			require.Contains(t, got, tt.want)
			require.NotContains(t, got, `"Address"`, "no JSON under an XML label")
		})
	}
	// A string schema's value goes as it is: the document gives the text.
	require.Equal(t, "<a/>", string(encodeBody("text/xml", &openapi3.MediaType{Schema: str}, "<a/>")))
}

func TestOverlappingOneOf(t *testing.T) {
	str := &openapi3.SchemaRef{Value: &openapi3.Schema{Type: &openapi3.Types{"string"}}}
	errorWith := func(def string) *openapi3.SchemaRef {
		return &openapi3.SchemaRef{Value: &openapi3.Schema{Type: &openapi3.Types{"object"}, Required: []string{"error"},
			Properties: openapi3.Schemas{"error": {Value: &openapi3.Schema{Type: &openapi3.Types{"string"}, Default: def}}, "message": str}}}
	}
	loose := &openapi3.SchemaRef{Value: &openapi3.Schema{Type: &openapi3.Types{"object"}, Properties: openapi3.Schemas{"a": str}}}
	needsB := &openapi3.SchemaRef{Value: &openapi3.Schema{Type: &openapi3.Types{"object"}, Required: []string{"b"},
		Properties: openapi3.Schemas{"b": str}}}
	tests := []struct {
		name string
		alts openapi3.SchemaRefs
		body any
		want bool
	}{
		{"alternatives that differ only in a default", openapi3.SchemaRefs{errorWith("APIKEY_EMPTY"), errorWith("APIKEY_NOTFOUND")},
			map[string]any{"error": "APIKEY_EMPTY", "message": "m"}, true},
		{"one schema written twice", openapi3.SchemaRefs{str, str}, "x", true},
		{"alternatives a value can tell apart: the server chose badly", openapi3.SchemaRefs{loose, needsB},
			map[string]any{"b": "x"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			schema := &openapi3.Schema{OneOf: tt.alts}
			err := schema.VisitJSON(tt.body, openapi3.MultiErrors())
			require.Error(t, err, "the body matches more than one alternative")
			require.Equal(t, tt.want, overlappingOneOf(err, nil))
		})
	}
	require.False(t, overlappingOneOf(errors.New("not a schema error"), nil))
}

// TestNamesKeptRecord: an unknown-id case runs against standin only where the mock can tell: the list of a nested
// collection under a parent it keeps, not under a scope whose parent it infers no collection for (flat.io's
// /scores/{score}/comments with no GET /scores/{score}).
func TestNamesKeptRecord(t *testing.T) {
	doc := func(withParent bool) string {
		item := ``
		if withParent {
			item = `"/scores/{score}":{"parameters":[{"name":"score","in":"path","required":true,"schema":{"type":"string"}}],` +
				`"get":{"operationId":"getScore","responses":{"200":{"description":"ok","content":{"application/json":{"schema":{"$ref":"#/components/schemas/Score"}}}},"404":{"description":"none"}}}},`
		}
		return `{"openapi":"3.0.3","info":{"title":"t","version":"1"},"components":{"schemas":{` +
			`"Score":{"type":"object","properties":{"id":{"type":"string"},"title":{"type":"string"}}},` +
			`"Comment":{"type":"object","properties":{"id":{"type":"string"},"text":{"type":"string"}}}}},"paths":{` + item +
			`"/scores/{score}/comments":{"parameters":[{"name":"score","in":"path","required":true,"schema":{"type":"string"}}],` +
			`"get":{"operationId":"listComments","responses":{"200":{"description":"ok","content":{"application/json":{"schema":{"type":"array","items":{"$ref":"#/components/schemas/Comment"}}}}},"404":{"description":"none"}}},` +
			`"post":{"operationId":"addComment","requestBody":{"content":{"application/json":{"schema":{"$ref":"#/components/schemas/Comment"}}}},` +
			`"responses":{"201":{"description":"ok","content":{"application/json":{"schema":{"$ref":"#/components/schemas/Comment"}}}}}}}}}`
	}
	for _, tt := range []struct {
		name       string
		withParent bool
		want       bool
	}{{"a parent the mock keeps", true, true}, {"a scope and no parent collection", false, false}} {
		t.Run(tt.name, func(t *testing.T) {
			api, err := openapi.LoadData(t.Context(), "scores.json", []byte(doc(tt.withParent)))
			require.NoError(t, err)
			op := api.Operation("listComments")
			require.NotNil(t, op.Behaviour, "an inferred list")
			require.Equal(t, tt.want, namesKeptRecord(op))
		})
	}
}

// TestBooleanEnumMutations: a boolean enum is broken only by the boolean it leaves out; one that lists both
// values (Azure's includePathRecommendations) has no enum case, never a number a decoder reads as false.
func TestBooleanEnumMutations(t *testing.T) {
	boolean := func(enum ...any) *openapi3.Schema {
		return &openapi3.Schema{Type: &openapi3.Types{"boolean"}, Enum: enum}
	}
	enumCases := func(s *openapi3.Schema, v any) []any {
		var out []any
		for _, m := range paramMutations(s, v, requestOpts) {
			if m.rule == "enum" {
				out = append(out, m.value)
			}
		}
		return out
	}
	require.Empty(t, enumCases(boolean(false, true), true))
	require.Equal(t, []any{false}, enumCases(boolean(true), true))
	require.Equal(t, []any{true}, candidates(boolean(false), false, "enum", true))
}

func FuzzMaskSecrets(f *testing.F) {
	f.Add("http://h/t?key=t&x=tt", "t")
	f.Add("a a a", "a a")
	f.Fuzz(func(t *testing.T, s, secret string) {
		maskSecrets(s, []string{secret}) // any text, any secret: no panic
		if len(secret) >= 3 && !strings.Contains(masked, secret) {
			// The secret never survives where it stands alone.
			for _, sep := range []string{" ", "=", "&"} {
				require.NotContains(t, maskSecrets(sep+secret+sep, []string{secret}), sep+secret+sep)
			}
		}
	})
}

func TestMaskSecrets(t *testing.T) {
	tests := []struct {
		name, in string
		secrets  []string
		want     string
	}{
		{"long secret everywhere", "Bearer sk_test_123 and xsk_test_123y", []string{"sk_test_123"}, "Bearer **** and x****y"},
		{"query-escaped form", "key=a%2Fb%2Fc%2Fd%2Fe", []string{"a/b/c/d/e"}, "key=****"},
		{"short secret only where it stands alone", "http://h/t?key=t&x=tt", []string{"t"}, "http://h/****?key=****&x=tt"},
		{"short secret in a header value", "Bearer abc", []string{"abc"}, "Bearer ****"},
		{"short secret inside a word stays", "abcdef", []string{"abc"}, "abcdef"},
		{"overlapping occurrences", "a a a", []string{"a a"}, "**** a"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.Equal(t, tt.want, maskSecrets(tt.in, tt.secrets))
		})
	}
}
