package domain

import "context"

// PinCycleEvidence pins the log position an open cycle's evidence is read
// at. The position must exist: from 1 to the log's head. Pinning again
// while the cycle is open replaces the pin.
type PinCycleEvidence struct {
	ID string `json:"id"`
	// Position travels as a decimal string, like every position of the API.
	Position uint64 `json:"position,string"`
}

// CommandName returns "pinCycleEvidence".
func (PinCycleEvidence) CommandName() string { return "pinCycleEvidence" }

// Validate checks the fields.
func (c PinCycleEvidence) Validate() error {
	if err := checkID("id", c.ID); err != nil {
		return err
	}
	if c.Position == 0 {
		return Invalidm("position", "domain.err.pin.zero")
	}
	return nil
}

func (s *Service) pinCycleEvidence(ctx context.Context, env Envelope, c PinCycleEvidence) (Result, error) {
	hl, ok := s.log.(LogHead)
	if !ok {
		return Result{}, Errorf(Internal, "", "the event log cannot tell its head position, so a pin cannot be checked")
	}
	head, err := hl.Head(ctx)
	if err != nil {
		return Result{}, err
	}
	if c.Position > head {
		return Result{}, Invalidm("position", "domain.err.pin.beyond", c.Position, head)
	}
	return update(ctx, s, env, c, CycleStream(c.ID), newCycle, func(cy *cycle) ([]Event, error) {
		if err := openCycleMustAccept(cy, c.ID, "evidence"); err != nil {
			return nil, err
		}
		return []Event{CycleEvidencePinned(c)}, nil
	})
}
