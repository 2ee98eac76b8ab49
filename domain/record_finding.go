package domain

import (
	"context"
	"math"
	"slices"

	"github.com/supplyeval/supplyeval/i18n"
)

// RecordFinding records a finding of an open cycle: about one intervention
// in its scope (or the scope as a whole when Intervention is empty), one
// indicator family, with the estimate it rests on, an effect rating and an
// evidence quality from 0 to 4. Finding IDs are unique within a cycle.
type RecordFinding struct {
	ID           string           `json:"id"`
	FindingID    string           `json:"findingId"`
	Intervention string           `json:"intervention,omitempty"`
	Family       Family           `json:"family"`
	Statement    string           `json:"statement"`
	Evidence     *FindingEvidence `json:"evidence,omitempty"`
	EffectRating EffectRating     `json:"effectRating"`
	// EvidenceQuality defaults to the quality the evidence's design
	// supports (evidence.design, see RateDesign); one that differs from it
	// needs EvidenceQualityReason, which is recorded and reported. Without
	// a design it is required.
	EvidenceQuality       *int   `json:"evidenceQuality,omitempty"`
	EvidenceQualityReason string `json:"evidenceQualityReason,omitempty"`
	Recommendation        string `json:"recommendation,omitempty"`
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
	if q := c.EvidenceQuality; q != nil && (*q < 0 || *q > MaxEvidenceQuality) {
		return Invalidm("evidenceQuality", "domain.err.finding.scale", *q, MaxEvidenceQuality)
	}
	if err := checkText("evidenceQualityReason", c.EvidenceQualityReason, MaxTextLen, false); err != nil {
		return err
	}
	if _, err := c.quality(); err != nil {
		return err
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
			return Invalidm([]string{"estimate", "low", "high"}[i], "error.number.finite")
		}
	}
	if e.Low != nil && e.High != nil && *e.Low > *e.High {
		return Invalidm("high", "domain.err.finding.high", i18n.Num(gfmt, *e.High), i18n.Num(gfmt, *e.Low))
	}
	if e.Design != nil {
		if err := e.Design.Validate(); err != nil {
			return Prefix("design", err)
		}
	}
	if len(e.Parameters) > MaxDimensions*4 {
		return Invalidm("parameters", "error.list.max", MaxDimensions*4)
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
				return nil, Errorm(Conflict, "findingId", "domain.err.finding.idtaken", c.FindingID, c.ID)
			}
			return nil, Errorm(Conflict, "findingId", "domain.err.finding.exists", c.ID, c.FindingID)
		}
		if c.Intervention != "" && !slices.Contains(visible, c.Intervention) {
			return nil, Invalidm("intervention", "domain.err.finding.scope", c.Intervention, c.ID, joinList(visible))
		}
		q, err := c.quality()
		if err != nil {
			return nil, err
		}
		return []Event{FindingRecorded{ID: c.ID, FindingID: c.FindingID, Intervention: c.Intervention, Family: c.Family,
			Statement: c.Statement, Evidence: c.Evidence, EffectRating: c.EffectRating, EvidenceQuality: q.quality,
			Recommendation: c.Recommendation, Rating: q.rating, QualityOverride: q.override}}, nil
	})
}

// findingQuality is a finding's evidence quality with the rating it was
// derived from and the reason it departs from it.
type findingQuality struct {
	quality  int
	rating   *EvidenceRating
	override string
}

// quality decides the finding's evidence quality: the given one, or the
// one its evidence's design supports; an override of that one needs a
// reason.
func (c RecordFinding) quality() (findingQuality, error) {
	if c.Evidence == nil || c.Evidence.Design == nil {
		if c.EvidenceQuality == nil {
			return findingQuality{}, Invalidm("evidenceQuality", "domain.err.finding.quality")
		}
		if c.EvidenceQualityReason != "" {
			return findingQuality{}, Invalidm("evidenceQualityReason", "domain.err.finding.reason")
		}
		return findingQuality{quality: *c.EvidenceQuality}, nil
	}
	r := RateDesign(*c.Evidence.Design)
	q := findingQuality{quality: r.Quality, rating: &r}
	if c.EvidenceQuality == nil || *c.EvidenceQuality == r.Quality {
		return q, nil
	}
	if c.EvidenceQualityReason == "" {
		return findingQuality{}, Invalidm("evidenceQualityReason", "domain.err.finding.override",
			*c.EvidenceQuality, r.Quality, r.SMS)
	}
	q.quality, q.override = *c.EvidenceQuality, c.EvidenceQualityReason
	return q, nil
}
