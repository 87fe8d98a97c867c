package openapi

import (
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/require"
)

func TestShapeOf(t *testing.T) {
	tests := []struct {
		path string
		want pathShape
	}{
		{"/v1/customers", pathShape{coll: "/v1/customers"}},
		{"/v1/customers/{customer}", pathShape{coll: "/v1/customers", param: "customer"}},
		{"/v1/invoices/{invoice}/void", pathShape{coll: "/v1/invoices", param: "invoice", verb: "void"}},
		{"/v1/things/{name}:cancel", pathShape{coll: "/v1/things", param: "name", verb: "cancel"}},
		{"/repos/{owner}/{repo}/issues/{issue_number}",
			pathShape{coll: "/repos/{owner}/{repo}/issues", param: "issue_number", scope: []string{"owner", "repo"}}},
		{"/repos/{owner}/{repo}/issues/{issue_number}/lock",
			pathShape{coll: "/repos/{owner}/{repo}/issues", param: "issue_number", verb: "lock", scope: []string{"owner", "repo"}}},
		{"/{id}", pathShape{coll: "", param: "id"}},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			require.Equal(t, tt.want, shapeOf(tt.path))
		})
	}
}

// TestInferStripeStyle: collections are path templates (two "sessions" collections), nested collections are
// scoped by their parent's id, item actions act on their parent record, and a list pages and filters as its
// parameters say.
func TestInferStripeStyle(t *testing.T) {
	api, err := LoadFile(t.Context(), "../mock/testdata/stripe-style.yaml")
	require.NoError(t, err)
	tests := []struct {
		method, path string
		action       Action
		resource     string
		scope        []string
		generated    bool
		listField    string
		set          []Assign
	}{
		{"GET", "/v1/customers", ActionList, "customers", nil, false, "data", nil},
		{"POST", "/v1/customers", ActionCreate, "customers", nil, false, "", nil},
		{"GET", "/v1/customers/{customer}", ActionGet, "customers", nil, false, "", nil},
		{"POST", "/v1/customers/{customer}", ActionUpdate, "customers", nil, false, "", nil},
		{"DELETE", "/v1/customers/{customer}", ActionDelete, "customers", nil, true, "", nil},
		{"GET", "/v1/customers/{customer}/tax_ids", ActionList, "tax_ids", []string{"customer"}, false, "data", nil},
		{"POST", "/v1/customers/{customer}/tax_ids", ActionCreate, "tax_ids", []string{"customer"}, false, "", nil},
		{"GET", "/v1/customers/{customer}/tax_ids/{id}", ActionGet, "tax_ids", []string{"customer"}, false, "", nil},
		{"POST", "/v1/invoices", ActionCreate, "invoices", nil, false, "", nil},
		{"POST", "/v1/invoices/{invoice}/void", ActionInvoke, "invoices", nil, false, "",
			[]Assign{{Field: "status", Value: Expr{Literal: "void"}}}},
		{"GET", "/v1/checkout/sessions/{session}", ActionGet, "checkout.sessions", nil, false, "", nil},
		{"GET", "/v1/billing_portal/sessions/{session}", ActionGet, "billing_portal.sessions", nil, false, "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			var op *Operation
			for _, o := range api.Operations {
				if o.Method == tt.method && o.Path == tt.path {
					op = o
				}
			}
			require.NotNil(t, op)
			b := op.Behaviour
			require.NotNil(t, b, "inferred")
			require.True(t, b.Inferred)
			require.Equal(t, tt.action, b.Action)
			require.Equal(t, tt.resource, b.Resource)
			require.Equal(t, tt.scope, b.Scope)
			require.Equal(t, tt.generated, b.AnswerGenerated)
			require.Equal(t, tt.listField, b.ListField)
			require.Equal(t, tt.set, b.Set)
			require.Equal(t, tt.action != ActionCreate && tt.action != ActionList, b.Materialise)
		})
	}
	c := api.Collections["checkout.sessions"]
	require.NotNil(t, c)
	require.Equal(t, "/v1/checkout/sessions", c.Template)
	require.NotSame(t, c, api.Collections["billing_portal.sessions"])

	list := api.Operation("GetCustomers").Behaviour
	require.Equal(t, &Page{Limit: &Expr{Ref: "$query.limit"}, After: &Expr{Ref: "$query.starting_after"},
		Before: &Expr{Ref: "$query.ending_before"}, NumberBase: 1}, list.Page)
	require.Equal(t, []Filter{
		{Field: "email", Equals: &Expr{Ref: "$query.email"}},
		{Field: "created", Equals: &Expr{Ref: "$query.created"}, From: &Expr{Ref: "$query.created.gte"},
			To: &Expr{Ref: "$query.created.lte"}},
	}, list.Filter, "email and created name record fields (created also as a range); expand does not")
}

