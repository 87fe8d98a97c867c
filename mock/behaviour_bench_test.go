package mock

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/standin/standin/openapi"
)

// BenchmarkBehaviourCreate measures an inferred create through the whole pipeline into a collection already
// holding 1,000 and 100,000 records (Config.Records): a GitHub-style issue numbered the largest in its
// repository plus one, and a Stripe-style customer under a generated id. The key comes from the state's ordered
// index (Tx.MaxIntIn, Tx.CountIn), so the two sizes should cost about the same; a scan of the collection made
// the larger one about 100 times slower.
func BenchmarkBehaviourCreate(b *testing.B) {
	for _, doc := range []struct {
		name, file, path, contentType, body string
	}{
		{"sequence", "testdata/infer.yaml", "/infer/repos/a/b/issues", "application/json", `{"title":"bench"}`},
		{"uuid", "testdata/stripe-style.yaml", "/stripe-style/v1/customers", "application/x-www-form-urlencoded", "email=a%40b.c&name=Bench"},
	} {
		api, err := openapi.LoadFile(b.Context(), doc.file)
		if err != nil {
			b.Fatal(err)
		}
		for _, n := range []int{1_000, 100_000} {
			b.Run(fmt.Sprintf("%s/records=%d", doc.name, n), func(b *testing.B) {
				_, srv := engineServer(b, Config{Records: n}, []*openapi.API{api})
				for b.Loop() {
					req := httptest.NewRequest(http.MethodPost, doc.path, strings.NewReader(doc.body))
					req.Header.Set("Content-Type", doc.contentType)
					req.Header.Set("Authorization", "Bearer bench")
					rec := httptest.NewRecorder()
					srv.ServeHTTP(rec, req)
					if rec.Code >= 300 {
						b.Fatalf("status %d: %s", rec.Code, rec.Body)
					}
				}
			})
		}
	}
}

// BenchmarkInferredListEnvelope: a list answered in an envelope (Stripe's {object, data, has_more, url}) generates
// the envelope without a page of records in data, since the page goes there afterwards.
func BenchmarkInferredListEnvelope(b *testing.B) {
	api, err := openapi.LoadFile(b.Context(), "testdata/stripe-style.yaml")
	if err != nil {
		b.Fatal(err)
	}
	_, srv := engineServer(b, Config{}, []*openapi.API{api})
	b.ReportAllocs()
	for b.Loop() {
		req := httptest.NewRequest(http.MethodGet, "/stripe-style/v1/customers", nil)
		req.Header.Set("Authorization", "Bearer bench")
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("status %d: %s", rec.Code, rec.Body)
		}
	}
}
