package openapi

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/require"
)

func TestLoadBundled(t *testing.T) {
	require.Equal(t, []string{"aelyst", "carecycle", "cinnox"}, Bundled())
	tests := []struct {
		name     string
		basePath string
		ops      []string
	}{
		{"carecycle", "", []string{"assignInquiry", "updateCustomerCampaignStatus", "createAppointmentConfig",
			"listAppointmentConfigs", "deleteAppointmentConfig"}},
		{"aelyst", "/v1", []string{"updateAssignee", "getContact", "updateConversationStatus", "createContact"}},
		{"cinnox", "", []string{"getEnquiryDetail", "getLabelList", "labelEnquiry"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			api := loadSpec(t, tt.name)
			require.Equal(t, tt.name, api.Name)
			require.Equal(t, tt.basePath, api.BasePath)
			require.Len(t, api.Operations, len(tt.ops))
			for _, id := range tt.ops {
				op := api.Operation(id)
				require.NotNil(t, op, "operation %s", id)
				require.NotEmpty(t, op.Statuses)
				require.True(t, op.Documents(op.SuccessStatus()))
			}
			require.NotEmpty(t, api.Ext.Errors["validation"].Body, "root x-standin declares the validation error shape")
		})
	}
}

func TestLoadUnknownBundled(t *testing.T) {
	_, err := Load(context.Background(), "stripe")
	var unknown *UnknownAPIError
	require.ErrorAs(t, err, &unknown)
	require.Contains(t, err.Error(), "aelyst, carecycle, cinnox")
}

func TestLoadFileUserSpec(t *testing.T) {
	api, err := LoadFile(t.Context(), "testdata/petstore.yaml")
	require.NoError(t, err)
	require.Equal(t, "petstore", api.Name)
	require.Equal(t, "/api", api.BasePath)
	require.Equal(t, []string{"listPets", "createPet", "GET /pets/{id}"},
		[]string{api.Operations[0].ID, api.Operations[1].ID, api.Operations[2].ID})
	require.Equal(t, []int{200, 404}, api.Operation("GET /pets/{id}").Statuses)
	require.Equal(t, 201, api.Operation("createPet").SuccessStatus())
}

// TestCheckLocatesProblems pins that every problem names the file, the line and the JSON pointer.
func TestCheckLocatesProblems(t *testing.T) {
	tests := []struct {
		file string
		want []LoadError // Err compared by substring of its message
		msgs []string
	}{
		{"bad_example.yaml",
			[]LoadError{{Line: 20, Pointer: "/paths/~1things/get/responses/200/content/application~1json/examples/negative", Level: LevelWarning}},
			[]string{`value at "/count": number must be at least 0`}},
		{"bad_xstandin.yaml", []LoadError{
			{Line: 13, Pointer: "/x-standin/colour"},
			{Line: 9, Pointer: "/x-standin/errors/teapot"},
			{Line: 7, Pointer: "/x-standin/errors/validation/status"},
			{Line: 12, Pointer: "/x-standin/rateLimit/limit"},
			{Line: 12, Pointer: "/x-standin/rateLimit/window"},
			{Line: 12, Pointer: "/x-standin/rateLimit/per/0"},
		}, []string{`unknown key "colour"`, `unknown key "teapot"`, "status 4222 is not an HTTP status",
			"positive number", `window "soon"`, `unknown key part "cookie"`}},
		{"same_example_name.yaml",
			[]LoadError{{Line: 19, Pointer: "/paths/~1a/post/responses/201/content/application~1json/examples/docs", Level: LevelWarning}},
			[]string{`value at "/n": value must be an integer`}},
		{"bad_yaml.yaml", []LoadError{{Line: 6}}, []string{"did not find expected"}},
		{"bad_structure.yaml", []LoadError{{Line: 3, Pointer: "/paths"}, {Line: 3, Pointer: "/paths"}},
			[]string{"must define exactly all path parameters", `same operation id "getThing"`}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			path := "testdata/" + tt.file
			problems := Check(t.Context(), path)
			require.Len(t, problems, len(tt.want))
			for i, p := range problems {
				require.Equal(t, path, p.File)
				require.Equal(t, tt.want[i].Line, p.Line, "problem %d: %v", i, p)
				require.Equal(t, tt.want[i].Pointer, p.Pointer, "problem %d: %v", i, p)
				require.Equal(t, tt.want[i].Level, p.Level, "problem %d: %v", i, p)
				require.Contains(t, p.Error(), tt.msgs[i])
			}
			_, err := LoadWith(t.Context(), path, Options{Strict: true})
			var le *LoadError
			require.True(t, errors.As(err, &le), "LoadWith returns *LoadError values")
		})
	}
}

