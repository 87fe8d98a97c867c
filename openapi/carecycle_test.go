package openapi

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"
)

// ccUUID is the uuid pattern the careCycle docs print (vendor-notes §5.1).
const ccUUID = `^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-8][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}|00000000-0000-0000-0000-000000000000|ffffffff-ffff-ffff-ffff-ffffffffffff)$`

const (
	ccInquiryID  = "497f6eca-6276-4993-bfeb-53cbbbba6f08"
	ccAssignPath = "/v2/inquiries/" + ccInquiryID + "/assign"
	ccStatusPath = "/v2/customers/campaign-status"
	ccConfigPath = "/v2/campaigns/appointment-configs"
)

func ccHeader() http.Header {
	return http.Header{"X-Api-Key": {"cc_test"}, "Content-Type": {"application/json"}}
}

// ccStatusBody is the curl body of the campaign-status page with status replaced.
func ccStatusBody(status string) string {
	return `{"customerId":"87d8e330-2878-4742-a86f-dbbb3bf522ac","campaignId":"13f8bf6d-dc27-4a04-bffe-6e5b13c19ddf","status":"` +
		status + `"}`
}

// ccHours is a create body holding one bookingHours item built from fields.
func ccHours(fields string) string {
	return `{"bookingHours":[{` + fields + `}]}`
}

// Verbatim response bodies of the careCycle pages (seeds 000, 001, 002).
const (
	ccDocInquiry = `{
"id": "497f6eca-6276-4993-bfeb-53cbbbba6f08",
"createdAt": null,
"updatedAt": null,
"customerCampaignId": "36ca8d1d-3d3d-48cf-bd1f-a796d8849d75",
"callId": "4722cd84-0ec7-4ef5-8c34-1b0150f45f53",
"toolCallId": "string",
"inquiry": "string",
"response": "string",
"status": "new",
"primaryCategory": "string",
"subcategory": "string",
"severity": "string",
"severityTriggers": "string",
"suggestedHandling": "string",
"handlingRationale": "string",
"reasoning": "string",
"escalationApplied": true,
"additionalConcerns": "string",
"resolutionType": "string",
"notes": "string",
"resolvedAt": null,
"resolvedBy": "14b2aa2a-efb0-4ef1-9ffc-3025efbd2222",
"assignedTo": "7869c1a9-a680-4086-b6f5-9e78a651f6f2",
"callbackRequestedAt": null,
"callbackRequestedBy": "a5a1af4e-f2c6-48c6-8e69-0acc13906fed",
"callbackWorkflowId": "58c68a9f-1923-4a5a-b69b-88032c446b85",
"callbackCompletedAt": null,
"callbackCallId": "3ff5b170-21ec-4fdb-9d07-d18865ce54a5",
"callbackDisposition": "string",
"callbackFailureReason": "string"
}`
	ccDocCampaignStatus = `{
  "success": true,
  "previousStatus": "string",
  "newStatus": "string",
  "customerCampaignId": "36ca8d1d-3d3d-48cf-bd1f-a796d8849d75"
}`
	ccDocAppointmentConfig = `{
"appointmentConfig": {
"id": "497f6eca-6276-4993-bfeb-53cbbbba6f08",
"createdAt": null,
"updatedAt": null,
"clientId": "5e505642-9024-474d-9434-e5a44f505cc5",
"name": "string",
"description": "string",
"concurrentLimit": -2147483648,
"appointmentLength": -2147483648,
"appointmentSpacing": -2147483648,
"maxOptions": -2147483648,
"minDate": "string",
"maxDate": "string",
"minHours": -2147483648,
"preferredMode": "timezone",
"appointmentMode": "phone_call",
"showCallerIdOnBookingPage": true,
"assignmentMode": "customer_agent",
"routingConfigId": "b6e138dd-eba1-4cd6-85c1-31882f4d70e7",
"transferConfigId": "e0ca1204-c276-46be-8cf8-5259ed04eb66",
"workflows": [
{
"id": "497f6eca-6276-4993-bfeb-53cbbbba6f08",
"name": "string",
"enabled": true,
"trigger": {
"anchor": "event_starts",
"offsetMinutes": -9007199254740991
},
"condition": {
"kind": "appointment_status",
"statuses": [
"scheduled"
]
},
"action": {
"type": "sms",
"senderId": "string",
"template": "string"
}
}
],
"bookingHours": [
{
"startHour": 23,
"startMinute": 59,
"endHour": 24,
"endMinute": 59,
"dayOfWeek": [
6
]
}
],
"createdBy": "25a02396-1048-48f9-bf93-102d2fb7895e",
"updatedBy": "b0efe45f-0520-4e21-90f0-7e35f137732e",
"assignedCampaignCount": 0,
"assignedTransferConfigCount": 0
}
}`
	ccDocError           = `{"message": "string", "code": "string"}`
	ccDocValidationError = `{
  "message": "string",
  "code": "VALIDATION_ERROR",
  "errors": [
    {
      "path": [
        "string"
      ],
      "message": "string",
      "expected": "string",
      "received": "string",
      "code": "string"
    }
  ]
}`
	ccDocConfigValidationError = `{
"message": "string",
"code": "VALIDATION_ERROR",
"errors": [
{
"path": [
"string"
],
"message": "string",
"expected": "string",
"received": "string",
"code": "string"
}
],
"failedRecords": [
{
"index": 0,
"phoneNumber": "string",
"firstName": "string",
"lastName": "string",
"externalId": "string"
}
]
}`
	ccDocRateLimit         = `{"message": "string", "code": "string", "retryAfter": 0}`
	ccDocOverviewRateLimit = `{"message":"Rate limit exceeded","code":"RATE_LIMIT_EXCEEDED","retryAfter":60}`
)

