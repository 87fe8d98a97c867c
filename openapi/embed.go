package openapi

import (
	"embed"
	"io/fs"
	"slices"
	"strings"
)

// bundled holds the vendor specs shipped in the binary, and their JSON twins (twin.go).
//
//go:embed *.yaml twin/*.json
var bundled embed.FS

// Bundled returns the names of the specs shipped in the binary, sorted ("aelyst", "carecycle", "cinnox").
func Bundled() []string {
	entries, err := fs.ReadDir(bundled, ".")
	if err != nil {
		return nil
	}
	var names []string
	for _, e := range entries {
		if name, ok := strings.CutSuffix(e.Name(), ".yaml"); ok {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	return names
}

// Source returns the YAML text of a bundled spec.
func Source(name string) ([]byte, error) {
	data, err := bundled.ReadFile(name + ".yaml")
	if err != nil {
		return nil, &UnknownAPIError{Name: name}
	}
	return data, nil
}

// UnknownAPIError reports a name that is not one of the bundled specs.
type UnknownAPIError struct{ Name string }

func (e *UnknownAPIError) Error() string {
	return "unknown API " + quote(e.Name) + ": the bundled APIs are " + strings.Join(Bundled(), ", ") +
		" (serve and test take any other OpenAPI document with --spec FILE)"
}

func quote(s string) string { return `"` + s + `"` }
