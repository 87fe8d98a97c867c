package contracttest_test

import (
	"context"
	"fmt"
	"net/http/httptest"

	"github.com/standin/standin/contracttest"
	"github.com/standin/standin/mock"
	"github.com/standin/standin/openapi"
)

// ExampleRunner_Run checks the in-process careCycle mock against the careCycle contract.
func ExampleRunner_Run() {
	ctx := context.Background()
	api, err := openapi.Load(ctx, "carecycle")
	if err != nil {
		panic(err)
	}
	srv, err := mock.New([]*openapi.API{api}, mock.Config{})
	if err != nil {
		panic(err)
	}
	defer srv.Close()
	ts := httptest.NewServer(srv)
	defer ts.Close()

	runner, err := contracttest.New(contracttest.Config{API: api, Target: ts.URL + "/carecycle"},
		contracttest.WithHTTPClient(ts.Client()))
	if err != nil {
		panic(err)
	}
	report, err := runner.Run(ctx)
	if err != nil {
		panic(err)
	}
	fmt.Println("standin target:", report.Plan.Standin)
	fmt.Println("failed cases:", report.Summary.Failed)
	for _, row := range report.Summary.Coverage {
		exercised := 0
		for _, st := range row.Statuses {
			if st.Exercised {
				exercised++
			}
		}
		fmt.Printf("%s: %d/%d documented statuses exercised\n", row.Operation, exercised, len(row.Statuses))
	}
	// Output:
	// standin target: true
	// failed cases: 0
	// listAppointmentConfigs: 8/8 documented statuses exercised
	// createAppointmentConfig: 8/8 documented statuses exercised
	// deleteAppointmentConfig: 8/8 documented statuses exercised
	// updateCustomerCampaignStatus: 8/8 documented statuses exercised
	// assignInquiry: 8/8 documented statuses exercised
}
