package openapi

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/standin/standin/fake"
)

// LoadError is one problem with a document: where it is and what was wrong.
type LoadError struct {
	File    string // the file as named by the caller
	Line    int    // 1-based line, 0 when it cannot be told
	Pointer string // JSON pointer of the offending node, "" when it cannot be told
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
	b.WriteString(": " + e.Err.Error())
	return b.String()
}

func (e *LoadError) Unwrap() error { return e.Err }

// Load loads the bundled spec called name ("carecycle", "aelyst", "cinnox").
func Load(ctx context.Context, name string) (*API, error) {
	data, err := Source(name)
	if err != nil {
		return nil, err
	}
	return LoadData(ctx, "openapi/"+name+".yaml", data)
}

// LoadFile loads an OpenAPI 3 document from disk. References to other local files are followed; references to
// URLs are refused.
func LoadFile(ctx context.Context, path string) (*API, error) {
	data, err := readRegular(path)
	if err != nil {
		return nil, &LoadError{File: path, Err: fmt.Errorf("read: %w", err)}
	}
	return LoadData(ctx, path, data)
}

// LoadData loads a document from data; file names it in errors and resolves relative references.
func LoadData(ctx context.Context, file string, data []byte) (*API, error) {
	problems, api := load(ctx, file, data)
	if len(problems) > 0 {
		errs := make([]error, len(problems))
		for i, p := range problems {
			errs[i] = p
		}
		return nil, errors.Join(errs...)
	}
	return api, nil
}

// Check loads the document at path and returns every problem found: syntax, structure, examples and x-standin.
// An empty result means the document is clean.
func Check(ctx context.Context, path string) []*LoadError {
	data, err := readRegular(path)
	if err != nil {
		return []*LoadError{{File: path, Err: fmt.Errorf("read: %w", err)}}
	}
	problems, _ := load(ctx, path, data)
	return problems
}

func load(ctx context.Context, file string, data []byte) ([]*LoadError, *API) {
	src := newSourceMap(data)
	loader := openapi3.NewLoader()
	loader.Context = ctx
	loader.IsExternalRefsAllowed = true
	loader.ReadFromURIFunc = readLocalOnly
	location := &url.URL{Path: filepath.ToSlash(file)}
	doc, err := loader.LoadFromDataWithPath(data, location)
	if err != nil {
		return []*LoadError{src.locate(file, err, nil)}, nil
	}
	if doc.OpenAPI == "" || !strings.HasPrefix(doc.OpenAPI, "3.") {
		what := fmt.Sprintf("openapi is %q", doc.OpenAPI)
		if bytes.Contains(data, []byte("swagger:")) || bytes.Contains(data, []byte(`"swagger"`)) {
			what = "it is a Swagger 2.0 document (convert it to OpenAPI 3 first)"
		}
		return []*LoadError{{File: file, Line: src.line("/openapi"), Pointer: "/openapi",
			Err: fmt.Errorf("not an OpenAPI 3 document: %s; expected openapi: 3.0.x or 3.1.x", what)}}, nil
	}
	var problems []*LoadError
	// Schemas that would make the generator or a validator explode (fake.CheckDoc) are refused first: checking
	// an example against a schema that contains itself through allOf would never end.
	for _, p := range fake.CheckDoc(doc, 0) {
		problems = append(problems, &LoadError{File: file, Line: src.line(p.Pointer), Pointer: p.Pointer, Err: errors.New(p.Msg)})
	}
	if len(problems) > 0 {
		return problems, nil
	}
	opts := []openapi3.ValidationOption{openapi3.EnableExamplesValidation(), openapi3.EnableMultiError()}
	if err := doc.Validate(ctx, opts...); err != nil {
		var multi openapi3.MultiError
		if errors.As(err, &multi) {
			for _, e := range flatten(multi) {
				problems = append(problems, src.locate(file, e, doc))
			}
		} else {
			problems = append(problems, src.locate(file, err, doc))
		}
	}
	api, err := newAPI(file, data, doc)
	if err != nil {
		problems = append(problems, &LoadError{File: file, Err: err})
		return problems, nil
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
		api.Name = strings.TrimSuffix(filepath.Base(file), filepath.Ext(file))
	}
	if len(problems) > 0 {
		return problems, nil
	}
	return nil, api
}

// readLocalOnly lets a document reference other files on disk and nothing on the network.
func readLocalOnly(_ *openapi3.Loader, location *url.URL) ([]byte, error) {
	if location.Scheme != "" && location.Scheme != "file" || location.Host != "" {
		return nil, fmt.Errorf("reference %s: standin never loads from the network; save the document locally and reference it by path", location)
	}
	return readRegular(filepath.FromSlash(location.Path))
}

// maxDocumentSize is the largest document (or referenced file) read: GitHub's description is 13 MB.
const maxDocumentSize = 64 << 20

// readRegular reads a regular file of at most maxDocumentSize bytes: never a FIFO (it would hang), a device
// (/dev/zero never ends) or a folder.
func readRegular(path string) ([]byte, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file (%s)", path, st.Mode().Type())
	}
	if st.Size() > maxDocumentSize {
		return nil, fmt.Errorf("%s is %d bytes, more than the %d standin reads", path, st.Size(), maxDocumentSize)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxDocumentSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxDocumentSize {
		return nil, fmt.Errorf("%s is more than the %d bytes standin reads", path, maxDocumentSize)
	}
	return data, nil
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
	le.Pointer, le.Line = s.resolve(steps)
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