func TestCheckMissingFile(t *testing.T) {
	problems := Check(t.Context(), "testdata/nope.yaml")
	require.Len(t, problems, 1)
	require.Contains(t, problems[0].Error(), "testdata/nope.yaml: read:")
}

func FuzzLoadData(f *testing.F) {
	for _, name := range []string{"petstore", "bad_example", "bad_xstandin", "bad_yaml", "swagger2_petstore"} {
		data, err := readTestdata(name + ".yaml")
		require.NoError(f, err)
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		api, err := LoadData(context.Background(), "fuzz.yaml", data)
		if err == nil {
			require.NotNil(t, api)
			return
		}
		var le *LoadError
		require.ErrorAs(t, err, &le)
		require.Equal(t, "fuzz.yaml", le.File)
	})
}

func TestBasePath(t *testing.T) {
	tests := []struct {
		url, want string
	}{
		{"https://api.carecycle.ai", ""},
		{"https://api.aelyst.ai/v1", "/v1"},
		{"https://api.aelyst.ai/v1/", "/v1"},
		{"/api/v2", "/api/v2"},
		{"/", ""},
		{"", ""},
		{"httpbin.example.test/customers", "/customers"},
		{"httpbin.example.test", ""},
		{"v1", "/v1"},
		{"https://{region}.example.com/{version}", "/v3"},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			s := &openapi3.Server{URL: tt.url, Variables: map[string]*openapi3.ServerVariable{
				"region": {Default: "eu"}, "version": {Default: "v3"},
			}}
			require.Equal(t, tt.want, basePath(s))
		})
	}
}

