package openapi

import (
	"encoding/json"
	"fmt"
	"os"
	"testing"

	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"
)

// sameTree compares the fields sourceMap and the example order read: Kind, Value, Line and Content.
func sameTree(a, b *yaml.Node, path string) string {
	if a == nil || b == nil {
		if a != b {
			return path + ": nil on one side"
		}
		return ""
	}
	if a.Kind != b.Kind || a.Value != b.Value || a.Line != b.Line || len(a.Content) != len(b.Content) {
		return fmt.Sprintf("%s: kind %v/%v value %q/%q line %d/%d children %d/%d", path, a.Kind, b.Kind, a.Value, b.Value,
			a.Line, b.Line, len(a.Content), len(b.Content))
	}
	for i := range a.Content {
		if d := sameTree(a.Content[i], b.Content[i], fmt.Sprintf("%s/%d", path, i)); d != "" {
			return d
		}
	}
	return ""
}

func yamlTree(t *testing.T, data []byte) *yaml.Node {
	t.Helper()
	var doc yaml.Node
	require.NoError(t, yaml.Unmarshal(data, &doc))
	return doc.Content[0]
}

// TestJSONTreeMatchesYAML requires jsonTree to give the YAML parser's tree for JSON texts: the bundled documents
// re-encoded (indented, so that lines count) and hand-written texts with escapes, numbers and odd spacing.
func TestJSONTreeMatchesYAML(t *testing.T) {
	texts := map[string][]byte{
		"escapes":  []byte("{\"a\\\"b\": \"line\\nnext \\u00e9\", \"é\": \"ü\",\n\t\"n\": [1, -2.5e3, 0, true, false, null, {}, []]}"),
		"nested":   []byte("[\n [\n  {\"x\": {\"y\": [\"z\"]}}\n ]\n]"),
		"crlf":     []byte("{\r\n\"a\": 1,\r\n\"b\": \"c\"\r\n}"),
		"empty":    []byte("{}"),
		"bom":      []byte("\ufeff{\"a\": 1}"),
		"big keys": []byte(`{"k1":1,"k2":2,"k3":3,"k4":4,"k5":5,"k6":6,"k7":7,"k8":8,"k9":9,"k10":10}`),
	}
	for _, f := range []string{"carecycle.yaml", "aelyst.yaml", "cinnox.yaml", "testdata/petstore.yaml"} {
		raw, err := os.ReadFile(f)
		require.NoError(t, err)
		var v any
		require.NoError(t, yaml.Unmarshal(raw, &v))
		out, err := json.MarshalIndent(v, "", "  ")
		require.NoError(t, err)
		texts[f] = out
	}
	for name, text := range texts {
		t.Run(name, func(t *testing.T) {
			got, err := jsonTree(text)
			require.NoError(t, err)
			require.Empty(t, sameTree(yamlTree(t, text), got, ""))
			require.Empty(t, sameTree(yamlTree(t, text), SourceTree(text), ""))
		})
	}
}

// TestJSONTreeRefuses checks that what the YAML parser refuses in JSON (or what is not JSON) gives no tree.
func TestJSONTreeRefuses(t *testing.T) {
	for _, text := range []string{`{"a": "x\/y"}`, `{"a": "\ud83d\ude00"}`, `{"a" 1}`, `{"a": [1, 2}`, `{"a": "x`, `{"a": tru}`, `{"a": 1} x`} {
		t.Run(text, func(t *testing.T) {
			_, err := jsonTree([]byte(text))
			require.Error(t, err)
		})
	}
	require.Nil(t, SourceTree([]byte(`{"a": "x\/y"}`)), "an escaped slash gives no tree, as with the YAML parser")
}
