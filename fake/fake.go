package fake

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"github.com/brianvoe/gofakeit/v7"
	"github.com/getkin/kin-openapi/openapi3"

	ecma "github.com/standin/standin/openapi/pattern"
)

// DefaultSeed is the seed used when Options.Seed is 0. A zero seed never means "random".
const DefaultSeed uint64 = 0x5eed_0f_57a4_d1f0

// DefaultMaxDepth is the nesting depth after which recursive schemas get their minimal valid value.
const DefaultMaxDepth = 6

// ErrUnsatisfiable reports that no value valid for the schema was found. The schema may be
// contradictory (minimum above maximum, a pattern that cannot meet the length limits, ...).
var ErrUnsatisfiable = errors.New("no valid value found for schema")

// Direction says which side of an exchange a value is for. It decides how readOnly and
// writeOnly properties are treated.
type Direction int

const (
	// Both includes readOnly and writeOnly properties (the zero value).
	Both Direction = iota
	// Request omits readOnly properties, as a client must not send them.
	Request
	// Response omits writeOnly properties, as a server must not return them.
	Response
)

// Hint describes the place a value is generated for.
type Hint struct {
	// Name is the property or parameter name the value is for ("" at a body root). It picks
	// realistic values: "email" gets an address, "createdAt" a recent timestamp.
	Name string
	// Direction decides whether readOnly or writeOnly properties are left out.
	Direction Direction
	// OpenAPI31 says the schema comes from an OpenAPI 3.1 (or later) document, as
	// (*openapi3.T).IsOpenAPI31OrLater reports. The value is then checked as JSON Schema
	// 2020-12, with openapi3.EnableJSONSchema2020 as openapi3filter does for such
	// documents: nullable is ignored (only a "null" type allows null) and required
	// readOnly/writeOnly properties are kept, as that validator requires them. A schema
	// that uses a keyword only the 2020-12 validator checks (const, prefixItems,
	// contains, patternProperties, propertyNames, dependentRequired, dependentSchemas,
	// unevaluated*, if/then/else, contentSchema) is treated so even when OpenAPI31 is false.
	OpenAPI31 bool
}

// Options configures a Generator. The zero value is valid.
type Options struct {
	// Seed is the run seed. 0 means DefaultSeed, never a random seed.
	Seed uint64
	// Now is the clock for date and date-time values (default time.Now). Generated
	// timestamps fall within the 30 days before the start of Now's UTC day, at offsets
	// drawn from the seed, so they stay the same all day long.
	Now func() time.Time
	// OptionalProbability is the chance that an optional property is included. 0 means the
	// default, 1 (every property); a negative value leaves every optional property out.
	OptionalProbability float64
	// MaxDepth is the nesting depth (objects and arrays) after which only minimal values are
	// made: no optional properties, minItems items, null where allowed. 0 means DefaultMaxDepth.
	MaxDepth int
	// MaxValues and MaxBytes bound one generated value: how many values (scalars, objects, arrays) and how many
	// bytes of strings it may hold. Generation stops when either is spent and Generate reports ErrBudget.
	// 0 means DefaultMaxValues and DefaultMaxBytes.
	MaxValues, MaxBytes int
}

// Generator makes values for kin-openapi schemas. It is safe for concurrent use: its
// configuration never changes after New, and its only mutable parts are concurrency-safe
// caches of which schemas need the JSON Schema 2020-12 validator (compiled patterns are
// cached by package pattern).
//
// A generated value is built from the types encoding/json produces when it decodes into
// an any: map[string]any, []any, string, float64 (for integers too), bool and nil. So a
// value can be marshalled as is, compared with a decoded request body with
// reflect.DeepEqual, and passed to (*openapi3.Schema).VisitJSON.
type Generator struct {
	seed     uint64
	now      func() time.Time
	optional float64
	maxDepth int
	// maxValues and maxBytes are the per-value budget (budget.go).
	maxValues, maxBytes int
	loops               sync.Map     // *openapi3.Schema -> bool: whether it contains itself through allOf/anyOf/oneOf/not
	loopsSeen           atomic.Int64 // schemas looked at by selfComposed, to bound the loops cache

	names     sync.Map     // *openapi3.Schema -> []string: its property names, sorted (value.go)
	namesSeen atomic.Int64 // schemas whose names were sorted, to bound the names cache

	dialect  sync.Map     // *openapi3.Schema -> bool: whether it needs the JSON Schema 2020-12 validator
	dialects atomic.Int64 // schemas looked at by needs2020, to bound the dialect cache
}

// New returns a Generator configured by opts.
func New(opts Options) *Generator {
	g := &Generator{
		seed:     opts.Seed,
		now:      opts.Now,
		optional: opts.OptionalProbability,
		maxDepth: opts.MaxDepth,
	}
	if g.seed == 0 {
		g.seed = DefaultSeed
	}
	if g.now == nil {
		g.now = time.Now
	}
	switch {
	case g.optional == 0 || g.optional > 1:
		g.optional = 1
	case g.optional < 0:
		g.optional = 0
	}
	if g.maxDepth <= 0 {
		g.maxDepth = DefaultMaxDepth
	}
	g.maxValues, g.maxBytes = opts.MaxValues, opts.MaxBytes
	if g.maxValues <= 0 {
		g.maxValues = DefaultMaxValues
	}
	if g.maxBytes <= 0 {
		g.maxBytes = DefaultMaxBytes
	}
	return g
}

// Value generates a value for schema. key (such as "carecycle/assignInquiry/200" or
// "cinnox/enquiries/7") seeds an independent faker, so the value depends only on the
// Generator's seed and clock day, key and schema: never on call order or goroutines.
// When the schema cannot be satisfied, Value returns its best attempt; use Generate to
// learn about it. A nil schema gives nil.
func (g *Generator) Value(schema *openapi3.SchemaRef, key string) any {
	v, _ := g.Generate(schema, key, Hint{})
	return v
}

