package openapi

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/require"
)

const (
	cinnoxPeriod  = "startAt=2022-11-07T00:00:00.000Z&endAt=2022-11-08T00:00:00.000Z"
	cinnoxEnquiry = "/v1/api/apps/app1/data/enquiry-detail"
	cinnoxLabels  = "/v1/api/apps/app1/labels"
	cinnoxLabel   = "/v1/api/apps/app1/inquiries/inq1/labels"
)

func cinnoxTarget(path string) string {
	target := strings.NewReplacer("{appID}", "app1", "{inquiryID}", "inq1").Replace(path)
	if strings.HasSuffix(path, "/data/enquiry-detail") {
		target += "?" + cinnoxPeriod
	}
	return target
}

// cinnoxRecord is a realistic enquiry record with every documented field.
const cinnoxRecord = `{
  "_id": "6369b3f0c2a4e1a9d1f0a001",
  "uniqueKey": "6369b3f0c2a4e1a9d1f0a001-1667779200000",
  "createdAt": "2022-11-07T00:00:00.000Z",
  "svcID": "svc-3f2a9c1e",
  "inquiry": "6369b3f0c2a4e1a9d1f0a0aa",
  "tag": "tag-5b7e01",
  "visitor": "visitor-88c1d2",
  "roomID": "room-1c9e77f0",
  "initChannel": "IM",
  "omniType": "CINNOX",
  "ip": "203.0.113.24",
  "language": "en:English",
  "location": "VE",
  "locationDetail": {"regionCode": "VE-A", "subdivision": "Distrito Capital", "city": "Caracas", "province": "Distrito Capital"},
  "platform": "Chrome 118 on Windows 10",
  "status": "followed-up",
  "displayCaseNumber": "100234",
  "channel": "WHATSAPP",
  "destinationID": "198.51.100.7",
  "destinationName": "Customer Support",
  "destinationType": "CHATBOT",
  "destinationEndPoint": "CHATBOT",
  "handledType": "Staff",
  "handledTarget": "eid-4410",
  "handledPartyName": "Maria Lopez",
  "huntedStaffTargetHistory": "eid-4410,eid-4411",
  "type": "whatsapp",
  "id": "channel-0192",
  "maaiiDisplayName": "WhatsApp support",
  "name": "Acme WhatsApp",
  "inquiryType": "normal",
  "updatedAt": "2022-11-07T00:25:10.000Z",
  "closedAt": "",
  "inquiryGroup": "",
  "transferredParty": [{"destinationName": "Billing", "destinationType": "STAFF"}],
  "pickedUpAt": "2022-11-07T00:01:05.000Z",
  "missedAt": "",
  "reopenedAt": "",
  "handledPartyDepartmentID": "dept-07",
  "attachment": false,
  "staffFirstName": "Maria",
  "staffLastName": "Lopez",
  "visitorFirstName": "Carlos",
  "visitorLastName": "Pérez",
  "inquiryDeepLink": "https://example.cinnox.com/inbox/enquiry/100234",
  "duration": 1440000,
  "closeDuration": 0,
  "labelIDs": ["label-01"]
}`

// withField returns cinnoxRecord with one top-level field replaced by raw JSON.
func withField(t *testing.T, field, raw string) string {
	t.Helper()
	var rec map[string]json.RawMessage
	require.NoError(t, json.Unmarshal([]byte(cinnoxRecord), &rec))
	rec[field] = json.RawMessage(raw)
	out, err := json.Marshal(rec)
	require.NoError(t, err)
	return string(out)
}

