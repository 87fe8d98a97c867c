package mock

import (
	"encoding/json"
	"maps"
	"math"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"unicode/utf8"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"

	"github.com/standin/standin/fake"
	"github.com/standin/standin/openapi/pattern"
)

// Compiled request checks. kin-openapi's Schema.VisitJSON walks a schema by reflection and allocates for every
// keyword it looks at, on every request; its request body decoder parses a JSON body the validation stage has
// already parsed. For an OpenAPI 3.0 document the validation stage instead runs, for each operation, a tree of
// checkers compiled once from the schemas of its JSON request bodies and of its simple path, query and header
// parameters, against the values it already holds.
//
// A checker only ever decides "valid": it accepts exactly what VisitJSON (3.0 rules, as a request, with the
// options the validation stage passes) accepts, and whenever it says no, or a schema uses a keyword it does not
// compile (oneOf, anyOf, not, multipleOf, boolean schemas, JSON Schema 2020-12 keywords, a cycle through allOf),
// the validation stage asks kin-openapi as before, so every failure is reported exactly as it was.

// checker is one compiled schema (compiler.schema builds it).
type checker struct {
	nullable bool // nullable: true, or a "null" type
	empty    bool // the schema is {}: any value but null
	types    uint8
	allOf    []*checker
	enum     []any

	// numbers
	requireInt   bool
	intFormat    openapi3.IntegerFormatValidator
	numFormat    openapi3.NumberFormatValidator
	exclMin      *float64 // value must be > exclMin
	exclMax      *float64
	minimum      *float64
	maximum      *float64
	hasNumChecks bool

	// strings
	minLen, maxLen int64 // maxLen < 0: none
	re             openapi3.RegexMatcher
	strFormat      openapi3.StringFormatValidator

	// arrays
	minItems, maxItems int64 // maxItems < 0: none
	unique             bool
	items              *checker

	// objects
	minProps, maxProps int64 // maxProps < 0: none
	props              map[string]*checker
	readOnly           []string // properties a request must not carry (with a non-null value)
	required           []string // required properties a request must carry
	additional         bool     // properties not listed are allowed
	additionalSchema   *checker // and must match this, when set
}

const (
	tBool uint8 = 1 << iota
	tInteger
	tNumber
	tString
	tArray
	tObject
	tAll = tBool | tInteger | tNumber | tString | tArray | tObject
)

// maxCheckerNodes bounds the checkers compiled for one body or parameter; a larger schema is left to kin-openapi.
const maxCheckerNodes = 4000

// ok reports whether v is valid (see the comment at the top of the file). v is a value encoding/json decodes into
// an any, or an int64 or int32 (a parameter parsed as openapi3filter parses it).
func (c *checker) ok(v any) bool {
	if v == nil && c.nullable {
		return true
	}
	if f, isFloat := v.(float64); isFloat && (math.IsNaN(f) || math.IsInf(f, 0)) {
		return false
	}
	if c.empty {
		return v != nil
	}
	for _, a := range c.allOf {
		if !a.ok(v) {
			return false
		}
	}
	if v == nil && len(c.allOf) > 0 {
		return true // kin-openapi stops after allOf when every subschema accepted a null
	}
	if len(c.enum) > 0 && !c.inEnum(v) {
		return false
	}
	switch x := v.(type) {
	case bool:
		return c.types&tBool != 0
	case float64:
		return c.number(x)
	case int64:
		return c.number(float64(x))
	case int32:
		return c.number(float64(x))
	case string:
		return c.str(x)
	case []any:
		return c.array(x)
	case map[string]any:
		return c.object(x)
	}
	return false // null, or a type only kin-openapi knows how to take (what a decoder other than encoding/json made)
}

func (c *checker) inEnum(v any) bool {
	for _, e := range c.enum {
		if equalJSON(e, v) {
			return true
		}
	}
	return false
}

// equalJSON compares as kin-openapi's enum check does: numbers by value whatever their Go type, arrays and
// objects element by element.
func equalJSON(a, b any) bool {
	if x, ok := asFloat(a); ok {
		y, ok := asFloat(b)
		return ok && x == y
	}
	switch a := a.(type) {
	case nil:
		return b == nil
	case bool:
		y, ok := b.(bool)
		return ok && a == y
	case string:
		y, ok := b.(string)
		return ok && a == y
	case []any:
		y, ok := b.([]any)
		if !ok || len(a) != len(y) {
			return false
		}
		for i := range a {
			if !equalJSON(a[i], y[i]) {
				return false
			}
		}
		return true
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(a) != len(y) {
			return false
		}
		for k, av := range a {
			bv, ok := y[k]
			if !ok || !equalJSON(av, bv) {
				return false
			}
		}
		return true
	}
	return false
}

