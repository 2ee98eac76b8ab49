package eventstoretest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/supplyeval/supplyeval/eventstore"
)

func testAppendReadRoundTrip(t *testing.T, h *harness) {
	s, ctx, st := h.store(t), h.ctx(t), newStreams(t)
	stream := st.name("indicator-PRICE")
	before := mustHead(t, ctx, s)

	start := time.Now()
	first := newEvents(3, "ObservationsRecorded")
	first[1].Metadata = nil // metadata is optional
	res1 := mustAppend(t, ctx, s, stream, eventstore.NoStream, first)
	second := newEvents(2, "ObservationRevised")
	res2 := mustAppend(t, ctx, s, stream, eventstore.ExactVersion(res1.Version), second)
	end := time.Now()

	if res1.Version != 2 || res2.Version != 4 {
		t.Errorf("append results have versions %d and %d, want 2 and 4", res1.Version, res2.Version)
	}
	if res1.Position <= before || res2.Position <= res1.Position {
		t.Errorf("append results have positions %d then %d after head %d; want increasing", res1.Position, res2.Position, before)
	}
	if h.f.GapFreePositions && res2.Position != res1.Position+2 {
		t.Errorf("second append of 2 events ends at %d, first at %d: want consecutive positions", res2.Position, res1.Position)
	}
	want := append(append([]eventstore.EventData(nil), first...), second...)

	check := func(t *testing.T, got []eventstore.RecordedEvent) {
		t.Helper()
		if len(got) != len(want) {
			t.Fatalf("read %d events, want %d", len(got), len(want))
		}
		for i, ev := range got {
			h.checkEvent(t, ev, want[i], stream, uint64(i), start, end)
		}
		h.checkPositions(t, got, before)
		if got[2].Position != res1.Position || got[4].Position != res2.Position {
			t.Errorf("events 2 and 4 are at %d and %d, appends said %d and %d", got[2].Position, got[4].Position, res1.Position, res2.Position)
		}
	}

	t.Run("ReadStream", func(t *testing.T) {
		check(t, mustReadStream(t, ctx, s, stream, 0, 100))
	})
	t.Run("ReadAll", func(t *testing.T) {
		check(t, st.filter(readAllUntil(t, ctx, s, before, res2.Position, 100)))
	})
	t.Run("SubscribeAll", func(t *testing.T) {
		sub, err := s.SubscribeAll(ctx, before)
		if err != nil {
			t.Fatal(err)
		}
		defer sub.Close()
		var got []eventstore.RecordedEvent
		for len(got) < len(want) {
			ev, err := sub.Next(ctx)
			if err != nil {
				t.Fatalf("Next after %d events: %v", len(got), err)
			}
			if st.owns(ev.Stream) {
				got = append(got, ev)
			}
		}
		check(t, got)
	})
}

// refusal is an append that must be refused with a *WrongVersionError.
type refusal struct {
	name     string
	stream   string
	expected eventstore.ExpectedVersion
	actual   int64
}

