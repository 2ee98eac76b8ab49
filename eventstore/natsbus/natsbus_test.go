package natsbus_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/google/uuid"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/supplyeval/supplyeval/domain"
	"github.com/supplyeval/supplyeval/eventstore"
	"github.com/supplyeval/supplyeval/eventstore/embedded"
	"github.com/supplyeval/supplyeval/eventstore/natsbus"
)

// natsURL is the NATS server with JetStream the tests use.
const natsURL = "nats://127.0.0.1:4222"

// setup skips the test when no NATS server is reachable, and returns a
// topology unique to the test whose streams are deleted after it.
func setup(t *testing.T) (natsbus.Topology, jetstream.JetStream) { return setupB(t) }

// setupB is setup for any testing.TB.
func setupB(t testing.TB) (natsbus.Topology, jetstream.JetStream) {
	t.Helper()
	c, err := net.DialTimeout("tcp", "127.0.0.1:4222", 500*time.Millisecond)
	if err != nil {
		t.Skip("no NATS server on 127.0.0.1:4222; start one with JetStream: " +
			"start-stop-daemon --start --oknodo --background --exec /usr/sbin/nats-server -- -a 127.0.0.1 -p 4222 -js -sd /var/lib/nats-server")
	}
	c.Close()
	var b [5]byte
	rand.Read(b[:])
	topo := natsbus.Topology{Prefix: "test-" + hex.EncodeToString(b[:])}
	nc := connect(t)
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := topo.Delete(ctx, js); err != nil {
			t.Errorf("delete streams: %v", err)
		}
	})
	return topo, js
}

func connect(t testing.TB) *nats.Conn {
	t.Helper()
	nc, err := natsbus.Connect(natsURL, t.Name())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.Close)
	return nc
}

func openStore(t *testing.T) *embedded.Store { return openStoreB(t) }

