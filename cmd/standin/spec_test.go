package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// runCLI runs the command line in-process and returns stdout, stderr and the exit status.
func runCLI(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), args, env{
		getenv: func(string) string { return "" },
		stdin:  strings.NewReader(""),
		stdout: &stdout, stderr: &stderr,
	})
	code := 0
	if err != nil {
		code = 1
		var coded interface{ ExitCode() int }
		if ok := asExitCoder(err, &coded); ok {
			code = coded.ExitCode()
		}
		if msg := err.Error(); msg != "" {
			stderr.WriteString("standin: " + msg + "\n")
		}
	}
	return stdout.String(), stderr.String(), code
}

func TestSpecCommands(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		code   int
		stdout []string
		stderr []string
	}{
		{"list shows every bundled API and operation", []string{"spec", "list"}, 0,
			[]string{"carecycle", "aelyst", "cinnox", "PATCH", "/v2/inquiries/{id}/assign", "assignInquiry",
				"/v1/contact/{identifier}/conversation/assignee", "updateAssignee", "449",
				"/v1/api/apps/{appID}/data/enquiry-detail", "getEnquiryDetail", "labelEnquiry"}, nil},
		{"show prints the YAML", []string{"spec", "show", "aelyst"}, 0,
			[]string{"openapi: 3.0.3", "https://api.aelyst.ai/v1"}, nil},
		{"show an unknown API", []string{"spec", "show", "stripe"}, 2, nil,
			[]string{`unknown API "stripe"`, "aelyst, carecycle, cinnox"}},
		{"check a clean file", []string{"spec", "check", "../../openapi/testdata/petstore.yaml"}, 0,
			[]string{"petstore.yaml: ok"}, nil},
		{"check lists every problem with its place", []string{"spec", "check", "../../openapi/testdata/bad_xstandin.yaml"}, 1,
			[]string{"bad_xstandin.yaml:13: at /x-standin/colour: unknown key", "bad_xstandin.yaml:7: at /x-standin/errors/validation/status"},
			[]string{"6 errors, 0 warnings found"}},
		{"a broken example is a warning", []string{"spec", "check", "../../openapi/testdata/bad_example.yaml"}, 0,
			[]string{"bad_example.yaml:20: at /paths/~1things/get/responses/200/content/application~1json/examples/negative: warning: example does not match",
				"bad_example.yaml: 0 errors, 1 warning"}, nil},
		{"--strict makes it an error", []string{"spec", "check", "--strict", "../../openapi/testdata/bad_example.yaml"}, 1,
			[]string{"examples/negative: warning: example does not match"}, []string{"0 errors, 1 warning (errors under --strict) found"}},
		{"--strict after the file", []string{"spec", "check", "../../openapi/testdata/bad_example.yaml", "--strict"}, 1, nil, nil},
		{"a missing file is a usage error", []string{"spec", "check", "missing.yaml"}, 2, nil, []string{"missing.yaml: read:", "no such file"}},
		{"a Swagger 2.0 document is converted", []string{"spec", "check", "../../openapi/testdata/swagger2.yaml"}, 0,
			[]string{"swagger2.yaml: ok (Swagger 2.0, converted to OpenAPI 3)"}, nil},
		{"check needs a file", []string{"spec", "check"}, 2, nil, []string{"needs at least one FILE"}},
		{"spec without subcommand", []string{"spec"}, 2, nil, []string{"Usage:", "standin spec list"}},
		{"spec help", []string{"spec", "--help"}, 0, []string{"check FILE", "Examples:", "--strict"}, nil},
		{"spec check --help is the help, not a file", []string{"spec", "check", "--help"}, 0, []string{"check FILE", "Warnings are"}, nil},
		{"help spec", []string{"help", "spec"}, 0, []string{"check FILE"}, nil},
		{"help serve", []string{"help", "serve"}, 0, []string{"Usage:", "--addr address", "--strict", "--warnings"}, nil},
		{"serve --help shows flags with two dashes", []string{"serve", "--help"}, 0, []string{"  --max-body size"}, []string{}},
		{"test --help", []string{"test", "--help"}, 0, []string{"--target", "--strict"}, nil},
		{"scenario run --help", []string{"scenario", "run", "--help"}, 0, []string{"Usage:", "--target"}, nil},
		{"version", []string{"--version"}, 0, []string{"standin ", "commit "}, nil},
		{"unknown flag names it with two dashes", []string{"spec", "check", "--colour", "x.yaml"}, 2, nil,
			[]string{"unknown flag --colour", "standin spec --help"}},
		{"bad flag value names the flag", []string{"serve", "--seed", "many"}, 2, nil, []string{`--seed "many": parse error`}},
		{"top-level help", []string{"--help"}, 0, []string{"serve", "test", "scenario", "spec", "Exit status"}, nil},
		{"unknown command", []string{"frobnicate"}, 2, nil, []string{`unknown command "frobnicate"`}},
		{"no command", nil, 2, nil, []string{"Commands:"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stdout, stderr, code := runCLI(t, tt.args...)
			require.Equal(t, tt.code, code, "stdout:\n%s\nstderr:\n%s", stdout, stderr)
			for _, want := range tt.stdout {
				require.Contains(t, stdout, want)
			}
			for _, want := range tt.stderr {
				require.Contains(t, stderr, want)
			}
		})
	}
}

func TestSpecShowRoundTrips(t *testing.T) {
	for _, name := range []string{"carecycle", "aelyst", "cinnox"} {
		t.Run(name, func(t *testing.T) {
			stdout, _, code := runCLI(t, "spec", "show", name)
			require.Equal(t, 0, code)
			path := t.TempDir() + "/" + name + ".yaml"
			require.NoError(t, writeFile(path, stdout))
			out, _, code := runCLI(t, "spec", "check", path)
			require.Equal(t, 0, code, out)
			require.Contains(t, out, ": ok")
		})
	}
}

func TestFlagName(t *testing.T) {
	for field, want := range map[string]string{
		"Target": "--target", "MaxRequests": "--max-requests", "APIKey": "--api-key", "API": "--api",
		"ResponseTime": "--response-time", "Include": "--include",
	} {
		require.Equal(t, want, flagName(field), field)
	}
}