// TestCarecycleDocBodies validates the docs' own request and response bodies, typed in verbatim.
func TestCarecycleDocBodies(t *testing.T) {
	api := loadSpec(t, "carecycle")
	t.Run("requests", func(t *testing.T) {
		tests := []struct {
			name, method, target, body string
		}{
			{"assign curl body", http.MethodPatch, ccAssignPath, `{}`},
			{"campaign-status curl body", http.MethodPatch, ccStatusPath, `{    "customerId": "87d8e330-2878-4742-a86f-dbbb3bf522ac",    "campaignId": "13f8bf6d-dc27-4a04-bffe-6e5b13c19ddf",    "status": "pending"  }`},
			{"create config curl body", http.MethodPost, ccConfigPath, `{}`},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				require.NoError(t, validateRequest(t, api, tt.method, tt.target, ccHeader(), tt.body))
			})
		}
	})
	t.Run("responses", func(t *testing.T) {
		tests := []struct {
			name, method, target string
			status               int
			body                 string
		}{
			{"assign 200 inquiry", http.MethodPatch, ccAssignPath, 200, ccDocInquiry},
			{"campaign-status 200", http.MethodPatch, ccStatusPath, 200, ccDocCampaignStatus},
			{"create config 201", http.MethodPost, ccConfigPath, 201, ccDocAppointmentConfig},
			{"assign 422", http.MethodPatch, ccAssignPath, 422, ccDocValidationError},
			{"campaign-status 422", http.MethodPatch, ccStatusPath, 422, ccDocValidationError},
			{"create config 422 with failedRecords", http.MethodPost, ccConfigPath, 422, ccDocConfigValidationError},
			{"create config 422 without failedRecords", http.MethodPost, ccConfigPath, 422, ccDocValidationError},
			{"assign 429", http.MethodPatch, ccAssignPath, 429, ccDocRateLimit},
			{"assign 429 overview example", http.MethodPatch, ccAssignPath, 429, ccDocOverviewRateLimit},
			{"create config 429 overview example", http.MethodPost, ccConfigPath, 429, ccDocOverviewRateLimit},
		}
		for _, status := range []int{400, 401, 403, 404, 500} {
			for _, op := range []struct{ method, target string }{
				{http.MethodPatch, ccAssignPath}, {http.MethodPatch, ccStatusPath}, {http.MethodPost, ccConfigPath},
			} {
				tests = append(tests, struct {
					name, method, target string
					status               int
					body                 string
				}{fmt.Sprintf("%s %s %d", op.method, op.target, status), op.method, op.target, status, ccDocError})
			}
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				require.NoError(t, validateResponse(t, api, tt.method, tt.target, tt.status, nil, tt.body))
			})
		}
	})
	t.Run("bodies that break the response schema are rejected", func(t *testing.T) {
		tests := []struct {
			name, method, target string
			status               int
			body                 string
		}{
			{"inquiry id not a uuid", http.MethodPatch, ccAssignPath, 200,
				strings.Replace(ccDocInquiry, `"id": "497f6eca-6276-4993-bfeb-53cbbbba6f08"`, `"id": "x"`, 1)},
			{"inquiry field missing", http.MethodPatch, ccAssignPath, 200,
				strings.Replace(ccDocInquiry, `"notes": "string",`, ``, 1)},
			{"config int outside int32", http.MethodPost, ccConfigPath, 201,
				strings.Replace(ccDocAppointmentConfig, `"maxOptions": -2147483648`, `"maxOptions": -2147483649`, 1)},
			{"422 code not VALIDATION_ERROR", http.MethodPatch, ccAssignPath, 422,
				strings.Replace(ccDocValidationError, `"VALIDATION_ERROR"`, `"OTHER"`, 1)},
			{"failedRecords item wrong type", http.MethodPost, ccConfigPath, 422,
				strings.Replace(ccDocConfigValidationError, `"index": 0`, `"index": "0"`, 1)},
			{"retryAfter not integer", http.MethodPatch, ccAssignPath, 429, `{"message":"m","code":"c","retryAfter":"60"}`},
			{"error without code", http.MethodPatch, ccAssignPath, 401, `{"message":"m"}`},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				require.Error(t, validateResponse(t, api, tt.method, tt.target, tt.status, nil, tt.body))
			})
		}
	})
}

