package embedded

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/supplyeval/supplyeval/eventstore"
)

// crashChildEnv switches the test binary into the child role of
// TestCrashRecovery: append to the store in the named directory until
// killed.
const crashChildEnv = "EMBEDDED_CRASH_CHILD_DIR"

// Child role: crashWriters goroutines append batches of 1-crashMaxBatch
// events, each to its own stream with the exact expected version, and print
// one line per acknowledged append:
//
//	ack <stream> <last version> <last position> <batch size> <first event ID>
//
// The events of a batch carry "<first event ID>/<index>/<batch size>" in
// their metadata so that the parent can check that every batch in the log
// is whole.
const (
	crashWriters  = 4
	crashMaxBatch = 5
	// crashChildLimit stops a child that was somehow not killed.
	crashChildLimit = 20 * time.Second
)

func TestMain(m *testing.M) {
	if dir := os.Getenv(crashChildEnv); dir != "" {
		os.Exit(crashChild(dir))
	}
	os.Exit(m.Run())
}

func crashChild(dir string) int {
	s, err := Open(Config{Dir: dir})
	if err != nil {
		fmt.Fprintln(os.Stderr, "child: open:", err)
		return 2
	}
	ctx, cancel := context.WithTimeout(context.Background(), crashChildLimit)
	defer cancel()
	// Continue each stream where the previous child left it. The versions
	// Open rebuilt are read before any append can change them.
	expect := make([]eventstore.ExpectedVersion, crashWriters)
	for w := range crashWriters {
		expect[w] = eventstore.NoStream
		if v, ok := s.versions[fmt.Sprintf("crash-%d", w)]; ok {
			expect[w] = eventstore.ExactVersion(v)
		}
	}
	var out sync.Mutex
	var wg sync.WaitGroup
	for w := range crashWriters {
		wg.Go(func() {
			stream := fmt.Sprintf("crash-%d", w)
			expected := expect[w]
			r := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), uint64(w)))
			for ctx.Err() == nil {
				n := 1 + r.IntN(crashMaxBatch)
				evs := make([]eventstore.EventData, n)
				first := uuid.New()
				for i := range evs {
					id := first
					if i > 0 {
						id = uuid.New()
					}
					evs[i] = eventstore.EventData{
						ID:       id,
						Type:     "CrashTest",
						Data:     observationsJSON(1+r.IntN(200), r.Uint64()),
						Metadata: fmt.Appendf(nil, "%s/%d/%d", first, i, n),
					}
				}
				res, err := s.Append(ctx, stream, expected, evs)
				if err != nil {
					fmt.Fprintln(os.Stderr, "child: append:", err)
					os.Exit(3)
				}
				expected = eventstore.ExactVersion(res.Version)
				out.Lock()
				fmt.Fprintf(os.Stdout, "ack %s %d %d %d %s\n", stream, res.Version, res.Position, n, first)
				out.Unlock()
			}
		})
	}
	wg.Wait()
	return 0
}

// ack is one acknowledged append reported by the crash child.
type ack struct {
	stream   string
	version  uint64
	position eventstore.Position
	n        int
	first    string
}

// TestCrashRecovery kills a process that is appending with SIGKILL at a
// random moment, several times over the same directory, and checks after
// each kill that the reopened store holds every acknowledged event, that
// positions are gap-free from 1 to Head, that every stream's versions are
// consecutive and match the appends, and that every batch is whole.
func TestCrashRecovery(t *testing.T) {
	if testing.Short() {
		t.Skip("re-executes the test binary; skipped in -short mode")
	}
	dir := t.TempDir()
	const rounds = 4
	var acked []ack
	for round := range rounds {
		acks := runCrashChild(t, dir, time.Duration(20+rand.IntN(300))*time.Millisecond)
		t.Logf("round %d: killed the child after %d acknowledged appends", round, len(acks))
		acked = append(acked, acks...)
		verifyAfterCrash(t, dir, acked)
	}
}

// runCrashChild starts a child appending to dir, kills it with SIGKILL
// after it has acknowledged its first append and then run for about
// after, and returns what it acknowledged.
func runCrashChild(t *testing.T, dir string, after time.Duration) []ack {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), crashChildEnv+"="+dir)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Whatever happens, leave no child behind (a no-op once it is dead).
	defer cmd.Process.Kill()
	lines := make(chan string, 1024)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			lines <- sc.Text()
		}
	}()
	var acks []ack
	var killTimer <-chan time.Time
	deadline := time.After(15 * time.Second)
	for killed := false; ; {
		select {
		case line, ok := <-lines:
			if !ok {
				err := cmd.Wait()
				if !killed {
					t.Fatalf("child ended before it was killed: %v\n%s", err, stderr.String())
				}
				return acks
			}
			a, err := parseAck(line)
			if err != nil {
				// A line torn by the kill: the ack may not count.
				if killed {
					continue
				}
				t.Fatalf("child said %q: %v", line, err)
			}
			acks = append(acks, a)
			if len(acks) == 1 {
				killTimer = time.After(after)
			}
		case <-killTimer:
			if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
				t.Fatal(err)
			}
			killed, killTimer = true, nil
		case <-deadline:
			cmd.Process.Kill()
			t.Fatalf("child did not acknowledge an append, or did not die, within 15s\n%s", stderr.String())
		}
	}
}

