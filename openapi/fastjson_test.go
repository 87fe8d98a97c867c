package openapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"
)

// kinAndFast loads the JSON document data at file with kin-openapi's own decoder and with loadFast, each with a
// fresh loader set up as the reader sets one up. fast is nil when loadFast left the document to kin-openapi.
func kinAndFast(t *testing.T, file string, data []byte) (kin, fast *openapi3.T) {
	t.Helper()
	return kinAndDecoder(t, file, data, func(l *openapi3.Loader, loc *url.URL) (*openapi3.T, error) {
		return loadFast(l, data, loc)
	})
}

// kinAndDecoder loads data at file with kin-openapi's own decoder and with decode (one of the fast decoders),
// each with a fresh loader. fast is nil when decode left the document to kin-openapi; both are nil when both
// refuse it.
func kinAndDecoder(t *testing.T, file string, data []byte, decode func(*openapi3.Loader, *url.URL) (*openapi3.T, error)) (kin, fast *openapi3.T) {
	t.Helper()
	loc := &url.URL{Path: filepath.ToSlash(file)}
	newLoader := func() *openapi3.Loader {
		l := openapi3.NewLoader()
		l.IsExternalRefsAllowed = true
		return l
	}
	kin, kerr := newLoader().LoadFromDataWithPath(data, loc)
	fast, ferr := decode(newLoader(), loc)
	if errors.Is(ferr, errSlowPath) {
		return kin, nil
	}
	if kerr != nil {
		require.Error(t, ferr, "kin-openapi refuses %s (%v), the fast decoder accepts it", file, kerr)
		return nil, nil
	}
	require.NoError(t, ferr, file)
	return kin, fast
}

// firstDiff names the first place two values differ, unexported fields included ("" when they are equal).
func firstDiff(a, b reflect.Value, path string, seen map[[2]uintptr]bool) string {
	if a.IsValid() != b.IsValid() {
		return path + ": one is missing"
	}
	if !a.IsValid() {
		return ""
	}
	if a.Type() != b.Type() {
		return fmt.Sprintf("%s: type %s vs %s", path, a.Type(), b.Type())
	}
	switch a.Kind() {
	case reflect.Pointer, reflect.Map, reflect.Slice:
		if a.IsNil() != b.IsNil() {
			return fmt.Sprintf("%s: nil %v vs %v", path, a.IsNil(), b.IsNil())
		}
		if a.IsNil() {
			return ""
		}
		if a.Kind() == reflect.Pointer {
			k := [2]uintptr{a.Pointer(), b.Pointer()}
			if seen[k] {
				return ""
			}
			seen[k] = true
			return firstDiff(a.Elem(), b.Elem(), path, seen)
		}
	}
	switch a.Kind() {
	case reflect.Interface:
		if a.IsNil() != b.IsNil() {
			return path + ": nil interface on one side"
		}
		if a.IsNil() {
			return ""
		}
		return firstDiff(a.Elem(), b.Elem(), path, seen)
	case reflect.Struct:
		for i := range a.NumField() {
			if d := firstDiff(a.Field(i), b.Field(i), path+"."+a.Type().Field(i).Name, seen); d != "" {
				return d
			}
		}
		return ""
	case reflect.Slice, reflect.Array:
		if a.Len() != b.Len() {
			return fmt.Sprintf("%s: length %d vs %d", path, a.Len(), b.Len())
		}
		for i := range a.Len() {
			if d := firstDiff(a.Index(i), b.Index(i), fmt.Sprintf("%s[%d]", path, i), seen); d != "" {
				return d
			}
		}
		return ""
	case reflect.Map:
		if a.Len() != b.Len() {
			return fmt.Sprintf("%s: %d keys vs %d", path, a.Len(), b.Len())
		}
		for _, k := range a.MapKeys() {
			if d := firstDiff(a.MapIndex(k), b.MapIndex(k), fmt.Sprintf("%s[%v]", path, k), seen); d != "" {
				return d
			}
		}
		return ""
	case reflect.Func:
		if a.IsNil() != b.IsNil() {
			return path + ": func set on one side"
		}
		return ""
	}
	if fmt.Sprint(a) != fmt.Sprint(b) {
		return fmt.Sprintf("%s: %v vs %v", path, a, b)
	}
	return ""
}

func requireSameDoc(t *testing.T, file string, kin, fast *openapi3.T) {
	t.Helper()
	d := firstDiff(reflect.ValueOf(kin), reflect.ValueOf(fast), "T", map[[2]uintptr]bool{})
	require.Empty(t, d, "%s: the fast decoder's document differs from kin-openapi's", file)
	require.True(t, reflect.DeepEqual(kin, fast), "%s: documents differ (reflect.DeepEqual)", file)
}

// yamlToJSON re-encodes a YAML document as JSON text.
func yamlToJSON(t *testing.T, data []byte) []byte {
	t.Helper()
	var v any
	require.NoError(t, yaml.Unmarshal(data, &v))
	out, err := json.Marshal(v)
	require.NoError(t, err)
	return out
}

