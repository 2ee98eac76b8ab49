package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/supplyeval/supplyeval/eventstore/natsbus"
)

// runIngestReplay is `supplyeval ingest-replay`.
func runIngestReplay(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("ingest-replay", flag.ContinueOnError)
	bus := fs.String("bus", "", "the NATS URL the primary's --bus names (required)")
	dryRun := fs.Bool("dry-run", false, "only count the batches set aside")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *bus == "" {
		return usageError{"ingest-replay: --bus is required (the NATS URL the primary's --bus names)"}
	}
	server, topo, err := natsbus.ParseURL(*bus)
	if err != nil {
		return usageError{fmt.Sprintf("ingest-replay: --bus: %v", err)}
	}
	nc, err := natsbus.Connect(server, "supplyeval ingest-replay")
	if err != nil {
		return fmt.Errorf("ingest-replay: %w", err)
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		return fmt.Errorf("ingest-replay: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	n, err := natsbus.ReplayPoisoned(ctx, js, topo, *dryRun)
	if err != nil {
		return fmt.Errorf("ingest-replay: after %d batch(es): %w", n, err)
	}
	if *dryRun {
		fmt.Fprintf(stdout, "%d batch(es) set aside on %s; nothing republished (dry run)\n", n, topo.PoisonSubject())
	} else {
		fmt.Fprintf(stdout, "%d batch(es) republished on %s\n", n, topo.IngestSubject())
	}
	return nil
}
