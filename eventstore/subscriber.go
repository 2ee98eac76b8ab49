package eventstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/ThreeDotsLabs/watermill/message/router/middleware"
	"github.com/google/uuid"
)

// Metadata keys of the messages a Subscriber produces.
const (
	MetaType     = "type"
	MetaStream   = "stream"
	MetaVersion  = "version"
	MetaPosition = "position"
	MetaRecorded = "recorded"
	MetaEvent    = "event_metadata"
)

// SubscriberConfig configures a Subscriber.
type SubscriberConfig struct {
	// Store is the log to subscribe to.
	Store Store
	// Checkpoint returns the position after which the consumer called
	// topic resumes (each projection names its own topic).
	Checkpoint func(ctx context.Context, topic string) (Position, error)
	// NackDelay is how long to wait before redelivering a nacked message
	// (default 100 ms). Delivery is ordered: a nacked event is redelivered
	// before any later one.
	NackDelay time.Duration
	// Logger receives delivery problems (default: none).
	Logger watermill.LoggerAdapter
}

// Validate reports what is missing from c.
func (c SubscriberConfig) Validate() error {
	var errs []error
	if c.Store == nil {
		errs = append(errs, errors.New("subscriber config: Store is required"))
	}
	if c.Checkpoint == nil {
		errs = append(errs, errors.New("subscriber config: Checkpoint is required"))
	}
	if c.NackDelay < 0 {
		errs = append(errs, errors.New("subscriber config: NackDelay must not be negative"))
	}
	return errors.Join(errs...)
}

// Subscriber exposes the store's catch-up subscription to the whole log as
// a watermill message.Subscriber, so that projection handlers run under a
// watermill Router with its middleware. Each topic is one consumer: it
// starts after the position its Checkpoint gives and receives every later
// event, one at a time, in log order; the next message is sent only after
// the previous one is acked. A nacked message is redelivered after
// NackDelay. Subscribe and Close are safe for concurrent use.
type Subscriber struct {
	cfg    SubscriberConfig
	mu     sync.Mutex
	closed bool
	done   chan struct{}
	wg     sync.WaitGroup

	failOnce sync.Once
	failed   chan struct{} // closed when a subscription failed
	failErr  error         // the first failure, set before failed is closed
}

var _ message.Subscriber = (*Subscriber)(nil)

// NewSubscriber returns a Subscriber for cfg.
func NewSubscriber(cfg SubscriberConfig) (*Subscriber, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if cfg.NackDelay == 0 {
		cfg.NackDelay = 100 * time.Millisecond
	}
	if cfg.Logger == nil {
		cfg.Logger = watermill.NopLogger{}
	}
	return &Subscriber{cfg: cfg, done: make(chan struct{}), failed: make(chan struct{})}, nil
}

// Subscribe starts delivering events to the consumer named topic. The
// channel is closed when ctx is done, the Subscriber is closed, or the
// store fails.
func (s *Subscriber) Subscribe(ctx context.Context, topic string) (<-chan *message.Message, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, ErrClosed
	}
	after, err := s.cfg.Checkpoint(ctx, topic)
	if err != nil {
		return nil, fmt.Errorf("checkpoint of %s: %w", topic, err)
	}
	ctx, cancel := context.WithCancel(ctx)
	sub, err := s.cfg.Store.SubscribeAll(ctx, after)
	if err != nil {
		cancel()
		return nil, err
	}
	out := make(chan *message.Message)
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		defer close(out)
		defer cancel()
		defer sub.Close()
		go func() {
			select {
			case <-s.done:
				cancel()
			case <-ctx.Done():
			}
		}()
		s.deliver(ctx, topic, sub, out)
	}()
	return out, nil
}

// Failed is closed when a subscription stopped because the store failed
// (a damaged event, a store that went away): its consumer receives nothing
// more, and Err says why. It is never closed by Close or a context's end.
func (s *Subscriber) Failed() <-chan struct{} { return s.failed }

// Err returns the failure that closed Failed, or nil.
func (s *Subscriber) Err() error {
	select {
	case <-s.failed:
		return s.failErr
	default:
		return nil
	}
}

func (s *Subscriber) fail(err error) {
	s.failOnce.Do(func() {
		s.failErr = err
		close(s.failed)
	})
}

func (s *Subscriber) deliver(ctx context.Context, topic string, sub Subscription, out chan<- *message.Message) {
	for {
		ev, err := sub.Next(ctx)
		if err != nil {
			if ctx.Err() == nil && !errors.Is(err, ErrClosed) {
				s.cfg.Logger.Error("event store subscription failed", err, watermill.LogFields{"topic": topic})
				s.fail(fmt.Errorf("reading the log for %s: %w", topic, err))
			}
			return
		}
		for {
			msg := ToMessage(ev)
			msg.SetContext(ctx)
			select {
			case out <- msg:
			case <-ctx.Done():
				return
			}
			select {
			case <-msg.Acked():
			case <-msg.Nacked():
				select {
				case <-time.After(s.cfg.NackDelay):
					continue
				case <-ctx.Done():
					return
				}
			case <-ctx.Done():
				return
			}
			break
		}
	}
}

