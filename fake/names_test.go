package fake

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestWords(t *testing.T) {
	tests := []struct {
		name string
		want []string
	}{
		{"createdAt", []string{"created", "at"}},
		{"created_at", []string{"created", "at"}},
		{"labelIDs", []string{"label", "ids"}},
		{"HTTPServer", []string{"http", "server"}},
		{"_id", []string{"id"}},
		{"X-RateLimit-Limit", []string{"x", "rate", "limit", "limit"}},
		{"profilePic", []string{"profile", "pic"}},
		{"addressLine1", []string{"address", "line1"}},
		{"", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.Equal(t, tt.want, words0(tt.name))
		})
	}
}

func TestSingular(t *testing.T) {
	tests := []struct{ in, want string }{
		{"tags", "tag"},
		{"statuses", "status"},
		{"categories", "category"},
		{"labelIDs", "labelID"},
		{"labelList", "label"},
		{"address", "address"},
		{"dayOfWeek", "dayOfWeek"},
		{"boxes", "box"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			require.Equal(t, tt.want, singular(tt.in))
		})
	}
}

func TestLookupName(t *testing.T) {
	tests := []struct {
		name  string
		want  string // a name the matched rule lists, "" for no string rule
		isNum bool
	}{
		{"firstName", "givenname", false},
		{"staffFirstName", "givenname", false},
		{"visitor_last_name", "surname", false},
		{"phoneNumber", "msisdn", false},
		{"email", "email", false},
		{"countryCode", "regioncode", false},
		{"createdAt", "at", false},
		{"customerId", "id", false},
		{"format", "", false},
		{"chat", "", false},
		{"startHour", "hour", true},
		{"offset", "offset", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := func(r *nameRule) bool { return r.str != nil }
			if tt.isNum {
				want = func(r *nameRule) bool { return r.num != nil }
			}
			r := lookup(tt.name, want)
			if tt.want == "" {
				require.Nil(t, r)
				return
			}
			require.NotNil(t, r)
			require.Contains(t, append(append(append([]string{}, r.exact...), r.last...), r.tail...), tt.want)
		})
	}
}
