package embedded

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cockroachdb/pebble/v2"
	"github.com/google/uuid"

	"github.com/supplyeval/supplyeval/eventstore"
)

func events(n int, typ string) []eventstore.EventData {
	evs := make([]eventstore.EventData, n)
	for i := range evs {
		evs[i] = eventstore.EventData{ID: uuid.New(), Type: typ, Data: []byte(`{"i":` + string(rune('0'+i%10)) + `}`)}
	}
	return evs
}

func mustAppend(tb testing.TB, s *Store, stream string, expected eventstore.ExpectedVersion, evs []eventstore.EventData) eventstore.AppendResult {
	tb.Helper()
	res, err := s.Append(context.Background(), stream, expected, evs)
	if err != nil {
		tb.Fatalf("Append(%q, %s): %v", stream, expected, err)
	}
	return res
}

func mustClose(tb testing.TB, s *Store) {
	tb.Helper()
	if err := s.Close(); err != nil {
		tb.Fatalf("Close: %v", err)
	}
}

func TestConfigValidate(t *testing.T) {
	if err := (Config{Dir: "d"}).Validate(); err != nil {
		t.Errorf("minimal config: %v", err)
	}
	err := Config{MaxGroupBytes: -1, MemTableSize: 10, CacheSize: -1}.Validate()
	if err == nil {
		t.Fatal("bad config accepted")
	}
	for _, field := range []string{"Dir", "MaxGroupBytes", "MemTableSize", "CacheSize"} {
		if !strings.Contains(err.Error(), "Config."+field) {
			t.Errorf("error %q does not mention %s", err, field)
		}
	}
	if _, err := Open(Config{}); err == nil {
		t.Error("Open accepted a config without Dir")
	}
}

func TestOpenRefusesDirInUse(t *testing.T) {
	dir := t.TempDir()
	s := openTemp(t, Config{Dir: dir})
	defer mustClose(t, s)
	if s2, err := Open(Config{Dir: dir}); err == nil {
		s2.Close()
		t.Fatal("a second Open of a directory in use succeeded")
	}
}

func TestOpenRefusesOtherFormat(t *testing.T) {
	dir := t.TempDir()
	mustClose(t, openTemp(t, Config{Dir: dir}))
	withPebble(t, dir, func(db *pebble.DB) {
		if err := db.Set(metaFormatKey, []byte("something-else/9"), pebble.Sync); err != nil {
			t.Fatal(err)
		}
	})
	if s, err := Open(Config{Dir: dir}); err == nil {
		s.Close()
		t.Fatal("Open accepted a store of another format")
	}
}

// withPebble opens the database of a closed store directly.
func withPebble(tb testing.TB, dir string, fn func(db *pebble.DB)) {
	tb.Helper()
	opts, release := pebbleOptions(Config{Dir: dir}.withDefaults(), true)
	db, err := pebble.Open(dir, opts)
	release()
	if err != nil {
		tb.Fatal(err)
	}
	fn(db)
	if err := db.Close(); err != nil {
		tb.Fatal(err)
	}
}

