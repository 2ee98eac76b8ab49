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
		return Invalid("added", "nothing to change: give regions to add or to remove")
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
				return Invalid("added["+itoa(i)+"]", "%q is both added and removed", a)
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
			return nil, Errorf(Conflict, "id", "operation %q concluded on %s; its scope can no longer change", c.ID, o.end)
		}
		for i, r := range c.Added {
			if o.regions[r] {
				return nil, Errorf(Conflict, "added["+itoa(i)+"]", "region %q is already in the scope of operation %q", r, c.ID)
			}
		}
		for i, r := range c.Removed {
			if !o.regions[r] {
				return nil, Errorf(NotFound, "removed["+itoa(i)+"]", "region %q is not in the scope of operation %q", r, c.ID)
			}
		}
		if len(o.regions)+len(c.Added)-len(c.Removed) < 1 {
			return nil, Invalid("removed", "would leave operation %q with no region", c.ID)
		}
		if c.Effective != "" {
			if t, _ := ParseDate(c.Effective); t.Before(o.start) {
				return nil, Invalid("effective", "%s is before the operation started (%s)", c.Effective, o.launched.Start)
			}
		}
		return []Event{OperationScopeChanged(c)}, nil
	})
}
