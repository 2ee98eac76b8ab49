package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"

	"github.com/supplyeval/supplyeval/eventstore/embedded"
	"github.com/supplyeval/supplyeval/projections"
)

// errDamaged is returned by runCheck when it found damage (exit status 1);
// what it found is already printed.
var errDamaged = errors.New("check: the data directory is damaged (see above)")

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
		return fmt.Errorf("check: the data directory %s is held by another supplyeval: stop it first (check needs the directory to itself)", c.data)
	}
	if err != nil {
		fmt.Fprintf(stdout, "log %s: DAMAGED: it cannot be opened: %v\n", dir, err)
		return errDamaged
	}
	defer store.Close()
	sum, err := store.Check(ctx)
	if err != nil {
		return fmt.Errorf("check: %w", err)
	}
	damaged := len(sum.Damage) > 0
	if tail, torn := store.TornTail(); torn {
		// Dropped by this very open: say what it cost, once (the engine
		// does not keep the unreadable bytes).
		damaged = true
		fmt.Fprintf(stdout, "log %s: DAMAGED: the last %d bytes of the write-ahead log %s (from offset %d) could not be read and were dropped on opening: "+
			"a write torn by a crash or a damaged disk; events in them are gone (the log now ends at position %d)\n",
			dir, tail.Dropped, filepath.Base(tail.File), tail.Valid, sum.Head)
	}
	if damaged {
		fmt.Fprintf(stdout, "log %s: DAMAGED: %d problem(s) in %d events up to position %d\n", dir, len(sum.Damage)+sum.DamageOmitted, sum.Events, sum.Head)
		for _, d := range sum.Damage {
			if d.Position > 0 {
				fmt.Fprintf(stdout, "  position %d: %s\n", d.Position, d.Problem)
			} else {
				fmt.Fprintf(stdout, "  %s\n", d.Problem)
			}
		}
		if sum.DamageOmitted > 0 {
			fmt.Fprintf(stdout, "  ... and %d more\n", sum.DamageOmitted)
		}
	} else {
		fmt.Fprintf(stdout, "log %s: ok: %d events in %d streams, positions 1 to %d without a gap, stream indexes agree\n", dir, sum.Events, sum.Streams, sum.Head)
	}

	snapDir := filepath.Join(c.data, "snapshots")
	snaps, err := projections.NewSnapshotStore(snapDir)
	if err != nil {
		return fmt.Errorf("check: %w", err)
	}
	for _, p := range []projections.Projection{projections.NewCatalog(), projections.NewSeries(), projections.NewInterventions(), projections.NewCycles(), projections.NewProvenance()} {
		exists, cp, err := snaps.Verify(p, uint64(sum.Head))
		switch {
		case err != nil:
			damaged = true
			fmt.Fprintf(stdout, "snapshot %s: DAMAGED: %v (a server rebuilds it from the log at start)\n", filepath.Join(snapDir, p.Name()+".snap"), err)
		case !exists:
			fmt.Fprintf(stdout, "snapshot %s: none (a server builds it from the log)\n", p.Name())
		default:
			fmt.Fprintf(stdout, "snapshot %s: ok at position %d\n", p.Name(), cp)
		}
	}
	if damaged {
		return errDamaged
	}
	return nil
}