func TestVerbStatus(t *testing.T) {
	api, err := LoadFile(t.Context(), "../mock/testdata/stripe-style.yaml")
	require.NoError(t, err)
	props := properties(api.Doc.Components.Schemas["invoice"])
	tests := []struct {
		verb string
		want any // nil: no status
	}{
		{"void", "void"},
		{"pay", "paid"},
		{"mark_uncollectible", "uncollectible"},
		{"cancel", nil}, // invoice has no canceled status
		{"finalize", nil},
		{"send", nil},
	}
	for _, tt := range tests {
		t.Run(tt.verb, func(t *testing.T) {
			got := verbStatus(props, tt.verb)
			if tt.want == nil {
				require.Nil(t, got)
				return
			}
			require.NotNil(t, got)
			require.Equal(t, Assign{Field: "status", Value: Expr{Literal: tt.want}}, *got)
		})
	}
	issue := map[string]*openapi3.SchemaRef{
		"locked": {Value: openapi3.NewBoolSchema()},
		"pinned": {Value: openapi3.NewBoolSchema()},
		"state":  {Value: &openapi3.Schema{Type: &openapi3.Types{"string"}, Enum: []any{"open", "closed", "canceled", "cancelled"}}},
	}
	require.Equal(t, &Assign{Field: "locked", Value: Expr{Literal: true}}, verbStatus(issue, "lock"))
	require.Equal(t, &Assign{Field: "locked", Value: Expr{Literal: false}}, verbStatus(issue, "unlock"))
	require.Equal(t, &Assign{Field: "pinned", Value: Expr{Literal: true}}, verbStatus(issue, "pin"))
	require.Equal(t, &Assign{Field: "state", Value: Expr{Literal: "closed"}}, verbStatus(issue, "close"))
	require.Equal(t, &Assign{Field: "state", Value: Expr{Literal: "canceled"}}, verbStatus(issue, "cancel"))
}

func TestCollectionNames(t *testing.T) {
	templates := []string{"/v1/customers", "/v1/checkout/sessions", "/v1/billing_portal/sessions",
		"/repos/{owner}/{repo}/issues/comments", "/repos/{owner}/{repo}/issues/{issue_number}/comments",
		"/repos/{owner}/{repo}/pulls/comments", "/repos/{owner}", "/orgs/{org}/repos/{owner}"}
	got := collectionNames(&API{Collections: map[string]*Collection{}}, templates, func(s string) string { return s })
	require.Equal(t, map[string]string{
		"/v1/customers":                                        "customers",
		"/v1/checkout/sessions":                                "checkout.sessions",
		"/v1/billing_portal/sessions":                          "billing_portal.sessions",
		"/repos/{owner}/{repo}/pulls/comments":                 "pulls.comments",
		"/repos/{owner}/{repo}/issues/comments":                "repos.owner.repo.issues.comments",
		"/repos/{owner}/{repo}/issues/{issue_number}/comments": "repos.owner.repo.issues.issue_number.comments",
		"/repos/{owner}":                                       "repos.owner",
		"/orgs/{org}/repos/{owner}":                            "orgs.repos",
	}, got)
}

// TestInferWithMediaTypeParameters: a response documented under "application/json;charset=UTF-8" (GameSparks)
// is JSON: its create and read are inferred like any other.
func TestInferWithMediaTypeParameters(t *testing.T) {
	doc := `{"openapi":"3.0.3","info":{"title":"t","version":"1"},"components":{"schemas":{"Snap":{"type":"object",` +
		`"properties":{"id":{"type":"string"},"description":{"type":"string"}}}}},"paths":{` +
		`"/snapshots":{"post":{"operationId":"createSnap","requestBody":{"content":{"application/json":{"schema":` +
		`{"type":"object","properties":{"description":{"type":"string"}}}}}},"responses":{"201":{"description":"made",` +
		`"content":{"application/json;charset=UTF-8":{"schema":{"$ref":"#/components/schemas/Snap"}}}}}}},` +
		`"/snapshots/{snapshotId}":{"get":{"operationId":"getSnap","parameters":[{"name":"snapshotId","in":"path",` +
		`"required":true,"schema":{"type":"string"}}],"responses":{"200":{"description":"it","content":` +
		`{"application/json;charset=UTF-8":{"schema":{"$ref":"#/components/schemas/Snap"}}}}}}}}}`
	api, err := LoadData(t.Context(), "snaps.json", []byte(doc))
	require.NoError(t, err)
	require.NotNil(t, api.Operation("createSnap").Behaviour)
	require.Equal(t, ActionCreate, api.Operation("createSnap").Behaviour.Action)
	require.Equal(t, ActionGet, api.Operation("getSnap").Behaviour.Action)
}

