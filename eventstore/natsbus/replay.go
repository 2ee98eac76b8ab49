package natsbus

import (
	"context"
	"errors"
	"fmt"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/supplyeval/supplyeval/eventstore"
)

// ReasonHeader is the header in which a poisoned ingest batch carries why
// it was set aside.
const ReasonHeader = "reason_poisoned"

// ReplayPoisoned publishes every batch on the poison stream again on the
// ingest subject (its body and headers, less the reason and JetStream's
// own) and removes it from the poison stream once JetStream has stored it
// again; run it after fixing what made them fail (a missing indicator, a
// store that was away too long). A batch that fails again is poisoned
// again. With dryRun it only counts them. It returns how many it
// republished (or would).
func ReplayPoisoned(ctx context.Context, js jetstream.JetStream, t Topology, dryRun bool) (int, error) {
	st, err := js.Stream(ctx, t.PoisonStream())
	if errors.Is(err, jetstream.ErrStreamNotFound) {
		return 0, nil
	}
	if err != nil {
		return 0, eventstore.Errorm(err, "cli2.nats.poison", t.PoisonStream(), jetStreamErr(err))
	}
	info, err := st.Info(ctx)
	if err != nil {
		return 0, eventstore.Errorm(err, "cli2.nats.poison", t.PoisonStream(), jetStreamErr(err))
	}
	if info.State.Msgs == 0 {
		return 0, nil
	}
	n := 0
	for seq := max(info.State.FirstSeq, 1); seq <= info.State.LastSeq; seq++ {
		m, err := st.GetMsg(ctx, seq)
		if errors.Is(err, jetstream.ErrMsgNotFound) {
			continue
		}
		if err != nil {
			return n, fmt.Errorf("natsbus: poisoned batch %d: %w", seq, err)
		}
		n++
		if dryRun {
			continue
		}
		out := nats.NewMsg(t.IngestSubject())
		out.Data = m.Data
		for k, v := range m.Header {
			if k == ReasonHeader || len(k) > 5 && k[:5] == "Nats-" {
				continue
			}
			out.Header[k] = v
		}
		// A new message ID: the first one may still be in JetStream's
		// duplicate window, which would drop the replay.
		out.Header.Set(jetstream.MsgIDHeader, fmt.Sprintf("replay-%s-%d-%d", t.PoisonStream(), seq, info.State.LastSeq))
		if _, err := js.PublishMsg(ctx, out); err != nil {
			return n - 1, fmt.Errorf("natsbus: republish poisoned batch %d: %w", seq, err)
		}
		if err := st.DeleteMsg(ctx, seq); err != nil {
			return n, fmt.Errorf("natsbus: remove republished batch %d from the poison stream: %w", seq, err)
		}
	}
	return n, nil
}
