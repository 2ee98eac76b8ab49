package domain

import (
	"context"
	"math"
	"slices"
)

// RecordFinding records a finding of an open cycle: about one intervention
// in its scope (or the scope as a whole when Intervention is empty), one
// indicator family, with the estimate it rests on, an effect rating and an
// evidence quality from 0 to 4. Finding IDs are unique within a cycle.
type RecordFinding struct {
	ID              string           `json:"id"`
	FindingID       string           `json:"findingId"`
	Intervention    string           `json:"intervention,omitempty"`
	Family          Family           `json:"family"`
	Statement       string           `json:"statement"`
	Evidence        *FindingEvidence `json:"evidence,omitempty"`
	EffectRating    EffectRating     `json:"effectRating"`
	EvidenceQuality int              `json:"evidenceQuality"`
	Recommendation  string           `json:"recommendation,omitempty"`
}

// CommandName returns "recordFinding".
func (RecordFinding) CommandName() string { return "recordFinding" }

// Validate checks the fields.
func (c RecordFinding) Validate() error {
	if err := checkID("id", c.ID); err != nil {
		return err
	}
	if err := checkID("findingId", c.FindingID); err != nil {
		return err
	}
	if c.Intervention != "" {
		if err := checkID("intervention", c.Intervention); err != nil {
			return err
		}
	}
	if !c.Family.Valid() {
		return enumError("family", c.Family, Families)
	}
	if err := checkText("statement", c.Statement, MaxTextLen, true); err != nil {
		return err
	}
	if c.Evidence != nil {
		if err := c.Evidence.validate(); err != nil {
			return Prefix("evidence", err)
		}
	}
	if !c.EffectRating.Valid() {
		return enumError("effectRating", c.EffectRating, EffectRatings)
	}
	if c.EvidenceQuality < 0 || c.EvidenceQuality > MaxEvidenceQuality {
		return Invalid("evidenceQuality", "%d is outside the scale 0 (no usable evidence) to %d (strong design)", c.EvidenceQuality, MaxEvidenceQuality)
	}
	return checkText("recommendation", c.Recommendation, MaxTextLen, false)
}

func (e FindingEvidence) validate() error {
	if e.Indicator != "" {
		if err := checkCode("indicator", e.Indicator); err != nil {
			return err
		}
	}
	if err := checkText("method", e.Method, MaxNameLen, true); err != nil {
		return err
	}
	for i, v := range []*float64{e.Estimate, e.Low, e.High} {
		if v != nil && (math.IsNaN(*v) || math.IsInf(*v, 0)) {
			return Invalid([]string{"estimate", "low", "high"}[i], "must be a finite number")
		}
	}
	if e.Low != nil && e.High != nil && *e.Low > *e.High {
		return Invalid("high", "%g is below low (%g)", *e.High, *e.Low)
	}
	if len(e.Parameters) > MaxDimensions*4 {
		return Invalid("parameters", "has more than %d entries", MaxDimensions*4)
	}
	for i, p := range e.Parameters {
		f := "parameters[" + itoa(i) + "]"
		if err := checkText(f+".name", p.Name, MaxNameLen, true); err != nil {
			return err
		}
		if err := checkText(f+".value", p.Value, MaxNameLen, true); err != nil {
			return err
		}
	}
	return nil
}

func (s *Service) recordFinding(ctx context.Context, env Envelope, c RecordFinding) (Result, error) {
	return update(ctx, s, env, c, CycleStream(c.ID), newCycle, func(cy *cycle) ([]Event, error) {
		if err := openCycleMustAccept(cy, c.ID, "finding"); err != nil {
			return nil, err
		}
		// The interventions of the scope the sender may not see do not
		// exist for it: they are left out of the answers, and a finding
		// about one is refused as about an intervention out of scope.
		// (Operations are read from the log, one stream at a time; a cycle
		// lock is held while an operation's is taken, never the reverse.)
		visible := make([]string, 0, len(cy.opened.Scope.Interventions))
		for _, id := range cy.opened.Scope.Interventions {
			ok, err := s.interventionVisible(ctx, env.Principal, id)
			if err != nil {
				return nil, err
			}
			if ok {
				visible = append(visible, id)
			}
		}
		if iv, taken := cy.findings[c.FindingID]; taken {
			if iv != "" && !slices.Contains(visible, iv) {
				return nil, Errorf(Conflict, "findingId", "%q cannot be the id of a new finding of cycle %q: choose another id", c.FindingID, c.ID)
			}
			return nil, Errorf(Conflict, "findingId", "cycle %q already has a finding %q", c.ID, c.FindingID)
		}
		if c.Intervention != "" && !slices.Contains(visible, c.Intervention) {
			return nil, Invalid("intervention", "%q is not in the scope of cycle %q (%s)", c.Intervention, c.ID, joinList(visible))
		}
		return []Event{FindingRecorded(c)}, nil
	})
}
