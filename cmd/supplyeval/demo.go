package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/rs/zerolog"

	"github.com/supplyeval/supplyeval/domain"
	"github.com/supplyeval/supplyeval/domain/demo"
)

func runDemo(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	var c commonFlags
	c.register(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	log, err := c.logger(stderr)
	if err != nil {
		return err
	}
	n, err := Open(ctx, Config{DataDir: c.data, Logger: log})
	if err != nil {
		return err
	}
	sum, err := seed(ctx, n)
	if cerr := n.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, sum)
	return nil
}

// seedIfEmpty records the demo world when the data directory holds no event.
func seedIfEmpty(ctx context.Context, cfg Config, log zerolog.Logger) error {
	cfg.Addr = ""
	n, err := Open(ctx, cfg)
	if err != nil {
		return err
	}
	if n.Runner.Position() == 0 {
		var sum string
		sum, err = seed(ctx, n)
		log.Info().Msg(sum)
	}
	if cerr := n.Close(); err == nil {
		err = cerr
	}
	return err
}

// seed records the demo world through the command bus. Every step has a
// command ID, so seeding twice records nothing new.
func seed(ctx context.Context, n *Node) (string, error) {
	start := time.Now()
	world, err := demo.Generate(demo.Config{})
	if err != nil {
		return "", fmt.Errorf("generate demo world: %w", err)
	}
	recorded, repeated := 0, 0
	var last uint64
	for i, step := range world.Steps {
		res, err := n.Bus.Handle(ctx, domain.Envelope{Principal: domain.System("demo"), CommandID: step.CommandID}, step.Command)
		if err != nil {
			return "", fmt.Errorf("demo step %d (%s %s): %w", i, step.Command.CommandName(), step.CommandID, err)
		}
		if res.Duplicate {
			repeated++
		} else {
			recorded++
		}
		last = max(last, res.Position)
	}
	if err := n.Runner.WaitFor(ctx, last); err != nil {
		return "", err
	}
	regions, indicators, observations, interventions := world.Counts()
	return fmt.Sprintf("demo world: %d regions, %d indicators, %d observations, %d interventions; %d commands recorded, %d already there; position %d; %s",
		regions, indicators, observations, interventions, recorded, repeated, n.Runner.Position(), time.Since(start).Round(time.Millisecond)), nil
}
