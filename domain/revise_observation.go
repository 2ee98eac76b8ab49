package domain

import "context"

// ReviseObservation corrects the value of a recorded observation. The old
// value stays in the log and is what queries as of earlier positions see.
type ReviseObservation struct {
	Indicator  string      `json:"indicator"`
	Region     string      `json:"region"`
	Period     string      `json:"period"`
	Dimensions []Dimension `json:"dimensions,omitempty"`
	Value      float64     `json:"value"`
	Reason     string      `json:"reason"`
	Source     string      `json:"source,omitempty"`
}

// CommandName returns "reviseObservation".
func (ReviseObservation) CommandName() string { return "reviseObservation" }

// Validate checks the fields.
func (c ReviseObservation) Validate() error {
	if err := checkPoint(c.Indicator, c.Region, c.Period, c.Dimensions); err != nil {
		return err
	}
	if err := checkFinite("value", c.Value, false); err != nil {
		return err
	}
	if err := checkText("reason", c.Reason, MaxTextLen, true); err != nil {
		return err
	}
	return checkText("source", c.Source, MaxNameLen, false)
}

func checkPoint(indicator, region, period string, dims []Dimension) error {
	if err := checkCode("indicator", indicator); err != nil {
		return err
	}
	if err := checkCode("region", region); err != nil {
		return err
	}
	if period == "" {
		return Invalidm("period", "error.required")
	}
	_, err := CheckDimensions("dimensions", dims)
	return err
}

// existingPoint resolves an observation that must exist in a.
// A recorded point outside the server's period range (recorded under a
// wider one) can still be corrected: that adds no period to the series.
func existingPoint(a *indicator, periods PeriodRange, indicatorCode, region, period string, dims []Dimension) (Period, []Dimension, error) {
	if !a.exists {
		return Period{}, nil, Errorm(NotFound, "indicator", "domain.err.indicator.undefined", indicatorCode)
	}
	p, err := ParsePeriod(a.def.Granularity, period)
	if err != nil {
		return Period{}, nil, invalidBy("period", err)
	}
	canon, _ := CheckDimensions("dimensions", dims)
	if !a.has(SeriesKey(region, canon), p.Index) {
		if err := periods.check("period", p); err != nil {
			return Period{}, nil, err
		}
		return Period{}, nil, Errorm(NotFound, "period", "domain.err.obs.none", indicatorCode, region, p.String(), dimsNote(canon))
	}
	return p, canon, nil
}

func (s *Service) reviseObservation(ctx context.Context, env Envelope, c ReviseObservation) (Result, error) {
	return update(ctx, s, env, c, IndicatorStream(c.Indicator), newIndicator, func(a *indicator) ([]Event, error) {
		p, dims, err := existingPoint(a, s.periods, c.Indicator, c.Region, c.Period, c.Dimensions)
		if err != nil {
			return nil, err
		}
		return []Event{ObservationRevised{Indicator: c.Indicator, Region: c.Region, Period: p.String(), Dimensions: dims,
			Value: c.Value, Reason: c.Reason, Source: c.Source}}, nil
	})
}
