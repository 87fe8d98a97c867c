package openapi

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestSplitPathKey(t *testing.T) {
	for _, tc := range []struct {
		key, path string
		conds     []KeyCondition
	}{
		{"/pets/{id}", "/pets/{id}", nil},
		{"/#X-Amz-Target=DynamoDB_20120810.ListTables", "/", []KeyCondition{{"X-Amz-Target", "DynamoDB_20120810.ListTables", true}}},
		{"/channels/{arn}#scope=app-instance-user-membership&app-instance-user-arn&x-amz-chime-bearer", "/channels/{arn}",
			[]KeyCondition{{"scope", "app-instance-user-membership", true}, {"app-instance-user-arn", "", false}, {"x-amz-chime-bearer", "", false}}},
		{"/tags/{arn}#tagKeys", "/tags/{arn}", []KeyCondition{{"tagKeys", "", false}}},
		{"/?Action=List%20All&Version=1", "/", []KeyCondition{{"Action", "List All", true}, {"Version", "1", true}}},
		{"/send/#env/v1/partners/{partnerId}/transfer", "/send/", nil}, // a URL after '#', no condition
	} {
		t.Run(tc.key, func(t *testing.T) {
			path, conds := SplitPathKey(tc.key)
			require.Equal(t, tc.path, path)
			require.Equal(t, tc.conds, conds)
		})
	}
}
