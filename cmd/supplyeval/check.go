package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"

	"github.com/supplyeval/supplyeval/eventstore/embedded"
	"github.com/supplyeval/supplyeval/i18n"
	"github.com/supplyeval/supplyeval/projections"
)

// errDamaged is returned by runCheck when it found damage (exit status 1);
// what it found is already printed.
var errDamaged = errm("cli.err.check.damaged")

// runCheck is `supplyeval check`: it reads every event of the embedded
// store and every read-model snapshot of a data directory no server holds,
// prints what it found, and fails when anything is damaged.
func runCheck(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	var c commonFlags
	c.register(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	log, err := c.logger(stderr)
	if err != nil {
		return err
	}
	dir := filepath.Join(c.data, "events")
	store, err := embedded.Open(embedded.Config{Dir: dir, Logger: storeLogger(log)})
	if errors.Is(err, embedded.ErrLocked) {
		return errm("cli.err.check.locked", c.data)
	}
	l := helpLang(args)
	if err != nil {
		fmt.Fprintln(stdout, l.T("cli.out.check.open", dir, errIn(err, l)))
		return errDamaged
	}
	defer store.Close()
	sum, err := store.Check(ctx)
	if err != nil {
		return errm("cli.err.check", err)
	}
	damaged := len(sum.Damage) > 0
	if tail, torn := store.TornTail(); torn {
		// Dropped by this very open: say what it cost, once (the engine
		// does not keep the unreadable bytes).
		damaged = true
		fmt.Fprintln(stdout, l.T("cli.out.check.torn", dir, i18n.Int(tail.Dropped).Localize(l), filepath.Base(tail.File), tail.Valid, sum.Head))
	}
	if damaged {
		fmt.Fprintln(stdout, l.T("cli.out.check.damaged", dir, i18n.Int(len(sum.Damage)+sum.DamageOmitted).Localize(l), i18n.Int(sum.Events).Localize(l), sum.Head))
		for _, d := range sum.Damage {
			problem := d.Problem
			if !d.Msg.IsZero() {
				problem = l.Render(d.Msg)
			}
			if d.Position > 0 {
				fmt.Fprintln(stdout, l.T("cli.out.check.problem", d.Position, problem))
			} else {
				fmt.Fprintf(stdout, "  %s\n", problem)
			}
		}
		if sum.DamageOmitted > 0 {
			fmt.Fprintln(stdout, l.T("cli.err.import.more", sum.DamageOmitted))
		}
	} else {
		fmt.Fprintln(stdout, l.T("cli.out.check.ok", dir, i18n.Int(sum.Events).Localize(l), i18n.Int(sum.Streams).Localize(l), sum.Head))
	}

	snapDir := filepath.Join(c.data, "snapshots")
	snaps, err := projections.NewSnapshotStore(snapDir)
	if err != nil {
		return errm("cli.err.check", err)
	}
	for _, p := range []projections.Projection{projections.NewCatalog(), projections.NewSeries(), projections.NewInterventions(), projections.NewCycles(), projections.NewProvenance()} {
		exists, cp, err := snaps.Verify(p, uint64(sum.Head))
		switch {
		case err != nil:
			damaged = true
			fmt.Fprintln(stdout, l.T("cli.out.check.snap.damaged", filepath.Join(snapDir, p.Name()+".snap"), errIn(err, l)))
		case !exists:
			fmt.Fprintln(stdout, l.T("cli.out.check.snap.none", p.Name()))
		default:
			fmt.Fprintln(stdout, l.T("cli.out.check.snap.ok", p.Name(), cp))
		}
	}
	if damaged {
		return errDamaged
	}
	return nil
}
