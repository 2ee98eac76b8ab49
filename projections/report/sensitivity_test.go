package report_test

import (
	"bytes"
	"context"
	"fmt"
	"strconv"
	"testing"

	"github.com/supplyeval/supplyeval/domain"
	"github.com/supplyeval/supplyeval/domain/demo"
	"github.com/supplyeval/supplyeval/domain/impact"
	"github.com/supplyeval/supplyeval/i18n"
	"github.com/supplyeval/supplyeval/projections/evaluate"
	"github.com/supplyeval/supplyeval/projections/report"
)

// TestRevisionSensitivity closes a cycle on the demo world, then revises
// and retracts Rotterdam's post-period port incidents (and revises a
// series the estimate does not use): the closed report stays
// byte-identical; RevisionSensitivity re-runs the finding's estimate at
// the pin and now (the same numbers as the explicit queries), reports the
// difference, the sign change and exactly the revisions and retractions
// of the data used; the next cycle's report carries the same comparison
// up to its own pin, in English and French.
func TestRevisionSensitivity(t *testing.T) {
	n, g := demoNode(t)
	ctx := context.Background()
	n.Do(domain.OpenCycle{ID: "c-a", Title: "First", From: "2015-01-01", To: "2019-12-31", Interventions: []string{demo.RotterdamPortControl}})
	n.Do(domain.RecordFinding{ID: "c-a", FindingID: "f1", Intervention: demo.RotterdamPortControl, Family: domain.FamilyDisplacement,
		Statement: "Incidents fell.", EffectRating: domain.EffectDesired, EvidenceQuality: quality(1),
		Evidence: &domain.FindingEvidence{Indicator: demo.PortIncidents, Method: "ITS"}})
	n.Do(domain.RecordFinding{ID: "c-a", FindingID: "f-scope", Family: domain.FamilyCost, Statement: "Costs are incomplete.",
		EffectRating: domain.EffectUnclear, EvidenceQuality: quality(0)})
	pin := n.Head()
	n.Do(domain.PinCycleEvidence{ID: "c-a", Position: pin})
	n.Do(domain.CloseCycle{ID: "c-a", Summary: "Done."})
	closed := render(t, g, "c-a", report.Markdown)

	// Revisions: every post-period month of 2018-2019 in Rotterdam tripled
	// (a focal point corrects its counts), one retracted; and one
	// revision of a series the estimate does not read.
	ev := &evaluate.Evaluator{Catalog: n.Catalog, Series: n.Series, Interventions: n.Interventions}
	q := evaluate.ImpactQuery{Intervention: demo.RotterdamPortControl, Indicator: demo.PortIncidents, Method: impact.MethodITS, To: "2019-12", AsOf: pin}
	before, err := ev.Impact(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	revised := 0
	for _, c := range before.Counterfactual {
		if !c.Post || c.Period == "2019-12" {
			continue
		}
		n.Do(domain.ReviseObservation{Indicator: demo.PortIncidents, Region: "NLRTM", Period: c.Period, Value: 3*c.Observed + 10,
			Reason: "focal point correction", Source: "NL focal point"})
		revised++
	}
	n.Do(domain.RetractObservation{Indicator: demo.PortIncidents, Region: "NLRTM", Period: "2019-12", Reason: "duplicate"})
	n.Do(domain.ReviseObservation{Indicator: demo.CocainePrice, Region: "NL33", Period: "2019-06", Value: 99, Reason: "unrelated", Source: "x"})
	if !bytes.Equal(render(t, g, "c-a", report.Markdown), closed) {
		t.Fatal("the closed cycle's report changed after revisions")
	}

	got, err := g.RevisionSensitivity(ctx, "c-a")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[1].FindingID != "f-scope" || got[1].Skipped == "" {
		t.Fatalf("findings %+v", got)
	}
	s := got[0]
	q.AsOf = n.Head()
	after, err := ev.Impact(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	if !same(s.Pinned.Effect, before.Effect.Value) || !same(s.Latest.Effect, after.Effect.Value) || !same(s.Difference, after.Effect.Value-before.Effect.Value) ||
		s.PinnedAt != strconv.FormatUint(pin, 10) || s.LatestAt != strconv.FormatUint(n.Head(), 10) {
		t.Fatalf("sensitivity %+v; explicit runs %v then %v", s, before.Effect, after.Effect)
	}
	if !s.ConclusionChanged || fmt.Sprint(s.Changes) != "[SIGN SIGNIFICANCE]" && fmt.Sprint(s.Changes) != "[SIGN]" {
		t.Fatalf("conclusion: %v (pinned %+v, latest %+v)", s.Changes, s.Pinned, s.Latest)
	}
	if len(s.Causes) != revised+1 || s.Causes[revised].Kind != "RETRACTED" || s.Causes[revised].Period != "2019-12" || s.Causes[0].Region != "NLRTM" ||
		s.Causes[0].Reason != "focal point correction" {
		t.Fatalf("%d causes, want %d revisions and 1 retraction: %+v", len(s.Causes), revised, s.Causes)
	}

	// The next cycle's report: the follow-up compares up to its own pin.
	n.Do(domain.OpenCycle{ID: "c-b", Title: "Second", From: "2020-01-01", To: "2021-12-31", Interventions: []string{demo.RotterdamPortControl}, PreviousCycle: "c-a"})
	pinB := n.Head()
	n.Do(domain.PinCycleEvidence{ID: "c-b", Position: pinB})
	r := build(t, g, "c-b")
	if r.Previous == nil || len(r.Previous.Sensitivity) != 2 || r.Previous.Sensitivity[0].LatestAt != strconv.FormatUint(pinB, 10) ||
		!same(r.Previous.Sensitivity[0].Latest.Effect, after.Effect.Value) {
		t.Fatalf("previous cycle's sensitivity in the next report: %+v", r.Previous)
	}
	en, _ := r.RenderIn(report.Markdown, i18n.EN)
	fr, _ := r.RenderIn(report.HTML, i18n.FR)
	for _, c := range []struct {
		doc  []byte
		want string
	}{
		{en, "### Revision sensitivity of the previous cycle's findings"},
		{en, "the sign changed"},
		{en, "revised Port of Rotterdam (NLRTM)"},
		{fr, "Sensibilité aux révisions des constats du cycle précédent"},
		{fr, "le signe a changé"},
	} {
		if !bytes.Contains(c.doc, []byte(c.want)) {
			t.Errorf("report lacks %q", c.want)
		}
	}
	// An unpinned cycle has nothing to compare.
	n.Do(domain.OpenCycle{ID: "c-c", Title: "Third", From: "2020-01-01", To: "2021-12-31", Interventions: []string{demo.RotterdamPortControl}})
	if _, err := g.RevisionSensitivity(ctx, "c-c"); domain.ErrorCode(err) != domain.Conflict {
		t.Fatalf("unpinned: %v", err)
	}
	if _, err := g.RevisionSensitivity(ctx, "c-none"); domain.ErrorCode(err) != domain.NotFound {
		t.Fatalf("unknown: %v", err)
	}
}
