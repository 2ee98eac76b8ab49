package embedded

import (
	"context"
	"sync"

	"github.com/supplyeval/supplyeval/eventstore"
)

// Subscription page limits: how much one read from the log may buffer.
const (
	subscriptionPageEvents = 256
	subscriptionPageBytes  = 8 << 20
)

// SubscribeAll returns a subscription delivering every event with position
// greater than after, in position order: the history, then live events as
// they become durable. It never holds events that are not durable. The
// subscription ends when ctx is done, when it is closed, or when the store
// is closed; it returns eventstore.ErrClosed if the store already is.
//
// There is one path for history and live events: Next reads the log from
// the last position it delivered up to the durable head, and waits for the
// head to move when it has caught up. So the switch from catch-up to live
// can neither skip nor repeat an event, however many appends race it.
func (s *Store) SubscribeAll(ctx context.Context, after eventstore.Position) (eventstore.Subscription, error) {
	if err := s.enter(); err != nil {
		return nil, err
	}
	defer s.ops.Done()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return &subscription{s: s, ctx: ctx, last: after, closed: make(chan struct{})}, nil
}

// subscription implements eventstore.Subscription.
type subscription struct {
	s   *Store
	ctx context.Context // SubscribeAll's

	// Used by the one goroutine calling Next.
	last eventstore.Position // of the last event delivered
	buf  []eventstore.RecordedEvent

	closeOnce sync.Once
	closed    chan struct{}
}

// Next returns the next event, waiting for one if the subscription has
// caught up with the log. It returns eventstore.ErrClosed once the
// subscription or the store is closed, the context's error once ctx or
// SubscribeAll's ctx is done, and an error wrapping eventstore.ErrCorrupt
// for a damaged record. It must not be called from two goroutines at once.
func (sub *subscription) Next(ctx context.Context) (eventstore.RecordedEvent, error) {
	for {
		if err := sub.err(ctx); err != nil {
			return eventstore.RecordedEvent{}, err
		}
		if len(sub.buf) > 0 {
			ev := sub.buf[0]
			sub.buf[0] = eventstore.RecordedEvent{}
			sub.buf = sub.buf[1:]
			sub.last = ev.Position
			return ev, nil
		}
		// Load the channel before head: see Store.notify.
		changed := *sub.s.changed.Load()
		if head := eventstore.Position(sub.s.head.Load()); sub.last < head {
			if err := sub.fill(head); err != nil {
				return eventstore.RecordedEvent{}, err
			}
			continue
		}
		select {
		case <-changed:
		case <-ctx.Done():
		case <-sub.ctx.Done():
		case <-sub.closed:
		case <-sub.s.closing:
		}
	}
}

// err returns why Next must stop, if it must.
func (sub *subscription) err(ctx context.Context) error {
	select {
	case <-sub.closed:
		return eventstore.ErrClosed
	case <-sub.s.closing:
		return eventstore.ErrClosed
	default:
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	return sub.ctx.Err()
}

// fill buffers the next page of events up to head.
func (sub *subscription) fill(head eventstore.Position) error {
	if err := sub.s.enter(); err != nil {
		return err
	}
	defer sub.s.ops.Done()
	evs, err := sub.s.readRange(sub.last, head, subscriptionPageEvents, subscriptionPageBytes)
	if err != nil {
		return err
	}
	sub.buf = evs
	return nil
}

// Close ends the subscription: a Next blocked in another goroutine, and
// every later Next, returns eventstore.ErrClosed. Close is idempotent,
// safe for concurrent use, and returns nil.
func (sub *subscription) Close() error {
	sub.closeOnce.Do(func() { close(sub.closed) })
	return nil
}
