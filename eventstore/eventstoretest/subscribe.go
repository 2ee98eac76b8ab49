package eventstoretest

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/supplyeval/supplyeval/eventstore"
)

func testSubscribeCatchUpThenLive(t *testing.T, h *harness) {
	s, ctx, st := h.store(t), h.ctx(t), newStreams(t)
	before := mustHead(t, ctx, s)

	// History, written before the subscription exists.
	const history = 30
	for i := range history / 3 {
		mustAppend(t, ctx, s, st.name("history"), eventstore.Any, newEvents(3, "History"+string(rune('0'+i%10))))
	}

	// Live events, written by concurrent writers while the subscription
	// catches up, so that appends race the switch from history to live.
	const writers, appends, perAppend = 4, 15, 2
	total := history + writers*appends*perAppend
	sub, err := s.SubscribeAll(ctx, before)
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Close()
	var wg sync.WaitGroup
	errs := make([]error, writers)
	for w := range writers {
		wg.Go(func() {
			for range appends {
				if _, err := s.Append(ctx, st.name("live-"+string(rune('a'+w))), eventstore.Any, newEvents(perAppend, "Live")); err != nil {
					errs[w] = err
					return
				}
			}
		})
	}
	t.Cleanup(wg.Wait)

	var all []eventstore.RecordedEvent
	mine := 0
	for mine < total {
		ev, err := sub.Next(ctx)
		if err != nil {
			t.Fatalf("Next after %d of %d events: %v", mine, total, err)
		}
		all = append(all, ev)
		if st.owns(ev.Stream) {
			mine++
		}
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	h.checkPositions(t, all, before)
	checkDelivery(t, st.filter(all), total)

	// The subscription agrees with ReadAll.
	read := st.filter(readAllUntil(t, ctx, s, before, all[len(all)-1].Position, 100))
	got := st.filter(all)
	if len(read) != len(got) {
		t.Fatalf("ReadAll gives %d of our events, the subscription %d", len(read), len(got))
	}
	for i := range read {
		if read[i].ID != got[i].ID || read[i].Position != got[i].Position {
			t.Fatalf("event %d: ReadAll gives %s at %d, the subscription %s at %d",
				i, read[i].ID, read[i].Position, got[i].ID, got[i].Position)
		}
	}

	// Still live: an event appended now arrives.
	res := mustAppend(t, ctx, s, st.name("late"), eventstore.NoStream, newEvents(1, "Late"))
	for {
		ev, err := sub.Next(ctx)
		if err != nil {
			t.Fatalf("Next waiting for a late event: %v", err)
		}
		if ev.Position == res.Position {
			break
		}
		if ev.Position > res.Position {
			t.Fatalf("late event at %d was skipped (got %d)", res.Position, ev.Position)
		}
	}
}

// checkDelivery checks that evs are total distinct events, each stream's
// in version order from 0.
func checkDelivery(tb testing.TB, evs []eventstore.RecordedEvent, total int) {
	tb.Helper()
	if len(evs) != total {
		tb.Fatalf("delivered %d events, want %d", len(evs), total)
	}
	seen := make(map[uuid.UUID]bool, len(evs))
	next := map[string]uint64{}
	for _, ev := range evs {
		if seen[ev.ID] {
			tb.Fatalf("event %s delivered twice", ev.ID)
		}
		seen[ev.ID] = true
		if ev.Version != next[ev.Stream] {
			tb.Fatalf("%q: version %d delivered where %d was due", ev.Stream, ev.Version, next[ev.Stream])
		}
		next[ev.Stream]++
	}
}

func testSubscribeFromMiddle(t *testing.T, h *harness) {
	s, ctx, st := h.store(t), h.ctx(t), newStreams(t)
	stream := st.name("middle")
	mustAppend(t, ctx, s, stream, eventstore.NoStream, newEvents(5, "Middle"))
	evs := mustReadStream(t, ctx, s, stream, 0, 10)
	for _, from := range []int{0, 2, 4} {
		sub, err := s.SubscribeAll(ctx, evs[from].Position)
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range evs[from+1:] {
			ev, err := sub.Next(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if ev.ID != want.ID || ev.Position != want.Position {
				t.Fatalf("subscribed after %d: got %s at %d, want %s at %d",
					evs[from].Position, ev.ID, ev.Position, want.ID, want.Position)
			}
		}
		sub.Close()
	}
}

// caughtUp returns a subscription that has delivered everything up to the
// store's head and is about to wait for live events.
func caughtUp(tb testing.TB, h *harness, s eventstore.Store, ctx context.Context) eventstore.Subscription {
	tb.Helper()
	st := newStreams(tb)
	res := mustAppend(tb, ctx, s, st.name("caught-up"), eventstore.NoStream, newEvents(1, "CaughtUp"))
	sub, err := s.SubscribeAll(ctx, res.Position-1)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { sub.Close() })
	ev, err := sub.Next(ctx)
	if err != nil {
		tb.Fatal(err)
	}
	if ev.Position != res.Position {
		tb.Fatalf("subscribed after %d, got position %d first", res.Position-1, ev.Position)
	}
	return sub
}

// blockedNext calls sub.Next(ctx) in a goroutine and returns its error
// once it returns; it fails tb if Next returns within settle, before stop
// has been called, or not within the suite's timeout after that. ctx must
// not expire by itself within that time (see untimed).
func blockedNext(tb testing.TB, h *harness, sub eventstore.Subscription, ctx context.Context, stop func()) error {
	tb.Helper()
	done := make(chan error, 1)
	go func() {
		_, err := sub.Next(ctx)
		done <- err
	}()
	const settle = 50 * time.Millisecond
	select {
	case err := <-done:
		tb.Fatalf("Next returned %v with no new event", err)
	case <-time.After(settle):
	}
	stop()
	select {
	case err := <-done:
		return err
	case <-time.After(h.f.Timeout):
		tb.Fatalf("Next still blocked %v after it should have ended", h.f.Timeout)
		return nil
	}
}

// untimed returns a context that ends only with tb: a blocked call given
// it returns only if what the test is about makes it return.
func untimed(tb testing.TB) context.Context { return tb.Context() }

func testSubscriptionCloseUnblocksNext(t *testing.T, h *harness) {
	s, ctx := h.store(t), untimed(t)
	sub := caughtUp(t, h, s, ctx)
	err := blockedNext(t, h, sub, ctx, func() {
		if err := sub.Close(); err != nil {
			t.Errorf("Subscription.Close: %v", err)
		}
	})
	if !errors.Is(err, eventstore.ErrClosed) {
		t.Errorf("blocked Next after Subscription.Close: %v, want ErrClosed", err)
	}
	if _, err := sub.Next(ctx); !errors.Is(err, eventstore.ErrClosed) {
		t.Errorf("Next after Subscription.Close: %v, want ErrClosed", err)
	}
	if err := sub.Close(); err != nil {
		t.Errorf("second Subscription.Close: %v", err)
	}
}

func testSubscriptionContextCancel(t *testing.T, h *harness) {
	s, ctx := h.store(t), untimed(t)
	t.Run("NextContext", func(t *testing.T) {
		sub := caughtUp(t, h, s, ctx)
		nextCtx, cancel := context.WithCancel(ctx)
		defer cancel()
		if err := blockedNext(t, h, sub, nextCtx, cancel); !errors.Is(err, context.Canceled) {
			t.Errorf("blocked Next after its context was canceled: %v, want context.Canceled", err)
		}
		// The subscription itself lives on.
		st := newStreams(t)
		res := mustAppend(t, ctx, s, st.name("after-cancel"), eventstore.NoStream, newEvents(1, "AfterCancel"))
		for {
			ev, err := sub.Next(ctx)
			if err != nil {
				t.Fatalf("Next after an earlier Next's context was canceled: %v", err)
			}
			if ev.Position >= res.Position {
				break
			}
		}
	})
	t.Run("SubscribeContext", func(t *testing.T) {
		subCtx, cancel := context.WithCancel(ctx)
		defer cancel()
		sub := caughtUp(t, h, s, subCtx)
		if err := blockedNext(t, h, sub, ctx, cancel); err == nil {
			t.Error("blocked Next after SubscribeAll's context was canceled returned no error")
		}
	})
	t.Run("Deadline", func(t *testing.T) {
		sub := caughtUp(t, h, s, ctx)
		short, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
		defer cancel()
		err := wait(t, h, "Next with a deadline", func() error {
			_, err := sub.Next(short)
			return err
		})
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("Next past its deadline: %v, want context.DeadlineExceeded", err)
		}
	})
}

func testStoreCloseUnblocksNext(t *testing.T, h *harness) {
	s, ctx := h.store(t), untimed(t)
	sub := caughtUp(t, h, s, ctx)
	err := blockedNext(t, h, sub, ctx, func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	if !errors.Is(err, eventstore.ErrClosed) {
		t.Errorf("blocked Next after the store's Close: %v, want ErrClosed", err)
	}
	if _, err := sub.Next(ctx); !errors.Is(err, eventstore.ErrClosed) {
		t.Errorf("Next after the store's Close: %v, want ErrClosed", err)
	}
}
