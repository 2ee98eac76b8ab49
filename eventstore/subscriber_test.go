package eventstore_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill/message/router/middleware"
	"github.com/google/uuid"

	"github.com/supplyeval/supplyeval/eventstore"
	"github.com/supplyeval/supplyeval/eventstore/embedded"
)

func openStore(t *testing.T) *embedded.Store {
	t.Helper()
	s, err := embedded.Open(embedded.Config{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func appendN(t *testing.T, s eventstore.Store, n int) {
	t.Helper()
	for i := 0; i < n; i++ {
		meta := fmt.Sprintf(`{"v":1,"correlationId":"corr-%d"}`, i)
		if _, err := s.Append(context.Background(), "stream-a", eventstore.Any,
			[]eventstore.EventData{{ID: uuid.New(), Type: "Thing", Data: []byte(fmt.Sprintf(`{"i":%d}`, i)), Metadata: []byte(meta)}}); err != nil {
			t.Fatal(err)
		}
	}
}

func TestSubscriberDeliversInOrderFromCheckpointAndRedeliversNacks(t *testing.T) {
	store := openStore(t)
	appendN(t, store, 5)
	checkpoint := eventstore.Position(2)
	sub, err := eventstore.NewSubscriber(eventstore.SubscriberConfig{Store: store, NackDelay: time.Millisecond,
		Checkpoint: func(context.Context, string) (eventstore.Position, error) { return checkpoint, nil }})
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	msgs, err := sub.Subscribe(ctx, "projection-x")
	if err != nil {
		t.Fatal(err)
	}
	live := make(chan error, 1)
	go func() { // live events after the history
		for i := 0; i < 3; i++ {
			if _, err := store.Append(ctx, "stream-a", eventstore.Any, []eventstore.EventData{{ID: uuid.New(), Type: "Thing",
				Data: []byte(`{}`), Metadata: []byte(fmt.Sprintf(`{"v":1,"correlationId":"corr-%d"}`, 5+i))}}); err != nil {
				live <- err
				return
			}
		}
		live <- nil
	}()

	want := eventstore.Position(3)
	nacked := false
	for want <= 8 {
		select {
		case msg, ok := <-msgs:
			if !ok {
				t.Fatal("channel closed early")
			}
			ev, err := eventstore.FromMessage(msg)
			if err != nil {
				t.Fatal(err)
			}
			if ev.Position != want {
				t.Fatalf("got position %d, want %d", ev.Position, want)
			}
			if ev.Type != "Thing" || ev.Stream != "stream-a" || ev.Version != uint64(want-1) {
				t.Fatalf("event = %+v", ev)
			}
			if middleware.MessageCorrelationID(msg) != fmt.Sprintf("corr-%d", want-1) {
				t.Fatalf("correlation ID %q", middleware.MessageCorrelationID(msg))
			}
			if want == 4 && !nacked {
				nacked = true
				msg.Nack() // must come again before position 5
				continue
			}
			msg.Ack()
			want++
		case <-ctx.Done():
			t.Fatalf("timed out waiting for position %d", want)
		}
	}
	if err := <-live; err != nil {
		t.Fatal(err)
	}
	if err := sub.Close(); err != nil {
		t.Fatal(err)
	}
	select {
	case _, ok := <-msgs:
		if ok {
			t.Fatal("message after Close")
		}
	case <-time.After(5 * time.Second):
		t.Fatal("channel not closed by Close")
	}
	if _, err := sub.Subscribe(ctx, "again"); err == nil {
		t.Fatal("Subscribe after Close succeeded")
	}
}

func TestSubscriberConfigIsValidated(t *testing.T) {
	if _, err := eventstore.NewSubscriber(eventstore.SubscriberConfig{}); err == nil {
		t.Fatal("empty config accepted")
	}
}
