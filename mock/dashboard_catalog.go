package mock

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/standin/standin/fake"
	"github.com/standin/standin/openapi"
	"github.com/standin/standin/scenarios"
)

// catalogAPI is what the dashboard shows of one served API: its operations with a ready example request, and
// its state collections.
type catalogAPI struct {
	Name        string              `json:"name"`
	Title       string              `json:"title"`
	Version     string              `json:"version"`
	BaseURL     string              `json:"baseUrl"`
	Operations  []catalogOp         `json:"operations"`
	Collections []catalogCollection `json:"collections"`
}

type catalogOp struct {
	ID       string `json:"operationId"`
	Method   string `json:"method"`
	Path     string `json:"path"`
	Summary  string `json:"summary,omitempty"`
	Statuses []int  `json:"statuses"`
	// Example is a request that passes the security stage, built from the document's examples; a path
	// parameter without one stays a {placeholder}.
	Example catalogRequest `json:"example"`
}

// catalogRequest is an example request: URL is absolute when the server knows its base URL, else a path.
type catalogRequest struct {
	Method  string          `json:"method"`
	URL     string          `json:"url"`
	Headers [][2]string     `json:"headers"`
	Body    json.RawMessage `json:"body,omitempty"`
}

type catalogCollection struct {
	Name       string   `json:"name"`
	Key        string   `json:"key"`
	Schema     string   `json:"schema,omitempty"`
	Required   []string `json:"required"`
	Properties []string `json:"properties"`
}

// dashboardCatalog answers GET /__standin/ui/catalog: the served APIs as the dashboard's forms need them.
func (s *Server) dashboardCatalog(w http.ResponseWriter, r *http.Request) {
	mounted := s.mounted()
	out := make([]catalogAPI, 0, len(mounted))
	for _, rt := range mounted {
		a := catalogAPI{Name: rt.api.Name, BaseURL: s.baseURL(rt), Operations: []catalogOp{}, Collections: []catalogCollection{}}
		if info := rt.api.Doc.Info; info != nil {
			a.Title, a.Version = info.Title, info.Version
		}
		for _, op := range rt.api.Operations {
			a.Operations = append(a.Operations, catalogOp{ID: op.ID, Method: op.Method, Path: rt.api.BasePath + op.Path,
				Summary: op.Op.Summary, Statuses: slices.Clone(op.Statuses), Example: s.exampleRequest(rt, op)})
		}
		for _, name := range slices.Sorted(maps.Keys(rt.api.Collections)) {
			c := rt.api.Collections[name]
			cc := catalogCollection{Name: name, Key: c.Key, Schema: c.SchemaName, Required: []string{}, Properties: []string{}}
			if c.Schema != nil && c.Schema.Value != nil {
				cc.Required = append(cc.Required, c.Schema.Value.Required...)
				cc.Properties = slices.Sorted(maps.Keys(c.Schema.Value.Properties))
			}
			a.Collections = append(a.Collections, cc)
		}
		out = append(out, a)
	}
	writeJSON(w, http.StatusOK, nil, out)
}

// exampleRequest builds a request for op from the document: path and required query parameters from their
// examples, credentials of the first security requirement (demo values that the security stage accepts), and
// the JSON body example.
func (s *Server) exampleRequest(rt *apiRuntime, op *openapi.Operation) catalogRequest {
	req := catalogRequest{Method: op.Method, Headers: [][2]string{}}
	p := op.Path
	query := url.Values{}
	params := slices.Clone(op.Item.Parameters)
	params = append(params, op.Op.Parameters...)
	for _, ref := range params {
		if ref == nil || ref.Value == nil {
			continue
		}
		prm := ref.Value
		v, ok := exampleValue(prm.Example, prm.Examples, prm.Schema)
		if !ok && prm.Schema != nil {
			// No example: a value generated from the schema (deterministic for the seed).
			if g, err := s.gen.Generate(prm.Schema, rt.api.Name+"/"+op.ID+"/"+prm.In+"/"+prm.Name,
				fake.Hint{Name: prm.Name, Direction: fake.Request, OpenAPI31: rt.api.Doc.IsOpenAPI31OrLater()}); err == nil {
				v, ok = exampleValue(g, nil, nil)
			}
		}
		switch prm.In {
		case openapi3.ParameterInPath:
			if ok {
				p = strings.ReplaceAll(p, "{"+prm.Name+"}", url.PathEscape(v))
			}
		case openapi3.ParameterInQuery:
			if prm.Required && ok {
				query.Set(prm.Name, v)
			}
		}
	}
	req.URL = s.baseURL(rt) + p
	if len(query) > 0 {
		req.URL += "?" + query.Encode()
	}
	security := rt.api.Doc.Security
	if op.Op.Security != nil {
		security = *op.Op.Security
	}
	if len(security) > 0 && rt.api.Doc.Components != nil {
		for _, name := range slices.Sorted(maps.Keys(security[0])) {
			ref := rt.api.Doc.Components.SecuritySchemes[name]
			if ref == nil || ref.Value == nil {
				continue
			}
			sc := ref.Value
			switch {
			case sc.Type == "apiKey" && sc.In == "header":
				req.Headers = append(req.Headers, [2]string{sc.Name, rt.api.Ext.Auth.Prefix + "demo"})
			case sc.Type == "apiKey" && sc.In == "cookie":
				req.Headers = append(req.Headers, [2]string{"Cookie", sc.Name + "=" + rt.api.Ext.Auth.Prefix + "demo"})
			case sc.Type == "apiKey" && sc.In == "query":
				sep := "?"
				if strings.Contains(req.URL, "?") {
					sep = "&"
				}
				req.URL += sep + url.QueryEscape(sc.Name) + "=" + url.QueryEscape(rt.api.Ext.Auth.Prefix+"demo")
			case sc.Type == "http" && strings.EqualFold(sc.Scheme, "basic"):
				req.Headers = append(req.Headers, [2]string{"Authorization", "Basic ZGVtbzpkZW1v"}) // demo:demo
			default: // http bearer, oauth2, openIdConnect
				req.Headers = append(req.Headers, [2]string{"Authorization", "Bearer demo-token"})
			}
		}
	}
	if rb := op.Op.RequestBody; rb != nil && rb.Value != nil {
		for _, ct := range slices.Sorted(maps.Keys(rb.Value.Content)) {
			mt := rb.Value.Content[ct]
			if mt == nil || !strings.Contains(ct, "json") {
				continue
			}
			body, ok := exampleAny(mt.Example, mt.Examples, mt.Schema)
			if !ok && mt.Schema != nil {
				body, _ = s.gen.Generate(mt.Schema, rt.api.Name+"/"+op.ID+"/body",
					fake.Hint{Direction: fake.Request, OpenAPI31: rt.api.Doc.IsOpenAPI31OrLater()})
			}
			if data, err := json.Marshal(body); err == nil {
				req.Headers = append(req.Headers, [2]string{"Content-Type", ct})
				req.Body = data
			}
			break
		}
	}
	return req
}

