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

	"github.com/supplyeval/supplyeval/eventstore"
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
	// batch > 1: messages already received are passed on together, up to
	// batch of them in one message (eventstore.WithBatch), acked together.
	batch int
	// shared, when set, names the topics that share one consumer (see
	// ReplicaConfig.Topics).
	shared *sharedConsumer

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
	if s.shared != nil {
		if out, ok, err := s.subscribeShared(ctx, topic); ok {
			return out, err
		}
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
		s.run(ctx, topic, it, cleanup, func(ctx context.Context, it jetstream.MessagesContext) error {
			return s.deliver(ctx, topic, it, out)
		})
	}()
	return out, nil
}

// run delivers from it until ctx ends; when the consumer fails, it asks
// for a new one every retryDelay until it gets one, and goes on.
func (s *Subscriber) run(ctx context.Context, topic string, it jetstream.MessagesContext, cleanup func(),
	deliver func(context.Context, jetstream.MessagesContext) error) {
	name := topic
	if name == sharedTopic {
		name = "the read models"
	}
	for {
		stop := context.AfterFunc(ctx, it.Stop)
		err := deliver(ctx, it)
		stop()
		it.Stop()
		if cleanup != nil {
			cleanup()
		}
		if ctx.Err() != nil {
			return
		}
		s.logger.Error("natsbus: consumer failed; making a new one", err, watermill.LogFields{"topic": name})
		s.setFailing(fmt.Errorf("natsbus: consumer for %s failed: %w", name, err))
		for {
			select {
			case <-time.After(retryDelay):
			case <-ctx.Done():
				return
			}
			var err error
			if it, cleanup, err = s.open(ctx, topic); err == nil {
				s.setFailing(nil)
				break
			}
			s.logger.Error("natsbus: new consumer", err, watermill.LogFields{"topic": name})
		}
	}
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
	if s.batch > 1 {
		return s.deliverBatches(ctx, topic, it, out)
	}
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

// received is one result of MessagesContext.Next.
type received struct {
	m   jetstream.Msg
	err error
}

// deliverBatches is deliver for a Subscriber with batch > 1: a goroutine
// keeps pulling into a buffer, and each message passed on carries what the
// buffer holds, up to batch messages, without waiting for more.
func (s *Subscriber) deliverBatches(ctx context.Context, topic string, it jetstream.MessagesContext, out chan<- *message.Message) error {
	return s.deliverBatchesTo(ctx, it, []topicOut{{topic, out}})
}

// deliverBatchesTo passes each batch to every one of outs.
func (s *Subscriber) deliverBatchesTo(ctx context.Context, it jetstream.MessagesContext, outs []topicOut) error {
	buf := make(chan received, s.batch)
	done := make(chan struct{})
	defer close(done)
	go func() {
		for {
			m, err := it.Next()
			select {
			case buf <- received{m, err}:
			case <-done:
				return
			}
			if err != nil {
				return
			}
		}
	}()
	batch := make([]jetstream.Msg, 0, s.batch)
	var pending error
	for pending == nil {
		r := <-buf
		if r.err != nil {
			pending = r.err
			break
		}
		batch = append(batch[:0], r.m)
	fill:
		for len(batch) < s.batch {
			select {
			case r := <-buf:
				if r.err != nil {
					pending = r.err
					break fill
				}
				batch = append(batch, r.m)
			default:
				break fill
			}
		}
		if !s.passBatch(ctx, batch, outs) {
			return nil
		}
	}
	if ctx.Err() != nil {
		return nil
	}
	return pending
}

// topicOut is the channel of one subscribed topic.
type topicOut struct {
	topic string
	out   chan<- *message.Message
}

// passBatch hands batch on, as one message, to each of outs, until every
// one has acked it (then every message of it is acked to JetStream) or ctx
// ends (false). The topics that nacked it get it again, after a growing
// delay, its ack deadlines extended meanwhile: a read model skips what it
// had applied, and the log order holds.
func (s *Subscriber) passBatch(ctx context.Context, batch []jetstream.Msg, outs []topicOut) bool {
	msgs := make([]*message.Message, len(batch))
	for i, m := range batch {
		msgs[i] = s.unmarsh(m)
	}
	pending := outs
	sent := make([]*message.Message, len(outs))
	for held := 1; ; held++ {
		for i, o := range pending {
			sent[i] = eventstore.WithBatch(ctx, msgs)
			select {
			case o.out <- sent[i]:
			case <-ctx.Done():
				return false
			}
		}
		var again []topicOut
		for i, o := range pending {
			select {
			case <-sent[i].Acked():
			case <-sent[i].Nacked():
				again = append(again, o)
			case <-ctx.Done():
				return false
			}
		}
		if len(again) == 0 {
			for _, m := range batch {
				if err := m.Ack(); err != nil {
					s.logger.Error("natsbus: ack", err, watermill.LogFields{"uuid": msgs[0].UUID})
				}
			}
			return true
		}
		for _, m := range batch {
			if err := m.InProgress(); err != nil {
				s.logger.Error("natsbus: extend ack deadline", err, watermill.LogFields{"topic": again[0].topic, "uuid": msgs[0].UUID})
			}
		}
		select {
		case <-time.After(holdDelay(held)):
		case <-ctx.Done():
			return false
		}
		pending = again
	}
}

// sharedTopic is the topic ConsumerFunc is given for the consumer the
// topics of a sharedConsumer share.
const sharedTopic = ""

// sharedConsumer is the state of the topics that share one consumer
// (ReplicaConfig.Topics); guarded by Subscriber.mu.
type sharedConsumer struct {
	topics  map[string]chan *message.Message // nil until the topic subscribed
	want    int
	joined  int
	ctxs    []context.Context
	started bool
}

// subscribeShared subscribes topic to the shared consumer (ok false: topic
// is not one of its topics). When the last of them subscribes, the
// consumer is made (its error is that Subscribe's) and delivery starts;
// it stops, closing every topic's channel, when any subscriber's context
// ends or the Subscriber is closed. s.mu is held.
func (s *Subscriber) subscribeShared(ctx context.Context, topic string) (<-chan *message.Message, bool, error) {
	sh := s.shared
	out, listed := sh.topics[topic]
	if !listed {
		return nil, false, nil
	}
	if out != nil || sh.started {
		return nil, true, fmt.Errorf("natsbus: topic %s subscribed twice", topic)
	}
	out = make(chan *message.Message)
	sh.topics[topic] = out
	sh.joined++
	sh.ctxs = append(sh.ctxs, ctx)
	if sh.joined < sh.want {
		return out, true, nil
	}
	sh.started = true
	sctx, cancel := context.WithCancel(context.Background())
	for _, c := range sh.ctxs {
		context.AfterFunc(c, cancel)
	}
	it, cleanup, err := s.open(sctx, sharedTopic)
	if err != nil {
		cancel()
		for t, o := range sh.topics {
			if o != nil {
				close(o)
			}
			sh.topics[t] = nil
		}
		sh.joined, sh.ctxs, sh.started = 0, nil, false
		return nil, true, err
	}
	outs := make([]topicOut, 0, len(sh.topics))
	for t, o := range sh.topics {
		outs = append(outs, topicOut{t, o})
	}
	s.wg.Add(2)
	go func() {
		defer s.wg.Done()
		select {
		case <-sctx.Done():
		case <-s.closing:
			cancel()
		}
	}()
	go func() {
		defer s.wg.Done()
		defer func() {
			for _, o := range outs {
				close(o.out)
			}
		}()
		defer cancel()
		s.run(sctx, sharedTopic, it, cleanup, func(ctx context.Context, it jetstream.MessagesContext) error {
			return s.deliverBatchesTo(ctx, it, outs)
		})
	}()
	return out, true, nil
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
