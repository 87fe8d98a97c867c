package openapi

import (
	"net/url"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// sourceMap finds the line of a JSON pointer in a YAML (or JSON) document. The text is parsed the first time a
// line is asked for: a document without problems never pays for it.
type sourceMap struct {
	data   []byte
	parsed bool
	root   *yaml.Node // nil when the text does not parse as YAML
	// v2 says the text is a Swagger 2.0 document: pointers into the converted OpenAPI 3 document are mapped
	// back to the original's layout first.
	v2 bool
}

func newSourceMap(data []byte) *sourceMap { return &sourceMap{data: data} }

func (s *sourceMap) node() *yaml.Node {
	if !s.parsed {
		s.parsed = true
		var doc yaml.Node
		if err := yaml.Unmarshal(s.data, &doc); err == nil && len(doc.Content) > 0 {
			s.root = doc.Content[0]
		}
	}
	return s.root
}

// line returns the line of the node at pointer ("/paths/~1a/get"), or of its deepest existing ancestor.
func (s *sourceMap) line(pointer string) int {
	_, line := s.place(pointer)
	return line
}

// place maps a pointer into the loaded document to the source text (see v2) and returns the pointer of the
// deepest node found there and its line.
func (s *sourceMap) place(pointer string) (string, int) {
	if s.v2 {
		pointer = v2Pointer(pointer)
	}
	var steps []step
	for _, p := range splitPointer(pointer) {
		steps = append(steps, step{key: p})
	}
	return s.resolve(steps)
}

// resolve follows steps as far as the document allows and returns the pointer of the deepest node reached and
// its line. A step that does not match ends the walk.
func (s *sourceMap) resolve(steps []step) (pointer string, line int) {
	var parts []string
	root := s.node()
	if root == nil {
		for _, st := range steps {
			if !st.search {
				parts = append(parts, escapePointer(st.key))
			}
		}
		if len(parts) == 0 {
			return "", 0
		}
		return "/" + strings.Join(parts, "/"), 0
	}
	node, line := root, 0
	for _, st := range steps {
		if st.search {
			path, found := searchKey(node, "", st.match)
			if found == nil {
				break
			}
			parts = append(parts, path...)
			node, line = found.value, found.line
			continue
		}
		next, ln, ok := child(node, st.key)
		if !ok {
			// An example's value sits one level below the example object.
			if v, _, okv := child(node, "value"); okv {
				if next, ln, ok = child(v, st.key); ok {
					parts = append(parts, "value")
				}
			}
		}
		if !ok {
			break
		}
		parts = append(parts, escapePointer(st.key))
		node, line = next, ln
	}
	if len(parts) == 0 {
		return "", line
	}
	return "/" + strings.Join(parts, "/"), line
}

// child returns the value under key of a mapping node, or item key of a sequence node, and the line of its key.
func child(n *yaml.Node, key string) (*yaml.Node, int, bool) {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == key {
				return n.Content[i+1], n.Content[i].Line, true
			}
		}
	case yaml.SequenceNode:
		if i, err := strconv.Atoi(key); err == nil && i >= 0 && i < len(n.Content) {
			return n.Content[i], n.Content[i].Line, true
		}
	}
	return nil, 0, false
}

type found struct {
	value *yaml.Node
	line  int
}

// searchKey finds, depth first, a mapping key below n for which match(key, parentKey) holds and returns the
// pointer parts leading to it.
func searchKey(n *yaml.Node, parentKey string, match func(key, parentKey string) bool) ([]string, *found) {
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i].Value
			if match(k, parentKey) {
				return []string{escapePointer(k)}, &found{value: n.Content[i+1], line: n.Content[i].Line}
			}
			if path, f := searchKey(n.Content[i+1], k, match); f != nil {
				return append([]string{escapePointer(k)}, path...), f
			}
		}
	case yaml.SequenceNode:
		for i, c := range n.Content {
			if path, f := searchKey(c, parentKey, match); f != nil {
				return append([]string{strconv.Itoa(i)}, path...), f
			}
		}
	}
	return nil, nil
}

func splitPointer(p string) []string {
	if p == "" || p == "/" {
		return nil
	}
	parts := strings.Split(strings.TrimPrefix(p, "/"), "/")
	for i, s := range parts {
		parts[i] = strings.ReplaceAll(strings.ReplaceAll(s, "~1", "/"), "~0", "~")
	}
	return parts
}

// brokenRef finds the first local $ref ("#/...") of the document that names no node, and returns where it is
// written (the pointer of the object holding it and its line) and the reference. kin-openapi's loader reports
// such a reference as "map key X not found" without saying which one.
func (s *sourceMap) brokenRef() (pointer string, line int, ref string, ok bool) {
	root := s.node()
	if root == nil {
		return "", 0, "", false
	}
	var walk func(n *yaml.Node, parts []string) bool
	walk = func(n *yaml.Node, parts []string) bool {
		switch n.Kind {
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				k, v := n.Content[i], n.Content[i+1]
				if k.Value == "$ref" && v.Kind == yaml.ScalarNode && strings.HasPrefix(v.Value, "#/") && !s.resolves(v.Value) {
					pointer, line, ref = "/"+strings.Join(parts, "/"), k.Line, v.Value
					return true
				}
				if walk(v, append(parts, escapePointer(k.Value))) {
					return true
				}
			}
		case yaml.SequenceNode:
			for i, c := range n.Content {
				if walk(c, append(parts, strconv.Itoa(i))) {
					return true
				}
			}
		}
		return false
	}
	if walk(root, nil) {
		return pointer, line, ref, true
	}
	return "", 0, "", false
}

// resolves reports whether a local reference names a node of the document.
func (s *sourceMap) resolves(ref string) bool {
	node := s.node()
	for _, key := range splitPointer(strings.TrimPrefix(ref, "#")) {
		if unescaped, err := url.PathUnescape(key); err == nil {
			key = unescaped
		}
		next, _, ok := child(node, key)
		if !ok {
			return false
		}
		node = next
	}
	return true
}
