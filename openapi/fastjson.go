package openapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/standin/standin/internal/jsonvalue"
)

// A JSON document is decoded here in one pass instead of by kin-openapi's UnmarshalJSON methods. Theirs decode
// every object twice (once into the type, once into a map of everything for the extensions) and json.Unmarshal
// validates the whole text again at each level, so the cost grows with size times depth: 1.2 s of CPU for
// Stripe's 7.7 MB description, 2 s for GitHub's 13 MB one, most of a start. Here the text is decoded once into
// generic values (numbers kept as written) and the kin-openapi types are filled from those by their JSON field
// names, following the same rules: every key that is not a field goes to Extensions, a nil map when there is
// none; maps of paths, responses and callbacks keep x- keys apart; a $ref object becomes a reference.
//
// Anything the fast decoder is not sure to read exactly as kin-openapi does — a key that differs from a field
// name only by case, a $ref with siblings, a number that is not a plain unsigned integer where one is
// expected, a null where kin-openapi would make an empty object, any type error — makes it give up, and the
// document takes kin-openapi's own path (which also gives the error messages). TestFastDecodeMatchesKin
// compares the two on real documents, unexported fields included.

// errSlowPath says the document must be decoded by kin-openapi.
var errSlowPath = errors.New("fast decode: left to kin-openapi")

// fastDecode decodes a JSON OpenAPI 3 document into an openapi3.T without resolving references, or reports
// errSlowPath.
func fastDecode(data []byte) (*openapi3.T, error) {
	root, _ := jsonvalue.DecodeDocument(data)
	return fastDecodeFrom(root, data)
}

// fastDecodeFrom is fastDecode for data already decoded by jsonvalue.DecodeDocument into root (nil when it
// declined): jsonvalue reads the text about three times faster than encoding/json (GitHub's 13 MB description:
// 0.1 s instead of 0.36 s) and holds each key once; what it declines (text after the document, say) is read by
// encoding/json's Decoder as before.
func fastDecodeFrom(root any, data []byte) (*openapi3.T, error) {
	if root == nil {
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.UseNumber()
		if err := dec.Decode(&root); err != nil {
			return nil, errSlowPath
		}
	}
	return decodeGeneric(root)
}

// decodeGeneric fills an openapi3.T from a document decoded into generic values (numbers as json.Number), or
// reports errSlowPath.
func decodeGeneric(root any) (*openapi3.T, error) {
	if _, ok := root.(map[string]any); !ok {
		return nil, errSlowPath
	}
	doc := &openapi3.T{}
	d := &decoder{leaves: map[string]*openapi3.Schema{}}
	if err := d.fill(reflect.ValueOf(doc).Elem(), root); err != nil {
		return nil, err
	}
	return doc, nil
}

// loadFast decodes data with fastDecode and resolves its references with loader, as
// loader.LoadFromDataWithPath would. The loader's own record of the root document (its location, used for
// relative references) is made by loading an empty document at location first and then filling that one.
func loadFast(loader *openapi3.Loader, data []byte, location *url.URL) (*openapi3.T, error) {
	root, _ := jsonvalue.DecodeDocument(data)
	return loadFastFrom(loader, root, data, location)
}

// loadFastFrom is loadFast for data already decoded into root (nil: not decoded), as fastDecodeFrom.
func loadFastFrom(loader *openapi3.Loader, root any, data []byte, location *url.URL) (*openapi3.T, error) {
	fast, err := fastDecodeFrom(root, data)
	if err != nil {
		return nil, err
	}
	return resolveFast(loader, fast, location)
}

// resolveFast gives the loader a document decoded without it and resolves its references.
func resolveFast(loader *openapi3.Loader, fast *openapi3.T, location *url.URL) (*openapi3.T, error) {
	doc, err := loader.LoadFromDataWithPath([]byte("{}"), location)
	if err != nil {
		return nil, errSlowPath
	}
	dst, src := reflect.ValueOf(doc).Elem(), reflect.ValueOf(fast).Elem()
	for i := range dst.NumField() {
		if dst.Type().Field(i).IsExported() {
			dst.Field(i).Set(src.Field(i))
		}
	}
	if err := loader.ResolveRefsIn(doc, location); err != nil {
		return nil, err
	}
	return doc, nil
}

