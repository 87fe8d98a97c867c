package mock

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/standin/standin/openapi"
)

// stripeCall is one request of a client written against Stripe's documented encoding: form bodies with
// bracketed keys, Bearer auth, plain net/http.
type stripeCall struct {
	t      *testing.T
	client *http.Client
	base   string
	check  func(resp engineResponse) // validates the response against the document
}

func (c stripeCall) do(method, path string, form url.Values, headers ...string) (int, map[string]any) {
	c.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequestWithContext(c.t.Context(), method, c.base+path, body)
	require.NoError(c.t, err)
	req.Header.Set("Authorization", "Bearer sk_test_4eC39HqLyjWDarjtT1zdp7dc")
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := c.client.Do(req)
	require.NoError(c.t, err)
	data, err := io.ReadAll(resp.Body)
	require.NoError(c.t, err)
	require.NoError(c.t, resp.Body.Close())
	c.check(engineResponse{status: resp.StatusCode, header: resp.Header, body: data, req: req})
	var out map[string]any
	if len(data) > 0 {
		require.NoError(c.t, json.Unmarshal(data, &out), "%s %s: %s", method, path, data)
	}
	return resp.StatusCode, out
}

// stripeClientFlow is what a Stripe integration does first: create a customer with nested metadata, list
// customers expanding a field, fetch a customer it never created (cus_123), create and void an invoice, delete
// the customer. Every answer must be one the real API could give.
func stripeClientFlow(t *testing.T, c stripeCall) {
	form := url.Values{}
	form.Set("name", "Jenny Rosen")
	form.Set("email", "jenny.rosen@example.com")
	form.Set("metadata[order_id]", "6735")
	form.Set("metadata[tier]", "gold")
	form.Add("preferred_locales[0]", "en")
	form.Add("preferred_locales[1]", "fr")
	form.Add("expand[]", "tax")
	status, cus := c.do(http.MethodPost, "/v1/customers", form)
	require.Equal(t, http.StatusOK, status, "%v", cus)
	id, _ := cus["id"].(string)
	require.NotEmpty(t, id)
	require.Equal(t, "customer", cus["object"])
	require.Equal(t, "Jenny Rosen", cus["name"])
	require.Equal(t, map[string]any{"order_id": "6735", "tier": "gold"}, cus["metadata"], "nested metadata kept")

	status, list := c.do(http.MethodGet, "/v1/customers?limit=3&expand[]=data.default_source&email=jenny.rosen@example.com", nil)
	require.Equal(t, http.StatusOK, status, "%v", list)
	require.Equal(t, "list", list["object"])
	data, _ := list["data"].([]any)
	require.Len(t, data, 1, "the filter by email keeps the customer created")
	require.Equal(t, id, data[0].(map[string]any)["id"])
	require.Equal(t, false, list["has_more"])

	status, got := c.do(http.MethodGet, "/v1/customers/"+id, nil)
	require.Equal(t, http.StatusOK, status)
	require.Equal(t, cus["metadata"], got["metadata"], "read back as created")

	status, c123 := c.do(http.MethodGet, "/v1/customers/cus_123", nil)
	require.Equal(t, http.StatusOK, status, "%v", c123)
	require.Equal(t, "cus_123", c123["id"], "a record generated for the id asked")
	require.Equal(t, "customer", c123["object"])
	_, again := c.do(http.MethodGet, "/v1/customers/cus_123?expand[]=tax", nil)
	require.Equal(t, c123, again, "later reads agree")

	status, missing := c.do(http.MethodGet, "/v1/customers/cus_never", nil, IDsHeader, "strict")
	require.Equal(t, http.StatusNotFound, status, "strict ids: %v", missing)

	inv := url.Values{"customer": {id}}
	inv.Set("metadata[source]", "test")
	status, invoice := c.do(http.MethodPost, "/v1/invoices", inv)
	require.Equal(t, http.StatusOK, status, "%v", invoice)
	invID, _ := invoice["id"].(string)
	require.NotEmpty(t, invID)
	status, voided := c.do(http.MethodPost, "/v1/invoices/"+invID+"/void", url.Values{"expand[]": {"customer"}})
	require.Equal(t, http.StatusOK, status, "%v", voided)
	require.Equal(t, invID, voided["id"], "the action acts on the invoice")
	require.Equal(t, "void", voided["status"])
	_, read := c.do(http.MethodGet, "/v1/invoices/"+invID, nil)
	require.Equal(t, "void", read["status"], "the action's change is stored")
	status, _ = c.do(http.MethodPost, "/v1/invoices/in_never/void", url.Values{}, IDsHeader, "strict")
	require.Equal(t, http.StatusNotFound, status, "an action on an unknown record, strict ids")

	status, deleted := c.do(http.MethodDelete, "/v1/customers/"+id, nil)
	require.Equal(t, http.StatusOK, status, "%v", deleted)
	require.Equal(t, id, deleted["id"])
	require.Equal(t, true, deleted["deleted"])
	status, _ = c.do(http.MethodGet, "/v1/customers/"+id, nil)
	require.Equal(t, http.StatusNotFound, status, "a deleted customer stays deleted")
}

