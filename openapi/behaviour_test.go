package openapi

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestBehaviourBadBlocksAreLocated(t *testing.T) {
	const file = "testdata/bad_behaviour.yaml"
	want := []struct {
		line    int
		pointer string
		text    string
	}{
		{5, "/x-standin-collections/ghosts/schema", `schema "Ghost" is not in components/schemas`},
		{6, "/x-standin-collections/keyless/key", `key field "serial" is not a property of schema Thing`},
		{27, "/paths/~1things/get/x-standin/resource", `unknown collection "thingz"`},
		{33, "/paths/~1things/post/x-standin/lookup/id", `the operation has no query parameter "id"`},
		{35, "/paths/~1things/post/x-standin/refs/owner/value", "no JSON request body"},
		{35, "/paths/~1things/post/x-standin/refs/owner/resource", `unknown collection "owners"`},
		{36, "/paths/~1things/post/x-standin/respond/thing", `field "size" is not a property of schema Thing`},
		{36, "/paths/~1things/post/x-standin/respond/who", `no ref named "nobody"`},
		{15, "/paths/~1things~1{id}/patch/x-standin/colour", `unknown key "colour"`},
		{16, "/paths/~1things~1{id}/patch/x-standin/set/name", `the request body has no property "title"`},
		{16, "/paths/~1things~1{id}/patch/x-standin/set/nmae", `field "nmae" is not a property of schema Thing`},
		{16, "/paths/~1things~1{id}/patch/x-standin/set/updatedAt", "unknown value $later"},
		{17, "/paths/~1things~1{id}/patch/x-standin/status", "status 202 is not documented"},
	}
	problems := Check(t.Context(), file)
	require.Len(t, problems, len(want))
	for i, w := range want {
		t.Run(w.pointer, func(t *testing.T) {
			p := problems[i]
			require.Equal(t, file, p.File)
			require.Equal(t, w.line, p.Line)
			require.Equal(t, w.pointer, p.Pointer)
			require.ErrorContains(t, p, w.text)
		})
	}
}

func TestBehaviourBundledSpecs(t *testing.T) {
	tests := []struct {
		api, op     string
		resource    string
		action      Action
		collections []string
	}{
		{"carecycle", "assignInquiry", "inquiries", ActionUpdate, []string{"appointmentConfigs", "customerCampaigns", "inquiries"}},
		{"carecycle", "updateCustomerCampaignStatus", "customerCampaigns", ActionUpdate, nil},
		{"carecycle", "createAppointmentConfig", "appointmentConfigs", ActionCreate, nil},
		{"carecycle", "listAppointmentConfigs", "appointmentConfigs", ActionList, nil},
		{"carecycle", "deleteAppointmentConfig", "appointmentConfigs", ActionDelete, nil},
		{"aelyst", "getContact", "contacts", ActionGet, []string{"contacts", "users"}},
		{"aelyst", "createContact", "contacts", ActionCreate, nil},
		{"aelyst", "updateAssignee", "contacts", ActionUpdate, nil},
		{"aelyst", "updateConversationStatus", "contacts", ActionUpdate, nil},
		{"cinnox", "getEnquiryDetail", "enquiries", ActionList, []string{"enquiries", "labels"}},
		{"cinnox", "getLabelList", "labels", ActionList, nil},
		{"cinnox", "labelEnquiry", "enquiries", ActionUpdate, nil},
	}
	for _, tt := range tests {
		t.Run(tt.api+"/"+tt.op, func(t *testing.T) {
			api, err := Load(t.Context(), tt.api)
			require.NoError(t, err)
			op := api.Operation(tt.op)
			require.NotNil(t, op)
			require.NotNil(t, op.Behaviour, "every bundled operation declares its behaviour")
			require.False(t, op.Behaviour.Inferred)
			require.Equal(t, tt.resource, op.Behaviour.Resource)
			require.Equal(t, tt.action, op.Behaviour.Action)
			if tt.collections != nil {
				var names []string
				for name := range api.Collections {
					names = append(names, name)
				}
				require.ElementsMatch(t, tt.collections, names)
			}
		})
	}
}

