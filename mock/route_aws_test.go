package mock

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/standin/standin/openapi"
)

// TestServeAWSKeys: keys with a "#fragment" (testdata/aws-like.yaml, in the form of APIs.guru's AWS documents)
// are served as AWS clients and `standin test` call them: by the X-Amz-Target header, by the Action query
// parameter, and by the presence of the query parameter or header a bare "#name" names. A request that fails
// every condition of its path and method is a validation failure naming the condition, answered with the
// operations' documented error status when they agree on one.
func TestServeAWSKeys(t *testing.T) {
	api, err := openapi.LoadFile(t.Context(), "testdata/aws-like.yaml")
	require.NoError(t, err)
	ts, _ := engineServer(t, Config{}, []*openapi.API{api})
	const arn = "arn:aws:store:us-east-1:123456789012:table%2Fbooks"
	tests := []struct {
		name         string
		method, path string
		body         string
		headers      []string
		status       int
		op           string // the operation whose example answered
		reason       string // in X-Standin-Reason
	}{
		{name: "json protocol by X-Amz-Target", method: "POST", path: "/store/", body: `{}`,
			headers: []string{"X-Amz-Target", "Store_2024.GetItem"}, status: 200, op: "GetItem"},
		{name: "another target on the same path", method: "POST", path: "/store/", body: `{}`,
			headers: []string{"X-Amz-Target", "Store_2024.PutItem"}, status: 200, op: "PutItem"},
		{name: "target missing: the documented error of every candidate", method: "POST", path: "/store/", body: `{}`,
			status: 480, reason: "header X-Amz-Target is required: it selects the operation of POST /, one of Store_2024.GetItem, Store_2024.PutItem"},
		{name: "unknown target", method: "POST", path: "/store/", body: `{}`, headers: []string{"X-Amz-Target", "Store_2024.Nope"},
			status: 480, reason: `header X-Amz-Target "Store_2024.Nope" names no operation of POST /`},
		{name: "query protocol by Action", method: "GET", path: "/store/?Action=DescribeThings&Version=2024-01-01", status: 200,
			op: "DescribeThings"},
		{name: "Action missing: candidates disagree on the status, plain 400", method: "GET", path: "/store/?Version=2024-01-01",
			status: 400, reason: "query parameter Action is required"},
		{name: "REST key naming a query parameter", method: "DELETE", path: "/store/tags/" + arn + "?tagKeys=a&tagKeys=b",
			status: 200, op: "UntagResource"},
		{name: "query parameter of the key missing", method: "DELETE", path: "/store/tags/" + arn, status: 480,
			reason: "query parameter tagKeys is required: it selects the operation of DELETE /tags/{resourceArn} (its key is /tags/{resourceArn}#tagKeys)"},
		{name: "the plain key beside it", method: "GET", path: "/store/tags/" + arn, status: 200, op: "ListTagsOfResource"},
		{name: "key naming a query parameter on a literal path", method: "GET", path: "/store/ListTagsForResource?resourceArn=" + arn,
			status: 200, op: "ListTagsForResource"},
		{name: "key naming a header", method: "GET", path: "/store/assignment/accounts",
			headers: []string{"X-Amz-Sso_bearer_token", "token-1"}, status: 200, op: "ListAccounts"},
		{name: "header of the key missing", method: "GET", path: "/store/assignment/accounts", status: 480,
			reason: "header x-amz-sso_bearer_token is required"},
		{name: "method no key has", method: "PUT", path: "/store/tags/" + arn + "?tagKeys=a", status: 405},
		{name: "unknown path", method: "GET", path: "/store/nothing", status: 404},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := engineDo(t, ts, tt.method, tt.path, tt.body, tt.headers...)
			require.Equal(t, tt.status, resp.status, "body: %s", resp.body)
			if tt.op != "" {
				require.Contains(t, string(resp.body), tt.op)
				if strings.Contains(resp.header.Get("Content-Type"), "json") {
					var body map[string]any
					require.NoError(t, json.Unmarshal(resp.body, &body))
					require.Equal(t, tt.op, body["op"])
				}
			}
			require.Contains(t, resp.header.Get(ReasonHeader), tt.reason)
		})
	}

	t.Run("a condition miss is journalled with the operation that answered", func(t *testing.T) {
		resp := engineDo(t, ts, http.MethodGet, "/__standin/journal?api=store&status=480", "")
		require.Equal(t, http.StatusOK, resp.status)
		var j struct {
			Entries []journalEntry `json:"entries"`
		}
		require.NoError(t, json.Unmarshal(resp.body, &j))
		require.NotEmpty(t, j.Entries)
		ops := map[string]bool{}
		for _, e := range j.Entries {
			require.Equal(t, "route", e.AnsweredBy)
			ops[e.Operation] = true
		}
		require.Equal(t, map[string]bool{"GetItem": true, "UntagResource": true, "ListAccounts": true}, ops)
	})
}

