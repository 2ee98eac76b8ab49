package domain

import "context"

// ConcludeOperation records the end of an operation. An operation
// concludes once.
type ConcludeOperation struct {
	ID      string `json:"id"`
	End     string `json:"end"`
	Summary string `json:"summary,omitempty"`
}

// CommandName returns "concludeOperation".
func (ConcludeOperation) CommandName() string { return "concludeOperation" }

// Validate checks the fields.
func (c ConcludeOperation) Validate() error {
	if err := checkID("id", c.ID); err != nil {
		return err
	}
	if err := checkDate("end", c.End); err != nil {
		return err
	}
	return checkText("summary", c.Summary, MaxTextLen, false)
}

func (s *Service) concludeOperation(ctx context.Context, env Envelope, c ConcludeOperation) (Result, error) {
	return update(ctx, s, env, c, OperationStream(c.ID), newOperation, func(o *operation) ([]Event, error) {
		if err := operationMustExist(o, c.ID); err != nil {
			return nil, err
		}
		if o.concluded {
			return nil, Errorm(Conflict, "id", "domain.err.operation.concluded", c.ID, o.end)
		}
		if end, _ := ParseDate(c.End); end.Before(o.start) {
			return nil, Invalidm("end", "domain.err.operation.before", c.End, o.launched.Start)
		}
		return []Event{OperationConcluded(c)}, nil
	})
}
