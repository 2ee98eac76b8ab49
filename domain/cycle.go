package domain

import "context"

// An evaluation cycle (Guideline 21) fixes what is evaluated (a period and
// a scope of interventions and regions), pins the evidence it rests on (a
// log position, so that its report can be regenerated identically),
// records findings, and closes with a summary and recommendations that
// feed the next cycle. Its events live in stream cycle-{id}.

// CycleScope is what a cycle evaluates: interventions, and optionally the
// regions the evaluators look at beyond the interventions' own.
type CycleScope struct {
	Regions       []string `json:"regions,omitempty"`
	Interventions []string `json:"interventions"`
}

// CycleOpened: an evaluation cycle started.
type CycleOpened struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	// From and To (YYYY-MM-DD) bound the period under evaluation.
	From      string     `json:"from"`
	To        string     `json:"to"`
	Scope     CycleScope `json:"scope"`
	Questions []string   `json:"questions,omitempty"`
	// PreviousCycle is the closed cycle whose recommendations this one
	// follows up.
	PreviousCycle string `json:"previousCycle,omitempty"`
}

// CycleEvidencePinned: the cycle's evidence is the log as it was at
// Position. A later pin (while the cycle is open) replaces an earlier one.
type CycleEvidencePinned struct {
	ID       string `json:"id"`
	Position uint64 `json:"position"`
}

// EffectRating is what a finding says an intervention did, judged against
// the indicator family's desired direction (the "effect" of EMMIE).
type EffectRating string

// The values of EffectRating.
const (
	EffectDesired   EffectRating = "DESIRED"
	EffectMixed     EffectRating = "MIXED"
	EffectNone      EffectRating = "NO_EFFECT"
	EffectUndesired EffectRating = "UNDESIRED"
	EffectUnclear   EffectRating = "UNCLEAR"
)

// EffectRatings lists every EffectRating.
var EffectRatings = []EffectRating{EffectDesired, EffectMixed, EffectNone, EffectUndesired, EffectUnclear}

// Valid reports whether v is a defined EffectRating.
func (v EffectRating) Valid() bool {
	for _, x := range EffectRatings {
		if v == x {
			return true
		}
	}
	return false
}

// MaxEvidenceQuality is the top of the evidence quality scale: 0 (no
// usable evidence) to 4 (strong design, in the spirit of EMMIE's quality
// of evidence ratings).
const MaxEvidenceQuality = 4

// EvidenceParam is one named parameter of the estimate a finding rests on.
type EvidenceParam struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// FindingEvidence is the estimate a finding rests on: the indicator, the
// method and its parameters, and the number with its interval.
type FindingEvidence struct {
	Indicator  string          `json:"indicator,omitempty"`
	Method     string          `json:"method"`
	Estimate   *float64        `json:"estimate,omitempty"`
	Low        *float64        `json:"low,omitempty"`
	High       *float64        `json:"high,omitempty"`
	Parameters []EvidenceParam `json:"parameters,omitempty"`
	// Design is what the estimate's design reached, from which the
	// finding's evidence quality is derived (RateDesign).
	Design *DesignFacts `json:"design,omitempty"`
}

// FindingRecorded: the evaluators recorded a finding.
type FindingRecorded struct {
	ID        string `json:"id"`
	FindingID string `json:"findingId"`
	// Intervention is the intervention the finding is about; empty for a
	// finding about the cycle's scope as a whole.
	Intervention    string           `json:"intervention,omitempty"`
	Family          Family           `json:"family"`
	Statement       string           `json:"statement"`
	Evidence        *FindingEvidence `json:"evidence,omitempty"`
	EffectRating    EffectRating     `json:"effectRating"`
	EvidenceQuality int              `json:"evidenceQuality"`
	Recommendation  string           `json:"recommendation,omitempty"`
	// Rating is the rating derived from Evidence.Design (nil without
	// one); QualityOverride the reason EvidenceQuality departs from it.
	Rating          *EvidenceRating `json:"rating,omitempty"`
	QualityOverride string          `json:"qualityOverride,omitempty"`
}

