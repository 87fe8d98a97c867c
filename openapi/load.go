package openapi

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"gopkg.in/yaml.v3"

	"github.com/standin/standin/fake"
	"github.com/standin/standin/internal/jsonvalue"
	"github.com/standin/standin/openapi/pattern"
)

// Level says how bad a problem is.
type Level int

const (
	// LevelError breaks a MUST of the document's OpenAPI version (an unresolvable $ref, a security requirement
	// naming no scheme, conflicting path templates, a structural type error) or of x-standin: the document is
	// refused.
	LevelError Level = iota
	// LevelWarning is something a document SHOULD do (examples and defaults that match their schemas, Example
	// Objects with a value, descriptions, info and its title): the document loads, mended where needed, unless
	// Options.Strict asks for a lint gate.
	LevelWarning
)

func (l Level) String() string {
	if l == LevelWarning {
		return "warning"
	}
	return "error"
}

// LoadError is one problem with a document: where it is, how bad it is and what was wrong.
type LoadError struct {
	File    string // the file or URL as named by the caller
	Line    int    // 1-based line, 0 when it cannot be told
	Pointer string // JSON pointer of the offending node, "" when it cannot be told
	Level   Level
	Err     error
}

func (e *LoadError) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		b.WriteString(":" + strconv.Itoa(e.Line))
	}
	if e.Pointer != "" {
		b.WriteString(": at " + e.Pointer)
	}
	if e.Level == LevelWarning {
		b.WriteString(": warning")
	}
	b.WriteString(": " + e.Err.Error())
	return b.String()
}

func (e *LoadError) Unwrap() error { return e.Err }

// Options tunes how a document is loaded. The zero value loads leniently with the default limits.
type Options struct {
	// Strict turns warnings into errors: a document with any warning is refused (a lint gate for CI).
	Strict bool
	// Client fetches documents named by URL and the URLs their $refs name; nil means a client with
	// FetchTimeout.
	Client *http.Client
	// MaxBytes is the largest document or referenced file read; 0 means DefaultMaxBytes.
	MaxBytes int64
	// KeepSourceTree keeps the node tree of a JSON document that load parsed (to give its warnings lines) for
	// the first API.TakeSourceTree, as a YAML document's always is: a mock planned at once then reads the example
	// order from it instead of parsing the text again (GitHub's 13 MB description: 0.16 s). Without it the tree
	// is dropped at the end of the load, so that a long-lived API does not hold it.
	KeepSourceTree bool
}

// Load loads the bundled spec called name ("carecycle", "aelyst", "cinnox").
func Load(ctx context.Context, name string) (*API, error) {
	data, err := Source(name)
	if err != nil {
		return nil, err
	}
	if twin, ok := twinOf(name); ok {
		data = twin // the same document, read in a third of the time (twin.go); openapi.Source gives the YAML
	}
	return LoadData(ctx, "openapi/"+name+".yaml", data)
}

// LoadFile loads an OpenAPI 3 or Swagger 2.0 document from a file or an http(s) URL, leniently: warnings do not
// stop it (they are in API.Warnings). References to other files and URLs are followed.
func LoadFile(ctx context.Context, location string) (*API, error) {
	return LoadWith(ctx, location, Options{})
}

// LoadWith loads a document from a file or an http(s) URL with opts. The error joins every *LoadError that
// refuses the document.
func LoadWith(ctx context.Context, location string, opts Options) (*API, error) {
	api, problems := Inspect(ctx, location, opts)
	if api != nil {
		return api, nil
	}
	return nil, refusal(problems, opts.Strict)
}

// LoadData loads a document from data; file names it in errors and resolves relative references.
func LoadData(ctx context.Context, file string, data []byte) (*API, error) {
	rd := newReader(ctx, Options{})
	api, problems := rd.load(file, &url.URL{Path: filepath.ToSlash(file)}, data, false)
	if api != nil {
		return api, nil
	}
	return nil, refusal(problems, false)
}

// Check loads the document at location (a file or a URL) and returns every problem found, errors and warnings:
// syntax, structure, examples and x-standin. An empty result means the document is clean.
func Check(ctx context.Context, location string) []*LoadError {
	_, problems := Inspect(ctx, location, Options{})
	return problems
}

