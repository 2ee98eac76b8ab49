package natsbus

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// WatermillUUIDHeader carries a message's watermill UUID, as in
// watermill-nats, so its subscribers read back the same message.
const WatermillUUIDHeader = "_watermill_message_uuid"

// Publisher is a watermill message.Publisher on JetStream. The topic is
// the subject. Each message is published with its metadata as headers,
// its UUID under WatermillUUIDHeader and as Nats-Msg-Id (so JetStream
// drops a republished message within the duplicate window). Publish sends
// all its messages without waiting for each acknowledgement, then waits
// for them all: it returns nil only when JetStream has stored every one,
// in order. It is safe for concurrent use; it does not close the
// connection.
type Publisher struct {
	js      jetstream.JetStream
	timeout time.Duration

	mu     sync.Mutex
	closed bool
}

var _ message.Publisher = (*Publisher)(nil)

// NewPublisher returns a Publisher on nc; timeout bounds one Publish
// (default 30 s).
func NewPublisher(nc *nats.Conn, timeout time.Duration) (*Publisher, error) {
	js, err := jetstream.New(nc, jetstream.WithPublishAsyncMaxPending(4096))
	if err != nil {
		return nil, fmt.Errorf("natsbus: %w", err)
	}
	if timeout == 0 {
		timeout = 30 * time.Second
	}
	return &Publisher{js: js, timeout: timeout}, nil
}

// Publish publishes msgs on subject topic; see Publisher.
func (p *Publisher) Publish(topic string, msgs ...*message.Message) error {
	p.mu.Lock()
	closed := p.closed
	p.mu.Unlock()
	if closed {
		return errors.New("natsbus: publisher closed")
	}
	futures := make([]jetstream.PubAckFuture, 0, len(msgs))
	for _, m := range msgs {
		nm := nats.NewMsg(topic)
		for k, v := range m.Metadata {
			nm.Header.Set(k, v)
		}
		nm.Header.Set(WatermillUUIDHeader, m.UUID)
		nm.Data = m.Payload
		f, err := p.js.PublishMsgAsync(nm, jetstream.WithMsgID(m.UUID))
		if err != nil {
			return fmt.Errorf("natsbus: publish %s to %s: %w", m.UUID, topic, err)
		}
		futures = append(futures, f)
	}
	timer := time.NewTimer(p.timeout)
	defer timer.Stop()
	for i, f := range futures {
		select {
		case <-f.Ok():
		case err := <-f.Err():
			return fmt.Errorf("natsbus: publish %s to %s: %w", msgs[i].UUID, topic, err)
		case <-timer.C:
			return fmt.Errorf("natsbus: publish to %s: no acknowledgement within %v", topic, p.timeout)
		}
	}
	return nil
}

// Close makes later Publish calls fail.
func (p *Publisher) Close() error {
	p.mu.Lock()
	p.closed = true
	p.mu.Unlock()
	return nil
}

// publishContext is Publish with a context for callers that have one.
func (p *Publisher) publishContext(ctx context.Context, topic string, msgs ...*message.Message) error {
	done := make(chan error, 1)
	go func() { done <- p.Publish(topic, msgs...) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}
