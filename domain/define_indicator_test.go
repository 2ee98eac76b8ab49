package domain_test

import (
	"testing"

	"github.com/supplyeval/supplyeval/domain"
)

// TestInferScale pins the one inference of a scale, used for definitions
// that state none (those recorded before definitions had a scale).
func TestInferScale(t *testing.T) {
	for _, c := range []struct {
		unit   string
		family domain.Family
		want   domain.Scale
	}{
		{"incidents", domain.FamilyViolence, domain.ScaleCount},
		{"groups", domain.FamilyDisplacement, domain.ScaleCount},
		{"", domain.FamilyAvailability, domain.ScaleCount},
		{"EUR/g", domain.FamilyAvailability, domain.ScaleLevel},
		{"%", domain.FamilyAvailability, domain.ScaleLevel},
		{"mg benzoylecgonine/1000 inhabitants/day", domain.FamilyAvailability, domain.ScaleLevel},
		{"EUR thousand", domain.FamilyCost, domain.ScaleLevel},
		{"cases", domain.FamilyCost, domain.ScaleLevel},
		{"kg", domain.FamilyAvailability, domain.ScaleLevel},
		{"offences per 1000 people", domain.FamilyViolence, domain.ScaleLevel},
	} {
		if got := domain.InferScale(c.unit, c.family); got != c.want {
			t.Errorf("InferScale(%q, %s) = %s, want %s", c.unit, c.family, got, c.want)
		}
	}
}

// TestDefineIndicatorScaleAndPopulation checks the new fields: a scale
// must be one of the four, a population must be defined first and must
// not be the indicator itself; a refused definition records nothing.
func TestDefineIndicatorScaleAndPopulation(t *testing.T) {
	w := newWorld(t)
	base := domain.DefineIndicator{Code: "SEIZURES", Name: "Seizures", Family: domain.FamilyAvailability, Unit: "seizures",
		Granularity: domain.Month, DesiredDirection: domain.DirectionUp, Scale: domain.ScaleCount, Population: "POP"}
	bad := base
	bad.Scale = "COUNTS"
	w.refuse(bad, domain.BadInput, "scale")
	self := base
	self.Population = "SEIZURES"
	w.refuse(self, domain.BadInput, "population")
	w.refuse(base, domain.NotFound, "population")
	w.do(domain.DefineIndicator{Code: "POP", Name: "Population", Family: domain.FamilyContext, Unit: "persons",
		Granularity: domain.Year, DesiredDirection: domain.DirectionNone, Scale: domain.ScaleCount})
	w.do(base)
}