// ccTarget fills every path parameter of op with a uuid.
func ccTarget(path string) string {
	return regexp.MustCompile(`\{[^}]+\}`).ReplaceAllString(path, ccInquiryID)
}

// TestCarecycleSpecExamples validates every example in the spec through the request and response validators.
func TestCarecycleSpecExamples(t *testing.T) {
	api := loadSpec(t, "carecycle")
	var responses, requests int
	for _, op := range api.Operations {
		target := ccTarget(op.Path)
		if rb := op.Op.RequestBody; rb != nil {
			for mt, media := range rb.Value.Content {
				for name, ex := range media.Examples {
					requests++
					t.Run(fmt.Sprintf("%s request %s %s", op.ID, mt, name), func(t *testing.T) {
						body, err := json.Marshal(ex.Value.Value)
						require.NoError(t, err)
						h := ccHeader()
						h.Set("Content-Type", mt)
						require.NoError(t, validateRequest(t, api, op.Method, target, h, string(body)))
					})
				}
			}
		}
		for _, status := range op.Statuses {
			resp := op.Response(status)
			require.NotNil(t, resp)
			header := http.Header{}
			for name, h := range resp.Headers {
				if h.Value.Example != nil {
					header.Set(name, fmt.Sprint(h.Value.Example))
				}
			}
			for mt, media := range resp.Content {
				require.NotEmpty(t, media.Examples, "%s %d %s has examples", op.ID, status, mt)
				for name, ex := range media.Examples {
					responses++
					t.Run(fmt.Sprintf("%s %d %s", op.ID, status, name), func(t *testing.T) {
						body, err := json.Marshal(ex.Value.Value)
						require.NoError(t, err)
						h := header.Clone()
						h.Set("Content-Type", mt)
						require.NoError(t, validateResponse(t, api, op.Method, target, status, h, string(body)))
					})
				}
			}
		}
	}
	require.Equal(t, 7, requests, "request examples walked")
	require.Equal(t, 5*7*2+2+2+2+1+1, responses, "response examples walked")
}