func openStoreB(t testing.TB) *embedded.Store {
	t.Helper()
	s, err := embedded.Open(embedded.Config{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func appendN(t *testing.T, s eventstore.Store, stream string, n int) {
	t.Helper()
	for i := 0; i < n; i += 10 {
		evs := make([]eventstore.EventData, min(10, n-i))
		for j := range evs {
			evs[j] = eventstore.EventData{ID: uuid.New(), Type: "Tick", Data: fmt.Appendf(nil, `{"i":%d}`, i+j),
				Metadata: []byte(`{"schemaVersion":1,"correlationId":"c-1"}`)}
		}
		if _, err := s.Append(context.Background(), stream, eventstore.Any, evs); err != nil {
			t.Fatal(err)
		}
	}
}

// runForwarder runs a forwarder until the returned stop is called.
func runForwarder(t *testing.T, s eventstore.Store, topo natsbus.Topology, checkpoint string) (*natsbus.Forwarder, func()) {
	t.Helper()
	f, err := natsbus.NewForwarder(natsbus.ForwarderConfig{Store: s, Conn: connect(t), Topology: topo, CheckpointFile: checkpoint,
		Primary: "http://primary.test/graphql", BatchSize: 64})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		if err := f.Run(ctx); err != nil {
			t.Errorf("forwarder: %v", err)
		}
	}()
	return f, func() { cancel(); wg.Wait() }
}

func waitForwarded(t *testing.T, f *natsbus.Forwarder, pos eventstore.Position) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for f.Position() < pos {
		if time.Now().After(deadline) {
			t.Fatalf("forwarder at %d, want %d", f.Position(), pos)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func streamMsgs(t testing.TB, js jetstream.JetStream, name string) uint64 {
	t.Helper()
	st, err := js.Stream(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	info, err := st.Info(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return info.State.Msgs
}

// TestForwarderRestartsWithoutDuplicates forwards, stops, appends,
// restarts (once with its checkpoint file, once without it) and checks
// that the stream holds every event once, in log order.
func TestForwarderRestartsWithoutDuplicates(t *testing.T) {
	topo, js := setup(t)
	s := openStore(t)
	cp := filepath.Join(t.TempDir(), "forwarder.checkpoint")
	appendN(t, s, "a", 300)
	f, stop := runForwarder(t, s, topo, cp)
	waitForwarded(t, f, 300)
	stop()
	appendN(t, s, "a", 200)
	f, stop = runForwarder(t, s, topo, cp)
	waitForwarded(t, f, 500)
	stop()
	if got := streamMsgs(t, js, topo.EventsStream()); got != 500 {
		t.Fatalf("stream holds %d messages, want 500", got)
	}
	// Without its checkpoint file it resumes from the stream's last event.
	appendN(t, s, "b", 20)
	f, stop = runForwarder(t, s, topo, filepath.Join(t.TempDir(), "lost.checkpoint"))
	waitForwarded(t, f, 520)
	stop()
	if got := streamMsgs(t, js, topo.EventsStream()); got != 520 {
		t.Fatalf("stream holds %d messages, want 520", got)
	}
	pos, id, err := natsbus.LastForwarded(context.Background(), js, topo)
	if err != nil || pos != 520 || id == "" {
		t.Fatalf("LastForwarded: %d %q %v, want 520", pos, id, err)
	}
	if p := natsbus.Primary(context.Background(), js, topo); p != "http://primary.test/graphql" {
		t.Errorf("Primary: %q", p)
	}
}

// TestReplicaSubscriber reads the forwarded log through the watermill
// subscriber from several checkpoints, in order, and checks a nacked
// message comes back before the next.
func TestReplicaSubscriber(t *testing.T) {
	topo, js := setup(t)
	s := openStore(t)
	appendN(t, s, "r", 120)
	f, stop := runForwarder(t, s, topo, filepath.Join(t.TempDir(), "cp"))
	defer stop()
	waitForwarded(t, f, 120)

	st, err := js.Stream(context.Background(), topo.EventsStream())
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		after eventstore.Position
		seq   uint64
	}{{0, 1}, {1, 2}, {57, 58}, {119, 120}, {120, 121}, {5000, 121}} {
		seq, err := natsbus.StartSequence(context.Background(), st, c.after)
		if err != nil || seq != c.seq {
			t.Errorf("StartSequence(%d) = %d, %v; want %d", c.after, seq, err, c.seq)
		}
	}

	checkpoints := map[string]eventstore.Position{"from-start": 0, "from-middle": 70}
	sub, err := natsbus.NewReplicaSubscriber(natsbus.ReplicaConfig{Conn: connect(t), Topology: topo,
		Checkpoint: func(_ context.Context, topic string) (eventstore.Position, error) { return checkpoints[topic], nil }})
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	for topic, after := range checkpoints {
		ch, err := sub.Subscribe(ctx, topic)
		if err != nil {
			t.Fatal(err)
		}
		want := after + 1
		nacked, live := false, false
		for want <= 130 {
			if want >= 121 && !live {
				live = true
				appendN(t, s, "r", 10) // live events after catching up
			}
			var msg *message.Message
			select {
			case msg = <-ch:
			case <-ctx.Done():
				t.Fatalf("%s: waiting for position %d: %v", topic, want, ctx.Err())
			}
			// A message holds a batch of the events at hand, in order.
			evs, err := eventstore.FromMessages(msg)
			if err != nil {
				t.Fatal(err)
			}
			nack := false
			for _, ev := range evs {
				if ev.Position < want {
					continue // the part of a nacked batch applied before
				}
				if ev.Position != want {
					t.Fatalf("%s: got position %d, want %d", topic, ev.Position, want)
				}
				if ev.Position == 100 && !nacked {
					nacked, nack = true, true
					break
				}
				want++
			}
			if nack {
				msg.Nack()
				continue
			}
			msg.Ack()
		}
	}
}

// fakeCommands records commands as the domain does: once per command ID.
type fakeCommands struct {
	mu      sync.Mutex
	seen    map[string]domain.RecordObservations
	handled int
}

func (f *fakeCommands) Handle(_ context.Context, env domain.Envelope, cmd domain.Command) (domain.Result, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.handled++
	ro := cmd.(domain.RecordObservations)
	if ro.Indicator == "UNKNOWN" {
		return domain.Result{}, &domain.Error{Code: domain.NotFound, Field: "indicator", Message: "indicator UNKNOWN is not defined"}
	}
	if _, ok := f.seen[env.CommandID]; !ok {
		f.seen[env.CommandID] = ro
	}
	return domain.Result{}, nil
}

func (f *fakeCommands) state() (int, int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.seen), f.handled
}

// TestIngestExactlyOnce publishes one batch twice with the same
// Nats-Msg-Id (JetStream drops the second), another twice with the same
// watermill UUID but different Nats-Msg-Ids (both stored; one command ID),
// and two bad ones (to the poison queue with the reason).
func TestIngestExactlyOnce(t *testing.T) {
	topo, js := setup(t)
	cmds := &fakeCommands{seen: map[string]domain.RecordObservations{}}
	in, err := natsbus.NewIngest(natsbus.IngestConfig{Conn: connect(t), Topology: topo, Commands: cmds})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- in.Run(ctx) }()
	defer func() { in.Close(); <-done }()
	<-in.Running()

	batch := []byte(`{"indicator":"COC_PRICE","source":"nfp","rows":[{"region":"NL33","period":"2025-01","value":61.5}]}`)
	pub := func(h nats.Header, data []byte) {
		t.Helper()
		m := nats.NewMsg(topo.IngestSubject())
		m.Header = h
		m.Data = data
		if _, err := js.PublishMsg(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	pub(nats.Header{nats.MsgIdHdr: {"batch-1"}}, batch)
	pub(nats.Header{nats.MsgIdHdr: {"batch-1"}}, batch)
	pub(nats.Header{nats.MsgIdHdr: {"batch-2a"}, natsbus.WatermillUUIDHeader: {"batch-2"}}, batch)
	pub(nats.Header{nats.MsgIdHdr: {"batch-2b"}, natsbus.WatermillUUIDHeader: {"batch-2"}}, batch)
	pub(nats.Header{nats.MsgIdHdr: {"bad-json"}}, []byte(`{"indicator": "COC_PRICE", "rows": [`))
	pub(nats.Header{nats.MsgIdHdr: {"bad-indicator"}}, []byte(`{"indicator":"UNKNOWN","source":"x","rows":[{"region":"NL33","period":"2025-01","value":1}]}`))
	if got := streamMsgs(t, js, topo.IngestStream()); got != 5 {
		t.Errorf("ingest stream holds %d messages, want 5 (one duplicate dropped)", got)
	}

	// Both bad batches end in the poison stream, each with its reason.
	pst, err := js.Stream(ctx, topo.PoisonStream())
	if err != nil {
		t.Fatal(err)
	}
	reasons := map[string]string{}
	for len(reasons) < 2 {
		if ctx.Err() != nil {
			t.Fatalf("poison queue has %v", reasons)
		}
		for seq := uint64(1); seq <= 2; seq++ {
			if m, err := pst.GetMsg(ctx, seq); err == nil {
				reasons[m.Header.Get(natsbus.WatermillUUIDHeader)] = m.Header.Get("reason_poisoned")
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	if r := reasons["bad-json"]; r == "" {
		t.Errorf("bad JSON poisoned without a reason: %v", reasons)
	}
	if r := reasons["bad-indicator"]; r == "" {
		t.Errorf("unknown indicator poisoned without a reason: %v", reasons)
	}
	distinct, handled := cmds.state()
	if distinct != 2 {
		t.Errorf("%d distinct commands recorded, want 2", distinct)
	}
	cmds.mu.Lock()
	_, ok1 := cmds.seen[natsbus.CommandID("batch-1")]
	_, ok2 := cmds.seen[natsbus.CommandID("batch-2")]
	cmds.mu.Unlock()
	if !ok1 || !ok2 {
		t.Errorf("command IDs %v", cmds.seen)
	}
	t.Logf("handled %d commands (1 + 2 + 1 unknown indicator), %d recorded", handled, distinct)
}

// TestReplicaSubscriberSurvivesConsumerLoss deletes the replica's consumer
// in the middle of the log (as a NATS restart loses an ephemeral one): the
// subscriber makes a new one from the checkpoint, and the events go on in
// order, none missing, none repeated.
func TestReplicaSubscriberSurvivesConsumerLoss(t *testing.T) {
	topo, js := setup(t)
	s := openStore(t)
	appendN(t, s, "r", 100)
	f, stop := runForwarder(t, s, topo, filepath.Join(t.TempDir(), "cp"))
	defer stop()
	waitForwarded(t, f, 100)

	var mu sync.Mutex
	var applied eventstore.Position
	sub, err := natsbus.NewReplicaSubscriber(natsbus.ReplicaConfig{Conn: connect(t), Topology: topo,
		Checkpoint: func(context.Context, string) (eventstore.Position, error) {
			mu.Lock()
			defer mu.Unlock()
			return applied, nil
		}})
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	ch, err := sub.Subscribe(ctx, "projection")
	if err != nil {
		t.Fatal(err)
	}
	st, err := js.Stream(ctx, topo.EventsStream())
	if err != nil {
		t.Fatal(err)
	}
	deleted := false
	for want := eventstore.Position(1); want <= 150; want++ {
		if want >= 60 && !deleted {
			deleted = true
			names := st.ConsumerNames(ctx)
			n := 0
			for name := range names.Name() {
				if err := st.DeleteConsumer(ctx, name); err != nil {
					t.Fatal(err)
				}
				n++
			}
			if n == 0 {
				t.Fatal("no consumer to delete")
			}
			appendN(t, s, "r", 50)
		}
		var msg *message.Message
		select {
		case msg = <-ch:
		case <-ctx.Done():
			t.Fatalf("waiting for position %d: %v", want, ctx.Err())
		}
		evs, err := eventstore.FromMessages(msg)
		if err != nil {
			t.Fatal(err)
		}
		for i, ev := range evs {
			if ev.Position != want+eventstore.Position(i) {
				t.Fatalf("got position %d, want %d", ev.Position, want+eventstore.Position(i))
			}
		}
		want += eventstore.Position(len(evs)) - 1
		mu.Lock()
		applied = want
		mu.Unlock()
		msg.Ack()
	}
}

// TestReplicaSharedConsumer: topics listed in ReplicaConfig.Topics share
// one consumer, which starts after the lowest of their checkpoints; each
// topic gets every event in order (skipping, as a read model does, what it
// had applied); a batch one topic nacks goes again to that topic only.
func TestReplicaSharedConsumer(t *testing.T) {
	topo, js := setup(t)
	s := openStore(t)
	appendN(t, s, "r", 80)
	f, stop := runForwarder(t, s, topo, filepath.Join(t.TempDir(), "cp"))
	defer stop()
	waitForwarded(t, f, 80)
	checkpoints := map[string]eventstore.Position{"a": 0, "b": 40}
	sub, err := natsbus.NewReplicaSubscriber(natsbus.ReplicaConfig{Conn: connect(t), Topology: topo, Topics: []string{"a", "b"},
		Checkpoint: func(_ context.Context, topic string) (eventstore.Position, error) { return checkpoints[topic], nil }})
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	chans := map[string]<-chan *message.Message{}
	for _, topic := range []string{"a", "b"} {
		if chans[topic], err = sub.Subscribe(ctx, topic); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := sub.Subscribe(ctx, "a"); err == nil {
		t.Error("a topic subscribed twice: no error")
	}
	st, err := js.Stream(ctx, topo.EventsStream())
	if err != nil {
		t.Fatal(err)
	}
	if info, err := st.Info(ctx); err != nil || info.State.Consumers != 1 {
		t.Errorf("%v consumers (%v), want 1 shared", info.State.Consumers, err)
	}
	var wg sync.WaitGroup
	seen := map[string][]eventstore.Position{}
	var mu sync.Mutex
	for topic, ch := range chans {
		wg.Go(func() {
			applied := checkpoints[topic]
			nacked := false
			for applied < 80 {
				var msg *message.Message
				select {
				case msg = <-ch:
				case <-ctx.Done():
					t.Errorf("%s: waiting after %d: %v", topic, applied, ctx.Err())
					return
				}
				evs, err := eventstore.FromMessages(msg)
				if err != nil {
					t.Error(err)
					return
				}
				if topic == "b" && !nacked && evs[len(evs)-1].Position >= 60 {
					nacked = true
					msg.Nack() // fails once: b gets the batch again
					continue
				}
				for _, ev := range evs {
					if ev.Position <= applied {
						continue
					}
					if ev.Position != applied+1 {
						t.Errorf("%s: position %d after %d", topic, ev.Position, applied)
						return
					}
					applied = ev.Position
					mu.Lock()
					seen[topic] = append(seen[topic], ev.Position)
					mu.Unlock()
				}
				msg.Ack()
			}
		})
	}
	wg.Wait()
	if len(seen["a"]) != 80 || len(seen["b"]) != 40 || seen["b"][0] != 41 {
		t.Errorf("a applied %d events, b %d from %v; want 80, and 40 from 41", len(seen["a"]), len(seen["b"]), seen["b"][:min(1, len(seen["b"]))])
	}
}
