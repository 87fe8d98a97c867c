package mock

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/stretchr/testify/require"

	"github.com/standin/standin/openapi"
)

// TestBodyOKRemembersLastType: bodyOK keeps its reading of the last Content-Type; requests alternating types
// (and bodies) get the answers a fresh opChecks gives each of them.
func TestBodyOKRemembersLastType(t *testing.T) {
	api, err := openapi.Load(t.Context(), "carecycle")
	require.NoError(t, err)
	tried := 0
	for _, item := range api.Doc.Paths.Map() {
		for _, op := range item.Operations() {
			if op.RequestBody == nil || op.RequestBody.Value == nil {
				continue
			}
			kept := &opChecks{}
			kept.build(api.Doc, op, item)
			bodies := []any{map[string]any{}, map[string]any{"assignedTo": "7869c1a9-a680-4086-b6f5-9e78a651f6f2"}, "text", nil}
			types := []string{"application/json", "text/plain", "application/json; charset=utf-8", "APPLICATION/JSON", "",
				"application/json", "application/merge-patch+json"}
			for round := range 3 {
				for i, ct := range types {
					r := httptest.NewRequest("POST", "/", strings.NewReader(""))
					if ct != "" {
						r.Header.Set("Content-Type", ct)
					}
					in := &openapi3filter.RequestValidationInput{Request: r}
					v := bodies[(i+round)%len(bodies)]
					fresh := &opChecks{}
					fresh.build(api.Doc, op, item)
					require.Equal(t, fresh.bodyOK(in, op.RequestBody.Value, v), kept.bodyOK(in, op.RequestBody.Value, v),
						"%s %q", op.OperationID, ct)
					tried++
				}
			}
		}
	}
	require.NotZero(t, tried)
}