// TestProblemLevels is the table of small documents, one per kind of warning and one per kind of error: each
// asserts the level, the pointer and the message, and that a warning alone never refuses the document unless
// Options.Strict asks.
func TestProblemLevels(t *testing.T) {
	const head = "openapi: 3.0.3\ninfo: {title: T, version: \"1\"}\n"
	// ok is a response with a JSON object schema, for the documents that need one.
	const ok = `      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {type: object, properties: {n: {type: integer, minimum: 0}}}
`
	tests := []struct {
		name    string
		doc     string
		level   Level
		pointer string
		msg     string
	}{
		// Warnings: what a document SHOULD do.
		{"media type example does not match", head + "paths:\n  /a:\n    get:\n" + ok + "              example: {n: -1}\n",
			LevelWarning, "/paths/~1a/get/responses/200/content/application~1json/example",
			`example does not match its schema: value at "/n": number must be at least 0; standin never serves it`},
		{"named example does not match", head + "paths:\n  /a:\n    get:\n" + ok + "              examples: {neg: {value: {n: -1}}}\n",
			LevelWarning, "/paths/~1a/get/responses/200/content/application~1json/examples/neg", "example does not match its schema"},
		{"schema example does not match", head + "paths: {}\ncomponents:\n  schemas:\n    S: {type: string, format: date-time, example: yesterday}\n",
			LevelWarning, "/components/schemas/S/example", `example does not match its schema: value at "/"`},
		{"default does not match", head + "paths: {}\ncomponents:\n  schemas:\n    S: {type: integer, default: many}\n",
			LevelWarning, "/components/schemas/S/default", "default does not match its schema: value at \"/\": value must be an integer; standin ignores it"},
		{"parameter example does not match", head + "paths:\n  /a:\n    get:\n      parameters: [{name: q, in: query, schema: {type: string, pattern: \"^[a-z]+$\"}, example: \"ABC\"}]\n" + ok,
			LevelWarning, "/paths/~1a/get/parameters/0/example", "doesn't match the regular expression"},
		{"example object without value", head + "paths:\n  /a:\n    get:\n" + ok + "              examples: {summary-only: {summary: just words}}\n",
			LevelWarning, "/paths/~1a/get/responses/200/content/application~1json/examples/summary-only", "the example has no value"},
		{"component example without value", head + "paths: {}\ncomponents:\n  examples:\n    E: {summary: just words}\n",
			LevelWarning, "/components/examples/E", "the example has no value"},
		{"a header parameter OpenAPI ignores", head + "paths:\n  /a:\n    get:\n      parameters: [{name: Content-Type, in: header, required: true, schema: {type: string}}]\n" + ok,
			LevelWarning, "/paths/~1a/get/parameters/0", "a header parameter named Content-Type is ignored"},
		{"a URL after '#' in a path key", head + "paths:\n  /send/#env/v1/{partnerId}/t:\n    post:\n      parameters: [{name: partnerId, in: path, required: true, schema: {type: string}}]\n" + ok,
			LevelWarning, "/paths/~1send~1#env~1v1~1{partnerId}~1t", `requests are routed on "/send/", and path parameters named after the '#' cannot be sent`},
		{"a '{' without its '}'", head + "paths:\n  /a/{id:\n    get:\n" + ok,
			LevelWarning, "/paths/~1a~1{id", `the path template "/a/{id" has a '{' without its '}': it is matched as literal text`},
		{"a '}' without its '{'", head + "paths:\n  /a/x}y:\n    get:\n" + ok,
			LevelWarning, "/paths/~1a~1x}y", `the path template "/a/x}y" has a '}' without its '{'`},
		{"a parameter named twice in a path", head + "paths:\n  /a/{id}/b/{id}:\n    get:\n      parameters: [{name: id, in: path, required: true, schema: {type: string}}]\n" + ok,
			LevelWarning, "/paths/~1a~1{id}~1b~1{id}", `names the parameter "id" more than once: the value in its first place is the one validated`},
		{"response without description", head + "paths:\n  /a:\n    get:\n      responses:\n        \"204\": {}\n",
			LevelWarning, "/paths/~1a/get/responses/204", "the response has no description"},
		{"no info", "openapi: 3.0.3\npaths: {}\n", LevelWarning, "", "the document has no info"},
		{"empty title", "openapi: 3.0.3\ninfo: {title: \"\", version: \"1\"}\npaths: {}\n", LevelWarning, "/info", "info.title is missing or empty"},
		{"no version", "openapi: 3.0.3\ninfo: {title: T}\npaths: {}\n", LevelWarning, "/info", "info.version is missing or empty"},
		{"license without name", "openapi: 3.0.3\ninfo: {title: T, version: \"1\", license: {url: \"https://example.com\"}}\npaths: {}\n",
			LevelWarning, "/info", "info.license.name is missing"},
		{"pattern that is no regular expression", head + "paths: {}\ncomponents:\n  schemas:\n    S: {type: string, pattern: \"([a-z\"}\n",
			LevelWarning, "/components/schemas/S/pattern", `pattern "([a-z": not an ECMA-262 regular expression`},
		{"equivalent paths without a shared method", head + "paths:\n  /a/{x}:\n    get:\n      parameters: [{name: x, in: path, required: true, schema: {type: string}}]\n" + ok +
			"  /a/{y}:\n    delete:\n      parameters: [{name: y, in: path, required: true, schema: {type: string}}]\n" + ok,
			LevelWarning, "/paths", "share no method, so standin routes each method to its own path"},
		{"a keyword of the other OpenAPI version", "openapi: 3.1.0\ninfo: {title: T, version: \"1\"}\npaths: {}\ncomponents:\n  schemas:\n    S: {type: number, minimum: 0, exclusiveMinimum: true}\n",
			LevelWarning, "/components/schemas/S", "a boolean exclusiveMinimum is for OpenAPI <3.1"},
		{"unknown fields", head + "paths: {}\ncomponents:\n  schemas:\n    S: {type: object, definitions: {A: {type: string}}}\n",
			LevelWarning, "/components/schemas/S", "unknown fields definitions (not OpenAPI fields and not x- extensions); standin ignores them"},
		{"server with an empty url", head + "servers: [{url: \"\"}]\npaths: {}\n", LevelWarning, "/servers", "a server has an empty url"},
		{"externalDocs without url", head + "externalDocs: {description: more}\npaths: {}\n", LevelWarning, "", "externalDocs has no url"},
		{"parameter without a name", head + "paths:\n  /a:\n    get:\n      parameters: [{name: \"\", in: query, schema: {type: string}}]\n" + ok,
			LevelWarning, "/paths/~1a/get/parameters/0", "the parameter has no name"},

		// Errors: MUSTs.
		{"unresolvable $ref", head + "paths:\n  /a:\n    get:\n      responses:\n        \"200\": {$ref: \"#/components/responses/Nope\"}\n",
			LevelError, "/paths/~1a/get/responses/200", `unresolvable $ref "#/components/responses/Nope"`},
		{"security requirement naming no scheme", head + "security: [{nope: []}]\npaths: {}\n",
			LevelError, "/security", "nope"},
		{"equivalent paths sharing a method", head + "paths:\n  /a/{x}:\n    get:\n      parameters: [{name: x, in: path, required: true, schema: {type: string}}]\n" + ok +
			"  /a/{y}:\n    get:\n      parameters: [{name: y, in: path, required: true, schema: {type: string}}]\n" + ok,
			LevelError, "/paths", "conflicting paths"},
		{"wrong type", head + "paths:\n  /a:\n    get:\n      parameters: [{name: q, in: query, schema: {type: strange}}]\n" + ok,
			LevelError, "/paths/~1a/get", `unsupported 'type' value "strange"`},
		{"responses without a status", head + "paths:\n  /a:\n    get:\n      responses: {}\n",
			LevelError, "/paths/~1a/get", "the responses object MUST contain at least one response code"},
		{"wrong type for a field", head + "paths: {}\ncomponents:\n  schemas:\n    S: {type: string, pattern: 12}\n",
			LevelError, "", "wrong type: cannot unmarshal number into field Schema.pattern of type string"},
		{"array without items", head + "paths: {}\ncomponents:\n  schemas:\n    S: {type: array}\n",
			LevelError, "/components/schemas/S", "'items' must be non-null"},
		{"undeclared path parameter", head + "paths:\n  /a/{id}:\n    get:\n" + ok,
			LevelError, "/paths", "must define exactly all path parameters"},
		{"unknown openapi version", "openapi: 4.0.0\ninfo: {title: T, version: \"1\"}\npaths: {}\n",
			LevelError, "/openapi", `openapi is "4.0.0"`},
		{"unknown x-standin key", head + "x-standin: {colour: blue}\npaths: {}\n",
			LevelError, "/x-standin/colour", `unknown key "colour"`},
		{"YAML syntax", head + "paths:\n  /a: [\n", LevelError, "", "YAML syntax error"},
		{"JSON syntax", "{\"openapi\": \"3.0.3\",\n \"info\": {\"title\": \"T\", \"version\": \"1\"},\n \"paths\": {,}}\n",
			LevelError, "", "JSON syntax error: invalid character ','"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := t.TempDir() + "/doc.yaml"
			if strings.HasPrefix(tt.doc, "{") {
				path = strings.TrimSuffix(path, ".yaml") + ".json"
			}
			require.NoError(t, os.WriteFile(path, []byte(tt.doc), 0o600))
			api, problems := Inspect(t.Context(), path, Options{})
			require.NotEmpty(t, problems)
			var p *LoadError
			for _, q := range problems {
				if strings.Contains(q.Error(), tt.msg) {
					p = q
				}
			}
			require.NotNil(t, p, "no problem says %q: %v", tt.msg, problems)
			require.Equal(t, tt.level, p.Level, "%v", p)
			require.Equal(t, tt.pointer, p.Pointer, "%v", p)
			require.Equal(t, path, p.File)
			if tt.pointer != "" || tt.level == LevelError && strings.Contains(tt.msg, "syntax") {
				require.Positive(t, p.Line, "%v", p)
			}
			if tt.level == LevelError {
				require.Nil(t, api, "an error refuses the document")
				return
			}
			for _, q := range problems {
				require.Equal(t, LevelWarning, q.Level, "only warnings: %v", q)
			}
			require.NotNil(t, api, "warnings alone do not refuse a document")
			require.Equal(t, problems, api.Warnings)
			_, err := LoadWith(t.Context(), path, Options{Strict: true})
			require.ErrorContains(t, err, tt.msg, "--strict refuses it")
		})
	}
}

