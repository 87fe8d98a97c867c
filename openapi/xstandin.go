package openapi

import (
	"fmt"
	"maps"
	"path"
	"slices"
	"strings"
	"time"
)

// extensionKey is the OpenAPI extension that carries standin's behaviour.
const extensionKey = "x-standin"

// Extension is the root x-standin block: how the vendor shapes errors, authenticates and rate-limits.
type Extension struct {
	// Name is the mount name of the API ("carecycle": served under /carecycle).
	Name string
	// Errors maps an error kind (see ErrorKinds) to the vendor's shape for it.
	Errors map[string]ErrorShape
	// Auth holds authentication settings beyond the security schemes.
	Auth Auth
	// RateLimit is the vendor's documented limit, nil when none is declared. The mock applies it only when a
	// scenario, rule or flag turns rate limiting on.
	RateLimit *RateLimit
	// StrictIDs ("ids: strict") makes behaviour inferred from paths answer notFound for an id never created,
	// instead of materialising a record for it ("ids: generate", the default).
	StrictIDs bool
}

// ErrorShape is one kind of vendor error: its status and a body template.
//
// In Body and Item, a string that is exactly "$name" is replaced by a value (for example $message, $errors,
// $status, $retryAfter; in Item $path, $message, $expected, $received, $code), and "{name}" inside a longer string
// is interpolated.
type ErrorShape struct {
	Status   int
	Message  string
	Body     any
	Item     any
	Messages map[string]string // rule -> message template, for validation failures
}

// Auth holds authentication settings.
type Auth struct {
	// Prefix, when set, is the prefix every API key (apiKey schemes) must start with ("cc_" for careCycle).
	Prefix string
	// Forbidden lists glob patterns (path.Match syntax) of credentials that authenticate but lack permission.
	Forbidden []string
}

// RateLimit is a request budget per window, counted per key.
type RateLimit struct {
	Limit  int
	Window time.Duration
	// Per lists the parts of a request that make up the bucket key: "header:<Name>", "query:<name>", "method",
	// "path" (the exact request path).
	Per []string
}

type extProblem struct {
	pointer string
	err     error
}

// parseExtension reads a root x-standin value. Unknown keys and badly typed values are problems naming their
// JSON pointer.
func parseExtension(raw any) (Extension, []extProblem) {
	var ext Extension
	if raw == nil {
		return ext, nil
	}
	p := &extParser{}
	root := p.object(raw, "/"+extensionKey, "name", "errors", "auth", "rateLimit", "ids")
	if root == nil {
		return ext, p.problems
	}
	ext.Name = p.str(root["name"], "/x-standin/name")
	if ext.Name != "" && strings.ContainsAny(ext.Name, "/ ?#") {
		p.add("/x-standin/name", "name %q cannot be used as a URL prefix: expected letters, digits, - or _", ext.Name)
	}
	if errs, ok := root["errors"]; ok {
		ext.Errors = map[string]ErrorShape{}
		kinds := p.object(errs, "/x-standin/errors", slices.Sorted(maps.Keys(ErrorKinds))...)
		for _, kind := range slices.Sorted(maps.Keys(kinds)) {
			ptr := "/x-standin/errors/" + kind
			m := p.object(kinds[kind], ptr, "status", "message", "body", "item", "messages")
			if m == nil {
				continue
			}
			shape := ErrorShape{
				Status:  p.integer(m["status"], ptr+"/status"),
				Message: p.str(m["message"], ptr+"/message"),
				Body:    m["body"],
				Item:    m["item"],
			}
			if shape.Status < 100 || shape.Status > 599 {
				p.add(ptr+"/status", "status %d is not an HTTP status: expected 100..599", shape.Status)
			}
			if shape.Body == nil {
				p.add(ptr+"/body", "missing body: expected the vendor's error body as a template")
			}
			if msgs, ok := m["messages"]; ok {
				shape.Messages = p.strMap(msgs, ptr+"/messages")
			}
			ext.Errors[kind] = shape
		}
	}
	if auth, ok := root["auth"]; ok {
		m := p.object(auth, "/x-standin/auth", "prefix", "forbidden")
		if m != nil {
			ext.Auth.Prefix = p.str(m["prefix"], "/x-standin/auth/prefix")
			ext.Auth.Forbidden = p.strList(m["forbidden"], "/x-standin/auth/forbidden")
			for i, pat := range ext.Auth.Forbidden {
				if _, err := path.Match(pat, ""); err != nil {
					p.add(fmt.Sprintf("/x-standin/auth/forbidden/%d", i), "bad pattern %q: %v", pat, err)
				}
			}
		}
	}
	if rl, ok := root["rateLimit"]; ok {
		ext.RateLimit = p.rateLimit(rl, "/x-standin/rateLimit")
	}
	if ids, ok := root["ids"]; ok {
		switch v := p.str(ids, "/x-standin/ids"); v {
		case "strict":
			ext.StrictIDs = true
		case "generate":
		default:
			p.add("/x-standin/ids", "unknown ids mode %q: expected strict (unknown ids are not found) or generate", v)
		}
	}
	return ext, p.problems
}

