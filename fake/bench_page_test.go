package fake_test

import (
	"context"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/require"

	"github.com/standin/standin/fake"
)

// enquiryRecord loads CINNOX's EnquiryRecord schema from the bundled description (about 50 properties, the
// record of the enquiry-detail list).
func enquiryRecord(b testing.TB) *openapi3.SchemaRef {
	b.Helper()
	l := openapi3.NewLoader()
	doc, err := l.LoadFromFile(filepath.Join("..", "openapi", "cinnox.yaml"))
	require.NoError(b, err)
	require.NoError(b, doc.Validate(context.Background()))
	s := doc.Components.Schemas["EnquiryRecord"]
	require.NotNil(b, s)
	return s
}

// BenchmarkGenerateEnquiry generates one CINNOX enquiry record per iteration, checked as Generate checks it.
func BenchmarkGenerateEnquiry(b *testing.B) {
	s := enquiryRecord(b)
	g := fake.New(fake.Options{Now: clock})
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		i++
		if _, err := g.Generate(s, "bench/"+strconv.Itoa(i), fake.Hint{Direction: fake.Response}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkGeneratePage50 generates a 50-record page of CINNOX enquiries per iteration, as a dynamic list answer
// does (Page).
func BenchmarkGeneratePage50(b *testing.B) {
	s := enquiryRecord(b)
	g := fake.New(fake.Options{Now: clock})
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		i++
		key := "bench/" + strconv.Itoa(i)
		for k := range 50 {
			if _, err := g.Generate(s, key+"/"+strconv.Itoa(k), fake.Hint{Direction: fake.Response}); err != nil {
				b.Fatal(err)
			}
		}
	}
}
