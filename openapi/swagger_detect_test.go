package openapi

import (
	"encoding/json"
	"regexp"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/standin/standin/internal/jsonvalue"
)

// TestMentionsSwagger2 checks the hand-written scan against the regular expression it replaced, on the forms a
// Swagger 2.0 version field takes and on near misses.
func TestMentionsSwagger2(t *testing.T) {
	old := regexp.MustCompile(`(?m)(^swagger:\s*["']?2\.0|"swagger"\s*:\s*"2\.0")`)
	for _, tc := range []struct {
		name string
		text string
		want bool
	}{
		{"yaml plain", "swagger: 2.0\ninfo: {}\n", true},
		{"yaml double-quoted", "swagger: \"2.0\"\n", true},
		{"yaml single-quoted", "info: {}\nswagger: '2.0'\n", true},
		{"yaml no space", "swagger:2.0", true},
		{"yaml indented", "info:\n  swagger: 2.0\n", false},
		{"yaml other version", "swagger: 1.2\n", false},
		{"yaml after CR only", "a: 1\rswagger: 2.0", false},
		{"yaml value on next line", "swagger:\n  2.0\n", true},
		{"json compact", `{"swagger":"2.0"}`, true},
		{"json spaced", "{\"swagger\" :\n \"2.0\" }", true},
		{"json unquoted number", `{"swagger": 2.0}`, false},
		{"json in a string", `{"description": "swagger: 2.0"}`, false},
		{"json longer key", `{"xswagger": "2.0"}`, false},
		{"json key suffix", `{"swaggers": "2.0"}`, false},
		{"json after a miss", `{"swagger": "3.0", "x": {"swagger": "2.0"}}`, true},
		{"word at the end", "a swagger", false},
		{"word at the start", "swagger", false},
		{"openapi 3", "openapi: 3.0.3\n", false},
		{"empty", "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, old.MatchString(tc.text), tc.want, "the table's expectation disagrees with the old expression")
			require.Equal(t, tc.want, mentionsSwagger2([]byte(tc.text)))
		})
	}
}

// TestJSONSwagger2: the decoded root decides as encoding/json would on the text.
func TestJSONSwagger2(t *testing.T) {
	for _, text := range []string{
		`{"swagger":"2.0","info":{}}`, `{"swagger":"2.0","openapi":""}`, `{"swagger":"2.0","openapi":"3.0.0"}`,
		`{"swagger":"2.0","openapi":null}`, `{"swagger":null}`, `{"swagger":2.0}`, `{"swagger":"2.0","openapi":3}`,
		`{"Swagger":"2.0"}`, `{"swagger":"1.2"}`, `{"info":{"swagger":"2.0"}}`, `["swagger"]`, `{"SWAGGER":"2.0","swagger":"x"}`,
	} {
		var top struct {
			Swagger string `json:"swagger"`
			OpenAPI string `json:"openapi"`
		}
		want := json.Unmarshal([]byte(text), &top) == nil && top.Swagger == "2.0" && top.OpenAPI == ""
		root, ok := jsonvalue.DecodeDocument([]byte(text))
		require.True(t, ok, text)
		require.Equal(t, want, jsonSwagger2(root, []byte(text)), text)
		require.Equal(t, want, jsonSwagger2(nil, []byte(text)), text)
	}
}
