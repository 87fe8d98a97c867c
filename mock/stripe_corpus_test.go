//go:build corpus

package mock

import (
	"os"
	"testing"
)

// stripeSpec is Stripe's own description, as shipped in the stripe-mock Go module (7.7 MB; not in the default
// test run). STANDIN_STRIPE_SPEC overrides the path.
const stripeSpec = "/root/go/pkg/mod/github.com/stripe/stripe-mock@v0.203.0/embedded/openapi/spec3.json"

// TestStripeClientCorpus runs the Stripe client flow against standin serving Stripe's real description at the
// root, as standin serve --spec spec3.json does. Run with: go test -tags corpus ./mock -run Corpus
func TestStripeClientCorpus(t *testing.T) {
	file := stripeSpec
	if f := os.Getenv("STANDIN_STRIPE_SPEC"); f != "" {
		file = f
	}
	if _, err := os.Stat(file); err != nil {
		t.Skipf("Stripe's description is not installed: %v", err)
	}
	ts, api := stripeServer(t, file, Config{})
	c := stripeCall{t: t, client: ts.Client(), base: ts.URL,
		check: func(resp engineResponse) { engineCheckResponse(t, api, "", resp) }}
	stripeClientFlow(t, c)
}
