package domain

import (
	"context"
	"strconv"
)

// maxCycleItems bounds a cycle's lists of questions, recommendations and
// scope entries.
const maxCycleItems = 500

// OpenCycle starts an evaluation cycle over a period and a scope of
// interventions (and optionally regions), following up a previous, closed
// cycle when PreviousCycle is set. Every intervention and region of the
// scope must be recorded.
type OpenCycle struct {
	ID            string   `json:"id"`
	Title         string   `json:"title"`
	From          string   `json:"from"`
	To            string   `json:"to"`
	Regions       []string `json:"regions,omitempty"`
	Interventions []string `json:"interventions"`
	Questions     []string `json:"questions,omitempty"`
	PreviousCycle string   `json:"previousCycle,omitempty"`
}

// CommandName returns "openCycle".
func (OpenCycle) CommandName() string { return "openCycle" }

// Validate checks the fields.
func (c OpenCycle) Validate() error {
	if err := checkID("id", c.ID); err != nil {
		return err
	}
	if err := checkText("title", c.Title, MaxNameLen, true); err != nil {
		return err
	}
	if err := checkDate("from", c.From); err != nil {
		return err
	}
	if err := checkDate("to", c.To); err != nil {
		return err
	}
	if c.To < c.From {
		return Invalidm("to", "domain.err.cycle.tobefore", c.To, c.From)
	}
	if len(c.Regions) > 0 {
		if err := checkCodes("regions", c.Regions, 0); err != nil {
			return err
		}
	}
	if err := checkIDs("interventions", c.Interventions); err != nil {
		return err
	}
	if err := checkTexts("questions", c.Questions); err != nil {
		return err
	}
	if c.PreviousCycle != "" {
		if err := checkID("previousCycle", c.PreviousCycle); err != nil {
			return err
		}
		if c.PreviousCycle == c.ID {
			return Invalidm("previousCycle", "domain.err.cycle.self")
		}
	}
	return nil
}

// checkIDs validates a non-empty list of intervention IDs without duplicates.
func checkIDs(field string, ids []string) error {
	if len(ids) == 0 {
		return Invalidm(field, "domain.err.cycle.nointervention")
	}
	if len(ids) > maxCycleItems {
		return Invalidm(field, "error.list.max", maxCycleItems)
	}
	seen := make(map[string]int, len(ids))
	for i, id := range ids {
		f := field + "[" + itoa(i) + "]"
		if err := checkID(f, id); err != nil {
			return err
		}
		if j, dup := seen[id]; dup {
			return Invalidm(f, "error.list.twice", strconv.Quote(id), field, j)
		}
		seen[id] = i
	}
	return nil
}

// checkTexts validates an optional list of non-empty texts.
func checkTexts(field string, list []string) error {
	if len(list) > maxCycleItems {
		return Invalidm(field, "error.list.max", maxCycleItems)
	}
	for i, q := range list {
		if err := checkText(field+"["+itoa(i)+"]", q, MaxTextLen, true); err != nil {
			return err
		}
	}
	return nil
}

func (s *Service) openCycle(ctx context.Context, env Envelope, c OpenCycle) (Result, error) {
	if err := s.lookupRegions(ctx, "regions", c.Regions); err != nil {
		return Result{}, err
	}
	for i, id := range c.Interventions {
		ok, err := s.interventionVisible(ctx, env.Principal, id)
		if err != nil {
			return Result{}, err
		}
		if !ok {
			return Result{}, Errorm(NotFound, "interventions["+itoa(i)+"]", "domain.err.intervention.unknown", id)
		}
	}
	if c.PreviousCycle != "" {
		var prev *cycle
		if err := view(ctx, s, CycleStream(c.PreviousCycle), newCycle, func(p *cycle, _ int64) {
			cp := *p
			prev = &cp
		}); err != nil {
			return Result{}, err
		}
		if !prev.exists {
			return Result{}, Errorm(NotFound, "previousCycle", "domain.err.cycle.notopened", c.PreviousCycle)
		}
		if !prev.closed {
			return Result{}, Errorm(Conflict, "previousCycle", "domain.err.cycle.stillopen", c.PreviousCycle)
		}
	}
	return update(ctx, s, env, c, CycleStream(c.ID), newCycle, func(cy *cycle) ([]Event, error) {
		if cy.exists {
			return nil, Errorm(Conflict, "id", "domain.err.cycle.opened", c.ID)
		}
		return []Event{CycleOpened{ID: c.ID, Title: c.Title, From: c.From, To: c.To,
			Scope:     CycleScope{Regions: c.Regions, Interventions: c.Interventions},
			Questions: c.Questions, PreviousCycle: c.PreviousCycle}}, nil
	})
}