func asFloat(v any) (float64, bool) {
	switch v := v.(type) {
	case float64:
		return v, true
	case int64:
		return float64(v), true
	case int32:
		return float64(v), true
	case int:
		return float64(v), true
	}
	return 0, false
}

func (c *checker) number(v float64) bool {
	if c.requireInt {
		if v != math.Trunc(v) {
			return false
		}
	} else if c.types&(tInteger|tNumber) == 0 {
		return false
	}
	if !c.hasNumChecks {
		return true
	}
	if c.intFormat != nil && !intFormatOK(c.intFormat, v) {
		return false
	}
	if c.numFormat != nil && c.numFormat.Validate(v) != nil {
		return false
	}
	if c.exclMin != nil && !(v > *c.exclMin) {
		return false
	}
	if c.exclMax != nil && !(v < *c.exclMax) {
		return false
	}
	if c.minimum != nil && !(*c.minimum <= v) {
		return false
	}
	if c.maximum != nil && !(*c.maximum >= v) {
		return false
	}
	return true
}

// intFormatOK converts a JSON number for an integer format validator as kin-openapi does (a float64 outside the
// int64 range is out of every integer format).
func intFormatOK(f openapi3.IntegerFormatValidator, v float64) bool {
	switch {
	case v == float64(math.MaxInt64):
		return f.Validate(math.MaxInt64) == nil
	case v >= float64(math.MinInt64) && v < float64(math.MaxInt64):
		return f.Validate(int64(v)) == nil
	}
	return false
}

func (c *checker) str(v string) bool {
	if c.types&tString == 0 {
		return false
	}
	if c.minLen != 0 || c.maxLen >= 0 {
		n := int64(utf8.RuneCountInString(v))
		if n < c.minLen || (c.maxLen >= 0 && n > c.maxLen) {
			return false
		}
	}
	if c.re != nil && !c.re.MatchString(v) {
		return false
	}
	return c.strFormat == nil || c.strFormat.Validate(v) == nil
}

func (c *checker) array(v []any) bool {
	if c.types&tArray == 0 {
		return false
	}
	n := int64(len(v))
	if n < c.minItems || (c.maxItems >= 0 && n > c.maxItems) {
		return false
	}
	if c.unique && !uniqueItems(v) {
		return false
	}
	if c.items != nil {
		for _, x := range v {
			if !c.items.ok(x) {
				return false
			}
		}
	}
	return true
}

// uniqueItems tells items apart by their JSON encoding, as kin-openapi's default checker does. (kin-openapi's
// request body holds json.Number values, which keep the number as written: where it sees 1 and 1.0 as two items
// this sees one twice, and answers no, which sends the body to kin-openapi.)
func uniqueItems(v []any) bool {
	seen := make(map[string]struct{}, len(v))
	for _, x := range v {
		b, err := json.Marshal(x)
		if err != nil {
			return false
		}
		if _, dup := seen[string(b)]; dup {
			return false
		}
		seen[string(b)] = struct{}{}
	}
	return true
}

func (c *checker) object(v map[string]any) bool {
	if c.types&tObject == 0 {
		return false
	}
	for _, k := range c.readOnly {
		if v[k] != nil {
			return false
		}
	}
	n := int64(len(v))
	if n < c.minProps || (c.maxProps >= 0 && n > c.maxProps) {
		return false
	}
	for k, x := range v {
		if p := c.props[k]; p != nil {
			if !p.ok(x) {
				return false
			}
			continue
		}
		if !c.additional {
			return false
		}
		if c.additionalSchema != nil && !c.additionalSchema.ok(x) {
			return false
		}
	}
	for _, k := range c.required {
		if _, ok := v[k]; !ok {
			return false
		}
	}
	return true
}

// compiler compiles the checkers of one body or parameter schema.
type compiler struct {
	asRequest bool // readOnly properties are checked (a body; parameters are checked without VisitAsRequest)
	record    bool // kin-openapi's own string formats only, as openapi.Collection.Check (state_check.go)
	done      map[compileKey]*checker
	nodes     int
}

// compileKey is a schema with the readOnly property names of the allOf family it is checked in (kin-openapi
// excuses a missing required property that any schema of the family declares readOnly).
type compileKey struct {
	s      *openapi3.Schema
	family string
}

