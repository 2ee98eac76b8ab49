package domain

import "context"

// DefineIndicator defines an outcome or context indicator.
type DefineIndicator struct {
	Code             string      `json:"code"`
	Name             string      `json:"name"`
	Family           Family      `json:"family"`
	Unit             string      `json:"unit"`
	Granularity      Granularity `json:"granularity"`
	DesiredDirection Direction   `json:"desiredDirection"`
	Description      string      `json:"description,omitempty"`
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
	return checkText("description", c.Description, MaxTextLen, false)
}

func (s *Service) defineIndicator(ctx context.Context, env Envelope, c DefineIndicator) (Result, error) {
	return update(ctx, s, env, c, IndicatorStream(c.Code), newIndicator, func(a *indicator) ([]Event, error) {
		if a.exists {
			return nil, Errorf(Conflict, "code", "indicator %q is already defined", c.Code)
		}
		return []Event{IndicatorDefined(c)}, nil
	})
}