var (
	typeSchemaRef      = reflect.TypeFor[openapi3.SchemaRef]()
	typeSchema         = reflect.TypeFor[openapi3.Schema]()
	typeTypes          = reflect.TypeFor[openapi3.Types]()
	typeBoolSchema     = reflect.TypeFor[openapi3.BoolSchema]()
	typeExclusiveBound = reflect.TypeFor[openapi3.ExclusiveBound]()
	typeMappingRef     = reflect.TypeFor[openapi3.MappingRef]()
	typeHeader         = reflect.TypeFor[openapi3.Header]()
	typeOperation      = reflect.TypeFor[openapi3.Operation]()
	typePaths          = reflect.TypeFor[openapi3.Paths]()
	typeResponses      = reflect.TypeFor[openapi3.Responses]()
	typeCallback       = reflect.TypeFor[openapi3.Callback]()
	typeUnmarshaler    = reflect.TypeFor[json.Unmarshaler]()
	typeTextUnmarsh    = reflect.TypeFor[interface{ UnmarshalText([]byte) error }]()
)

// refTypes are the XxxRef types other than SchemaRef: a $ref with optional summary and description, or a value.
var refTypes = map[reflect.Type]bool{
	reflect.TypeFor[openapi3.ParameterRef]():      true,
	reflect.TypeFor[openapi3.ResponseRef]():       true,
	reflect.TypeFor[openapi3.HeaderRef]():         true,
	reflect.TypeFor[openapi3.ExampleRef]():        true,
	reflect.TypeFor[openapi3.LinkRef]():           true,
	reflect.TypeFor[openapi3.CallbackRef]():       true,
	reflect.TypeFor[openapi3.RequestBodyRef]():    true,
	reflect.TypeFor[openapi3.SecuritySchemeRef](): true,
}

// extTypes are the types whose UnmarshalJSON decodes their fields by name and puts every other key into
// Extensions (their list of known keys equals their JSON field names; checked against kin-openapi's source
// when the dependency was last updated).
var extTypes = map[reflect.Type]bool{}

func init() {
	for _, v := range []any{openapi3.T{}, openapi3.Components{}, openapi3.Contact{}, openapi3.Discriminator{},
		openapi3.Encoding{}, openapi3.Example{}, openapi3.ExternalDocs{}, openapi3.Info{}, openapi3.License{},
		openapi3.Link{}, openapi3.MediaType{}, openapi3.Operation{}, openapi3.Parameter{}, openapi3.PathItem{},
		openapi3.RequestBody{}, openapi3.Response{}, openapi3.SecurityScheme{}, openapi3.OAuthFlows{},
		openapi3.OAuthFlow{}, openapi3.Server{}, openapi3.ServerVariable{}, openapi3.Tag{}, openapi3.XML{},
		openapi3.Schema{}} {
		extTypes[reflect.TypeOf(v)] = true
	}
}

// structInfo is the JSON view of a struct type: field index by JSON name.
type structInfo struct {
	fields map[string]int
	lower  map[string]bool // lower-cased names, to notice a key that only case tells apart
	ext    int             // index of Extensions, -1 when none
}

var structInfos sync.Map // reflect.Type -> *structInfo

func infoOf(t reflect.Type) (*structInfo, error) {
	if si, ok := structInfos.Load(t); ok {
		return si.(*structInfo), nil
	}
	si := &structInfo{fields: map[string]int{}, lower: map[string]bool{}, ext: -1}
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		if f.Anonymous {
			return nil, errSlowPath
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			if f.Name == "Extensions" {
				si.ext = i
			}
			continue
		}
		if name == "" {
			name = f.Name
		}
		si.fields[name] = i
		si.lower[strings.ToLower(name)] = true
	}
	structInfos.Store(t, si)
	return si, nil
}

