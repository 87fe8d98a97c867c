package fault_test

import (
	"fmt"
	"net/http"
	"time"

	"github.com/standin/standin/fault"
)

func ExampleParse() {
	r, err := fault.Parse("op=updateAssignee,status=449,times=2")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(r.Match.Op, r.Action.Status, r.When.Times)

	_, err = fault.Parse("op=updateAssignee,status=soon")
	fmt.Println(err)
	// Output:
	// updateAssignee 449 2
	// status=soon: expected an HTTP status 100..599
}

func ExampleActive_Decide() {
	r, _ := fault.Parse("api=aelyst,rateLimit=spec")
	t0 := time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC)
	a := fault.NewActive(r, 1, "default", t0)
	req := fault.Request{
		API: "aelyst", Method: "GET", Path: "/v1/contact/id:1", Now: t0,
		Header: http.Header{"Authorization": {"Bearer t"}},
		Limit:  &fault.RateLimit{Limit: 2, Window: time.Second, Per: []string{"header:Authorization", "method", "path"}},
	}
	for range 3 {
		out, _ := a.Decide(req)
		fmt.Println(out.Verdict.Allowed, out.Verdict.Remaining, out.Verdict.RetryAfterSeconds())
	}
	// Output:
	// true 1 1
	// true 0 1
	// false 0 1
}
