package openapi

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"
)

var updateTwins = flag.Bool("update", false, "rewrite the bundled specs' JSON twins (twin/*.json) from their YAML")

// TestBundledTwins: each bundled spec's JSON twin is its YAML written as JSON, byte for byte (when it is not,
// `go test ./openapi -run TestBundledTwins -update` rewrites it), and the twin Load reads gives the document the
// YAML gives: the same kin-openapi value, unexported fields included, the same operations, behaviours and
// collections, no warnings, and the same key order throughout (the mock's example order reads it).
func TestBundledTwins(t *testing.T) {
	ctx := context.Background()
	require.Len(t, Bundled(), 3)
	for _, name := range Bundled() {
		t.Run(name, func(t *testing.T) {
			yml, err := Source(name)
			require.NoError(t, err)
			want, err := jsonTwin(yml)
			require.NoError(t, err)
			path := filepath.Join("twin", name+".json")
			if *updateTwins {
				require.NoError(t, os.WriteFile(path, want, 0o644))
			}
			got, err := os.ReadFile(path)
			require.NoError(t, err, "run go test ./openapi -run TestBundledTwins -update")
			require.Equal(t, string(want), string(got), "%s is not %s.yaml as JSON: run go test ./openapi -run TestBundledTwins -update", path, name)
			embedded, ok := twinOf(name)
			require.True(t, ok)
			require.Equal(t, got, embedded)

			fromYAML, err := LoadData(ctx, "openapi/"+name+".yaml", yml)
			require.NoError(t, err)
			fromTwin, err := Load(ctx, name)
			require.NoError(t, err)
			require.Equal(t, got, fromTwin.Source, "Load reads the twin")
			require.Empty(t, fromYAML.Warnings)
			require.Empty(t, fromTwin.Warnings)
			requireSameDoc(t, name, fromYAML.Doc, fromTwin.Doc)
			require.Equal(t, fromYAML.File, fromTwin.File)
			require.Equal(t, fromYAML.Name, fromTwin.Name)
			require.Equal(t, fromYAML.ServerURL, fromTwin.ServerURL)
			require.Equal(t, fromYAML.Ext, fromTwin.Ext)
			require.Empty(t, firstDiff(reflect.ValueOf(fromYAML.Collections), reflect.ValueOf(fromTwin.Collections), "Collections", map[[2]uintptr]bool{}))
			require.Len(t, fromTwin.Operations, len(fromYAML.Operations))
			for i, op := range fromYAML.Operations {
				tw := fromTwin.Operations[i]
				require.Equal(t, [3]string{op.ID, op.Method, op.Pointer}, [3]string{tw.ID, tw.Method, tw.Pointer})
				require.Equal(t, op.Statuses, tw.Statuses, op.ID)
				require.Equal(t, op.Ext, tw.Ext, op.ID)
				require.Equal(t, op.Behaviour, tw.Behaviour, op.ID)
			}
			require.Empty(t, sameKeyOrder(SourceTree(yml), SourceTree(fromTwin.Source), ""))
		})
	}
}

// sameKeyOrder compares the keys of every mapping of two trees, in order; scalars are not compared (a YAML 1.0
// is JSON's 1).
func sameKeyOrder(a, b *yaml.Node, path string) string {
	if a == nil || b == nil || a.Kind != b.Kind || len(a.Content) != len(b.Content) {
		return path + ": the trees differ in shape"
	}
	for i := range a.Content {
		if a.Kind == yaml.MappingNode && i%2 == 0 && a.Content[i].Value != b.Content[i].Value {
			return fmt.Sprintf("%s: key %q against %q", path, a.Content[i].Value, b.Content[i].Value)
		}
		if d := sameKeyOrder(a.Content[i], b.Content[i], fmt.Sprintf("%s/%d", path, i)); d != "" {
			return d
		}
	}
	return ""
}

// TestJSONTwinRefuses: YAML that the fast path does not read as kin-openapi does has no JSON twin.
func TestJSONTwinRefuses(t *testing.T) {
	for _, text := range []string{
		"a: !!str 1\n",                 // a tag
		"a: &x {b: 1}\nc:\n  <<: *x\n", // a merge key
		"a: 1\na: 2\n",                 // a repeated key
		"a: .inf\n",                    // no JSON number
		"- [",                          // not YAML
	} {
		t.Run(text, func(t *testing.T) {
			_, err := jsonTwin([]byte(text))
			require.Error(t, err)
		})
	}
	out, err := jsonTwin([]byte("b: &x [1, 2.50, 'é\"']\na: *x\n200: {c: null, d: true}\n"))
	require.NoError(t, err)
	require.Equal(t, `{"b":[1,2.5,"é\""],"a":[1,2.5,"é\""],"200":{"c":null,"d":true}}`, string(out))
}
