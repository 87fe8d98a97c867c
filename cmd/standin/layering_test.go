package main

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestLayering pins the one-way data flow of the design: openapi knows nothing of the servers, the mock and the
// contract runner never import each other, and the fault rules and scenarios are data the mock consumes (neither
// imports the mock nor the runner).
func TestLayering(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("go tool not on PATH")
	}
	forbidden := map[string][]string{
		"github.com/standin/standin/openapi":      {"github.com/standin/standin/mock", "github.com/standin/standin/contracttest"},
		"github.com/standin/standin/fake":         {"github.com/standin/standin/mock", "github.com/standin/standin/contracttest"},
		"github.com/standin/standin/mock":         {"github.com/standin/standin/contracttest"},
		"github.com/standin/standin/contracttest": {"github.com/standin/standin/mock"},
		"github.com/standin/standin/fault":        {"github.com/standin/standin/mock", "github.com/standin/standin/contracttest", "github.com/standin/standin/scenarios"},
		"github.com/standin/standin/scenarios":    {"github.com/standin/standin/mock", "github.com/standin/standin/contracttest"},
		// the JSON-value helpers and state are the standard library only: no HTTP, no spec, no server.
		"github.com/standin/standin/internal/jsonvalue": {"github.com/standin/standin/mock", "github.com/standin/standin/openapi",
			"github.com/standin/standin/contracttest", "net/http"},
		// XML writing is shared by the mock's answers and the runner's requests: it knows neither.
		"github.com/standin/standin/internal/xmlvalue": {"github.com/standin/standin/mock", "github.com/standin/standin/contracttest"},
		"github.com/standin/standin/mock/state": {"github.com/standin/standin/mock", "github.com/standin/standin/openapi",
			"net/http", "github.com/getkin/kin-openapi/openapi3"},
	}
	for pkg, bad := range forbidden {
		t.Run(pkg, func(t *testing.T) {
			out, err := exec.Command("go", "list", "-deps", pkg).CombinedOutput()
			if err != nil && (strings.Contains(string(out), "cannot find package") || strings.Contains(string(out), "no required module provides")) {
				t.Skipf("%s does not exist yet", pkg)
			}
			require.NoError(t, err, string(out))
			deps := strings.Fields(string(out))
			for _, b := range bad {
				require.NotContains(t, deps, b, "%s must not import %s", pkg, b)
			}
		})
	}
}