// stripeServer serves a document at the root, as standin serve --spec FILE does for one document.
func stripeServer(t *testing.T, file string, cfg Config, opts ...Option) (*httptest.Server, *openapi.API) {
	t.Helper()
	api, err := openapi.LoadFile(t.Context(), file)
	require.NoError(t, err)
	ts, _ := engineServer(t, cfg, []*openapi.API{api}, opts...)
	return ts, api
}

// TestStripeClient runs the Stripe client against a small document written the way Stripe's is (the real
// 7.7 MB description runs behind the corpus build tag: stripe_corpus_test.go).
func TestStripeClient(t *testing.T) {
	ts, api := stripeServer(t, "testdata/stripe-style.yaml", Config{})
	c := stripeCall{t: t, client: ts.Client(), base: ts.URL,
		check: func(resp engineResponse) { engineCheckResponse(t, api, "", resp) }}
	stripeClientFlow(t, c)

	// Collections are path templates: a checkout session and a billing portal session of one id are two records.
	_, checkout := c.do(http.MethodGet, "/v1/checkout/sessions/cs_1", nil)
	_, portal := c.do(http.MethodGet, "/v1/billing_portal/sessions/cs_1", nil)
	require.Equal(t, "checkout.session", checkout["object"])
	require.Equal(t, "billing_portal.session", portal["object"])

	// A nested collection belongs to its parent record.
	status, tax := c.do(http.MethodPost, "/v1/customers/cus_123/tax_ids", url.Values{"type": {"eu_vat"}, "value": {"DE123456789"}})
	require.Equal(t, http.StatusOK, status, "%v", tax)
	require.Equal(t, "cus_123", tax["customer"])
	_, mine := c.do(http.MethodGet, "/v1/customers/cus_123/tax_ids", nil)
	require.Len(t, mine["data"], 1)
	_, other := c.do(http.MethodGet, "/v1/customers/cus_456/tax_ids", nil)
	require.Empty(t, other["data"], "another customer's tax ids are its own")
	status, _ = c.do(http.MethodGet, "/v1/customers/cus_123/tax_ids/"+tax["id"].(string), nil)
	require.Equal(t, http.StatusOK, status)
}

// TestStripeListPaging: a list pages with limit and the starting_after/ending_before cursors, and says
// has_more.
func TestStripeListPaging(t *testing.T) {
	ts, api := stripeServer(t, "testdata/stripe-style.yaml", Config{})
	c := stripeCall{t: t, client: ts.Client(), base: ts.URL,
		check: func(resp engineResponse) { engineCheckResponse(t, api, "", resp) }}
	var ids []string
	for _, name := range []string{"a", "b", "c", "d", "e"} {
		_, cus := c.do(http.MethodPost, "/v1/customers", url.Values{"name": {name}})
		ids = append(ids, cus["id"].(string))
	}
	page := func(query string) ([]string, bool) {
		_, list := c.do(http.MethodGet, "/v1/customers?"+query, nil)
		var got []string
		for _, d := range list["data"].([]any) {
			got = append(got, d.(map[string]any)["id"].(string))
		}
		return got, list["has_more"].(bool)
	}
	tests := []struct {
		query string
		want  []string
		more  bool
	}{
		{"limit=2", ids[:2], true},
		{"limit=2&starting_after=" + ids[1], ids[2:4], true},
		{"limit=2&starting_after=" + ids[3], ids[4:], false},
		{"limit=2&ending_before=" + ids[4], ids[2:4], true},
		{"limit=10", ids, false},
	}
	for _, tt := range tests {
		got, more := page(tt.query)
		require.Equal(t, tt.want, got, tt.query)
		require.Equal(t, tt.more, more, tt.query)
	}
}

// TestStripeCreateKeepsRecordShape: a create whose body writes a field in the request's shape, not the record's
// (Stripe sets capabilities by {requested: true}, the record holds a status; "" unsets an array), stores a record
// that still matches its schema; a nested object from the body is merged into one that does.
func TestStripeCreateKeepsRecordShape(t *testing.T) {
	ts, api := stripeServer(t, "testdata/stripe-style.yaml", Config{})
	c := stripeCall{t: t, client: ts.Client(), base: ts.URL,
		check: func(resp engineResponse) { engineCheckResponse(t, api, "", resp) }}
	status, cus := c.do(http.MethodPost, "/v1/customers", url.Values{"address": {""}, "metadata[k]": {"v"}})
	require.Equal(t, http.StatusOK, status, "%v", cus)
	require.NotContains(t, cus, "address", "the empty string unsets; the record's address is an object")
	require.Equal(t, map[string]any{"k": "v"}, cus["metadata"])
}
