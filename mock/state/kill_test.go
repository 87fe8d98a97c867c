package state

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestDurableAcrossSIGKILL runs writers in a child process on a state file that compacts every 25 lines, kills
// the child with SIGKILL after a random number of acknowledged writes, reopens the file, and requires every
// acknowledged write; then does it again on the same file. Kills land during writes, fsyncs and compactions.
func TestDurableAcrossSIGKILL(t *testing.T) {
	if os.Getenv("STANDIN_KILL_CHILD") != "" {
		t.Skip("runs in the parent")
	}
	seed := uint64(time.Now().UnixNano())
	t.Logf("kill points from seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 1))
	path := filepath.Join(t.TempDir(), "state.jsonl")
	acked := map[string]int{} // "session/key" -> the last acknowledged value
	for round := range 4 {
		killAfter := 30 + rng.IntN(400)
		n := runKillChild(t, path, round, killAfter, acked)
		t.Logf("round %d: killed after %d acknowledged writes", round, n)

		h := mustOpenFile(t, path, MemoryOptions{CompactEvery: 25})
		lost := 0
		for sk, want := range acked {
			sess, key, _ := strings.Cut(sk, "/")
			rec, err := get(t, session(t, h, sess), "a/k", key)
			if err != nil || int(rec["n"].(float64)) < want {
				lost++
				t.Errorf("round %d: %s: acknowledged %d, found %v (%v)", round, sk, want, rec, err)
			}
		}
		require.Zero(t, lost, "acknowledged writes lost")
		require.NoError(t, h.Close())
	}
}

// runKillChild starts the child, reads acknowledgements into acked until killAfter of them, and kills it.
func runKillChild(t *testing.T, path string, round, killAfter int, acked map[string]int) int {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestKillChild$")
	cmd.Env = append(os.Environ(), "STANDIN_KILL_CHILD="+path, "STANDIN_KILL_ROUND="+strconv.Itoa(round))
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	cmd.Stderr = os.Stderr
	require.NoError(t, cmd.Start())
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	sc := bufio.NewScanner(stdout)
	n := 0
	for n < killAfter && sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) != 3 || f[0] != "ack" {
			continue
		}
		v, err := strconv.Atoi(f[2])
		require.NoError(t, err)
		acked[f[1]] = v
		n++
	}
	require.NoError(t, cmd.Process.Signal(syscall.SIGKILL))
	for sc.Scan() { // acknowledgements already written before the kill count too
		if f := strings.Fields(sc.Text()); len(f) == 3 && f[0] == "ack" {
			v, _ := strconv.Atoi(f[2])
			acked[f[1]] = v
			n++
		}
	}
	require.Positive(t, n, "the child acknowledged writes")
	return n
}

// TestKillChild is the child of TestDurableAcrossSIGKILL: four writers, each on its own session and keys,
// print "ack session/key n" after each write is durable, until they are killed.
func TestKillChild(t *testing.T) {
	path := os.Getenv("STANDIN_KILL_CHILD")
	if path == "" {
		t.Skip("only runs as the child of TestDurableAcrossSIGKILL")
	}
	round, _ := strconv.Atoi(os.Getenv("STANDIN_KILL_ROUND"))
	h, err := openFile(t, path, MemoryOptions{CompactEvery: 25})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(3)
	}
	var out sync.Mutex
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			sess := fmt.Sprintf("w%d", w)
			s, err := h.Session(sess)
			if err != nil {
				panic(err)
			}
			for i := 0; i < 1_000_000; i++ {
				key := strconv.Itoa(i % 10)
				n := round*1_000_000 + i // rises across rounds, so a value from before the last kill is caught
				err := s.Update(context.Background(), func(tx *Tx) error {
					if i%17 == 0 { // some transactions of two changes: both or neither
						if err := tx.Put("a/other", key, Record{"id": key}); err != nil {
							return err
						}
					}
					return tx.Put("a/k", key, Record{"id": key, "n": float64(n)})
				})
				if err != nil {
					panic(err)
				}
				out.Lock()
				fmt.Printf("ack %s/%s %d\n", sess, key, n)
				out.Unlock()
			}
		})
	}
	wg.Wait()
}