// compileSchema compiles s as kin-openapi's VisitJSON checks a value with it; nil when s uses a keyword this
// does not compile. asRequest is VisitAsRequest.
func compileSchema(s *openapi3.Schema, asRequest bool) *checker {
	c := &compiler{asRequest: asRequest, done: map[compileKey]*checker{}}
	return c.value(s)
}

// value compiles a schema applied to a value of its own (a body, a property, an item): the root of an allOf
// family.
func (cc *compiler) value(s *openapi3.Schema) *checker {
	if s == nil {
		return nil
	}
	family := ""
	if cc.asRequest {
		var names []string
		var seen []*openapi3.Schema
		readOnlyNames(s, &seen, &names)
		family = strings.Join(names, "\x00")
	}
	return cc.schema(s, family, nil)
}

// readOnlyNames lists the readOnly properties declared by s and its allOf subschemas, recursively.
func readOnlyNames(s *openapi3.Schema, seen *[]*openapi3.Schema, names *[]string) {
	if s == nil {
		return
	}
	for _, x := range *seen {
		if x == s {
			return
		}
	}
	*seen = append(*seen, s)
	for _, k := range sortedKeys(s.Properties) {
		if p := s.Properties[k]; p != nil && p.Value != nil && p.Value.ReadOnly {
			*names = append(*names, k)
		}
	}
	for _, a := range s.AllOf {
		if a != nil {
			readOnlyNames(a.Value, seen, names)
		}
	}
}

func sortedKeys(m openapi3.Schemas) []string { return slices.Sorted(maps.Keys(m)) }

// uncompiled reports whether s uses a keyword the checkers leave to kin-openapi.
func uncompiled(s *openapi3.Schema) bool {
	return s.Always != nil || s.Not != nil || len(s.OneOf) > 0 || len(s.AnyOf) > 0 || s.MultipleOf != nil ||
		s.Const != nil || len(s.PrefixItems) > 0 || s.Contains != nil || s.MinContains != nil || s.MaxContains != nil ||
		len(s.PatternProperties) > 0 || len(s.DependentSchemas) > 0 || s.PropertyNames != nil ||
		s.UnevaluatedItems.Schema != nil || s.UnevaluatedItems.Has != nil ||
		s.UnevaluatedProperties.Schema != nil || s.UnevaluatedProperties.Has != nil ||
		s.If != nil || s.Then != nil || s.Else != nil || len(s.DependentRequired) > 0
}

