package contracttest

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func runPets(t *testing.T, b bugs, cfg Config, opts ...Option) *Report {
	t.Helper()
	_, ts := newPetServer(t, b)
	cfg.API = loadPets(t)
	cfg.Target = ts.URL + "/api"
	cfg.Bearer = "secret-token"
	if cfg.RunID == "" {
		cfg.RunID = "run1" // fresh ids stay the same from run to run of the tests
	}
	opts = append([]Option{WithHTTPClient(ts.Client()), WithSleep(noSleep), WithClock(fixedClock)}, opts...)
	rep, err := Run(t.Context(), cfg, opts...)
	require.NoError(t, err)
	return rep
}

func TestCorrectServerPasses(t *testing.T) {
	rep := runPets(t, bugs{}, Config{})
	require.Empty(t, failedChecks(rep))
	require.Zero(t, rep.Summary.Failed)
	require.NoError(t, rep.Err())
	require.Equal(t, 2, rep.Summary.Retried, "the first listPets and createPet answers are 429s, retried")
	for _, row := range rep.Summary.Coverage {
		for _, st := range row.Statuses {
			require.Truef(t, st.Exercised, "%s %d not exercised", row.Operation, st.Status)
		}
	}
}

func TestBrokenServersAreCaught(t *testing.T) {
	tests := []struct {
		name  string
		bugs  bugs
		cfg   Config
		clock func() time.Time
		check string
	}{
		{"wrong type", bugs{wrongType: true}, Config{}, nil, CheckBodySchema},
		{"enum value outside the spec", bugs{badEnum: true}, Config{}, nil, CheckBodySchema},
		{"undocumented status", bugs{undocumentedStatus: true}, Config{}, nil, CheckStatusDocumented},
		{"missing documented header", bugs{missingHeader: true}, Config{}, nil, CheckHeadersDocumented},
		{"wrong content type", bugs{wrongContentType: true}, Config{}, nil, CheckContentType},
		{"accepts invalid input", bugs{acceptsInvalid: true}, Config{}, nil, CheckNegativeRejected},
		{"ignores auth", bugs{ignoresAuth: true}, Config{}, nil, CheckAuthEnforced},
		{"forgets writes", bugs{forgetsWrites: true}, Config{}, nil, CheckStateConsistent},
		{"answers 500", bugs{serverError: true}, Config{}, nil, CheckNoServerError},
		{"slower than the budget", bugs{}, Config{ResponseTime: 500 * time.Millisecond}, tickingClock(time.Second), CheckResponseTime},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var opts []Option
			if tt.clock != nil {
				opts = append(opts, WithClock(tt.clock))
			}
			rep := runPets(t, tt.bugs, tt.cfg, opts...)
			require.True(t, rep.Failed())
			require.Truef(t, failedCheckNames(rep)[tt.check], "want %s among the failures, got %v", tt.check, failedChecks(rep))
			var ce *CheckError
			require.ErrorAs(t, rep.Err(), &ce)
		})
	}
}
