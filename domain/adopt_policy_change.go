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
	if err := s.interventionIDFree(ctx, OperationStream(c.ID), c.ID); err != nil {
		return Result{}, err
	}
	return update(ctx, s, env, c, PolicyStream(c.ID), newPolicy, func(p *policy) ([]Event, error) {
		if p.exists {
			return nil, Errorf(Conflict, "id", "policy change %q has already been adopted", c.ID)
		}
		return []Event{PolicyChangeAdopted(c)}, nil
	})
}
