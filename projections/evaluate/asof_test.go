package evaluate_test

import (
	"context"
	"math"
	"slices"
	"testing"

	"github.com/supplyeval/supplyeval/domain"
	"github.com/supplyeval/supplyeval/domain/impact"
	"github.com/supplyeval/supplyeval/projections/evaluate"
	"github.com/supplyeval/supplyeval/projections/projectionstest"
)

// TestLinkAfterThePinLeavesAnswersAsOfThePin records a small world (an
// operation in AA1, AA2 its only neighbour), pins a position, then links
// AA1 with AA3. Before the catalogue kept its history the link moved
// displacement(asOf: pin)'s buffer from [AA2] to [AA2 AA3] and took AA3 out
// of impact(asOf: pin)'s DiD comparison set, changing the effect.
func TestLinkAfterThePinLeavesAnswersAsOfThePin(t *testing.T) {
	n := projectionstest.Start(t, t.TempDir())
	t.Cleanup(n.Stop)
	n.Do(domain.DefineRegion{Code: "AA", Name: "Aland", Country: "AT", Level: domain.RegionLevelCountry})
	regions := []string{"AA1", "AA2", "AA3", "AA4", "AA5", "AA6", "AA7"}
	for _, r := range regions {
		n.Do(domain.DefineRegion{Code: r, Name: "Region " + r, Country: "AT", Level: domain.RegionLevelNuts2, Parent: "AA"})
	}
	n.Do(domain.LinkRegions{A: "AA1", B: "AA2", Kind: domain.LinkKindLandBorder})
	n.Do(domain.DefineIndicator{Code: "INCIDENTS", Name: "Incidents", Family: domain.FamilyViolence, Unit: "incidents",
		Granularity: domain.Month, DesiredDirection: domain.DirectionDown})
	var rows []domain.ObservationRow
	for i, r := range regions {
		for m := 0; m < 48; m++ {
			v := float64(100 + 10*i + (m*7+i*3)%11)
			if r == "AA1" && m >= 24 {
				v -= 20
			}
			if r == "AA3" && m >= 24 {
				v += 3 // AA3 drifts after the operation's start
			}
			rows = append(rows, domain.ObservationRow{Region: r, Period: domain.Period{G: domain.Month, Index: int32(2018*12 + m)}.String(), Value: v})
		}
	}
	n.Do(domain.RecordObservations{Indicator: "INCIDENTS", Source: "test", Rows: rows})
	n.Do(domain.LaunchOperation{ID: "op-aa1", Title: "Operation in AA1", Kind: domain.OperationKindSeizureOperation, Regions: []string{"AA1"},
		Start: "2020-01-01", TargetTier: domain.TargetTierMid, Classification: domain.ClassificationPublic})
	pin := n.Head()
	e := &evaluate.Evaluator{Catalog: n.Catalog, Series: n.Series, Interventions: n.Interventions}
	ask := func(asOf uint64) ([]string, []string, float64) {
		t.Helper()
		d, err := e.Displacement(evaluate.DisplacementRequest{Intervention: "op-aa1", Indicator: "INCIDENTS", AsOf: asOf})
		if err != nil {
			t.Fatal(err)
		}
		est, err := e.Impact(context.Background(), evaluate.ImpactQuery{Intervention: "op-aa1", Indicator: "INCIDENTS", Method: impact.MethodDiD, AsOf: asOf})
		if err != nil {
			t.Fatal(err)
		}
		return d.Inputs.Buffer, est.Comparison, est.Effect.Value
	}
	buffer, comparison, effect := ask(pin)
	if !slices.Equal(buffer, []string{"AA2"}) || slices.Contains(comparison, "AA2") || !slices.Contains(comparison, "AA3") {
		t.Fatalf("at the pin: buffer %v, comparison %v", buffer, comparison)
	}

	later := n.Do(domain.LinkRegions{A: "AA1", B: "AA3", Kind: domain.LinkKindRailRoad})
	buffer2, comparison2, effect2 := ask(pin)
	if !slices.Equal(buffer2, buffer) || !slices.Equal(comparison2, comparison) || effect2 != effect {
		t.Errorf("as of the pin after a later link: buffer %v -> %v, comparison %v -> %v, effect %.6g -> %.6g",
			buffer, buffer2, comparison, comparison2, effect, effect2)
	}
	// The latest state does see the link.
	buffer3, comparison3, effect3 := ask(later)
	if !slices.Equal(buffer3, []string{"AA2", "AA3"}) || slices.Contains(comparison3, "AA3") || math.Abs(effect3-effect) < 1e-9 {
		t.Errorf("after the link: buffer %v, comparison %v, effect %.6g (as of the pin %.6g)", buffer3, comparison3, effect3, effect)
	}
	t.Logf("as of the pin: buffer %v, DiD effect %.5g; at the latest position (what the pin answered before): buffer %v, DiD effect %.5g",
		buffer, effect, buffer3, effect3)
}