func TestCinnoxSpecShape(t *testing.T) {
	api := loadSpec(t, "cinnox")
	doc := api.Doc
	require.Equal(t, "3.0.3", doc.OpenAPI)
	require.Equal(t, "https://examplebaseurl.com", doc.Servers[0].URL)
	scheme := doc.Components.SecuritySchemes["AppToken"]
	require.NotNil(t, scheme)
	require.Equal(t, "http", scheme.Value.Type)
	require.Equal(t, "bearer", scheme.Value.Scheme)

	// The record keeps the 48 top-level fields of the response table, in table order.
	want := []string{"_id", "uniqueKey", "createdAt", "svcID", "inquiry", "tag", "visitor", "roomID",
		"initChannel", "omniType", "ip", "language", "location", "locationDetail", "platform", "status",
		"displayCaseNumber", "channel", "destinationID", "destinationName", "destinationType",
		"destinationEndPoint", "handledType", "handledTarget", "handledPartyName", "huntedStaffTargetHistory",
		"type", "id", "maaiiDisplayName", "name", "inquiryType", "updatedAt", "closedAt", "inquiryGroup",
		"transferredParty", "pickedUpAt", "missedAt", "reopenedAt", "handledPartyDepartmentID", "attachment",
		"staffFirstName", "staffLastName", "visitorFirstName", "visitorLastName", "inquiryDeepLink", "duration",
		"closeDuration", "labelIDs"}
	require.Len(t, want, 48)
	rec := doc.Components.Schemas["EnquiryRecord"].Value
	require.Len(t, rec.Properties, 48)
	for _, name := range want {
		require.Contains(t, rec.Properties, name)
	}
	yml, err := Source("cinnox") // the YAML as written (api.Source is the JSON twin Load reads)
	require.NoError(t, err)
	require.Equal(t, want, propertyOrder(t, yml, "EnquiryRecord"))
	loc := rec.Properties["locationDetail"].Value
	require.ElementsMatch(t, []string{"regionCode", "subdivision", "city", "province"}, keys(loc.Properties))

	enums := map[string][]any{
		"initChannel":         {"IM", "CALL"},
		"omniType":            {"CINNOX"},
		"status":              {"ongoing", "followed-up", "missed", "closed"},
		"channel":             {"Weblink", "VirtualNumber", "Email", "ThirdParty", "FACEBOOK", "WHATSAPP", "WECHAT", "LINE", "WOZTELL"},
		"destinationType":     {"PHONE", "STAFF", "TRUNK", "CHATBOT"},
		"destinationEndPoint": {"STAFF", "CHATBOT", "IVR"},
	}
	for name, values := range enums {
		require.Equal(t, values, rec.Properties[name].Value.Enum, name)
	}
	require.True(t, rec.Properties["labelIDs"].Value.Nullable)
	require.Nil(t, rec.Properties["inquiryType"].Value.Enum, "the doc's inquiryType sentence is truncated")
}

// propertyOrder returns the property names of a component schema in the order the YAML source lists them.
func propertyOrder(t *testing.T, source []byte, schema string) []string {
	t.Helper()
	lines := strings.Split(string(source), "\n")
	var names []string
	in, props := false, false
	for _, line := range lines {
		switch {
		case line == "    "+schema+":":
			in = true
		case in && !props && line == "      properties:":
			props = true
		case in && props && strings.HasPrefix(line, "        ") && !strings.HasPrefix(line, "         "):
			names = append(names, strings.TrimSuffix(strings.TrimSpace(line), ":"))
		case in && props && line != "" && !strings.HasPrefix(line, "        "):
			return names
		}
	}
	return names
}

func keys(m openapi3.Schemas) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestCinnoxValidationMessages(t *testing.T) {
	api := loadSpec(t, "cinnox")
	v, ok := api.Ext.Errors["validation"]
	require.True(t, ok)
	require.Equal(t, 400, v.Status)
	require.Equal(t, "Bad query", v.Message)
	require.Equal(t, map[string]any{"code": float64(6451000), "message": "$message"}, normalizeJSON(t, v.Body))

	// Per-parameter overrides reproduce the doc's 6451000 messages.
	tests := []struct {
		op, param string
		want      map[string]any
	}{
		{"getEnquiryDetail", "startAt", map[string]any{"required": "missing one of startAt, endAt"}},
		{"getEnquiryDetail", "endAt", map[string]any{"required": "missing one of startAt, endAt"}},
		{"getEnquiryDetail", "offset", map[string]any{"minimum": "negative offset"}},
		{"getEnquiryDetail", "limit", map[string]any{"minimum": "negative limit", "maximum": "exceed maximum limit {maximum}"}},
		{"getLabelList", "offset", map[string]any{"minimum": "negative offset"}},
		{"getLabelList", "limit", map[string]any{"minimum": "negative limit", "maximum": "exceed maximum limit {maximum}"}},
	}
	for _, tt := range tests {
		t.Run(tt.op+"/"+tt.param, func(t *testing.T) {
			op := api.Operation(tt.op)
			require.NotNil(t, op)
			p := op.Op.Parameters.GetByInAndName("query", tt.param)
			require.NotNil(t, p)
			require.Equal(t, tt.want, normalizeJSON(t, p.Extensions["x-standin-messages"]))
		})
	}

	for kind, code := range map[string]float64{"rateLimited": 6451010, "internal": 6451001, "methodNotAllowed": 6450001} {
		shape, ok := api.Ext.Errors[kind]
		require.True(t, ok, kind)
		require.Equal(t, code, normalizeJSON(t, shape.Body).(map[string]any)["code"], kind)
	}
}

