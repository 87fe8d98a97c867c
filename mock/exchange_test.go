package mock

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestExchangeReset: a recycled exchange keeps nothing of its request but its path parameter map, emptied; a map
// larger than a template's is not kept.
func TestExchangeReset(t *testing.T) {
	for _, n := range []int{1, maxSpareParams, maxSpareParams + 1} {
		t.Run(fmt.Sprint(n, " params"), func(t *testing.T) {
			params := map[string]string{}
			for i := range n {
				params[fmt.Sprint("p", i)] = "v"
			}
			spare := map[string]string{"left": "over"}
			ex := &exchange{path: "/v2/x", params: params, spareParams: spare, body: []byte("{}"),
				bodyValue: map[string]any{"a": 1.0}, credential: "secret", status: 200, answeredBy: "behaviour"}
			ex.res = result{status: 200, body: "x"}
			ex.result = &ex.res
			ex.req.Method = http.MethodPatch
			ex.reset()
			kept := params
			if n > maxSpareParams {
				kept = spare
			}
			require.Empty(t, kept)
			require.Equal(t, reflect.ValueOf(kept).Pointer(), reflect.ValueOf(ex.spareParams).Pointer())
			require.Equal(t, exchange{spareParams: kept}, *ex)
		})
	}
}

// TestRecycledExchangesKeepRequestsApart: many clients at once on the same route with different path parameters
// and bodies each get the answer for their own request, as exchanges (and their parameter maps) are recycled
// between requests. Run with -race, a stage touching an exchange after it was given back shows here.
func TestRecycledExchangesKeepRequestsApart(t *testing.T) {
	ts, _ := engineServer(t, Config{Seed: 1}, engineAPIs(t, "carecycle"))
	const known = "497f6eca-6276-4993-bfeb-53cbbbba6f08"
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for g := range 8 {
		wg.Go(func() {
			for i := range 40 {
				id := known
				if (g+i)%2 == 1 {
					id = fmt.Sprintf("00000000-0000-4000-8000-%012d", g*100+i)
				}
				assignee := fmt.Sprintf("7869c1a9-a680-4086-b6f5-%012d", g*100+i)
				req, err := http.NewRequest(http.MethodPatch, ts.URL+"/v2/inquiries/"+id+"/assign",
					strings.NewReader(`{"assignedTo":"`+assignee+`"}`))
				if err != nil {
					errs <- err
					return
				}
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set(engineCareHeader, engineCareKey)
				res, err := http.DefaultClient.Do(req)
				if err != nil {
					errs <- err
					return
				}
				data, _ := io.ReadAll(res.Body)
				_ = res.Body.Close()
				var got map[string]any
				_ = json.Unmarshal(data, &got)
				switch {
				case id == known && (res.StatusCode != http.StatusOK || got["id"] != id || got["assignedTo"] != assignee):
					errs <- fmt.Errorf("assign %s to %s: %d %s", id, assignee, res.StatusCode, data)
					return
				case id != known && res.StatusCode != http.StatusNotFound:
					errs <- fmt.Errorf("assign unknown %s: %d %s", id, res.StatusCode, data)
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
}
