package mock

import (
	"encoding/xml"
	"errors"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/require"

	"github.com/standin/standin/internal/corpus"
	"github.com/standin/standin/openapi"
)

// The request bytes below are written by hand the way the AWS SDKs (aws-sdk-go-v2, boto3, the CLI) send a
// query-protocol call: POST to the endpoint's "/", a form body labelled
// "application/x-www-form-urlencoded; charset=utf-8" holding Action, Version and the flattened input members,
// a SigV4 Authorization header, X-Amz-Date, and no Accept header.
const (
	awsSigV4 = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261202/us-east-1/svc/aws4_request, " +
		"SignedHeaders=content-type;host;x-amz-date, Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7"
	awsFormType = "application/x-www-form-urlencoded; charset=utf-8"
)

func awsSDKHeaders(extra ...string) []string {
	return append([]string{"Content-Type", awsFormType, "Authorization", awsSigV4, "X-Amz-Date", "20261202T073500Z"}, extra...)
}

func awsQueryServer(t *testing.T, file string) *httptest.Server {
	t.Helper()
	api, err := openapi.LoadFile(t.Context(), file)
	require.NoError(t, err)
	ts, _ := engineServer(t, Config{}, []*openapi.API{api})
	return ts
}

// requestID matches the RequestId AWS answers carry (a UUID).
var requestID = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$`)

// TestServeAWSQueryEC2: EC2's flattened lists (InstanceId.1, Filter.1.Name, Filter.1.Value.1) in an SDK's
// POST form body and in a GET query; the answer in EC2's envelope.
func TestServeAWSQueryEC2(t *testing.T) {
	ts := awsQueryServer(t, "testdata/aws-query-ec2.yaml")
	describe := "Action=DescribeInstances&Version=2016-11-15&InstanceId.1=i-123&InstanceId.2=i-456" +
		"&Filter.1.Name=instance-type&Filter.1.Value.1=t2.micro&Filter.1.Value.2=t3.micro&Filter.2.Name=tag%3AName&Filter.2.Value.1=web"
	tests := []struct {
		name         string
		method, path string
		body         string
		headers      []string
		status       int
		contains     []string
		awsError     string // the code of the AWS error document the answer must be
	}{
		{name: "SDK form: Action in the body routes; flattened lists and structures decode", method: "POST", path: "/",
			body: describe, headers: awsSDKHeaders(), status: 200,
			contains: []string{`<DescribeInstancesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>`,
				`</requestId><instancesSet><item><instanceId>i-0a1</instanceId></item><item><instanceId>i-0b2</instanceId></item></instancesSet>` +
					`<nextToken>next-page</nextToken></DescribeInstancesResponse>`}},
		{name: "Accept */*", method: "POST", path: "/", body: describe, headers: awsSDKHeaders("Accept", "*/*"), status: 200,
			contains: []string{`<DescribeInstancesResponse`}},
		{name: "the mount path without a slash", method: "POST", path: "/compute/", body: describe, headers: awsSDKHeaders(), status: 200},
		{name: "a list number that is not one", method: "POST", path: "/", headers: awsSDKHeaders(), status: 400,
			body:     "Action=DescribeInstances&Version=2016-11-15&Filter.first.Name=x",
			contains: []string{`Filter.first`, `expected a list of structures numbered from 1: Filter.1, Filter.2`}},
		{name: "a list number from 0", method: "POST", path: "/", headers: awsSDKHeaders(), status: 400,
			body: "Action=DescribeInstances&Version=2016-11-15&InstanceId.0=i-1", contains: []string{`InstanceId.0`}},
		{name: "a structure written as one value", method: "POST", path: "/", headers: awsSDKHeaders(), status: 400,
			body:     "Action=DescribeInstances&Version=2016-11-15&Filter.1=instance-type",
			contains: []string{`Filter.1`, `expected a structure: Filter.1.`, `with members Name, Values (Value)`}},
		{name: "a scalar given members", method: "POST", path: "/", headers: awsSDKHeaders(), status: 400,
			body: "Action=DescribeInstances&Version=2016-11-15&DryRun.1=true", contains: []string{`DryRun.1`, `takes one value (a boolean)`}},
		{name: "a member of the wrong type, by its wire name", method: "POST", path: "/", headers: awsSDKHeaders(), status: 400,
			body: "Action=DescribeInstances&Version=2016-11-15&DryRun=maybe", contains: []string{`DryRun`}},
		{name: "the documented body's required list missing", method: "POST", path: "/", headers: awsSDKHeaders(), status: 400,
			body: "Action=TerminateInstances&Version=2016-11-15&DryRun=false", awsError: "ValidationError",
			contains: []string{`<Message>Request validation failed: property &#34;InstanceIds&#34; is missing</Message>`}},
		{name: "an error answer is AWS's XML whatever Accept says", method: "POST", path: "/", headers: awsSDKHeaders("Accept", "*/*"),
			body: "Action=TerminateInstances&Version=2016-11-15", status: 400, awsError: "ValidationError"},
		{name: "the required list given", method: "POST", path: "/", headers: awsSDKHeaders(), status: 200,
			body: "Action=TerminateInstances&Version=2016-11-15&InstanceId.1=i-1&DryRun=false", contains: []string{`<TerminateInstancesResponse`}},
		{name: "Version in the body is validated", method: "POST", path: "/", headers: awsSDKHeaders(), status: 400,
			body: "Action=TerminateInstances&Version=2015-01-01&InstanceId.1=i-1", contains: []string{`Version`}},
		{name: "an Action no operation has", method: "POST", path: "/", headers: awsSDKHeaders(), status: 400,
			body: "Action=RebootInstances&Version=2016-11-15", contains: []string{`RebootInstances`, `names no operation`}, awsError: "InvalidAction"},
		{name: "no Action anywhere", method: "POST", path: "/", headers: awsSDKHeaders(), status: 400,
			body: "Version=2016-11-15", contains: []string{`Action is required`}, awsError: "InvalidAction"},
		{name: "Action in the query, members in the form", method: "POST", path: "/?Action=DescribeInstances&Version=2016-11-15",
			headers: awsSDKHeaders(), status: 400, body: "Filter.1.Value.x=a", contains: []string{`Filter.1.Value.x`}},
		{name: "GET: flattened query members", method: "GET", status: 200, headers: []string{"Authorization", awsSigV4},
			path:     "/?Action=DescribeInstances&Version=2016-11-15&InstanceId.1=i-1&Filter.1.Name=instance-type&Filter.1.Value.1=t2.micro",
			contains: []string{`<DescribeInstancesResponse`}},
		{name: "GET: a flattened list item that is not a structure", method: "GET", status: 400, headers: []string{"Authorization", awsSigV4},
			path: "/?Action=DescribeInstances&Version=2016-11-15&Filter.1=x", contains: []string{`Filter.1`, `expected a structure`}},
		{name: "GET: a flattened list numbered wrongly", method: "GET", status: 400, headers: []string{"Authorization", awsSigV4},
			path: "/?Action=DescribeInstances&Version=2016-11-15&InstanceId.a=i-1", contains: []string{`InstanceId.a`}},
		{name: "a JSON body to the same key is still not a form", method: "POST", path: "/?Action=DescribeInstances&Version=2016-11-15",
			headers: []string{"Content-Type", "application/json", "Authorization", awsSigV4}, body: `{}`, status: 415, awsError: "ValidationError"},
		{name: "no credentials", method: "POST", path: "/", headers: []string{"Content-Type", awsFormType}, body: describe, status: 401,
			awsError: "AccessDenied"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := sendRequest(t, ts, tt.method, tt.path, "", tt.body, false, tt.headers...)
			require.Equal(t, tt.status, resp.status, "body: %s", resp.body)
			for _, c := range tt.contains {
				require.Contains(t, string(resp.body), c)
			}
			if tt.awsError != "" {
				require.Equal(t, "text/xml", resp.header.Get("Content-Type"))
				var doc struct {
					XMLName xml.Name `xml:"Response"`
					Code    string   `xml:"Errors>Error>Code"`
					Message string   `xml:"Errors>Error>Message"`
					ID      string   `xml:"RequestID"`
				}
				require.NoError(t, xml.Unmarshal(resp.body, &doc), "body: %s", resp.body)
				require.Equal(t, tt.awsError, doc.Code)
				require.NotEmpty(t, doc.Message)
				require.Regexp(t, requestID, doc.ID)
			}
			if resp.status == 200 {
				require.Equal(t, "text/xml", resp.header.Get("Content-Type"))
				var env struct {
					XMLName   xml.Name
					RequestID string `xml:"requestId"`
				}
				require.NoError(t, xml.Unmarshal(resp.body, &env), "body: %s", resp.body)
				require.Regexp(t, requestID, env.RequestID)
			}
		})
	}
}