// TestInferKeysAndNestedFields: the key an item's path parameter names (the plain item's parameter over an item
// action's on the same template; a login for a string {org} against an integer id), and where a write's body
// fields go when the record holds them one level down.
func TestInferKeysAndNestedFields(t *testing.T) {
	tests := []struct {
		file, op string
		key      string
		nested   map[string]string
	}{
		{"google-names.yaml", "urlLists.get", "name", nil},
		{"google-names.yaml", "addressGroups.addItems", "name", nil}, // listed first, names its parameter otherwise
		{"google-names.yaml", "urlLists.patch", "name", nil},
		{"infer.yaml", "getOrg", "login", nil},
		{"infer.yaml", "updateOrg", "login", nil},
		{"infer.yaml", "getUser", "login", nil},
		{"infer.yaml", "getAccount", "id", nil}, // no handle field: the id, which /accounts/acme cannot hold
		{"infer.yaml", "getIssue", "number", nil},
		{"azure-flatten.yaml", "Groups_Update", "id", map[string]string{"displayName": "properties"}},
		{"azure-flatten.yaml", "Groups_CreateOrUpdate", "id", nil}, // the record's own shape
		// history holds severity too: the property marked x-ms-client-flatten wins
		{"azure-flatten.yaml", "Tickets_Update", "name", map[string]string{"severity": "properties"}},
	}
	apis := map[string]*API{}
	for _, tt := range tests {
		t.Run(tt.file+"/"+tt.op, func(t *testing.T) {
			api := apis[tt.file]
			if api == nil {
				var err error
				api, err = LoadFile(t.Context(), "../mock/testdata/"+tt.file)
				require.NoError(t, err)
				apis[tt.file] = api
			}
			b := api.Operation(tt.op).Behaviour
			require.NotNil(t, b)
			require.Equal(t, tt.key, api.Collections[b.Resource].Key)
			require.Equal(t, tt.nested, b.Nested)
		})
	}
}

// TestNestedIndex: the index answers as asking every operation does (the definition), for every operation path
// and every prefix of one, on the bundled documents and on one with nested collections.
func TestNestedIndex(t *testing.T) {
	brute := func(a *API, path string) bool {
		for _, op := range a.Operations {
			if strings.HasPrefix(op.Path, path+"/{") {
				return true
			}
			if op.Path == path && op.Method == "GET" &&
				(isArraySchema(ResponseSchema(op, op.SuccessStatus())) || inferredListWrap(op) != "") {
				return true
			}
		}
		return false
	}
	nested, err := LoadData(t.Context(), "nested.yaml", []byte(`openapi: 3.0.3
info: {title: n, version: "1"}
paths:
  /shops/{shop}/items:
    get:
      parameters: [{name: shop, in: path, required: true, schema: {type: string}}]
      responses: {"200": {description: ok, content: {application/json: {schema: {type: array, items: {type: object}}}}}}
  /shops/{shop}/staff/{id}/badges/{b}:
    get:
      parameters:
        - {name: shop, in: path, required: true, schema: {type: string}}
        - {name: id, in: path, required: true, schema: {type: string}}
        - {name: b, in: path, required: true, schema: {type: string}}
      responses: {"200": {description: ok}}
  /shops/{shop}/notes:
    get:
      parameters: [{name: shop, in: path, required: true, schema: {type: string}}]
      responses: {"200": {description: ok, content: {application/json: {schema: {type: object}}}}}
`))
	require.NoError(t, err)
	apis := []*API{nested}
	for _, name := range Bundled() {
		api, err := Load(t.Context(), name)
		require.NoError(t, err)
		apis = append(apis, api)
	}
	checked, yes := 0, 0
	for _, a := range apis {
		ix := newNestedIndex(a)
		for _, op := range a.Operations {
			for i := len(op.Path); i > 0; i = strings.LastIndexByte(op.Path[:i], '/') {
				p := op.Path[:i]
				require.Equal(t, brute(a, p), ix.nestedCollection(p), "%s: %s", a.Name, p)
				checked++
				if ix.nestedCollection(p) {
					yes++
				}
			}
		}
	}
	require.Positive(t, yes)
	require.Greater(t, checked, yes)
	ix := newNestedIndex(nested)
	require.True(t, ix.nestedCollection("/shops/{shop}/items"), "a GET answering a list")
	require.True(t, ix.nestedCollection("/shops/{shop}/staff"), "a path continuing with a parameter")
	require.True(t, ix.nestedCollection("/shops/{shop}/staff/{id}/badges"))
	require.False(t, ix.nestedCollection("/shops/{shop}/notes"), "a GET answering one object")
}
