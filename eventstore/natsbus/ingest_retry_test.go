package natsbus_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/supplyeval/supplyeval/domain"
	"github.com/supplyeval/supplyeval/eventstore/natsbus"
)

// flakyCommands answers UNAVAILABLE (a store that is away: a leader
// election, a full disk) until its outage ends, then records.
type flakyCommands struct {
	mu       sync.Mutex
	until    time.Time
	attempts int
	recorded []string
}

func (f *flakyCommands) Handle(_ context.Context, env domain.Envelope, _ domain.Command) (domain.Result, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.attempts++
	if time.Now().Before(f.until) {
		return domain.Result{}, domain.Errorf(domain.Unavailable, "", "the store is not reachable")
	}
	f.recorded = append(f.recorded, env.CommandID)
	return domain.Result{}, nil
}

func (f *flakyCommands) state() (int, []string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.attempts, append([]string(nil), f.recorded...)
}

// TestIngestWaitsOutAStoreOutage: a valid batch that meets a store outage
// longer than the old retries (3 tries in about 350 ms) is retried with
// backoff and recorded once the store is back, never poisoned. A batch
// that stays unrecordable past IngestConfig.RetryFor is poisoned, with a
// reason that says why.
func TestIngestWaitsOutAStoreOutage(t *testing.T) {
	for _, tc := range []struct {
		name     string
		outage   time.Duration
		retryFor time.Duration
		poisoned bool
	}{
		{"outage of 3 s", 3 * time.Second, time.Minute, false},
		{"outage past the deadline", time.Hour, 2 * time.Second, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			topo, js := setup(t)
			cmds := &flakyCommands{until: time.Now().Add(tc.outage)}
			in, err := natsbus.NewIngest(natsbus.IngestConfig{Conn: connect(t), Topology: topo, Commands: cmds, RetryFor: tc.retryFor})
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 45*time.Second)
			defer cancel()
			done := make(chan error, 1)
			go func() { done <- in.Run(ctx) }()
			defer func() { in.Close(); <-done }()
			<-in.Running()
			m := nats.NewMsg(topo.IngestSubject())
			m.Header = nats.Header{nats.MsgIdHdr: {"during-outage"}}
			m.Data = []byte(`{"indicator":"COC_PRICE","source":"nfp","rows":[{"region":"NL33","period":"2025-01","value":61.5}]}`)
			if _, err := js.PublishMsg(ctx, m); err != nil {
				t.Fatal(err)
			}
			for ctx.Err() == nil {
				_, recorded := cmds.state()
				if len(recorded) > 0 || streamMsgs(t, js, topo.PoisonStream()) > 0 {
					break
				}
				time.Sleep(50 * time.Millisecond)
			}
			attempts, recorded := cmds.state()
			poisoned := streamMsgs(t, js, topo.PoisonStream())
			if tc.poisoned {
				if poisoned != 1 || len(recorded) != 0 {
					t.Fatalf("%d poisoned, %d recorded after %d attempts; want the batch poisoned", poisoned, len(recorded), attempts)
				}
				pst, _ := js.Stream(ctx, topo.PoisonStream())
				pm, err := pst.GetMsg(ctx, 1)
				if err != nil || pm.Header.Get("reason_poisoned") == "" {
					t.Errorf("poisoned without a reason: %v %v", pm, err)
				}
				return
			}
			if len(recorded) != 1 || poisoned != 0 {
				t.Errorf("after a %s outage: %d recorded, %d poisoned (%d attempts); want 1 recorded, none poisoned", tc.outage, len(recorded), poisoned, attempts)
			}
		})
	}
}
