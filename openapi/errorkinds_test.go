package openapi

import (
	"maps"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestErrorKindTable checks the facts every user of the table relies on: one entry per name, a usual status that
// is the first preferred one, a default message, and ErrorKinds holding exactly the declarable kinds.
func TestErrorKindTable(t *testing.T) {
	seen := map[string]bool{}
	var declarable []string
	for _, k := range AllErrorKinds() {
		require.False(t, seen[k.Name], "kind %q is listed twice", k.Name)
		seen[k.Name] = true
		require.NotEmpty(t, k.Purpose, k.Name)
		require.NotEmpty(t, k.Message, k.Name)
		require.NotEmpty(t, k.Prefer, k.Name)
		require.Equal(t, k.Status, k.Prefer[0], "%s: the usual status must be the first preferred", k.Name)
		require.True(t, k.Status >= 400 && k.Status <= 599, "%s: status %d is not an error status", k.Name, k.Status)
		if k.ForFaultStatus {
			require.True(t, k.Declarable, "%s: only a declarable kind has a shape a fault can borrow", k.Name)
		}
		if k.Declarable {
			declarable = append(declarable, k.Name)
		}
		if k.Fallback != "" {
			// A fallback chain ends at a kind without one, never back where it started.
			visited := map[string]bool{k.Name: true}
			for next := k.Fallback; next != ""; {
				fb, ok := LookupErrorKind(next)
				require.True(t, ok, "%s: fallback %q is not a kind", k.Name, next)
				require.False(t, visited[next], "%s: fallback chain loops at %q", k.Name, next)
				require.True(t, fb.Declarable, "%s: fallback %q must be declarable, as it stands in for a declarable kind", k.Name, next)
				visited[next] = true
				next = fb.Fallback
			}
		}
		got, ok := LookupErrorKind(k.Name)
		require.True(t, ok)
		require.Equal(t, k, got)
	}
	require.ElementsMatch(t, declarable, slices.Collect(maps.Keys(ErrorKinds)))
	_, ok := LookupErrorKind("teapot")
	require.False(t, ok)
}

// TestErrorKindsBlockKeys checks that the errors block accepts each declarable kind and names them all when it
// meets a kind outside the table.
func TestErrorKindsBlockKeys(t *testing.T) {
	tests := []struct {
		kind string
		ok   bool
	}{
		{"notFound", true},
		{"routeNotFound", true},
		{"queued", true},
		{"conflict", true},
		{"notAcceptable", false},
		{"teapot", false},
	}
	for _, tt := range tests {
		t.Run(tt.kind, func(t *testing.T) {
			ext, problems := parseExtension(map[string]any{"errors": map[string]any{
				tt.kind: map[string]any{"status": 418, "body": map[string]any{"m": "$message"}},
			}})
			if tt.ok {
				require.Empty(t, problems)
				require.Contains(t, ext.Errors, tt.kind)
				return
			}
			require.Len(t, problems, 1)
			require.Equal(t, "/x-standin/errors/"+tt.kind, problems[0].pointer)
			for _, k := range AllErrorKinds() {
				if k.Declarable {
					require.Contains(t, problems[0].err.Error(), k.Name)
				}
			}
		})
	}
}
