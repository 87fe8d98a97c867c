package mock

import (
	"bytes"
	"context"
	"log/slog"
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

// prefilledStore is a Store that is not a state.Checker (it hides the in-memory store's SetCheck) and already
// holds session ci when the server opens it: the spec's inquiry docInquiry, and a copy under key "stale" whose
// status is a number, as a record written under an older spec would be.
type prefilledStore struct{ state.Store }

func (p prefilledStore) Open(ctx context.Context, seed state.State) error {
	if err := p.Store.Open(ctx, seed); err != nil {
		return err
	}
	pend, err := p.Store.Update(ctx, "ci", func(cur, _ state.Reader) ([]state.Op, error) {
		rec, err := cur.Get("carecycle/inquiries", docInquiry)
		if err != nil {
			return nil, err
		}
		stale := state.DeepCopyRecord(rec)
		stale["id"], stale["status"] = "stale", 42
		return []state.Op{{Kind: state.OpPut, Coll: "carecycle/inquiries", Key: "stale", Record: stale}}, nil
	})
	if err != nil {
		return err
	}
	return pend.Wait()
}

func TestStateCustomStoreIsRevalidatedAtStart(t *testing.T) {
	var logs bytes.Buffer
	st := prefilledStore{state.NewMemory(state.MemoryOptions{})}
	_, isChecker := any(st).(state.Checker)
	require.False(t, isChecker)
	ts, _ := stateServer(t, Config{}, WithStore(st), WithLogger(slog.New(slog.NewTextHandler(&logs, nil))))

	tests := []struct {
		path   string
		status int
	}{
		{"/__standin/state/carecycle/inquiries/stale?session=ci", 404},
		{"/__standin/state/carecycle/inquiries/" + docInquiry + "?session=ci", 200},
	}
	for _, tt := range tests {
		require.Equal(t, tt.status, stateDo(t, ts, http.MethodGet, tt.path, "").status, tt.path)
	}
	require.Contains(t, logs.String(), "stored record no longer fits the spec: removed, not served")
	require.Contains(t, logs.String(), "key=stale")
}
