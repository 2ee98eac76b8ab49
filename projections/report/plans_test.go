package report_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/supplyeval/supplyeval/domain"
	"github.com/supplyeval/supplyeval/domain/demo"
	"github.com/supplyeval/supplyeval/domain/impact"
	"github.com/supplyeval/supplyeval/i18n"
	"github.com/supplyeval/supplyeval/projections/evaluate"
	"github.com/supplyeval/supplyeval/projections/report"
)

// TestPlannedAnalysesInTheReport registers a (late) analysis plan on the
// demo world, records a finding that ran something else, and reads the
// cycle report: the plan is run as registered (the same estimate as the
// explicit query it stands for), its lateness is stated, every deviation
// of the report's estimate and of the finding is flagged, in English and
// French; plans registered after the pin stay out, and a closed cycle's
// report stays byte-identical when plans are registered later.
func TestPlannedAnalysesInTheReport(t *testing.T) {
	n, g := demoNode(t)
	ctx := context.Background()
	plan := domain.RegisterAnalysisPlan{ID: "plan-rtm", Intervention: demo.RotterdamPortControl, Indicator: demo.PortIncidents,
		Method: domain.AnalysisITS, ITS: &domain.PlanITS{Model: "QUASI_POISSON"},
		Before: domain.PlanWindow{From: "2015-01", To: "2017-12"}, After: domain.PlanWindow{From: "2018-01", To: "2019-12"},
		Hypotheses: []string{"Incidents at Rotterdam fall by a fifth"}, RegisteredBy: "evaluation unit", Late: true}
	n.Do(plan)
	n.Do(domain.OpenCycle{ID: "c-plan", Title: "Plans", From: "2018-01-01", To: "2019-12-31", Interventions: []string{demo.RotterdamPortControl}})
	n.Do(domain.RecordFinding{ID: "c-plan", FindingID: "f-plan", Intervention: demo.RotterdamPortControl, Family: domain.FamilyDisplacement,
		Statement: "Incidents fell.", EffectRating: domain.EffectDesired, EvidenceQuality: quality(2),
		Evidence: &domain.FindingEvidence{Indicator: demo.PortIncidents, Method: "DID", Parameters: []domain.EvidenceParam{{Name: "from", Value: "2014-01"}, {Name: "to", Value: "2019-12"}}}})
	p3 := 0.3
	n.Do(domain.RecordFinding{ID: "c-plan", FindingID: "f-rated", Intervention: demo.RotterdamPortControl, Family: domain.FamilyDisplacement,
		Statement: "Rated.", EffectRating: domain.EffectDesired, EvidenceQuality: quality(4), EvidenceQualityReason: "Terminals were assigned by lot.",
		Evidence: &domain.FindingEvidence{Indicator: demo.PortIncidents, Method: "ITS", Design: &domain.DesignFacts{Method: domain.AnalysisDiD, ComparisonUnits: 3, PreTrendP: &p3, TreatedUnits: 2}}})
	pin := n.Head()
	n.Do(domain.PinCycleEvidence{ID: "c-plan", Position: pin})
	later := plan
	later.ID = "plan-later"
	n.Do(later)

	r := build(t, g, "c-plan")
	plans := r.Interventions[0].Plans
	if len(plans) != 1 || plans[0].Plan != "plan-rtm" {
		t.Fatalf("plans in the report: %+v", plans)
	}
	p := plans[0]
	if !p.Late || !strings.HasPrefix(p.PostData, "NLRTM ") || p.Registered == "" {
		t.Fatalf("lateness not stated: %+v", p)
	}
	// The plan's estimate is the explicit query it stands for.
	ev := &evaluate.Evaluator{Catalog: n.Catalog, Series: n.Series, Interventions: n.Interventions}
	want, err := ev.Impact(ctx, evaluate.ImpactQuery{Intervention: demo.RotterdamPortControl, Indicator: demo.PortIncidents, Method: impact.MethodITS,
		Regions: []string{"NLRTM"}, From: "2015-01", To: "2019-12", ITS: evaluate.ITSOptions{Model: impact.QuasiPoisson}, AsOf: pin})
	if err != nil {
		t.Fatal(err)
	}
	if p.Estimate.Error != "" || !same(p.Estimate.Effect, want.Effect.Value) || !same(p.Estimate.Low, want.Effect.Low) || p.Estimate.Method != "ITS" {
		t.Fatalf("planned estimate %+v, want %v", p.Estimate, want.Effect)
	}
	got := map[string]report.Deviation{}
	for _, d := range p.Deviations {
		got[d.Source+" "+d.Aspect] = d
	}
	if d, ok := got["f-plan METHOD"]; !ok || d.Planned != "ITS" || d.Ran != "DID" {
		t.Errorf("method deviation of the finding: %+v", p.Deviations)
	}
	if d, ok := got["f-plan WINDOWS"]; !ok || d.Ran != "2014-01 to 2019-12" {
		t.Errorf("window deviation of the finding: %+v", p.Deviations)
	}
	// The report's own estimate uses every period from the first observed
	// one (2012-01 in the demo world), not the plan's windows.
	var row report.ImpactRow
	for _, im := range r.Interventions[0].Impacts {
		if im.Indicator == demo.PortIncidents {
			row = im
		}
	}
	if d, ok := got["report WINDOWS"]; !ok || !strings.HasPrefix(d.Ran, row.Series[0].Period+" to ") {
		t.Errorf("window deviation of the report's estimate: %+v", p.Deviations)
	}
	if _, ok := got["report METHOD"]; ok != (row.Method != "ITS") {
		t.Errorf("report method %s: deviations %+v", row.Method, p.Deviations)
	}

	en, err := r.RenderIn(report.Markdown, i18n.EN)
	if err != nil {
		t.Fatal(err)
	}
	fr, err := r.RenderIn(report.HTML, i18n.FR)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"### Pre-registered analysis plans", "Registered late by evaluation unit at position", "post-period data already existed (NLRTM",
		"Deviation in the method (finding f-plan): planned interrupted time series; run difference in differences.",
		"Design rating: Maryland level 4, quality 3. Quality set to 4 instead of the 3 the design supports: Terminals were assigned by lot."} {
		if !bytes.Contains(en, []byte(s)) {
			t.Errorf("English report lacks %q", s)
		}
	}
	for _, s := range []string{"Plans d&#39;analyse préenregistrés", "Enregistré en retard par evaluation unit", "Écart dans la méthode (constat f-plan)",
		"Note du protocole : niveau 4 de l&#39;échelle de Maryland, qualité 3. Qualité fixée à 4 au lieu des 3 que le protocole permet : Terminals were assigned by lot."} {
		if !bytes.Contains(fr, []byte(s)) {
			t.Errorf("French report lacks %q", s)
		}
	}

	// Closed: plans registered afterwards change nothing.
	n.Do(domain.CloseCycle{ID: "c-plan", Summary: "Done."})
	before := map[report.Format][]byte{}
	for _, f := range []report.Format{report.JSON, report.Markdown, report.HTML} {
		before[f] = render(t, g, "c-plan", f)
	}
	again := plan
	again.ID = "plan-after-close"
	n.Do(again)
	for f, b := range before {
		if after := render(t, g, "c-plan", f); !bytes.Equal(after, b) {
			t.Errorf("%s report changed after a plan was registered: %d -> %d bytes", f, len(b), len(after))
		}
	}
}