// ValueNamed is Value with a property-name hint for the root value, for example a query
// parameter's name.
func (g *Generator) ValueNamed(schema *openapi3.SchemaRef, key, name string) any {
	v, _ := g.Generate(schema, key, Hint{Name: name})
	return v
}

// Generate generates a value for schema as Value does and checks it with
// schema.VisitJSON (as a request or a response when the hint says so, and with
// openapi3.EnableJSONSchema2020 for OpenAPI 3.1 schemas: see Hint.OpenAPI31). When the check
// fails after a few deterministic retries it returns the last attempt and an error
// wrapping ErrUnsatisfiable and the validation error. The last retry builds the minimal
// value (see the package documentation on recursion).
func (g *Generator) Generate(schema *openapi3.SchemaRef, key string, h Hint) (any, error) {
	if schema == nil || schema.Value == nil {
		return nil, fmt.Errorf("generate %s: nil schema: %w", key, ErrUnsatisfiable)
	}
	root := fnvString(fnvOffset, key)
	js := h.OpenAPI31 || g.needs2020(schema.Value)
	var (
		v   any
		err error
	)
	for attempt := range 3 {
		c := g.newCursor(h, js)
		p := c.at(root, h.Name, "")
		if attempt > 0 {
			p = c.retry(p, attempt)
		}
		// The last attempt asks for the minimal value: no optional parts that might be
		// unsatisfiable on their own (an array whose items cannot be made may be empty).
		v = c.value(p, schema.Value, attempt == 2)
		if c.budget.loop {
			return nil, fmt.Errorf("generate %s: %w: a schema contains itself through allOf, anyOf, oneOf or not", key, ErrUnsatisfiable)
		}
		if c.budget.over {
			return nil, fmt.Errorf("generate %s: %w (%d values, %d bytes)", key, ErrBudget, g.maxValues, g.maxBytes)
		}
		if err = schema.Value.VisitJSON(v, c.vopts...); err == nil {
			return v, nil
		}
	}
	return v, fmt.Errorf("generate %s: %w: %w", key, ErrUnsatisfiable, err)
}

// pattern returns the compiled form of a schema pattern (an ECMA-262 regular expression), or nil when it does
// not compile.
func (g *Generator) pattern(src string) *ecma.Regexp {
	re, err := ecma.Compile(src)
	if err != nil {
		return nil
	}
	return re
}

// cursor carries the state of one Generate call. It is never shared between goroutines.
type cursor struct {
	g        *Generator
	dir      Direction
	vopts    []openapi3.SchemaValidationOption
	js       bool               // JSON Schema 2020-12 validation (OpenAPI 3.1): nullable means nothing
	day      time.Time          // start of Now's UTC day
	stack    []*openapi3.Schema // schemas on the path from the root, for the recursion guard
	forceAll bool               // include every optional property (oneOf disambiguation)
	budget   budget             // what this call may still make (budget.go)
	wide     bool               // draw numbers from the whole declared range, not the realistic one
	varied   bool               // inside an array item after the first: schema examples are not reused
}

func (g *Generator) newCursor(h Hint, js bool) *cursor {
	c := &cursor{g: g, dir: h.Direction, js: js, day: g.now().UTC().Truncate(24 * time.Hour), vopts: SchemaOptions(), budget: g.newBudget()}
	switch h.Direction {
	case Request:
		c.vopts = append(c.vopts, openapi3.VisitAsRequest())
	case Response:
		c.vopts = append(c.vopts, openapi3.VisitAsResponse())
	}
	if js {
		c.vopts = append(c.vopts, openapi3.EnableJSONSchema2020())
	} else {
		// The checks read errors by their fields: no JSON of the schema in their text (openapi.API.SchemaOptions).
		c.vopts = append(c.vopts, openapi3.DisableSchemaErrorDetails())
	}
	return c
}

// pos is one position in the value being built: its own faker, the hash of its path, its
// property name and the name of the object holding it.
type pos struct {
	f      *gofakeit.Faker
	h      uint64
	name   string
	parent string
}

func (c *cursor) at(h uint64, name, parent string) pos {
	return pos{f: gofakeit.NewFaker(rand.NewPCG(c.g.seed, h), false), h: h, name: name, parent: parent}
}

// child is the position of property name inside the object at p.
func (c *cursor) child(p pos, name string) pos {
	return c.at(fnvString(fnvByte(p.h, '/'), name), name, p.name)
}

// item is the position of the i-th array item attempt at p.
func (c *cursor) item(p pos, i int) pos {
	return c.at(fnvUint(fnvByte(p.h, '#'), uint64(i)), singular(p.name), p.parent)
}

// retry is a fresh position for the n-th retry at p.
func (c *cursor) retry(p pos, n int) pos {
	return c.at(fnvUint(fnvByte(p.h, '!'), uint64(n)), p.name, p.parent)
}

const (
	fnvOffset uint64 = 14695981039346656037
	fnvPrime  uint64 = 1099511628211
)

// fnvString continues a 64-bit FNV-1a hash with s, so fnvString(fnvOffset, s) is
// hash/fnv's New64a sum of s, without allocating.
func fnvString(h uint64, s string) uint64 {
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= fnvPrime
	}
	return h
}

func fnvByte(h uint64, b byte) uint64 {
	h ^= uint64(b)
	return h * fnvPrime
}

func fnvUint(h, u uint64) uint64 {
	for range 8 {
		h = fnvByte(h, byte(u))
		u >>= 8
	}
	return h
}
