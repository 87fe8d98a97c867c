package openapi

import (
	"encoding/json"
	"net/url"
	"strconv"
	"unicode/utf8"

	"github.com/getkin/kin-openapi/openapi3"
	"gopkg.in/yaml.v3"
)

// A YAML document takes kin-openapi's path through three conversions: its YAML library decodes the text into
// generic values, those are encoded as JSON text, and that text is decoded by the UnmarshalJSON methods (each
// object twice, see fastjson.go). For the bundled documents that was 58 % of `standin serve`'s start.
//
// Here the text is parsed once into a yaml.v3 node tree (the same tree sourceMap and the mock's example order
// read, so it is parsed only once) and the tree is turned into the generic values the JSON decoder makes —
// maps, slices, strings, booleans, nil and json.Number written as encoding/json writes the number kin-openapi's
// path would have encoded — which the one-pass decoder of fastjson.go fills the kin-openapi types from.
//
// kin-openapi's YAML library (github.com/oasdiff/yaml3) is a fork of yaml.v3 that resolves scalars the same way
// except that it reads no untagged scalar as a timestamp; its values are then encoded to JSON with each map key
// turned into a string. Whatever this conversion cannot be sure to read exactly that way gives up with
// errSlowPath and the document takes kin-openapi's path from scratch: an explicit tag, a merge key (<<), a key
// that is not a plain string or decimal integer, a repeated key, a number JSON cannot write (.inf, .nan), a
// string that is not UTF-8, or an alias expansion larger than the text. TestFastYAMLMatchesKin and the corpus
// test compare the two decoders field for field.

// parseYAMLTree parses YAML text into its root node (nil when the text does not parse or holds no document), as
// SourceTree does for YAML.
func parseYAMLTree(data []byte) *yaml.Node {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil || len(doc.Content) == 0 {
		return nil
	}
	return doc.Content[0]
}

// fastDecodeYAML decodes the YAML document whose node tree is root into an openapi3.T without resolving
// references, or reports errSlowPath. size is the length of the text (it bounds alias expansion).
func fastDecodeYAML(root *yaml.Node, size int) (*openapi3.T, error) {
	if root == nil || root.Kind != yaml.MappingNode {
		return nil, errSlowPath
	}
	c := &yamlConv{budget: size + 1024}
	j, err := c.value(root)
	if err != nil {
		return nil, err
	}
	return decodeGeneric(j)
}

// loadFastYAML is loadFast for YAML text whose node tree is root.
func loadFastYAML(loader *openapi3.Loader, root *yaml.Node, size int, location *url.URL) (*openapi3.T, error) {
	fast, err := fastDecodeYAML(root, size)
	if err != nil {
		return nil, err
	}
	return resolveFast(loader, fast, location)
}

// yamlConv turns a node tree into generic values. budget is the number of nodes it may still visit: an alias
// is visited again at each use, so a document of aliases of aliases could expand without end.
type yamlConv struct {
	budget int
}

func (c *yamlConv) value(n *yaml.Node) (any, error) {
	c.budget--
	if c.budget < 0 {
		return nil, errSlowPath
	}
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) != 1 {
			return nil, errSlowPath
		}
		return c.value(n.Content[0])
	case yaml.AliasNode:
		if n.Alias == nil {
			return nil, errSlowPath
		}
		return c.value(n.Alias)
	case yaml.MappingNode:
		if n.Style&yaml.TaggedStyle != 0 || len(n.Content)%2 != 0 {
			return nil, errSlowPath
		}
		m := make(map[string]any, len(n.Content)/2)
		for i := 0; i < len(n.Content); i += 2 {
			k, err := c.key(n.Content[i])
			if err != nil {
				return nil, err
			}
			if _, dup := m[k]; dup {
				return nil, errSlowPath // kin-openapi's decoder refuses a repeated key
			}
			v, err := c.value(n.Content[i+1])
			if err != nil {
				return nil, err
			}
			m[k] = v
		}
		return m, nil
	case yaml.SequenceNode:
		if n.Style&yaml.TaggedStyle != 0 {
			return nil, errSlowPath
		}
		a := make([]any, len(n.Content))
		for i, e := range n.Content {
			v, err := c.value(e)
			if err != nil {
				return nil, err
			}
			a[i] = v
		}
		return a, nil
	case yaml.ScalarNode:
		return scalarValue(n)
	}
	return nil, errSlowPath
}

// key reads a mapping key: a string, or a decimal integer (kin-openapi's path writes 200 as "200").
func (c *yamlConv) key(n *yaml.Node) (string, error) {
	c.budget--
	if n.Kind != yaml.ScalarNode || n.Style&yaml.TaggedStyle != 0 || !utf8.ValidString(n.Value) {
		return "", errSlowPath
	}
	switch n.Tag {
	case "!!str", "!!timestamp":
		return n.Value, nil
	case "!!int":
		if plainDecimal(n.Value) {
			return n.Value, nil
		}
	}
	return "", errSlowPath
}

// scalarValue reads a scalar as kin-openapi's path does: resolved by the YAML library, then written as JSON and
// read back.
func scalarValue(n *yaml.Node) (any, error) {
	if n.Style&yaml.TaggedStyle != 0 {
		return nil, errSlowPath
	}
	switch n.Tag {
	case "!!str", "!!timestamp":
		// An untagged date is a string for kin-openapi's library (it turns timestamps off).
		if !utf8.ValidString(n.Value) {
			return nil, errSlowPath // encoding/json would replace the bad bytes
		}
		return n.Value, nil
	case "!!null":
		return nil, nil
	case "!!bool":
		switch n.Value {
		case "true", "True", "TRUE":
			return true, nil
		case "false", "False", "FALSE":
			return false, nil
		}
	case "!!int":
		if plainDecimal(n.Value) {
			return json.Number(n.Value), nil
		}
		var v any
		if err := n.Decode(&v); err != nil {
			return nil, errSlowPath
		}
		switch x := v.(type) {
		case int:
			return json.Number(strconv.Itoa(x)), nil
		case int64:
			return json.Number(strconv.FormatInt(x, 10)), nil
		case uint64:
			return json.Number(strconv.FormatUint(x, 10)), nil
		case float64:
			return floatNumber(x)
		}
	case "!!float":
		var v any
		if err := n.Decode(&v); err != nil {
			return nil, errSlowPath
		}
		if f, ok := v.(float64); ok {
			return floatNumber(f)
		}
	}
	return nil, errSlowPath
}

// floatNumber writes f as encoding/json does; .inf and .nan have no JSON form (kin-openapi's path fails there).
func floatNumber(f float64) (any, error) {
	b, err := json.Marshal(f)
	if err != nil {
		return nil, errSlowPath
	}
	return json.Number(b), nil
}

// plainDecimal reports whether s is an optional minus and at most 18 digits without a leading zero (and not -0): the YAML
// library reads it as that int and encoding/json writes it back unchanged (0123 would be octal, 1_000 a
// thousand).
func plainDecimal(s string) bool {
	d := s
	if len(d) > 0 && d[0] == '-' {
		d = d[1:]
		if d == "0" {
			return false // -0 reads as the float -0 from JSON, 0 from YAML
		}
	}
	if len(d) == 0 || len(d) > 18 || (d[0] == '0' && len(d) > 1) {
		return false
	}
	for i := 0; i < len(d); i++ {
		if d[i] < '0' || d[i] > '9' {
			return false
		}
	}
	return true
}
