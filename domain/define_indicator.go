package domain

import (
	"context"
	"strings"
	"unicode"
)

// DefineIndicator defines an outcome or context indicator.
type DefineIndicator struct {
	Code             string      `json:"code"`
	Name             string      `json:"name"`
	Family           Family      `json:"family"`
	Unit             string      `json:"unit"`
	Granularity      Granularity `json:"granularity"`
	DesiredDirection Direction   `json:"desiredDirection"`
	Description      string      `json:"description,omitempty"`
	// Scale says what the values measure, and so how they combine across
	// regions and periods and which models fit them. Optional for
	// compatibility: a definition without one is read with [InferScale].
	Scale Scale `json:"scale,omitempty"`
	// Population is the code of the indicator holding the population the
	// values are exposed to (read at the period of its own granularity
	// that contains the start of each period of this one): the
	// denominator of PER_100K comparisons and the exposure of displacement
	// tests. Optional; it must be defined first.
	Population string `json:"population,omitempty"`
}

// CommandName returns "defineIndicator".
func (DefineIndicator) CommandName() string { return "defineIndicator" }

// Validate checks the fields.
func (c DefineIndicator) Validate() error {
	if err := checkCode("code", c.Code); err != nil {
		return err
	}
	if err := checkText("name", c.Name, MaxNameLen, true); err != nil {
		return err
	}
	if !c.Family.Valid() {
		return enumError("family", c.Family, Families)
	}
	if err := checkText("unit", c.Unit, MaxNameLen, true); err != nil {
		return err
	}
	if !c.Granularity.Valid() {
		return enumError("granularity", c.Granularity, Granularities)
	}
	if !c.DesiredDirection.Valid() {
		return enumError("desiredDirection", c.DesiredDirection, Directions)
	}
	if err := checkText("description", c.Description, MaxTextLen, false); err != nil {
		return err
	}
	if c.Scale != "" && !c.Scale.Valid() {
		return enumError("scale", c.Scale, Scales)
	}
	if c.Population != "" {
		if err := checkCode("population", c.Population); err != nil {
			return err
		}
		if c.Population == c.Code {
			return Invalidm("population", "domain.err.indicator.ownpop")
		}
	}
	return nil
}

func (s *Service) defineIndicator(ctx context.Context, env Envelope, c DefineIndicator) (Result, error) {
	if c.Population != "" {
		found := false
		if err := view(ctx, s, IndicatorStream(c.Population), newIndicator, func(a *indicator, _ int64) {
			found = a.exists
		}); err != nil {
			return Result{}, err
		}
		if !found {
			return Result{}, Errorm(NotFound, "population", "domain.err.indicator.population", c.Population)
		}
	}
	return update(ctx, s, env, c, IndicatorStream(c.Code), newIndicator, func(a *indicator) ([]Event, error) {
		if a.exists {
			return nil, Errorm(Conflict, "code", "domain.err.indicator.exists", c.Code)
		}
		return []Event{IndicatorDefined(c)}, nil
	})
}

// Scale is what an indicator's values measure.
type Scale string

// The values of Scale.
const (
	// ScaleCount: a number of events or items in the period (seizures,
	// incidents, arrests, persons). Counts add up across regions, can be
	// expressed per inhabitant, and suit quasi-Poisson models.
	ScaleCount Scale = "COUNT"
	// ScaleLevel: an amount, price, purity or concentration (EUR per gram,
	// mg per 1,000 inhabitants per day, expenditure). Averaged across
	// regions.
	ScaleLevel Scale = "LEVEL"
	// ScaleRate: events per unit of exposure (per 100,000 inhabitants).
	// Averaged across regions.
	ScaleRate Scale = "RATE"
	// ScaleShare: a proportion or percentage (0-100 %). Averaged across
	// regions.
	ScaleShare Scale = "SHARE"
)

// Scales lists every Scale.
var Scales = []Scale{ScaleCount, ScaleLevel, ScaleRate, ScaleShare}

// Valid reports whether v is a defined Scale.
func (v Scale) Valid() bool {
	for _, x := range Scales {
		if v == x {
			return true
		}
	}
	return false
}

// Counts reports whether values of scale v are counts (they add up).
func (v Scale) Counts() bool { return v == ScaleCount }

// InferScale is the scale of a definition that states none (one recorded
// before definitions had a scale, or sent without one): LEVEL for a COST
// indicator or a unit that reads as a rate, share, price, amount or mass
// ("/", "%", "€" or "$", or a word among per, rate, ratio, index, share,
// average, mean, score, a currency code (EUR, USD, GBP, CHF) or a unit of
// mass or volume); COUNT otherwise (a unit that names events or items, or
// none). It is the only place a scale is guessed.
func InferScale(unit string, family Family) Scale {
	if family == FamilyCost {
		return ScaleLevel
	}
	u := strings.ToLower(unit)
	if strings.ContainsAny(u, "/%€$") {
		return ScaleLevel
	}
	for _, w := range strings.FieldsFunc(u, func(r rune) bool { return !unicode.IsLetter(r) }) {
		switch w {
		case "per", "rate", "ratio", "index", "share", "average", "mean", "score",
			"eur", "usd", "gbp", "chf",
			"g", "kg", "mg", "t", "tonnes", "tons", "l", "litres", "liters":
			return ScaleLevel
		}
	}
	return ScaleCount
}
