package projections_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/supplyeval/supplyeval/domain"
	"github.com/supplyeval/supplyeval/projections"
	"github.com/supplyeval/supplyeval/projections/projectionstest"
)

func seedSmall(n *projectionstest.Node) {
	n.Do(domain.DefineRegion{Code: "NL33", Name: "Zuid-Holland", Country: "NL", Level: domain.RegionLevelNuts2})
	n.Do(domain.DefineRegion{Code: "BE21", Name: "Prov. Antwerpen", Country: "BE", Level: domain.RegionLevelNuts2})
	n.Do(domain.LinkRegions{A: "NL33", B: "BE21", Kind: domain.LinkKindLandBorder})
	n.Do(domain.DefineIndicator{Code: "price", Name: "Cocaine retail price", Family: domain.FamilyAvailability,
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
	n := projectionstest.Start(t, t.TempDir())
	defer n.Stop()
	seedSmall(n)
	p1 := n.Do(domain.RecordObservations{Indicator: "price", Source: "s", Rows: []domain.ObservationRow{
		{Region: "NL33", Period: "2020-02", Value: 61}, {Region: "NL33", Period: "2020-01", Value: 60}, {Region: "NL33", Period: "2020-03", Value: 62}}})
	p2 := n.Do(domain.ReviseObservation{Indicator: "price", Region: "NL33", Period: "2020-02", Value: 65, Reason: "corrected"})
	p3 := n.Do(domain.RetractObservation{Indicator: "price", Region: "NL33", Period: "2020-03", Reason: "withdrawn"})
	p4 := n.Do(domain.RecordObservations{Indicator: "price", Source: "s", Rows: []domain.ObservationRow{{Region: "NL33", Period: "2020-03", Value: 63}}})

	get := func(asOf uint64) string {
		d, ok := n.Series.Get(projections.Query{Indicator: "price", Region: "NL33", AsOf: asOf})
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
	d, _ := n.Series.Get(projections.Query{Indicator: "price", Region: "NL33", From: &from, To: &to, AsOf: p1})
	if got := values(d); got != "2020-02=61 " {
		t.Errorf("range 2020-02..2020-02 as of %d: %q", p1, got)
	}
	r, ok := n.Catalog.Region("BE21")
	if !ok || len(r.Links) != 1 || r.Links[0].Region != "NL33" || r.Links[0].Kind != domain.LinkKindLandBorder {
		t.Errorf("BE21 neighbours = %+v", r.Links)
	}
}

func TestInterventionsTimelineAsOf(t *testing.T) {
	n := projectionstest.Start(t, t.TempDir())
	defer n.Stop()
	seedSmall(n)
	p1 := n.Do(domain.LaunchOperation{ID: "op-1", Title: "Port control", Kind: domain.OperationKindPortControl, Regions: []string{"NL33"},
		Start: "2018-01-01", TargetTier: domain.TargetTierMixed, Classification: domain.ClassificationPublic})
	p2 := n.Do(domain.ChangeOperationScope{ID: "op-1", Added: []string{"BE21"}, Reason: "joint"})
	n.Do(domain.ConcludeOperation{ID: "op-1", End: "2019-12-31"})
	n.Do(domain.AdoptPolicyChange{ID: "pol-1", Title: "Precursors", Kind: domain.PolicyKindPrecursorControl, Jurisdictions: []string{"BE21"},
		Adopted: "2020-01-01", Effective: "2020-06-01"})

	if got := n.Interventions.List(projections.Filter{Region: "BE21"}); len(got) != 2 {
		t.Fatalf("BE21 interventions = %d, want 2", len(got))
	}
	if got := n.Interventions.List(projections.Filter{Region: "BE21", AsOf: p1}); len(got) != 0 {
		t.Fatalf("BE21 interventions as of launch = %d, want 0", len(got))
	}
	if got := n.Interventions.List(projections.Filter{Region: "BE21", AsOf: p2}); len(got) != 1 || got[0].End != "" {
		t.Fatalf("BE21 interventions as of the scope change = %+v", got)
	}
	if got := n.Interventions.List(projections.Filter{From: "2020-01-01"}); len(got) != 1 || got[0].ID != "pol-1" {
		t.Fatalf("interventions active from 2020 = %+v", got)
	}
	if got := n.Interventions.List(projections.Filter{Kind: "PORT_CONTROL"}); len(got) != 1 || got[0].ID != "op-1" {
		t.Fatalf("PORT_CONTROL interventions = %+v", got)
	}
	op, _ := n.Interventions.Get("op-1", 0)
	if op.End != "2019-12-31" || len(op.Regions) != 2 || op.Operation.Kind != domain.OperationKindPortControl {
		t.Fatalf("op-1 = %+v", op)
	}
}

func TestRestartResumesFromSnapshot(t *testing.T) {
	dir := t.TempDir()
	n := projectionstest.Start(t, dir)
	seedSmall(n)
	for m := 1; m <= 12; m++ {
		n.Do(domain.RecordObservations{Indicator: "price", Source: "s", Rows: []domain.ObservationRow{
			{Region: "NL33", Period: fmt.Sprintf("2019-%02d", m), Value: float64(50 + m)}}})
	}
	pRev := n.Do(domain.ReviseObservation{Indicator: "price", Region: "NL33", Period: "2019-05", Value: 99, Reason: "r"})
	before, _ := n.Series.Get(projections.Query{Indicator: "price", Region: "NL33"})
	beforeOld, _ := n.Series.Get(projections.Query{Indicator: "price", Region: "NL33", AsOf: pRev - 1})
	n.Stop() // writes snapshots

	n = projectionstest.Start(t, dir)
	if len(n.Restored) != 5 {
		t.Fatalf("restored %v, want all five read models from snapshots", n.Restored)
	}
	if cp := n.Runner.Position(); cp != pRev {
		t.Fatalf("resumed at %d, want %d", cp, pRev)
	}
	after, _ := n.Series.Get(projections.Query{Indicator: "price", Region: "NL33"})
	afterOld, _ := n.Series.Get(projections.Query{Indicator: "price", Region: "NL33", AsOf: pRev - 1})
	if values(after) != values(before) || values(afterOld) != values(beforeOld) {
		t.Fatalf("after restart:\n%s\n%s\nbefore:\n%s\n%s", values(after), values(afterOld), values(before), values(beforeOld))
	}
	// New events after the snapshot are applied on top of it.
	n.Do(domain.RecordObservations{Indicator: "price", Source: "s", Rows: []domain.ObservationRow{{Region: "BE21", Period: "2019-01", Value: 40}}})
	if d, ok := n.Series.Get(projections.Query{Indicator: "price", Region: "BE21"}); !ok || len(d.Points) != 1 {
		t.Fatalf("BE21 after restart = %+v", d)
	}
	n.Stop()

	// A damaged snapshot is ignored and the read model rebuilt from the log.
	if err := writeGarbage(filepath.Join(dir, "snapshots", "series.snap")); err != nil {
		t.Fatal(err)
	}
	n = projectionstest.Start(t, dir)
	defer n.Stop()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	head, _ := n.Store.Head(ctx)
	if err := n.Runner.WaitFor(ctx, uint64(head)); err != nil {
		t.Fatal(err)
	}
	rebuilt, _ := n.Series.Get(projections.Query{Indicator: "price", Region: "NL33"})
	if values(rebuilt) != values(before) {
		t.Fatalf("rebuilt = %s, want %s", values(rebuilt), values(before))
	}
}

func writeGarbage(path string) error {
	return os.WriteFile(path, []byte("SESNAP01 not really a snapshot, damaged on purpose"), 0o600)
}
