package projections_test

import (
	"testing"

	"github.com/supplyeval/supplyeval/domain"
	"github.com/supplyeval/supplyeval/projections/projectionstest"
)

func TestCyclesAndProvenanceSurviveRestart(t *testing.T) {
	dir := t.TempDir()
	n := projectionstest.Start(t, dir)
	seedSmall(n)
	p1 := n.Do(domain.RecordObservations{Indicator: "price", Source: "focal point", Rows: []domain.ObservationRow{
		{Region: "NL33", Period: "2020-01", Value: 60}, {Region: "NL33", Period: "2020-02", Value: 61}, {Region: "BE21", Period: "2020-01", Value: 58}}})
	n.Do(domain.ReviseObservation{Indicator: "price", Region: "NL33", Period: "2020-02", Value: 65, Reason: "corrected", Source: "police"})
	n.Do(domain.LaunchOperation{ID: "op-1", Title: "Port controls", Kind: "PORT_CONTROL", Regions: []string{"NL33"},
		Start: "2020-02-01", TargetTier: "MIXED", Classification: "PUBLIC"})
	n.Do(domain.OpenCycle{ID: "c1", Title: "First", From: "2020-01-01", To: "2020-12-31", Interventions: []string{"op-1"}})
	pin := n.Do(domain.PinCycleEvidence{ID: "c1", Position: p1})
	n.Do(domain.RecordFinding{ID: "c1", FindingID: "f1", Intervention: "op-1", Family: domain.FamilyAvailability,
		Statement: "Prices rose.", EffectRating: domain.EffectDesired, EvidenceQuality: quality(2)})
	n.Do(domain.CloseCycle{ID: "c1", Summary: "Done.", Recommendations: []string{"Continue."}})

	check := func(n *projectionstest.Node) {
		t.Helper()
		c, ok := n.Cycles.Get("c1")
		if !ok || !c.Closed || c.Pinned != p1 || len(c.Findings) != 1 || c.Findings[0].FindingID != "f1" || c.Recommendations[0] != "Continue." || c.Opened >= pin {
			t.Fatalf("cycle %+v", c)
		}
		if l := n.Cycles.List(); len(l) != 1 {
			t.Fatalf("list %+v", l)
		}
		now := n.Provenance.Of("price", "NL33", 0)
		if len(now.Sources) != 2 || now.Sources[0].Source != "focal point" || now.Sources[0].Rows != 2 || len(now.Changes) != 1 || now.Changes[0].Kind != "REVISED" {
			t.Fatalf("provenance now %+v", now)
		}
		then := n.Provenance.Of("price", "NL33", p1)
		if len(then.Sources) != 1 || len(then.Changes) != 0 {
			t.Fatalf("provenance at %d %+v", p1, then)
		}
	}
	check(n)
	n.Stop()
	n = projectionstest.Start(t, dir)
	defer n.Stop()
	check(n)
}