func testExpectedVersion(t *testing.T, h *harness) {
	s, ctx, st := h.store(t), h.ctx(t), newStreams(t)

	// An existing stream with versions 0..2.
	existing := st.name("operation-existing")
	mustAppend(t, ctx, s, existing, eventstore.NoStream, newEvents(3, "OperationLaunched"))

	t.Run("Accepted", func(t *testing.T) {
		cases := []struct {
			name        string
			stream      string
			expected    eventstore.ExpectedVersion
			wantVersion uint64
		}{
			{"AnyOnNewStream", st.name("any-new"), eventstore.Any, 0},
			{"NoStreamOnNewStream", st.name("nostream-new"), eventstore.NoStream, 0},
			{"AnyOnExisting", existing, eventstore.Any, 3},
			{"StreamExistsOnExisting", existing, eventstore.StreamExists, 4},
			{"ExactOnExisting", existing, eventstore.ExactVersion(4), 5},
		}
		for _, c := range cases {
			res, err := s.Append(ctx, c.stream, c.expected, newEvents(1, "Accepted"))
			if err != nil {
				t.Errorf("%s: Append(%s): %v", c.name, c.expected, err)
				continue
			}
			if res.Version != c.wantVersion {
				t.Errorf("%s: Append(%s) gave version %d, want %d", c.name, c.expected, res.Version, c.wantVersion)
			}
		}
	})

	t.Run("Refused", func(t *testing.T) {
		fresh := st.name("never-written")
		cases := []refusal{
			{"NoStreamOnExisting", existing, eventstore.NoStream, 5},
			{"StreamExistsOnNewStream", fresh, eventstore.StreamExists, eventstore.NoVersion},
			{"ExactTooLow", existing, eventstore.ExactVersion(2), 5},
			{"ExactTooHigh", existing, eventstore.ExactVersion(9), 5},
			{"ExactZeroOnNewStream", fresh, eventstore.ExactVersion(0), eventstore.NoVersion},
		}
		before := mustHead(t, ctx, s)
		var refused []uuid.UUID
		for _, c := range cases {
			evs := newEvents(2, "Refused")
			refused = append(refused, evs[0].ID, evs[1].ID)
			checkRefused(t, ctx, s, c, evs)
		}
		// Nothing was appended: the streams are as they were...
		if got := mustReadStream(t, ctx, s, existing, 0, 100); len(got) != 6 {
			t.Errorf("%q has %d events after refused appends, want 6", existing, len(got))
		}
		if _, err := s.ReadStream(ctx, fresh, 0, 10); !errors.Is(err, eventstore.ErrStreamNotFound) {
			t.Errorf("ReadStream of a stream whose only appends were refused: %v, want ErrStreamNotFound", err)
		}
		// ...and the refused events are nowhere in the log.
		mark := mustAppend(t, ctx, s, st.name("mark"), eventstore.NoStream, newEvents(1, "Mark"))
		for _, ev := range readAllUntil(t, ctx, s, before, mark.Position, 100) {
			for _, id := range refused {
				if ev.ID == id {
					t.Errorf("refused event %s is in the log at position %d", id, ev.Position)
				}
			}
		}
	})
}

// checkRefused appends evs as c describes and checks the refusal.
func checkRefused(tb testing.TB, ctx context.Context, s eventstore.Store, c refusal, evs []eventstore.EventData) {
	tb.Helper()
	res, err := s.Append(ctx, c.stream, c.expected, evs)
	if err == nil {
		tb.Errorf("%s: Append(%s) succeeded with %+v, want ErrWrongExpectedVersion", c.name, c.expected, res)
		return
	}
	if !errors.Is(err, eventstore.ErrWrongExpectedVersion) {
		tb.Errorf("%s: Append(%s): %v, want ErrWrongExpectedVersion", c.name, c.expected, err)
		return
	}
	var wv *eventstore.WrongVersionError
	if !errors.As(err, &wv) {
		tb.Errorf("%s: Append(%s): %v is not a *WrongVersionError", c.name, c.expected, err)
		return
	}
	if wv.Stream != c.stream || wv.Expected != c.expected || wv.Actual != c.actual {
		tb.Errorf("%s: WrongVersionError{%q, %s, %d}, want {%q, %s, %d}",
			c.name, wv.Stream, wv.Expected, wv.Actual, c.stream, c.expected, c.actual)
	}
}