// TestServeAWSQueryServices: the member and map forms of the other query services (SQS's flattened
// Attribute.N.Name/Value and AttributeName.N, SNS's Attributes.entry.N.key/value, IAM's Tags.member.N.Key, RDS's
// lists named by their items), in an SDK's POST form body and, for SQS and IAM, in a GET query; answers in the
// <ActionResponse><ActionResult> envelope with ResponseMetadata.
func TestServeAWSQueryServices(t *testing.T) {
	ts := awsQueryServer(t, "testdata/aws-query.yaml")
	const queue = "QueueUrl=https%3A%2F%2Fsqs.us-east-1.amazonaws.com%2F123456789012%2Fjobs"
	tests := []struct {
		name         string
		method, path string
		body         string
		status       int
		contains     []string
		result       string   // the <…Result> the answer must carry, when checked
		awsError     string   // the code of the AWS error document the answer must be
		headers      []string // besides the SDK's
	}{
		{name: "SQS: a flattened map; the answer without content is the bare envelope", method: "POST", path: "/", status: 200,
			result: "ResponseMetadata",
			body:   "Action=SetQueueAttributes&Version=2012-11-05&" + queue + "&Attribute.1.Name=DelaySeconds&Attribute.1.Value=5&Attribute.2.Name=VisibilityTimeout&Attribute.2.Value=30"},
		{name: "SQS: the map required and absent: the documented error, as AWS writes it", method: "POST", path: "/", status: 480,
			body: "Action=SetQueueAttributes&Version=2012-11-05&" + queue, awsError: "InvalidAttributeName",
			contains: []string{`<ErrorResponse xmlns="https://sqs.amazonaws.com/doc/2012-11-05/"><Error><Type>Sender</Type><Code>InvalidAttributeName</Code>` +
				`<Message>Request validation failed: property &#34;Attributes&#34; is missing</Message></Error><RequestId>`}},
		{name: "an Action the document does not have: the status the candidates document", method: "POST", path: "/", status: 480,
			body: "Action=DeleteQueue&Version=2012-11-05&" + queue, awsError: "InvalidAction", contains: []string{`DeleteQueue`}},
		{name: "IAM: a documented error forced with Prefer", method: "POST", path: "/", status: 480, headers: []string{"Prefer", "code=480"},
			body: "Action=TagUser&Version=2010-05-08&UserName=ana&Tags.member.1.Key=team&Tags.member.1.Value=web", awsError: "NoSuchEntityException"},
		{name: "SQS: a map entry without its key", method: "POST", path: "/", status: 480,
			body: "Action=SetQueueAttributes&Version=2012-11-05&" + queue + "&Attribute.1.Value=5"},
		{name: "SQS: a map entry without its value", method: "POST", path: "/", status: 480,
			body: "Action=SetQueueAttributes&Version=2012-11-05&" + queue + "&Attribute.1.Name=DelaySeconds"},
		{name: "SQS: a flattened list of named items, answered in the envelope", method: "POST", path: "/", status: 200,
			body:   "Action=GetQueueAttributes&Version=2012-11-05&" + queue + "&AttributeName.1=DelaySeconds&AttributeName.2=VisibilityTimeout",
			result: "GetQueueAttributesResult",
			contains: []string{`<GetQueueAttributesResponse xmlns="https://sqs.amazonaws.com/doc/2012-11-05/"><GetQueueAttributesResult>` +
				`<Attribute><Name>DelaySeconds</Name><Value>5</Value></Attribute><Attribute><Name>VisibilityTimeout</Name><Value>30</Value></Attribute>` +
				`</GetQueueAttributesResult><ResponseMetadata><RequestId>`}},
		{name: "SNS: a map answered as entries", method: "POST", path: "/", status: 200, result: "GetTopicAttributesResult",
			body: "Action=GetTopicAttributes&Version=2010-03-31&TopicArn=arn%3Aaws%3Asns%3Aus-east-1%3A123456789012%3Anews",
			contains: []string{`<GetTopicAttributesResult><Attributes><entry><key>DisplayName</key><value>News</value></entry>` +
				`<entry><key>Owner</key><value>123456789012</value></entry></Attributes></GetTopicAttributesResult>`}},
		{name: "IAM: a list answered as members", method: "POST", path: "/", status: 200, result: "ListUserTagsResult",
			body: "Action=ListUserTags&Version=2010-05-08&UserName=ana",
			contains: []string{`<ListUserTagsResult><IsTruncated>false</IsTruncated><Tags><member><Key>team</Key><Value>web</Value></member>` +
				`<member><Key>env</Key><Value>prod</Value></member></Tags></ListUserTagsResult>`}},
		{name: "SQS: a list item outside its enum", method: "POST", path: "/", status: 480,
			body: "Action=GetQueueAttributes&Version=2012-11-05&" + queue + "&AttributeName.1=Colour"},
		{name: "SQS GET: a flattened map in the query", method: "GET", status: 200,
			path: "/?Action=SetQueueAttributes&Version=2012-11-05&" + queue + "&Attribute.1.Name=DelaySeconds&Attribute.1.Value=5"},
		{name: "SQS GET: the map as OpenAPI's exploded form writes it (one field per entry)", method: "GET", status: 200,
			path: "/?Action=SetQueueAttributes&Version=2012-11-05&" + queue + "&DelaySeconds=5&VisibilityTimeout=30&X-Amz-Date=20261202T073500Z"},
		{name: "SQS GET: the map in neither form", method: "GET", status: 480, awsError: "InvalidAttributeName",
			path: "/?Action=SetQueueAttributes&Version=2012-11-05&" + queue + "&X-Amz-Date=20261202T073500Z", contains: []string{`Attribute`}},
		{name: "SQS GET: a map entry without its value", method: "GET", status: 480,
			path: "/?Action=SetQueueAttributes&Version=2012-11-05&" + queue + "&Attribute.1.Name=DelaySeconds"},
		{name: "SNS: a map with .entry and a list with .member", method: "POST", path: "/", status: 200, result: "CreateTopicResult",
			body: "Action=CreateTopic&Version=2010-03-31&Name=news&Attributes.entry.1.key=DisplayName&Attributes.entry.1.value=News" +
				"&Tags.member.1.Key=team&Tags.member.1.Value=web",
			contains: []string{`<CreateTopicResult><TopicArn>arn:aws:sns:us-east-1:123456789012:news</TopicArn></CreateTopicResult>`}},
		{name: "SNS: .entry numbered wrongly", method: "POST", path: "/", status: 400,
			body:     "Action=CreateTopic&Version=2010-03-31&Name=news&Attributes.entry.one.key=DisplayName",
			contains: []string{`Attributes.entry.one`, `expected map entries numbered from 1`}},
		{name: "IAM: Tags.member.N structures", method: "POST", path: "/", status: 200, result: "ResponseMetadata",
			body: "Action=TagUser&Version=2010-05-08&UserName=ana&Tags.member.1.Key=team&Tags.member.1.Value=web&Tags.member.2.Key=env&Tags.member.2.Value=prod"},
		{name: "IAM: a member structure missing a required member", method: "POST", path: "/", status: 480, awsError: "NoSuchEntityException",
			body:     "Action=TagUser&Version=2010-05-08&UserName=ana&Tags.member.1.Key=team",
			contains: []string{`<Message>Request validation failed: property &#34;Value&#34; is missing</Message>`}},
		{name: "IAM: more members than the list allows", method: "POST", path: "/", status: 480,
			body: "Action=TagUser&Version=2010-05-08&UserName=ana&Tags.member.1.Key=a&Tags.member.1.Value=1&Tags.member.2.Key=b&Tags.member.2.Value=2" +
				"&Tags.member.3.Key=c&Tags.member.3.Value=3&Tags.member.4.Key=d&Tags.member.4.Value=4", contains: []string{`Tags`}},
		{name: "IAM GET: Tags.member.N in the query", method: "GET", status: 200,
			path: "/?Action=TagUser&Version=2010-05-08&UserName=ana&Tags.member.1.Key=team&Tags.member.1.Value=web"},
		{name: "IAM GET: a member structure missing a required member", method: "GET", status: 400,
			path: "/?Action=TagUser&Version=2010-05-08&UserName=ana&Tags.member.1.Key=team", contains: []string{`property &#34;Value&#34; is missing`}},
		{name: "RDS: a list named by its items", method: "POST", path: "/", status: 200,
			body: "Action=ModifyDBThing&Version=2014-10-31&DBThingIdentifier=db1&VpcSecurityGroupIds.VpcSecurityGroupId.1=sg-1&AllocatedStorage=20"},
		{name: "RDS: an integer member that is not one", method: "POST", path: "/", status: 400,
			body: "Action=ModifyDBThing&Version=2014-10-31&DBThingIdentifier=db1&AllocatedStorage=lots", awsError: "ValidationError",
			contains: []string{`AllocatedStorage`, `integer`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var headers []string
			if tt.method == "POST" {
				headers = awsSDKHeaders()
			} else {
				headers = []string{"Authorization", awsSigV4}
			}
			resp := sendRequest(t, ts, tt.method, tt.path, "", tt.body, false, append(headers, tt.headers...)...)
			require.Equal(t, tt.status, resp.status, "body: %s", resp.body)
			for _, c := range tt.contains {
				require.Contains(t, string(resp.body), c)
			}
			if tt.awsError != "" {
				require.Equal(t, "text/xml", resp.header.Get("Content-Type"))
				var doc struct {
					XMLName xml.Name `xml:"ErrorResponse"`
					Type    string   `xml:"Error>Type"`
					Code    string   `xml:"Error>Code"`
					Message string   `xml:"Error>Message"`
					ID      string   `xml:"RequestId"`
				}
				require.NoError(t, xml.Unmarshal(resp.body, &doc), "body: %s", resp.body)
				require.Equal(t, []string{"Sender", tt.awsError}, []string{doc.Type, doc.Code})
				require.NotEmpty(t, doc.Message)
				require.Regexp(t, requestID, doc.ID)
			}
			if tt.result != "" {
				action := actionOf(tt.path + "&" + tt.body)
				require.Equal(t, []string{action + "Response", tt.result}, envelopeOf(t, resp.body))
				require.Equal(t, "text/xml", resp.header.Get("Content-Type"))
				require.Regexp(t, regexp.MustCompile(`<ResponseMetadata><RequestId>[0-9a-f-]{36}</RequestId></ResponseMetadata></`+action+`Response>$`), string(resp.body))
			}
		})
	}
}

