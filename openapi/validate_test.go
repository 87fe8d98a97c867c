package openapi

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/require"

	"github.com/standin/standin/openapi/pattern"
)

// validateCases are documents whose schemas are valid or invalid at each kind of attachment: validateDoc must
// say exactly what kin-openapi's own Validate says about each of them.
var validateCases = map[string]string{
	"valid, shared component": `
openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /a/{id}:
    parameters: [{$ref: '#/components/parameters/id'}]
    get:
      responses:
        "200": {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/A'}}}}
        "404": {$ref: '#/components/responses/missing'}
    post:
      requestBody: {content: {application/json: {schema: {type: object, properties: {a: {$ref: '#/components/schemas/A'}}}}}}
      responses:
        "201":
          description: ok
          headers: {X-Rate: {schema: {type: integer}}}
          content: {application/json: {schema: {$ref: '#/components/schemas/A'}}}
components:
  parameters:
    id: {name: id, in: path, required: true, schema: {type: string, pattern: '^[a-z]+$'}}
  responses:
    missing: {description: no, content: {application/json: {schema: {$ref: '#/components/schemas/Err'}}}}
  schemas:
    A: {type: object, properties: {b: {$ref: '#/components/schemas/B'}, self: {$ref: '#/components/schemas/A'}}}
    B: {type: array, items: {type: string}}
    Err: {type: object, required: [reason], properties: {reason: {type: string}}}
`,
	"invalid component schema": `
openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /a:
    get:
      responses:
        "200": {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/A'}}}}
components:
  schemas:
    A: {type: object, properties: {b: {$ref: '#/components/schemas/B'}}}
    B: {type: array}
`,
	"invalid inline schema in a path": `
openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /a:
    get:
      parameters: [{name: q, in: query, schema: {type: string, required: [x, x]}}]
      responses:
        "200": {description: ok, content: {application/json: {schema: {type: array}}}}
`,
	"invalid header schema": `
openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /a:
    get:
      responses:
        "200": {description: ok, headers: {X-A: {schema: {type: object, readOnly: true, writeOnly: true}}}}
`,
	"valid schemas, other errors": `
openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /a/{id}:
    get:
      parameters: [{name: q, in: query, style: matrix, schema: {$ref: '#/components/schemas/A'}}]
      responses:
        "200": {content: {application/json: {schema: {$ref: '#/components/schemas/A'}}}}
components:
  schemas:
    A: {type: string}
    bad name!: {type: string}
`,
	"3.1 document": `
openapi: 3.1.0
info: {title: t, version: "1"}
paths:
  /a:
    get:
      responses:
        "200": {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/A'}}}}
webhooks:
  ping:
    post:
      requestBody: {content: {application/json: {schema: {type: [string, "null"]}}}}
      responses: {"200": {description: ok}}
components:
  schemas:
    A: {type: [object, "null"], properties: {n: {type: number, exclusiveMinimum: 1}}}
`,
	"3.1 keyword in a 3.0 document": `
openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /a:
    get:
      responses:
        "200": {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/A'}}}}
components:
  schemas:
    A: {type: [object, "null"]}
`,
}

func loadForValidate(t *testing.T, data []byte) *openapi3.T {
	t.Helper()
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(data)
	require.NoError(t, err)
	return doc
}

func validationOptions() []openapi3.ValidationOption {
	return []openapi3.ValidationOption{
		openapi3.DisableExamplesValidation(), openapi3.DisableSchemaDefaultsValidation(), openapi3.EnableMultiError(),
		openapi3.SetRegexCompiler(pattern.Lenient),
	}
}

// TestValidateDocSaysWhatKinSays compares validateDoc with kin-openapi's own Validate, error for error, on the
// cases above, the bundled APIs and the test documents, and checks the document is left as it was.
func TestValidateDocSaysWhatKinSays(t *testing.T) {
	docs := map[string][]byte{}
	for name, text := range validateCases {
		docs[name] = []byte(text)
	}
	for _, name := range Bundled() {
		data, err := Source(name)
		require.NoError(t, err)
		docs["bundled "+name] = data
	}
	files, err := filepath.Glob("testdata/*.yaml")
	require.NoError(t, err)
	for _, f := range files {
		data, err := os.ReadFile(f)
		require.NoError(t, err)
		if strings.Contains(string(data), "swagger:") {
			continue
		}
		docs[f] = data
	}
	invalid := 0
	for name, data := range docs {
		t.Run(name, func(t *testing.T) {
			loader := openapi3.NewLoader()
			doc, err := loader.LoadFromData(data)
			if err != nil {
				t.Skipf("not loadable by kin-openapi: %v", err)
			}
			want := doc.Validate(context.Background(), validationOptions()...)
			before := attachedValues(doc)
			got := validateDoc(context.Background(), doc, validationOptions()...)
			require.Equal(t, before, attachedValues(doc), "validateDoc must restore every schema it set aside")
			if want == nil {
				require.NoError(t, got)
				return
			}
			invalid++
			require.Error(t, got)
			require.Equal(t, want.Error(), got.Error())
		})
	}
	require.GreaterOrEqual(t, invalid, 4, "the table must hold invalid documents")
}

func attachedValues(doc *openapi3.T) map[*openapi3.SchemaRef]*openapi3.Schema {
	var w attachments
	w.document(doc)
	out := make(map[*openapi3.SchemaRef]*openapi3.Schema, len(w.refs))
	for _, r := range w.refs {
		out[r] = r.Value
	}
	return out
}

// TestValidateDocFindsEveryAttachment checks the walk reaches schemas in each place a document attaches one.
func TestValidateDocFindsEveryAttachment(t *testing.T) {
	doc := loadForValidate(t, []byte(validateCases["valid, shared component"]))
	var w attachments
	w.document(doc)
	// 3 component schemas, the shared path parameter, 2 media types naming A, the inline request body, the
	// header, and the shared response's media type.
	require.Len(t, w.refs, 9)
}

func BenchmarkValidateDoc(b *testing.B) {
	data, err := Source("carecycle")
	require.NoError(b, err)
	doc, err := openapi3.NewLoader().LoadFromData(data)
	require.NoError(b, err)
	b.Run("kin", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			require.NoError(b, doc.Validate(context.Background(), validationOptions()...))
		}
	})
	b.Run("once", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			require.NoError(b, validateDoc(context.Background(), doc, validationOptions()...))
		}
	})
}
