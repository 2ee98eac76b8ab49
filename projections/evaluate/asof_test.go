package evaluate_test

import (
	"context"
	"math"
	"slices"
	"strconv"
	"strings"
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

// TestDiDTakesUnbalancedTargets: target regions observed in different
// periods were refused ("the target regions' data do not overlap in
// time"); difference-in-differences takes them, each with its own periods,
// and a default comparison region without data in the window is named in
// the explanation rather than dropped silently.
func TestDiDTakesUnbalancedTargets(t *testing.T) {
	n := projectionstest.Start(t, t.TempDir())
	t.Cleanup(n.Stop)
	n.Do(domain.DefineRegion{Code: "CC", Name: "C-land", Country: "AT", Level: domain.RegionLevelCountry})
	regions := []string{"CC1", "CC2", "CC3", "CC4", "CC5", "CC6"}
	for _, r := range regions {
		n.Do(domain.DefineRegion{Code: r, Name: "Region " + r, Country: "AT", Level: domain.RegionLevelNuts2, Parent: "CC"})
	}
	n.Do(domain.DefineIndicator{Code: "LEVELS", Name: "Levels", Family: domain.FamilyAvailability, Unit: "EUR/g",
		Granularity: domain.Year, DesiredDirection: domain.DirectionUp, Scale: domain.ScaleLevel})
	var rows []domain.ObservationRow
	for i, r := range regions {
		first, last := 2010, 2019
		switch r {
		case "CC1":
			last = 2016 // CC1 stops early, CC2 starts late: no common span
		case "CC2":
			first = 2017
		case "CC6":
			continue // CC6 has data only outside the window asked for
		}
		for y := first; y <= last; y++ {
			v := float64(10*i+y-2000) + float64((y*3+i)%4)
			if (r == "CC1" || r == "CC2") && y >= 2015 {
				v += 5
			}
			rows = append(rows, domain.ObservationRow{Region: r, Period: strconv.Itoa(y), Value: v})
		}
	}
	rows = append(rows, domain.ObservationRow{Region: "CC6", Period: "2005", Value: 1})
	n.Do(domain.RecordObservations{Indicator: "LEVELS", Source: "test", Rows: rows})
	n.Do(domain.AdoptPolicyChange{ID: "pol-cc", Title: "Policy in CC1 and CC2", Kind: domain.PolicyKindOther, Jurisdictions: []string{"CC1", "CC2"},
		Adopted: "2015-01-01", Effective: "2015-01-01"})
	e := &evaluate.Evaluator{Catalog: n.Catalog, Series: n.Series, Interventions: n.Interventions}
	est, err := e.Impact(context.Background(), evaluate.ImpactQuery{Intervention: "pol-cc", Indicator: "LEVELS", Method: impact.MethodDiD, From: "2008"})
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(est.Effect.Value-5) > 1.5 || len(est.Periods) != 10 || est.Periods[0] != "2010" {
		t.Errorf("DiD %.3f over %v", est.Effect.Value, est.Periods)
	}
	if !strings.Contains(est.Explanation, "CC6") {
		t.Errorf("CC6, without data in the window, is not named: %s", est.Explanation)
	}
}
