package natsbus_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/google/uuid"

	"github.com/supplyeval/supplyeval/eventstore"
	"github.com/supplyeval/supplyeval/eventstore/natsbus"
)

// BenchmarkForwarder measures how fast the forwarder publishes a backlog
// of b.N events (about 1 KiB each, a batch of 12 observations) from the
// embedded store to JetStream on the local NATS server, each acknowledged
// and deduplicated by ID. Skipped without a NATS server.
func BenchmarkForwarder(b *testing.B) {
	topo, js := setupB(b)
	s := openStoreB(b)
	row := `{"region":"DE60","period":"2024-05-%02d","value":%d.5,"dimensions":[{"key":"substance","value":"cocaine"}]}`
	payload := []byte(`{"source":"bench","rows":[`)
	for i := 0; i < 12; i++ {
		if i > 0 {
			payload = append(payload, ',')
		}
		payload = fmt.Appendf(payload, row, i+1, i)
	}
	payload = append(payload, "]}"...)
	meta := []byte(`{"schemaVersion":1,"principal":"bench","commandId":"c","correlationId":"00000000-0000-0000-0000-000000000000"}`)
	for i := 0; i < b.N; i += 256 {
		evs := make([]eventstore.EventData, min(256, b.N-i))
		for j := range evs {
			evs[j] = eventstore.EventData{ID: uuid.New(), Type: "ObservationsRecorded", Data: payload, Metadata: meta}
		}
		if _, err := s.Append(context.Background(), "indicator-bench", eventstore.Any, evs); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	start := time.Now()
	f, err := natsbus.NewForwarder(natsbus.ForwarderConfig{Store: s, Conn: connect(b), Topology: topo,
		CheckpointFile: filepath.Join(b.TempDir(), "cp")})
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- f.Run(ctx) }()
	deadline := time.Now().Add(2 * time.Minute)
	for f.Position() < eventstore.Position(b.N) {
		select {
		case err := <-done:
			b.Fatalf("forwarder stopped at %d of %d: %v", f.Position(), b.N, err)
		default:
		}
		if time.Now().After(deadline) {
			b.Fatalf("forwarder at %d of %d after 2 minutes", f.Position(), b.N)
		}
		time.Sleep(time.Millisecond)
	}
	elapsed := time.Since(start)
	b.StopTimer()
	cancel()
	<-done
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "events/s")
	b.ReportMetric(float64(b.N*len(payload))/elapsed.Seconds()/(1<<20), "MB/s")
	if got := streamMsgs(b, js, topo.EventsStream()); got != uint64(b.N) {
		b.Fatalf("stream holds %d messages, want %d", got, b.N)
	}
}

// BenchmarkReplicaCatchUp measures how fast a fresh replica subscriber
// reads a backlog of b.N forwarded events (about 1 KiB each) from
// JetStream in log order, acknowledging each (projections' own cost
// left out). Skipped without a NATS server.
func BenchmarkReplicaCatchUp(b *testing.B) {
	topo, _ := setupB(b)
	s := openStoreB(b)
	payload := make([]byte, 1000)
	for i := range payload {
		payload[i] = 'x'
	}
	payload = fmt.Appendf(nil, `{"pad":%q}`, payload)
	for i := 0; i < b.N; i += 256 {
		evs := make([]eventstore.EventData, min(256, b.N-i))
		for j := range evs {
			evs[j] = eventstore.EventData{ID: uuid.New(), Type: "ObservationsRecorded", Data: payload, Metadata: []byte(`{}`)}
		}
		if _, err := s.Append(context.Background(), "indicator-bench", eventstore.Any, evs); err != nil {
			b.Fatal(err)
		}
	}
	f, err := natsbus.NewForwarder(natsbus.ForwarderConfig{Store: s, Conn: connect(b), Topology: topo,
		CheckpointFile: filepath.Join(b.TempDir(), "cp")})
	if err != nil {
		b.Fatal(err)
	}
	fctx, fcancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- f.Run(fctx) }()
	defer func() { fcancel(); <-done }()
	for deadline := time.Now().Add(2 * time.Minute); f.Position() < eventstore.Position(b.N); time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			b.Fatalf("forwarder at %d of %d after 2 minutes", f.Position(), b.N)
		}
	}
	b.ResetTimer()
	start := time.Now()
	sub, err := natsbus.NewReplicaSubscriber(natsbus.ReplicaConfig{Conn: connect(b), Topology: topo,
		Checkpoint: func(context.Context, string) (eventstore.Position, error) { return 0, nil }})
	if err != nil {
		b.Fatal(err)
	}
	defer sub.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	ch, err := sub.Subscribe(ctx, "bench")
	if err != nil {
		b.Fatal(err)
	}
	for want := eventstore.Position(1); want <= eventstore.Position(b.N); want++ {
		var msg *message.Message
		select {
		case msg = <-ch:
		case <-ctx.Done():
			b.Fatalf("at %d of %d: %v", want-1, b.N, ctx.Err())
		}
		ev, err := eventstore.FromMessage(msg)
		if err != nil || ev.Position != want {
			b.Fatalf("got position %d (%v), want %d", ev.Position, err, want)
		}
		msg.Ack()
	}
	elapsed := time.Since(start)
	b.StopTimer()
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "events/s")
}
