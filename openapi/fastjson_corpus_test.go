//go:build corpus

package openapi

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/standin/standin/internal/corpus"
)

// TestFastDecodeCorpus compares the fast decoder with kin-openapi's on the JSON documents of @readme/oas-examples,
// on a slice of APIs.guru and on Stripe's and GitHub's descriptions:
//
//	go test -tags corpus -run TestFastDecodeCorpus ./openapi/ -v
//
// FASTDECODE_GURU caps the APIs.guru documents (default 150; 0 skips them).
func TestFastDecodeCorpus(t *testing.T) {
	var files []string
	for _, v := range []string{"3.0", "3.1"} {
		m, _ := filepath.Glob(filepath.Join(corpus.ReadmeExamples(), v, "json", "*.json"))
		files = append(files, m...)
	}
	guru := 150
	if s := os.Getenv("FASTDECODE_GURU"); s != "" {
		guru = 0
		for _, c := range s {
			guru = guru*10 + int(c-'0')
		}
	}
	n := 0
	_ = filepath.WalkDir(corpus.APIsGuru(), func(p string, d os.DirEntry, err error) error {
		if err != nil || n >= guru {
			return filepath.SkipDir
		}
		if !d.IsDir() && strings.HasSuffix(p, ".json") && isOpenAPI3(p) {
			files = append(files, p)
			n++
		}
		return nil
	})
	files = append(files, corpus.Stripe(), corpus.GitHub())
	fast, slow := 0, 0
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Logf("skipping %s: %v", f, err)
			continue
		}
		t.Run(filepath.Base(f), func(t *testing.T) {
			kin, got := kinAndFast(t, f, data)
			if got == nil {
				slow++
				t.Logf("%s: left to kin-openapi", f)
				return
			}
			fast++
			requireSameDoc(t, f, kin, got)
		})
	}
	t.Logf("%d documents decoded fast and equal to kin-openapi's, %d left to kin-openapi", fast, slow)
	require.Positive(t, fast)
}

// isOpenAPI3 reports whether the APIs.guru file at p is an OpenAPI 3 document (the directory names its files
// after the service, and holds Swagger 2.0 ones too).
func isOpenAPI3(p string) bool {
	data, err := os.ReadFile(p)
	return err == nil && strings.Contains(string(data), `"openapi":`)
}
