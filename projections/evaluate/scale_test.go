package evaluate_test

import (
	"context"
	"math"
	"strings"
	"testing"

	"github.com/supplyeval/supplyeval/domain"
	"github.com/supplyeval/supplyeval/domain/displacement"
	"github.com/supplyeval/supplyeval/domain/impact"
	"github.com/supplyeval/supplyeval/i18n"
	"github.com/supplyeval/supplyeval/projections/evaluate"
	"github.com/supplyeval/supplyeval/projections/projectionstest"
)

// scaleWorld records regions BB1..BB6 (BB1 and BB2 linked, an operation in
// both), a population indicator whose name does not say so, and
// indicators of each scale whose values are whole numbers.
func scaleWorld(t *testing.T) *evaluate.Evaluator {
	t.Helper()
	n := projectionstest.Start(t, t.TempDir())
	t.Cleanup(n.Stop)
	n.Do(domain.DefineRegion{Code: "BB", Name: "B-land", Country: "BE", Level: domain.RegionLevelCountry})
	regions := []string{"BB1", "BB2", "BB3", "BB4", "BB5", "BB6"}
	for _, r := range regions {
		n.Do(domain.DefineRegion{Code: r, Name: "Region " + r, Country: "BE", Level: domain.RegionLevelNuts2, Parent: "BB"})
	}
	n.Do(domain.LinkRegions{A: "BB1", B: "BB3", Kind: domain.LinkKindLandBorder})
	n.Do(domain.DefineIndicator{Code: "RESIDENTS", Name: "Residents", Family: domain.FamilyContext, Unit: "persons",
		Granularity: domain.Month, DesiredDirection: domain.DirectionNone, Scale: domain.ScaleCount})
	// A CONTEXT indicator named "population" that is not the population of
	// the indicators below: the old name match would have taken it.
	n.Do(domain.DefineIndicator{Code: "APOPULATION", Name: "Population of another kind", Family: domain.FamilyContext, Unit: "persons",
		Granularity: domain.Month, DesiredDirection: domain.DirectionNone, Scale: domain.ScaleCount})
	n.Do(domain.DefineIndicator{Code: "PRICE", Name: "Price in whole euros", Family: domain.FamilyAvailability, Unit: "euros",
		Granularity: domain.Month, DesiredDirection: domain.DirectionUp, Scale: domain.ScaleLevel})
	n.Do(domain.DefineIndicator{Code: "VIOLENCE_RATE", Name: "Violent incidents per 100,000", Family: domain.FamilyViolence, Unit: "incidents",
		Granularity: domain.Month, DesiredDirection: domain.DirectionDown, Scale: domain.ScaleRate})
	n.Do(domain.DefineIndicator{Code: "SEIZURES", Name: "Seizures", Family: domain.FamilyAvailability, Unit: "seizures",
		Granularity: domain.Month, DesiredDirection: domain.DirectionUp, Scale: domain.ScaleCount, Population: "RESIDENTS"})
	for _, ind := range []string{"RESIDENTS", "APOPULATION", "PRICE", "VIOLENCE_RATE", "SEIZURES"} {
		var rows []domain.ObservationRow
		for i, r := range regions {
			for m := 0; m < 36; m++ {
				v := float64(40 + 5*i + (m*7+i*3)%9)
				switch ind {
				case "RESIDENTS":
					v = float64(100_000 * (i + 1))
				case "APOPULATION":
					v = 7
				}
				rows = append(rows, domain.ObservationRow{Region: r, Period: domain.Period{G: domain.Month, Index: int32(2019*12 + m)}.String(), Value: v})
			}
		}
		n.Do(domain.RecordObservations{Indicator: ind, Source: "test", Rows: rows})
	}
	n.Do(domain.LaunchOperation{ID: "op-bb", Title: "Operation in BB1 and BB2", Kind: domain.OperationKindSeizureOperation, Regions: []string{"BB1", "BB2"},
		Start: "2020-07-01", TargetTier: domain.TargetTierMid, Classification: domain.ClassificationPublic})
	return &evaluate.Evaluator{Catalog: n.Catalog, Series: n.Series, Interventions: n.Interventions}
}

// TestStatedScaleDecides checks that the scale an indicator states, not
// its unit or whether its values are whole numbers, decides how regions
// combine and which population is used. Before scales were stated, the
// whole-euro PRICE was summed over its two regions as if it counted events
// (wholeCounts), VIOLENCE_RATE (unit "incidents") was summed as a count
// in displacement (ScaleOf), and SEIZURES per 100,000 used APOPULATION,
// the first CONTEXT indicator whose name mentions population.
func TestStatedScaleDecides(t *testing.T) {
	e := scaleWorld(t)
	ctx := context.Background()
	est, err := e.Impact(ctx, evaluate.ImpactQuery{Intervention: "op-bb", Indicator: "PRICE", Method: impact.MethodBeforeAfter})
	if err != nil {
		t.Fatal(err)
	}
	if est.Aggregation != "mean" || strings.Contains(est.Explanation, "counts events") {
		t.Errorf("PRICE (a LEVEL of whole euros) combined by %q: %s", est.Aggregation, est.Explanation)
	}
	est, err = e.Impact(ctx, evaluate.ImpactQuery{Intervention: "op-bb", Indicator: "SEIZURES", Method: impact.MethodBeforeAfter})
	if err != nil {
		t.Fatal(err)
	}
	if est.Aggregation != "sum" {
		t.Errorf("SEIZURES (a COUNT) combined by %q", est.Aggregation)
	}
	d, err := e.Displacement(evaluate.DisplacementRequest{Intervention: "op-bb", Indicator: "VIOLENCE_RATE"})
	if err != nil {
		t.Fatal(err)
	}
	if d.Scale != displacement.Level {
		t.Errorf("VIOLENCE_RATE (a RATE counted in incidents) read as %s", d.Scale)
	}
	c, err := e.CompareRegions("SEIZURES", []string{"BB1"}, nil, nil, evaluate.NormalisePer100k, 0)
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Series[0].Points[0].Value; got != 40+0*5+0 { // 40 seizures per 100,000 residents
		t.Errorf("SEIZURES per 100k in BB1 = %g, want 40 (RESIDENTS, its stated population)", got)
	}
	if !strings.Contains(c.Normalised, "RESIDENTS") {
		t.Errorf("normalised by %q", c.Normalised)
	}
	if _, err := e.CompareRegions("PRICE", []string{"BB1"}, nil, nil, evaluate.NormalisePer100k, 0); domain.ErrorCode(err) != domain.BadInput {
		t.Errorf("PRICE per 100k: %v, want BAD_INPUT (a level)", err)
	}
	// A count whose definition names no population has none, whatever
	// other indicators are called.
	if _, err := e.CompareRegions("RESIDENTS", []string{"BB1"}, nil, nil, evaluate.NormalisePer100k, 0); domain.ErrorCode(err) != domain.BadInput ||
		!strings.Contains(err.Error(), "normalise") || !strings.Contains(err.Error(), "names none") {
		t.Errorf("RESIDENTS per 100k: %v, want BAD_INPUT on normalise (no population named)", err)
	}
}

