package domain

import (
	"context"

	"github.com/supplyeval/supplyeval/i18n"
)

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
		return Invalidm("period", "domain.err.outputs.period.required")
	}
	if _, ok := DetectGranularity(c.Period); !ok {
		return Invalidm("period", "domain.err.outputs.period.bad", c.Period)
	}
	if c.Arrests < 0 {
		return Invalidm("arrests", "error.number.negative", i18n.Int(c.Arrests))
	}
	if c.LabsDismantled < 0 {
		return Invalidm("labsDismantled", "error.number.negative", i18n.Int(c.LabsDismantled))
	}
	if len(c.Seizures) > MaxListLen {
		return Invalidm("seizures", "error.list.max", MaxListLen)
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
			return nil, Invalidm("period", "domain.err.outputs.before", c.Period, o.launched.Start)
		}
		if o.reported[c.Period] {
			return nil, Errorm(Conflict, "period", "domain.err.outputs.exists", c.ID, c.Period)
		}
		return []Event{OperationOutputsReported(c)}, nil
	})
}