// TestFileRefsAreBounded pins that a $ref reads only regular files within the size limit: /dev/zero and a FIFO
// with no writer are refused at once instead of hanging or filling memory.
func TestFileRefsAreBounded(t *testing.T) {
	dir := t.TempDir()
	fifo := dir + "/pipe.yaml"
	require.NoError(t, syscallMkfifo(fifo))
	big := dir + "/big.yaml"
	require.NoError(t, os.WriteFile(big, []byte("S: {type: string, description: \""+strings.Repeat("x", 4096)+"\"}\n"), 0o600))
	tests := []struct{ ref, msg string }{
		{"/dev/zero", "not a regular file"},
		{fifo, "not a regular file"},
		{big, "more than the limit of 1024"},
		{dir + "/missing.yaml", "no such file"},
	}
	for _, tt := range tests {
		t.Run(tt.ref, func(t *testing.T) {
			doc := dir + "/doc.yaml"
			require.NoError(t, os.WriteFile(doc, []byte("openapi: 3.0.3\ninfo: {title: T, version: \"1\"}\npaths:\n  /a:\n    get:\n      responses:\n        \"200\":\n          description: ok\n          content:\n            application/json:\n              schema: {$ref: \"file://"+tt.ref+"#/S\"}\n"), 0o600))
			_, err := LoadWith(t.Context(), doc, Options{MaxBytes: 1024})
			require.ErrorContains(t, err, tt.msg)
		})
	}
}

