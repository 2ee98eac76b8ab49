package natsbus_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

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
