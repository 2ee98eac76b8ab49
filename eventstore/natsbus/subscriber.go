package natsbus

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// ConsumerFunc creates (or finds) the JetStream consumer that a Subscribe
// to topic reads, and returns a cleanup to run when that subscription ends
// (nil for none).
type ConsumerFunc func(ctx context.Context, js jetstream.JetStream, topic string) (jetstream.Consumer, func(), error)

// Subscriber is a watermill message.Subscriber on JetStream consumers. Each
// Subscribe gets its own consumer from ConsumerFunc and one goroutine that
// pulls a message, sends it on the channel, and waits for it to be acked
// (Ack to JetStream) or nacked (Nak: JetStream redelivers it) before the
// next. That goroutine alone sends on and closes the channel. When the
// consumer fails (deleted, the server restarted without it) the goroutine
// asks ConsumerFunc for a new one, half a second later, and goes on: for a
// replica that resumes from the projection's checkpoint, for a durable
// consumer from its acknowledged floor.
//
// It replaces watermill-nats' JetStream subscriber (v2.1.3), whose monitor
// goroutine closes the output channel while a NATS callback may still be
// sending on it (a data race, and a possible "send on closed channel"
// panic at shutdown). It reads the same headers (WatermillUUIDHeader for
// the UUID, the rest as metadata). Subscribe and Close are safe for
// concurrent use; Close does not close the connection.
type Subscriber struct {
	nc       *nats.Conn
	js       jetstream.JetStream
	consumer ConsumerFunc
	unmarsh  func(jetstream.Msg) *message.Message
	logger   watermill.LoggerAdapter
	// holdOnNack: a nacked message is passed on again from here after a
	// growing delay (its ack deadline extended) instead of being nacked to
	// JetStream, so that with many messages in flight the log order holds.
	holdOnNack bool

	mu      sync.Mutex
	failing error // why the last consumer failed, until a new one works
	closed  bool
	closing chan struct{}
	wg      sync.WaitGroup
}

var _ message.Subscriber = (*Subscriber)(nil)

func newSubscriber(nc *nats.Conn, consumer ConsumerFunc, unmarsh func(jetstream.Msg) *message.Message, logger watermill.LoggerAdapter) (*Subscriber, error) {
	js, err := jetstream.New(nc)
	if err != nil {
		return nil, fmt.Errorf("natsbus: %w", err)
	}
	if unmarsh == nil {
		unmarsh = defaultUnmarshal
	}
	if logger == nil {
		logger = watermill.NopLogger{}
	}
	return &Subscriber{nc: nc, js: js, consumer: consumer, unmarsh: unmarsh, logger: logger, closing: make(chan struct{})}, nil
}

// Subscribe starts reading the consumer for topic. The channel is closed
// when ctx is done or the Subscriber is closed.
func (s *Subscriber) Subscribe(ctx context.Context, topic string) (<-chan *message.Message, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, errors.New("natsbus: subscriber closed")
	}
	// The first consumer is made here, so that a bad configuration is
	// Subscribe's error; later ones by the goroutine.
	it, cleanup, err := s.open(ctx, topic)
	if err != nil {
		return nil, err
	}
	out := make(chan *message.Message)
	ctx, cancel := context.WithCancel(ctx)
	s.wg.Add(2)
	go func() { // the subscription ends with ctx or Close
		defer s.wg.Done()
		select {
		case <-ctx.Done():
		case <-s.closing:
			cancel()
		}
	}()
	go func() {
		defer s.wg.Done()
		defer close(out)
		defer cancel()
		for {
			stop := context.AfterFunc(ctx, it.Stop)
			err := s.deliver(ctx, topic, it, out)
			stop()
			it.Stop()
			if cleanup != nil {
				cleanup()
			}
			if ctx.Err() != nil {
				return
			}
			s.logger.Error("natsbus: consumer failed; making a new one", err, watermill.LogFields{"topic": topic})
			s.setFailing(fmt.Errorf("natsbus: consumer for %s failed: %w", topic, err))
			for {
				select {
				case <-time.After(retryDelay):
				case <-ctx.Done():
					return
				}
				if it, cleanup, err = s.open(ctx, topic); err == nil {
					s.setFailing(nil)
					break
				}
				s.logger.Error("natsbus: new consumer", err, watermill.LogFields{"topic": topic})
			}
		}
	}()
	return out, nil
}

// redeliveryDelay is how long JetStream waits before it delivers a nacked
// message again: 250 ms after the first delivery, doubling with each, at
// most 30 s, so that a message that fails for a while (the store away)
// neither spins nor waits long once it could succeed.
func redeliveryDelay(m jetstream.Msg) time.Duration {
	n := uint64(1)
	if md, err := m.Metadata(); err == nil && md.NumDelivered > 0 {
		n = md.NumDelivered
	}
	d := 250 * time.Millisecond
	for i := uint64(1); i < n && d < 30*time.Second; i++ {
		d *= 2
	}
	return min(d, 30*time.Second)
}

