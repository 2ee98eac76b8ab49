package domain

import "context"

// DeclassifyOperation lowers an operation's classification (for example
// from CONFIDENTIAL to PUBLIC once the cases are closed, Guideline 15).
type DeclassifyOperation struct {
	ID             string         `json:"id"`
	Classification Classification `json:"classification"`
}

// CommandName returns "declassifyOperation".
func (DeclassifyOperation) CommandName() string { return "declassifyOperation" }

// Validate checks the fields.
func (c DeclassifyOperation) Validate() error {
	if err := checkID("id", c.ID); err != nil {
		return err
	}
	if !c.Classification.Valid() {
		return enumError("classification", c.Classification, Classifications)
	}
	return nil
}

func (s *Service) declassifyOperation(ctx context.Context, env Envelope, c DeclassifyOperation) (Result, error) {
	return update(ctx, s, env, c, OperationStream(c.ID), newOperation, func(o *operation) ([]Event, error) {
		if err := operationMustExist(o, c.ID); err != nil {
			return nil, err
		}
		if c.Classification.Rank() >= o.classification.Rank() {
			return nil, Invalidm("classification", "domain.err.declassify.lower", c.ID, string(o.classification), string(c.Classification))
		}
		return []Event{OperationDeclassified(c)}, nil
	})
}