// fill sets v (settable) from the generic JSON value j as encoding/json with kin-openapi's methods would.
func (d *decoder) fill(v reflect.Value, j any) error {
	if j == nil {
		// null leaves pointers, maps, slices and interfaces nil and everything else as it was.
		return nil
	}
	t := v.Type()
	var err error
	switch t {
	case typeSchemaRef:
		return d.fillSchemaRef(v, j)
	case typeSchema:
		return d.fillSchema(v, j)
	case typeTypes:
		switch x := j.(type) {
		case string:
			v.Set(reflect.ValueOf(openapi3.Types{x}))
			return nil
		case []any:
			ts := make(openapi3.Types, len(x))
			for i, e := range x {
				s, ok := e.(string)
				if !ok {
					return errSlowPath
				}
				ts[i] = s
			}
			v.Set(reflect.ValueOf(ts))
			return nil
		}
		return errSlowPath
	case typeBoolSchema:
		bs := v.Addr().Interface().(*openapi3.BoolSchema)
		switch x := j.(type) {
		case bool:
			bs.Has = &x
		case map[string]any:
			bs.Schema = &openapi3.SchemaRef{}
			if len(x) == 0 {
				bs.Schema.Value = &openapi3.Schema{}
				return nil
			}
			return d.fillSchemaRef(reflect.ValueOf(bs.Schema).Elem(), x)
		default:
			return errSlowPath
		}
		return nil
	case typeExclusiveBound:
		eb := v.Addr().Interface().(*openapi3.ExclusiveBound)
		switch x := j.(type) {
		case bool:
			eb.Bool = &x
		case json.Number:
			f, err := number(x)
			if err != nil {
				return err
			}
			eb.Value = &f
		default:
			return errSlowPath
		}
		return nil
	case typeMappingRef:
		s, ok := j.(string)
		if !ok {
			return errSlowPath
		}
		v.Addr().Interface().(*openapi3.MappingRef).Ref = s
		return nil
	case typeHeader:
		return d.fill(v.FieldByName("Parameter"), j)
	case typePaths:
		p := openapi3.NewPathsWithCapacity(sizeOf(j))
		if p.Extensions, err = entries(d, j, p.Set); err != nil {
			return err
		}
		v.Set(reflect.ValueOf(*p))
		return nil
	case typeCallback:
		c := openapi3.NewCallbackWithCapacity(sizeOf(j))
		if c.Extensions, err = entries(d, j, c.Set); err != nil {
			return err
		}
		v.Set(reflect.ValueOf(*c))
		return nil
	case typeResponses:
		r := openapi3.NewResponsesWithCapacity(sizeOf(j))
		if r.Extensions, err = entries(d, j, r.Set); err != nil {
			return err
		}
		v.Set(reflect.ValueOf(*r))
		return nil
	}
	if refTypes[t] {
		return d.fillRef(v, j)
	}
	switch t.Kind() {
	case reflect.Pointer:
		p := reflect.New(t.Elem())
		if err := d.fill(p.Elem(), j); err != nil {
			return err
		}
		v.Set(p)
		return nil
	case reflect.Interface:
		if t.NumMethod() != 0 {
			return errSlowPath
		}
		p, err := plain(j)
		if err != nil {
			return err
		}
		v.Set(reflect.ValueOf(p))
		return nil
	case reflect.String:
		s, ok := j.(string)
		if !ok || t.Implements(typeUnmarshaler) || reflect.PointerTo(t).Implements(typeTextUnmarsh) {
			return errSlowPath
		}
		v.SetString(s)
		return nil
	case reflect.Bool:
		b, ok := j.(bool)
		if !ok {
			return errSlowPath
		}
		v.SetBool(b)
		return nil
	case reflect.Float64:
		n, ok := j.(json.Number)
		if !ok {
			return errSlowPath
		}
		f, err := number(n)
		if err != nil {
			return err
		}
		v.SetFloat(f)
		return nil
	case reflect.Uint64:
		// Only digits below 2^53: read the same whether decoded from the text or (under paths, which
		// kin-openapi re-encodes from float64 values) from a float64.
		n, ok := j.(json.Number)
		if !ok || len(n) == 0 || len(n) > 15 || strings.TrimLeft(string(n), "0123456789") != "" {
			return errSlowPath
		}
		u, err := strconv.ParseUint(string(n), 10, 64)
		if err != nil {
			return errSlowPath
		}
		v.SetUint(u)
		return nil
	case reflect.Slice:
		a, ok := j.([]any)
		if !ok {
			return errSlowPath
		}
		s := reflect.MakeSlice(t, len(a), len(a))
		for i, e := range a {
			if e == nil && t.Elem().Kind() != reflect.Pointer && t.Elem().Kind() != reflect.Interface {
				return errSlowPath
			}
			if err := d.fill(s.Index(i), e); err != nil {
				return err
			}
		}
		v.Set(s)
		return nil
	case reflect.Map:
		m, ok := j.(map[string]any)
		if !ok || t.Key().Kind() != reflect.String || t.Key() != reflect.TypeFor[string]() {
			return errSlowPath
		}
		out := reflect.MakeMapWithSize(t, len(m))
		for k, e := range m {
			ev := reflect.New(t.Elem()).Elem()
			if e == nil && t.Elem().Kind() != reflect.Pointer && t.Elem().Kind() != reflect.Interface &&
				t.Elem().Kind() != reflect.Slice && t.Elem().Kind() != reflect.Map {
				return errSlowPath
			}
			if err := d.fill(ev, e); err != nil {
				return err
			}
			out.SetMapIndex(reflect.ValueOf(k), ev)
		}
		v.Set(out)
		return nil
	case reflect.Struct:
		if !extTypes[t] {
			return errSlowPath
		}
		return d.fillStruct(v, j)
	}
	return errSlowPath
}

