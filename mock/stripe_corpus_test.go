//go:build corpus

package mock

import (
	"os"
	"testing"

	"github.com/standin/standin/internal/corpus"
)

// stripeSpec is Stripe's own description, as shipped in the stripe-mock Go module (7.7 MB; not in the default
// test run; see package internal/corpus). STANDIN_STRIPE_SPEC overrides the path.

// TestStripeClientCorpus runs the Stripe client flow against standin serving Stripe's real description at the
// root, as standin serve --spec spec3.json does. Run with: go test -tags corpus ./mock -run Corpus
func TestStripeClientCorpus(t *testing.T) {
	file := corpus.Stripe()
	if _, err := os.Stat(file); err != nil {
		t.Skipf("Stripe's description is not installed: %v", err)
	}
	ts, api := stripeServer(t, file, Config{})
	c := stripeCall{t: t, client: ts.Client(), base: ts.URL,
		check: func(resp engineResponse) { engineCheckResponse(t, api, "", resp) }}
	stripeClientFlow(t, c)
}
