package report_test

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/supplyeval/supplyeval/domain"
	"github.com/supplyeval/supplyeval/i18n"
	"github.com/supplyeval/supplyeval/projections/projectionstest"
	"github.com/supplyeval/supplyeval/projections/report"
)

// TestPowerSentenceSyntheticControl: an operation in one region with 20
// untouched regions of its level (ten years of a simulated monthly index,
// a one-factor model, no effect) is evaluated by AUTO's synthetic control;
// the power note beside its unclear estimate is simulated by the same
// method with the default pool of the launch, and says so in English and
// French.
func TestPowerSentenceSyntheticControl(t *testing.T) {
	n := projectionstest.Start(t, t.TempDir())
	t.Cleanup(n.Stop)
	regions := []string{"NL33"}
	for j := 1; j <= 20; j++ {
		regions = append(regions, fmt.Sprintf("CMP%02d", j))
	}
	for _, r := range regions {
		n.Do(domain.DefineRegion{Code: r, Name: r, Country: "NL", Level: domain.RegionLevelNuts2})
	}
	n.Do(domain.DefineIndicator{Code: "IDX", Name: "Availability index", Family: domain.FamilyAvailability, Unit: "index", Granularity: domain.Month, DesiredDirection: domain.DirectionDown, Scale: domain.ScaleLevel})
	rng := rand.New(rand.NewPCG(7, 7))
	lev, load := map[string]float64{}, map[string]float64{}
	for _, r := range regions[1:] {
		lev[r], load[r] = 50+5*rng.NormFloat64(), 1+0.5*rng.NormFloat64()
	}
	lev["NL33"], load["NL33"] = (lev["CMP02"]+lev["CMP09"])/2, (load["CMP02"]+load["CMP09"])/2
	f := 0.0
	obs := func(from, to int) {
		var rows []domain.ObservationRow
		for y := from; y < to; y++ {
			for m := 1; m <= 12; m++ {
				f = 0.5*f + rng.NormFloat64()
				for _, r := range regions {
					rows = append(rows, domain.ObservationRow{Region: r, Period: fmt.Sprintf("%d-%02d", y, m), Value: lev[r] + load[r]*f + rng.NormFloat64()})
				}
			}
		}
		n.Do(domain.RecordObservations{Indicator: "IDX", Source: "sim", Rows: rows})
	}
	obs(2010, 2020)
	n.Do(domain.LaunchOperation{ID: "op-p", Title: "Port controls", Kind: domain.OperationKind("PORT_CONTROL"), Regions: []string{"NL33"}, Start: "2020-01-01",
		TargetTier: domain.TargetTier("MID"), Classification: domain.Classification("PUBLIC")})
	obs(2020, 2021)
	n.Do(domain.OpenCycle{ID: "c", Title: "c", From: "2020-01-01", To: "2020-12-31", Regions: []string{"NL33"}, Interventions: []string{"op-p"}})
	n.Wait(n.Head())
	r := build(t, generator(t, n), "c")
	var row *report.ImpactRow
	for i, im := range r.Interventions[0].Impacts {
		if im.Indicator == "IDX" {
			row = &r.Interventions[0].Impacts[i]
		}
	}
	if row == nil || row.Method != "SYNTHETIC_CONTROL" || row.Verdict != "NO_CLEAR_EFFECT" || row.Power == nil || row.Power.MDE == nil {
		t.Fatalf("row %+v", row)
	}
	if row.Power.Method != "SYNTHETIC_CONTROL" || row.Power.ComparisonUnits != 20 {
		t.Fatalf("power note %+v, want the synthetic control with the 20 regions", *row.Power)
	}
	t.Logf("MDE %v, effect %v", *row.Power.MDE, *row.Effect)
	for _, c := range []struct {
		lang i18n.Lang
		want string
	}{
		{i18n.EN, "(simulated for a synthetic control from 20 comparison regions)"},
		{i18n.FR, "(simulé pour un contrôle synthétique à partir de 20 régions de comparaison)"},
	} {
		b, err := r.RenderIn(report.Markdown, c.lang)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(b), c.want) {
			t.Errorf("%s: no %q in the report", c.lang.Tag(), c.want)
		}
	}
}
