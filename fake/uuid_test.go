package fake

import (
	"regexp"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/require"
)

// uuidAnyRE is the format's regexp that isUUID stands for: the reference of its tests and fuzzing, compiled
// only here (the server never runs it).
var uuidAnyRE = regexp.MustCompile(openapi3.FormatOfStringForUUIDOfRFC9562)

// uuidCases are values on each side of every rule of the RFC 9562 uuid format.
var uuidCases = []struct {
	v    string
	want bool
}{
	{"0b6cbc5e-23d4-4c8f-9a61-0c4f1e7d9a10", true},
	{"0B6CBC5E-23D4-4C8F-9A61-0C4F1E7D9A10", true},
	{"01890f2e-5b6a-7cc1-9b1e-2f5a4d3c2b1a", true},  // version 7
	{"01890f2e-5b6a-8cc1-bb1e-2f5a4d3c2b1a", true},  // version 8, variant b
	{"01890f2e-5b6a-1cc1-Ab1e-2f5a4d3c2b1a", true},  // version 1, variant A
	{"01890f2e-5b6a-9cc1-9b1e-2f5a4d3c2b1a", false}, // version 9
	{"01890f2e-5b6a-0cc1-9b1e-2f5a4d3c2b1a", false}, // version 0
	{"01890f2e-5b6a-7cc1-cb1e-2f5a4d3c2b1a", false}, // variant c
	{"01890f2e-5b6a-7cc1-7b1e-2f5a4d3c2b1a", false}, // variant 7
	{"00000000-0000-0000-0000-000000000000", true},  // nil
	{"ffffffff-ffff-ffff-ffff-ffffffffffff", true},  // max
	{"FFFFFFFF-ffff-FFFF-ffff-FFFFFFFFFFFF", true},  // max, mixed case
	{"ffffffff-ffff-ffff-ffff-fffffffffffe", false}, // neither max nor a version
	{"00000000-0000-0000-0000-000000000001", false}, // neither nil nor a version
	{"0b6cbc5e-23d4-4c8f-9a61-0c4f1e7d9a1", false},  // short
	{"0b6cbc5e-23d4-4c8f-9a61-0c4f1e7d9a100", false},
	{"0b6cbc5e-23d4-4c8f-9a61-0c4f1e7d9a10\n", false},
	{" 0b6cbc5e-23d4-4c8f-9a61-0c4f1e7d9a10", false},
	{"0b6cbc5e23d4-4c8f-9a61-0c4f1e7d9a10-", false}, // hyphen moved
	{"0b6cbc5e-23d4-4c8f-9a61_0c4f1e7d9a10", false},
	{"0b6cbc5g-23d4-4c8f-9a61-0c4f1e7d9a10", false},
	{"0b6cbc5e-23d4-4c8f-9a61-0c4f1e7d9a1é", false},
	{"{0b6cbc5e-23d4-4c8f-9a61-0c4f1e7d9a}", false},
	{"0b6cbc5e23d44c8f9a610c4f1e7d9a10", false}, // no hyphens
	{"", false},
	{strings.Repeat("-", 36), false},
}

func TestIsUUID(t *testing.T) {
	for _, tc := range uuidCases {
		t.Run(tc.v, func(t *testing.T) {
			require.Equal(t, tc.want, isUUID(tc.v))
			require.Equal(t, uuidAnyRE.MatchString(tc.v), isUUID(tc.v), "the regexp disagrees")
			require.Equal(t, tc.want, stringFormatChecks["uuid"](tc.v))
		})
	}
}

// FuzzIsUUID holds isUUID to the regexp it replaces (openapi3.FormatOfStringForUUIDOfRFC9562).
func FuzzIsUUID(f *testing.F) {
	for _, tc := range uuidCases {
		f.Add(tc.v)
	}
	f.Fuzz(func(t *testing.T, v string) {
		if got, want := isUUID(v), uuidAnyRE.MatchString(v); got != want {
			t.Fatalf("isUUID(%q) = %v, the regexp says %v", v, got, want)
		}
	})
}

func BenchmarkUUIDCheck(b *testing.B) {
	const v = "7869c1a9-a680-4086-b6f5-9e78a651f6f2"
	b.Run("regexp", func(b *testing.B) {
		for range b.N {
			uuidAnyRE.MatchString(v)
		}
	})
	b.Run("isUUID", func(b *testing.B) {
		for range b.N {
			isUUID(v)
		}
	})
}