// normalizeJSON round-trips v through encoding/json so maps and numbers compare uniformly.
func normalizeJSON(t *testing.T, v any) any {
	t.Helper()
	raw, err := json.Marshal(v)
	require.NoError(t, err)
	var out any
	require.NoError(t, json.Unmarshal(raw, &out))
	return out
}

func TestCinnoxExamplesValidate(t *testing.T) {
	api := loadSpec(t, "cinnox")
	auth := http.Header{"Authorization": {"Bearer AppToken"}, "Content-Type": {"application/json"}}

	t.Run("realistic record", func(t *testing.T) {
		require.NoError(t, validateResponse(t, api, http.MethodGet, cinnoxEnquiry+"?"+cinnoxPeriod, 200,
			jsonHeader(), "["+cinnoxRecord+"]"))
	})
	t.Run("label enquiry example", func(t *testing.T) {
		require.NoError(t, validateRequest(t, api, http.MethodPost, cinnoxLabel, auth, `{"labelIds":["label-01","label-07"]}`))
	})

	cases := responseExamples(t, api.Doc, cinnoxTarget)
	require.GreaterOrEqual(t, len(cases), 3*4)
	for _, c := range cases {
		t.Run("response/"+c.name, func(t *testing.T) {
			require.NoError(t, validateResponse(t, api, c.method, c.target, c.status, c.header, c.body))
		})
	}
}

func TestCinnoxRejectsBrokenConstraints(t *testing.T) {
	api := loadSpec(t, "cinnox")
	auth := http.Header{"Authorization": {"Bearer AppToken"}, "Content-Type": {"application/json"}}
	tests := []struct {
		name    string
		method  string
		target  string
		body    string
		wantErr bool
	}{
		{"enquiry period only", http.MethodGet, cinnoxEnquiry + "?" + cinnoxPeriod, "", false},
		{"enquiry limit 500", http.MethodGet, cinnoxEnquiry + "?" + cinnoxPeriod + "&limit=500", "", false},
		{"enquiry limit 501", http.MethodGet, cinnoxEnquiry + "?" + cinnoxPeriod + "&limit=501", "", true},
		{"enquiry limit -1", http.MethodGet, cinnoxEnquiry + "?" + cinnoxPeriod + "&limit=-1", "", true},
		{"enquiry limit 0", http.MethodGet, cinnoxEnquiry + "?" + cinnoxPeriod + "&limit=0", "", false},
		{"enquiry offset -1", http.MethodGet, cinnoxEnquiry + "?" + cinnoxPeriod + "&offset=-1", "", true},
		{"enquiry offset 0", http.MethodGet, cinnoxEnquiry + "?" + cinnoxPeriod + "&offset=0", "", false},
		{"enquiry offset not integer", http.MethodGet, cinnoxEnquiry + "?" + cinnoxPeriod + "&offset=abc", "", true},
		{"enquiry offset beyond int32", http.MethodGet, cinnoxEnquiry + "?" + cinnoxPeriod + "&offset=2147483648", "", true},
		{"enquiry startAt missing", http.MethodGet, cinnoxEnquiry + "?endAt=2022-11-08T00:00:00.000Z", "", true},
		{"enquiry endAt missing", http.MethodGet, cinnoxEnquiry + "?startAt=2022-11-07T00:00:00.000Z", "", true},
		{"enquiry startAt not a date-time", http.MethodGet, cinnoxEnquiry + "?startAt=yesterday&endAt=2022-11-08T00:00:00.000Z", "", true},
		{"enquiry endAt a bare date", http.MethodGet, cinnoxEnquiry + "?startAt=2022-11-07T00:00:00.000Z&endAt=2022-11-08", "", true},
		{"enquiry channel filter", http.MethodGet, cinnoxEnquiry + "?" + cinnoxPeriod + "&channel=Weblink", "", false},
		{"enquiry labelIds filter", http.MethodGet, cinnoxEnquiry + "?" + cinnoxPeriod + "&labelIds=label-01&labelIds=label-07", "", false},

		{"labels no query", http.MethodGet, cinnoxLabels, "", false},
		{"labels every query", http.MethodGet, cinnoxLabels + "?offset=0&limit=50&id=label-01&name=VIP", "", false},
		{"labels limit 500", http.MethodGet, cinnoxLabels + "?limit=500", "", false},
		{"labels limit 501", http.MethodGet, cinnoxLabels + "?limit=501", "", true},
		{"labels limit -1", http.MethodGet, cinnoxLabels + "?limit=-1", "", true},
		{"labels offset -1", http.MethodGet, cinnoxLabels + "?offset=-1", "", true},
		{"labels limit not integer", http.MethodGet, cinnoxLabels + "?limit=1.5", "", true},

		{"label with ids", http.MethodPost, cinnoxLabel, `{"labelIds":["label-01"]}`, false},
		{"label with empty list", http.MethodPost, cinnoxLabel, `{"labelIds":[]}`, false},
		{"label without labelIds", http.MethodPost, cinnoxLabel, `{}`, true},
		{"label labelIds not an array", http.MethodPost, cinnoxLabel, `{"labelIds":"label-01"}`, true},
		{"label labelIds of numbers", http.MethodPost, cinnoxLabel, `{"labelIds":[1]}`, true},
		{"label labelIds null", http.MethodPost, cinnoxLabel, `{"labelIds":null}`, true},
		{"label without body", http.MethodPost, cinnoxLabel, ``, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := validateRequest(t, api, tt.method, tt.target, auth, tt.body)
			if tt.wantErr {
				require.Error(t, err)
				return
			}
			require.NoError(t, err)
		})
	}
}