// TestRemoteDocuments loads a document from an httptest URL: relative $refs are fetched from the same place,
// a local file is never read on a remote document's behalf, and failures name the URL.
func TestRemoteDocuments(t *testing.T) {
	secret := t.TempDir() + "/secret.yaml"
	require.NoError(t, os.WriteFile(secret, []byte("S: {type: string}\n"), 0o600))
	files := map[string]string{
		"/api.yaml":             "openapi: 3.0.3\ninfo: {title: R, version: \"1\"}\npaths:\n  /a:\n    get:\n      responses:\n        \"200\": {$ref: \"parts/responses.yaml#/Ok\"}\n",
		"/parts/responses.yaml": "Ok:\n  description: ok\n  content: {application/json: {schema: {$ref: \"../schemas.yaml#/S\"}}}\n",
		"/schemas.yaml":         "S: {type: object, properties: {n: {type: integer}}}\n",
		"/local.yaml":           "openapi: 3.0.3\ninfo: {title: R, version: \"1\"}\npaths:\n  /a:\n    get:\n      responses:\n        \"200\": {description: ok, content: {application/json: {schema: {$ref: \"file://" + secret + "#/S\"}}}}\n",
		"/swagger.json":         `{"swagger": "2.0", "info": {"title": "S", "version": "1"}, "paths": {"/p": {"get": {"responses": {"200": {"description": "ok"}}}}}}`,
	}
	var mu sync.Mutex
	var got []string
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		got = append(got, r.URL.Path)
		mu.Unlock()
		text, ok := files[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		_, _ = w.Write([]byte(text))
	}))
	t.Cleanup(ts.Close)

	api, err := LoadWith(t.Context(), ts.URL+"/api.yaml", Options{Client: ts.Client()})
	require.NoError(t, err)
	require.Equal(t, "api", api.Name)
	require.Empty(t, api.Files, "nothing local to watch")
	mu.Lock()
	require.Equal(t, []string{"/api.yaml", "/parts/responses.yaml", "/schemas.yaml"}, got)
	got = nil
	mu.Unlock()

	_, err = LoadWith(t.Context(), ts.URL+"/local.yaml", Options{Client: ts.Client()})
	require.ErrorContains(t, err, "a document fetched over HTTP may reference other URLs but no local file")

	api, err = LoadWith(t.Context(), ts.URL+"/swagger.json", Options{Client: ts.Client()})
	require.NoError(t, err)
	require.True(t, api.Converted)

	problems := Check(t.Context(), ts.URL+"/nope.yaml")
	require.Len(t, problems, 1)
	var re *ReadError
	require.ErrorAs(t, problems[0], &re)
	require.ErrorContains(t, problems[0], "fetch "+ts.URL+"/nope.yaml: the server answered 404 Not Found")

	_, err = LoadWith(t.Context(), ts.URL+"/api.yaml", Options{Client: ts.Client(), MaxBytes: 64})
	require.ErrorContains(t, err, "more than the limit of 64 bytes")
}

