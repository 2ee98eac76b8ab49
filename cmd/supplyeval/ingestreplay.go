package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/supplyeval/supplyeval/eventstore/natsbus"
	"github.com/supplyeval/supplyeval/i18n"
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
		return usage("cli.err.replay.bus.required")
	}
	server, topo, err := natsbus.ParseURL(*bus)
	if err != nil {
		return usage("cli.err.replay.bus", err)
	}
	nc, err := natsbus.Connect(server, "supplyeval ingest-replay")
	if err != nil {
		return errm("cli.err.replay", err)
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		return errm("cli.err.replay", err)
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	n, err := natsbus.ReplayPoisoned(ctx, js, topo, *dryRun)
	if err != nil {
		return errm("cli.err.replay.after", i18n.Int(n), err)
	}
	l := helpLang(args)
	if *dryRun {
		fmt.Fprintln(stdout, l.T("cli.out.replay.dry", i18n.Int(n).Localize(l), topo.PoisonSubject()))
	} else {
		fmt.Fprintln(stdout, l.T("cli.out.replay.done", i18n.Int(n).Localize(l), topo.IngestSubject()))
	}
	return nil
}
