package fake_test

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/standin/standin/fake"
)

func ExampleGenerator_Value() {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData([]byte(`
openapi: 3.0.3
info: {title: contacts, version: "1"}
paths: {}
components:
  schemas:
    Contact:
      type: object
      required: [id, firstName, status]
      properties:
        id: {type: string, format: uuid}
        firstName: {type: string}
        email: {type: string, format: email}
        phone: {type: string, pattern: '^\+[0-9]{8,15}$'}
        status: {type: string, enum: [open, closed, blocked]}
        createdAt: {type: string, format: date-time}
`))
	if err != nil {
		panic(err)
	}
	schema := doc.Components.Schemas["Contact"]
	g := fake.New(fake.Options{
		Seed: 42,
		Now:  func() time.Time { return time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC) },
	})
	v := g.Value(schema, "contacts/1")
	fmt.Println("valid:", schema.Value.VisitJSON(v) == nil)
	b, _ := json.MarshalIndent(v, "", "  ")
	fmt.Println(string(b))
	// Output:
	// valid: true
	// {
	//   "createdAt": "2026-11-01T21:10:17Z",
	//   "email": "conor.smith@executiverich.net",
	//   "firstName": "Nannie",
	//   "id": "bee3e0ba-ab58-4b40-9a05-a004e1471d7c",
	//   "phone": "+44354571166",
	//   "status": "closed"
	// }
}