// Inspect loads the document at location and returns it with every problem found, errors first. The API is nil
// when the document is refused: an error, or with opts.Strict a warning.
func Inspect(ctx context.Context, location string, opts Options) (*API, []*LoadError) {
	rd := newReader(ctx, opts)
	data, base, err := rd.root(location)
	if err != nil {
		return nil, []*LoadError{{File: location, Err: &ReadError{Err: err}}}
	}
	return rd.load(location, base, data, opts.Strict)
}

// refusal joins the problems that refuse a document.
func refusal(problems []*LoadError, strict bool) error {
	var errs []error
	for _, p := range problems {
		if p.Level == LevelError || strict {
			errs = append(errs, p)
		}
	}
	return errors.Join(errs...)
}

// mentionsSwagger2 finds the version field of a Swagger 2.0 document: a YAML key "swagger:" at the start of a
// line followed by 2.0 (optionally quoted), or a JSON member "swagger": "2.0". It jumps from one "swagger" to the
// next (a memchr-speed search), where a regular expression over a multi-megabyte document cost a tenth of a
// second per megabyte.
func mentionsSwagger2(data []byte) bool {
	const word = "swagger"
	for off := 0; ; {
		i := bytes.Index(data[off:], []byte(word))
		if i < 0 {
			return false
		}
		i += off
		rest := data[i+len(word):]
		// YAML: ^swagger:\s*["']?2\.0
		if (i == 0 || data[i-1] == '\n') && len(rest) > 0 && rest[0] == ':' {
			r := skipSpace(rest[1:])
			if len(r) > 0 && (r[0] == '"' || r[0] == '\'') {
				r = r[1:]
			}
			if bytes.HasPrefix(r, []byte("2.0")) {
				return true
			}
		}
		// JSON: "swagger"\s*:\s*"2\.0"
		if i > 0 && data[i-1] == '"' && len(rest) > 0 && rest[0] == '"' {
			r := skipSpace(rest[1:])
			if len(r) > 0 && r[0] == ':' && bytes.HasPrefix(skipSpace(r[1:]), []byte(`"2.0"`)) {
				return true
			}
		}
		off = i + len(word)
	}
}

// skipSpace drops the leading white space a regular expression's \s matches: tab, newline, form feed, carriage
// return and space.
func skipSpace(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t' || b[0] == '\n' || b[0] == '\f' || b[0] == '\r') {
		b = b[1:]
	}
	return b
}

// loader returns a kin-openapi loader that reads through rd.
func (rd *reader) loader() *openapi3.Loader {
	loader := openapi3.NewLoader()
	loader.Context = rd.ctx
	loader.IsExternalRefsAllowed = true
	loader.ReadFromURIFunc = rd.read
	return loader
}

