package mock

import (
	"context"
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/standin/standin/mock/state"
)

// recordingStore is another Store: the in-memory one, counting the transactions that pass through it.
type recordingStore struct {
	*state.Memory
	updates, views atomic.Int64
}

func (r *recordingStore) Update(ctx context.Context, session string, fn func(cur, seed state.Reader) ([]state.Op, error)) (state.Pending, error) {
	r.updates.Add(1)
	return r.Memory.Update(ctx, session, fn)
}

func (r *recordingStore) View(ctx context.Context, session string, fn func(state.Reader) error) error {
	r.views.Add(1)
	return r.Memory.View(ctx, session, fn)
}

func TestStateStoreIsTheSeam(t *testing.T) {
	st := &recordingStore{Memory: state.NewMemory(state.MemoryOptions{})}
	ts, _ := stateServer(t, Config{}, WithStore(st))
	require.Equal(t, 200, stateDo(t, ts, http.MethodPatch, "/carecycle/v2/inquiries/"+docInquiry+"/assign",
		`{"assignedTo":"cf30b1e9-3ee9-436d-a73b-1f108e36e6fe"}`).status)
	require.Equal(t, "cf30b1e9-3ee9-436d-a73b-1f108e36e6fe",
		stateDo(t, ts, http.MethodGet, "/__standin/state/carecycle/inquiries/"+docInquiry, "").json(t)["assignedTo"])
	require.Positive(t, st.updates.Load(), "the behaviour wrote through the given store")
	require.Positive(t, st.views.Load(), "the admin API read through it")

	apis, err := stateAPIs()
	require.NoError(t, err)
	_, err = New(apis, Config{StateFile: "x.jsonl"}, WithStore(state.NewMemory(state.MemoryOptions{})))
	require.ErrorContains(t, err, "both a Store (WithStore) and a StateFile given")
}