// schema compiles s within an allOf family; chain holds the schemas of the family being compiled above s (a
// cycle through allOf makes kin-openapi skip the repeated schema, which the checkers do not mirror).
func (cc *compiler) schema(s *openapi3.Schema, family string, chain []*openapi3.Schema) *checker {
	for _, x := range chain {
		if x == s {
			return nil
		}
	}
	key := compileKey{s, family}
	if c, ok := cc.done[key]; ok {
		return c // nil when it did not compile; a checker being built when a schema refers to itself
	}
	if cc.nodes++; cc.nodes > maxCheckerNodes || uncompiled(s) {
		cc.done[key] = nil
		return nil
	}
	c := &checker{maxLen: -1, maxItems: -1, maxProps: -1}
	cc.done[key] = c
	fail := func() *checker {
		cc.done[key] = nil
		return nil
	}
	c.nullable = s.Nullable || s.Type.IncludesNull()
	if s.IsEmpty() {
		c.empty = true
		return c
	}
	if s.Type == nil {
		c.types = tAll
	} else {
		for _, t := range *s.Type {
			switch t {
			case openapi3.TypeBoolean:
				c.types |= tBool
			case openapi3.TypeInteger:
				c.types |= tInteger
			case openapi3.TypeNumber:
				c.types |= tNumber
			case openapi3.TypeString:
				c.types |= tString
			case openapi3.TypeArray:
				c.types |= tArray
			case openapi3.TypeObject:
				c.types |= tObject
			case openapi3.TypeNull:
			default:
				return fail()
			}
		}
	}
	for _, ref := range s.AllOf {
		if ref == nil || ref.Value == nil {
			return fail()
		}
		a := cc.schema(ref.Value, family, append(chain, s))
		if a == nil {
			return fail()
		}
		c.allOf = append(c.allOf, a)
	}
	for _, e := range s.Enum {
		if !plainJSON(e) {
			return fail()
		}
	}
	c.enum = s.Enum

	// numbers
	c.requireInt = c.types&tInteger != 0 && c.types&tNumber == 0
	if f := s.Format; f != "" {
		if c.requireInt {
			c.intFormat = openapi3.SchemaIntegerFormats[f]
		} else {
			c.numFormat = openapi3.SchemaNumberFormats[f]
		}
	}
	if eb := s.ExclusiveMin; eb.Value != nil {
		c.exclMin = eb.Value
	} else if eb.IsTrue() && s.Min != nil {
		c.exclMin = s.Min
	}
	if eb := s.ExclusiveMax; eb.Value != nil {
		c.exclMax = eb.Value
	} else if eb.IsTrue() && s.Max != nil {
		c.exclMax = s.Max
	}
	c.minimum, c.maximum = s.Min, s.Max
	c.hasNumChecks = c.intFormat != nil || c.numFormat != nil || c.exclMin != nil || c.exclMax != nil ||
		c.minimum != nil || c.maximum != nil

	// strings
	c.minLen = int64(s.MinLength)
	if s.MaxLength != nil {
		c.maxLen = int64(*s.MaxLength)
		if c.maxLen < 0 {
			return fail()
		}
	}
	if c.minLen < 0 {
		return fail()
	}
	if s.Pattern != "" {
		if sp := compileSimplePattern(s.Pattern); sp != nil {
			c.re = sp
		} else if re, err := pattern.Lenient(s.Pattern); err == nil {
			c.re = re
		} else {
			return fail()
		}
	}
	if f := s.Format; f != "" {
		if v := fake.StringFormatValidator(f); v != nil && !cc.record {
			c.strFormat = v
		} else {
			c.strFormat = openapi3.SchemaStringFormats[f]
		}
	}

	// arrays
	c.minItems = int64(s.MinItems)
	if s.MaxItems != nil {
		c.maxItems = int64(*s.MaxItems)
	}
	if c.minItems < 0 || (s.MaxItems != nil && c.maxItems < 0) {
		return fail()
	}
	c.unique = s.UniqueItems
	if s.Items != nil {
		if s.Items.Value == nil {
			return fail()
		}
		if c.items = cc.value(s.Items.Value); c.items == nil {
			return fail()
		}
	}

	// objects
	c.minProps = int64(s.MinProps)
	if s.MaxProps != nil {
		c.maxProps = int64(*s.MaxProps)
	}
	if c.minProps < 0 || (s.MaxProps != nil && c.maxProps < 0) {
		return fail()
	}
	if len(s.Properties) > 0 {
		c.props = make(map[string]*checker, len(s.Properties))
	}
	for _, k := range sortedKeys(s.Properties) {
		ref := s.Properties[k]
		if ref == nil || ref.Value == nil {
			return fail()
		}
		p := cc.value(ref.Value)
		if p == nil {
			return fail()
		}
		c.props[k] = p
		if cc.asRequest && ref.Value.ReadOnly {
			c.readOnly = append(c.readOnly, k)
		}
	}
	c.additional = s.AdditionalProperties.Has == nil || *s.AdditionalProperties.Has
	if ref := s.AdditionalProperties.Schema; ref != nil && c.additional {
		if ref.Value == nil {
			return fail()
		}
		if c.additionalSchema = cc.value(ref.Value); c.additionalSchema == nil {
			return fail()
		}
	}
	excused := map[string]bool{}
	if family != "" {
		for n := range strings.SplitSeq(family, "\x00") {
			excused[n] = true
		}
	}
	for _, k := range s.Required {
		if !excused[k] {
			c.required = append(c.required, k)
		}
	}
	return c
}

// plainJSON reports whether v is made of the types encoding/json decodes into an any.
func plainJSON(v any) bool {
	switch v := v.(type) {
	case nil, bool, float64, string:
		return true
	case []any:
		for _, x := range v {
			if !plainJSON(x) {
				return false
			}
		}
		return true
	case map[string]any:
		for _, x := range v {
			if !plainJSON(x) {
				return false
			}
		}
		return true
	}
	return false
}