// exampleAny picks the example of a parameter or media type: its own, else its first named one, else its
// schema's example, default or first enum value.
func exampleAny(example any, examples openapi3.Examples, schema *openapi3.SchemaRef) (any, bool) {
	if example != nil {
		return example, true
	}
	for _, name := range slices.Sorted(maps.Keys(examples)) {
		if ex := examples[name]; ex != nil && ex.Value != nil && ex.Value.Value != nil {
			return ex.Value.Value, true
		}
	}
	if schema != nil && schema.Value != nil {
		sv := schema.Value
		switch {
		case sv.Example != nil:
			return sv.Example, true
		case sv.Default != nil:
			return sv.Default, true
		case len(sv.Enum) > 0:
			return sv.Enum[0], true
		}
	}
	return nil, false
}

// exampleValue is exampleAny as the text of a parameter.
func exampleValue(example any, examples openapi3.Examples, schema *openapi3.SchemaRef) (string, bool) {
	v, ok := exampleAny(example, examples, schema)
	if !ok {
		return "", false
	}
	switch x := v.(type) {
	case string:
		return x, true
	case []any:
		parts := make([]string, len(x))
		for i, item := range x {
			parts[i] = fmt.Sprint(item)
		}
		return strings.Join(parts, ","), true
	case map[string]any:
		return "", false
	}
	return fmt.Sprint(v), true
}

// catalogScenario is a scenario as the dashboard shows it: what it does and what `standin scenario run` checks.
type catalogScenario struct {
	Name        string           `json:"name"`
	Description string           `json:"description"`
	File        string           `json:"file"`
	Rules       []string         `json:"rules"`
	State       []catalogState   `json:"state"`
	Expect      []catalogExpects `json:"expect"`
}

type catalogState struct {
	API        string `json:"api"`
	Collection string `json:"collection"`
	Records    int    `json:"records"`
}

type catalogExpects struct {
	API     string `json:"api"`
	Method  string `json:"method"`
	Path    string `json:"path"`
	Status  int    `json:"status"`
	Repeat  int    `json:"repeat,omitempty"`
	MayDrop bool   `json:"mayDrop,omitempty"`
}

// dashboardScenarios answers GET /__standin/ui/scenarios: every scenario that can be activated (bundled and
// Config.ScenarioDir), with its rules, state overrides and expectations. Where each is active is
// GET /__standin/scenarios's business.
func (s *Server) dashboardScenarios(w http.ResponseWriter, r *http.Request) {
	all, err := scenarios.List(s.cfg.ScenarioDir)
	if err != nil {
		adminError(w, http.StatusInternalServerError, "%v", err)
		return
	}
	out := make([]catalogScenario, 0, len(all))
	for _, sc := range all {
		cs := catalogScenario{Name: sc.Name, Description: sc.Description, File: sc.File,
			Rules: []string{}, State: []catalogState{}, Expect: []catalogExpects{}}
		for _, rule := range sc.Rules {
			cs.Rules = append(cs.Rules, rule.String())
		}
		for _, o := range sc.State {
			cs.State = append(cs.State, catalogState{API: o.API, Collection: o.Collection, Records: len(o.Records)})
		}
		for _, ex := range sc.Expect {
			cs.Expect = append(cs.Expect, catalogExpects{API: ex.Request.API, Method: ex.Request.Method,
				Path: ex.Request.Path, Status: ex.Status, Repeat: ex.Repeat, MayDrop: ex.MayDrop})
		}
		out = append(out, cs)
	}
	writeJSON(w, http.StatusOK, nil, out)
}
