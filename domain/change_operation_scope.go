package domain

import "context"

// ChangeOperationScope adds regions to or removes regions from an active
// operation.
type ChangeOperationScope struct {
	ID        string   `json:"id"`
	Added     []string `json:"added,omitempty"`
	Removed   []string `json:"removed,omitempty"`
	Effective string   `json:"effective,omitempty"`
	Reason    string   `json:"reason"`
}

// CommandName returns "changeOperationScope".
func (ChangeOperationScope) CommandName() string { return "changeOperationScope" }

// Validate checks the fields.
func (c ChangeOperationScope) Validate() error {
	if err := checkID("id", c.ID); err != nil {
		return err
	}
	if len(c.Added) == 0 && len(c.Removed) == 0 {
		return Invalidm("added", "domain.err.scope.nothing")
	}
	if err := checkCodes("added", c.Added, 0); err != nil {
		return err
	}
	if err := checkCodes("removed", c.Removed, 0); err != nil {
		return err
	}
	for i, a := range c.Added {
		for _, r := range c.Removed {
			if a == r {
				return Invalidm("added["+itoa(i)+"]", "domain.err.scope.both", a)
			}
		}
	}
	if c.Effective != "" {
		if err := checkDate("effective", c.Effective); err != nil {
			return err
		}
	}
	return checkText("reason", c.Reason, MaxTextLen, true)
}

func (s *Service) changeOperationScope(ctx context.Context, env Envelope, c ChangeOperationScope) (Result, error) {
	if err := s.lookupRegions(ctx, "added", c.Added); err != nil {
		return Result{}, err
	}
	return update(ctx, s, env, c, OperationStream(c.ID), newOperation, func(o *operation) ([]Event, error) {
		if err := operationMustExist(o, c.ID); err != nil {
			return nil, err
		}
		if o.concluded {
			return nil, Errorm(Conflict, "id", "domain.err.operation.concluded.scope", c.ID, o.end)
		}
		for i, r := range c.Added {
			if o.regions[r] {
				return nil, Errorm(Conflict, "added["+itoa(i)+"]", "domain.err.scope.already", r, c.ID)
			}
		}
		for i, r := range c.Removed {
			if !o.regions[r] {
				return nil, Errorm(NotFound, "removed["+itoa(i)+"]", "domain.err.scope.notin", r, c.ID)
			}
		}
		if len(o.regions)+len(c.Added)-len(c.Removed) < 1 {
			return nil, Invalidm("removed", "domain.err.scope.empty", c.ID)
		}
		if c.Effective != "" {
			if t, _ := ParseDate(c.Effective); t.Before(o.start) {
				return nil, Invalidm("effective", "domain.err.operation.before", c.Effective, o.launched.Start)
			}
		}
		return []Event{OperationScopeChanged(c)}, nil
	})
}
