package domain

import "context"

// AdoptPolicyChange records a policy change: legislation, sentencing,
// precursor control, alternatives to custody, resourcing, strategy or
// cooperation.
type AdoptPolicyChange struct {
	ID              string           `json:"id"`
	Title           string           `json:"title"`
	Kind            PolicyKind       `json:"kind"`
	Jurisdictions   []string         `json:"jurisdictions"`
	Adopted         string           `json:"adopted"`
	Effective       string           `json:"effective"`
	Description     string           `json:"description,omitempty"`
	ExpectedEffects []ExpectedEffect `json:"expectedEffects,omitempty"`
}

// CommandName returns "adoptPolicyChange".
func (AdoptPolicyChange) CommandName() string { return "adoptPolicyChange" }

// Validate checks the fields.
func (c AdoptPolicyChange) Validate() error {
	if err := checkID("id", c.ID); err != nil {
		return err
	}
	if err := checkText("title", c.Title, MaxNameLen, true); err != nil {
		return err
	}
	if !c.Kind.Valid() {
		return enumError("kind", c.Kind, PolicyKinds)
	}
	if err := checkCodes("jurisdictions", c.Jurisdictions, 1); err != nil {
		return err
	}
	if err := checkDate("adopted", c.Adopted); err != nil {
		return err
	}
	if err := checkDate("effective", c.Effective); err != nil {
		return err
	}
	if err := checkText("description", c.Description, MaxTextLen, false); err != nil {
		return err
	}
	return checkExpectedEffects("expectedEffects", c.ExpectedEffects)
}

func (s *Service) adoptPolicyChange(ctx context.Context, env Envelope, c AdoptPolicyChange) (Result, error) {
	if err := s.lookupRegions(ctx, "jurisdictions", c.Jurisdictions); err != nil {
		return Result{}, err
	}
	// Read before the policy stream is locked (a stream lock is never held
	// while another intervention's is taken), answered after the
	// expected-version check: an id held by an operation the sender may
	// not see must be answered as an unknown id wherever it can be.
	taken := s.interventionIDFree(ctx, env.Principal, OperationStream(c.ID), c.ID)
	if taken != nil && ErrorCode(taken) != Conflict {
		return Result{}, taken
	}
	return update(ctx, s, env, c, PolicyStream(c.ID), newPolicy, func(p *policy) ([]Event, error) {
		if p.exists {
			return nil, Errorm(Conflict, "id", "domain.err.policy.adopted", c.ID)
		}
		if taken != nil {
			return nil, taken
		}
		return []Event{PolicyChangeAdopted(c)}, nil
	})
}