func testRefusedAppendUsesNoPosition(t *testing.T, h *harness) {
	if !h.f.GapFreePositions {
		t.Skip("the backend does not declare GapFreePositions")
	}
	s, ctx, st := h.store(t), h.ctx(t), newStreams(t)
	stream := st.name("policy-1")
	before := mustHead(t, ctx, s)
	mustAppend(t, ctx, s, stream, eventstore.NoStream, newEvents(2, "PolicyChangeAdopted"))
	for range 3 {
		if _, err := s.Append(ctx, stream, eventstore.NoStream, newEvents(3, "Refused")); !errors.Is(err, eventstore.ErrWrongExpectedVersion) {
			t.Fatalf("Append(NoStream) to an existing stream: %v, want ErrWrongExpectedVersion", err)
		}
	}
	last := mustAppend(t, ctx, s, stream, eventstore.ExactVersion(1), newEvents(2, "PolicyChangeAmended"))
	// With nobody else writing, the log after before is exactly ours; in a
	// shared store, positions must still follow one another.
	h.checkPositions(t, readAllUntil(t, ctx, s, before, last.Position, 100), before)
	if got := mustReadStream(t, ctx, s, stream, 0, 10); len(got) != 4 || got[3].Position != last.Position {
		t.Fatalf("stream has %d events; want 4 ending at position %d", len(got), last.Position)
	}
}

func testConcurrentSameStream(t *testing.T, h *harness) {
	s, ctx, st := h.store(t), h.ctx(t), newStreams(t)
	stream := st.name("region-DE11")
	before := mustHead(t, ctx, s)
	mustAppend(t, ctx, s, stream, eventstore.NoStream, newEvents(1, "RegionDefined"))
	const writers, rounds = 8, 5
	for round := range rounds {
		expected := eventstore.ExactVersion(uint64(round))
		errs := make([]error, writers)
		var wg sync.WaitGroup
		startLine := make(chan struct{})
		for w := range writers {
			wg.Go(func() {
				<-startLine
				_, errs[w] = s.Append(ctx, stream, expected, newEvents(1, "RegionsLinked"))
			})
		}
		close(startLine)
		wait(t, h, "concurrent appends", func() struct{} { wg.Wait(); return struct{}{} })
		wins := 0
		for w, err := range errs {
			var wv *eventstore.WrongVersionError
			switch {
			case err == nil:
				wins++
			case errors.As(err, &wv) && errors.Is(err, eventstore.ErrWrongExpectedVersion):
				if wv.Actual != int64(round)+1 {
					t.Errorf("round %d writer %d: refused with actual version %d, want %d", round, w, wv.Actual, round+1)
				}
			default:
				t.Errorf("round %d writer %d: %v, want nil or ErrWrongExpectedVersion", round, w, err)
			}
		}
		if wins != 1 {
			t.Fatalf("round %d: %d of %d writers at expected version %d won, want exactly 1", round, wins, writers, round)
		}
	}
	got := mustReadStream(t, ctx, s, stream, 0, 100)
	if len(got) != rounds+1 {
		t.Fatalf("stream has %d events, want %d", len(got), rounds+1)
	}
	for i, ev := range got {
		if ev.Version != uint64(i) {
			t.Errorf("event %d has version %d", i, ev.Version)
		}
	}
	// The refused appends, racing the winners, used no position.
	h.checkPositions(t, readAllUntil(t, ctx, s, before, got[rounds].Position, 100), before)
}

func testConcurrentNoStream(t *testing.T, h *harness) {
	s, ctx, st := h.store(t), h.ctx(t), newStreams(t)
	const writers = 8
	before := mustHead(t, ctx, s)
	var last eventstore.Position
	for round := range 3 {
		stream := st.name("cycle-" + string(rune('a'+round)))
		errs := make([]error, writers)
		var wg sync.WaitGroup
		startLine := make(chan struct{})
		for w := range writers {
			wg.Go(func() {
				<-startLine
				_, errs[w] = s.Append(ctx, stream, eventstore.NoStream, newEvents(2, "CycleOpened"))
			})
		}
		close(startLine)
		wait(t, h, "concurrent appends", func() struct{} { wg.Wait(); return struct{}{} })
		wins := 0
		for w, err := range errs {
			switch {
			case err == nil:
				wins++
			case !errors.Is(err, eventstore.ErrWrongExpectedVersion):
				t.Errorf("writer %d: %v, want nil or ErrWrongExpectedVersion", w, err)
			}
		}
		if wins != 1 {
			t.Fatalf("%d of %d writers creating %q won, want exactly 1", wins, writers, stream)
		}
		got := mustReadStream(t, ctx, s, stream, 0, 100)
		if len(got) != 2 {
			t.Fatalf("%q has %d events, want 2", stream, len(got))
		}
		last = max(last, got[1].Position)
	}
	h.checkPositions(t, readAllUntil(t, ctx, s, before, last, 100), before)
}