// TestServeGoogleVerbs: Google-style keys (testdata/google-like.yaml): a ":verb" suffix wins over the bare
// parameter, resource names may carry unescaped "/", and a method the segment-by-segment match lacks is looked
// for among the keys whose parameter spans segments before answering 405.
func TestServeGoogleVerbs(t *testing.T) {
	api, err := openapi.LoadFile(t.Context(), "testdata/google-like.yaml")
	require.NoError(t, err)
	ts, _ := engineServer(t, Config{}, []*openapi.API{api})
	tests := []struct {
		method, path string
		status       int
		op           string
	}{
		{"POST", "/things/v1/operations/op1:cancel", 200, "operations.cancel"},
		{"POST", "/things/v1/projects/p/locations/l/operations/op1:cancel", 200, "operations.cancel"},
		{"POST", "/things/v1/projects%2Fp%2Foperations%2Fop1:cancel", 200, "operations.cancel"},
		// The flat key matches segment by segment but has no POST: the verb key, spanning, has it.
		{"POST", "/things/v1/projects/p/things/t1:cancel", 200, "operations.cancel"},
		{"GET", "/things/v1/projects/p/things/t1", 200, "flat.get"},
		{"GET", "/things/v1/projects/p/things:batchGet", 200, "things.batchGet"},
		{"GET", "/things/v1/projects/p/locations/l/things", 200, "things.list"},
		{"POST", "/things/v1/projects/p/things", 200, "things.create"},
		{"GET", "/things/v1/organizations/o/locations/l/things/t1", 200, "things.get"},
		{"DELETE", "/things/v1/projects/p/things/t1", 200, "things.delete"},
		{"PUT", "/things/v1/projects/p/things/t1", 405, ""},
		{"GET", "/things/v2/projects/p", 404, ""},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			resp := engineDo(t, ts, tt.method, tt.path, "")
			require.Equal(t, tt.status, resp.status, "body: %s", resp.body)
			if tt.op != "" {
				var body map[string]any
				require.NoError(t, json.Unmarshal(resp.body, &body))
				require.Equal(t, tt.op, body["op"])
			}
		})
	}
}

// TestServeHead: HEAD on a path whose document has no HEAD operation is answered by the GET operation without a
// body (headers as GET's), and journalled as HEAD; HEAD where there is no GET is 405.
func TestServeHead(t *testing.T) {
	api, err := openapi.LoadFile(t.Context(), "testdata/routing.yaml")
	require.NoError(t, err)
	ts, _ := engineServer(t, Config{}, []*openapi.API{api})
	get := engineDo(t, ts, http.MethodGet, "/routing/v1/things/t1", "")
	require.Equal(t, http.StatusOK, get.status)
	tests := []struct {
		name, path string
		status     int
	}{
		{"GET operation answers", "/routing/v1/things/t1", http.StatusOK},
		{"verb key GET operation answers", "/routing/v1/things/t1:getIamPolicy", http.StatusOK},
		{"no GET: 405", "/routing/v1/jobs/j1/run", http.StatusMethodNotAllowed},
		{"unknown path", "/routing/v1/nothing", http.StatusNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := engineDo(t, ts, http.MethodHead, tt.path, "")
			require.Equal(t, tt.status, resp.status)
			require.Empty(t, resp.body)
		})
	}
	head := engineDo(t, ts, http.MethodHead, "/routing/v1/things/t1", "")
	require.Equal(t, get.header.Get("Content-Type"), head.header.Get("Content-Type"))
	require.Equal(t, get.header.Get("Content-Length"), head.header.Get("Content-Length"))

	resp := engineDo(t, ts, http.MethodGet, "/__standin/journal?api=routing&operation=getThing", "")
	require.Equal(t, http.StatusOK, resp.status)
	var j struct {
		Entries []journalEntry `json:"entries"`
	}
	require.NoError(t, json.Unmarshal(resp.body, &j))
	var methods []string
	for _, e := range j.Entries {
		methods = append(methods, e.Method)
		if e.Method == http.MethodHead {
			require.Nil(t, e.Response.Body, "a HEAD answer has no body")
		}
	}
	require.Equal(t, []string{"GET", "HEAD", "HEAD"}, methods, "the two HEADs on /things/t1 journalled as HEAD")
}
