package domain

import (
	"context"

	"github.com/supplyeval/supplyeval/i18n"
)

// RecordObservations records a batch of new observations of one indicator.
// The batch is recorded whole or not at all.
type RecordObservations struct {
	Indicator string           `json:"indicator"`
	Source    string           `json:"source"`
	Rows      []ObservationRow `json:"rows"`
}

// CommandName returns "recordObservations".
func (RecordObservations) CommandName() string { return "recordObservations" }

// Validate checks the fields that need no knowledge of the log.
func (c RecordObservations) Validate() error {
	if err := checkCode("indicator", c.Indicator); err != nil {
		return err
	}
	if err := checkText("source", c.Source, MaxNameLen, true); err != nil {
		return err
	}
	if len(c.Rows) == 0 {
		return Invalidm("rows", "domain.err.obs.empty")
	}
	if len(c.Rows) > MaxRowsPerBatch {
		return Invalidm("rows", "domain.err.obs.many", len(c.Rows), MaxRowsPerBatch)
	}
	for i, r := range c.Rows {
		f := "rows[" + itoa(i) + "]"
		if err := checkCode(f+".region", r.Region); err != nil {
			return err
		}
		if r.Period == "" {
			return Invalidm(f+".period", "error.required")
		}
		if err := checkFinite(f+".value", r.Value, false); err != nil {
			return err
		}
		if _, err := CheckDimensions(f+".dimensions", r.Dimensions); err != nil {
			return err
		}
	}
	return nil
}

func (s *Service) recordObservations(ctx context.Context, env Envelope, c RecordObservations) (Result, error) {
	return update(ctx, s, env, c, IndicatorStream(c.Indicator), newIndicator, func(a *indicator) ([]Event, error) {
		if !a.exists {
			return nil, Errorm(NotFound, "indicator", "domain.err.indicator.undefined", c.Indicator)
		}
		rows := make([]ObservationRow, len(c.Rows))
		type at struct {
			key string
			idx int32
		}
		inBatch := make(map[at]int, len(c.Rows))
		checked := map[string]bool{}
		for i, r := range c.Rows {
			f := "rows[" + itoa(i) + "]"
			p, err := ParsePeriod(a.def.Granularity, r.Period)
			if err != nil {
				return nil, Invalidm(f+".period", "domain.err.obs.period", msgArg(err), c.Indicator, i18n.M("importer.granularity."+string(a.def.Granularity)))
			}
			if err := s.periods.check(f+".period", p); err != nil {
				return nil, err
			}
			if !checked[r.Region] {
				if _, err := s.lookupRegion(ctx, f+".region", r.Region); err != nil {
					return nil, err
				}
				checked[r.Region] = true
			}
			dims, _ := CheckDimensions(f+".dimensions", r.Dimensions)
			key := SeriesKey(r.Region, dims)
			if j, dup := inBatch[at{key, p.Index}]; dup {
				return nil, Invalidm(f, "domain.err.obs.dup", j, r.Region, r.Period, dimsNote(dims))
			}
			inBatch[at{key, p.Index}] = i
			if a.has(key, p.Index) {
				return nil, Errorm(Conflict, f, "domain.err.obs.exists", c.Indicator, r.Region, r.Period, dimsNote(dims))
			}
			rows[i] = ObservationRow{Region: r.Region, Period: p.String(), Value: r.Value, Dimensions: dims}
		}
		return []Event{ObservationsRecorded{Indicator: c.Indicator, Source: c.Source, Rows: rows}}, nil
	})
}

func dimsNote(dims []Dimension) any {
	if len(dims) == 0 {
		return ""
	}
	return i18n.M("domain.err.dims", DimensionsKey(dims))
}