// fillStruct fills one of extTypes: JSON fields by name, every other key into Extensions.
func (d *decoder) fillStruct(v reflect.Value, j any) error {
	m, ok := j.(map[string]any)
	if !ok {
		return errSlowPath
	}
	si, err := infoOf(v.Type())
	if err != nil {
		return err
	}
	var ext map[string]any
	for k, e := range m {
		if i, ok := si.fields[k]; ok {
			if e == nil && k == "responses" && v.Type() == typeOperation {
				return errSlowPath // kin-openapi remembers an explicit null there
			}
			if err := d.fill(v.Field(i), e); err != nil {
				return err
			}
			continue
		}
		if si.lower[strings.ToLower(k)] {
			return errSlowPath // encoding/json would match it to a field regardless of case
		}
		if ext == nil {
			ext = map[string]any{}
		}
		if ext[k], err = plain(e); err != nil {
			return err
		}
	}
	if si.ext >= 0 && ext != nil {
		v.Field(si.ext).Set(reflect.ValueOf(ext))
	}
	return nil
}

// fillSchema fills a Schema: a boolean schema, or an object.
func (d *decoder) fillSchema(v reflect.Value, j any) error {
	if b, ok := j.(bool); ok {
		v.Set(reflect.ValueOf(openapi3.Schema{Always: &b}))
		return nil
	}
	return d.fillStruct(v, j)
}

// decoder holds what one decode shares: the leaf schemas met so far.
type decoder struct {
	// leaves maps the text of a leaf schema (scalar keywords only, no example, default or pattern) to its
	// value: each SchemaRef that writes the same leaf shares one Schema. Stripe's description writes 15,480
	// such schemas, 3,591 of them different ({"maxLength": 5000, "type": "string"} thousands of times); sharing
	// saves some 8 MB of live heap. Nothing checks or changes a leaf schema per place: lint only looks at
	// examples, defaults and patterns (none here), the document validation walks SchemaRefs (still one per
	// place) and a schema's value is the same wherever it is written.
	leaves map[string]*openapi3.Schema
}

