package domain

import "context"

// LaunchOperation records the start of a law-enforcement operation.
type LaunchOperation struct {
	ID                    string         `json:"id"`
	Title                 string         `json:"title"`
	Kind                  OperationKind  `json:"kind"`
	Regions               []string       `json:"regions"`
	Start                 string         `json:"start"`
	TargetTier            TargetTier     `json:"targetTier"`
	Partners              []string       `json:"partners,omitempty"`
	LegalBasis            string         `json:"legalBasis,omitempty"`
	JudicialAuthorisation string         `json:"judicialAuthorisation,omitempty"`
	Budget                float64        `json:"budget,omitempty"`
	Classification        Classification `json:"classification"`
}

// CommandName returns "launchOperation".
func (LaunchOperation) CommandName() string { return "launchOperation" }

// Validate checks the fields. Classification defaults to nothing: it must
// be given, so that nobody publishes a covert operation by omission.
func (c LaunchOperation) Validate() error {
	if err := checkID("id", c.ID); err != nil {
		return err
	}
	if err := checkText("title", c.Title, MaxNameLen, true); err != nil {
		return err
	}
	if !c.Kind.Valid() {
		return enumError("kind", c.Kind, OperationKinds)
	}
	if err := checkCodes("regions", c.Regions, 1); err != nil {
		return err
	}
	if err := checkDate("start", c.Start); err != nil {
		return err
	}
	if !c.TargetTier.Valid() {
		return enumError("targetTier", c.TargetTier, TargetTiers)
	}
	if len(c.Partners) > MaxListLen {
		return Invalidm("partners", "error.list.max", MaxListLen)
	}
	for i, p := range c.Partners {
		if err := checkText("partners["+itoa(i)+"]", p, MaxNameLen, true); err != nil {
			return err
		}
	}
	if err := checkText("legalBasis", c.LegalBasis, MaxTextLen, false); err != nil {
		return err
	}
	if err := checkText("judicialAuthorisation", c.JudicialAuthorisation, MaxTextLen, false); err != nil {
		return err
	}
	if err := checkFinite("budget", c.Budget, true); err != nil {
		return err
	}
	if !c.Classification.Valid() {
		return enumError("classification", c.Classification, Classifications)
	}
	return nil
}

// classification is the classification the operation is recorded at: the
// sender's clearance must cover it.
func (c LaunchOperation) classification() Classification { return c.Classification }

func (s *Service) launchOperation(ctx context.Context, env Envelope, c LaunchOperation) (Result, error) {
	if err := s.lookupRegions(ctx, "regions", c.Regions); err != nil {
		return Result{}, err
	}
	if err := s.interventionIDFree(ctx, env.Principal, PolicyStream(c.ID), c.ID); err != nil {
		return Result{}, err
	}
	return update(ctx, s, env, c, OperationStream(c.ID), newOperation, func(o *operation) ([]Event, error) {
		if o.exists {
			return nil, Errorm(Conflict, "id", "domain.err.operation.launched", c.ID)
		}
		return []Event{OperationLaunched(c)}, nil
	})
}
