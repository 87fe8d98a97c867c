package mock

import (
	"encoding/json"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/require"

	"github.com/standin/standin/fake"
)

// assignBodySchema returns careCycle's assign PATCH body schema and the body the benchmarks send, decoded.
func assignBodySchema(b *testing.B) (*openapi3.Schema, any) {
	api := engineAPIs(b, "carecycle")[0]
	op := api.Operation("assignInquiry")
	require.NotNil(b, op)
	s := op.Op.RequestBody.Value.Content.Get("application/json").Schema.Value
	var v any
	require.NoError(b, json.Unmarshal([]byte(`{"assignedTo":"7869c1a9-a680-4086-b6f5-9e78a651f6f2"}`), &v))
	return s, v
}

// BenchmarkAssignBodyCompiled is the compiled check of the assign body, as the validation stage runs it.
func BenchmarkAssignBodyCompiled(b *testing.B) {
	s, v := assignBodySchema(b)
	c := compileSchema(s, true)
	require.NotNil(b, c)
	b.ReportAllocs()
	for b.Loop() {
		if !c.ok(v) {
			b.Fatal("rejected")
		}
	}
}

// BenchmarkAssignBodyKin is kin-openapi's VisitJSON of the same value with the options openapi3filter passes for
// a request body (without its second decoding of the body).
func BenchmarkAssignBodyKin(b *testing.B) {
	s, v := assignBodySchema(b)
	opts := append([]openapi3.SchemaValidationOption{openapi3.VisitAsRequest(), openapi3.MultiErrors()}, fake.SchemaOptions()...)
	b.ReportAllocs()
	for b.Loop() {
		if err := s.VisitJSON(v, opts...); err != nil {
			b.Fatal(err)
		}
	}
}
