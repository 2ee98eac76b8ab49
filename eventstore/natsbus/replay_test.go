package natsbus_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/supplyeval/supplyeval/eventstore/natsbus"
)

// TestReplayPoisoned: poisoned batches go back on the ingest subject with
// their body and headers, less the reason, and leave the poison stream; a
// dry run only counts them.
func TestReplayPoisoned(t *testing.T) {
	topo, js := setup(t)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := topo.Provision(ctx, js); err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		m := nats.NewMsg(topo.PoisonSubject())
		m.Data = fmt.Appendf(nil, `{"indicator":"i%d"}`, i)
		m.Header.Set(natsbus.WatermillUUIDHeader, fmt.Sprintf("batch-%d", i))
		m.Header.Set(natsbus.ReasonHeader, "indicator is not defined")
		if _, err := js.PublishMsg(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	n, err := natsbus.ReplayPoisoned(ctx, js, topo, true)
	if err != nil || n != 3 {
		t.Fatalf("dry run: %d, %v; want 3", n, err)
	}
	if got := streamMsgs(t, js, topo.PoisonStream()); got != 3 {
		t.Fatalf("after a dry run the poison stream holds %d, want 3", got)
	}
	n, err = natsbus.ReplayPoisoned(ctx, js, topo, false)
	if err != nil || n != 3 {
		t.Fatalf("replay: %d, %v; want 3", n, err)
	}
	if got := streamMsgs(t, js, topo.PoisonStream()); got != 0 {
		t.Errorf("after the replay the poison stream holds %d, want 0", got)
	}
	st, err := js.Stream(ctx, topo.IngestStream())
	if err != nil {
		t.Fatal(err)
	}
	for seq := uint64(1); seq <= 3; seq++ {
		m, err := st.GetMsg(ctx, seq)
		if err != nil {
			t.Fatal(err)
		}
		want := fmt.Sprintf(`{"indicator":"i%d"}`, seq-1)
		if string(m.Data) != want || m.Header.Get(natsbus.WatermillUUIDHeader) != fmt.Sprintf("batch-%d", seq-1) {
			t.Errorf("ingest message %d: %s %v; want %s with its UUID", seq, m.Data, m.Header, want)
		}
		if m.Header.Get(natsbus.ReasonHeader) != "" {
			t.Errorf("ingest message %d still carries the poison reason", seq)
		}
	}
	if n, err := natsbus.ReplayPoisoned(ctx, js, topo, false); err != nil || n != 0 {
		t.Errorf("second replay: %d, %v; want nothing left", n, err)
	}
}
