package openapi

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
	"gopkg.in/yaml.v3"

	"github.com/standin/standin/internal/jsonvalue"
	"github.com/standin/standin/openapi/pattern"
)

// API is one loaded OpenAPI document. It is read-only after loading and safe for concurrent use.
type API struct {
	// Name is the mount name: the root x-standin name, else the file name without extension.
	Name string
	// File names where the document came from: "openapi/carecycle.yaml" for a bundled spec, else the path given.
	File string
	// Source is the document's text as read (for a converted Swagger 2.0 document, the Swagger text).
	Source []byte
	// Converted says the document was Swagger 2.0, converted to OpenAPI 3 with kin-openapi's openapi2conv.
	Converted bool
	// Files lists the local files the document was read from: the file named, then every file its $refs reached.
	// It is empty for a bundled spec and for a document fetched from a URL. serve watches them for changes.
	Files []string
	// Warnings are the problems of the document that break only a SHOULD (see LevelWarning), in the order
	// found. The document was mended where needed: an example or a default that does not match its schema was
	// removed, so no consumer serves it.
	Warnings []*LoadError
	// Doc is the validated document.
	Doc *openapi3.T
	// ServerURL is the first server URL of the document ("" when it has none).
	ServerURL string
	// BasePath is the path part of ServerURL without a trailing slash ("/v1" for Aelyst, "" for careCycle).
	BasePath string
	// Operations lists every operation, ordered by path and then by method.
	Operations []*Operation
	// Ext is the root x-standin block (zero when the document has none).
	Ext Extension
	// Collections are the record collections the API keeps in the mock's state: those declared under the root
	// x-standin-collections plus those inferred from CRUD-shaped paths (see behaviour_infer.go).
	Collections map[string]*Collection

	byID map[string]*Operation
	tree atomic.Pointer[yaml.Node] // Source's node tree parsed at load, until TakeSourceTree (source.go)
}

// Operation is one method on one path of an API.
type Operation struct {
	// ID is the operationId, or "METHOD path" when the document gives none.
	ID string
	// Method is the upper-case HTTP method.
	Method string
	// Path is the path template as written in the document ("/contact/{identifier}").
	Path string
	// Pointer is the JSON pointer of the operation in the document ("/paths/~1contact~1{identifier}/get").
	Pointer string
	// Item and Op are the document's path item and operation.
	Item *openapi3.PathItem
	Op   *openapi3.Operation
	// Statuses are the documented response status codes in ascending order ("default" and ranges excluded).
	Statuses []int
	// Ext is the raw operation-level x-standin value, nil when absent.
	Ext any
	// Behaviour is Ext parsed and checked (behaviour_parse.go), or CRUD inferred from method and path when Ext is
	// absent; nil when the operation answers generated data.
	Behaviour *Behaviour
}

// Operation returns the operation with the given operationId, or nil.
func (a *API) Operation(id string) *Operation { return a.byID[id] }

// Router builds a kin-openapi router (gorilla/mux inside) that matches request paths of the form
// prefix + BasePath + path, whatever the host: the document's absolute server URLs are replaced by that relative
// base, so the router works behind any listener. The document itself is not modified.
func (a *API) Router(prefix string) (routers.Router, error) {
	doc := *a.Doc
	doc.Servers = openapi3.Servers{{URL: strings.TrimSuffix(prefix, "/") + a.BasePath}}
	// Path-level servers would override the base; standin serves every path under one base.
	paths := openapi3.NewPaths()
	for path, item := range a.Doc.Paths.Map() {
		if len(item.Servers) > 0 {
			cp := *item
			cp.Servers = nil
			item = &cp
		}
		paths.Set(path, item)
	}
	doc.Paths = paths
	return gorillamux.NewRouter(&doc)
}

