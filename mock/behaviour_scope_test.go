package mock

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestNestedCreateStoresScopeFields: a record created under its parent (Stripe's tax id under a customer) is
// stored with the enclosing id in the field of that name, as the create answered it: the next read of the
// record, and the list, show what the create showed.
func TestNestedCreateStoresScopeFields(t *testing.T) {
	ts, api := stripeServer(t, "testdata/stripe-style.yaml", Config{})
	c := stripeCall{t: t, client: ts.Client(), base: ts.URL,
		check: func(resp engineResponse) { engineCheckResponse(t, api, "", resp) }}
	status, created := c.do(http.MethodPost, "/v1/customers/cus_123/tax_ids", url.Values{"type": {"eu_vat"}, "value": {"DE123456789"}})
	require.Equal(t, http.StatusOK, status, "%v", created)
	require.Equal(t, "cus_123", created["customer"])
	status, read := c.do(http.MethodGet, "/v1/customers/cus_123/tax_ids/"+created["id"].(string), nil)
	require.Equal(t, http.StatusOK, status)
	require.Equal(t, created, read, "the record read back is not the one the create answered")
	_, list := c.do(http.MethodGet, "/v1/customers/cus_123/tax_ids", nil)
	require.Equal(t, []any{created}, list["data"])
}