// opChecks are the compiled checks of one operation, built at its first request (a large document's start does
// not pay for operations never called).
type opChecks struct {
	once sync.Once
	// securityMet: the operation's security requirements pass openapi3filter.ValidateSecurityRequirements with
	// NoopAuthenticationFunc, which fails only a requirement naming an undeclared scheme, so the answer is known
	// at load. (Credentials are checked by the security stage.)
	securityMet bool
	bodies      map[*openapi3.MediaType]*checker
	params      map[*openapi3.Parameter]*paramCheck
	// decoded holds the schemas of the parameters standin decodes itself (ownDecoding), checked on the value
	// decodeParam gives.
	decoded map[*openapi3.Parameter]*checker
	// lastBody is bodyOK's reading of the last Content-Type it saw.
	lastBody atomic.Pointer[bodyMedia]
}

// paramCheck is a simple-style path or header parameter, or a form-style query parameter, of a primitive type.
type paramCheck struct {
	in, name string // name canonicalised for a header
	required bool
	typ      string // string, integer, number or boolean
	int32    bool   // integer with format int32, parsed as openapi3filter parses it
	check    *checker
}

// compiledChecks returns op's checks, compiling them at the first call; nil for an OpenAPI 3.1 document.
func (p *opPlan) compiledChecks(doc *openapi3.T) *opChecks {
	if p == nil || p.checks == nil {
		return nil
	}
	p.checks.once.Do(func() { p.checks.build(doc, p.op.Op, p.op.Item) })
	return p.checks
}

func (oc *opChecks) build(doc *openapi3.T, op *openapi3.Operation, item *openapi3.PathItem) {
	security := op.Security
	if security == nil {
		security = &doc.Security
	}
	oc.securityMet = securityMet(doc, *security)
	if rb := op.RequestBody; rb != nil && rb.Value != nil {
		for _, media := range rb.Value.Content {
			if media == nil || media.Schema == nil || media.Schema.Value == nil {
				continue
			}
			if c := compileSchema(media.Schema.Value, true); c != nil {
				if oc.bodies == nil {
					oc.bodies = map[*openapi3.MediaType]*checker{}
				}
				oc.bodies[media] = c
			}
		}
	}
	for _, params := range []openapi3.Parameters{item.Parameters, op.Parameters} {
		for _, ref := range params {
			if ref == nil || ref.Value == nil {
				continue
			}
			if ownDecoding(ref.Value) {
				if c := compileSchema(ref.Value.Schema.Value, false); c != nil {
					if oc.decoded == nil {
						oc.decoded = map[*openapi3.Parameter]*checker{}
					}
					oc.decoded[ref.Value] = c
				}
				continue
			}
			if pc := compileParam(ref.Value); pc != nil {
				if oc.params == nil {
					oc.params = map[*openapi3.Parameter]*paramCheck{}
				}
				oc.params[ref.Value] = pc
			}
		}
	}
}

// securityMet reports whether openapi3filter.ValidateSecurityRequirements, given NoopAuthenticationFunc, passes
// srs: no requirement, or one whose every scheme is declared.
func securityMet(doc *openapi3.T, srs openapi3.SecurityRequirements) bool {
	if len(srs) == 0 {
		return true
	}
	var schemes openapi3.SecuritySchemes
	if doc.Components != nil {
		schemes = doc.Components.SecuritySchemes
	}
	for _, sr := range srs {
		met := true
		for name := range sr {
			if ref := schemes[name]; ref == nil || ref.Value == nil {
				met = false
				break
			}
		}
		if met {
			return true
		}
	}
	return false
}

// compileParam compiles a parameter openapi3filter decodes as one primitive value; nil for any other.
func compileParam(p *openapi3.Parameter) *paramCheck {
	if p.Content != nil || p.Schema == nil || p.Schema.Value == nil || ownDecoding(p) {
		return nil
	}
	s := p.Schema.Value
	if !s.Type.IsSingle() || len(s.AllOf) > 0 || len(s.AnyOf) > 0 || len(s.OneOf) > 0 || s.Not != nil {
		return nil
	}
	typ := (*s.Type)[0]
	switch typ {
	case openapi3.TypeString, openapi3.TypeInteger, openapi3.TypeNumber, openapi3.TypeBoolean:
	default:
		return nil
	}
	sm, err := p.SerializationMethod()
	if err != nil {
		return nil
	}
	name := p.Name
	switch p.In {
	case openapi3.ParameterInPath:
		if sm.Style != openapi3.SerializationSimple {
			return nil
		}
	case openapi3.ParameterInQuery:
		if sm.Style != openapi3.SerializationForm {
			return nil
		}
	case openapi3.ParameterInHeader:
		if sm.Style != openapi3.SerializationSimple {
			return nil
		}
		name = http.CanonicalHeaderKey(name)
	default:
		return nil
	}
	c := compileSchema(s, false)
	if c == nil {
		return nil
	}
	return &paramCheck{in: p.In, name: name, required: p.Required, typ: typ,
		int32: typ == openapi3.TypeInteger && s.Format == "int32", check: c}
}