// SchemaOptions returns opts plus what validating a value against one of the document's schemas needs: ECMA-262
// patterns (package pattern) and JSON Schema 2020-12 rules for an OpenAPI 3.1 document (kin-openapi applies 3.0
// rules unless told). openapi3filter does the latter itself; direct VisitJSON calls go through here.
//
// For a 3.0 document the errors leave the schema and the value out of their text (DisableSchemaErrorDetails;
// kin-openapi refuses it with 2020-12 rules). kin-openapi writes the text of an allOf, anyOf or oneOf error
// when it makes it, its members' texts included: with the details, the JSON of every failing subschema. A value
// failing deep in Microsoft Graph's schemas (discriminators of 653 mappings) then took minutes and gigabytes
// for each error, which standin reads by its fields anyway.
func (a *API) SchemaOptions(opts ...openapi3.SchemaValidationOption) []openapi3.SchemaValidationOption {
	opts = append(opts, openapi3.SetSchemaRegexCompiler(pattern.Lenient))
	if a.Doc != nil && a.Doc.IsOpenAPI31OrLater() {
		return append(opts, openapi3.EnableJSONSchema2020())
	}
	return append(opts, openapi3.DisableSchemaErrorDetails())
}

// Response returns the documented response for status, or nil.
func (o *Operation) Response(status int) *openapi3.Response {
	if o.Op.Responses == nil {
		return nil
	}
	if r := o.Op.Responses.Value(strconv.Itoa(status)); r != nil {
		return r.Value
	}
	return nil
}

// Documents reports whether status is one of the operation's documented statuses.
func (o *Operation) Documents(status int) bool {
	_, ok := slices.BinarySearch(o.Statuses, status)
	return ok
}

// SuccessStatus returns the lowest documented 2xx status, or 200 when none is documented.
func (o *Operation) SuccessStatus() int {
	for _, s := range o.Statuses {
		if s >= 200 && s < 300 {
			return s
		}
	}
	return http.StatusOK
}

func newAPI(file string, source []byte, doc *openapi3.T) (*API, error) {
	a := &API{File: file, Source: source, Doc: doc, byID: map[string]*Operation{}}
	if len(doc.Servers) > 0 && doc.Servers[0] != nil {
		a.ServerURL = doc.Servers[0].URL
		a.BasePath = basePath(doc.Servers[0])
	}
	for _, path := range sortedKeys(doc.Paths.Map()) {
		item := doc.Paths.Value(path)
		for _, method := range methodOrder {
			op := item.GetOperation(method)
			if op == nil {
				continue
			}
			o := &Operation{
				ID:      op.OperationID,
				Method:  method,
				Path:    path,
				Pointer: "/paths/" + escapePointer(path) + "/" + strings.ToLower(method),
				Item:    item,
				Op:      op,
				Ext:     op.Extensions[extensionKey],
			}
			if o.ID == "" {
				o.ID = method + " " + path
			}
			if op.Responses != nil {
				for code := range op.Responses.Map() {
					if n, err := strconv.Atoi(code); err == nil {
						o.Statuses = append(o.Statuses, n)
					}
				}
			}
			slices.Sort(o.Statuses)
			a.Operations = append(a.Operations, o)
			a.byID[o.ID] = o
		}
	}
	return a, nil
}

// methodOrder is the order operations of one path are listed in.
var methodOrder = []string{
	http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
	http.MethodDelete, http.MethodOptions, http.MethodTrace,
}

// basePath extracts the path of a server URL, filling variables with their defaults.
func basePath(s *openapi3.Server) string {
	raw := s.URL
	for name, v := range s.Variables {
		raw = strings.ReplaceAll(raw, "{"+name+"}", v.Default)
	}
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	path := u.Path
	if u.Scheme == "" && u.Host == "" && !strings.HasPrefix(path, "/") {
		// Written without a scheme: "api.example.com/v1" names a host (it has a dot) before its path; "v1" is a
		// relative path below the root.
		if first, rest, _ := strings.Cut(path, "/"); strings.Contains(first, ".") {
			path = "/" + rest
		} else {
			path = "/" + path
		}
	}
	return strings.TrimSuffix(path, "/")
}

func sortedKeys[V any](m map[string]V) []string { return jsonvalue.SortedKeys(m) }

func escapePointer(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}