func parseAck(line string) (ack, error) {
	f := strings.Fields(line)
	if len(f) != 6 || f[0] != "ack" {
		return ack{}, fmt.Errorf("not an ack line")
	}
	v, err1 := strconv.ParseUint(f[2], 10, 64)
	p, err2 := strconv.ParseUint(f[3], 10, 64)
	n, err3 := strconv.Atoi(f[4])
	if err1 != nil || err2 != nil || err3 != nil || len(f[5]) != 36 {
		return ack{}, fmt.Errorf("malformed ack line")
	}
	return ack{stream: f[1], version: v, position: eventstore.Position(p), n: n, first: f[5]}, nil
}

// verifyAfterCrash reopens the store in dir and checks it against acked.
func verifyAfterCrash(t *testing.T, dir string, acked []ack) {
	t.Helper()
	ctx := context.Background()
	s, err := Open(Config{Dir: dir})
	if err != nil {
		t.Fatalf("reopening after a crash: %v", err)
	}
	defer s.Close()
	head, err := s.Head(ctx)
	if err != nil {
		t.Fatal(err)
	}

	// Positions 1..head, gap-free (ReadAll itself refuses a gap).
	byPos := make(map[eventstore.Position]eventstore.RecordedEvent, head)
	nextVersion := map[string]uint64{}
	batches := map[string]int{} // first ID -> events seen
	batchSize := map[string]int{}
	for after := eventstore.Position(0); after < head; {
		evs, err := s.ReadAll(ctx, after, 500)
		if err != nil {
			t.Fatalf("ReadAll(%d) after a crash: %v", after, err)
		}
		if len(evs) == 0 {
			t.Fatalf("log ends at %d, head is %d", after, head)
		}
		for _, ev := range evs {
			if ev.Position != after+1 {
				t.Fatalf("position %d follows %d", ev.Position, after)
			}
			after = ev.Position
			byPos[ev.Position] = ev
			if ev.Version != nextVersion[ev.Stream] {
				t.Fatalf("%q: version %d at position %d, want %d", ev.Stream, ev.Version, ev.Position, nextVersion[ev.Stream])
			}
			nextVersion[ev.Stream]++
			parts := strings.Split(string(ev.Metadata), "/")
			if len(parts) != 3 {
				t.Fatalf("position %d: metadata %q", ev.Position, ev.Metadata)
			}
			size, _ := strconv.Atoi(parts[2])
			batches[parts[0]]++
			batchSize[parts[0]] = size
		}
	}
	if more, err := s.ReadAll(ctx, head, 10); err != nil || len(more) != 0 {
		t.Fatalf("ReadAll after head %d: %d events, %v", head, len(more), err)
	}
	for first, n := range batches {
		if n != batchSize[first] {
			t.Errorf("batch %s has %d of its %d events: appends are not atomic", first, n, batchSize[first])
		}
	}

	// Every acknowledged append is there, as acknowledged.
	for _, a := range acked {
		if a.position > head {
			t.Fatalf("acknowledged position %d of %q is past head %d: an acknowledged append was lost", a.position, a.stream, head)
		}
		for i := range a.n {
			ev := byPos[a.position-eventstore.Position(a.n-1-i)]
			if ev.Stream != a.stream || ev.Version != a.version-uint64(a.n-1-i) {
				t.Fatalf("acknowledged append %+v: position %d holds %q version %d", a, ev.Position, ev.Stream, ev.Version)
			}
			if i == 0 && ev.ID.String() != a.first {
				t.Fatalf("acknowledged append %+v: its first event is %s", a, ev.ID)
			}
		}
	}

	// The per-stream versions rebuilt by Open agree with the log, and
	// ReadStream agrees with ReadAll.
	for stream, next := range nextVersion {
		if v, ok := s.versions[stream]; !ok || v != next-1 {
			t.Fatalf("%q: Open rebuilt last version %d (known: %t), the log ends at %d", stream, v, ok, next-1)
		}
		if next >= 2 {
			if _, err := s.Append(ctx, stream, eventstore.ExactVersion(next-2), events(1, "Stale")); !errors.Is(err, eventstore.ErrWrongExpectedVersion) {
				t.Fatalf("%q: stale expected version %d: %v, want ErrWrongExpectedVersion", stream, next-2, err)
			}
		}
		evs, err := s.ReadStream(ctx, stream, next-1, 10)
		if err != nil || len(evs) != 1 || evs[0].Version != next-1 || byPos[evs[0].Position].ID != evs[0].ID {
			t.Fatalf("ReadStream(%q, %d): %v, %v", stream, next-1, evs, err)
		}
	}
	if len(s.versions) != len(nextVersion) {
		t.Fatalf("Open rebuilt versions of %d streams, the log has %d", len(s.versions), len(nextVersion))
	}
}
