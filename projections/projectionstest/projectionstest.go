// Package projectionstest runs supplyeval's read models over a real
// embedded event store for tests: a store in a directory, the command
// service, and the read models (catalogue, series, interventions, cycles,
// provenance) fed by a runner through the store's watermill subscriber,
// exactly as a node wires them (without the bus and the HTTP server).
package projectionstest

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/supplyeval/supplyeval/domain"
	"github.com/supplyeval/supplyeval/eventstore"
	"github.com/supplyeval/supplyeval/eventstore/embedded"
	"github.com/supplyeval/supplyeval/projections"
)

// Node is a store, a service and the read models.
type Node struct {
	TB            testing.TB
	Dir           string
	Store         *embedded.Store
	Service       *domain.Service
	Runner        *projections.Runner
	Catalog       *projections.Catalog
	Series        *projections.Series
	Interventions *projections.Interventions
	Cycles        *projections.Cycles
	Provenance    *projections.Provenance
	// Restored names the read models loaded from snapshots at start.
	Restored []string

	cancel context.CancelFunc
	done   chan error
}

// Start opens (or reopens) the store in dir and starts the read models,
// from their snapshots when there are any.
func Start(tb testing.TB, dir string) *Node {
	tb.Helper()
	return StartWithPeriods(tb, dir, domain.PeriodRange{})
}

// StartWithPeriods is Start with a service that accepts the periods of
// r (the zero range: domain.DefaultPeriodRange).
func StartWithPeriods(tb testing.TB, dir string, r domain.PeriodRange) *Node {
	tb.Helper()
	store, err := embedded.Open(embedded.Config{Dir: filepath.Join(dir, "events")})
	if err != nil {
		tb.Fatal(err)
	}
	svc, err := domain.NewService(domain.ServiceConfig{Log: eventstore.NewLog(store), Periods: r})
	if err != nil {
		tb.Fatal(err)
	}
	n := &Node{TB: tb, Dir: dir, Store: store, Service: svc, Catalog: projections.NewCatalog(), Series: projections.NewSeries(),
		Interventions: projections.NewInterventions(), Cycles: projections.NewCycles(), Provenance: projections.NewProvenance(),
		done: make(chan error, 1)}
	snaps, err := projections.NewSnapshotStore(filepath.Join(dir, "snapshots"))
	if err != nil {
		tb.Fatal(err)
	}
	sub, err := eventstore.NewSubscriber(eventstore.SubscriberConfig{Store: store,
		Checkpoint: func(ctx context.Context, topic string) (eventstore.Position, error) {
			return n.Runner.Checkpoint(ctx, topic)
		}})
	if err != nil {
		tb.Fatal(err)
	}
	n.Runner, err = projections.NewRunner(projections.RunnerConfig{Subscriber: sub, Snapshots: snaps,
		Projections: []projections.Projection{n.Catalog, n.Series, n.Interventions, n.Cycles, n.Provenance}})
	if err != nil {
		tb.Fatal(err)
	}
	head, err := store.Head(context.Background())
	if err != nil {
		tb.Fatal(err)
	}
	if n.Restored, err = n.Runner.Restore(head); err != nil {
		tb.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	n.cancel = cancel
	go func() { n.done <- n.Runner.Run(ctx) }()
	<-n.Runner.Running()
	n.Wait(uint64(head))
	return n
}

// Stop stops the read models (writing snapshots) and closes the store.
func (n *Node) Stop() {
	n.TB.Helper()
	if err := n.Runner.Close(); err != nil {
		n.TB.Fatal(err)
	}
	n.cancel()
	<-n.done
	if err := n.Store.Close(); err != nil {
		n.TB.Fatal(err)
	}
}

// Do runs a command that must succeed and waits until the read models
// have applied it. It returns the command's position.
func (n *Node) Do(cmd domain.Command) uint64 {
	n.TB.Helper()
	res, err := n.Service.Handle(context.Background(), domain.Envelope{Principal: domain.System("test")}, cmd)
	if err != nil {
		n.TB.Fatalf("%s: %v", cmd.CommandName(), err)
	}
	n.Wait(res.Position)
	return res.Position
}

// Wait blocks until the read models reach pos (at most 10 s).
func (n *Node) Wait(pos uint64) {
	n.TB.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := n.Runner.WaitFor(ctx, pos); err != nil {
		n.TB.Fatalf("read models did not reach %d: %v", pos, err)
	}
}

// Head returns the store's head position.
func (n *Node) Head() uint64 {
	n.TB.Helper()
	h, err := n.Store.Head(context.Background())
	if err != nil {
		n.TB.Fatal(err)
	}
	return uint64(h)
}