func testConcurrentDifferentStreams(t *testing.T, h *harness) {
	s, ctx, st := h.store(t), h.ctx(t), newStreams(t)
	const writers, appends = 8, 20
	before := mustHead(t, ctx, s)
	results := make([][]eventstore.AppendResult, writers)
	errs := make([]error, writers)
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			stream := st.name("indicator-" + string(rune('A'+w)))
			expected := eventstore.NoStream
			for i := range appends {
				res, err := s.Append(ctx, stream, expected, newEvents(1+i%3, "ObservationsRecorded"))
				if err != nil {
					errs[w] = err
					return
				}
				results[w] = append(results[w], res)
				expected = eventstore.ExactVersion(res.Version)
			}
		})
	}
	wait(t, h, "concurrent appends", func() struct{} { wg.Wait(); return struct{}{} })
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	var last eventstore.Position
	total := 0
	for w, rs := range results {
		for i, r := range rs {
			total += 1 + i%3
			if i > 0 && r.Position <= rs[i-1].Position {
				t.Errorf("writer %d: append %d at position %d, after %d", w, i, r.Position, rs[i-1].Position)
			}
			last = max(last, r.Position)
		}
	}
	all := readAllUntil(t, ctx, s, before, last, 64)
	h.checkPositions(t, all, before)
	mine := st.filter(all)
	if len(mine) != total {
		t.Fatalf("log holds %d of the %d events appended", len(mine), total)
	}
	next := map[string]uint64{}
	seen := map[uuid.UUID]bool{}
	for _, ev := range mine {
		if ev.Version != next[ev.Stream] {
			t.Fatalf("%q: version %d at position %d, want %d", ev.Stream, ev.Version, ev.Position, next[ev.Stream])
		}
		next[ev.Stream]++
		if seen[ev.ID] {
			t.Fatalf("event %s is in the log twice", ev.ID)
		}
		seen[ev.ID] = true
	}
	for w := range writers {
		stream := st.name("indicator-" + string(rune('A'+w)))
		if got, want := next[stream]-1, results[w][appends-1].Version; got != want {
			t.Errorf("%q ends at version %d in the log, append said %d", stream, got, want)
		}
	}
}

// testConcurrentMixedRefusals has writers interleave accepted and refused
// appends, so that a backend that commits concurrent appends together
// sees both in one commit: the refused ones must leave no trace, not even a
// used position.
func testConcurrentMixedRefusals(t *testing.T, h *harness) {
	s, ctx, st := h.store(t), h.ctx(t), newStreams(t)
	const writers, appends = 8, 15
	before := mustHead(t, ctx, s)
	lasts := make([]eventstore.Position, writers)
	errs := make([]error, writers)
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			stream := st.name("operation-" + string(rune('a'+w)))
			expected := eventstore.NoStream
			for i := range appends {
				if i > 0 {
					if _, err := s.Append(ctx, stream, eventstore.NoStream, newEvents(2, "Refused")); !errors.Is(err, eventstore.ErrWrongExpectedVersion) {
						errs[w] = fmt.Errorf("append to an existing stream at NoStream: %v, want ErrWrongExpectedVersion", err)
						return
					}
				}
				res, err := s.Append(ctx, stream, expected, newEvents(1, "Accepted"))
				if err != nil {
					errs[w] = err
					return
				}
				expected, lasts[w] = eventstore.ExactVersion(res.Version), res.Position
			}
		})
	}
	wait(t, h, "concurrent appends", func() struct{} { wg.Wait(); return struct{}{} })
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	all := readAllUntil(t, ctx, s, before, slices.Max(lasts), 100)
	h.checkPositions(t, all, before)
	mine := st.filter(all)
	if len(mine) != writers*appends {
		t.Fatalf("log holds %d of our events, want %d", len(mine), writers*appends)
	}
	for _, ev := range mine {
		if ev.Type != "Accepted" {
			t.Fatalf("a refused event is in the log at position %d", ev.Position)
		}
	}
}