// ParseRateLimit reads a rate-limit object ({limit, window, per}) as found in x-standin or a fault rule.
func ParseRateLimit(raw any, pointer string) (*RateLimit, error) {
	p := &extParser{}
	rl := p.rateLimit(raw, pointer)
	if len(p.problems) > 0 {
		return nil, fmt.Errorf("%s: %w", p.problems[0].pointer, p.problems[0].err)
	}
	return rl, nil
}

type extParser struct{ problems []extProblem }

func (p *extParser) add(ptr, format string, args ...any) {
	p.problems = append(p.problems, extProblem{pointer: ptr, err: fmt.Errorf(format, args...)})
}

func (p *extParser) rateLimit(raw any, ptr string) *RateLimit {
	m := p.object(raw, ptr, "limit", "window", "per")
	if m == nil {
		return nil
	}
	rl := &RateLimit{Limit: p.integer(m["limit"], ptr+"/limit")}
	if rl.Limit <= 0 {
		p.add(ptr+"/limit", "limit must be a positive number of requests")
	}
	w := p.str(m["window"], ptr+"/window")
	d, err := time.ParseDuration(w)
	if err != nil || d <= 0 {
		p.add(ptr+"/window", "window %q is not a positive duration: expected e.g. 1s or 60s", w)
	}
	rl.Window = d
	rl.Per = p.strList(m["per"], ptr+"/per")
	for i, part := range rl.Per {
		name, arg, _ := strings.Cut(part, ":")
		switch {
		case (name == "method" || name == "path") && arg == "":
		case (name == "header" || name == "query") && arg != "":
		default:
			p.add(fmt.Sprintf("%s/per/%d", ptr, i), "unknown key part %q: expected header:<Name>, query:<name>, method or path", part)
		}
	}
	return rl
}

// object checks that v is a mapping whose keys are all in allowed (no check when allowed is empty).
func (p *extParser) object(v any, ptr string, allowed ...string) map[string]any {
	m, ok := v.(map[string]any)
	if !ok {
		p.add(ptr, "expected an object, got %s", describe(v))
		return nil
	}
	if len(allowed) > 0 {
		for _, k := range slices.Sorted(maps.Keys(m)) {
			if !slices.Contains(allowed, k) {
				p.add(ptr+"/"+escapePointer(k), "unknown key %q: expected one of %s", k, strings.Join(allowed, ", "))
			}
		}
	}
	return m
}

func (p *extParser) str(v any, ptr string) string {
	if v == nil {
		return ""
	}
	s, ok := v.(string)
	if !ok {
		p.add(ptr, "expected a string, got %s", describe(v))
	}
	return s
}

func (p *extParser) integer(v any, ptr string) int {
	switch n := v.(type) {
	case float64:
		if n == float64(int(n)) {
			return int(n)
		}
	case int:
		return n
	case int64:
		return int(n)
	case nil:
		p.add(ptr, "missing: expected an integer")
		return 0
	}
	p.add(ptr, "expected an integer, got %s", describe(v))
	return 0
}

func (p *extParser) strList(v any, ptr string) []string {
	if v == nil {
		return nil
	}
	list, ok := v.([]any)
	if !ok {
		p.add(ptr, "expected a list of strings, got %s", describe(v))
		return nil
	}
	out := make([]string, 0, len(list))
	for i, item := range list {
		out = append(out, p.str(item, fmt.Sprintf("%s/%d", ptr, i)))
	}
	return out
}

func (p *extParser) strMap(v any, ptr string) map[string]string {
	m := p.object(v, ptr)
	out := make(map[string]string, len(m))
	for k, item := range m {
		out[k] = p.str(item, ptr+"/"+escapePointer(k))
	}
	return out
}

func describe(v any) string {
	switch v.(type) {
	case nil:
		return "nothing"
	case string:
		return "a string"
	case float64, int, int64:
		return "a number"
	case bool:
		return "a boolean"
	case []any:
		return "a list"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", v)
}
