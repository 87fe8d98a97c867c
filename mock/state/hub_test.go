package state

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// fakeNow is a clock moved by hand.
type fakeNow struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeNow) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeNow) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// boundedHub opens an in-memory hub with opts; evicted collects the sessions it evicts.
func boundedHub(t *testing.T, opts HubOptions) (*Hub, *[]string) {
	t.Helper()
	var evicted []string
	var mu sync.Mutex
	opts.Keep = func(name string) bool { return name == "default" }
	opts.OnEvict = func(s *Session) {
		mu.Lock()
		defer mu.Unlock()
		evicted = append(evicted, s.Name())
	}
	h, err := NewHub(context.Background(), NewMemory(MemoryOptions{}), CopyState(testSeed), opts)
	require.NoError(t, err)
	t.Cleanup(func() { _ = h.Close() })
	return h, &evicted
}

func TestHubEvictsAtTheCap(t *testing.T) {
	clock := &fakeNow{t: testTime}
	h, evicted := boundedHub(t, HubOptions{MaxSessions: 3, Now: clock.now})
	for _, name := range []string{"default", "a", "b"} {
		put(t, session(t, h, name), "a/x", "w", Record{"id": "w", "by": name})
		clock.advance(time.Second)
	}
	a := session(t, h, "a")
	_, err := get(t, a, "a/x", "w") // a is now the most recently used
	require.NoError(t, err)
	clock.advance(time.Second)

	session(t, h, "c")
	require.Equal(t, []string{"b"}, *evicted, "the least recently used idle session goes")
	stored, err := h.Stored(context.Background())
	require.NoError(t, err)
	require.Equal(t, []string{"a", "default"}, stored, "its state is dropped from the store")
	n, out := h.Stats()
	require.Equal(t, 3, n)
	require.Equal(t, 1, out)

	b := session(t, h, "b")
	_, err = get(t, b, "a/x", "w")
	require.ErrorIs(t, err, ErrNotFound, "b starts again from the seed")
	require.Equal(t, []string{"b", "a"}, *evicted, "making b again evicted a, now the least recently used")
	_, err = get(t, a, "a/x", "w")
	require.ErrorIs(t, err, ErrEvicted, "a stale handle refuses use")
}

func TestHubNeverEvictsHeldKeptOrUnsaved(t *testing.T) {
	h, evicted := boundedHub(t, HubOptions{MaxSessions: 3})
	session(t, h, "default")
	held, err := h.Acquire("held")
	require.NoError(t, err)
	session(t, h, "unsaved")

	// A write still on its way to the disk: the store refuses to drop the session.
	mem := h.store.(*Memory)
	ms, _ := mem.session("unsaved", true)
	ms.latest.Store(ms.latest.Load().apply([]Op{{Kind: OpPut, Coll: "a/x", Key: "p", Record: Record{"id": "p"}}}, mem.seed))

	_, err = h.Acquire("one-more")
	require.ErrorIs(t, err, ErrTooManySessions)
	require.Empty(t, *evicted)

	held.Release()
	more, err := h.Acquire("one-more")
	require.NoError(t, err)
	more.Release()
	require.Equal(t, []string{"held"}, *evicted, "released, it may go")
}

func TestHubIdleTTL(t *testing.T) {
	clock := &fakeNow{t: testTime}
	h, evicted := boundedHub(t, HubOptions{IdleTTL: time.Hour, Now: clock.now})
	session(t, h, "default")
	session(t, h, "old")
	clock.advance(40 * time.Minute)
	session(t, h, "recent")
	clock.advance(30 * time.Minute)
	session(t, h, "new")
	require.Equal(t, []string{"old"}, *evicted, "idle for 70 minutes; the default session is kept")
}

func TestHubBadOptions(t *testing.T) {
	_, err := NewHub(context.Background(), NewMemory(MemoryOptions{}), State{}, HubOptions{MaxSessions: -1})
	require.ErrorContains(t, err, "MaxSessions -1 is negative")
	_, err = NewHub(context.Background(), NewMemory(MemoryOptions{}), State{}, HubOptions{IdleTTL: -time.Second})
	require.ErrorContains(t, err, "IdleTTL -1s is negative")
}

