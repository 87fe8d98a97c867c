package openapi

import (
	"encoding/json"
	"net/url"
	"os"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"gopkg.in/yaml.v3"
)

// BenchmarkDecodeJSON compares kin-openapi's decoder with the one-pass decoder on the bundled CINNOX document
// re-encoded as JSON (decode and reference resolution), and the JSON source tree with the YAML parser's:
//
//	go test -run '^$' -bench DecodeJSON -benchmem ./openapi/
func BenchmarkDecodeJSON(b *testing.B) {
	raw, err := os.ReadFile("cinnox.yaml")
	if err != nil {
		b.Fatal(err)
	}
	var v any
	if err := yaml.Unmarshal(raw, &v); err != nil {
		b.Fatal(err)
	}
	data, err := json.Marshal(v)
	if err != nil {
		b.Fatal(err)
	}
	loc := &url.URL{Path: "cinnox.json"}
	b.Run("kin", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := openapi3.NewLoader().LoadFromDataWithPath(data, loc); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("fast", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := loadFast(openapi3.NewLoader(), data, loc); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("tree-yaml", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if yamlTreeOf(data) == nil {
				b.Fatal("no tree")
			}
		}
	})
	b.Run("tree-json", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if SourceTree(data) == nil {
				b.Fatal("no tree")
			}
		}
	})
}

func yamlTreeOf(data []byte) *yaml.Node {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil || len(doc.Content) == 0 {
		return nil
	}
	return doc.Content[0]
}
