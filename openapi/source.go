package openapi

import (
	"encoding/json"
	"fmt"
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
		s.root = SourceTree(s.data)
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

// TakeSourceTree returns the node tree of a YAML document's Source that load parsed (as SourceTree gives it; of
// a JSON document's too with Options.KeepSourceTree, when its warnings needed one) and forgets it, so that the
// text is parsed once per start and the tree is not held for the life of the API; nil when there is none (a
// JSON document loaded without that option, or the tree already taken). The caller owns the tree and must not
// change it.
func (a *API) TakeSourceTree() *yaml.Node { return a.tree.Swap(nil) }

// SourceTree parses a document's text into a YAML node tree (the root mapping or sequence), nil when it does not
// parse. JSON text is read by jsonTree, some twenty times faster than the YAML parser on the same text (a
// 13 MB description: 0.6 s of CPU); anything jsonTree does not take goes to the YAML parser.
func SourceTree(data []byte) *yaml.Node {
	if looksJSON(data) {
		if n, err := jsonTree(data); err == nil {
			return n
		}
	}
	return parseYAMLTree(data)
}

// jsonTree builds the node tree yaml.v3 gives for a JSON text, as far as the fields sourceMap and the example
// order read: Kind, Value (strings unescaped, other scalars as written), Content and Line.
func jsonTree(data []byte) (*yaml.Node, error) {
	p := &jsonTreeParser{data: data, line: 1}
	p.space()
	if p.pos < len(p.data) && p.data[p.pos] == 0xEF {
		p.pos += 3 // a UTF-8 byte order mark
		p.space()
	}
	n, err := p.value(0)
	if err != nil {
		return nil, err
	}
	p.space()
	if p.pos != len(p.data) {
		return nil, p.fail("text after the document")
	}
	return n, nil
}

type jsonTreeParser struct {
	data  []byte
	pos   int
	line  int
	slab  []yaml.Node  // nodes are carved from chunks: one allocation per thousand nodes, not one per node
	stack []*yaml.Node // children of the open mappings and sequences, copied out once each is complete
}

// node returns a new node from the slab.
func (p *jsonTreeParser) node(kind yaml.Kind, tag string, line int) *yaml.Node {
	if len(p.slab) == cap(p.slab) {
		p.slab = make([]yaml.Node, 0, 1024)
	}
	p.slab = append(p.slab, yaml.Node{Kind: kind, Tag: tag, Line: line})
	return &p.slab[len(p.slab)-1]
}

// children moves the children pushed since base into an exactly sized Content.
func (p *jsonTreeParser) children(base int) []*yaml.Node {
	if len(p.stack) == base {
		return nil
	}
	out := make([]*yaml.Node, len(p.stack)-base)
	copy(out, p.stack[base:])
	clear(p.stack[base:])
	p.stack = p.stack[:base]
	return out
}

// maxJSONTreeDepth bounds nesting, as the YAML parser does.
const maxJSONTreeDepth = 10000

func (p *jsonTreeParser) fail(what string) error {
	return fmt.Errorf("JSON text at line %d: %s", p.line, what)
}

func (p *jsonTreeParser) space() {
	for p.pos < len(p.data) {
		switch p.data[p.pos] {
		case '\n':
			p.line++
		case ' ', '\t', '\r':
		default:
			return
		}
		p.pos++
	}
}

func (p *jsonTreeParser) value(depth int) (*yaml.Node, error) {
	if depth > maxJSONTreeDepth {
		return nil, p.fail("nested too deep")
	}
	p.space()
	if p.pos >= len(p.data) {
		return nil, p.fail("unexpected end")
	}
	line := p.line
	switch c := p.data[p.pos]; c {
	case '{':
		p.pos++
		n := p.node(yaml.MappingNode, "!!map", line)
		p.space()
		if p.pos < len(p.data) && p.data[p.pos] == '}' {
			p.pos++
			return n, nil
		}
		base := len(p.stack)
		for {
			p.space()
			if p.pos >= len(p.data) || p.data[p.pos] != '"' {
				return nil, p.fail("expected a member name")
			}
			k, err := p.value(depth + 1)
			if err != nil {
				return nil, err
			}
			p.space()
			if p.pos >= len(p.data) || p.data[p.pos] != ':' {
				return nil, p.fail("expected ':'")
			}
			p.pos++
			v, err := p.value(depth + 1)
			if err != nil {
				return nil, err
			}
			p.stack = append(p.stack, k, v)
			p.space()
			if p.pos < len(p.data) && p.data[p.pos] == ',' {
				p.pos++
				continue
			}
			if p.pos < len(p.data) && p.data[p.pos] == '}' {
				p.pos++
				n.Content = p.children(base)
				return n, nil
			}
			return nil, p.fail("expected ',' or '}'")
		}
	case '[':
		p.pos++
		n := p.node(yaml.SequenceNode, "!!seq", line)
		p.space()
		if p.pos < len(p.data) && p.data[p.pos] == ']' {
			p.pos++
			return n, nil
		}
		base := len(p.stack)
		for {
			v, err := p.value(depth + 1)
			if err != nil {
				return nil, err
			}
			p.stack = append(p.stack, v)
			p.space()
			if p.pos < len(p.data) && p.data[p.pos] == ',' {
				p.pos++
				continue
			}
			if p.pos < len(p.data) && p.data[p.pos] == ']' {
				p.pos++
				n.Content = p.children(base)
				return n, nil
			}
			return nil, p.fail("expected ',' or ']'")
		}
	case '"':
		start := p.pos
		p.pos++
		escaped := false
		for p.pos < len(p.data) && p.data[p.pos] != '"' {
			switch b := p.data[p.pos]; {
			case b == '\\':
				escaped = true
				p.pos++
			case b < 0x20 || b >= 0x80:
				escaped = true // control characters and non-ASCII: let encoding/json check and unescape
			}
			p.pos++
		}
		if p.pos >= len(p.data) {
			return nil, p.fail("unterminated string")
		}
		p.pos++
		raw := p.data[start:p.pos]
		n := p.node(yaml.ScalarNode, "!!str", line)
		n.Style = yaml.DoubleQuotedStyle
		if !escaped {
			n.Value = string(raw[1 : len(raw)-1])
			return n, nil
		}
		if yamlRefusesEscape(raw) {
			// The YAML parser knows neither \/ nor surrogate pairs: a text it cannot read gives no tree, as
			// before this parser existed.
			return nil, p.fail("an escape the YAML parser refuses")
		}
		if err := json.Unmarshal(raw, &n.Value); err != nil {
			return nil, p.fail("bad string")
		}
		return n, nil
	default:
		start := p.pos
		for p.pos < len(p.data) {
			b := p.data[p.pos]
			if b == ',' || b == '}' || b == ']' || b == ' ' || b == '\t' || b == '\r' || b == '\n' {
				break
			}
			p.pos++
		}
		lit := string(p.data[start:p.pos])
		switch {
		case lit == "true" || lit == "false":
			n := p.node(yaml.ScalarNode, "!!bool", line)
			n.Value = lit
			return n, nil
		case lit == "null":
			n := p.node(yaml.ScalarNode, "!!null", line)
			n.Value = lit
			return n, nil
		case json.Valid([]byte(lit)) && lit != "":
			tag := "!!int"
			if strings.ContainsAny(lit, ".eE") {
				tag = "!!float"
			}
			n := p.node(yaml.ScalarNode, tag, line)
			n.Value = lit
			return n, nil
		}
		return nil, p.fail(fmt.Sprintf("unexpected %q", lit))
	}
}

// yamlRefusesEscape reports whether a JSON string literal holds an escape yaml.v3 refuses: \/ or a \u escape of
// a UTF-16 surrogate.
func yamlRefusesEscape(lit []byte) bool {
	for i := 0; i+1 < len(lit); i++ {
		if lit[i] != '\\' {
			continue
		}
		switch lit[i+1] {
		case '/':
			return true
		case 'u':
			if i+5 < len(lit) && (lit[i+2] == 'd' || lit[i+2] == 'D') && strings.IndexByte("89abAB", lit[i+3]) >= 0 {
				return true
			}
		}
		i++
	}
	return false
}