// TestCarecycleRequestConstraints breaks each constraint the docs state, one row each, next to a valid counterpart.
func TestCarecycleRequestConstraints(t *testing.T) {
	api := loadSpec(t, "carecycle")
	const bad = "not-a-uuid"
	tests := []struct {
		name, method, target, body string
		wantErr                    bool
	}{
		// assign
		{"path id not uuid", http.MethodPatch, "/v2/inquiries/" + bad + "/assign", `{}`, true},
		{"path id nil uuid", http.MethodPatch, "/v2/inquiries/00000000-0000-0000-0000-000000000000/assign", `{}`, false},
		{"assignedTo not uuid", http.MethodPatch, ccAssignPath, `{"assignedTo":"` + bad + `"}`, true},
		{"assignedTo wrong type", http.MethodPatch, ccAssignPath, `{"assignedTo":42}`, true},
		{"assignedTo uuid", http.MethodPatch, ccAssignPath, `{"assignedTo":"7869c1a9-a680-4086-b6f5-9e78a651f6f2"}`, false},
		{"assignedTo null unassigns", http.MethodPatch, ccAssignPath, `{"assignedTo":null}`, false},
		{"assign body array", http.MethodPatch, ccAssignPath, `[]`, true},
		{"assign body missing", http.MethodPatch, ccAssignPath, ``, true},
		// campaign status
		{"status outside the nine", http.MethodPatch, ccStatusPath, ccStatusBody("done"), true},
		{"status completed", http.MethodPatch, ccStatusPath, ccStatusBody("completed"), false},
		{"status failed", http.MethodPatch, ccStatusPath, ccStatusBody("failed"), false},
		{"status exceeded_max_calls (server-side rule only)", http.MethodPatch, ccStatusPath, ccStatusBody("exceeded_max_calls"), false},
		{"missing customerId", http.MethodPatch, ccStatusPath, `{"campaignId":"13f8bf6d-dc27-4a04-bffe-6e5b13c19ddf","status":"completed"}`, true},
		{"missing campaignId", http.MethodPatch, ccStatusPath, `{"customerId":"87d8e330-2878-4742-a86f-dbbb3bf522ac","status":"completed"}`, true},
		{"missing status", http.MethodPatch, ccStatusPath, `{"customerId":"87d8e330-2878-4742-a86f-dbbb3bf522ac","campaignId":"13f8bf6d-dc27-4a04-bffe-6e5b13c19ddf"}`, true},
		{"customerId not uuid", http.MethodPatch, ccStatusPath, `{"customerId":"` + bad + `","campaignId":"13f8bf6d-dc27-4a04-bffe-6e5b13c19ddf","status":"completed"}`, true},
		{"campaignId not uuid", http.MethodPatch, ccStatusPath, `{"customerId":"87d8e330-2878-4742-a86f-dbbb3bf522ac","campaignId":"` + bad + `","status":"completed"}`, true},
		{"campaign-status body array", http.MethodPatch, ccStatusPath, `[]`, true},
		{"campaign-status body missing", http.MethodPatch, ccStatusPath, ``, true},
		// create appointment config: booking hours
		{"startHour 24", http.MethodPost, ccConfigPath, ccHours(`"startHour":24`), true},
		{"startHour -1", http.MethodPost, ccConfigPath, ccHours(`"startHour":-1`), true},
		{"startHour 23", http.MethodPost, ccConfigPath, ccHours(`"startHour":23`), false},
		{"startHour 0", http.MethodPost, ccConfigPath, ccHours(`"startHour":0`), false},
		{"endHour 25", http.MethodPost, ccConfigPath, ccHours(`"endHour":25`), true},
		{"endHour 24", http.MethodPost, ccConfigPath, ccHours(`"endHour":24`), false},
		{"startMinute 60", http.MethodPost, ccConfigPath, ccHours(`"startMinute":60`), true},
		{"startMinute 59", http.MethodPost, ccConfigPath, ccHours(`"startMinute":59`), false},
		{"endMinute 60", http.MethodPost, ccConfigPath, ccHours(`"endMinute":60`), true},
		{"endMinute 59", http.MethodPost, ccConfigPath, ccHours(`"endMinute":59`), false},
		{"dayOfWeek empty", http.MethodPost, ccConfigPath, ccHours(`"dayOfWeek":[]`), true},
		{"dayOfWeek 7", http.MethodPost, ccConfigPath, ccHours(`"dayOfWeek":[7]`), true},
		{"dayOfWeek 0 and 6", http.MethodPost, ccConfigPath, ccHours(`"dayOfWeek":[0,6]`), false},
		{"full booking hours", http.MethodPost, ccConfigPath,
			ccHours(`"startHour":9,"endHour":17,"dayOfWeek":[1,2,3,4,5],"startMinute":0,"endMinute":30`), false},
		// create appointment config: top level
		{"name empty", http.MethodPost, ccConfigPath, `{"name":""}`, true},
		{"name one character", http.MethodPost, ccConfigPath, `{"name":"a"}`, false},
		{"description null", http.MethodPost, ccConfigPath, `{"description":null}`, false},
		{"minDate longer than 10", http.MethodPost, ccConfigPath, `{"minDate":"2026-03-01T00"}`, true},
		{"minDate 10 characters", http.MethodPost, ccConfigPath, `{"minDate":"2026-03-01"}`, false},
		{"minDate null", http.MethodPost, ccConfigPath, `{"minDate":null}`, false},
		{"maxDate longer than 10", http.MethodPost, ccConfigPath, `{"maxDate":"2026-03-01T00"}`, true},
		{"minHours null", http.MethodPost, ccConfigPath, `{"minHours":null}`, false},
		{"minHours fractional", http.MethodPost, ccConfigPath, `{"minHours":1.5}`, true},
		{"preferredMode outside enum", http.MethodPost, ccConfigPath, `{"preferredMode":"city"}`, true},
		{"preferredMode zipcode", http.MethodPost, ccConfigPath, `{"preferredMode":"zipcode"}`, false},
		{"appointmentMode outside enum", http.MethodPost, ccConfigPath, `{"appointmentMode":"sms"}`, true},
		{"appointmentMode agent_phone_call", http.MethodPost, ccConfigPath, `{"appointmentMode":"agent_phone_call"}`, false},
		{"assignmentMode outside enum", http.MethodPost, ccConfigPath, `{"assignmentMode":"round_robin"}`, true},
		{"assignmentMode external_transfer", http.MethodPost, ccConfigPath, `{"assignmentMode":"external_transfer"}`, false},
		{"concurrentLimit above safe integer", http.MethodPost, ccConfigPath, `{"concurrentLimit":1e16}`, true},
		{"concurrentLimit below safe integer", http.MethodPost, ccConfigPath, `{"concurrentLimit":-1e16}`, true},
		{"concurrentLimit max safe integer", http.MethodPost, ccConfigPath, `{"concurrentLimit":9007199254740991}`, false},
		{"appointmentLength not integer", http.MethodPost, ccConfigPath, `{"appointmentLength":"60"}`, true},
		{"routingConfigId not uuid", http.MethodPost, ccConfigPath, `{"routingConfigId":"` + bad + `"}`, true},
		{"routingConfigId null", http.MethodPost, ccConfigPath, `{"routingConfigId":null}`, false},
		{"transferConfigId not uuid", http.MethodPost, ccConfigPath, `{"transferConfigId":"` + bad + `"}`, true},
		{"showCallerIdOnBookingPage not boolean", http.MethodPost, ccConfigPath, `{"showCallerIdOnBookingPage":"yes"}`, true},
		{"showCallerIdOnBookingPage false", http.MethodPost, ccConfigPath, `{"showCallerIdOnBookingPage":false}`, false},
		// create appointment config: workflows
		{"workflow trigger anchor outside enum", http.MethodPost, ccConfigPath, `{"workflows":[{"trigger":{"anchor":"event_middle"}}]}`, true},
		{"workflow trigger anchor event_ends", http.MethodPost, ccConfigPath, `{"workflows":[{"trigger":{"anchor":"event_ends","offsetMinutes":30}}]}`, false},
		{"workflow offsetMinutes above safe integer", http.MethodPost, ccConfigPath, `{"workflows":[{"trigger":{"offsetMinutes":1e16}}]}`, true},
		{"workflow id not uuid", http.MethodPost, ccConfigPath, `{"workflows":[{"id":"` + bad + `"}]}`, true},
		{"workflow enabled not boolean", http.MethodPost, ccConfigPath, `{"workflows":[{"enabled":"true"}]}`, true},
		{"workflow name null", http.MethodPost, ccConfigPath, `{"workflows":[{"name":null}]}`, false},
		{"workflow condition not object", http.MethodPost, ccConfigPath, `{"workflows":[{"condition":"scheduled"}]}`, true},
		{"workflow condition unpublished variant", http.MethodPost, ccConfigPath, `{"workflows":[{"condition":{"kind":"time_window"}}]}`, false},
		{"workflow action not object", http.MethodPost, ccConfigPath, `{"workflows":[{"action":"sms"}]}`, true},
		{"full workflow", http.MethodPost, ccConfigPath, `{"workflows":[{"id":"69cf2c0c-cde0-4f0b-828e-b32aadd4d56e","enabled":true,` +
			`"trigger":{"anchor":"event_starts","offsetMinutes":-1440},"condition":{"kind":"appointment_status","statuses":["scheduled"]},` +
			`"name":"Reminder","action":{"type":"sms","senderId":"+15125550142","template":"Hi"}}]}`, false},
		// create appointment config: body
		{"config body array", http.MethodPost, ccConfigPath, `[]`, true},
		{"config body missing", http.MethodPost, ccConfigPath, ``, true},
		// delete
		{"delete id not uuid", http.MethodDelete, ccConfigPath + "/" + bad, ``, true},
		{"delete id uuid", http.MethodDelete, ccConfigPath + "/" + ccInquiryID, ``, false},
		{"list", http.MethodGet, ccConfigPath, ``, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := validateRequest(t, api, tt.method, tt.target, ccHeader(), tt.body)
			if tt.wantErr {
				require.Error(t, err)
				return
			}
			require.NoError(t, err)
		})
	}
}

