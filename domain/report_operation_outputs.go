package domain

import "context"

// ReportOperationOutputs records what an operation produced in a period
// (Guideline 8: arrests, seizures, confiscations). Outputs may be reported
// after the operation concluded; each period is reported once, so that
// totals and costs are never counted twice.
type ReportOperationOutputs struct {
	ID                string    `json:"id"`
	Period            string    `json:"period"`
	Arrests           int       `json:"arrests"`
	Seizures          []Seizure `json:"seizures,omitempty"`
	AssetsFrozen      float64   `json:"assetsFrozen,omitempty"`
	AssetsConfiscated float64   `json:"assetsConfiscated,omitempty"`
	LabsDismantled    int       `json:"labsDismantled,omitempty"`
	Cost              float64   `json:"cost,omitempty"`
}

// CommandName returns "reportOperationOutputs".
func (ReportOperationOutputs) CommandName() string { return "reportOperationOutputs" }

// Validate checks the fields.
func (c ReportOperationOutputs) Validate() error {
	if err := checkID("id", c.ID); err != nil {
		return err
	}
	if c.Period == "" {
		return Invalid("period", "is required (YYYY, YYYY-Qn, YYYY-MM, YYYY-Www or YYYY-MM-DD)")
	}
	if _, ok := DetectGranularity(c.Period); !ok {
		return Invalid("period", "%q is not a period (YYYY, YYYY-Qn, YYYY-MM, YYYY-Www or YYYY-MM-DD)", c.Period)
	}
	if c.Arrests < 0 {
		return Invalid("arrests", "must not be negative (got %d)", c.Arrests)
	}
	if c.LabsDismantled < 0 {
		return Invalid("labsDismantled", "must not be negative (got %d)", c.LabsDismantled)
	}
	if len(c.Seizures) > MaxListLen {
		return Invalid("seizures", "has more than %d entries", MaxListLen)
	}
	for i, sz := range c.Seizures {
		f := "seizures[" + itoa(i) + "]"
		if err := checkText(f+".substance", sz.Substance, MaxNameLen, true); err != nil {
			return err
		}
		if err := checkFinite(f+".kg", sz.Kg, true); err != nil {
			return err
		}
	}
	for _, v := range []struct {
		f string
		v float64
	}{{"assetsFrozen", c.AssetsFrozen}, {"assetsConfiscated", c.AssetsConfiscated}, {"cost", c.Cost}} {
		if err := checkFinite(v.f, v.v, true); err != nil {
			return err
		}
	}
	return nil
}

func (s *Service) reportOperationOutputs(ctx context.Context, env Envelope, c ReportOperationOutputs) (Result, error) {
	return update(ctx, s, env, c, OperationStream(c.ID), newOperation, func(o *operation) ([]Event, error) {
		if err := operationMustExist(o, c.ID); err != nil {
			return nil, err
		}
		g, _ := DetectGranularity(c.Period)
		p, _ := ParsePeriod(g, c.Period)
		if err := s.periods.check("period", p); err != nil {
			return nil, err
		}
		if end := p.Add(1).Start(); !end.After(o.start) {
			return nil, Invalid("period", "%s ends before the operation started (%s)", c.Period, o.launched.Start)
		}
		if o.reported[c.Period] {
			return nil, Errorf(Conflict, "period", "outputs of operation %q for %s are already reported", c.ID, c.Period)
		}
		return []Event{OperationOutputsReported(c)}, nil
	})
}
