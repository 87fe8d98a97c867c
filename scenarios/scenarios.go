// Package scenarios holds standin's QA fault scenarios: named YAML files of fault rules, optional state
// overrides and expectations. The bundled ones are embedded (FS); a user folder may add or replace them.
//
// # File format
//
//	name: aelyst-queue-449          # optional; defaults to the file name without .yaml
//	description: One line for `standin scenario list`, more lines for `show`.
//	rules:                           # fault rules, same keys as `standin serve --fault` (package fault)
//	  - { op: updateAssignee, queue: 2 }
//	state:                           # optional records put into a session's state when the scenario activates
//	  - { api: aelyst, collection: contacts, records: [ { id: 1, name: Ada } ] }
//	expect:                          # optional checks run by `standin scenario run`, in order
//	  - request: { api: aelyst, method: POST, path: /v1/contact/id:1/conversation/assignee,
//	               headers: { Authorization: Bearer t }, body: { assignee: null } }
//	    status: 449
//	    repeat: 2                    # send it twice; both must answer 449
//	    headers: { Retry-After: "" } # "" means present with any value
//	    mayDrop: false               # true: a dropped connection passes too
//
// Unknown keys are errors; every error names the file, the line and what was expected (Error).
package scenarios

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/standin/standin/fault"
)

// FS holds the bundled scenario files.
//
//go:embed *.yaml
var FS embed.FS

// Scenario is one loaded scenario file.
type Scenario struct {
	Name        string
	Description string
	// File is where it came from: "scenarios/NAME.yaml" for a bundled one, else the path read.
	File   string
	Rules  []fault.Rule
	State  []StateOverride
	Expect []Expectation
}

// Summary is the first line of the description.
func (s *Scenario) Summary() string {
	first, _, _ := strings.Cut(strings.TrimSpace(s.Description), "\n")
	return first
}

// StateOverride puts records into one collection of one API's state when the scenario activates.
type StateOverride struct {
	API        string
	Collection string
	Records    []map[string]any
}

// Expectation is one request and what it must get back.
type Expectation struct {
	Request Request
	// Status is the status every repetition must get.
	Status int
	// Headers must be present in the answer; a non-empty value must match exactly.
	Headers map[string]string
	// Repeat sends the request this many times (0 means once).
	Repeat int
	// MayDrop accepts a broken connection as well as the expected answer (for scenarios that drop at random).
	MayDrop bool
	// Line is where the expectation starts in its file.
	Line int
}

// Request is an expectation's request. Path is below the API's mount ("/v1/contact/id:1").
type Request struct {
	API     string
	Method  string
	Path    string
	Headers map[string]string
	Body    any
}

// Error is a scenario file that cannot be used: where and what was expected.
type Error struct {
	File string
	Line int
	Msg  string
	Err  error
}

func (e *Error) Error() string {
	loc := e.File
	if e.Line > 0 {
		loc = fmt.Sprintf("%s:%d", e.File, e.Line)
	}
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", loc, e.Msg, e.Err)
	}
	return fmt.Sprintf("%s: %s", loc, e.Msg)
}

func (e *Error) Unwrap() error { return e.Err }

// ErrNotFound is returned by Load for a scenario name that is neither bundled nor in the user folder.
var ErrNotFound = errors.New("no such scenario")

// MaxFileSize is the largest scenario file read.
const MaxFileSize = 1 << 20

// ErrNotAName is returned by LoadName for a name that is not a scenario name (a path, "..", a file name).
var ErrNotAName = errors.New("not a scenario name")

// Load finds a scenario by name (in dir first, then bundled) or reads it from a file path (a name ending in
// .yaml or .yml, or containing a path separator). Only the command line uses it: a name that comes from a
// client goes through LoadName, which never reads a path.
func Load(name, dir string) (*Scenario, error) {
	if strings.HasSuffix(name, ".yaml") || strings.HasSuffix(name, ".yml") || strings.ContainsRune(name, '/') ||
		strings.ContainsRune(name, filepath.Separator) {
		data, err := readFile(name)
		if err != nil {
			return nil, fmt.Errorf("read scenario %s: %w", name, err)
		}
		return Parse(name, data)
	}
	return LoadName(name, dir)
}

