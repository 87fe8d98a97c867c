package openapi

import (
	"context"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/require"
)

// kinAndFastYAML loads the YAML document data at file with kin-openapi's own decoder and with loadFastYAML, each
// with a fresh loader. fast is nil when loadFastYAML left the document to kin-openapi.
func kinAndFastYAML(t *testing.T, file string, data []byte) (kin, fast *openapi3.T) {
	t.Helper()
	return kinAndDecoder(t, file, data, func(l *openapi3.Loader, loc *url.URL) (*openapi3.T, error) {
		return loadFastYAML(l, parseYAMLTree(data), len(data), loc)
	})
}

// TestFastYAMLMatchesKin decodes the bundled documents and the YAML test documents with kin-openapi and from the
// YAML node tree, and requires the same document, unexported fields included.
func TestFastYAMLMatchesKin(t *testing.T) {
	files := []string{"carecycle.yaml", "aelyst.yaml", "cinnox.yaml", "testdata/petstore.yaml",
		"testdata/bad_example.yaml", "testdata/same_example_name.yaml", "testdata/bad_xstandin.yaml",
		"testdata/bad_behaviour.yaml"}
	for _, f := range files {
		t.Run(f, func(t *testing.T) {
			data, err := os.ReadFile(f)
			require.NoError(t, err)
			kin, fast := kinAndFastYAML(t, f, data)
			require.NotNil(t, fast, "%s takes the fast path", f)
			requireSameDoc(t, f, kin, fast)
		})
	}
}

// TestFastYAMLScalars puts YAML's scalar forms where kin-openapi reads them into typed fields (numbers,
// lengths, strings, booleans) and into generic values (extensions, enum, default, example), and checks that the
// YAML decoder either reads them exactly as kin-openapi does or leaves the document to kin-openapi.
func TestFastYAMLScalars(t *testing.T) {
	doc := func(schema string) string {
		return "openapi: 3.0.3\ninfo:\n  title: t\n  version: '1'\npaths: {}\ncomponents:\n  schemas:\n    S:\n" + schema
	}
	for _, tc := range []struct {
		name   string
		schema string
		giveUp bool
	}{
		{"integers", "      type: integer\n      minimum: 10\n      maximum: -3\n      maxLength: 5\n      x-n: 123456789012345678\n", false},
		{"big integers", "      x-big: 123456789012345678901\n      x-huge: 18446744073709551615\n      example: 9007199254740993\n", false},
		{"hex octal binary underscores", "      enum: [0x1F, 0o17, 017, 0b101, 1_000, +5]\n      x-k: 0xFFFFFFFFFFFFFFFF\n", false},
		{"minus zero", "      minimum: -0\n      default: -0\n      x-z: [-0, 0, -0.0]\n", false},
		{"floats", "      type: number\n      minimum: 1.5\n      maximum: 1e3\n      multipleOf: .5\n      default: 1.0\n      enum: [1e21, 1e-7, 2.50, -1.0e+2, 100000000000000000000.0]\n", false},
		{"booleans and nulls", "      nullable: True\n      readOnly: FALSE\n      x-b: [true, false, yes, no, on, off, y, n]\n      x-n: [~, null, Null, NULL, ]\n      default:\n", false},
		{"dates stay strings", "      type: string\n      format: date\n      example: 2024-01-31\n      default: 2001-12-14t21:59:43.10-05:00\n      x-d: {2024-01-01: a}\n", false},
		{"quoted and block strings", "      description: |\n        two\n        lines\n      title: '123'\n      pattern: \"^a\\\\d+$\"\n      x-s: >-\n        folded\n        text\n", false},
		{"integer and date keys", "      type: object\n      properties:\n        200: {type: string}\n        2024-01-01: {type: string}\n", false},
		{"anchors and aliases", "      type: object\n      properties:\n        a: &s {type: string, maxLength: 3}\n        b: *s\n      x-list: &l [1, 2]\n      x-again: *l\n", false},
		{"flow and empty collections", "      type: object\n      required: []\n      properties: {}\n      x-e: {a: [], b: {}}\n", false},
		{"string in a number field", "      minimum: ten\n", true},
		{"number in a string field", "      title: 5\n", true},
		{"whole float as a length", "      maxLength: 5.0\n", false}, // 5 once written as JSON
		{"infinity", "      example: .inf\n", true},
		{"not a number", "      x-n: .nan\n", true},
		{"merge key", "      type: object\n      properties:\n        a: &base {type: string}\n        b:\n          <<: *base\n          maxLength: 2\n", true},
		{"explicit tag", "      x-t: !!str 12\n", true},
		{"binary tag", "      x-t: !!binary aGVsbG8=\n", true},
		{"timestamp tag", "      x-t: !!timestamp 2024-01-01\n", true},
		{"repeated key", "      type: string\n      type: integer\n", true},
		{"float key", "      type: object\n      properties:\n        1.5: {type: string}\n", true},
		{"boolean key", "      type: object\n      properties:\n        true: {type: string}\n", true},
		{"null key", "      type: object\n      properties:\n        ~: {type: string}\n", true},
		{"octal key", "      type: object\n      properties:\n        010: {type: string}\n", true},
		{"key differing by case", "      Type: string\n", true},
		{"escaped code point", "      title: \"\\xff \\u00e9\"\n", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			text := []byte(doc(tc.schema))
			tree := parseYAMLTree(text)
			require.NotNil(t, tree, "the test text parses")
			_, err := fastDecodeYAML(tree, len(text))
			if tc.giveUp {
				require.ErrorIs(t, err, errSlowPath)
				return
			}
			require.NoError(t, err)
			kin, fast := kinAndFastYAML(t, tc.name+".yaml", text)
			require.NotNil(t, kin, "kin-openapi reads it")
			require.NotNil(t, fast)
			requireSameDoc(t, tc.name, kin, fast)
		})
	}
}

