package domain

import "context"

// RepealPolicyChange ends a policy change from a date. A policy change is
// repealed once.
type RepealPolicyChange struct {
	ID        string `json:"id"`
	Effective string `json:"effective"`
	Reason    string `json:"reason"`
}

// CommandName returns "repealPolicyChange".
func (RepealPolicyChange) CommandName() string { return "repealPolicyChange" }

// Validate checks the fields.
func (c RepealPolicyChange) Validate() error {
	if err := checkID("id", c.ID); err != nil {
		return err
	}
	if err := checkDate("effective", c.Effective); err != nil {
		return err
	}
	return checkText("reason", c.Reason, MaxTextLen, true)
}

func (s *Service) repealPolicyChange(ctx context.Context, env Envelope, c RepealPolicyChange) (Result, error) {
	return update(ctx, s, env, c, PolicyStream(c.ID), newPolicy, func(p *policy) ([]Event, error) {
		if err := policyMustExist(p, c.ID); err != nil {
			return nil, err
		}
		if p.repealed {
			return nil, Errorm(Conflict, "id", "domain.err.policy.repealed", c.ID, p.repealOn)
		}
		if t, _ := ParseDate(c.Effective); t.Before(p.effective) {
			return nil, Invalidm("effective", "domain.err.policy.before", c.Effective, p.adopted.Effective)
		}
		return []Event{PolicyChangeRepealed(c)}, nil
	})
}
