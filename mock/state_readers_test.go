package mock

import (
	"net/http"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestStoredRecordReadWhileUpdated: concurrent updates of one record, each reading the stored record without a
// copy (state.Tx.Lookup) and storing its own (state.Tx.PutOwned), and readers of the record. A write that
// changed a stored record in place, which another request is reading or encoding, fails under -race; every
// answer shows one of the values written.
func TestStoredRecordReadWhileUpdated(t *testing.T) {
	ts, _ := stateServer(t, Config{})
	users := []string{"7869c1a9-a680-4086-b6f5-9e78a651f6f2", "0b6cbc5e-23d4-4c8f-9a61-0c4f1e7d9a10", "01890f2e-5b6a-7cc1-9b1e-2f5a4d3c2b1a"}
	const rounds = 30
	var wg sync.WaitGroup
	got := make([][]any, len(users)+2)
	for w := range len(users) + 2 {
		wg.Go(func() {
			for i := range rounds {
				if w < len(users) {
					resp := stateDo(t, ts, http.MethodPatch, "/carecycle/v2/inquiries/"+docInquiry+"/assign",
						`{"assignedTo":"`+users[(w+i)%len(users)]+`"}`)
					got[w] = append(got[w], resp.json(t)["assignedTo"])
					continue
				}
				got[w] = append(got[w], stateDo(t, ts, http.MethodGet, "/__standin/state/carecycle/inquiries/"+docInquiry, "").json(t)["assignedTo"])
			}
		})
	}
	wg.Wait()
	for _, answers := range got {
		require.Len(t, answers, rounds)
		for _, a := range answers {
			require.Contains(t, append([]any{"7869c1a9-a680-4086-b6f5-9e78a651f6f2"}, toAny(users)...), a)
		}
	}
}

func toAny(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}
