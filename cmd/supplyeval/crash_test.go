package main

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// ingest is what the writers of the crash tests acknowledged and what they
// had in flight when the server went away. Each writer of each round
// writes its own series (dimension writer=rROUNDwW), keys are
// "SERIES PERIOD".
type ingest struct {
	mu       sync.Mutex
	series   map[string]bool    // the writers' dimension values
	acked    map[string]float64 // key -> value, acknowledged
	inFlight map[string]float64 // sent without an answer: unknown outcome
	cmdIDs   map[string]string  // key -> the command ID it was sent with
	writes   int                // acknowledged requests
	otherErr []error            // errors that are not the server going away
}

func newIngest() *ingest {
	return &ingest{series: map[string]bool{}, acked: map[string]float64{}, inFlight: map[string]float64{}, cmdIDs: map[string]string{}}
}

const recordBatch = `mutation($id: String!, $rows: [ObservationRowInput!]!) {
  recordObservations(input: {indicator: "seizures", source: "crash", commandId: $id, rows: $rows}) { position duplicate } }`

// seedCrashWorld defines the region and the daily indicator the writers use.
func seedCrashWorld(s *server) {
	s.must(`mutation {
	  a: defineRegion(input: {code: "DE60", name: "Hamburg", country: "DE", level: NUTS2}) { position }
	  b: defineIndicator(input: {code: "seizures", name: "Cocaine seizures", family: AVAILABILITY, unit: "count",
	     granularity: DAY, desiredDirection: NONE}) { position }
	}`, nil)
}

// write sends rows of series (days from first, batch of n) with command ID
// id and notes the outcome. It reports false when the server is gone.
func (in *ingest) write(s *server, id, series string, first time.Time, n int, base float64) bool {
	rows := make([]any, n)
	periods := make([]string, n)
	in.mu.Lock()
	in.series[series] = true
	for i := range n {
		day := first.AddDate(0, 0, i).Format("2006-01-02")
		periods[i] = series + " " + day
		rows[i] = map[string]any{"region": "DE60", "period": day, "value": base + float64(i), "dimensions": dimsOf(series)}
		in.inFlight[periods[i]] = base + float64(i)
		in.cmdIDs[periods[i]] = id
	}
	in.mu.Unlock()
	_, err := s.query(recordBatch, map[string]any{"id": id, "rows": rows})
	in.mu.Lock()
	defer in.mu.Unlock()
	if err != nil {
		var ne net.Error
		var op *net.OpError
		if !errors.As(err, &ne) && !errors.As(err, &op) && !errors.Is(err, syscall.ECONNRESET) && !isEOF(err) {
			in.otherErr = append(in.otherErr, err)
		}
		return false
	}
	for i, p := range periods {
		in.acked[p] = base + float64(i)
		delete(in.inFlight, p)
	}
	in.writes++
	return true
}

func dimsOf(series string) []any {
	return []any{map[string]any{"key": "writer", "value": series}}
}

func isEOF(err error) bool {
	for e := err; e != nil; e = errors.Unwrap(e) {
		if s := e.Error(); s == "EOF" || s == "unexpected EOF" {
			return true
		}
	}
	return false
}

// writers runs n writers, each recording batches of batch days, until ctx
// ends or the server goes away. Writer w of round r writes its own days.
func (in *ingest) writers(ctx context.Context, s *server, round, n, batch int) *sync.WaitGroup {
	var wg sync.WaitGroup
	for w := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			start := time.Date(1901, 1, 1, 0, 0, 0, 0, time.UTC)
			series := fmt.Sprintf("r%dw%d", round, w)
			for i := 0; ctx.Err() == nil && i*batch < 100000-batch; i++ {
				id := fmt.Sprintf("crash-%d-%d-%d", round, w, i)
				if !in.write(s, id, series, start.AddDate(0, 0, i*batch), batch, float64(i*batch)) {
					return
				}
			}
		}()
	}
	return &wg
}

