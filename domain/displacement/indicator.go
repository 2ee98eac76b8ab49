package displacement

import (
	"math"

	"github.com/supplyeval/supplyeval/domain"
	"github.com/supplyeval/supplyeval/i18n"
)

// Scale says how an indicator's values combine across regions and periods.
type Scale string

// The scales of an indicator.
const (
	// Count is for additive counts of events or items (seizures, violent
	// incidents, arrests, active groups): values are summed over regions and
	// periods, and the Poisson variance of the WDD applies.
	Count Scale = "COUNT"
	// Level is for intensive measures (prices, purity, rates): values are
	// averaged over periods and regions. The WDQ is computed on the averages;
	// the WDD, whose variance holds for counts only, is not.
	Level Scale = "LEVEL"
)

// Indicator describes the outcome being examined.
type Indicator struct {
	// Code identifies the indicator (for example "SEIZURES_COCAINE").
	Code string
	// Name is how the explanation names it, in plain words ("cocaine
	// seizures"). Empty means Code.
	Name string
	// Unit is the unit of a value ("seizures", "EUR/g"); may be empty.
	Unit string
	// Direction is the way the intervention means to move it: DOWN or UP.
	Direction domain.Direction
	// Scale says how values combine; empty means Count.
	Scale Scale
}

func (ind Indicator) scale() Scale {
	if ind.Scale == "" {
		return Count
	}
	return ind.Scale
}

func (ind Indicator) label() string {
	if ind.Name != "" {
		return ind.Name
	}
	if ind.Code != "" {
		return ind.Code
	}
	return "the indicator"
}

// validate checks the indicator; needDirection refuses NONE.
func (ind Indicator) validate(needDirection bool) error {
	switch ind.scale() {
	case Count, Level:
	default:
		return domain.Invalidm("indicator.scale", "displacement.err.indicator.scale", ind.Scale)
	}
	switch ind.Direction {
	case domain.DirectionDown, domain.DirectionUp:
		return nil
	case domain.DirectionNone:
		if needDirection {
			return domain.Invalidm("indicator.direction", "displacement.err.indicator.nodirection", ind.labelArg())
		}
		return nil
	}
	return domain.Invalidm("indicator.direction", "displacement.err.indicator.direction", ind.Direction)
}

// orientation returns +1 when the intervention means to push the indicator
// down and -1 when it means to push it up: multiplying a raw difference by
// it gives a measure on which negative is always the desired direction.
func orientation(field string, d domain.Direction) (float64, error) {
	switch d {
	case domain.DirectionDown:
		return 1, nil
	case domain.DirectionUp:
		return -1, nil
	}
	return 0, domain.Invalidm(field, "displacement.err.direction", d)
}

// z95 is the 97.5% quantile of the standard normal distribution.
const z95 = 1.959963984540054

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

// twoSidedP returns P(|Z| >= |z|) for a standard normal Z.
func twoSidedP(z float64) float64 { return math.Erfc(math.Abs(z) / math.Sqrt2) }

// upperP returns P(Z >= z) for a standard normal Z.
func upperP(z float64) float64 { return 0.5 * math.Erfc(z/math.Sqrt2) }

// checkCount validates one input number: finite and not negative.
func checkCount(field string, v float64) error {
	if !finite(v) {
		return domain.Invalidm(field, "displacement.err.count.finite")
	}
	if v < 0 {
		return domain.Invalidm(field, "displacement.err.count.negative", i18n.G(v, -1))
	}
	return nil
}