func (rd *reader) load(file string, location *url.URL, data []byte, strict bool) (*API, []*LoadError) {
	src := newSourceMap(data)
	isJSON := looksJSON(data)
	var root any // a JSON text decoded once (fastjson.go), nil when jsonvalue declined it
	if isJSON {
		var ok bool
		if root, ok = jsonvalue.DecodeDocument(data); !ok {
			if err := jsonSyntax(data); err != nil {
				return nil, []*LoadError{{File: file, Line: err.line, Err: err}}
			}
		}
	}
	loader := rd.loader()
	converted := mentionsSwagger2(data)
	if converted && isJSON {
		// The member may sit in an example; only a top-level swagger without openapi is Swagger 2.0.
		converted = jsonSwagger2(root, data)
	}
	var (
		doc *openapi3.T
		err error
	)
	if converted {
		doc, err = fromSwagger2(loader, data, location, isJSON)
		src.v2 = true
	} else {
		// JSON takes the one-pass decoder (fastjson.go); when it gives up or meets any error, kin-openapi's
		// own decoder runs from scratch, so that what is accepted and every message stay the same.
		// YAML text is parsed once into the node tree that sourceMap reads and that the API keeps for the
		// mock's example order (fastyaml.go), and decoded from that tree the same way.
		err = errSlowPath
		read := len(rd.files)
		if isJSON {
			doc, err = loadFastFrom(loader, root, data, location)
		} else if tree := parseYAMLTree(data); tree != nil {
			src.root, src.parsed = tree, true
			doc, err = loadFastYAML(loader, tree, len(data), location)
		}
		if err != nil {
			rd.files = rd.files[:read]
		}
		if err != nil {
			loader = rd.loader()
			doc, err = loader.LoadFromDataWithPath(data, location)
		}
	}
	if err != nil {
		if !isJSON {
			if yerr := yamlSyntax(data); yerr != nil {
				return nil, []*LoadError{{File: file, Line: yerr.line, Err: yerr}}
			}
		}
		if strings.HasSuffix(err.Error(), "not found") {
			if ptr, line, ref, ok := src.brokenRef(); ok {
				return nil, []*LoadError{{File: file, Line: line, Pointer: ptr,
					Err: fmt.Errorf("unresolvable $ref %q: the document has no such node (%v)", ref, err)}}
			}
		}
		le := src.locate(file, err, nil)
		le.Err = unmarshalReason(err, isJSON)
		return nil, []*LoadError{le}
	}
	if !converted && !strings.HasPrefix(doc.OpenAPI, "3.") {
		return nil, []*LoadError{{File: file, Line: src.line("/openapi"), Pointer: "/openapi",
			Err: fmt.Errorf("not an OpenAPI document: openapi is %q; expected openapi: 3.0.x or 3.1.x (or swagger: \"2.0\")", doc.OpenAPI)}}
	}

	// Schemas that would make the generator or a validator explode (fake.CheckDoc) are refused before anything
	// checks a value against them: checking against a schema that contains itself through allOf never ends.
	var explosive []*LoadError
	for _, p := range fake.CheckDoc(doc, 0) {
		e := &LoadError{File: file, Level: LevelError, Err: errors.New(p.Msg)}
		e.Pointer, e.Line = src.place(p.Pointer)
		explosive = append(explosive, e)
	}
	if len(explosive) > 0 {
		return nil, explosive
	}

	warnings := lint(doc)
	for _, w := range warnings {
		w.File = file
		w.Pointer, w.Line = src.place(w.Pointer)
	}
	var problems []*LoadError
	opts := []openapi3.ValidationOption{
		openapi3.DisableExamplesValidation(), openapi3.DisableSchemaDefaultsValidation(), openapi3.EnableMultiError(),
		openapi3.SetRegexCompiler(pattern.Lenient),
	}
	if err := validateDoc(rd.ctx, doc, opts...); err != nil {
		var all []error
		var multi openapi3.MultiError
		if errors.As(err, &multi) {
			all = flatten(multi)
		} else {
			all = []error{err}
		}
		for _, e := range all {
			if msg := shouldLevel(e, doc); msg != "" {
				le := src.locate(file, e, doc)
				le.Level, le.Err = LevelWarning, errors.New(msg)
				warnings = append(warnings, le)
				continue
			}
			problems = append(problems, src.locate(file, e, doc))
		}
	}
	if doc.Info == nil {
		doc.Info = &openapi3.Info{}
	}
	api, err := newAPI(file, data, doc)
	if err != nil {
		problems = append(problems, &LoadError{File: file, Err: err})
		return nil, append(problems, warnings...)
	}
	api.Converted = converted
	api.Files = rd.files
	if (!isJSON || rd.keepTree) && src.parsed && src.root != nil {
		api.tree.Store(src.root) // a JSON text's tree is rebuilt cheaply when asked for; a YAML one is not
	}
	ext, extProblems := parseExtension(doc.Extensions[extensionKey])
	for _, p := range extProblems {
		problems = append(problems, &LoadError{File: file, Line: src.line(p.pointer), Pointer: p.pointer, Err: p.err})
	}
	api.Ext = ext
	bp := &extParser{}
	parseBehaviours(api, bp)
	for _, p := range bp.problems {
		problems = append(problems, &LoadError{File: file, Line: src.line(p.pointer), Pointer: p.pointer, Err: p.err})
	}
	api.Name = ext.Name
	if api.Name == "" {
		api.Name = mountName(file)
	}
	slices.SortStableFunc(warnings, func(a, b *LoadError) int { return cmp.Compare(a.Line, b.Line) })
	api.Warnings = warnings
	problems = append(problems, warnings...)
	if len(problems) > len(warnings) || strict && len(warnings) > 0 {
		return nil, problems
	}
	return api, problems
}

// mountName is the name an API without x-standin name is mounted at: its file name without extension (for a
// URL, the last path segment).
func mountName(location string) string {
	if IsURL(location) {
		if u, err := url.Parse(location); err == nil {
			location = u.Path
		}
	}
	name := strings.TrimSuffix(path.Base(filepath.ToSlash(location)), path.Ext(location))
	if name == "" || name == "." || name == "/" {
		return "api"
	}
	return name
}