func TestCinnoxResponseConstraints(t *testing.T) {
	api := loadSpec(t, "cinnox")
	enquiry := cinnoxEnquiry + "?" + cinnoxPeriod
	tests := []struct {
		name    string
		target  string
		status  int
		body    string
		wantErr bool
	}{
		{"record labelIDs null", enquiry, 200, "[" + withField(t, "labelIDs", "null") + "]", false},
		{"record labelIDs not strings", enquiry, 200, "[" + withField(t, "labelIDs", "[1]") + "]", true},
		{"record without optional fields", enquiry, 200, `[{"_id":"a"}]`, false},
		{"record status outside enum", enquiry, 200, "[" + withField(t, "status", `"open"`) + "]", true},
		{"record channel outside enum", enquiry, 200, "[" + withField(t, "channel", `"SMS"`) + "]", true},
		{"record initChannel outside enum", enquiry, 200, "[" + withField(t, "initChannel", `"EMAIL"`) + "]", true},
		{"record omniType outside enum", enquiry, 200, "[" + withField(t, "omniType", `"OTHER"`) + "]", true},
		{"record destinationType outside enum", enquiry, 200, "[" + withField(t, "destinationType", `"IVR"`) + "]", true},
		{"record destinationEndPoint outside enum", enquiry, 200, "[" + withField(t, "destinationEndPoint", `"PHONE"`) + "]", true},
		{"record attachment not boolean", enquiry, 200, "[" + withField(t, "attachment", `"true"`) + "]", true},
		{"record duration not a number", enquiry, 200, "[" + withField(t, "duration", `"1000"`) + "]", true},
		{"record duration fractional", enquiry, 200, "[" + withField(t, "duration", `1000.5`) + "]", false},
		{"record createdAt not RFC3339", enquiry, 200, "[" + withField(t, "createdAt", `"07/11/2022"`) + "]", true},
		{"record transferredParty not objects", enquiry, 200, "[" + withField(t, "transferredParty", `["x"]`) + "]", true},
		{"record locationDetail city not string", enquiry, 200, "[" + withField(t, "locationDetail", `{"city":1}`) + "]", true},
		{"body wrapped in an object", enquiry, 200, `{"code":0,"data":[]}`, true},
		{"400 doc message", enquiry, 400, `{"code":6451000,"message":"exceed maximum limit 500"}`, false},
		{"400 code not integer", enquiry, 400, `{"code":"6451000","message":"Bad query"}`, true},
		{"label list", cinnoxLabels, 200, `{"code":0,"labelList":[{"id":"l1","name":"VIP"}]}`, false},
		{"label list not a list", cinnoxLabels, 200, `{"code":0,"labelList":{"id":"l1"}}`, true},
		{"label list 400 code only", cinnoxLabels, 400, `{"code":0}`, false},
		{"label result", cinnoxLabel, 200, `{"code":0,"notExistLabelIds":[],"labelIds":["l1"],"updatedAt":"2022-11-07T02:00:00.000Z"}`, false},
		{"label result ids not strings", cinnoxLabel, 200, `{"code":0,"notExistLabelIds":[],"labelIds":[1]}`, true},
		{"429 throttle code", cinnoxLabels, 429, `{"code":6451010,"message":"Too many requests"}`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			method := http.MethodGet
			if tt.target == cinnoxLabel {
				method = http.MethodPost
			}
			err := validateResponse(t, api, method, tt.target, tt.status, jsonHeader(), tt.body)
			if tt.wantErr {
				require.Error(t, err)
				return
			}
			require.NoError(t, err)
		})
	}
}