// LoadName finds a scenario by name only: NAME.yaml or NAME.yml directly inside dir (when set), else the
// bundled one. A name is lower-case letters, digits and '-' (at most 64); anything else, a path or ".." above
// all, is refused with ErrNotAName before any file is touched. The file must be a regular file of at most
// MaxFileSize bytes inside dir (a symbolic link leading out of dir is refused).
func LoadName(name, dir string) (*Scenario, error) {
	if !validName(name) {
		return nil, fmt.Errorf("scenario %q: %w: expected lower-case letters, digits and '-' (GET /__standin/scenarios lists them)",
			printable(name), ErrNotAName)
	}
	if dir != "" {
		root, err := os.OpenRoot(dir)
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("open scenario folder %s: %w", dir, err)
		}
		if root != nil {
			defer root.Close()
		}
		for _, ext := range []string{".yaml", ".yml"} {
			if root == nil {
				break
			}
			file := filepath.Join(dir, name+ext)
			data, err := readIn(root, name+ext)
			if err == nil {
				return Parse(file, data)
			}
			if !errors.Is(err, fs.ErrNotExist) {
				return nil, fmt.Errorf("read scenario %s: %w", file, err)
			}
		}
	}
	data, err := FS.ReadFile(name + ".yaml")
	if err != nil {
		all, _ := List(dir)
		names := make([]string, len(all))
		for i, s := range all {
			names[i] = s.Name
		}
		return nil, fmt.Errorf("scenario %q: %w; known: %s", name, ErrNotFound, strings.Join(names, ", "))
	}
	return Parse("scenarios/"+name+".yaml", data)
}

// readFile reads a regular file of at most MaxFileSize bytes (never a FIFO, a device or a folder).
func readFile(name string) ([]byte, error) {
	if err := regular(os.Stat(name)); err != nil {
		return nil, err // before opening: opening a FIFO would block
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return readRegular(f)
}

// readIn is readFile for a name inside root.
func readIn(root *os.Root, name string) ([]byte, error) {
	if err := regular(root.Stat(name)); err != nil {
		return nil, err
	}
	f, err := root.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return readRegular(f)
}

// regular checks a Stat result: a regular file of at most MaxFileSize bytes.
func regular(st fs.FileInfo, err error) error {
	if err != nil {
		return err
	}
	if !st.Mode().IsRegular() {
		return fmt.Errorf("not a regular file (%s)", st.Mode().Type())
	}
	if st.Size() > MaxFileSize {
		return fmt.Errorf("%d bytes, more than the %d a scenario may have", st.Size(), MaxFileSize)
	}
	return nil
}

func readRegular(f *os.File) ([]byte, error) {
	if err := regular(f.Stat()); err != nil {
		return nil, err
	}
	data, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxFileSize {
		return nil, fmt.Errorf("more than the %d bytes a scenario may have", MaxFileSize)
	}
	return data, nil
}

// printable shortens s and replaces control characters, for quoting a client's name in an error.
func printable(s string) string {
	if len(s) > 80 {
		s = s[:80] + "..."
	}
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return '?'
		}
		return r
	}, strings.ToValidUTF8(s, "?"))
}

// Location is where the problem is, "FILE:LINE", without what the file says there.
func (e *Error) Location() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d", e.File, e.Line)
	}
	return e.File
}