func TestReopenKeepsEverything(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s := openTemp(t, Config{Dir: dir})
	mustAppend(t, s, "region-DE11", eventstore.NoStream, events(3, "RegionDefined"))
	mustAppend(t, s, "indicator-PRICE", eventstore.NoStream, events(2, "IndicatorDefined"))
	last := mustAppend(t, s, "region-DE11", eventstore.ExactVersion(2), events(1, "RegionsLinked"))
	before, err := s.ReadAll(ctx, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	mustClose(t, s)

	s = openTemp(t, Config{Dir: dir})
	defer mustClose(t, s)
	if head, _ := s.Head(ctx); head != last.Position || head != 6 {
		t.Fatalf("Head after reopening is %d, want %d", head, last.Position)
	}
	after, err := s.ReadAll(ctx, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	if len(after) != len(before) {
		t.Fatalf("%d events after reopening, %d before", len(after), len(before))
	}
	for i := range after {
		if after[i].ID != before[i].ID || after[i].Position != before[i].Position || !after[i].Recorded.Equal(before[i].Recorded) {
			t.Errorf("event %d changed across reopening: %+v, was %+v", i, after[i], before[i])
		}
	}
	// Stream versions survived: the expectations are checked against them.
	if _, err := s.Append(ctx, "region-DE11", eventstore.ExactVersion(2), events(1, "Stale")); !errors.Is(err, eventstore.ErrWrongExpectedVersion) {
		t.Errorf("stale expected version after reopening: %v, want ErrWrongExpectedVersion", err)
	}
	if _, err := s.Append(ctx, "indicator-PRICE", eventstore.NoStream, events(1, "Stale")); !errors.Is(err, eventstore.ErrWrongExpectedVersion) {
		t.Errorf("NoStream on an existing stream after reopening: %v, want ErrWrongExpectedVersion", err)
	}
	res := mustAppend(t, s, "region-DE11", eventstore.ExactVersion(3), events(1, "RegionsLinked"))
	if res.Version != 4 || res.Position != 7 {
		t.Errorf("append after reopening: version %d position %d, want 4 and 7", res.Version, res.Position)
	}
}

func TestRecordedUsesClock(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	var mu sync.Mutex
	now := time.Date(2026, 3, 1, 9, 30, 0, 0, time.FixedZone("CET", 3600))
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	set := func(t time.Time) { mu.Lock(); now = t; mu.Unlock() }

	s := openTemp(t, Config{Dir: dir, Now: clock})
	mustAppend(t, s, "a", eventstore.Any, events(2, "E"))
	set(now.Add(-time.Hour)) // the clock steps back
	mustAppend(t, s, "a", eventstore.Any, events(1, "E"))
	mustClose(t, s)
	s = openTemp(t, Config{Dir: dir, Now: clock}) // and stays back across a restart
	defer mustClose(t, s)
	mustAppend(t, s, "a", eventstore.Any, events(1, "E"))
	set(time.Date(2026, 3, 2, 0, 0, 0, 1, time.UTC))
	mustAppend(t, s, "a", eventstore.Any, events(1, "E"))

	evs, err := s.ReadStream(ctx, "a", 0, 10)
	if err != nil {
		t.Fatal(err)
	}
	first := time.Date(2026, 3, 1, 8, 30, 0, 0, time.UTC)
	want := []time.Time{first, first, first, first, time.Date(2026, 3, 2, 0, 0, 0, 1, time.UTC)}
	for i, ev := range evs {
		if !ev.Recorded.Equal(want[i]) || ev.Recorded.Location() != time.UTC {
			t.Errorf("event %d recorded %v, want %v (UTC)", i, ev.Recorded, want[i])
		}
	}
}

func TestZeroIDGetsOne(t *testing.T) {
	s := openTemp(t, Config{})
	defer mustClose(t, s)
	evs := []eventstore.EventData{{Type: "A"}, {ID: uuid.New(), Type: "B"}, {Type: "C"}}
	mustAppend(t, s, "ids", eventstore.NoStream, evs)
	if evs[0].ID != uuid.Nil || evs[2].ID != uuid.Nil {
		t.Error("Append wrote IDs into the caller's events")
	}
	got, err := s.ReadStream(context.Background(), "ids", 0, 10)
	if err != nil {
		t.Fatal(err)
	}
	if got[0].ID == uuid.Nil || got[2].ID == uuid.Nil || got[0].ID == got[2].ID || got[1].ID != evs[1].ID {
		t.Errorf("stored IDs %s %s %s", got[0].ID, got[1].ID, got[2].ID)
	}
}

// TestGroupCommit checks that appends queued while a commit syncs are
// committed together, with one sync, and that a refused append among them
// costs the others nothing.
func TestGroupCommit(t *testing.T) {
	var seen []Commit // what OnCommit was told, for the metrics
	var seenMu sync.Mutex
	s := openTemp(t, Config{OnCommit: func(c Commit) {
		seenMu.Lock()
		seen = append(seen, c)
		seenMu.Unlock()
	}})
	defer mustClose(t, s)
	ctx := context.Background()
	const writers = 8

	// Hold the first commit until all the writers have queued.
	inCommit := make(chan struct{})
	var first sync.Once
	s.beforeCommit = func() {
		first.Do(func() {
			close(inCommit)
			deadline := time.Now().Add(10 * time.Second)
			for len(s.reqs) < writers && time.Now().Before(deadline) {
				time.Sleep(time.Millisecond)
			}
		})
	}
	start := s.commits.Load()
	var wg sync.WaitGroup
	wg.Go(func() {
		if _, err := s.Append(ctx, "taken", eventstore.NoStream, events(1, "E")); err != nil {
			t.Error(err)
		}
	})
	<-inCommit
	results := make([]eventstore.AppendResult, writers)
	errs := make([]error, writers)
	for w := range writers {
		wg.Go(func() {
			stream := "w-" + string(rune('a'+w))
			if w == writers/2 {
				stream = "taken" // refused, in the middle of the group
			}
			results[w], errs[w] = s.Append(ctx, stream, eventstore.NoStream, events(2, "E"))
		})
	}
	wg.Wait()
	if commits := s.commits.Load() - start; commits != 2 {
		t.Errorf("%d appends queued behind a commit took %d more commits, want 1", writers, commits-1)
	}
	positions := map[eventstore.Position]bool{}
	for w, err := range errs {
		switch {
		case w == writers/2:
			if !errors.Is(err, eventstore.ErrWrongExpectedVersion) {
				t.Errorf("append to an existing stream at NoStream: %v", err)
			}
		case err != nil:
			t.Fatalf("writer %d: %v", w, err)
		default:
			positions[results[w].Position] = true
		}
	}
	// The accepted appends end at 3, 5, ..., 15: gap-free despite the
	// refusal among them.
	for p := eventstore.Position(3); p <= 15; p += 2 {
		if !positions[p] {
			t.Errorf("no append ended at position %d; got %v", p, positions)
		}
	}
	if head, _ := s.Head(ctx); head != 15 {
		t.Errorf("Head %d, want 15", head)
	}
	// OnCommit saw both: one append of one event, then the 7 accepted of
	// the group (the refused one not counted) with their 14 events.
	seenMu.Lock()
	defer seenMu.Unlock()
	if len(seen) != 2 || seen[0].Appends != 1 || seen[0].Events != 1 || seen[1].Appends != writers-1 || seen[1].Events != 2*(writers-1) || seen[1].Took <= 0 {
		t.Errorf("OnCommit saw %+v, want {1 1} then {%d %d} with their sync times", seen, writers-1, 2*(writers-1))
	}
}

// TestCloseDuringAppends checks that appends racing Close either succeed
// durably or fail with ErrClosed.
func TestCloseDuringAppends(t *testing.T) {
	dir := t.TempDir()
	s := openTemp(t, Config{Dir: dir})
	var mu sync.Mutex
	var acked []eventstore.Position
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for range 200 {
				res, err := s.Append(context.Background(), "c-"+string(rune('a'+w)), eventstore.Any, events(2, "E"))
				if errors.Is(err, eventstore.ErrClosed) {
					return
				}
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				acked = append(acked, res.Position)
				mu.Unlock()
			}
		})
	}
	time.Sleep(5 * time.Millisecond)
	mustClose(t, s)
	wg.Wait()
	s = openTemp(t, Config{Dir: dir})
	defer mustClose(t, s)
	head, _ := s.Head(context.Background())
	for _, p := range acked {
		if p > head {
			t.Fatalf("acknowledged position %d is past head %d after reopening", p, head)
		}
	}
	if int(head) != 2*len(acked) {
		t.Errorf("head %d after %d acknowledged appends of 2 events", head, len(acked))
	}
}

