package domain

import "context"

// RetractObservation withdraws a recorded observation (for example one
// published in error). Queries as of earlier positions still see it.
type RetractObservation struct {
	Indicator  string      `json:"indicator"`
	Region     string      `json:"region"`
	Period     string      `json:"period"`
	Dimensions []Dimension `json:"dimensions,omitempty"`
	Reason     string      `json:"reason"`
}

// CommandName returns "retractObservation".
func (RetractObservation) CommandName() string { return "retractObservation" }

// Validate checks the fields.
func (c RetractObservation) Validate() error {
	if err := checkPoint(c.Indicator, c.Region, c.Period, c.Dimensions); err != nil {
		return err
	}
	return checkText("reason", c.Reason, MaxTextLen, true)
}

func (s *Service) retractObservation(ctx context.Context, env Envelope, c RetractObservation) (Result, error) {
	return update(ctx, s, env, c, IndicatorStream(c.Indicator), newIndicator, func(a *indicator) ([]Event, error) {
		p, dims, err := existingPoint(a, s.periods, c.Indicator, c.Region, c.Period, c.Dimensions)
		if err != nil {
			return nil, err
		}
		return []Event{ObservationRetracted{Indicator: c.Indicator, Region: c.Region, Period: p.String(), Dimensions: dims, Reason: c.Reason}}, nil
	})
}