// TestFastYAMLAliasBomb checks that aliases of aliases do not expand without bound: the decoder gives up once it
// has visited more nodes than the text has bytes, and kin-openapi's own limits refuse the document.
func TestFastYAMLAliasBomb(t *testing.T) {
	text := "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\nx-a: &a [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]\n"
	prev := "a"
	for i := range 8 {
		name := string(rune('b' + i))
		text += "x-" + name + ": &" + name + " [*" + prev + ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev +
			", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev + "]\n"
		prev = name
	}
	tree := parseYAMLTree([]byte(text))
	require.NotNil(t, tree)
	_, err := fastDecodeYAML(tree, len(text))
	require.ErrorIs(t, err, errSlowPath)
	_, err = LoadData(context.Background(), "bomb.yaml", []byte(text))
	require.Error(t, err, "kin-openapi's YAML library refuses excessive aliasing")
}

// TestLoadKeepsSourceTree checks that a loaded YAML document hands the node tree parsed at load, equal to
// SourceTree's, to the first TakeSourceTree only, and that a JSON document keeps none.
func TestLoadKeepsSourceTree(t *testing.T) {
	yml, err := Source("carecycle")
	require.NoError(t, err)
	api, err := LoadData(context.Background(), "openapi/carecycle.yaml", yml)
	require.NoError(t, err)
	first := api.TakeSourceTree()
	require.NotNil(t, first)
	require.Nil(t, api.TakeSourceTree(), "the kept tree is handed out once")
	require.Empty(t, sameTree(first, SourceTree(api.Source), ""))

	data, err := os.ReadFile("carecycle.yaml")
	require.NoError(t, err)
	api, err = LoadData(context.Background(), "carecycle.json", yamlToJSON(t, data))
	require.NoError(t, err)
	require.Nil(t, api.TakeSourceTree())

	// A JSON document whose warnings needed its tree keeps it with KeepSourceTree only.
	warned := []byte(`{"openapi":"3.0.3","info":{"title":"t","version":"1"},"paths":{"/a/{id":{"get":{"responses":{"200":{"description":"ok"}}}}}}`)
	file := filepath.Join(t.TempDir(), "warned.json")
	require.NoError(t, os.WriteFile(file, warned, 0o600))
	api, err = LoadWith(context.Background(), file, Options{})
	require.NoError(t, err)
	require.NotEmpty(t, api.Warnings)
	require.Nil(t, api.TakeSourceTree())
	api, err = LoadWith(context.Background(), file, Options{KeepSourceTree: true})
	require.NoError(t, err)
	kept := api.TakeSourceTree()
	require.NotNil(t, kept)
	require.Empty(t, sameTree(kept, SourceTree(warned), ""))
	require.Nil(t, api.TakeSourceTree())
}
