package report_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/supplyeval/supplyeval/domain"
	"github.com/supplyeval/supplyeval/i18n"
	"github.com/supplyeval/supplyeval/projections/projectionstest"
	"github.com/supplyeval/supplyeval/projections/report"
)

// TestPowerBesideUnclearEstimates: on the demo world, every operation's
// estimate with no clear effect carries what its evaluation could have
// detected (from the launch position), and the report says it in English
// and French.
func TestPowerBesideUnclearEstimates(t *testing.T) {
	g := closedCycle(t)
	r := build(t, g, "c")
	notes := 0
	for _, iv := range r.Interventions {
		for _, im := range iv.Impacts {
			switch {
			case im.Power == nil:
				if im.Verdict == "NO_CLEAR_EFFECT" && iv.Kind == "OPERATION" {
					t.Errorf("%s %s: no power beside an unclear estimate", iv.ID, im.Indicator)
				}
			case im.Verdict != "NO_CLEAR_EFFECT":
				t.Errorf("%s %s: power beside a %s estimate", iv.ID, im.Indicator, im.Verdict)
			default:
				notes++
				t.Logf("%s %s: effect %v, power %+v", iv.ID, im.Indicator, im.Effect, *im.Power)
				if im.Power.Error == "" && im.Power.MDE == nil && im.Power.MDERelative == nil {
					t.Errorf("%s %s: empty power note", iv.ID, im.Indicator)
				}
			}
		}
	}
	if notes == 0 {
		t.Fatal("no estimate of the demo world carries a power note")
	}
	for _, c := range []struct {
		lang i18n.Lang
		want []string
	}{
		{i18n.EN, []string{"could only have detected a change of", "the evaluation cannot tell", "what the operation could have detected is unknown"}},
		{i18n.FR, []string{"ne pouvait détecter qu'un changement d'au moins", "l'évaluation ne permet pas de conclure", "on ne sait pas ce que l'opération aurait pu détecter"}},
	} {
		for _, f := range []report.Format{report.Markdown, report.HTML} {
			b, err := r.RenderIn(f, c.lang)
			if err != nil {
				t.Fatal(err)
			}
			found := 0
			for _, w := range c.want {
				if strings.Contains(string(b), w) || strings.Contains(string(b), strings.ReplaceAll(w, "'", "&#39;")) {
					found++
				}
			}
			if found == 0 {
				t.Errorf("%s %s: no power sentence", c.lang.Tag(), f)
			}
		}
	}
	// Regenerated, the report is the same (the power is read at the launch).
	again, err := g.Build(context.Background(), "c")
	if err != nil {
		t.Fatal(err)
	}
	a, _ := again.Render(report.JSON)
	b, _ := r.Render(report.JSON)
	if string(a) != string(b) {
		t.Error("the report changed when regenerated")
	}
}

// TestPowerSentence: an operation launched after ten years of a simulated
// monthly price (iid noise of sd 2 around 50) that changed nothing gets,
// beside its unclear estimate, the change it could have detected, in
// words, in English and French.
func TestPowerSentence(t *testing.T) {
	n := projectionstest.Start(t, t.TempDir())
	t.Cleanup(n.Stop)
	n.Do(domain.DefineRegion{Code: "NL33", Name: "Zuid-Holland", Country: "NL", Level: domain.RegionLevelNuts2})
	n.Do(domain.DefineIndicator{Code: "PRICE", Name: "Retail price", Family: domain.FamilyCost, Unit: "EUR/g", Granularity: domain.Month, DesiredDirection: domain.DirectionUp, Scale: domain.ScaleLevel})
	rng := rand.New(rand.NewPCG(4, 4))
	obs := func(from, to int) {
		var rows []domain.ObservationRow
		for y := from; y < to; y++ {
			for m := 1; m <= 12; m++ {
				rows = append(rows, domain.ObservationRow{Region: "NL33", Period: fmt.Sprintf("%d-%02d", y, m), Value: 50 + 2*rng.NormFloat64()})
			}
		}
		n.Do(domain.RecordObservations{Indicator: "PRICE", Source: "sim", Rows: rows})
	}
	obs(2010, 2020)
	n.Do(domain.LaunchOperation{ID: "op-p", Title: "Port controls", Kind: domain.OperationKind("PORT_CONTROL"), Regions: []string{"NL33"}, Start: "2020-01-01",
		TargetTier: domain.TargetTier("MID"), Classification: domain.Classification("PUBLIC")})
	obs(2020, 2021)
	n.Do(domain.OpenCycle{ID: "c", Title: "c", From: "2020-01-01", To: "2020-12-31", Regions: []string{"NL33"}, Interventions: []string{"op-p"}})
	n.Wait(n.Head())
	r := build(t, generator(t, n), "c")
	im := r.Interventions[0].Impacts
	var row *report.ImpactRow
	for i := range im {
		if im[i].Indicator == "PRICE" {
			row = &im[i]
		}
	}
	if row == nil || row.Verdict != "NO_CLEAR_EFFECT" || row.Power == nil || row.Power.MDERelative == nil || row.Power.Horizon != 12 {
		t.Fatalf("row %+v", row)
	}
	t.Logf("MDE %v (%v), effect %v", *row.Power.MDE, *row.Power.MDERelative, *row.Effect)
	for _, c := range []struct {
		lang i18n.Lang
		want string
	}{
		{i18n.EN, "the operation could only have detected a change of "},
		{i18n.FR, "l'opération ne pouvait détecter qu'un changement d'au moins "},
	} {
		b, err := r.RenderIn(report.Markdown, c.lang)
		if err != nil {
			t.Fatal(err)
		}
		i := strings.Index(string(b), c.want)
		if i < 0 {
			t.Fatalf("%s: no power sentence", c.lang.Tag())
		}
		t.Log(strings.SplitN(string(b[i:]), "\n", 2)[0])
	}
}
