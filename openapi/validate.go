package openapi

import (
	"context"

	"github.com/getkin/kin-openapi/openapi3"
)

// validateDoc is kin-openapi's (*T).Validate without its repeated schema walks.
//
// kin-openapi validates a schema graph afresh at every place a schema is attached (a media type, a parameter, a
// header, a component): its memo of visited schemas lives for one call only, so a component referenced by 594
// operations is walked 594 times, with everything it references (70% of the load of Stripe's description).
// Validating a schema depends only on the schema and the validation options, not on where it is attached, so
// validateDoc first walks every attached schema once with one shared memo; when all are valid, the document's
// own Validate runs with those attachments pointing at an empty schema (restored before returning), which checks
// everything else exactly as before. When any schema is invalid, the document is validated the ordinary way, so
// errors keep kin-openapi's context (which operation, which component) and nothing accepted or refused changes.
func validateDoc(ctx context.Context, doc *openapi3.T, opts ...openapi3.ValidationOption) error {
	var w attachments
	w.document(doc)
	if len(w.refs) == 0 {
		return doc.Validate(ctx, opts...)
	}
	schemaOpts := opts
	if doc.IsOpenAPI31OrLater() {
		schemaOpts = append(schemaOpts[:len(schemaOpts):len(schemaOpts)], openapi3.IsOpenAPI31OrLater())
	}
	if doc.IsOpenAPI32OrLater() {
		schemaOpts = append(schemaOpts[:len(schemaOpts):len(schemaOpts)], openapi3.IsOpenAPI32OrLater())
	}
	// One schema whose properties are all the attached schemas: kin-openapi walks it with one memo.
	all := &openapi3.Schema{Properties: make(openapi3.Schemas, len(w.refs))}
	for i, ref := range w.refs {
		all.Properties[propertyKey(i)] = ref
	}
	if err := all.Validate(ctx, schemaOpts...); err != nil {
		return doc.Validate(ctx, opts...)
	}
	// An empty schema stands in for each one already validated: valid under every option.
	checked := &openapi3.Schema{}
	saved := make([]*openapi3.Schema, len(w.refs))
	for i, ref := range w.refs {
		saved[i] = ref.Value
		ref.Value = checked
	}
	defer func() {
		for i, ref := range w.refs {
			ref.Value = saved[i]
		}
	}()
	return doc.Validate(ctx, opts...)
}

func propertyKey(i int) string {
	const digits = "0123456789abcdefghijklmnopqrstuvwxyz"
	b := make([]byte, 0, 8)
	b = append(b, 's')
	for {
		b = append(b, digits[i%len(digits)])
		i /= len(digits)
		if i == 0 {
			return string(b)
		}
	}
}

// attachments gathers the distinct schema references (*SchemaRef) where the document attaches a schema to
// something that is not a schema: component schemas, parameters, headers and media types, in components, paths,
// callbacks and webhooks. A place it does not know keeps its schema and is validated by kin-openapi as before.
type attachments struct {
	refs  []*openapi3.SchemaRef
	seen  map[*openapi3.SchemaRef]bool
	items map[any]bool
}

func (w *attachments) schema(ref *openapi3.SchemaRef) {
	if ref == nil || ref.Value == nil || w.seen[ref] {
		return
	}
	if w.seen == nil {
		w.seen = make(map[*openapi3.SchemaRef]bool)
	}
	w.seen[ref] = true
	w.refs = append(w.refs, ref)
}

// once tells whether an object is met for the first time (shared parameters and path items are met often).
func (w *attachments) once(p any) bool {
	if w.items == nil {
		w.items = make(map[any]bool)
	}
	if w.items[p] {
		return false
	}
	w.items[p] = true
	return true
}

func (w *attachments) document(doc *openapi3.T) {
	if c := doc.Components; c != nil {
		for _, s := range c.Schemas {
			w.schema(s)
		}
		for _, p := range c.Parameters {
			w.parameter(p)
		}
		for _, h := range c.Headers {
			w.header(h)
		}
		for _, b := range c.RequestBodies {
			w.requestBody(b)
		}
		for _, r := range c.Responses {
			w.response(r)
		}
		for _, cb := range c.Callbacks {
			w.callback(cb)
		}
	}
	if doc.Paths != nil {
		for _, p := range doc.Paths.Map() {
			w.pathItem(p)
		}
	}
	for _, p := range doc.Webhooks {
		w.pathItem(p)
	}
}

func (w *attachments) pathItem(p *openapi3.PathItem) {
	if p == nil || !w.once(p) {
		return
	}
	for _, prm := range p.Parameters {
		w.parameter(prm)
	}
	for _, op := range p.Operations() {
		w.operation(op)
	}
}

func (w *attachments) operation(op *openapi3.Operation) {
	if op == nil || !w.once(op) {
		return
	}
	for _, prm := range op.Parameters {
		w.parameter(prm)
	}
	w.requestBody(op.RequestBody)
	if op.Responses != nil {
		for _, r := range op.Responses.Map() {
			w.response(r)
		}
	}
	for _, cb := range op.Callbacks {
		w.callback(cb)
	}
}

func (w *attachments) callback(cb *openapi3.CallbackRef) {
	if cb == nil || cb.Value == nil || !w.once(cb.Value) {
		return
	}
	for _, p := range cb.Value.Map() {
		w.pathItem(p)
	}
}

func (w *attachments) parameter(p *openapi3.ParameterRef) {
	if p == nil || p.Value == nil || !w.once(p.Value) {
		return
	}
	w.schema(p.Value.Schema)
	w.content(p.Value.Content)
}

func (w *attachments) header(h *openapi3.HeaderRef) {
	if h == nil || h.Value == nil || !w.once(h.Value) {
		return
	}
	w.schema(h.Value.Schema)
	w.content(h.Value.Content)
}

func (w *attachments) requestBody(b *openapi3.RequestBodyRef) {
	if b == nil || b.Value == nil || !w.once(b.Value) {
		return
	}
	w.content(b.Value.Content)
}

func (w *attachments) response(r *openapi3.ResponseRef) {
	if r == nil || r.Value == nil || !w.once(r.Value) {
		return
	}
	for _, h := range r.Value.Headers {
		w.header(h)
	}
	w.content(r.Value.Content)
}

func (w *attachments) content(c openapi3.Content) {
	for _, mt := range c {
		if mt == nil || !w.once(mt) {
			continue
		}
		w.schema(mt.Schema)
		w.schema(mt.ItemSchema)
		for _, e := range mt.Encoding {
			if e == nil {
				continue
			}
			for _, h := range e.Headers {
				w.header(h)
			}
		}
	}
}
