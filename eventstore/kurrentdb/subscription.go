package kurrentdb

import (
	"context"
	"errors"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/kurrent-io/KurrentDB-Client-Go/kurrentdb"

	"github.com/supplyeval/supplyeval/eventstore"
)

// maxResubscribeDelay caps the backoff between resubscriptions.
const maxResubscribeDelay = 5 * time.Second

// SubscribeAll returns a catch-up subscription to $all delivering every
// non-system event with position greater than after. A goroutine reads
// the server's subscription ahead of Next (up to 256 events); when the
// server's subscription drops it resubscribes from the last event it
// read, after ResubscribeDelay, doubling the delay on each failure, until
// the subscription, ctx or the store ends.
func (s *Store) SubscribeAll(ctx context.Context, after eventstore.Position) (eventstore.Subscription, error) {
	if err := s.enter(ctx); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(ctx)
	sub := &subscription{s: s, ctx: ctx, cancel: cancel, events: make(chan eventstore.RecordedEvent, 256),
		closed: make(chan struct{}), done: make(chan struct{})}
	s.mu.Lock()
	if s.subs == nil {
		s.mu.Unlock()
		cancel()
		return nil, eventstore.ErrClosed
	}
	s.subs[sub] = struct{}{}
	s.mu.Unlock()
	go sub.pump(after)
	return sub, nil
}

// subscription implements eventstore.Subscription over resubscribing
// server subscriptions.
type subscription struct {
	s      *Store
	ctx    context.Context
	cancel context.CancelFunc
	events chan eventstore.RecordedEvent

	closeOnce sync.Once
	closed    chan struct{}
	done      chan struct{} // closed when pump returns
	err       error         // why pump returned, read after done
}

// Next returns the next event; see eventstore.Subscription.
func (sub *subscription) Next(ctx context.Context) (eventstore.RecordedEvent, error) {
	if err := sub.stopped(ctx); err != nil {
		return eventstore.RecordedEvent{}, err
	}
	select {
	case ev := <-sub.events:
		return ev, nil
	case <-sub.done:
		if err := sub.stopped(ctx); err != nil {
			return eventstore.RecordedEvent{}, err
		}
		select {
		case ev := <-sub.events:
			return ev, nil
		default:
		}
		return eventstore.RecordedEvent{}, sub.err
	case <-ctx.Done():
	case <-sub.ctx.Done():
	case <-sub.closed:
	case <-sub.s.closed:
	}
	return eventstore.RecordedEvent{}, sub.stopped(ctx)
}

// stopped returns why Next cannot deliver, or nil.
func (sub *subscription) stopped(ctx context.Context) error {
	select {
	case <-sub.closed:
		return eventstore.ErrClosed
	case <-sub.s.closed:
		return eventstore.ErrClosed
	default:
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	return sub.ctx.Err()
}

// Close ends the subscription; a blocked Next returns eventstore.ErrClosed.
func (sub *subscription) Close() error {
	sub.closeOnce.Do(func() {
		close(sub.closed)
		sub.cancel()
		sub.s.mu.Lock()
		delete(sub.s.subs, sub)
		sub.s.mu.Unlock()
	})
	return nil
}

// pump feeds sub.events from server subscriptions, resubscribing after
// each drop from the last event it passed on.
func (sub *subscription) pump(last eventstore.Position) {
	defer close(sub.done)
	delay := sub.s.cfg.ResubscribeDelay
	for {
		n, err := sub.follow(&last)
		if sub.ctx.Err() != nil {
			sub.err = sub.ctx.Err()
			return
		}
		var ke *kurrentdb.Error
		if errors.As(err, &ke) && (ke.Code() == kurrentdb.ErrorCodeAccessDenied || ke.Code() == kurrentdb.ErrorCodeUnauthenticated) {
			sub.err = err // retrying cannot help
			return
		}
		if n > 0 {
			delay = sub.s.cfg.ResubscribeDelay
		}
		sub.s.log.Warn("kurrentdb: subscription to $all dropped; resubscribing", "after", uint64(last), "in", delay, "err", err)
		// Jittered, so that replicas cut off together do not come back in step.
		select {
		case <-time.After(delay/2 + time.Duration(rand.Int64N(int64(delay)))):
		case <-sub.ctx.Done():
			sub.err = sub.ctx.Err()
			return
		}
		delay = min(2*delay, maxResubscribeDelay)
	}
}

// follow runs one server subscription from *last until it drops,
// advancing *last past each event it passes on, and returns how many it
// passed on and why it stopped.
func (sub *subscription) follow(last *eventstore.Position) (int, error) {
	var from kurrentdb.AllPosition = kurrentdb.Start{}
	if *last > 0 {
		// A subscription from a position starts after it.
		from = kurrentdb.Position{Commit: uint64(*last), Prepare: uint64(*last)}
	}
	c := sub.s.cli()
	ks, err := c.SubscribeToAll(sub.ctx, kurrentdb.SubscribeToAllOptions{From: from, Filter: kurrentdb.ExcludeSystemEventsFilter()})
	if err != nil {
		if _, closed := transient(err); closed {
			sub.s.renew(c) // the next attempt uses a new client
		}
		return 0, err
	}
	defer ks.Close()
	n := 0
	for {
		se := ks.Recv()
		switch {
		case se.SubscriptionDropped != nil:
			return n, se.SubscriptionDropped.Error
		case se.EventAppeared != nil && se.EventAppeared.Event != nil:
			ev := se.EventAppeared.Event
			pos := eventstore.Position(ev.Position.Commit)
			if pos <= *last || system(ev) {
				continue
			}
			select {
			case sub.events <- recorded(ev):
				*last = pos
				n++
			case <-sub.ctx.Done():
				return n, sub.ctx.Err()
			}
		}
	}
}
