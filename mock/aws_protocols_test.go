package mock

import (
	"net/url"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/standin/standin/openapi"
)

// TestServeAWSProtocols: what AWS clients send to operations described the way APIs.guru describes AWS
// (testdata/aws-protocols.yaml). A JSON body labelled application/x-amz-json-1.0/1.1 or another JSON type is
// taken by an operation documenting application/json, validated as JSON, and an x-amz-json request is answered
// with its own type; a body of another type stays 415. Query list parameters whose items are typed through allOf,
// or are objects (one JSON value per item), and exploded objects with list properties decode and validate.
func TestServeAWSProtocols(t *testing.T) {
	api, err := openapi.LoadFile(t.Context(), "testdata/aws-protocols.yaml")
	require.NoError(t, err)
	ts, _ := engineServer(t, Config{}, []*openapi.API{api})
	put := func(ct string) []string {
		return []string{"X-Amz-Target", "Things_2024.PutThing", "Content-Type", ct}
	}
	filter := url.QueryEscape(`{"Name":"state","Values":["on","off"]}`)
	tests := []struct {
		name         string
		method, path string
		body         string
		headers      []string
		status       int
		contentType  string // of the answer, when checked
		contains     string // in the answer's body
	}{
		{name: "x-amz-json-1.1 body", method: "POST", path: "/awsproto/", body: `{"name":"a","count":2}`,
			headers: put("application/x-amz-json-1.1"), status: 200, contentType: "application/x-amz-json-1.1", contains: `"stored"`},
		{name: "x-amz-json-1.0 with a charset", method: "POST", path: "/awsproto/", body: `{"name":"a"}`,
			headers: put("application/x-amz-json-1.0; charset=utf-8"), status: 200, contentType: "application/x-amz-json-1.0"},
		{name: "the documented type", method: "POST", path: "/awsproto/", body: `{"name":"a"}`,
			headers: put("application/json"), status: 200, contentType: "application/json"},
		{name: "a vendor +json type: the documented answer type", method: "POST", path: "/awsproto/", body: `{"name":"a"}`,
			headers: put("application/vnd.things+json"), status: 200, contentType: "application/json"},
		{name: "x-amz-json body validated against the schema", method: "POST", path: "/awsproto/", body: `{"name":"a","count":"two"}`,
			headers: put("application/x-amz-json-1.1"), status: 400, contentType: "application/x-amz-json-1.1", contains: "count"},
		{name: "x-amz-json body missing a required property", method: "POST", path: "/awsproto/", body: `{"count":1}`,
			headers: put("application/x-amz-json-1.1"), status: 400, contains: "name"},
		{name: "malformed x-amz-json body", method: "POST", path: "/awsproto/", body: `{"name":`,
			headers: put("application/x-amz-json-1.1"), status: 400},
		{name: "a type of another family stays 415", method: "POST", path: "/awsproto/", body: `name=a`,
			headers: put("application/x-www-form-urlencoded"), status: 415},
		{name: "text stays 415", method: "POST", path: "/awsproto/", body: `{"name":"a"}`,
			headers: put("text/plain"), status: 415},
		{name: "no body documented: still the client's x-amz-json type", method: "GET", path: "/awsproto/?Action=DescribeThings&ThingId=a",
			headers: []string{"Content-Type", "application/x-amz-json-1.1"}, status: 200, contentType: "application/x-amz-json-1.1"},
		{name: "list of allOf-typed items", method: "GET", path: "/awsproto/?Action=DescribeThings&ThingId=a&ThingId=b",
			status: 200, contains: `"listed"`},
		{name: "one item", method: "GET", path: "/awsproto/?Action=DescribeThings&ThingId=a", status: 200},
		{name: "required list missing", method: "GET", path: "/awsproto/?Action=DescribeThings", status: 400, contains: "ThingId"},
		{name: "objects typed through allOf, one JSON value each", method: "GET",
			path: "/awsproto/?Action=DescribeThings&ThingId=a&Filter=" + filter + "&Filter=" + filter, status: 200},
		{name: "an object item missing its required property", method: "GET",
			path: "/awsproto/?Action=DescribeThings&ThingId=a&Filter=" + url.QueryEscape(`{"Values":["on"]}`), status: 400, contains: "Filter"},
		{name: "an object item that is not JSON", method: "GET", path: "/awsproto/?Action=DescribeThings&ThingId=a&Filter=state",
			status: 400, contains: "Filter"},
		{name: "typed object items", method: "GET",
			path: "/awsproto/?Action=DescribeThings&ThingId=a&Tag=" + url.QueryEscape(`{"name":"x","count":1}`), status: 200},
		{name: "exploded object whose property is a list", method: "GET",
			path: "/awsproto/?Action=AssociateThings&ThingIds%5B0%5D=a&ThingIds%5B1%5D=b&Limit=3", status: 200, contains: `"associated"`},
		{name: "exploded object, the list as repeated names", method: "GET", path: "/awsproto/?Action=AssociateThings&ThingIds=a&ThingIds=b",
			status: 200},
		{name: "exploded object, a scalar property given twice: the first", method: "GET",
			path: "/awsproto/?Action=AssociateThings&ThingIds=a&Limit=3&Limit=4", status: 200},
		{name: "exploded object, a scalar property given twice: the one that fits", method: "GET",
			path: "/awsproto/?Action=AssociateThings&ThingIds=a&Limit=many&Limit=3", status: 200},
		{name: "exploded object, a scalar property given twice, neither fits", method: "GET",
			path: "/awsproto/?Action=AssociateThings&ThingIds=a&Limit=many&Limit=more", status: 400, contains: "Limit"},
		{name: "exploded object of the wrong shape", method: "GET", path: "/awsproto/?Action=AssociateThings&ThingIds%5B0%5D=a&Limit=many",
			status: 400, contains: "Limit"},
		{name: "exploded object required and absent", method: "GET", path: "/awsproto/?Action=AssociateThings", status: 400, contains: "Target"},
		{name: "typed object item of the wrong shape", method: "GET",
			path: "/awsproto/?Action=DescribeThings&ThingId=a&Tag=" + url.QueryEscape(`{"name":"x","count":"many"}`), status: 400, contains: "count"},
		{name: "XML body, a list typed through allOf read as its repeated elements", method: "POST", path: "/awsproto/?Action=DeleteThings",
			body:    `<DeleteThingsRequest><Domain>d</Domain><Items><name>a</name></Items><Items><name>b</name><count>2</count></Items></DeleteThingsRequest>`,
			headers: []string{"Content-Type", "text/xml"}, status: 200, contains: `"deleted"`},
		{name: "XML body, an item of the list breaking its schema", method: "POST", path: "/awsproto/?Action=DeleteThings",
			body:    `<DeleteThingsRequest><Domain>d</Domain><Items><name>a</name></Items><Items><count>two</count></Items></DeleteThingsRequest>`,
			headers: []string{"Content-Type", "text/xml"}, status: 400, contains: "Items"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := engineDo(t, ts, tt.method, tt.path, tt.body, tt.headers...)
			require.Equal(t, tt.status, resp.status, "body: %s", resp.body)
			if tt.contentType != "" {
				require.Equal(t, tt.contentType, resp.header.Get("Content-Type"))
			}
			require.Contains(t, string(resp.body), tt.contains)
		})
	}
}
