package eventstoretest

import (
	"errors"
	"testing"

	"github.com/supplyeval/supplyeval/eventstore"
)

func testReadStream(t *testing.T, h *harness) {
	s, ctx, st := h.store(t), h.ctx(t), newStreams(t)
	stream := st.name("operation-42")
	other := st.name("operation-4") // a prefix of stream's name
	mustAppend(t, ctx, s, other, eventstore.NoStream, newEvents(2, "OperationLaunched"))
	evs := newEvents(10, "OperationOutputsReported")
	mustAppend(t, ctx, s, stream, eventstore.NoStream, evs[:4])
	mustAppend(t, ctx, s, other, eventstore.ExactVersion(1), newEvents(1, "OperationConcluded"))
	mustAppend(t, ctx, s, stream, eventstore.ExactVersion(3), evs[4:])

	cases := []struct {
		from  uint64
		limit int
		want  []uint64 // versions
	}{
		{0, 100, []uint64{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}},
		{0, 10, []uint64{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}},
		{0, 1, []uint64{0}},
		{3, 4, []uint64{3, 4, 5, 6}},
		{8, 10, []uint64{8, 9}},
		{9, 1, []uint64{9}},
		{10, 5, nil},
		{1000, 5, nil},
	}
	for _, c := range cases {
		got := mustReadStream(t, ctx, s, stream, c.from, c.limit)
		if len(got) != len(c.want) {
			t.Errorf("ReadStream(from %d, limit %d): %d events, want %d", c.from, c.limit, len(got), len(c.want))
			continue
		}
		for i, ev := range got {
			if ev.Version != c.want[i] || ev.Stream != stream || ev.ID != evs[c.want[i]].ID {
				t.Errorf("ReadStream(from %d, limit %d)[%d]: %q version %d (%s), want %q version %d (%s)",
					c.from, c.limit, i, ev.Stream, ev.Version, ev.ID, stream, c.want[i], evs[c.want[i]].ID)
			}
			if i > 0 && ev.Position <= got[i-1].Position {
				t.Errorf("ReadStream(from %d, limit %d): positions %d then %d", c.from, c.limit, got[i-1].Position, ev.Position)
			}
		}
	}
	if got := mustReadStream(t, ctx, s, other, 0, 100); len(got) != 3 {
		t.Errorf("%q has %d events, want 3", other, len(got))
	}
	for _, name := range []string{st.name("operation-missing"), st.name("operation-420"), st.name("operation-")} {
		if _, err := s.ReadStream(ctx, name, 0, 10); !errors.Is(err, eventstore.ErrStreamNotFound) {
			t.Errorf("ReadStream(%q): %v, want ErrStreamNotFound", name, err)
		}
	}
}

func testReadAll(t *testing.T, h *harness) {
	s, ctx, st := h.store(t), h.ctx(t), newStreams(t)
	before := mustHead(t, ctx, s)
	a, b := st.name("region-FR10"), st.name("region-ITC4")
	var results []eventstore.AppendResult
	for i := range 4 {
		results = append(results,
			mustAppend(t, ctx, s, a, eventstore.Any, newEvents(1+i%2, "RegionDefined")),
			mustAppend(t, ctx, s, b, eventstore.Any, newEvents(2, "RegionsLinked")))
	}
	last := results[len(results)-1].Position
	const total = 1 + 2 + 1 + 2 + 4*2

	whole := readAllUntil(t, ctx, s, before, last, 1000)
	h.checkPositions(t, whole, before)
	mine := st.filter(whole)
	if len(mine) != total {
		t.Fatalf("ReadAll after %d: %d of our events, want %d", before, len(mine), total)
	}
	for _, r := range results {
		found := false
		for _, ev := range mine {
			found = found || ev.Position == r.Position
		}
		if !found {
			t.Errorf("no event at the position %d an append returned", r.Position)
		}
	}

	t.Run("Pages", func(t *testing.T) {
		for _, page := range []int{1, 2, 3, 7} {
			paged := st.filter(readAllUntil(t, ctx, s, before, last, page))
			if len(paged) != len(mine) {
				t.Fatalf("pages of %d: %d events, want %d", page, len(paged), len(mine))
			}
			for i := range paged {
				if paged[i].ID != mine[i].ID || paged[i].Position != mine[i].Position {
					t.Fatalf("pages of %d: event %d is %s at %d, want %s at %d",
						page, i, paged[i].ID, paged[i].Position, mine[i].ID, mine[i].Position)
				}
			}
		}
	})
	t.Run("Limit", func(t *testing.T) {
		got, err := s.ReadAll(ctx, before, 3)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 3 {
			t.Fatalf("ReadAll(%d, 3): %d events, want 3 (at least %d follow)", before, len(got), total)
		}
		h.checkPositions(t, got, before)
	})
	t.Run("AfterEachPosition", func(t *testing.T) {
		for i, ev := range mine {
			got, err := s.ReadAll(ctx, ev.Position-1, 1)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != 1 || got[0].ID != ev.ID {
				t.Fatalf("ReadAll(%d, 1) does not give our event %d (%s at %d)", ev.Position-1, i, ev.ID, ev.Position)
			}
		}
	})
	t.Run("AfterLast", func(t *testing.T) {
		got, err := s.ReadAll(ctx, last, 100)
		if err != nil {
			t.Fatal(err)
		}
		if mineAfter := st.filter(got); len(mineAfter) != 0 {
			t.Fatalf("ReadAll after the last of our events gave %d of ours", len(mineAfter))
		}
	})
}

func testHead(t *testing.T, h *harness) {
	s, ctx, st := h.store(t), h.ctx(t), newStreams(t)
	prev := mustHead(t, ctx, s)
	for i := range 5 {
		res := mustAppend(t, ctx, s, st.name("head"), eventstore.Any, newEvents(1+i, "Head"))
		head := mustHead(t, ctx, s)
		if head < res.Position {
			t.Fatalf("Head %d is before the position %d that an append returned", head, res.Position)
		}
		if head <= prev {
			t.Fatalf("Head went from %d to %d across an append", prev, head)
		}
		prev = head
	}
	// Head is the position of the last event: reading after it gives
	// nothing, reading just before it gives the event at it.
	evs, err := s.ReadAll(ctx, prev-1, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) == 0 || evs[0].Position != prev {
		t.Fatalf("ReadAll(%d) does not start with the event at Head %d", prev-1, prev)
	}
}
