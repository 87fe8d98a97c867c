package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/require"

	"github.com/standin/standin/openapi"
)

// TestServeAndTestSwagger2 serves a Swagger 2.0 document (converted at load) and contract-tests the mock
// against the same document.
func TestServeAndTestSwagger2(t *testing.T) {
	const spec = "../../openapi/testdata/swagger2_petstore.yaml"
	lines, _ := serveRun(t, 3, "--addr", "127.0.0.1:0", "--spec", spec)
	require.Len(t, lines, 3)
	require.Contains(t, lines[0], "swagger2_petstore")
	require.Contains(t, lines[2], "swagger2_petstore.yaml: Swagger 2.0, converted to OpenAPI 3")
	base := baseOf(t, lines[0])
	require.True(t, strings.HasSuffix(base, "/swagger2_petstore/v1"), "basePath /v1 becomes the server's base: %s", base)

	status, body := serveGet(t, base+"/pets/7")
	require.Equal(t, http.StatusOK, status, body)
	require.JSONEq(t, `{"id":7,"name":"Rex","tag":"dog"}`, body, "the Swagger 2.0 response example is served")

	stdout, stderr, code := runTestCLI(t, nil, "test", "--spec", spec, "--target", base, "--no-progress")
	require.Equal(t, 0, code, "stdout:\n%s\nstderr:\n%s", stdout, stderr)
	require.Contains(t, stderr, "Swagger 2.0, converted to OpenAPI 3")
	require.Contains(t, stdout, "showPet")
}

// TestServeRemoteSpec serves a document fetched from a URL whose schema sits in another file next to it, named
// by a relative $ref: both are fetched once, and nothing else.
func TestServeRemoteSpec(t *testing.T) {
	var mu sync.Mutex
	var fetched []string
	files := map[string]string{
		"/specs/shop.yaml": `openapi: 3.0.3
info: {title: Remote shop, version: "1"}
paths:
  /items/{id}:
    get:
      parameters: [{name: id, in: path, required: true, schema: {type: string}}]
      responses:
        "200":
          description: one item
          content:
            application/json:
              schema: {$ref: "schemas/item.yaml#/Item"}
`,
		"/specs/schemas/item.yaml": `Item:
  type: object
  required: [sku, price]
  properties:
    sku: {type: string, pattern: "^(?!0)[0-9]{6}$"}
    price: {type: number, minimum: 0}
`,
	}
	docs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		fetched = append(fetched, r.URL.Path)
		mu.Unlock()
		text, ok := files[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/yaml")
		_, _ = w.Write([]byte(text))
	}))
	t.Cleanup(docs.Close)

	lines, _ := serveRun(t, 2, "--addr", "127.0.0.1:0", "--spec", docs.URL+"/specs/shop.yaml")
	require.Len(t, lines, 2)
	require.Contains(t, lines[0], "shop")
	status, body := serveGet(t, baseOf(t, lines[0])+"/items/a1")
	require.Equal(t, http.StatusOK, status, body)
	var item map[string]any
	require.NoError(t, json.Unmarshal([]byte(body), &item))
	require.Regexp(t, `^[1-9][0-9]{5}$`, item["sku"], "the ECMA-262 pattern (look-ahead) is honoured")

	mu.Lock()
	require.Equal(t, []string{"/specs/shop.yaml", "/specs/schemas/item.yaml"}, fetched)
	mu.Unlock()

	_, stderr, code := runCLI(t, "spec", "check", docs.URL+"/specs/nope.yaml")
	require.Equal(t, 2, code)
	require.Contains(t, stderr, "fetch "+docs.URL+"/specs/nope.yaml: the server answered 404 Not Found")
}

// TestServeWarnings pins the one-line count at start, --warnings for the list, --strict for refusal, and that an
// example that does not match its schema is never served.
func TestServeWarnings(t *testing.T) {
	spec := t.TempDir() + "/warned.yaml"
	require.NoError(t, os.WriteFile(spec, []byte(`openapi: 3.0.3
info: {title: "", version: "1"}
paths:
  /count:
    get:
      responses:
        "200":
          description: a count
          content:
            application/json:
              schema:
                type: object
                required: [count]
                properties: {count: {type: integer, minimum: 0}}
              example: {count: -5}
`), 0o600))

	lines, _ := serveRun(t, 3, "--addr", "127.0.0.1:0", "--spec", spec)
	require.Len(t, lines, 3)
	require.Contains(t, lines[2], "warned.yaml: 2 warnings (examples that do not match are never served); --warnings or 'standin spec check")
	status, body := serveGet(t, baseOf(t, lines[0])+"/count")
	require.Equal(t, http.StatusOK, status, body)
	var got map[string]any
	require.NoError(t, json.Unmarshal([]byte(body), &got))
	count, ok := got["count"].(float64)
	require.True(t, ok, body)
	require.GreaterOrEqual(t, count, 0.0, "a valid value is generated instead of the example")

	lines, _ = serveRun(t, 4, "--addr", "127.0.0.1:0", "--spec", spec, "--warnings")
	require.Len(t, lines, 4)
	require.Contains(t, lines[2], "info.title")
	require.Contains(t, lines[3], "/paths/~1count/get/responses/200/content/application~1json/example: warning: example does not match")

	_, stderr, code := runCLI(t, "serve", "--addr", "127.0.0.1:0", "--spec", spec, "--strict")
	require.Equal(t, 2, code)
	require.Contains(t, stderr, "warning: example does not match")
	_, stderr, code = runCLI(t, "test", "--spec", spec, "--target", "http://127.0.0.1:1", "--strict")
	require.Equal(t, 2, code)
	require.Contains(t, stderr, "info.title is missing or empty")
}

// TestLoadedExampleRemoved pins the model side: the broken example is gone from the document every consumer reads.
func TestLoadedExampleRemoved(t *testing.T) {
	api, err := openapi.LoadFile(t.Context(), "../../openapi/testdata/bad_example.yaml")
	require.NoError(t, err)
	require.Len(t, api.Warnings, 1)
	mt := api.Operations[0].Response(200).Content.Get("application/json")
	require.NotNil(t, mt)
	require.NotContains(t, slices.Collect(func(yield func(string) bool) {
		for k := range mt.Examples {
			if !yield(k) {
				return
			}
		}
	}), "negative")
	var _ openapi3.Examples = mt.Examples
}
