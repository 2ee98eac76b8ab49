package natsbus_test

import (
	"context"
	"io"
	"net"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/supplyeval/supplyeval/eventstore"
	"github.com/supplyeval/supplyeval/eventstore/natsbus"
)

// linkProxy forwards a loopback port to NATS; cut closes every
// connection and refuses new ones until it is mended.
type linkProxy struct {
	ln    net.Listener
	mu    sync.Mutex
	cut   bool
	conns map[net.Conn]struct{}
}

func newLinkProxy(t *testing.T, target string) *linkProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &linkProxy{ln: ln, conns: map[net.Conn]struct{}{}}
	t.Cleanup(func() { ln.Close(); p.setCut(true) })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			p.mu.Lock()
			if p.cut {
				p.mu.Unlock()
				c.Close()
				continue
			}
			up, err := net.DialTimeout("tcp", target, time.Second)
			if err != nil {
				p.mu.Unlock()
				c.Close()
				continue
			}
			p.conns[c], p.conns[up] = struct{}{}, struct{}{}
			p.mu.Unlock()
			go func() { _, _ = io.Copy(up, c); up.Close(); c.Close() }()
			go func() { _, _ = io.Copy(c, up); up.Close(); c.Close() }()
		}
	}()
	return p
}

func (p *linkProxy) setCut(cut bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.cut = cut
	if cut {
		for c := range p.conns {
			c.Close()
		}
		p.conns = map[net.Conn]struct{}{}
	}
}

// TestReplicaNoticesLostConsumer cuts a replica's link to NATS for longer
// than its consumer's lifetime (so JetStream deletes the consumer): once
// the link is back, the replica must notice within 5 s, make a new
// consumer from its checkpoint and go on without a gap. Before, it waited
// for two missed 15 s heartbeats of a 30 s pull (30.8 s measured).
func TestReplicaNoticesLostConsumer(t *testing.T) {
	topo, _ := setup(t)
	s := openStore(t)
	appendN(t, s, "r", 50)
	f, stop := runForwarder(t, s, topo, filepath.Join(t.TempDir(), "cp"))
	defer stop()
	waitForwarded(t, f, 50)

	proxy := newLinkProxy(t, "127.0.0.1:4222")
	nc, err := natsbus.Connect("nats://"+proxy.ln.Addr().String(), t.Name())
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	var mu sync.Mutex
	var applied eventstore.Position
	sub, err := natsbus.NewReplicaSubscriber(natsbus.ReplicaConfig{Conn: nc, Topology: topo, ConsumerLifetime: time.Second,
		Checkpoint: func(context.Context, string) (eventstore.Position, error) {
			mu.Lock()
			defer mu.Unlock()
			return applied, nil
		}})
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	ch, err := sub.Subscribe(ctx, "projection")
	if err != nil {
		t.Fatal(err)
	}
	var back time.Time
	for want := eventstore.Position(1); want <= 100; {
		if want == 51 && back.IsZero() {
			proxy.setCut(true)
			time.Sleep(3 * time.Second) // the consumer's lifetime is 1 s
			appendN(t, s, "r", 50)
			waitForwarded(t, f, 100)
			if sub.Healthy() == nil {
				t.Error("Healthy() = nil after 3 s cut off from NATS; want why the consumer failed")
			}
			proxy.setCut(false)
			back = time.Now()
		}
		var msg *message.Message
		select {
		case msg = <-ch:
		case <-ctx.Done():
			t.Fatalf("waiting for position %d: %v", want, ctx.Err())
		}
		if want == 51 && !back.IsZero() {
			took := time.Since(back)
			t.Logf("first event after the link returned: %v", took.Round(time.Millisecond))
			if took > 5*time.Second {
				t.Errorf("the replica took %v after the link returned to go on; want <= 5 s", took.Round(time.Millisecond))
			}
		}
		evs, err := eventstore.FromMessages(msg) // a batch of the events at hand
		if err != nil {
			t.Fatal(err)
		}
		for _, ev := range evs {
			if ev.Position != want {
				t.Fatalf("got position %d, want %d", ev.Position, want)
			}
			want++
		}
		mu.Lock()
		applied = want - 1
		mu.Unlock()
		msg.Ack()
	}
	if err := sub.Healthy(); err != nil {
		t.Errorf("Healthy() = %v once the replica went on; want nil", err)
	}
}
