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
	"github.com/supplyeval/supplyeval/i18n"
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
	sum, err := seed(ctx, n, helpLang(args))
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
		sum, err = seed(ctx, n, i18n.EN)
		log.Info().Msg(sum)
	}
	if cerr := n.Close(); err == nil {
		err = cerr
	}
	return err
}

// seed records the demo world through the command bus. Every step has a
// command ID, so seeding twice records nothing new.
func seed(ctx context.Context, n *Node, l i18n.Lang) (string, error) {
	start := time.Now()
	world, err := demo.Generate(demo.Config{})
	if err != nil {
		return "", errm("cli.err.demo.generate", err)
	}
	recorded, repeated := 0, 0
	var last uint64
	for i, step := range world.Steps {
		res, err := n.Bus.Handle(ctx, domain.Envelope{Principal: domain.System("demo"), CommandID: step.CommandID}, step.Command)
		if err != nil {
			return "", errm("cli.err.demo.step", i, step.Command.CommandName(), step.CommandID, err)
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
	return l.T("cli.out.demo", i18n.Int(regions).Localize(l), i18n.Int(indicators).Localize(l), i18n.Int(observations).Localize(l),
		i18n.Int(interventions).Localize(l), i18n.Int(recorded).Localize(l), i18n.Int(repeated).Localize(l), n.Runner.Position(),
		durationIn(l, time.Since(start).Round(time.Millisecond))), nil
}