// TestCarecycleChecklist pins the transcription items of vendor-notes §5.1–§5.4 that validation alone cannot show.
func TestCarecycleChecklist(t *testing.T) {
	api := loadSpec(t, "carecycle")
	doc := api.Doc

	t.Run("server, security and x-standin", func(t *testing.T) {
		require.Equal(t, "3.0.3", doc.OpenAPI)
		require.Equal(t, "https://api.carecycle.ai", api.ServerURL)
		scheme := doc.Components.SecuritySchemes["apiKey"].Value
		require.Equal(t, "apiKey", scheme.Type)
		require.Equal(t, "header", scheme.In)
		require.Equal(t, "x-api-key", scheme.Name)
		require.Contains(t, scheme.Description, "cc_")
		require.Contains(t, scheme.Description, "14 days")
		require.Equal(t, "carecycle", api.Ext.Name)
		require.Equal(t, []string{"cc_forbidden_*"}, api.Ext.Auth.Forbidden)
		require.NotNil(t, api.Ext.RateLimit)
		require.Equal(t, 60, api.Ext.RateLimit.Limit)
		require.Equal(t, []string{"header:x-api-key"}, api.Ext.RateLimit.Per)
		wantKinds := map[string]int{"validation": 422, "malformed": 400, "unauthorized": 401, "forbidden": 403,
			"notFound": 404, "methodNotAllowed": 405, "tooLarge": 413, "rateLimited": 429, "internal": 500}
		for kind, status := range wantKinds {
			require.Equal(t, status, api.Ext.Errors[kind].Status, kind)
		}
	})

	t.Run("operations", func(t *testing.T) {
		tests := []struct {
			id, method, path string
			success          int
		}{
			{"assignInquiry", http.MethodPatch, "/v2/inquiries/{id}/assign", 200},
			{"updateCustomerCampaignStatus", http.MethodPatch, "/v2/customers/campaign-status", 200},
			{"createAppointmentConfig", http.MethodPost, "/v2/campaigns/appointment-configs", 201},
			{"listAppointmentConfigs", http.MethodGet, "/v2/campaigns/appointment-configs", 200},
			{"deleteAppointmentConfig", http.MethodDelete, "/v2/campaigns/appointment-configs/{id}", 200},
		}
		require.Len(t, api.Operations, len(tests))
		for _, tt := range tests {
			t.Run(tt.id, func(t *testing.T) {
				op := api.Operation(tt.id)
				require.NotNil(t, op)
				require.Equal(t, tt.method, op.Method)
				require.Equal(t, tt.path, op.Path)
				require.Equal(t, []int{tt.success, 400, 401, 403, 404, 422, 429, 500}, op.Statuses)
				require.NotEmpty(t, op.Op.Tags)
				require.NotEmpty(t, op.Op.Summary)
				require.NotEmpty(t, op.Op.Description)
				require.NotNil(t, op.Op.Security)
				require.Equal(t, []string{}, (*op.Op.Security)[0]["apiKey"])
				for _, p := range op.Op.Parameters {
					require.True(t, p.Value.Required)
					require.Equal(t, ccUUID, p.Value.Schema.Value.Pattern)
					require.Equal(t, "uuid", p.Value.Schema.Value.Format)
				}
				v422 := op.Response(422).Content.Get("application/json").Schema.Value
				_, hasFailed := v422.Properties["failedRecords"]
				require.Equal(t, tt.id == "createAppointmentConfig", hasFailed, "failedRecords only on create")
				require.Equal(t, []any{"VALIDATION_ERROR"}, v422.Properties["code"].Value.Enum)
			})
		}
	})

	t.Run("campaign status enum and required", func(t *testing.T) {
		s := doc.Components.Schemas["UpdateCustomerCampaignStatusRequest"].Value
		require.Equal(t, []string{"customerId", "campaignId", "status"}, s.Required)
		require.Equal(t, []any{"pending", "awaiting_call", "in_progress", "completed", "failed", "expired",
			"cancelled", "skipped", "exceeded_max_calls"}, s.Properties["status"].Value.Enum)
		require.Contains(t, s.Properties["status"].Value.Description, "Only terminal statuses (completed, failed) are allowed")
		require.Equal(t, ccUUID, s.Properties["customerId"].Value.Pattern)
		require.Equal(t, ccUUID, s.Properties["campaignId"].Value.Pattern)
	})

	t.Run("nothing required on create; assign body optional", func(t *testing.T) {
		require.Empty(t, doc.Components.Schemas["AppointmentConfigInput"].Value.Required)
		require.Empty(t, doc.Components.Schemas["AssignInquiryRequest"].Value.Required)
		a := doc.Components.Schemas["AssignInquiryRequest"].Value.Properties["assignedTo"].Value
		require.True(t, a.Nullable)
		require.Equal(t, ccUUID, a.Pattern)
		require.Equal(t, "uuid", a.Format)
		require.Contains(t, a.Extensions, "x-standin-assumption")
	})

	t.Run("property order follows the docs", func(t *testing.T) {
		tests := []struct {
			schema string
			want   []string
		}{
			{"Inquiry", []string{"id", "createdAt", "updatedAt", "customerCampaignId", "callId", "toolCallId",
				"inquiry", "response", "status", "primaryCategory", "subcategory", "severity", "severityTriggers",
				"suggestedHandling", "handlingRationale", "reasoning", "escalationApplied", "additionalConcerns",
				"resolutionType", "notes", "resolvedAt", "resolvedBy", "assignedTo", "callbackRequestedAt",
				"callbackRequestedBy", "callbackWorkflowId", "callbackCompletedAt", "callbackCallId",
				"callbackDisposition", "callbackFailureReason"}},
			{"AppointmentConfigInput", []string{"name", "description", "concurrentLimit", "appointmentLength",
				"appointmentSpacing", "maxOptions", "minDate", "maxDate", "minHours", "preferredMode",
				"appointmentMode", "showCallerIdOnBookingPage", "assignmentMode", "routingConfigId",
				"transferConfigId", "workflows", "bookingHours"}},
			{"AppointmentConfig", []string{"id", "createdAt", "updatedAt", "clientId", "name", "description",
				"concurrentLimit", "appointmentLength", "appointmentSpacing", "maxOptions", "minDate", "maxDate",
				"minHours", "preferredMode", "appointmentMode", "showCallerIdOnBookingPage", "assignmentMode",
				"routingConfigId", "transferConfigId", "workflows", "bookingHours", "createdBy", "updatedBy",
				"assignedCampaignCount", "assignedTransferConfigCount"}},
			{"Workflow", []string{"id", "enabled", "trigger", "condition", "name", "action"}},
			{"BookingHours", []string{"startHour", "endHour", "dayOfWeek", "startMinute", "endMinute"}},
			{"CampaignStatusUpdate", []string{"success", "previousStatus", "newStatus", "customerCampaignId"}},
		}
		root := ccYAML(t, api.Source)
		for _, tt := range tests {
			t.Run(tt.schema, func(t *testing.T) {
				props := ccNode(t, root, "components", "schemas", tt.schema, "properties")
				require.Equal(t, tt.want, ccKeys(props))
			})
		}
	})

	t.Run("nullability and formats of the inquiry", func(t *testing.T) {
		props := doc.Components.Schemas["Inquiry"].Value.Properties
		for _, name := range []string{"createdAt", "updatedAt", "resolvedAt", "callbackRequestedAt", "callbackCompletedAt", "assignedTo"} {
			require.True(t, props[name].Value.Nullable, name)
		}
		for _, name := range []string{"id", "customerCampaignId", "callId", "resolvedBy", "assignedTo",
			"callbackRequestedBy", "callbackWorkflowId", "callbackCallId"} {
			require.Equal(t, "uuid", props[name].Value.Format, name)
			require.Equal(t, ccUUID, props[name].Value.Pattern, name)
		}
		require.Equal(t, "boolean", props["escalationApplied"].Value.Type.Slice()[0])
		require.Equal(t, "new", props["status"].Value.Example)
	})

	t.Run("first example of every map is not the docs placeholder", func(t *testing.T) {
		root := ccYAML(t, api.Source)
		var maps int
		var walk func(n *yaml.Node, path string)
		walk = func(n *yaml.Node, path string) {
			switch n.Kind {
			case yaml.MappingNode:
				for i := 0; i+1 < len(n.Content); i += 2 {
					k, v := n.Content[i].Value, n.Content[i+1]
					if k == "examples" && v.Kind == yaml.MappingNode && len(v.Content) > 0 && !strings.HasSuffix(path, "/components") {
						maps++
						require.NotEqual(t, "docs", v.Content[0].Value, "first example at %s", path)
						if len(v.Content) > 2 {
							require.True(t, slices.ContainsFunc(v.Content, func(c *yaml.Node) bool { return c.Value == "docs" }),
								"examples at %s keep the docs sample", path)
						}
					}
					walk(v, path+"/"+k)
				}
			case yaml.SequenceNode:
				for i, c := range n.Content {
					walk(c, path+"/"+strconv.Itoa(i))
				}
			}
		}
		walk(root, "")
		require.Greater(t, maps, 10)
	})

	t.Run("links for read-after-write", func(t *testing.T) {
		links := api.Operation("createAppointmentConfig").Response(201).Links
		require.Equal(t, "listAppointmentConfigs", links["listAppointmentConfigs"].Value.OperationID)
		del := links["deleteAppointmentConfig"].Value
		require.Equal(t, "deleteAppointmentConfig", del.OperationID)
		require.Equal(t, "$response.body#/appointmentConfig/id", del.Parameters["id"])
	})
}

func ccYAML(t *testing.T, src []byte) *yaml.Node {
	t.Helper()
	var doc yaml.Node
	require.NoError(t, yaml.Unmarshal(src, &doc))
	require.NotEmpty(t, doc.Content)
	return doc.Content[0]
}

func ccNode(t *testing.T, n *yaml.Node, keys ...string) *yaml.Node {
	t.Helper()
	for _, k := range keys {
		var next *yaml.Node
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == k {
				next = n.Content[i+1]
			}
		}
		require.NotNil(t, next, "key %s", k)
		n = next
	}
	return n
}

func ccKeys(n *yaml.Node) []string {
	var keys []string
	for i := 0; i+1 < len(n.Content); i += 2 {
		keys = append(keys, n.Content[i].Value)
	}
	return keys
}
