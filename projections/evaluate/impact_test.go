package evaluate_test

import (
	"context"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/supplyeval/supplyeval/domain"
	"github.com/supplyeval/supplyeval/domain/demo"
	"github.com/supplyeval/supplyeval/domain/impact"
	"github.com/supplyeval/supplyeval/projections/evaluate"
)

func TestImpactDefaultsOnTheDemoWorld(t *testing.T) {
	e, _ := demoWorld(t)
	ctx := context.Background()

	// The precursor policy's jurisdiction is Germany; price data are kept
	// by NUTS-2 region, so the targets are the five German regions and
	// the default pool leaves out Germany's neighbours.
	est, err := e.Impact(ctx, evaluate.ImpactQuery{Intervention: demo.GermanPrecursors, Indicator: demo.CocainePrice, Method: impact.MethodDiD})
	if err != nil {
		t.Fatal(err)
	}
	if len(est.Regions) != 5 || est.FirstPeriod != "2020-07" || est.Periods[0] != "2012-01" || est.Periods[len(est.Periods)-1] != "2024-12" {
		t.Fatalf("regions %v, first period %s, periods %s..%s", est.Regions, est.FirstPeriod, est.Periods[0], est.Periods[len(est.Periods)-1])
	}
	neighbours := e.Neighbours(est.Regions, est.AsOf)
	for _, c := range est.Comparison {
		if slices.Contains(est.Regions, c) || slices.Contains(neighbours, c) {
			t.Errorf("comparison %s is a target or a neighbour", c)
		}
	}
	if est.AsOf == 0 || est.Method != impact.MethodDiD || !strings.Contains(est.Explanation, "DE50") {
		t.Errorf("asOf %d, method %s, explanation %q", est.AsOf, est.Method, est.Explanation)
	}
	// True effect: +5 from 2020-07 rising by 0.05 a month to 2024-12
	// (54 months): +6.325 on average.
	if est.Effect.Value < 5.5 || est.Effect.Value > 7 {
		t.Errorf("effect %v, true average +6.3", est.Effect.Value)
	}

	// Restricting the targets to one Dutch region still keeps the other
	// regions the resourcing policy covers out of the default pool.
	est, err = e.Impact(ctx, evaluate.ImpactQuery{Intervention: demo.DutchResourcing, Indicator: demo.EnforcementCost,
		Method: impact.MethodSyntheticControl, Regions: []string{"NL42"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range est.Comparison {
		if strings.HasPrefix(c, "NL") {
			t.Errorf("comparison %v holds %s, which the policy covers", est.Comparison, c)
		}
	}
	if est.Placebo == nil || est.Placebo.Of != len(est.Comparison)+1 {
		t.Errorf("placebo %+v", est.Placebo)
	}

	// Several targets in one series: counts are summed, levels averaged.
	est, err = e.Impact(ctx, evaluate.ImpactQuery{Intervention: demo.FrenchFixedFine, Indicator: demo.DrugViolence, Method: impact.MethodITS,
		ITS: evaluate.ITSOptions{Offset: demo.Population, Harmonics: 1}})
	if err != nil {
		t.Fatal(err)
	}
	if est.Aggregation != "sum" || est.Model != impact.QuasiPoisson || !est.Ratio || len(est.Regions) != 4 {
		t.Errorf("aggregation %q, model %s, regions %v", est.Aggregation, est.Model, est.Regions)
	}
	est, err = e.Impact(ctx, evaluate.ImpactQuery{Intervention: demo.FrenchFixedFine, Indicator: demo.CocainePrice, Method: impact.MethodITS})
	if err != nil {
		t.Fatal(err)
	}
	if est.Aggregation != "mean" || est.Model != impact.Gaussian || est.Ratio {
		t.Errorf("aggregation %q, model %s", est.Aggregation, est.Model)
	}
}

func TestImpactAsOfIsReproducible(t *testing.T) {
	e, n := demoWorld(t)
	ctx := context.Background()
	q := evaluate.ImpactQuery{Intervention: demo.RotterdamPortControl, Indicator: demo.PortIncidents, Method: impact.MethodITS,
		Regions: []string{"NLRTM"}, ITS: evaluate.ITSOptions{Harmonics: 1}}
	first, err := e.Impact(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	// A revision after the estimate changes the latest answer, not the
	// answer as of the first estimate's position.
	n.Do(domain.ReviseObservation{Indicator: demo.PortIncidents, Region: "NLRTM", Period: "2019-03", Value: 5000, Reason: "test", Source: "test"})
	latest, err := e.Impact(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	q.AsOf = first.AsOf
	again, err := e.Impact(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	if again.Effect != first.Effect || again.AsOf != first.AsOf {
		t.Errorf("as of %d: %+v, first %+v", first.AsOf, again.Effect, first.Effect)
	}
	if latest.Effect == first.Effect || latest.AsOf <= first.AsOf {
		t.Errorf("latest (as of %d) %+v did not change", latest.AsOf, latest.Effect)
	}
}

// TestAutoGaussianITS: with no comparison region, a price series (AR(1)
// noise) leaves only the Gaussian interrupted time series; AUTO runs it
// with AR(1) errors, because least squares with Newey-West errors leaves
// the residuals autocorrelated and the intervals too narrow. Where even
// AR(1) errors leave the innovations autocorrelated (an unmodelled season
// here), AUTO refuses and says why.
func TestAutoGaussianITS(t *testing.T) {
	e, n := demoWorld(t)
	ctx := context.Background()
	est, err := e.Impact(ctx, evaluate.ImpactQuery{Intervention: demo.BrabantLabs, Indicator: demo.CocainePrice,
		Method: impact.MethodAuto, Regions: []string{"NL41"}, Comparison: []string{}, ITS: evaluate.ITSOptions{Harmonics: 1}})
	if err != nil {
		t.Fatal(err)
	}
	rho, _ := est.Diagnostic("ar1_rho")
	if v, _ := est.Param("errors"); est.Method != impact.MethodITS || est.Model != impact.Gaussian || !strings.HasPrefix(v, "AR(1)") || rho.Value < 0.3 || est.Choice == "" {
		t.Errorf("AUTO chose %s %s, errors %q, rho %v", est.Method, est.Model, v, rho.Value)
	}
	// The true effect is 0 (the null case of the demo world).
	if est.Effect.Low > 0 || est.Effect.High < 0 {
		t.Errorf("effect %+v excludes the true 0", est.Effect)
	}
	nw, err := e.Impact(ctx, evaluate.ImpactQuery{Intervention: demo.BrabantLabs, Indicator: demo.CocainePrice,
		Method: impact.MethodITS, Regions: []string{"NL41"}, ITS: evaluate.ITSOptions{Harmonics: 1}})
	if err != nil {
		t.Fatal(err)
	}
	if lb, ok := nw.Diagnostic("ljung_box_p"); !ok || lb.Value >= 0.05 || nw.Effect.High-nw.Effect.Low >= est.Effect.High-est.Effect.Low {
		t.Errorf("Newey-West: Ljung-Box %+v, interval %v..%v (AR(1): %v..%v)", lb, nw.Effect.Low, nw.Effect.High, est.Effect.Low, est.Effect.High)
	}

	// A strongly seasonal series without harmonics in the model.
	n.Do(domain.DefineIndicator{Code: "SEASONAL", Name: "A seasonal level", Family: domain.FamilyContext, Unit: "index",
		Granularity: domain.Month, DesiredDirection: domain.DirectionNone})
	var rows []domain.ObservationRow
	for i := range 156 {
		p := domain.Period{G: domain.Month, Index: int32(2012*12 + i)}
		v := 100 + 0.1*float64(i) + 20*math.Sin(2*math.Pi*float64(i)/12) + math.Sin(float64(i*i))
		rows = append(rows, domain.ObservationRow{Region: "NL41", Period: p.String(), Value: math.Round(v*10) / 10})
	}
	n.Do(domain.RecordObservations{Indicator: "SEASONAL", Source: "test", Rows: rows})
	_, err = e.Impact(ctx, evaluate.ImpactQuery{Intervention: demo.BrabantLabs, Indicator: "SEASONAL",
		Method: impact.MethodAuto, Regions: []string{"NL41"}, Comparison: []string{}})
	if domain.ErrorCode(err) != domain.BadInput || !strings.Contains(err.Error(), "innovations remain autocorrelated") {
		t.Fatalf("got %v", err)
	}
	if _, err := e.Impact(ctx, evaluate.ImpactQuery{Intervention: demo.BrabantLabs, Indicator: "SEASONAL",
		Method: impact.MethodAuto, Regions: []string{"NL41"}, Comparison: []string{}, ITS: evaluate.ITSOptions{Harmonics: 1}}); err != nil {
		t.Errorf("with the season modelled: %v", err)
	}
}