// shouldLevel tells whether a kin-openapi validation error breaks only a SHOULD (or a REQUIRED field standin
// can do without) and returns the warning's message; "" means it is an error.
func shouldLevel(err error, doc *openapi3.T) string {
	var (
		conflict  *openapi3.ConflictingPathsError
		noInfo    *openapi3.InfoRequired
		noTitle   *openapi3.InfoTitleRequired
		noVersion *openapi3.InfoVersionRequired
		noLicense *openapi3.LicenseNameRequired
		noDesc    *openapi3.ResponseDescriptionRequired
		noValue   *openapi3.ExampleValueOrExternalValueRequired
		badRegexp *openapi3.SchemaPatternRegexError
		version   *openapi3.FieldVersionMismatchError
		extra     *openapi3.ExtraSiblingFieldsError
		noURL     *openapi3.ServerURLRequired
		noDocsURL *openapi3.ExternalDocsURLRequired
	)
	switch {
	case errors.As(err, &conflict):
		// OpenAPI says equivalent templates MUST NOT both exist, yet large descriptions (GitHub's) have pairs
		// that share no method: a router still tells them apart by method, so only a shared method is an error.
		if shared := sharedMethods(doc, conflict.Path1, conflict.Path2); len(shared) == 0 {
			return fmt.Sprintf("paths %q and %q are the same template with different parameter names (OpenAPI says they must not both exist); they share no method, so standin routes each method to its own path",
				conflict.Path1, conflict.Path2)
		}
		return ""
	case errors.As(err, &noInfo):
		return "the document has no info (OpenAPI requires info with title and version); standin names the API after the file"
	case errors.As(err, &noTitle):
		return "info.title is missing or empty (OpenAPI requires it); standin names the API after the file"
	case errors.As(err, &noVersion):
		return "info.version is missing or empty (OpenAPI requires it)"
	case errors.As(err, &noLicense):
		return "info.license.name is missing (OpenAPI requires it)"
	case errors.As(err, &noDesc):
		return "the response has no description (OpenAPI requires one; standin does without)"
	case errors.As(err, &noValue):
		return "the example has no value (an Example Object needs value or externalValue); it is never served"
	case errors.As(err, &version):
		// A keyword of the other OpenAPI version (a 3.0 boolean exclusiveMinimum in a 3.1 document, a 3.1
		// keyword in a 3.0 one): the official 3.1 schema does not look inside schemas, and kin-openapi's
		// validation reads both forms.
		return fmt.Sprintf("%s (it belongs to another OpenAPI version than this document's %s); standin reads it as written",
			strings.TrimPrefix(version.Error(), "invalid "), doc.OpenAPI)
	case errors.As(err, &extra):
		return fmt.Sprintf("unknown fields %s (not OpenAPI fields and not x- extensions); standin ignores them",
			strings.Join(extra.Fields, ", "))
	case errors.As(err, &noURL):
		return "a server has an empty url (OpenAPI requires one); standin serves it at the mount root"
	case errors.As(err, &noDocsURL):
		return "externalDocs has no url (OpenAPI requires one)"
	case errors.As(err, &badRegexp):
		return fmt.Sprintf("pattern %q is not an ECMA-262 regular expression; it is not enforced", badRegexp.Pattern)
	}
	return ""
}

// sharedMethods lists the methods two path items both define.
func sharedMethods(doc *openapi3.T, a, b string) []string {
	if doc.Paths == nil {
		return nil
	}
	ia, ib := doc.Paths.Value(a), doc.Paths.Value(b)
	if ia == nil || ib == nil {
		return nil
	}
	var shared []string
	for m := range ia.Operations() {
		if ib.GetOperation(m) != nil {
			shared = append(shared, m)
		}
	}
	return shared
}

