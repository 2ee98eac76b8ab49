package domain

import "context"

// AmendPolicyChange changes attributes of an adopted policy change; fields
// left empty are unchanged.
type AmendPolicyChange struct {
	ID              string           `json:"id"`
	Title           string           `json:"title,omitempty"`
	Description     string           `json:"description,omitempty"`
	Effective       string           `json:"effective,omitempty"`
	Jurisdictions   []string         `json:"jurisdictions,omitempty"`
	ExpectedEffects []ExpectedEffect `json:"expectedEffects,omitempty"`
	Reason          string           `json:"reason"`
}

// CommandName returns "amendPolicyChange".
func (AmendPolicyChange) CommandName() string { return "amendPolicyChange" }

// Validate checks the fields.
func (c AmendPolicyChange) Validate() error {
	if err := checkID("id", c.ID); err != nil {
		return err
	}
	if c.Title == "" && c.Description == "" && c.Effective == "" && len(c.Jurisdictions) == 0 && len(c.ExpectedEffects) == 0 {
		return Invalidm("", "domain.err.policy.amend.nothing")
	}
	if err := checkText("title", c.Title, MaxNameLen, false); err != nil {
		return err
	}
	if err := checkText("description", c.Description, MaxTextLen, false); err != nil {
		return err
	}
	if c.Effective != "" {
		if err := checkDate("effective", c.Effective); err != nil {
			return err
		}
	}
	if err := checkCodes("jurisdictions", c.Jurisdictions, 0); err != nil {
		return err
	}
	if err := checkExpectedEffects("expectedEffects", c.ExpectedEffects); err != nil {
		return err
	}
	return checkText("reason", c.Reason, MaxTextLen, true)
}

func (s *Service) amendPolicyChange(ctx context.Context, env Envelope, c AmendPolicyChange) (Result, error) {
	if err := s.lookupRegions(ctx, "jurisdictions", c.Jurisdictions); err != nil {
		return Result{}, err
	}
	return update(ctx, s, env, c, PolicyStream(c.ID), newPolicy, func(p *policy) ([]Event, error) {
		if err := policyMustExist(p, c.ID); err != nil {
			return nil, err
		}
		if p.repealed {
			return nil, Errorm(Conflict, "id", "domain.err.policy.amend.repealed", c.ID, p.repealOn)
		}
		return []Event{PolicyChangeAmended(c)}, nil
	})
}