// leafKey returns the canonical text of a leaf schema, "" when m is not one.
func leafKey(m map[string]any) string {
	keys := make([]string, 0, len(m))
	for k, v := range m {
		switch k {
		case "example", "examples", "default", "pattern", "$ref":
			return ""
		}
		switch x := v.(type) {
		case map[string]any:
			return ""
		case []any:
			for _, e := range x {
				switch e.(type) {
				case map[string]any, []any:
					return ""
				}
			}
		}
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var b strings.Builder
	for _, k := range keys {
		b.WriteString(strconv.Quote(k))
		b.WriteByte(':')
		scalarKey(&b, m[k])
		b.WriteByte(',')
	}
	return b.String()
}

func scalarKey(b *strings.Builder, v any) {
	switch x := v.(type) {
	case nil:
		b.WriteString("null")
	case bool:
		b.WriteString(strconv.FormatBool(x))
	case json.Number:
		b.WriteString("n" + string(x))
	case string:
		b.WriteString(strconv.Quote(x))
	case []any:
		b.WriteByte('[')
		for _, e := range x {
			scalarKey(b, e)
			b.WriteByte(',')
		}
		b.WriteByte(']')
	}
}

// fillSchemaRef fills a SchemaRef: a lone $ref, or a schema value. A $ref with siblings is left to
// kin-openapi (it keeps them in unexported fields).
func (d *decoder) fillSchemaRef(v reflect.Value, j any) error {
	if m, ok := j.(map[string]any); ok {
		if ref, has := m["$ref"]; has {
			s, ok := ref.(string)
			if !ok || s == "" || len(m) != 1 {
				return errSlowPath
			}
			v.Addr().Interface().(*openapi3.SchemaRef).Ref = s
			return nil
		}
		if hasFold(m, "$ref") {
			return errSlowPath
		}
	}
	var key string
	if m, ok := j.(map[string]any); ok {
		if key = leafKey(m); key != "" {
			if s := d.leaves[key]; s != nil {
				v.Addr().Interface().(*openapi3.SchemaRef).Value = s
				return nil
			}
		}
	}
	s := &openapi3.Schema{}
	if err := d.fillSchema(reflect.ValueOf(s).Elem(), j); err != nil {
		return err
	}
	if key != "" {
		d.leaves[key] = s
	}
	v.Addr().Interface().(*openapi3.SchemaRef).Value = s
	return nil
}

// fillRef fills one of refTypes: a $ref with optional summary and description, or a value.
func (d *decoder) fillRef(v reflect.Value, j any) error {
	m, ok := j.(map[string]any)
	if !ok {
		return errSlowPath
	}
	if ref, has := m["$ref"]; has {
		s, ok := ref.(string)
		if !ok || s == "" {
			return errSlowPath
		}
		v.FieldByName("Ref").SetString(s)
		for k, e := range m {
			switch k {
			case "$ref":
			case "summary", "description":
				str, ok := e.(string)
				if !ok {
					return errSlowPath
				}
				v.FieldByName(strings.ToUpper(k[:1]) + k[1:]).Set(reflect.ValueOf(&str))
			default:
				return errSlowPath
			}
		}
		return nil
	}
	if hasFold(m, "$ref") {
		return errSlowPath
	}
	value := v.FieldByName("Value")
	p := reflect.New(value.Type().Elem())
	if err := d.fill(p.Elem(), m); err != nil {
		return err
	}
	value.Set(p)
	return nil
}

// hasFold reports whether m has a key equal to k regardless of case but not exactly k.
func hasFold(m map[string]any, k string) bool {
	for key := range m {
		if key != k && strings.EqualFold(key, k) {
			return true
		}
	}
	return false
}

// number reads a JSON number as encoding/json does into a float64.
func number(n json.Number) (float64, error) {
	f, err := strconv.ParseFloat(string(n), 64)
	if err != nil || math.IsInf(f, 0) {
		return 0, errSlowPath
	}
	return f, nil
}

// sizeOf is the number of members of a JSON object (0 for anything else).
func sizeOf(j any) int {
	m, _ := j.(map[string]any)
	return len(m)
}

// entries fills a paths, callback or responses object: each member an object of type T (a path item, a
// response) handed to set, each x- member an extension, returned.
func entries[T any](d *decoder, j any, set func(key string, e *T)) (map[string]any, error) {
	m, ok := j.(map[string]any)
	if !ok {
		return nil, errSlowPath
	}
	ext := map[string]any{}
	for k, e := range m {
		if strings.HasPrefix(k, "x-") {
			x, err := plain(e)
			if err != nil {
				return nil, err
			}
			ext[k] = x
			continue
		}
		if e == nil {
			return nil, errSlowPath
		}
		item := new(T)
		if err := d.fill(reflect.ValueOf(item).Elem(), e); err != nil {
			return nil, err
		}
		set(k, item)
	}
	return ext, nil
}

// plain turns a generic value decoded with UseNumber into what encoding/json gives for an any: float64
// numbers. It converts in place.
func plain(j any) (any, error) {
	switch x := j.(type) {
	case json.Number:
		return number(x)
	case map[string]any:
		for k, e := range x {
			p, err := plain(e)
			if err != nil {
				return nil, err
			}
			x[k] = p
		}
	case []any:
		for i, e := range x {
			p, err := plain(e)
			if err != nil {
				return nil, err
			}
			x[i] = p
		}
	}
	return j, nil
}