// verify checks that every acknowledged observation is present with its
// value, then retries what was in flight with the same command IDs: each
// must be answered (recorded now or a duplicate) and nothing recorded twice.
func (in *ingest) verify(t *testing.T, s *server) int {
	t.Helper()
	if strings.Contains(s.log(), `"level":"error"`) {
		t.Fatalf("the restarted server logged errors:\n%s", s.log())
	}
	got := map[string]float64{}
	in.mu.Lock()
	defer in.mu.Unlock()
	for series := range in.series {
		data := s.must(`query($d: [DimensionInput!]) { series(indicator: "seizures", region: "DE60", dimensions: $d) { points { period value } } }`,
			map[string]any{"d": dimsOf(series)})
		for _, p := range data["series"].(map[string]any)["points"].([]any) {
			pt := p.(map[string]any)
			key := series + " " + pt["period"].(string)
			if _, dup := got[key]; dup {
				t.Fatalf("%s recorded twice", key)
			}
			got[key] = pt["value"].(float64)
		}
	}
	for p, v := range in.acked {
		if g, ok := got[p]; !ok || g != v {
			t.Fatalf("acknowledged observation %s=%g lost (got %g, %v); logs:\n%s", p, v, g, ok, s.log())
		}
	}
	// Retry the unknown outcomes, one command at a time.
	byID := map[string][]string{}
	for p := range in.inFlight {
		byID[in.cmdIDs[p]] = append(byID[in.cmdIDs[p]], p)
	}
	for id, periods := range byID {
		rows := make([]any, 0, len(periods))
		for _, key := range periods {
			series, day, _ := strings.Cut(key, " ")
			rows = append(rows, map[string]any{"region": "DE60", "period": day, "value": in.inFlight[key], "dimensions": dimsOf(series)})
		}
		r, err := s.query(recordBatch, map[string]any{"id": id, "rows": sortRows(rows)})
		if err != nil {
			t.Fatalf("retrying %s after the crash: %v", id, err)
		}
		_ = r
		for _, p := range periods {
			in.acked[p] = in.inFlight[p]
			delete(in.inFlight, p)
		}
	}
	return len(got)
}

// sortRows puts rows in period order, as they were first sent (the
// command's fingerprint covers their order).
func sortRows(rows []any) []any {
	for i := 1; i < len(rows); i++ {
		for j := i; j > 0 && rows[j].(map[string]any)["period"].(string) < rows[j-1].(map[string]any)["period"].(string); j-- {
			rows[j], rows[j-1] = rows[j-1], rows[j]
		}
	}
	return rows
}

// TestCrashLoop kills the server with SIGKILL during ingest again and
// again (SUPPLYEVAL_CRASH_KILLS times; `make crash` sets 20): after each
// restart the store must open, every acknowledged write must be there,
// and retrying the writes in flight with their command IDs must record
// each exactly once.
func TestCrashLoop(t *testing.T) {
	kills, _ := strconv.Atoi(os.Getenv("SUPPLYEVAL_CRASH_KILLS"))
	if kills <= 0 {
		t.Skip("set SUPPLYEVAL_CRASH_KILLS=20 (make crash) to kill -9 the server during ingest that many times")
	}
	data := t.TempDir()
	in := newIngest()
	s := startServer(t, data)
	seedCrashWorld(s)
	rng := rand.New(rand.NewPCG(1, 2))
	started := time.Now()
	for round := range kills {
		ctx, cancel := context.WithCancel(context.Background())
		wg := in.writers(ctx, s, round, 8, 1+rng.IntN(50))
		time.Sleep(time.Duration(200+rng.IntN(1500)) * time.Millisecond) // kill at a random instant
		s.kill()
		cancel()
		wg.Wait()
		s = startServer(t, data)
		n := in.verify(t, s)
		in.mu.Lock()
		t.Logf("kill %d: %d acknowledged requests so far, %d observations in the store, all acknowledged present", round+1, in.writes, n)
		in.mu.Unlock()
	}
	n := in.verify(t, s)
	s.stop()
	if len(in.otherErr) > 0 {
		t.Errorf("%d errors besides the server going away, first: %v", len(in.otherErr), in.otherErr[0])
	}
	fmt.Printf("crash: %d kills in %s; %d acknowledged write requests, %d observations; none lost, store opened cleanly every time\n",
		kills, time.Since(started).Round(time.Second), in.writes, n)
}

// TestGracefulShutdownFinishesWritesInFlight sends SIGTERM while writers
// are busy: the server must exit cleanly, every acknowledged write must be
// there after a restart, and no request may fail other than by finding
// the server gone.
func TestGracefulShutdownFinishesWritesInFlight(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the binary")
	}
	data := t.TempDir()
	in := newIngest()
	s := startServer(t, data)
	seedCrashWorld(s)
	ctx, cancel := context.WithCancel(context.Background())
	wg := in.writers(ctx, s, 0, 8, 20)
	for deadline := time.Now().Add(30 * time.Second); in.count() < 50; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("only %d writes in 30 s; logs:\n%s", in.count(), s.log())
		}
	}
	s.stop() // SIGTERM; fails the test unless the exit is clean
	cancel()
	wg.Wait()
	if len(in.otherErr) > 0 {
		t.Fatalf("%d requests failed during shutdown, first: %v", len(in.otherErr), in.otherErr[0])
	}
	s = startServer(t, data)
	in.verify(t, s)
	t.Logf("%d writes acknowledged before SIGTERM, all present", in.count())
}

func (in *ingest) count() int {
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.writes
}