// TestSwagger2Detection pins that only a top-level swagger: "2.0" makes a document Swagger 2.0, and that problems
// of a converted document point at the original's lines.
func TestSwagger2Detection(t *testing.T) {
	api, err := LoadData(t.Context(), "v3.json", []byte(`{"openapi": "3.0.3", "info": {"title": "T", "version": "1"},
 "paths": {"/a": {"get": {"responses": {"200": {"description": "ok", "content": {"application/json": {
   "schema": {"type": "object"}, "example": {"swagger": "2.0"}}}}}}}}}`))
	require.NoError(t, err)
	require.False(t, api.Converted)

	api, err = LoadFile(t.Context(), "testdata/swagger2_petstore.yaml")
	require.NoError(t, err)
	require.True(t, api.Converted)
	require.Equal(t, "/v1", api.BasePath)
	require.Equal(t, []string{"listPets", "addPet", "showPet", "deletePet"}, []string{api.Operations[0].ID, api.Operations[1].ID, api.Operations[2].ID, api.Operations[3].ID})

	dir := t.TempDir()
	data, err := os.ReadFile("testdata/swagger2_petstore.yaml")
	require.NoError(t, err)
	broken := strings.Replace(string(data), "examples:\n            application/json: {id: 7, name: Rex, tag: dog}",
		"examples:\n            application/json: {id: 0, name: Rex}", 1)
	require.NotEqual(t, string(data), broken)
	require.NoError(t, os.WriteFile(dir+"/pets.yaml", []byte(broken), 0o600))
	api, problems := Inspect(t.Context(), dir+"/pets.yaml", Options{})
	require.NotNil(t, api)
	require.Len(t, problems, 1)
	require.Equal(t, LevelWarning, problems[0].Level)
	require.Equal(t, "/paths/~1pets~1{petId}/get/responses/200/examples/application~1json", problems[0].Pointer, "the Swagger 2.0 layout")
	require.Equal(t, 47, problems[0].Line)
	require.Contains(t, problems[0].Error(), "number must be at least 1")
}

// TestIgnoredHeaderParameters: Accept, Content-Type and Authorization header parameters are left out of the
// operation (OpenAPI says their definitions SHALL be ignored), so nothing validates or sends them; a header
// parameter of another name stays.
func TestIgnoredHeaderParameters(t *testing.T) {
	doc := `{"openapi":"3.0.3","info":{"title":"t","version":"1"},"paths":{"/a":{` +
		`"parameters":[{"name":"authorization","in":"header","required":true,"schema":{"type":"string"}}],` +
		`"post":{"operationId":"a","parameters":[` +
		`{"name":"Content-Type","in":"header","required":true,"schema":{"type":"string"}},` +
		`{"name":"Accept","in":"header","schema":{"type":"string"}},` +
		`{"name":"X-Tenant","in":"header","required":true,"schema":{"type":"string"}}],` +
		`"responses":{"200":{"description":"ok"}}}}}}`
	api, err := LoadData(t.Context(), "headers.json", []byte(doc))
	require.NoError(t, err)
	op := api.Operation("a")
	var names []string
	for _, p := range op.Item.Parameters {
		names = append(names, p.Value.Name)
	}
	for _, p := range op.Op.Parameters {
		names = append(names, p.Value.Name)
	}
	require.Equal(t, []string{"X-Tenant"}, names)
	require.Len(t, api.Warnings, 3)
}