// unmarshalReason shortens kin-openapi's "failed to unmarshal data: json error: X, yaml error: Y" to the part
// that speaks about the document's own language, with Go's type names in plain words.
func unmarshalReason(err error, isJSON bool) error {
	msg := err.Error()
	rest, ok := strings.CutPrefix(msg, "failed to unmarshal data: json error: ")
	if !ok {
		return err
	}
	jsonPart, yamlPart, _ := strings.Cut(rest, ", yaml error: ")
	rest = jsonPart
	if !isJSON && yamlPart != "" {
		rest = yamlPart
		for _, p := range []string{"error unmarshaling JSON: ", "while decoding JSON: "} {
			rest = strings.TrimPrefix(rest, p)
		}
	}
	rest = strings.TrimPrefix(rest, "json: ")
	rest = strings.NewReplacer("[]interface {}", "array", "map[string]interface {}", "object", " Go struct", "", " Go value", "").Replace(rest)
	return fmt.Errorf("wrong type: %s", rest)
}

// looksJSON reports whether data is a JSON text (its first non-blank byte opens an object or an array).
func looksJSON(data []byte) bool {
	t := bytes.TrimLeft(data, " \t\r\n\ufeff")
	return len(t) > 0 && (t[0] == '{' || t[0] == '[')
}

// syntaxError is a JSON or YAML syntax error at a line.
type syntaxError struct {
	lang string
	line int
	msg  string
}

func (e *syntaxError) Error() string { return e.lang + " syntax error: " + e.msg }

// jsonSwagger2 reports whether a JSON text is a Swagger 2.0 document: a top-level swagger "2.0" without
// openapi, as encoding/json reads them into string fields (keys matched without regard to case, and a value of
// another type refusing the whole). root is the text decoded, nil when it was not; top-level keys that differ
// from "swagger" and "openapi" only in case are left to encoding/json.
func jsonSwagger2(root any, data []byte) bool {
	if m, ok := root.(map[string]any); ok {
		exact := true
		for k := range m {
			if k != "swagger" && k != "openapi" && (strings.EqualFold(k, "swagger") || strings.EqualFold(k, "openapi")) {
				exact = false
				break
			}
		}
		if exact {
			sw, swOK := m["swagger"].(string)
			oa, oaOK := m["openapi"].(string)
			if _, has := m["openapi"]; has && !oaOK && m["openapi"] != nil {
				return false // a number or object: encoding/json refuses the whole
			}
			if _, has := m["swagger"]; has && !swOK && m["swagger"] != nil {
				return false
			}
			return sw == "2.0" && oa == ""
		}
	}
	var top struct {
		Swagger string `json:"swagger"`
		OpenAPI string `json:"openapi"`
	}
	return json.Unmarshal(data, &top) == nil && top.Swagger == "2.0" && top.OpenAPI == ""
}

func jsonSyntax(data []byte) *syntaxError {
	if json.Valid(data) {
		return nil
	}
	var v any
	err := json.Unmarshal(data, &v)
	var se *json.SyntaxError
	if errors.As(err, &se) {
		line := bytes.Count(data[:min(int(se.Offset), len(data))], []byte("\n")) + 1
		return &syntaxError{lang: "JSON", line: line, msg: se.Error()}
	}
	if err == nil {
		return nil
	}
	return &syntaxError{lang: "JSON", msg: err.Error()}
}

// yamlLine finds the line yaml.v3 names in its messages ("yaml: line 6: did not find expected key").
var yamlLine = regexp.MustCompile(`^yaml: line (\d+): `)

func yamlSyntax(data []byte) *syntaxError {
	var n yaml.Node
	err := yaml.Unmarshal(data, &n)
	if err == nil {
		return nil
	}
	msg := err.Error()
	se := &syntaxError{lang: "YAML", msg: strings.TrimPrefix(msg, "yaml: ")}
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		se.line, _ = strconv.Atoi(m[1])
		se.msg = strings.TrimPrefix(msg, m[0])
	}
	return se
}

func flatten(me openapi3.MultiError) []error {
	var out []error
	for _, e := range me {
		if m, ok := e.(openapi3.MultiError); ok {
			out = append(out, flatten(m)...)
			continue
		}
		out = append(out, e)
	}
	return out
}

var lineInMessage = regexp.MustCompile(`line (\d+)`)

