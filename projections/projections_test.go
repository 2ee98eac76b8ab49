package projections_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/supplyeval/supplyeval/domain"
	"github.com/supplyeval/supplyeval/eventstore"
	"github.com/supplyeval/supplyeval/eventstore/embedded"
	"github.com/supplyeval/supplyeval/projections"
)

// node is a store, a service and the three read models fed by a runner.
type node struct {
	t             testing.TB
	dir           string
	store         *embedded.Store
	svc           *domain.Service
	runner        *projections.Runner
	catalog       *projections.Catalog
	series        *projections.Series
	interventions *projections.Interventions
	cancel        context.CancelFunc
	done          chan error
	restored      []string
}

func start(t testing.TB, dir string) *node {
	t.Helper()
	store, err := embedded.Open(embedded.Config{Dir: filepath.Join(dir, "events")})
	if err != nil {
		t.Fatal(err)
	}
	svc, err := domain.NewService(domain.ServiceConfig{Log: eventstore.NewLog(store)})
	if err != nil {
		t.Fatal(err)
	}
	n := &node{t: t, dir: dir, store: store, svc: svc, catalog: projections.NewCatalog(), series: projections.NewSeries(),
		interventions: projections.NewInterventions(), done: make(chan error, 1)}
	snaps, err := projections.NewSnapshotStore(filepath.Join(dir, "snapshots"))
	if err != nil {
		t.Fatal(err)
	}
	sub, err := eventstore.NewSubscriber(eventstore.SubscriberConfig{Store: store,
		Checkpoint: func(ctx context.Context, topic string) (eventstore.Position, error) { return n.runner.Checkpoint(ctx, topic) }})
	if err != nil {
		t.Fatal(err)
	}
	n.runner, err = projections.NewRunner(projections.RunnerConfig{Subscriber: sub, Snapshots: snaps,
		Projections: []projections.Projection{n.catalog, n.series, n.interventions}})
	if err != nil {
		t.Fatal(err)
	}
	head, _ := store.Head(context.Background())
	if n.restored, err = n.runner.Restore(head); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	n.cancel = cancel
	go func() { n.done <- n.runner.Run(ctx) }()
	<-n.runner.Running()
	return n
}

func (n *node) stop() {
	n.t.Helper()
	if err := n.runner.Close(); err != nil {
		n.t.Fatal(err)
	}
	n.cancel()
	<-n.done
	if err := n.store.Close(); err != nil {
		n.t.Fatal(err)
	}
}

