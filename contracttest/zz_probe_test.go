//go:build corpus

package contracttest

import (
	"fmt"
	"os"
	"testing"

	"github.com/standin/standin/fake"
	"github.com/standin/standin/internal/corpus"
	"github.com/standin/standin/openapi"
)

func TestZZProbe(t *testing.T) {
	api, err := openapi.LoadFile(t.Context(), corpus.Stripe())
	if err != nil {
		t.Fatal(err)
	}
	cfg := Config{API: api, Target: "http://127.0.0.1:1", DryRun: true, RunID: "x"}
	cfg.normalize()
	p := &planner{cfg: &cfg, api: api, gen: fake.New(fake.Options{Seed: 1})}
	n, bad := 0, 0
	for _, op := range api.Operations {
		ct, mt, _ := requestMedia(op)
		if mt == nil || mt.Schema == nil || jsonLike(ct) {
			continue
		}
		b, ok := p.generatedBody(op, mt, "negative")
		if !ok {
			continue
		}
		n++
		opts := api.SchemaOptions(requestOpts...)
		enc := encodeBody(ct, mt, b)
		got, err := decodeBody(ct, mt, enc)
		if err == nil {
			err = mt.Schema.Value.VisitJSON(got, opts...)
		}
		if err != nil {
			bad++
			if bad <= 6 {
				s := err.Error()
				if len(s) > 600 {
					s = s[:600]
				}
				e := string(enc)
				if len(e) > 400 {
					e = e[:400]
				}
				fmt.Fprintf(os.Stderr, "== %s %s\n%s\nBODY %s\n", op.ID, ct, s, e)
			}
		}
	}
	fmt.Fprintf(os.Stderr, "%d of %d bodies do not round-trip\n", bad, n)
}