// List loads every bundled scenario and every *.yaml/*.yml file in dir (when set); a file in dir replaces a
// bundled scenario of the same name. The result is sorted by name.
func List(dir string) ([]*Scenario, error) {
	byName := map[string]*Scenario{}
	entries, err := fs.ReadDir(FS, ".")
	if err != nil {
		return nil, fmt.Errorf("list bundled scenarios: %w", err)
	}
	for _, e := range entries {
		data, err := FS.ReadFile(e.Name())
		if err != nil {
			return nil, fmt.Errorf("read bundled scenario %s: %w", e.Name(), err)
		}
		sc, err := Parse("scenarios/"+e.Name(), data)
		if err != nil {
			return nil, err
		}
		byName[sc.Name] = sc
	}
	if dir != "" {
		files, err := os.ReadDir(dir)
		if err != nil {
			return nil, fmt.Errorf("list scenarios in %s: %w", dir, err)
		}
		root, err := os.OpenRoot(dir)
		if err != nil {
			return nil, fmt.Errorf("list scenarios in %s: %w", dir, err)
		}
		defer root.Close()
		for _, f := range files {
			if f.IsDir() || !(strings.HasSuffix(f.Name(), ".yaml") || strings.HasSuffix(f.Name(), ".yml")) {
				continue
			}
			file := filepath.Join(dir, f.Name())
			data, err := readIn(root, f.Name())
			if err != nil {
				return nil, fmt.Errorf("read scenario %s: %w", file, err)
			}
			sc, err := Parse(file, data)
			if err != nil {
				return nil, err
			}
			byName[sc.Name] = sc
		}
	}
	out := make([]*Scenario, 0, len(byName))
	for _, k := range slices.Sorted(maps.Keys(byName)) {
		out = append(out, byName[k])
	}
	return out, nil
}

// Parse reads one scenario file. file names it in errors and gives the default name.
func Parse(file string, data []byte) (*Scenario, error) {
	p := &parser{file: file}
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&doc); err != nil && !errors.Is(err, io.EOF) {
		line := 0
		var te *yaml.TypeError
		if !errors.As(err, &te) {
			fmt.Sscanf(lineOf(err.Error()), "%d", &line)
		}
		return nil, &Error{File: file, Line: line, Msg: "not valid YAML", Err: err}
	}
	if len(doc.Content) == 0 {
		return nil, &Error{File: file, Line: 1, Msg: "empty file: expected a mapping with rules (and name, description, state, expect)"}
	}
	sc := &Scenario{File: file}
	root := doc.Content[0]
	fields, err := p.mapping(root, "the scenario", "name", "description", "rules", "state", "expect")
	if err != nil {
		return nil, err
	}
	base := strings.TrimSuffix(strings.TrimSuffix(filepath.Base(file), ".yaml"), ".yml")
	sc.Name = base
	if n := fields["name"]; n != nil {
		if sc.Name, err = p.str(n, "name"); err != nil {
			return nil, err
		}
	}
	if !validName(sc.Name) {
		return nil, p.errAt(root, fmt.Sprintf("name %q: expected lower-case letters, digits and '-'", sc.Name))
	}
	if n := fields["description"]; n != nil {
		if sc.Description, err = p.str(n, "description"); err != nil {
			return nil, err
		}
	}
	if n := fields["rules"]; n != nil {
		if sc.Rules, err = p.rules(n, sc.Name); err != nil {
			return nil, err
		}
	}
	if n := fields["state"]; n != nil {
		if sc.State, err = p.state(n); err != nil {
			return nil, err
		}
	}
	if n := fields["expect"]; n != nil {
		if sc.Expect, err = p.expect(n); err != nil {
			return nil, err
		}
	}
	if len(sc.Rules) == 0 && len(sc.State) == 0 {
		return nil, p.errAt(root, "no rules and no state: expected at least one of them")
	}
	return sc, nil
}

type parser struct{ file string }

func (p *parser) errAt(n *yaml.Node, msg string) error {
	return &Error{File: p.file, Line: n.Line, Msg: msg}
}