func (n *node) do(cmd domain.Command) uint64 {
	n.t.Helper()
	res, err := n.svc.Handle(context.Background(), domain.Envelope{Principal: "test"}, cmd)
	if err != nil {
		n.t.Fatalf("%s: %v", cmd.CommandName(), err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := n.runner.WaitFor(ctx, res.Position); err != nil {
		n.t.Fatalf("read models did not reach %d: %v", res.Position, err)
	}
	return res.Position
}

func seedSmall(n *node) {
	n.do(domain.DefineRegion{Code: "NL33", Name: "Zuid-Holland", Country: "NL", Level: domain.RegionLevelNuts2})
	n.do(domain.DefineRegion{Code: "BE21", Name: "Prov. Antwerpen", Country: "BE", Level: domain.RegionLevelNuts2})
	n.do(domain.LinkRegions{A: "NL33", B: "BE21", Kind: domain.LinkKindLandBorder})
	n.do(domain.DefineIndicator{Code: "price", Name: "Cocaine retail price", Family: domain.FamilyAvailability,
		Unit: "EUR/g", Granularity: domain.Month, DesiredDirection: domain.DirectionUp})
}

func values(d projections.SeriesData) string {
	s := ""
	for _, p := range d.Points {
		s += fmt.Sprintf("%s=%g ", p.Period, p.Value)
	}
	return s
}

func TestSeriesAsOfRevisionsAndRetractions(t *testing.T) {
	n := start(t, t.TempDir())
	defer n.stop()
	seedSmall(n)
	p1 := n.do(domain.RecordObservations{Indicator: "price", Source: "s", Rows: []domain.ObservationRow{
		{Region: "NL33", Period: "2020-02", Value: 61}, {Region: "NL33", Period: "2020-01", Value: 60}, {Region: "NL33", Period: "2020-03", Value: 62}}})
	p2 := n.do(domain.ReviseObservation{Indicator: "price", Region: "NL33", Period: "2020-02", Value: 65, Reason: "corrected"})
	p3 := n.do(domain.RetractObservation{Indicator: "price", Region: "NL33", Period: "2020-03", Reason: "withdrawn"})
	p4 := n.do(domain.RecordObservations{Indicator: "price", Source: "s", Rows: []domain.ObservationRow{{Region: "NL33", Period: "2020-03", Value: 63}}})

	get := func(asOf uint64) string {
		d, ok := n.series.Get(projections.Query{Indicator: "price", Region: "NL33", AsOf: asOf})
		if !ok {
			t.Fatal("series missing")
		}
		return values(d)
	}
	cases := map[uint64]string{
		p1 - 1: "",
		p1:     "2020-01=60 2020-02=61 2020-03=62 ",
		p2:     "2020-01=60 2020-02=65 2020-03=62 ",
		p3:     "2020-01=60 2020-02=65 ",
		p4:     "2020-01=60 2020-02=65 2020-03=63 ",
		0:      "2020-01=60 2020-02=65 2020-03=63 ",
	}
	for asOf, want := range cases {
		if got := get(asOf); got != want {
			t.Errorf("as of %d: %q, want %q", asOf, got, want)
		}
	}
	from, to := int32(2020*12+1), int32(2020*12+1)
	d, _ := n.series.Get(projections.Query{Indicator: "price", Region: "NL33", From: &from, To: &to, AsOf: p1})
	if got := values(d); got != "2020-02=61 " {
		t.Errorf("range 2020-02..2020-02 as of %d: %q", p1, got)
	}
	r, ok := n.catalog.Region("BE21")
	if !ok || len(r.Links) != 1 || r.Links[0].Region != "NL33" || r.Links[0].Kind != domain.LinkKindLandBorder {
		t.Errorf("BE21 neighbours = %+v", r.Links)
	}
}

func TestInterventionsTimelineAsOf(t *testing.T) {
	n := start(t, t.TempDir())
	defer n.stop()
	seedSmall(n)
	p1 := n.do(domain.LaunchOperation{ID: "op-1", Title: "Port control", Kind: domain.OperationKindPortControl, Regions: []string{"NL33"},
		Start: "2018-01-01", TargetTier: domain.TargetTierMixed, Classification: domain.ClassificationPublic})
	p2 := n.do(domain.ChangeOperationScope{ID: "op-1", Added: []string{"BE21"}, Reason: "joint"})
	n.do(domain.ConcludeOperation{ID: "op-1", End: "2019-12-31"})
	n.do(domain.AdoptPolicyChange{ID: "pol-1", Title: "Precursors", Kind: domain.PolicyKindPrecursorControl, Jurisdictions: []string{"BE21"},
		Adopted: "2020-01-01", Effective: "2020-06-01"})

	if got := n.interventions.List(projections.Filter{Region: "BE21"}); len(got) != 2 {
		t.Fatalf("BE21 interventions = %d, want 2", len(got))
	}
	if got := n.interventions.List(projections.Filter{Region: "BE21", AsOf: p1}); len(got) != 0 {
		t.Fatalf("BE21 interventions as of launch = %d, want 0", len(got))
	}
	if got := n.interventions.List(projections.Filter{Region: "BE21", AsOf: p2}); len(got) != 1 || got[0].End != "" {
		t.Fatalf("BE21 interventions as of the scope change = %+v", got)
	}
	if got := n.interventions.List(projections.Filter{From: "2020-01-01"}); len(got) != 1 || got[0].ID != "pol-1" {
		t.Fatalf("interventions active from 2020 = %+v", got)
	}
	if got := n.interventions.List(projections.Filter{Kind: "PORT_CONTROL"}); len(got) != 1 || got[0].ID != "op-1" {
		t.Fatalf("PORT_CONTROL interventions = %+v", got)
	}
	op, _ := n.interventions.Get("op-1", 0)
	if op.End != "2019-12-31" || len(op.Regions) != 2 || op.Operation.Kind != domain.OperationKindPortControl {
		t.Fatalf("op-1 = %+v", op)
	}
}

func TestRestartResumesFromSnapshot(t *testing.T) {
	dir := t.TempDir()
	n := start(t, dir)
	seedSmall(n)
	for m := 1; m <= 12; m++ {
		n.do(domain.RecordObservations{Indicator: "price", Source: "s", Rows: []domain.ObservationRow{
			{Region: "NL33", Period: fmt.Sprintf("2019-%02d", m), Value: float64(50 + m)}}})
	}
	pRev := n.do(domain.ReviseObservation{Indicator: "price", Region: "NL33", Period: "2019-05", Value: 99, Reason: "r"})
	before, _ := n.series.Get(projections.Query{Indicator: "price", Region: "NL33"})
	beforeOld, _ := n.series.Get(projections.Query{Indicator: "price", Region: "NL33", AsOf: pRev - 1})
	n.stop() // writes snapshots

	n = start(t, dir)
	if len(n.restored) != 3 {
		t.Fatalf("restored %v, want all three read models from snapshots", n.restored)
	}
	if cp := n.runner.Position(); cp != pRev {
		t.Fatalf("resumed at %d, want %d", cp, pRev)
	}
	after, _ := n.series.Get(projections.Query{Indicator: "price", Region: "NL33"})
	afterOld, _ := n.series.Get(projections.Query{Indicator: "price", Region: "NL33", AsOf: pRev - 1})
	if values(after) != values(before) || values(afterOld) != values(beforeOld) {
		t.Fatalf("after restart:\n%s\n%s\nbefore:\n%s\n%s", values(after), values(afterOld), values(before), values(beforeOld))
	}
	// New events after the snapshot are applied on top of it.
	n.do(domain.RecordObservations{Indicator: "price", Source: "s", Rows: []domain.ObservationRow{{Region: "BE21", Period: "2019-01", Value: 40}}})
	if d, ok := n.series.Get(projections.Query{Indicator: "price", Region: "BE21"}); !ok || len(d.Points) != 1 {
		t.Fatalf("BE21 after restart = %+v", d)
	}
	n.stop()

	// A damaged snapshot is ignored and the read model rebuilt from the log.
	if err := writeGarbage(filepath.Join(dir, "snapshots", "series.snap")); err != nil {
		t.Fatal(err)
	}
	n = start(t, dir)
	defer n.stop()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	head, _ := n.store.Head(ctx)
	if err := n.runner.WaitFor(ctx, uint64(head)); err != nil {
		t.Fatal(err)
	}
	rebuilt, _ := n.series.Get(projections.Query{Indicator: "price", Region: "NL33"})
	if values(rebuilt) != values(before) {
		t.Fatalf("rebuilt = %s, want %s", values(rebuilt), values(before))
	}
}

func writeGarbage(path string) error {
	return os.WriteFile(path, []byte("SESNAP01 not really a snapshot, damaged on purpose"), 0o600)
}
