package openapi

import (
	"errors"
	"fmt"

	"gopkg.in/yaml.v3"

	"github.com/standin/standin/internal/jsonvalue"
)

// The twins are written by TestBundledTwins -update (twin_test.go) with jsonTwin; nothing else writes JSON
// from YAML, so it lives with the tests.

// jsonTwin writes a YAML document as JSON, keys in the order written: the values kin-openapi's path reads
// (scalars resolved as fastyaml.go resolves them), aliases expanded. A document that fast path would not read
// (a tag, a merge key, a repeated key, a number JSON cannot write) is refused.
func jsonTwin(data []byte) ([]byte, error) {
	root := parseYAMLTree(data)
	if root == nil {
		return nil, errors.New("not a YAML document")
	}
	c := &yamlConv{budget: len(data) + 1024}
	out, err := c.appendJSON(nil, root)
	if errors.Is(err, errSlowPath) {
		return nil, errors.New("the document uses YAML that has no JSON twin (a tag, a merge key, a repeated key or a number JSON cannot write)")
	}
	return out, err
}

// appendJSON appends the JSON text of n to dst.
func (c *yamlConv) appendJSON(dst []byte, n *yaml.Node) ([]byte, error) {
	c.budget--
	if c.budget < 0 {
		return nil, errSlowPath
	}
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 1 {
			return c.appendJSON(dst, n.Content[0])
		}
	case yaml.AliasNode:
		if n.Alias != nil {
			return c.appendJSON(dst, n.Alias)
		}
	case yaml.MappingNode:
		if n.Style&yaml.TaggedStyle != 0 || len(n.Content)%2 != 0 {
			return nil, errSlowPath
		}
		seen := make(map[string]bool, len(n.Content)/2)
		dst = append(dst, '{')
		for i := 0; i < len(n.Content); i += 2 {
			k, err := c.key(n.Content[i])
			if err != nil {
				return nil, err
			}
			if seen[k] {
				return nil, errSlowPath
			}
			seen[k] = true
			if i > 0 {
				dst = append(dst, ',')
			}
			if dst, err = jsonvalue.Append(dst, k); err != nil {
				return nil, err
			}
			if dst, err = c.appendJSON(append(dst, ':'), n.Content[i+1]); err != nil {
				return nil, err
			}
		}
		return append(dst, '}'), nil
	case yaml.SequenceNode:
		if n.Style&yaml.TaggedStyle != 0 {
			return nil, errSlowPath
		}
		dst = append(dst, '[')
		for i, e := range n.Content {
			if i > 0 {
				dst = append(dst, ',')
			}
			var err error
			if dst, err = c.appendJSON(dst, e); err != nil {
				return nil, err
			}
		}
		return append(dst, ']'), nil
	case yaml.ScalarNode:
		v, err := scalarValue(n)
		if err != nil {
			return nil, err
		}
		return jsonvalue.Append(dst, v)
	}
	return nil, fmt.Errorf("%w: a YAML node of kind %d", errSlowPath, n.Kind)
}