func TestHubConcurrentUse(t *testing.T) {
	h, _ := boundedHub(t, HubOptions{MaxSessions: 8})
	ctx := context.Background()
	var wg sync.WaitGroup
	for g := range 16 {
		wg.Go(func() {
			for i := range 200 {
				s, err := h.Acquire(fmt.Sprintf("s%d", (g+i)%12))
				if err != nil {
					require.ErrorIs(t, err, ErrTooManySessions)
					continue
				}
				key := fmt.Sprint(i % 5)
				require.NoError(t, s.Update(ctx, func(tx *Tx) error { return tx.Put("a/x", key, Record{"id": key, "g": float64(g)}) }))
				require.NoError(t, s.View(ctx, func(tx *Tx) error { _, err := tx.Get("a/x", key); return err }))
				s.Release()
			}
		})
	}
	wg.Wait()
	n, _ := h.Stats()
	require.LessOrEqual(t, n, 8)
}

func TestHubResetAllSkipsEvicted(t *testing.T) {
	h, _ := boundedHub(t, HubOptions{})
	a, b := session(t, h, "a"), session(t, h, "b")
	put(t, a, "a/x", "w", Record{"id": "w"})
	put(t, b, "a/x", "w", Record{"id": "w"})
	require.NoError(t, h.Drop(context.Background(), "a"))
	require.NoError(t, h.ResetAll(context.Background(), []*Session{a, b}))
	_, err := get(t, b, "a/x", "w")
	require.ErrorIs(t, err, ErrNotFound, "b is back to the seed")
}

// TestHubKeepsASessionWhoseDropFails drops through a store whose drops cannot be written: the idle session is
// not evicted (nor lost), the cap holds, and the eviction is tried again once the store can write.
func TestHubKeepsASessionWhoseDropFails(t *testing.T) {
	diskErr := errors.New("write state.jsonl: no space left on device")
	tests := []struct {
		name string
		opts HubOptions
		// newErr is what making a new session answers while drops fail ("" when it succeeds).
		newErr string
	}{
		{"at the cap", HubOptions{MaxSessions: 2}, "evicting idle session a failed, so it is kept"},
		{"past the idle TTL", HubOptions{IdleTTL: time.Minute}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			clock := &fakeNow{t: testTime}
			var evicted []string
			var mu sync.Mutex
			opts := tt.opts
			opts.Now = clock.now
			opts.OnEvict = func(s *Session) {
				mu.Lock()
				defer mu.Unlock()
				evicted = append(evicted, s.Name())
			}
			ms := newMapStore()
			h, err := NewHub(ctx, ms, State{}, opts)
			require.NoError(t, err)
			a := session(t, h, "a")
			put(t, a, "a/x", "k", Record{"id": "k"})
			put(t, session(t, h, "b"), "a/x", "k", Record{"id": "k"})
			clock.advance(2 * time.Minute) // both idle past the TTL; a is the least recently used

			ms.failDrops = diskErr
			c, err := h.Acquire("c")
			if tt.newErr != "" {
				require.ErrorIs(t, err, ErrTooManySessions)
				require.ErrorIs(t, err, diskErr)
				require.ErrorContains(t, err, tt.newErr)
				_, made := h.Lookup("c")
				require.False(t, made, "the cap holds: the new session is not made")
			} else {
				require.NoError(t, err)
				c.Release()
			}
			require.Empty(t, evicted, "no session is reported evicted")
			still, ok := h.Lookup("a")
			require.True(t, ok, "the session whose drop failed is kept")
			require.Same(t, a, still, "as it was")
			rec, err := get(t, a, "a/x", "k")
			require.NoError(t, err, "with its state")
			require.Equal(t, Record{"id": "k"}, rec)
			_, out := h.Stats()
			require.Zero(t, out)

			ms.failDrops = nil
			d, err := h.Acquire("d")
			require.NoError(t, err, "once the store can write, the eviction is tried again")
			d.Release()
			require.Contains(t, evicted, "a")
			_, ok = h.Lookup("a")
			require.False(t, ok)
			_, err = get(t, a, "a/x", "k")
			require.ErrorIs(t, err, ErrEvicted)
		})
	}
}

func TestHubDropThatFailsKeepsTheSession(t *testing.T) {
	ms := newMapStore()
	h, err := NewHub(context.Background(), ms, State{}, HubOptions{})
	require.NoError(t, err)
	s := session(t, h, "s")
	put(t, s, "a/x", "k", Record{"id": "k"})
	ms.failDrops = errors.New("no space left on device")
	require.ErrorContains(t, h.Drop(context.Background(), "s"), "no space left on device")
	kept, ok := h.Lookup("s")
	require.True(t, ok)
	require.Same(t, s, kept)
	_, err = get(t, s, "a/x", "k")
	require.NoError(t, err)
}