// TestFastDecodeMatchesKin decodes the bundled documents and the test documents (as JSON) with kin-openapi and
// with the fast decoder and requires the same document, unexported fields included.
func TestFastDecodeMatchesKin(t *testing.T) {
	files := []string{"carecycle.yaml", "aelyst.yaml", "cinnox.yaml", "testdata/petstore.yaml",
		"testdata/bad_example.yaml", "testdata/same_example_name.yaml", "testdata/bad_xstandin.yaml"}
	fastCount := 0
	for _, f := range files {
		t.Run(f, func(t *testing.T) {
			raw, err := os.ReadFile(f)
			require.NoError(t, err)
			data := yamlToJSON(t, raw)
			kin, fast := kinAndFast(t, f+".json", data)
			if fast == nil {
				return
			}
			fastCount++
			requireSameDoc(t, f, kin, fast)
		})
	}
	require.Equal(t, len(files), fastCount, "every one of these documents takes the fast path")
}

// TestFastDecodeGivesUp checks that what the fast decoder cannot read exactly as kin-openapi does is left to
// kin-openapi, and that what it reads matches.
func TestFastDecodeGivesUp(t *testing.T) {
	doc := func(schema string) string {
		return `{"openapi":"3.0.3","info":{"title":"t","version":"1"},"paths":{"/a":{"get":{"responses":{"200":{"description":"ok","content":{"application/json":{"schema":` + schema + `}}}}}}}}`
	}
	for _, tc := range []struct {
		name   string
		text   string
		giveUp bool
	}{
		{"plain", doc(`{"type":"string","maxLength":5}`), false},
		{"boolean schema", doc(`true`), false},
		{"type list", doc(`{"type":["string","null"]}`), false},
		{"extensions", doc(`{"type":"object","x-a":{"n":1.5},"unknown":[1,null]}`), false},
		{"additionalProperties schema", doc(`{"type":"object","additionalProperties":{"type":"integer","minimum":1e2}}`), false},
		{"exclusive bound number", doc(`{"type":"number","exclusiveMinimum":3}`), false},
		{"lone ref", `{"openapi":"3.0.3","info":{"title":"t","version":"1"},"paths":{},"components":{"schemas":{"A":{"type":"string"},"B":{"$ref":"#/components/schemas/A"}}}}`, false},
		{"ref with siblings", doc(`{"$ref":"#/components/schemas/A","description":"d"}`), true},
		{"key differing by case", doc(`{"Type":"string"}`), true},
		{"fractional length", doc(`{"type":"string","maxLength":5.0}`), true},
		{"negative length", doc(`{"type":"string","minLength":-1}`), true},
		{"responses null", `{"openapi":"3.0.3","info":{"title":"t","version":"1"},"paths":{"/a":{"get":{"responses":null}}}}`, true},
		{"wrong type", doc(`{"type":"string","title":5}`), true},
		{"huge number", doc(`{"type":"number","example":1e999}`), true},
		{"top-level array", `[1]`, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := fastDecode([]byte(tc.text))
			if tc.giveUp {
				require.ErrorIs(t, err, errSlowPath)
				return
			}
			require.NoError(t, err)
			kin, fast := kinAndFast(t, tc.name+".json", []byte(tc.text))
			require.NotNil(t, fast)
			requireSameDoc(t, tc.name, kin, fast)
		})
	}
}

// TestFastDecodeSharesLeaves checks that identical leaf schemas share one value and that schemas with an
// example, a default, a pattern or nested schemas do not.
func TestFastDecodeSharesLeaves(t *testing.T) {
	text := `{"openapi":"3.0.3","info":{"title":"t","version":"1"},"paths":{},"components":{"schemas":{
		"A":{"type":"object","properties":{
			"a1":{"type":"string","maxLength":5},"a2":{"maxLength":5,"type":"string"},"a3":{"type":"string","maxLength":6},
			"e1":{"type":"string","example":"x"},"e2":{"type":"string","example":"x"},
			"p1":{"type":"string","pattern":"^a"},"p2":{"type":"string","pattern":"^a"},
			"o1":{"type":"object","properties":{"x":{"type":"string"}}},"o2":{"type":"object","properties":{"x":{"type":"string"}}},
			"n1":{"enum":["a","b"]},"n2":{"enum":["a","b"]},"n3":{"enum":["b","a"]}}}}}}`
	doc, err := fastDecode([]byte(text))
	require.NoError(t, err)
	props := doc.Components.Schemas["A"].Value.Properties
	same := func(a, b string) bool { return props[a].Value == props[b].Value }
	require.True(t, same("a1", "a2"), "the same keywords in another order")
	require.False(t, same("a1", "a3"))
	require.False(t, same("e1", "e2"), "an example is checked per place")
	require.False(t, same("p1", "p2"), "a pattern is checked per place")
	require.False(t, same("o1", "o2"), "not a leaf")
	require.True(t, same("n1", "n2"))
	require.False(t, same("n1", "n3"))
	require.NotSame(t, props["a1"], props["a2"], "each place keeps its own SchemaRef")
}