// locate turns a kin-openapi error into a LoadError with the JSON pointer the error chain tells and the line of
// the deepest node of that pointer found in the source.
func (s *sourceMap) locate(file string, err error, doc *openapi3.T) *LoadError {
	le := &LoadError{File: file, Err: err}
	var se *openapi3.SchemaError
	if errors.As(err, &se) {
		// The chain's own text repeats the location and dumps the schema; the pointer already says where.
		le.Err = fmt.Errorf("value at %q: %s", "/"+strings.Join(se.JSONPointer(), "/"), se.Reason)
	}
	steps := pointerSteps(err, doc)
	if s.v2 {
		var keys []string
		for _, st := range steps {
			if !st.search {
				keys = append(keys, escapePointer(st.key))
			}
		}
		if len(keys) > 0 {
			le.Pointer, le.Line = s.place("/" + strings.Join(keys, "/"))
		}
	} else {
		le.Pointer, le.Line = s.resolve(steps)
	}
	if le.Line == 0 {
		if m := lineInMessage.FindStringSubmatch(err.Error()); m != nil {
			le.Line, _ = strconv.Atoi(m[1])
		}
	}
	return le
}

// step is one hop from a node to a child: a literal key, or a search for a key among descendants (kin-openapi's
// error chain names an example or a parameter without the path that leads to it).
type step struct {
	key    string
	search bool
	match  func(key string, parentKey string) bool
}

// pointerSteps reads the context wrappers of a kin-openapi validation error chain into path steps.
func pointerSteps(err error, doc *openapi3.T) []step {
	var steps []step
	var path, method string
	lit := func(keys ...string) {
		for _, k := range keys {
			steps = append(steps, step{key: k})
		}
	}
	for e := err; e != nil; e = errors.Unwrap(e) {
		switch w := e.(type) {
		case *openapi3.SectionValidationError:
			lit(w.Section)
		case *openapi3.PathValidationError:
			path = w.Path
			lit(w.Path)
		case *openapi3.OperationValidationError:
			method = w.Method
			lit(strings.ToLower(w.Method))
		case *openapi3.ComponentValidationError:
			lit(componentSection(w.Section), w.Name)
		case *openapi3.TagValidationError:
			lit(w.Name)
		case *openapi3.MediaTypeExampleValidationError:
			name := w.ExampleName
			if parts := failingExample(doc, path, method, name); parts != nil {
				lit(parts...)
				continue
			}
			steps = append(steps, step{key: "examples/" + name, search: true, match: func(k, parent string) bool {
				return k == name && parent == "examples"
			}})
		case *openapi3.ParameterExampleValidationError:
			name := w.ExampleName
			steps = append(steps, step{key: "examples/" + name, search: true, match: func(k, parent string) bool {
				return k == name && parent == "examples"
			}})
		case *openapi3.SchemaError:
			lit(w.JSONPointer()...)
		}
	}
	return steps
}

func componentSection(s string) string {
	switch s {
	case "request body":
		return "requestBodies"
	case "security scheme":
		return "securitySchemes"
	}
	return s + "s"
}

// failingExample finds, among the examples called name in an operation's request body and responses, the one
// whose value fails its media type's schema, and returns its pointer parts below the operation. kin-openapi's
// error chain names the example but not the response it belongs to.
func failingExample(doc *openapi3.T, path, method, name string) []string {
	if doc == nil || doc.Paths == nil || path == "" || method == "" {
		return nil
	}
	item := doc.Paths.Value(path)
	if item == nil {
		return nil
	}
	op := item.GetOperation(method)
	if op == nil {
		return nil
	}
	check := func(content openapi3.Content, prefix ...string) []string {
		for _, ct := range sortedKeys(content) {
			mt := content[ct]
			ex, ok := mt.Examples[name]
			if !ok || ex == nil || ex.Value == nil || mt.Schema == nil || mt.Schema.Value == nil {
				continue
			}
			opts := []openapi3.SchemaValidationOption{openapi3.MultiErrors()}
			if doc.IsOpenAPI31OrLater() {
				opts = append(opts, openapi3.EnableJSONSchema2020())
			}
			if mt.Schema.Value.VisitJSON(ex.Value.Value, opts...) != nil {
				return append(prefix, "content", ct, "examples", name)
			}
		}
		return nil
	}
	if op.RequestBody != nil && op.RequestBody.Value != nil {
		if parts := check(op.RequestBody.Value.Content, "requestBody"); parts != nil {
			return parts
		}
	}
	if op.Responses != nil {
		for _, code := range sortedKeys(op.Responses.Map()) {
			r := op.Responses.Value(code)
			if r == nil || r.Value == nil {
				continue
			}
			if parts := check(r.Value.Content, "responses", code); parts != nil {
				return parts
			}
		}
	}
	return nil
}