// CycleClosed: the cycle ended with a summary and recommendations.
type CycleClosed struct {
	ID              string   `json:"id"`
	Summary         string   `json:"summary"`
	Recommendations []string `json:"recommendations,omitempty"`
	// ReportEdition is the edition of the reports of the software that
	// closed the cycle (ReportEdition then); 0 for cycles closed before
	// editions were recorded.
	ReportEdition int `json:"reportEdition,omitempty"`
}

// ReportEdition is the edition of supplyeval's cycle reports. A closed
// cycle's report is read at its pinned position, so regenerating it gives
// the same report, byte for byte, as long as the software generates the
// same edition; a change to the software that changes what the report of
// a closed cycle says (a method, a default, a section, a wording) raises
// the edition, and a report of a cycle closed under another edition says
// so. projections/report's TestReportEditionIsRaisedWhenReportsChange
// holds the digest of a closed demo cycle's reports for the current
// edition and fails when they change without a new edition.
//
// Editions:
//  1. the first recorded.
//  2. reasons why an estimate or analysis could not be made, and the
//     displacement findings' notes, are written in the report's language;
//     the JSON gives each estimate's design (the facts its evidence
//     rating is derived from); the DiD event study of a balanced panel
//     is solved in closed form
//     (its sensitivity intervals may move in the last digits); charts
//     carry their own font size, thin
//     their period labels to what fits and write a y title longer than
//     the plot across its top.
//  3. the staggered-adoption estimate's explanation says how its
//     standard errors were computed (analytic, or a multiplier
//     bootstrap); a synthetic control's conformal set warns when more
//     periods follow the intervention than precede it; the staggered
//     explanation names the neighbours of adopting regions its default
//     comparison pool leaves out.
const ReportEdition = 3

func (CycleOpened) EventType() string         { return TypeCycleOpened }
func (CycleEvidencePinned) EventType() string { return TypeCycleEvidencePinned }
func (FindingRecorded) EventType() string     { return TypeFindingRecorded }
func (CycleClosed) EventType() string         { return TypeCycleClosed }

// cycle is the aggregate of stream cycle-{id}.
type cycle struct {
	commandLog
	opened CycleOpened
	exists bool
	pinned uint64
	// findings maps the id of each finding to its intervention ("" for
	// one about the whole scope).
	findings map[string]string
	closed   bool
}

func newCycle() *cycle { return &cycle{findings: map[string]string{}} }

func (c *cycle) apply(rec Recorded) error {
	switch e := rec.Event.(type) {
	case CycleOpened:
		c.opened, c.exists = e, true
	case CycleEvidencePinned:
		c.pinned = e.Position
	case FindingRecorded:
		c.findings[e.FindingID] = e.Intervention
	case CycleClosed:
		c.closed = true
	}
	return nil
}

// openCycleMustAccept returns the error for commands on a cycle that does
// not exist or is closed: NotFound or Conflict on field "id".
func openCycleMustAccept(c *cycle, id, what string) error {
	if !c.exists {
		return Errorm(NotFound, "id", "domain.err.cycle.notopened", id)
	}
	if c.closed {
		return Errorm(Conflict, "id", "domain.err.cycle.closed."+what, id)
	}
	return nil
}

// LogHead is implemented by event logs that know the position of their
// last event. pinCycleEvidence needs it to refuse a position beyond the
// end of the log; eventstore.Log implements it.
type LogHead interface {
	// Head returns the position of the last committed event (0 if none).
	Head(ctx context.Context) (uint64, error)
}

// interventionVisible reports whether id names a launched operation that
// p may see or an adopted policy change. The operation is read from the
// log, not from a read model: a launch is seen as soon as it is recorded.
func (s *Service) interventionVisible(ctx context.Context, p Principal, id string) (bool, error) {
	found := false
	if err := view(ctx, s, OperationStream(id), newOperation, func(o *operation, _ int64) {
		found = o.exists && p.Sees(o.classifiedAs())
	}); err != nil {
		return false, err
	}
	if found {
		return true, nil
	}
	err := view(ctx, s, PolicyStream(id), newPolicy, func(p *policy, _ int64) { found = p.exists })
	return found, err
}