// pullExpiry and pullHeartbeat bound how long a lost consumer goes
// unnoticed: two heartbeats.
const (
	pullExpiry    = 4 * time.Second
	pullHeartbeat = time.Second
)

// retryDelay is how long a Subscriber waits before replacing a failed
// consumer.
const retryDelay = 500 * time.Millisecond

// open makes the consumer for topic and starts pulling from it.
func (s *Subscriber) open(ctx context.Context, topic string) (jetstream.MessagesContext, func(), error) {
	c, cleanup, err := s.consumer(ctx, s.js, topic)
	if err != nil {
		return nil, nil, err
	}
	// Short pulls with 1 s heartbeats: a consumer lost while the link was
	// down (JetStream deleted it after its lifetime) shows as two missed
	// heartbeats, 2 s, and a new one is made from the checkpoint. The
	// library's defaults (30 s pulls, 15 s heartbeats) took 30.8 s.
	it, err := c.Messages(jetstream.PullExpiry(pullExpiry), jetstream.PullHeartbeat(pullHeartbeat))
	if err != nil {
		if cleanup != nil {
			cleanup()
		}
		return nil, nil, fmt.Errorf("natsbus: consume %s: %w", topic, err)
	}
	return it, cleanup, nil
}

// deliver passes messages on until ctx ends (it returns nil) or the
// consumer fails (it returns why).
func (s *Subscriber) deliver(ctx context.Context, topic string, it jetstream.MessagesContext, out chan<- *message.Message) error {
	for {
		m, err := it.Next()
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return err
		}
		if !s.pass(ctx, topic, m, out) {
			return nil
		}
	}
}

// pass hands m on until it is acked (or nacked to JetStream); it returns
// false when ctx ends.
func (s *Subscriber) pass(ctx context.Context, topic string, m jetstream.Msg, out chan<- *message.Message) bool {
	for held := 1; ; held++ {
		wm := s.unmarsh(m)
		wm.SetContext(ctx)
		select {
		case out <- wm:
		case <-ctx.Done():
			return false
		}
		select {
		case <-wm.Acked():
			if err := m.Ack(); err != nil {
				s.logger.Error("natsbus: ack", err, watermill.LogFields{"topic": topic, "uuid": wm.UUID})
			}
			return true
		case <-wm.Nacked():
			if !s.holdOnNack {
				if err := m.NakWithDelay(redeliveryDelay(m)); err != nil {
					s.logger.Error("natsbus: nak", err, watermill.LogFields{"topic": topic, "uuid": wm.UUID})
				}
				return true
			}
			if err := m.InProgress(); err != nil {
				s.logger.Error("natsbus: extend ack deadline", err, watermill.LogFields{"topic": topic, "uuid": wm.UUID})
			}
			select {
			case <-time.After(holdDelay(held)):
			case <-ctx.Done():
				return false
			}
		case <-ctx.Done():
			return false
		}
	}
}

// holdDelay is how long a held message waits before it is passed on again
// for the n-th time: 250 ms doubling, at most 10 s (well within AckWait).
func holdDelay(n int) time.Duration {
	d := 250 * time.Millisecond
	for i := 1; i < n && d < 10*time.Second; i++ {
		d *= 2
	}
	return min(d, 10*time.Second)
}

func (s *Subscriber) setFailing(err error) {
	s.mu.Lock()
	s.failing = err
	s.mu.Unlock()
}

// Healthy returns nil while the subscriber is connected to NATS and every
// subscription has a working consumer, or why not (its consumer failed, for example lost while the
// link to NATS was down, and no new one could be made yet). For
// readiness checks (/readyz): a replica or ingest that returns an error
// is not receiving.
func (s *Subscriber) Healthy() error {
	if s.nc != nil && !s.nc.IsConnected() {
		return fmt.Errorf("natsbus: not connected to NATS (%s)", s.nc.Status())
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.failing
}

// Close ends every subscription and waits for their goroutines.
func (s *Subscriber) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	close(s.closing)
	s.mu.Unlock()
	s.wg.Wait()
	return nil
}

// defaultUnmarshal reads a message as Publisher wrote it.
func defaultUnmarshal(m jetstream.Msg) *message.Message {
	h := m.Headers()
	wm := message.NewMessage(h.Get(WatermillUUIDHeader), m.Data())
	for k, v := range h {
		if k == WatermillUUIDHeader || len(v) == 0 || len(k) > 5 && k[:5] == "Nats-" {
			continue
		}
		wm.Metadata.Set(k, v[0])
	}
	return wm
}