// mapping checks that n is a mapping whose keys are all allowed, and returns the value nodes by key.
func (p *parser) mapping(n *yaml.Node, what string, allowed ...string) (map[string]*yaml.Node, error) {
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	if n.Kind != yaml.MappingNode {
		return nil, p.errAt(n, fmt.Sprintf("%s: expected a mapping with keys %s, got %s", what, strings.Join(allowed, ", "), kind(n)))
	}
	out := map[string]*yaml.Node{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if len(allowed) > 0 && !slices.Contains(allowed, k.Value) {
			return nil, p.errAt(k, fmt.Sprintf("unknown key %q in %s: expected one of %s", k.Value, what, strings.Join(allowed, ", ")))
		}
		if _, dup := out[k.Value]; dup {
			return nil, p.errAt(k, fmt.Sprintf("key %q appears twice in %s", k.Value, what))
		}
		out[k.Value] = v
	}
	return out, nil
}

func (p *parser) str(n *yaml.Node, what string) (string, error) {
	if n.Kind != yaml.ScalarNode {
		return "", p.errAt(n, fmt.Sprintf("%s: expected text, got %s", what, kind(n)))
	}
	return n.Value, nil
}

func (p *parser) seq(n *yaml.Node, what string) ([]*yaml.Node, error) {
	if n.Kind != yaml.SequenceNode {
		return nil, p.errAt(n, fmt.Sprintf("%s: expected a list, got %s", what, kind(n)))
	}
	return n.Content, nil
}

func (p *parser) rules(n *yaml.Node, name string) ([]fault.Rule, error) {
	items, err := p.seq(n, "rules")
	if err != nil {
		return nil, err
	}
	var out []fault.Rule
	for i, item := range items {
		if _, err := p.mapping(item, fmt.Sprintf("rule %d", i+1), fault.Keys()...); err != nil {
			return nil, err
		}
		var m map[string]any
		if err := item.Decode(&m); err != nil {
			return nil, p.errAt(item, fmt.Sprintf("rule %d: %v", i+1, err))
		}
		r, err := fault.FromMap(m)
		if err != nil {
			at := item
			var fe *fault.Error
			if errors.As(err, &fe) {
				key, _, _ := strings.Cut(fe.Key, ".")
				for j := 0; j+1 < len(item.Content); j += 2 {
					if item.Content[j].Value == key {
						at = item.Content[j+1]
					}
				}
			}
			return nil, &Error{File: p.file, Line: at.Line, Msg: fmt.Sprintf("rule %d", i+1), Err: err}
		}
		if r.ID == "" {
			r.ID = fmt.Sprintf("%s#%d", name, i+1)
		}
		out = append(out, r)
	}
	return out, nil
}

func (p *parser) state(n *yaml.Node) ([]StateOverride, error) {
	items, err := p.seq(n, "state")
	if err != nil {
		return nil, err
	}
	var out []StateOverride
	for i, item := range items {
		what := fmt.Sprintf("state entry %d", i+1)
		f, err := p.mapping(item, what, "api", "collection", "records")
		if err != nil {
			return nil, err
		}
		var o StateOverride
		for _, k := range []string{"api", "collection", "records"} {
			if f[k] == nil {
				return nil, p.errAt(item, fmt.Sprintf("%s: missing %s: expected api, collection and records", what, k))
			}
		}
		if o.API, err = p.str(f["api"], what+" api"); err != nil {
			return nil, err
		}
		if o.Collection, err = p.str(f["collection"], what+" collection"); err != nil {
			return nil, err
		}
		if f["records"].Kind != yaml.SequenceNode {
			return nil, p.errAt(f["records"], what+" records: expected a list of objects")
		}
		for _, rec := range f["records"].Content {
			var m map[string]any
			if rec.Kind != yaml.MappingNode || rec.Decode(&m) != nil {
				return nil, p.errAt(rec, what+" records: expected a list of objects")
			}
			o.Records = append(o.Records, jsonish(m).(map[string]any))
		}
		out = append(out, o)
	}
	return out, nil
}