func TestDamageIsReported(t *testing.T) {
	ctx := context.Background()
	setup := func(t *testing.T, damage func(db *pebble.DB) error) *Store {
		dir := t.TempDir()
		s := openTemp(t, Config{Dir: dir})
		mustAppend(t, s, "a", eventstore.NoStream, events(2, "E"))
		mustAppend(t, s, "b", eventstore.NoStream, events(2, "E"))
		mustClose(t, s)
		withPebble(t, dir, func(db *pebble.DB) {
			if err := damage(db); err != nil {
				t.Fatal(err)
			}
		})
		s = openTemp(t, Config{Dir: dir})
		t.Cleanup(func() { s.Close() })
		return s
	}
	check := func(t *testing.T, s *Store, stream, mention string) {
		t.Helper()
		if _, err := s.ReadAll(ctx, 0, 10); !errors.Is(err, eventstore.ErrCorrupt) || !strings.Contains(err.Error(), mention) {
			t.Errorf("ReadAll: %v, want ErrCorrupt mentioning %q", err, mention)
		}
		if _, err := s.ReadStream(ctx, stream, 0, 10); !errors.Is(err, eventstore.ErrCorrupt) {
			t.Errorf("ReadStream(%q): %v, want ErrCorrupt", stream, err)
		}
		sub, err := s.SubscribeAll(ctx, 0)
		if err != nil {
			t.Fatal(err)
		}
		defer sub.Close()
		if _, err := sub.Next(ctx); !errors.Is(err, eventstore.ErrCorrupt) {
			t.Errorf("Next: %v, want ErrCorrupt", err)
		}
	}

	t.Run("FlippedBit", func(t *testing.T) {
		s := setup(t, func(db *pebble.DB) error {
			v, closer, err := db.Get(eventKey(3))
			if err != nil {
				return err
			}
			damaged := append([]byte(nil), v...)
			closer.Close()
			damaged[len(damaged)-2] ^= 0x04
			return db.Set(eventKey(3), damaged, pebble.Sync)
		})
		check(t, s, "b", "position 3")
		// Events before the damage still read.
		if evs, err := s.ReadAll(ctx, 0, 2); err != nil || len(evs) != 2 {
			t.Errorf("ReadAll before the damage: %d events, %v", len(evs), err)
		}
	})
	t.Run("MissingPosition", func(t *testing.T) {
		s := setup(t, func(db *pebble.DB) error { return db.Delete(eventKey(3), pebble.Sync) })
		check(t, s, "b", "position 3")
	})
	t.Run("MisplacedRecord", func(t *testing.T) {
		s := setup(t, func(db *pebble.DB) error {
			v, closer, err := db.Get(eventKey(4))
			if err != nil {
				return err
			}
			defer closer.Close()
			return db.Set(eventKey(3), v, pebble.Sync)
		})
		check(t, s, "b", "position 3")
	})
}