// actionOf is the Action a query or form names.
func actionOf(s string) string {
	_, rest, _ := strings.Cut(s, "Action=")
	action, _, _ := strings.Cut(rest, "&")
	return action
}

// envelopeOf lists the names of an XML answer's first two elements: the root and its first child.
func envelopeOf(t *testing.T, body []byte) []string {
	t.Helper()
	dec := xml.NewDecoder(strings.NewReader(string(body)))
	var names []string
	for len(names) < 2 {
		tok, err := dec.Token()
		require.NoError(t, err, "body: %s", body)
		if se, ok := tok.(xml.StartElement); ok {
			names = append(names, se.Name.Local)
		}
	}
	return names
}

// TestDecodeAWSForm: the request bytes and the value they decode to, for each family's flattening.
func TestDecodeAWSForm(t *testing.T) {
	ec2, err := openapi.LoadFile(t.Context(), "testdata/aws-query-ec2.yaml")
	require.NoError(t, err)
	query, err := openapi.LoadFile(t.Context(), "testdata/aws-query.yaml")
	require.NoError(t, err)
	tests := []struct {
		name string
		api  *openapi.API
		key  string
		body string
		want any
		err  string
	}{
		{name: "EC2 lists and structures", api: ec2, key: "/#Action=DescribeInstances",
			body: "Action=DescribeInstances&Version=2016-11-15&InstanceId.2=i-2&InstanceId.1=i-1&Filter.1.Name=instance-type" +
				"&Filter.1.Value.1=t2.micro&Filter.1.Value.2=t3.micro&DryRun=true&MaxResults=5",
			want: map[string]any{"InstanceIds": []any{"i-1", "i-2"}, "DryRun": true, "MaxResults": float64(5),
				"Filters": []any{map[string]any{"Name": "instance-type", "Values": []any{"t2.micro", "t3.micro"}}}}},
		{name: "EC2 an empty list", api: ec2, key: "/#Action=DescribeInstances", body: "InstanceId=",
			want: map[string]any{"InstanceIds": []any{}}},
		{name: "SQS flattened map", api: query, key: "/#Action=SetQueueAttributes",
			body: "QueueUrl=q&Attribute.1.Name=DelaySeconds&Attribute.1.Value=5&Attribute.2.Name=Policy&Attribute.2.Value=%7B%7D",
			want: map[string]any{"QueueUrl": "q", "Attributes": map[string]any{"DelaySeconds": "5", "Policy": "{}"}}},
		{name: "SQS flattened list of named items", api: query, key: "/#Action=GetQueueAttributes",
			body: "QueueUrl=q&AttributeName.1=All", want: map[string]any{"QueueUrl": "q", "AttributeNames": []any{"All"}}},
		{name: "SQS flattened map whose wire name the document lost: Tags sent as Tag", api: query, key: "/#Action=TagQueue",
			body: "QueueUrl=q&Tag.1.Key=team&Tag.1.Value=web", want: map[string]any{"QueueUrl": "q", "Tags": map[string]any{"team": "web"}}},
		{name: "... and under its document name", api: query, key: "/#Action=TagQueue",
			body: "QueueUrl=q&Tags.1.Key=team&Tags.1.Value=web", want: map[string]any{"QueueUrl": "q", "Tags": map[string]any{"team": "web"}}},
		{name: "SNS .entry map and .member list", api: query, key: "/#Action=CreateTopic",
			body: "Name=n&Attributes.entry.1.key=DisplayName&Attributes.entry.1.value=N&Tags.member.1.Key=k&Tags.member.1.Value=v",
			want: map[string]any{"Name": "n", "Attributes": map[string]any{"DisplayName": "N"},
				"Tags": []any{map[string]any{"Key": "k", "Value": "v"}}}},
		{name: "RDS list named by its items", api: query, key: "/#Action=ModifyDBThing",
			body: "DBThingIdentifier=d&VpcSecurityGroupIds.VpcSecurityGroupId.2=sg-2&VpcSecurityGroupIds.VpcSecurityGroupId.1=sg-1",
			want: map[string]any{"DBThingIdentifier": "d", "VpcSecurityGroupIds": []any{"sg-1", "sg-2"}}},
		{name: "a key of empty parts", api: query, key: "/#Action=CreateTopic", body: "Tags..Key=k",
			err: `body property "Tags..Key" (style aws-query): an empty part between dots`},
		{name: "a list index beyond the limit", api: query, key: "/#Action=CreateTopic", body: "Tags.member.100001.Key=k",
			err: `Tags.member.100001`},
		{name: "too many dotted parts", api: query, key: "/#Action=CreateTopic", body: "Tags" + strings.Repeat(".1", 60) + "=k",
			err: `more than 48 dotted parts`},
		{name: "a scalar given twice", api: query, key: "/#Action=CreateTopic", body: "Name=a&Name=b",
			err: `body property "Name" (style aws-query): given 2 times; it takes one value (a string)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			op := tt.api.Doc.Paths.Value(tt.key).Post
			got, err := decodeAWSForm([]byte(tt.body), awsBodySchema(op.RequestBody.Value))
			if tt.err != "" {
				require.ErrorContains(t, err, tt.err)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.want, got)
		})
	}
}

// TestServeAWSQueryCorpus: SDK-shaped calls against APIs.guru's own EC2, SQS, SNS and IAM documents (skipped
// without the corpus).
func TestServeAWSQueryCorpus(t *testing.T) {
	dir := filepath.Join(corpus.APIsGuru(), "amazonaws.com")
	tests := []struct {
		file, body string
		result     string // the element that must follow the answer's root
	}{
		{file: "ec2.json", result: "requestId",
			body: "Action=DescribeInstances&Version=2016-11-15&InstanceId.1=i-123&Filter.1.Name=instance-type&Filter.1.Value.1=t2.micro"},
		{file: "sqs.json", result: "ResponseMetadata",
			body: "Action=SetQueueAttributes&Version=2012-11-05&QueueUrl=https%3A%2F%2Fsqs.us-east-1.amazonaws.com%2F1%2Fq&Attribute.1.Name=DelaySeconds&Attribute.1.Value=5"},
		{file: "sqs.json", result: "GetQueueAttributesResult",
			body: "Action=GetQueueAttributes&Version=2012-11-05&QueueUrl=https%3A%2F%2Fsqs.us-east-1.amazonaws.com%2F1%2Fq&AttributeName.1=All"},
		{file: "sqs.json", result: "ResponseMetadata",
			body: "Action=TagQueue&Version=2012-11-05&QueueUrl=https%3A%2F%2Fsqs.us-east-1.amazonaws.com%2F1%2Fq&Tag.1.Key=team&Tag.1.Value=web"},
		{file: "sns.json", result: "CreateTopicResult",
			body: "Action=CreateTopic&Version=2010-03-31&Name=news&Attributes.entry.1.key=DisplayName&Attributes.entry.1.value=News&Tags.member.1.Key=team&Tags.member.1.Value=web"},
		{file: "iam.json", result: "ResponseMetadata",
			body: "Action=TagUser&Version=2010-05-08&UserName=ana&Tags.member.1.Key=team&Tags.member.1.Value=web"},
		{file: "sts.json", result: "GetCallerIdentityResult", body: "Action=GetCallerIdentity&Version=2011-06-15"},
	}
	for _, tt := range tests {
		t.Run(tt.file+"/"+strings.SplitN(strings.TrimPrefix(tt.body, "Action="), "&", 2)[0], func(t *testing.T) {
			path := filepath.Join(dir, tt.file)
			if _, err := os.Stat(path); err != nil {
				t.Skipf("APIs.guru corpus not installed (%v); set STANDIN_CORPUS", err)
			}
			ts := awsQueryServer(t, path)
			resp := sendRequest(t, ts, "POST", "/", "", tt.body, false, awsSDKHeaders()...)
			require.Equal(t, 200, resp.status, "body: %s, reason: %s", resp.body, resp.header.Get(ReasonHeader))
			require.Equal(t, "text/xml", resp.header.Get("Content-Type"))
			names := envelopeOf(t, resp.body)
			action := actionOf(tt.body)
			require.Equal(t, []string{action + "Response", tt.result}, names)
		})
	}
}

// TestServeAWSQueryBodyLimit: the form body read before routing is bounded by MaxBody: a larger one still
// routes by the fields within the limit and is answered as too large, in AWS's error document; one whose
// Action lies past the limit names no operation.
func TestServeAWSQueryBodyLimit(t *testing.T) {
	api, err := openapi.LoadFile(t.Context(), "testdata/aws-query-ec2.yaml")
	require.NoError(t, err)
	ts, _ := engineServer(t, Config{MaxBody: 256}, []*openapi.API{api})
	var ids strings.Builder
	for i := range 40 {
		fmt.Fprintf(&ids, "&InstanceId.%d=i-0123456789abcdef0", i+1)
	}
	tests := []struct {
		name     string
		body     string
		status   int
		contains string
	}{
		{name: "within the limit", body: "Action=DescribeInstances&Version=2016-11-15&InstanceId.1=i-1", status: 200,
			contains: "<DescribeInstancesResponse"},
		{name: "past the limit: routed, then too large", body: "Action=DescribeInstances&Version=2016-11-15" + ids.String(), status: 413,
			contains: "<Code>RequestEntityTooLarge</Code>"},
		{name: "the Action past the limit", body: strings.TrimPrefix(ids.String(), "&") + "&Action=DescribeInstances&Version=2016-11-15",
			status: 400, contains: "Action is required"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := sendRequest(t, ts, "POST", "/", "", tt.body, false, awsSDKHeaders()...)
			require.Equal(t, tt.status, resp.status, "body: %s", resp.body)
			require.Contains(t, string(resp.body), tt.contains)
		})
	}
}

// FuzzDecodeAWSForm: any form body decodes into the schemas of the EC2-like and the query-protocol test
// documents, or fails with a DecodeError naming a key, without panicking.
func FuzzDecodeAWSForm(f *testing.F) {
	ec2, err := openapi.LoadFile(f.Context(), "testdata/aws-query-ec2.yaml")
	require.NoError(f, err)
	query, err := openapi.LoadFile(f.Context(), "testdata/aws-query.yaml")
	require.NoError(f, err)
	schemas := []*openapi3.SchemaRef{
		awsBodySchema(ec2.Doc.Paths.Value("/#Action=DescribeInstances").Post.RequestBody.Value),
		awsBodySchema(query.Doc.Paths.Value("/#Action=SetQueueAttributes").Post.RequestBody.Value),
		awsBodySchema(query.Doc.Paths.Value("/#Action=CreateTopic").Post.RequestBody.Value),
	}
	for _, seed := range []string{"InstanceId.1=i-1&Filter.1.Name=n&Filter.1.Value.1=v", "Attribute.1.Name=k&Attribute.1.Value=v",
		"Attributes.entry.1.key=k&Attributes.entry.1.value=v&Tags.member.1.Key=k", "Filter.1=x", "Tags..Key=%zz", "Filter.99999.Value.2.x=1"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, body string) {
		for _, s := range schemas {
			_, err := decodeAWSForm([]byte(body), s)
			var de *DecodeError
			if err != nil && !errors.As(err, &de) {
				require.Contains(t, err.Error(), "the form body does not decode")
			}
		}
	})
}