func (p *parser) expect(n *yaml.Node) ([]Expectation, error) {
	items, err := p.seq(n, "expect")
	if err != nil {
		return nil, err
	}
	var out []Expectation
	for i, item := range items {
		what := fmt.Sprintf("expectation %d", i+1)
		f, err := p.mapping(item, what, "request", "status", "headers", "repeat", "mayDrop")
		if err != nil {
			return nil, err
		}
		e := Expectation{Line: item.Line}
		if f["request"] == nil || f["status"] == nil {
			return nil, p.errAt(item, what+": expected request and status")
		}
		rf, err := p.mapping(f["request"], what+" request", "api", "method", "path", "headers", "body")
		if err != nil {
			return nil, err
		}
		for _, k := range []string{"api", "method", "path"} {
			if rf[k] == nil {
				return nil, p.errAt(f["request"], fmt.Sprintf("%s request: missing %s: expected api, method and path", what, k))
			}
		}
		if e.Request.API, err = p.str(rf["api"], what+" api"); err != nil {
			return nil, err
		}
		if e.Request.Method, err = p.str(rf["method"], what+" method"); err != nil {
			return nil, err
		}
		e.Request.Method = strings.ToUpper(e.Request.Method)
		if e.Request.Path, err = p.str(rf["path"], what+" path"); err != nil {
			return nil, err
		}
		if !strings.HasPrefix(e.Request.Path, "/") {
			return nil, p.errAt(rf["path"], fmt.Sprintf("%s path %q: expected a path starting with / (below the API's mount)", what, e.Request.Path))
		}
		if h := rf["headers"]; h != nil {
			if e.Request.Headers, err = p.strMap(h, what+" request headers"); err != nil {
				return nil, err
			}
		}
		if b := rf["body"]; b != nil {
			var v any
			if err := b.Decode(&v); err != nil {
				return nil, p.errAt(b, fmt.Sprintf("%s body: %v", what, err))
			}
			e.Request.Body = jsonish(v)
		}
		if err := f["status"].Decode(&e.Status); err != nil || e.Status < 100 || e.Status > 599 {
			return nil, p.errAt(f["status"], fmt.Sprintf("%s status %q: expected an HTTP status 100..599", what, f["status"].Value))
		}
		if h := f["headers"]; h != nil {
			if e.Headers, err = p.strMap(h, what+" headers"); err != nil {
				return nil, err
			}
		}
		if r := f["repeat"]; r != nil {
			if err := r.Decode(&e.Repeat); err != nil || e.Repeat < 1 || e.Repeat > 1000 {
				return nil, p.errAt(r, fmt.Sprintf("%s repeat %q: expected a number of times 1..1000", what, r.Value))
			}
		}
		if m := f["mayDrop"]; m != nil {
			if err := m.Decode(&e.MayDrop); err != nil {
				return nil, p.errAt(m, fmt.Sprintf("%s mayDrop %q: expected true or false", what, m.Value))
			}
		}
		out = append(out, e)
	}
	return out, nil
}

func (p *parser) strMap(n *yaml.Node, what string) (map[string]string, error) {
	f, err := p.mapping(n, what)
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for k, v := range f {
		if out[k], err = p.str(v, what+" "+k); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// jsonish turns YAML-decoded values into what encoding/json would produce (map[string]any, float64).
func jsonish(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, val := range x {
			out[k] = jsonish(val)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, val := range x {
			out[i] = jsonish(val)
		}
		return out
	case int:
		return float64(x)
	case int64:
		return float64(x)
	case uint64:
		return float64(x)
	}
	return v
}

func kind(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		return fmt.Sprintf("%q", n.Value)
	}
	return "something else"
}

func validName(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for _, c := range s {
		if !(c == '-' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// lineOf extracts the number after "line " in a yaml error message.
func lineOf(msg string) string {
	_, after, ok := strings.Cut(msg, "line ")
	if !ok {
		return ""
	}
	end := strings.IndexFunc(after, func(r rune) bool { return r < '0' || r > '9' })
	if end < 0 {
		end = len(after)
	}
	return after[:end]
}