// Close ends every subscription and waits for their goroutines.
func (s *Subscriber) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	close(s.done)
	s.mu.Unlock()
	s.wg.Wait()
	return nil
}

// ToMessage turns a recorded event into a watermill message: the event ID
// as UUID, the data as payload, and the rest as metadata (the correlation
// ID under watermill's own key, so its middleware carries it on).
func ToMessage(ev RecordedEvent) *message.Message {
	msg := message.NewMessage(ev.ID.String(), ev.Data)
	msg.Metadata.Set(MetaType, ev.Type)
	msg.Metadata.Set(MetaStream, ev.Stream)
	msg.Metadata.Set(MetaVersion, strconv.FormatUint(ev.Version, 10))
	msg.Metadata.Set(MetaPosition, ev.Position.String())
	msg.Metadata.Set(MetaRecorded, ev.Recorded.UTC().Format(time.RFC3339Nano))
	msg.Metadata.Set(MetaEvent, string(ev.Metadata))
	if id := correlationID(ev.Metadata); id != "" {
		middleware.SetCorrelationID(id, msg)
	}
	return msg
}

// batchKey carries, in a message's context, the messages of a batch
// (WithBatch).
type batchKey struct{}

// WithBatch returns one message carrying msgs (each made by ToMessage, in
// log order) for one handler call: a subscriber with several events at
// hand passes them at once, so that the router's work per message (its
// middleware, a goroutine, the acknowledgement) is paid once per batch. The
// batch travels in the message's context, in this process only; its UUID
// and metadata are the first message's. FromMessages reads it back.
func WithBatch(ctx context.Context, msgs []*message.Message) *message.Message {
	first := msgs[0]
	b := message.NewMessage(first.UUID, first.Payload)
	b.Metadata = first.Metadata
	b.SetContext(context.WithValue(ctx, batchKey{}, msgs))
	return b
}

// FromMessages reads back the events of msg: those of a batch made by
// WithBatch, or the one ToMessage put in it.
func FromMessages(msg *message.Message) ([]RecordedEvent, error) {
	batch, ok := msg.Context().Value(batchKey{}).([]*message.Message)
	if !ok {
		ev, err := FromMessage(msg)
		if err != nil {
			return nil, err
		}
		return []RecordedEvent{ev}, nil
	}
	out := make([]RecordedEvent, len(batch))
	for i, m := range batch {
		ev, err := FromMessage(m)
		if err != nil {
			return nil, err
		}
		out[i] = ev
	}
	return out, nil
}

// FromMessage reads back the event that ToMessage turned into msg.
func FromMessage(msg *message.Message) (RecordedEvent, error) {
	var ev RecordedEvent
	id, err := uuid.Parse(msg.UUID)
	if err != nil {
		return ev, fmt.Errorf("message %q: event ID: %w", msg.UUID, err)
	}
	version, err := strconv.ParseUint(msg.Metadata.Get(MetaVersion), 10, 64)
	if err != nil {
		return ev, fmt.Errorf("message %s: %s: %w", msg.UUID, MetaVersion, err)
	}
	pos, err := ParsePosition(msg.Metadata.Get(MetaPosition))
	if err != nil {
		return ev, fmt.Errorf("message %s: %s: %w", msg.UUID, MetaPosition, err)
	}
	rec, err := time.Parse(time.RFC3339Nano, msg.Metadata.Get(MetaRecorded))
	if err != nil {
		return ev, fmt.Errorf("message %s: %s: %w", msg.UUID, MetaRecorded, err)
	}
	ev = RecordedEvent{
		EventData: EventData{ID: id, Type: msg.Metadata.Get(MetaType), Data: msg.Payload, Metadata: []byte(msg.Metadata.Get(MetaEvent))},
		Stream:    msg.Metadata.Get(MetaStream), Version: version, Position: pos, Recorded: rec,
	}
	if ev.Type == "" || ev.Stream == "" {
		return ev, fmt.Errorf("message %s: missing %s or %s", msg.UUID, MetaType, MetaStream)
	}
	return ev, nil
}

// correlationID reads "correlationId" from event metadata JSON.
func correlationID(meta []byte) string {
	var m struct {
		CorrelationID string `json:"correlationId"`
	}
	if len(meta) == 0 || json.Unmarshal(meta, &m) != nil {
		return ""
	}
	return m.CorrelationID
}