func TestBehaviourInferredCRUD(t *testing.T) {
	api, err := LoadFile(t.Context(), "testdata/petstore.yaml")
	require.NoError(t, err)
	c := api.Collections["pets"]
	require.NotNil(t, c)
	require.True(t, c.Inferred)
	require.Equal(t, "id", c.Key)
	require.Equal(t, "sequence", c.IDs, "an integer key counts up")
	tests := []struct {
		method, path string
		action       Action
		lookup       string
	}{
		{"GET", "/pets", ActionList, ""},
		{"POST", "/pets", ActionCreate, ""},
		{"GET", "/pets/{id}", ActionGet, "$path.id"},
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
			require.NotNil(t, b)
			require.True(t, b.Inferred)
			require.Equal(t, "pets", b.Resource)
			require.Equal(t, tt.action, b.Action)
			if tt.lookup != "" {
				require.Equal(t, []Match{{Field: "id", Value: Expr{Ref: tt.lookup}}}, b.Lookup)
			}
		})
	}
}

func TestBehaviourExpr(t *testing.T) {
	tests := []struct {
		in   Expr
		root string
		path []string
	}{
		{Expr{Ref: "$body.a.b"}, "body", []string{"a", "b"}},
		{Expr{Ref: "$now"}, "now", nil},
		{Expr{Ref: "$ref.assignee.id"}, "ref", []string{"assignee", "id"}},
		{Expr{Literal: 3.0}, "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.in.String(), func(t *testing.T) {
			require.Equal(t, tt.root, tt.in.Root())
			require.Equal(t, tt.path, tt.in.Path())
			require.Equal(t, tt.in.Ref == "", tt.in.IsLiteral())
		})
	}
}

// FuzzBehaviour loads a small document whose PATCH operation carries the fuzzed x-standin block (JSON or YAML
// flow): the load never panics, and a failure is a LoadError located inside the document.
func FuzzBehaviour(f *testing.F) {
	for _, seed := range []string{
		`{resource: things, lookup: {id: $path.id}, set: {name: $body.name, updatedAt: $now}}`,
		`{resource: things, require: [{rule: r, value: $body.name, in: [a, b]}]}`,
		`{resource: things, lookup: {id: $path.id}, labels: {field: tags, from: $body.tags, resource: things}}`,
		`{resource: things, action: list, filter: {name: {contains: $query.q}}, page: {offset: $query.q}}`,
		`{resource: things, identifier: {from: $path.id, forms: {id: id}}, respond: {x: $after.name}}`,
		`{resource: nope}`, `[]`, `7`, `{resource: things, set: {name: {value: $body.name, map: {a: b}}}}`,
	} {
		f.Add(seed)
	}
	const doc = `openapi: 3.0.3
info: {title: Fuzz, version: "1.0"}
x-standin-collections:
  things: {schema: Thing}
paths:
  /things/{id}:
    parameters:
      - {name: id, in: path, required: true, schema: {type: string}}
      - {name: q, in: query, schema: {type: string}}
    patch:
      x-standin: %s
      requestBody:
        content:
          application/json:
            schema: {type: object, properties: {name: {type: string}, tags: {type: array, items: {type: string}}}}
      responses:
        "200": {description: ok}
components:
  schemas:
    Thing:
      type: object
      properties:
        id: {type: string}
        name: {type: string}
        tags: {type: array, items: {type: string}}
        updatedAt: {type: string}
`
	f.Fuzz(func(t *testing.T, block string) {
		if strings.ContainsAny(block, "\n\r") {
			return // one line keeps the block inside its key
		}
		api, err := LoadData(t.Context(), "fuzz.yaml", []byte(fmt.Sprintf(doc, block)))
		if err == nil {
			require.NotNil(t, api)
			return
		}
		var le *LoadError
		require.ErrorAs(t, err, &le)
		require.Equal(t, "fuzz.yaml", le.File)
	})
}
