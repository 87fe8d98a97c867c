package openapi

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"

	"github.com/getkin/kin-openapi/openapi2"
	"github.com/getkin/kin-openapi/openapi2conv"
	"github.com/getkin/kin-openapi/openapi3"
	"github.com/oasdiff/yaml"
)

// fromSwagger2 parses a Swagger 2.0 document and converts it to OpenAPI 3 with kin-openapi's openapi2conv,
// resolving its references with loader.
func fromSwagger2(loader *openapi3.Loader, data []byte, location *url.URL, isJSON bool) (*openapi3.T, error) {
	var doc2 openapi2.T
	var err error
	if isJSON {
		err = json.Unmarshal(data, &doc2)
	} else {
		_, err = yaml.Unmarshal(data, &doc2, yaml.DecodeOpts{DisableTimestamps: true})
	}
	if err != nil {
		return nil, fmt.Errorf("read Swagger 2.0 document: %w", err)
	}
	doc, err := openapi2conv.ToV3WithLoader(&doc2, loader, location)
	if err != nil {
		return nil, fmt.Errorf("convert Swagger 2.0 to OpenAPI 3: %w", err)
	}
	if doc.Paths == nil { // openapi2conv leaves an empty paths object out
		doc.Paths = openapi3.NewPaths()
	}
	return doc, nil
}

// v2Pointer maps a JSON pointer into the OpenAPI 3 document openapi2conv made to where the same thing is written
// in the Swagger 2.0 original, as closely as the layouts allow: definitions for components/schemas, a response's
// schema without the media type level, a body parameter's place for a request body.
func v2Pointer(p string) string {
	parts := splitPointer(p)
	if len(parts) >= 2 && parts[0] == "components" {
		switch parts[1] {
		case "schemas":
			parts = append([]string{"definitions"}, parts[2:]...)
		case "parameters", "requestBodies":
			parts = append([]string{"parameters"}, parts[2:]...)
		case "responses":
			parts = append([]string{"responses"}, parts[2:]...)
		case "securitySchemes":
			parts = append([]string{"securityDefinitions"}, parts[2:]...)
		}
	}
	var out []string
	for i := 0; i < len(parts); i++ {
		switch {
		case parts[i] == "requestBody" && len(out) >= 3 && out[0] == "paths":
			return pointerOf(append(out, "parameters"))
		case parts[i] == "content" && i+1 < len(parts):
			// .../content/<media type>/schema → .../schema; .../content/<media type>/example → .../examples/<media type>
			if i+2 < len(parts) && parts[i+2] == "example" {
				out = append(out, "examples", parts[i+1])
				i += 2
				continue
			}
			i++
		case parts[i] == "schema" && len(out) >= 2 && out[len(out)-2] == "parameters":
			// a non-body parameter holds its schema keywords itself
		default:
			out = append(out, parts[i])
		}
	}
	return pointerOf(out)
}

func pointerOf(parts []string) string {
	if len(parts) == 0 {
		return ""
	}
	esc := make([]string, len(parts))
	for i, p := range parts {
		esc[i] = escapePointer(p)
	}
	return "/" + strings.Join(esc, "/")
}
