//go:build corpus

package openapi

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	"github.com/standin/standin/internal/corpus"
)

// TestFastYAMLCorpus compares the YAML decoder (fastyaml.go) with kin-openapi's on the YAML documents of
// @readme/oas-examples and on APIs.guru documents written as YAML (the directory ships JSON only: each is parsed
// and written back in block style, so that its numbers, dates and strings go through YAML's plain-scalar
// resolution):
//
//	go test -tags corpus -run TestFastYAMLCorpus ./openapi/ -v
//
// FASTYAML_GURU caps the APIs.guru documents (default 100; 0 skips them).
func TestFastYAMLCorpus(t *testing.T) {
	type doc struct {
		name     string
		data     []byte
		jsonFast bool // the JSON text takes the JSON decoder's fast path
	}
	var docs []doc
	for _, v := range []string{"3.0", "3.1"} {
		m, _ := filepath.Glob(filepath.Join(corpus.ReadmeExamples(), v, "yaml", "*.yaml"))
		for _, f := range m {
			data, err := os.ReadFile(f)
			require.NoError(t, err)
			docs = append(docs, doc{f, data, false})
		}
	}
	guru := 100
	if s := os.Getenv("FASTYAML_GURU"); s != "" {
		var err error
		guru, err = strconv.Atoi(s)
		require.NoError(t, err, "FASTYAML_GURU")
	}
	n := 0
	_ = filepath.WalkDir(corpus.APIsGuru(), func(p string, d os.DirEntry, err error) error {
		if err != nil || n >= guru {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(p, ".json") {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil || !bytes.Contains(data, []byte(`"openapi":`)) {
			return nil // the directory's Swagger 2.0 documents are converted, not decoded
		}
		if y := blockYAML(data); y != nil {
			_, jerr := fastDecode(data)
			docs = append(docs, doc{p + " (as YAML)", y, jerr == nil})
			n++
		}
		return nil
	})
	fast, slow, onlyYAML := 0, 0, 0
	for _, d := range docs {
		t.Run(filepath.Base(d.name), func(t *testing.T) {
			kin, got := kinAndFastYAML(t, d.name, d.data)
			if got == nil {
				slow++
				t.Logf("%s: left to kin-openapi", d.name)
				if d.jsonFast {
					onlyYAML++
					t.Logf("%s: the JSON decoder takes it", d.name)
				}
				return
			}
			fast++
			requireSameDoc(t, d.name, kin, got)
		})
	}
	t.Logf("%d YAML documents decoded fast and equal to kin-openapi's, %d left to kin-openapi (%d of which the JSON decoder takes as JSON)",
		fast, slow, onlyYAML)
	require.Positive(t, fast)
}

// blockYAML writes a JSON text as block-style YAML, scalars unquoted where YAML allows (nil when it does not
// parse).
func blockYAML(data []byte) []byte {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil
	}
	var plain func(n *yaml.Node)
	plain = func(n *yaml.Node) {
		n.Style = 0
		for _, c := range n.Content {
			plain(c)
		}
	}
	plain(&root)
	out, err := yaml.Marshal(&root)
	if err != nil || yaml.Unmarshal(out, new(yaml.Node)) != nil {
		return nil // yaml.v3 writes some strings with tabs in a form it cannot read back
	}
	return out
}