// TestDefinitionWithoutScaleIsUpcast checks that a definition recorded
// without a scale (as before scales existed) is read with the inferred
// scale and population, and that explanations say so.
func TestDefinitionWithoutScaleIsUpcast(t *testing.T) {
	n := projectionstest.Start(t, t.TempDir())
	t.Cleanup(n.Stop)
	n.Do(domain.DefineIndicator{Code: "INCIDENTS", Name: "Incidents", Family: domain.FamilyViolence, Unit: "incidents",
		Granularity: domain.Month, DesiredDirection: domain.DirectionDown})
	n.Do(domain.DefineIndicator{Code: "POPULATION", Name: "Population", Family: domain.FamilyContext, Unit: "persons",
		Granularity: domain.Month, DesiredDirection: domain.DirectionNone})
	ind, _ := n.Catalog.Indicator("INCIDENTS")
	if ind.Scale != domain.ScaleCount || !ind.ScaleInferred {
		t.Fatalf("INCIDENTS: scale %s, inferred %v", ind.Scale, ind.ScaleInferred)
	}
	pop, inferred, ok := n.Catalog.PopulationOf(ind, 0)
	if !ok || !inferred || pop.Code != "POPULATION" {
		t.Fatalf("population of INCIDENTS: %v %v %v", pop.Code, inferred, ok)
	}
	n.Do(domain.DefineRegion{Code: "NL", Name: "Netherlands", Country: "NL", Level: domain.RegionLevelCountry})
	n.Do(domain.RecordObservations{Indicator: "INCIDENTS", Source: "t", Rows: []domain.ObservationRow{{Region: "NL", Period: "2020-01", Value: 17}}})
	n.Do(domain.RecordObservations{Indicator: "POPULATION", Source: "t", Rows: []domain.ObservationRow{{Region: "NL", Period: "2020-01", Value: 17_000_000}}})
	e := &evaluate.Evaluator{Catalog: n.Catalog, Series: n.Series, Interventions: n.Interventions}
	c, err := e.CompareRegions("INCIDENTS", []string{"NL"}, nil, nil, evaluate.NormalisePer100k, 0)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(c.Series[0].Points[0].Value-0.1) > 1e-12 || !strings.Contains(c.Normalised, "names no population indicator") {
		t.Errorf("per 100k %v, normalised %q", c.Series[0].Points[0].Value, c.Normalised)
	}
	const en = "PER_100K: each value divided by the region's POPULATION for the same period, times 100,000. INCIDENTS's definition names no population indicator, so POPULATION (the CONTEXT indicator whose code or name mentions population) is taken as its population."
	if c.Normalised != en || c.NormalisedIn(i18n.EN) != en || c.Unit != "incidents per 100,000 inhabitants" {
		t.Errorf("English: %q, %q", c.Normalised, c.Unit)
	}
	const fr = "PER_100K : chaque valeur est divisée par la valeur de POPULATION de la région pour la même période, puis multipliée par 100\u202f000. La définition de INCIDENTS ne désigne aucun indicateur de population ; POPULATION (l'indicateur CONTEXT dont le code ou le nom mentionne la population) est donc retenu comme population."
	if got := c.NormalisedIn(i18n.FR); got != fr {
		t.Errorf("French normalised %q", got)
	}
	if got := c.UnitIn(i18n.FR); got != "incidents pour 100\u202f000 habitants" {
		t.Errorf("French unit %q", got)
	}
	c, err = e.CompareRegions("INCIDENTS", []string{"NL"}, nil, nil, evaluate.NormaliseIndex, 0)
	if err != nil {
		t.Fatal(err)
	}
	if c.Unit != "index (2020-01 = 100)" || c.UnitIn(i18n.FR) != "indice (2020-01 = 100)" ||
		c.Normalised != "INDEX: each region's values divided by its value at 2020-01, the first period at which every region has a value, times 100" ||
		c.NormalisedIn(i18n.FR) != "INDEX : les valeurs de chaque région sont divisées par sa valeur en 2020-01, première période pour laquelle toutes les régions ont une valeur, puis multipliées par 100" {
		t.Errorf("index: %q %q %q %q", c.Unit, c.UnitIn(i18n.FR), c.Normalised, c.NormalisedIn(i18n.FR))
	}
}