// ok reports whether the parameter is valid as openapi3filter.ValidateParameter would judge it (without
// setting defaults); false also when it cannot tell cheaply (an empty value, a value that does not parse).
func (pc *paramCheck) ok(in *openapi3filter.RequestValidationInput) bool {
	var raw string
	switch pc.in {
	case openapi3.ParameterInPath:
		v, found := in.PathParams[pc.name]
		if !found || v == "" {
			return false
		}
		raw = v
	case openapi3.ParameterInQuery:
		vs, found := in.GetQueryParams()[pc.name]
		if len(vs) == 0 {
			return !found && !pc.required
		}
		raw = vs[0]
		if raw == "" {
			for _, v := range vs[1:] {
				if v != "" {
					raw = v
					break
				}
			}
		}
	case openapi3.ParameterInHeader:
		vs, found := in.Request.Header[pc.name]
		if !found {
			return !pc.required
		}
		if len(vs) == 0 {
			return false
		}
		raw = vs[0]
	}
	if raw == "" {
		return false
	}
	var v any
	switch pc.typ {
	case openapi3.TypeString:
		v = raw
	case openapi3.TypeInteger:
		bits := 64
		if pc.int32 {
			bits = 32
		}
		n, err := strconv.ParseInt(raw, 10, bits)
		if err != nil {
			return false
		}
		if pc.int32 {
			v = int32(n)
		} else {
			v = n
		}
	case openapi3.TypeNumber:
		f, err := strconv.ParseFloat(raw, 64)
		if err != nil {
			return false
		}
		v = f
	case openapi3.TypeBoolean:
		b, err := strconv.ParseBool(raw)
		if err != nil {
			return false
		}
		v = b
	}
	return pc.check.ok(v)
}

// bodyOK reports whether a JSON request body, already decoded into v by the validation stage, passes
// openapi3filter.ValidateRequestBody; false also when the compiled check does not apply (a media type
// openapi3filter does not decode as JSON, an encoding, an uncompiled schema).
func (oc *opChecks) bodyOK(in *openapi3filter.RequestValidationInput, rb *openapi3.RequestBody, v any) bool {
	ct := headerValue(in.Request.Header, "Content-Type")
	bm := oc.lastBody.Load()
	if bm == nil || bm.ct != ct || bm.rb != rb {
		bm = oc.bodyMediaOf(ct, rb)
		oc.lastBody.Store(bm)
	}
	return bm.check != nil && bm.check.ok(v)
}

// bodyMedia is what bodyOK reads from a Content-Type: the compiled check of the media type it selects, nil when
// the compiled check does not apply. It depends on the type and the request body alone (openapi3filter's
// decoders are registered at init), so the last one is kept for the next request.
type bodyMedia struct {
	ct    string
	rb    *openapi3.RequestBody
	check *checker
}

func (oc *opChecks) bodyMediaOf(ct string, rb *openapi3.RequestBody) *bodyMedia {
	bm := &bodyMedia{ct: ct, rb: rb}
	media := rb.Content.Get(ct)
	if media == nil || media.Schema == nil || media.Encoding[""] != nil {
		return bm
	}
	c := oc.bodies[media]
	if c == nil {
		return bm
	}
	mt, _, _ := strings.Cut(ct, ";")
	if kinDecodesJSON(strings.ToLower(strings.TrimSpace(mt)), media.Schema) {
		bm.check = c
	}
	return bm
}

var jsonDecoderPC = reflect.ValueOf(openapi3filter.JSONBodyDecoder).Pointer()

// kinDecodesJSON reports whether openapi3filter decodes a body of media type mt (lower case, no parameters) with
// its JSON decoder, as its decodeBody picks one.
func kinDecodesJSON(mt string, schema *openapi3.SchemaRef) bool {
	if schema.Value.Type.Is(openapi3.TypeString) && schema.Value.Format == "binary" {
		return false
	}
	dec := openapi3filter.RegisteredBodyDecoder(mt)
	if dec == nil && strings.HasSuffix(mt, "+json") {
		dec = openapi3filter.RegisteredBodyDecoder("application/json")
	}
	return dec != nil && reflect.ValueOf(dec).Pointer() == jsonDecoderPC
}