func testEmptyAppend(t *testing.T, h *harness) {
	s, ctx, st := h.store(t), h.ctx(t), newStreams(t)
	stream := st.name("empty")
	for _, evs := range [][]eventstore.EventData{nil, {}} {
		if _, err := s.Append(ctx, stream, eventstore.Any, evs); !errors.Is(err, eventstore.ErrEmptyAppend) {
			t.Errorf("Append of %#v: %v, want ErrEmptyAppend", evs, err)
		}
	}
	if _, err := s.ReadStream(ctx, stream, 0, 10); !errors.Is(err, eventstore.ErrStreamNotFound) {
		t.Errorf("ReadStream after empty appends: %v, want ErrStreamNotFound", err)
	}
}

func testInvalidStream(t *testing.T, h *harness) {
	s, ctx, st := h.store(t), h.ctx(t), newStreams(t)
	for _, name := range []string{"", strings.Repeat("x", 256)} {
		if _, err := s.Append(ctx, name, eventstore.Any, newEvents(1, "Invalid")); !errors.Is(err, eventstore.ErrInvalidStream) {
			t.Errorf("Append to a stream named %.20q (%d bytes): %v, want ErrInvalidStream", name, len(name), err)
		}
	}
	longest := st.name(strings.Repeat("y", 255-len(st.name(""))))
	res := mustAppend(t, ctx, s, longest, eventstore.NoStream, newEvents(1, "Valid"))
	if got := mustReadStream(t, ctx, s, longest, 0, 10); len(got) != 1 || got[0].Position != res.Position {
		t.Errorf("255-byte stream name: read back %d events", len(got))
	}
}

func testCanceledContext(t *testing.T, h *harness) {
	s, st := h.store(t), newStreams(t)
	ctx, cancel := context.WithCancel(h.ctx(t))
	cancel()
	stream := st.name("canceled")
	if _, err := s.Append(ctx, stream, eventstore.Any, newEvents(1, "Canceled")); err == nil {
		t.Fatal("Append with a canceled context succeeded")
	}
	if _, err := s.ReadStream(h.ctx(t), stream, 0, 10); !errors.Is(err, eventstore.ErrStreamNotFound) {
		t.Errorf("ReadStream after an append with a canceled context: %v, want ErrStreamNotFound", err)
	}
}

func testLargeEvents(t *testing.T, h *harness) {
	s, ctx, st := h.store(t), h.ctx(t), newStreams(t)
	stream := st.name("large")
	before := mustHead(t, ctx, s)
	evs := newEvents(2, "ObservationsRecorded")
	for i := range evs {
		big := make([]byte, h.f.LargeEventSize)
		for j := range big {
			big[j] = "0123456789abcdef"[(i+j*7)%16]
		}
		big[0], big[len(big)-1] = '"', '"' // a JSON string
		evs[i].Data = big
	}
	start := time.Now()
	mustAppend(t, ctx, s, stream, eventstore.NoStream, evs[:1])
	res := mustAppend(t, ctx, s, stream, eventstore.ExactVersion(0), evs[1:])
	end := time.Now()
	got := mustReadStream(t, ctx, s, stream, 0, 10)
	if len(got) != 2 {
		t.Fatalf("read %d events, want 2", len(got))
	}
	for i := range got {
		h.checkEvent(t, got[i], evs[i], stream, uint64(i), start, end)
	}
	all := st.filter(readAllUntil(t, ctx, s, before, res.Position, 1))
	if len(all) != 2 {
		t.Fatalf("ReadAll read %d events, want 2", len(all))
	}
	for i := range all {
		h.checkEvent(t, all[i], evs[i], stream, uint64(i), start, end)
	}
}
