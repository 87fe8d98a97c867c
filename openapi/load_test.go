package openapi

import (
	"context"
	"errors"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/require"
)

func TestLoadBundled(t *testing.T) {
	require.Equal(t, []string{"aelyst", "carecycle", "cinnox"}, Bundled())
	tests := []struct {
		name     string
		basePath string
		ops      []string
	}{
		{"carecycle", "", []string{"assignInquiry", "updateCustomerCampaignStatus", "createAppointmentConfig",
			"listAppointmentConfigs", "deleteAppointmentConfig"}},
		{"aelyst", "/v1", []string{"updateAssignee", "getContact", "updateConversationStatus", "createContact"}},
		{"cinnox", "", []string{"getEnquiryDetail", "getLabelList", "labelEnquiry"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			api := loadSpec(t, tt.name)
			require.Equal(t, tt.name, api.Name)
			require.Equal(t, tt.basePath, api.BasePath)
			require.Len(t, api.Operations, len(tt.ops))
			for _, id := range tt.ops {
				op := api.Operation(id)
				require.NotNil(t, op, "operation %s", id)
				require.NotEmpty(t, op.Statuses)
				require.True(t, op.Documents(op.SuccessStatus()))
			}
			require.NotEmpty(t, api.Ext.Errors["validation"].Body, "root x-standin declares the validation error shape")
		})
	}
}

func TestLoadUnknownBundled(t *testing.T) {
	_, err := Load(context.Background(), "stripe")
	var unknown *UnknownAPIError
	require.ErrorAs(t, err, &unknown)
	require.Contains(t, err.Error(), "aelyst, carecycle, cinnox")
}

func TestLoadFileUserSpec(t *testing.T) {
	api, err := LoadFile(t.Context(), "testdata/petstore.yaml")
	require.NoError(t, err)
	require.Equal(t, "petstore", api.Name)
	require.Equal(t, "/api", api.BasePath)
	require.Equal(t, []string{"listPets", "createPet", "GET /pets/{id}"},
		[]string{api.Operations[0].ID, api.Operations[1].ID, api.Operations[2].ID})
	require.Equal(t, []int{200, 404}, api.Operation("GET /pets/{id}").Statuses)
	require.Equal(t, 201, api.Operation("createPet").SuccessStatus())
}

// TestCheckLocatesProblems pins that every problem names the file, the line and the JSON pointer.
func TestCheckLocatesProblems(t *testing.T) {
	tests := []struct {
		file string
		want []LoadError // Err compared by substring of its message
		msgs []string
	}{
		{"bad_example.yaml",
			[]LoadError{{Line: 20, Pointer: "/paths/~1things/get/responses/200/content/application~1json/examples/negative", Level: LevelWarning}},
			[]string{`value at "/count": number must be at least 0`}},
		{"bad_xstandin.yaml", []LoadError{
			{Line: 13, Pointer: "/x-standin/colour"},
			{Line: 9, Pointer: "/x-standin/errors/teapot"},
			{Line: 7, Pointer: "/x-standin/errors/validation/status"},
			{Line: 12, Pointer: "/x-standin/rateLimit/limit"},
			{Line: 12, Pointer: "/x-standin/rateLimit/window"},
			{Line: 12, Pointer: "/x-standin/rateLimit/per/0"},
		}, []string{`unknown key "colour"`, `unknown key "teapot"`, "status 4222 is not an HTTP status",
			"positive number", `window "soon"`, `unknown key part "cookie"`}},
		{"same_example_name.yaml",
			[]LoadError{{Line: 19, Pointer: "/paths/~1a/post/responses/201/content/application~1json/examples/docs", Level: LevelWarning}},
			[]string{`value at "/n": value must be an integer`}},
		{"bad_yaml.yaml", []LoadError{{Line: 6}}, []string{"did not find expected"}},
		{"bad_structure.yaml", []LoadError{{Line: 3, Pointer: "/paths"}, {Line: 3, Pointer: "/paths"}},
			[]string{"must define exactly all path parameters", `same operation id "getThing"`}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			path := "testdata/" + tt.file
			problems := Check(t.Context(), path)
			require.Len(t, problems, len(tt.want))
			for i, p := range problems {
				require.Equal(t, path, p.File)
				require.Equal(t, tt.want[i].Line, p.Line, "problem %d: %v", i, p)
				require.Equal(t, tt.want[i].Pointer, p.Pointer, "problem %d: %v", i, p)
				require.Equal(t, tt.want[i].Level, p.Level, "problem %d: %v", i, p)
				require.Contains(t, p.Error(), tt.msgs[i])
			}
			_, err := LoadWith(t.Context(), path, Options{Strict: true})
			var le *LoadError
			require.True(t, errors.As(err, &le), "LoadWith returns *LoadError values")
		})
	}
}

func TestCheckMissingFile(t *testing.T) {
	problems := Check(t.Context(), "testdata/nope.yaml")
	require.Len(t, problems, 1)
	require.Contains(t, problems[0].Error(), "testdata/nope.yaml: read:")
}

func FuzzLoadData(f *testing.F) {
	for _, name := range []string{"petstore", "bad_example", "bad_xstandin", "bad_yaml"} {
		data, err := readTestdata(name + ".yaml")
		require.NoError(f, err)
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		api, err := LoadData(context.Background(), "fuzz.yaml", data)
		if err == nil {
			require.NotNil(t, api)
			return
		}
		var le *LoadError
		require.ErrorAs(t, err, &le)
		require.Equal(t, "fuzz.yaml", le.File)
	})
}

func TestBasePath(t *testing.T) {
	tests := []struct {
		url, want string
	}{
		{"https://api.carecycle.ai", ""},
		{"https://api.aelyst.ai/v1", "/v1"},
		{"https://api.aelyst.ai/v1/", "/v1"},
		{"/api/v2", "/api/v2"},
		{"/", ""},
		{"", ""},
		{"httpbin.example.test/customers", "/customers"},
		{"httpbin.example.test", ""},
		{"v1", "/v1"},
		{"https://{region}.example.com/{version}", "/v3"},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			s := &openapi3.Server{URL: tt.url, Variables: map[string]*openapi3.ServerVariable{
				"region": {Default: "eu"}, "version": {Default: "v3"},
			}}
			require.Equal(t, tt.want, basePath(s))
		})
	}
}
