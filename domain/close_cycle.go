package domain

import "context"

// CloseCycle closes an open cycle with a summary and recommendations for
// the next one. A cycle closes once, and only with pinned evidence, so
// that its report can be regenerated identically.
type CloseCycle struct {
	ID              string   `json:"id"`
	Summary         string   `json:"summary"`
	Recommendations []string `json:"recommendations,omitempty"`
}

// CommandName returns "closeCycle".
func (CloseCycle) CommandName() string { return "closeCycle" }

// Validate checks the fields.
func (c CloseCycle) Validate() error {
	if err := checkID("id", c.ID); err != nil {
		return err
	}
	if err := checkText("summary", c.Summary, MaxTextLen, true); err != nil {
		return err
	}
	return checkTexts("recommendations", c.Recommendations)
}

func (s *Service) closeCycle(ctx context.Context, env Envelope, c CloseCycle) (Result, error) {
	return update(ctx, s, env, c, CycleStream(c.ID), newCycle, func(cy *cycle) ([]Event, error) {
		if !cy.exists {
			return nil, Errorm(NotFound, "id", "domain.err.cycle.notopened", c.ID)
		}
		if cy.closed {
			return nil, Errorm(Conflict, "id", "domain.err.cycle.closed", c.ID)
		}
		if cy.pinned == 0 {
			return nil, Errorm(Conflict, "id", "domain.err.cycle.unpinned", c.ID)
		}
		return []Event{CycleClosed{ID: c.ID, Summary: c.Summary, Recommendations: c.Recommendations, ReportEdition: ReportEdition}}, nil
	})
}
