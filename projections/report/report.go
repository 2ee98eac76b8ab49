package report

import (
	"context"
	"errors"
	"fmt"
	"math"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/supplyeval/supplyeval/domain"
	"github.com/supplyeval/supplyeval/domain/displacement"
	"github.com/supplyeval/supplyeval/domain/impact"
	"github.com/supplyeval/supplyeval/i18n"
	"github.com/supplyeval/supplyeval/projections"
	"github.com/supplyeval/supplyeval/projections/evaluate"
)

// Families are the indicator families a report evaluates, in report
// order: Guideline 21's availability, violence, corruption and cost, and
// Guideline 18's displacement indicators.
var Families = []domain.Family{domain.FamilyAvailability, domain.FamilyViolence, domain.FamilyCorruption, domain.FamilyCost, domain.FamilyDisplacement}

// Config configures a Generator.
type Config struct {
	Evaluator  *evaluate.Evaluator
	Cycles     *projections.Cycles
	Provenance *projections.Provenance
	// Times gives the recorded time of the event at the report's position.
	Times EventTimes
	// Position is the read models' position, at which an unpinned open
	// cycle is previewed.
	Position func() uint64
	// The access-control hook is the Evaluator's Visible: interventions
	// it rejects are withheld from the report (counted, never named, and
	// their findings left out). See [Generator.For].
	// Workers bounds how many interventions are evaluated at once
	// (default GOMAXPROCS).
	Workers int
}

// Validate reports what is missing from c.
func (c Config) Validate() error {
	var errs []error
	if c.Evaluator == nil || c.Evaluator.Catalog == nil || c.Evaluator.Series == nil || c.Evaluator.Interventions == nil {
		errs = append(errs, errors.New("report config: Evaluator with its three read models is required"))
	}
	if c.Cycles == nil || c.Provenance == nil {
		errs = append(errs, errors.New("report config: Cycles and Provenance are required"))
	}
	if c.Times == nil {
		errs = append(errs, errors.New("report config: Times is required"))
	}
	if c.Position == nil {
		errs = append(errs, errors.New("report config: Position is required"))
	}
	return errors.Join(errs...)
}

// Generator builds cycle reports. It is safe for concurrent use.
type Generator struct {
	cfg Config
}

// New returns a Generator.
func New(cfg Config) (*Generator, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if cfg.Workers <= 0 {
		cfg.Workers = runtime.GOMAXPROCS(0)
	}
	return &Generator{cfg: cfg}, nil
}

// For returns a generator that reads through e (the same read models with
// a reader's Visible filter, as the GraphQL server makes one per request).
func (g *Generator) For(e *evaluate.Evaluator) *Generator {
	cp := *g
	cp.cfg.Evaluator = e
	return &cp
}

// Cycles returns the cycles read model the generator reads.
func (g *Generator) Cycles() *projections.Cycles { return g.cfg.Cycles }

// Status of a report.
const (
	// StatusFinal: the cycle is closed; the report is final.
	StatusFinal = "FINAL"
	// StatusDraft: the cycle is open with pinned evidence; findings may
	// still be added.
	StatusDraft = "DRAFT"
	// StatusPreview: the cycle is open and nothing is pinned; the report
	// reads the latest data and will change.
	StatusPreview = "PREVIEW"
)

// Report is the report of one evaluation cycle. Its JSON form is the JSON
// format of the report.
type Report struct {
	Cycle CycleInfo `json:"cycle"`
	// Status is StatusFinal, StatusDraft or StatusPreview; StatusNote
	// says what it means for the reader.
	Status     string `json:"status"`
	StatusNote string `json:"statusNote"`
	// Edition is the edition of the reports this software generates
	// (domain.ReportEdition); ClosedEdition, for a closed cycle, the one
	// in force when it was closed (0 if unrecorded). When they differ,
	// EditionNote says that this copy may differ from the report issued
	// at closing.
	Edition       int    `json:"edition"`
	ClosedEdition int    `json:"closedEdition,omitempty"`
	EditionNote   string `json:"editionNote,omitempty"`
	// Position is the log position every number was read at, and
	// PositionTime the recorded time of the event at it (RFC 3339, UTC).
	Position     string `json:"position"`
	PositionTime string `json:"positionTime"`
	// Withheld counts the interventions in scope the reader is not cleared
	// to see (always 0 until access control exists).
	Withheld     int    `json:"withheld"`
	WithheldNote string `json:"withheldNote"`
	// Interventions are the interventions in scope, in scope order.
	Interventions []InterventionReport `json:"interventions"`
	// Findings are the cycle's findings about its scope as a whole.
	Findings []FindingView `json:"findings"`
	// Previous is the follow-up of the previous cycle; nil without one.
	Previous *PreviousCycle `json:"previous,omitempty"`
	// RegionNames names every region the report mentions, as defined at
	// the report's position (a region defined later is named by its code).
	RegionNames map[string]string `json:"regionNames"`
	// Exposure is the timeline of the regions in scope over the cycle:
	// every intervention that covered one of them, a region above it or a
	// neighbour, and when.
	Exposure []ExposureRow `json:"exposure"`
	// Staggered are the staggered-adoption estimates of the programmes in
	// scope (interventions of one kind adopted at different dates).
	Staggered []StaggeredRow `json:"staggered"`
}

// CycleInfo is the cycle as recorded.
type CycleInfo struct {
	ID              string   `json:"id"`
	Title           string   `json:"title"`
	From            string   `json:"from"`
	To              string   `json:"to"`
	Regions         []string `json:"regions"`
	Interventions   []string `json:"interventions"`
	Questions       []string `json:"questions"`
	PreviousCycle   string   `json:"previousCycle,omitempty"`
	Closed          bool     `json:"closed"`
	Pinned          string   `json:"pinned,omitempty"`
	Summary         string   `json:"summary,omitempty"`
	Recommendations []string `json:"recommendations"`
}

// InterventionReport is everything the report says about one intervention.
type InterventionReport struct {
	ID      string   `json:"id"`
	Kind    string   `json:"kind"`
	Title   string   `json:"title"`
	Regions []string `json:"regions"`
	Start   string   `json:"start"`
	End     string   `json:"end,omitempty"`
	// Missing says why nothing else is reported (the intervention was not
	// recorded at the report's position).
	Missing         string           `json:"missing,omitempty"`
	Proportionality *Proportionality `json:"proportionality,omitempty"`
	Outputs         *Outputs         `json:"outputs,omitempty"`
	Impacts         []ImpactRow      `json:"impacts"`
	// NoData lists indicators of the report's families without data in the
	// intervention's regions.
	NoData []string `json:"noData"`
	// NoDataNames are the names of those indicators, in the same order.
	NoDataNames  []string          `json:"noDataNames"`
	Displacement []DisplacementRow `json:"displacement"`
	DataQuality  []DataQualityRow  `json:"dataQuality"`
	Findings     []FindingView     `json:"findings"`
	// Plans are the analysis plans registered for the intervention by the
	// report's position, run as registered, with their deviations (absent
	// when there are none, as in every report made before plans existed).
	Plans []PlannedAnalysis `json:"plans,omitempty"`
}

// Proportionality is the context Guideline 4 asks for.
type Proportionality struct {
	TargetTier            string   `json:"targetTier,omitempty"`
	JudicialAuthorisation bool     `json:"judicialAuthorisation"`
	Authorisation         string   `json:"authorisation,omitempty"`
	LegalBasis            string   `json:"legalBasis,omitempty"`
	Partners              []string `json:"partners"`
	Classification        string   `json:"classification,omitempty"`
	PolicyKind            string   `json:"policyKind,omitempty"`
	// DurationDays runs from the start to the end, or to the report's
	// position time while the intervention goes on (Ongoing).
	DurationDays int  `json:"durationDays"`
	Ongoing      bool `json:"ongoing"`
}

// Outputs are an operation's reported outputs, totalled.
type Outputs struct {
	Periods           int          `json:"periods"`
	Arrests           int          `json:"arrests"`
	Seizures          []SeizureSum `json:"seizures"`
	AssetsFrozen      Num          `json:"assetsFrozen"`
	AssetsConfiscated Num          `json:"assetsConfiscated"`
	LabsDismantled    int          `json:"labsDismantled"`
	// Cost is the recorded cost, or the budget when no cost was reported
	// (CostSource says which: "outputs", "budget" or "none").
	Cost       Num    `json:"cost"`
	Budget     Num    `json:"budget"`
	CostSource string `json:"costSource"`
	// CostPerArrest and CostPerKg are nil when there is nothing to divide by.
	CostPerArrest *Num `json:"costPerArrest,omitempty"`
	CostPerKg     *Num `json:"costPerKg,omitempty"`
}

// SeizureSum is the quantity of one substance seized.
type SeizureSum struct {
	Substance string `json:"substance"`
	Kg        Num    `json:"kg"`
}

// ImpactRow is one impact estimate (method AUTO) of the intervention on
// one indicator, or why there is none.
type ImpactRow struct {
	Family           string `json:"family"`
	Indicator        string `json:"indicator"`
	Name             string `json:"name"`
	Unit             string `json:"unit"`
	DesiredDirection string `json:"desiredDirection"`
	// Counts is set when the indicator counts events (its values cannot be
	// negative, and its charts start at zero).
	Counts         bool     `json:"counts"`
	Method         string   `json:"method,omitempty"`
	Model          string   `json:"model,omitempty"`
	Reason         string   `json:"reason,omitempty"`
	Effect         *Num     `json:"effect,omitempty"`
	Low            *Num     `json:"low,omitempty"`
	High           *Num     `json:"high,omitempty"`
	PValue         *Num     `json:"pValue,omitempty"`
	Ratio          bool     `json:"ratio"`
	RelativeEffect *Num     `json:"relativeEffect,omitempty"`
	Regions        []string `json:"regions"`
	Comparison     []string `json:"comparison"`
	FirstPeriod    string   `json:"firstPeriod,omitempty"`
	To             string   `json:"to,omitempty"`
	Parameters     []Param  `json:"parameters"`
	Explanation    string   `json:"explanation,omitempty"`
	// ReasonMsgs and ExplanationMsgs are Reason and Explanation as
	// messages of the catalogue, for the report in another language.
	ReasonMsgs      i18n.Text `json:"-"`
	ExplanationMsgs i18n.Text `json:"-"`
	// Error says why no estimate could be made; ErrorMsg the same as a
	// message of the catalogue, for the report in another language.
	Error    string   `json:"error,omitempty"`
	ErrorMsg i18n.Msg `json:"-"`
	// Verdict is the estimate read against the desired direction:
	// DESIRED, UNDESIRED or NO_CLEAR_EFFECT (interval holds no effect).
	Verdict           string             `json:"verdict,omitempty"`
	CostEffectiveness *CostEffectiveness `json:"costEffectiveness,omitempty"`
	Series            []SeriesPoint      `json:"series"`
	// Power is, for an operation's estimate with no clear effect, what its
	// evaluation could have detected (see power.go); nil otherwise.
	Power *PowerNote `json:"power,omitempty"`
	// Trends is, for a difference-in-differences, the sensitivity of the
	// effect to violations of parallel trends; nil otherwise.
	Trends *TrendsNote `json:"parallelTrends,omitempty"`
	// Design is what the estimate's design reached (the facts a finding's
	// evidence quality is derived from, domain.RateDesign); nil without an
	// estimate.
	Design *domain.DesignFacts `json:"design,omitempty"`
}

// Param is a method parameter.
type Param struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// CostEffectiveness is the cost per unit of effect.
type CostEffectiveness struct {
	// PerUnit is cost / |total effect|, in currency per Unit.
	PerUnit Num    `json:"perUnit"`
	Unit    string `json:"unit"`
	// TotalEffect is the effect the cost is divided by: observed minus
	// expected summed over the periods under the intervention (counts), or
	// the average change per period (levels).
	TotalEffect Num    `json:"totalEffect"`
	Note        string `json:"note"`
}

// SeriesPoint is one period of an impact chart.
type SeriesPoint struct {
	Period   string `json:"period"`
	Observed Num    `json:"observed"`
	Expected Num    `json:"expected"`
	Low      *Num   `json:"low,omitempty"`
	High     *Num   `json:"high,omitempty"`
	Post     bool   `json:"post"`
}

// DisplacementRow is a displacement analysis (default roles and windows)
// of the intervention on one indicator, or why there is none.
type DisplacementRow struct {
	Indicator   string `json:"indicator"`
	Name        string `json:"name"`
	Unit        string `json:"unit"`
	Finding     string `json:"finding,omitempty"`
	FindingNote string `json:"findingNote,omitempty"`
	// FindingNoteMsg is FindingNote as a message of the catalogue.
	FindingNoteMsg i18n.Msg `json:"-"`
	WDQ            *Num     `json:"wdq,omitempty"`
	SuccessMeasure *Num     `json:"successMeasure,omitempty"`
	BufferMeasure  *Num     `json:"bufferMeasure,omitempty"`
	TotalNetEffect *Num     `json:"totalNetEffect,omitempty"`
	WDD            *WDD     `json:"wdd,omitempty"`
	CrossBorder    bool     `json:"crossBorder"`
	Before         string   `json:"before,omitempty"`
	After          string   `json:"after,omitempty"`
	// Regions are the target and buffer regions, where activity is and may
	// have gone; Controls counts the control regions they are weighed
	// against (listed by the displacement query).
	Regions  []RegionChange `json:"regions"`
	Controls int            `json:"controls"`
	Error    string         `json:"error,omitempty"`
	ErrorMsg i18n.Msg       `json:"-"`
}

// WDD is the weighted displacement difference.
type WDD struct {
	Estimate Num `json:"estimate"`
	SE       Num `json:"se"`
	Low      Num `json:"low"`
	High     Num `json:"high"`
	Z        Num `json:"z"`
}

// RegionChange is one region of a displacement analysis.
type RegionChange struct {
	Region      string `json:"region"`
	Country     string `json:"country"`
	Role        string `json:"role"`
	Before      Num    `json:"before"`
	After       Num    `json:"after"`
	Change      Num    `json:"change"`
	CrossBorder bool   `json:"crossBorder"`
}

// DataQualityRow describes one series an impact estimate read.
type DataQualityRow struct {
	Indicator string `json:"indicator"`
	Region    string `json:"region"`
	First     string `json:"first,omitempty"`
	Last      string `json:"last,omitempty"`
	Observed  int    `json:"observed"`
	// Gaps counts the periods without a value between First and Last;
	// GapPeriods lists the first few.
	Gaps        int      `json:"gaps"`
	GapPeriods  []string `json:"gapPeriods"`
	Revisions   int      `json:"revisions"`
	Retractions int      `json:"retractions"`
	Sources     []string `json:"sources"`
}

// FindingView is a recorded finding.
type FindingView struct {
	FindingID       string `json:"findingId"`
	Intervention    string `json:"intervention,omitempty"`
	Family          string `json:"family"`
	Statement       string `json:"statement"`
	Evidence        string `json:"evidence,omitempty"`
	EffectRating    string `json:"effectRating"`
	EvidenceQuality int    `json:"evidenceQuality"`
	Recommendation  string `json:"recommendation,omitempty"`
	Position        string `json:"position"`
	// Rating is the rating derived from the evidence's design, and
	// QualityOverride why EvidenceQuality departs from its quality (both
	// absent for findings recorded without a design).
	Rating          *domain.EvidenceRating `json:"rating,omitempty"`
	QualityOverride string                 `json:"qualityOverride,omitempty"`
	// ev is the evidence as recorded, for rendering in words.
	ev *domain.FindingEvidence
}

// PreviousCycle is what the previous cycle concluded and what became of it.
type PreviousCycle struct {
	ID              string     `json:"id"`
	Title           string     `json:"title"`
	Summary         string     `json:"summary"`
	Recommendations []string   `json:"recommendations"`
	FollowUps       []FollowUp `json:"followUps"`
	// Sensitivity is each previous finding's estimate re-run at the
	// previous cycle's pin and at this report's position, with the
	// revisions and retractions in between (absent without findings).
	Sensitivity []FindingSensitivity `json:"sensitivity,omitempty"`
}

// FollowUp is one finding of the previous cycle and this cycle's findings
// on the same intervention and family.
type FollowUp struct {
	Previous FindingView `json:"previous"`
	// Outcome is FOLLOWED_UP (this cycle has findings on it), NOT_YET (the
	// intervention is in scope but has no finding on the family yet), or
	// OUT_OF_SCOPE.
	Outcome string        `json:"outcome"`
	Current []FindingView `json:"current"`
}

// Num is a float formatted with six significant digits in JSON, so that
// reports do not depend on the last bits of a computation.
type Num float64

// MarshalJSON formats n with six significant digits.
func (n Num) MarshalJSON() ([]byte, error) {
	return []byte(strconv.FormatFloat(float64(n), 'g', 6, 64)), nil
}

func num(v float64) *Num {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	n := Num(v)
	return &n
}

// Build builds the report of cycle id. It returns a NotFound error naming
// "id" for an unknown cycle.
func (g *Generator) Build(ctx context.Context, id string) (*Report, error) {
	c, ok := g.cfg.Cycles.Get(id)
	if !ok {
		return nil, domain.Errorm(domain.NotFound, "id", "cli2.report.cycle.unknown", id)
	}
	pos := c.Pinned
	if pos == 0 && !c.Closed {
		pos = g.cfg.Position()
	}
	// Interventions the reader may not see are left out of everything,
	// their findings too; only their number is reported.
	// The estimates of one report share what they read alike at pos.
	g = g.For(g.cfg.Evaluator.AtPosition(pos))
	hidden := g.hidden(c.Interventions, pos)
	c = withoutHidden(c, hidden)
	r := &Report{Cycle: CycleInfo{ID: c.ID, Title: c.Title, From: c.From, To: c.To, Regions: nonNil(c.Regions),
		Interventions: nonNil(c.Interventions), Questions: nonNil(c.Questions), PreviousCycle: c.PreviousCycle,
		Closed: c.Closed, Summary: c.Summary, Recommendations: nonNil(c.Recommendations)}, Withheld: len(hidden)}
	switch {
	case c.Closed:
		r.Status, r.StatusNote = StatusFinal, "Final report of a closed cycle, read at its pinned evidence position: regenerating it with the same edition of the software gives the same report."
	case c.Pinned != 0:
		r.Status, r.StatusNote = StatusDraft, "Draft: the cycle is still open. Its evidence is pinned, so the numbers will not change, but findings may still be added."
	default:
		r.Status, r.StatusNote = StatusPreview, "PREVIEW: the cycle has no pinned evidence. This report reads the latest data and will change as data are recorded or revised; pin the evidence to fix it."
	}
	r.Edition = domain.ReportEdition
	if c.Closed {
		r.ClosedEdition = c.ReportEdition
		if r.ClosedEdition != r.Edition {
			r.EditionNote = i18n.EN.T(editionNoteKey(r.ClosedEdition, r.Edition), r.ClosedEdition, r.Edition)
		}
	}
	if c.Pinned != 0 {
		r.Cycle.Pinned = strconv.FormatUint(c.Pinned, 10)
	}
	r.Position = strconv.FormatUint(pos, 10)
	at, err := g.cfg.Times.RecordedAt(ctx, pos)
	if err != nil {
		return nil, fmt.Errorf("time of position %d: %w", pos, err)
	}
	if !at.IsZero() {
		r.PositionTime = at.UTC().Format(time.RFC3339)
	}

	// Interventions, in scope order, evaluated concurrently into fixed slots.
	slots := make([]*InterventionReport, len(c.Interventions))
	var wg sync.WaitGroup
	sem := make(chan struct{}, g.cfg.Workers)
	for i, ivID := range c.Interventions {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			slots[i] = g.intervention(ctx, c, ivID, pos, at)
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	r.Interventions = []InterventionReport{}
	for _, s := range slots {
		r.Interventions = append(r.Interventions, *s)
	}
	r.WithheldNote = fmt.Sprintf("%d intervention(s) in scope withheld from this reader for lack of clearance.", r.Withheld)

	r.Findings = []FindingView{}
	for _, f := range c.Findings {
		if f.Intervention == "" {
			r.Findings = append(r.Findings, findingView(f))
		}
	}
	if c.PreviousCycle != "" {
		if prev, ok := g.cfg.Cycles.Get(c.PreviousCycle); ok {
			prev = withoutHidden(prev, g.hidden(prev.Interventions, pos))
			r.Previous = followUp(prev, c)
			if prev.Pinned != 0 && prev.Pinned < pos && len(prev.Findings) > 0 {
				r.Previous.Sensitivity = g.sensitivity(ctx, prev, pos)
			}
		}
	}
	r.Exposure = g.exposure(c, slots, pos)
	r.Staggered = g.staggered(ctx, c, pos)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	r.RegionNames = g.regionNames(r, pos)
	return r, nil
}

// regionNames names the regions r mentions, as defined at pos.
func (g *Generator) regionNames(r *Report, pos uint64) map[string]string {
	names := map[string]string{}
	add := func(codes ...string) {
		for _, code := range codes {
			if _, done := names[code]; done || code == "" {
				continue
			}
			names[code] = code
			if reg, ok := g.cfg.Evaluator.Catalog.RegionAt(code, pos); ok && strings.TrimSpace(reg.Name) != "" {
				names[code] = reg.Name
			}
		}
	}
	add(r.Cycle.Regions...)
	for _, iv := range r.Interventions {
		add(iv.Regions...)
		for _, im := range iv.Impacts {
			add(im.Regions...)
			add(im.Comparison...)
		}
		for _, d := range iv.Displacement {
			for _, rc := range d.Regions {
				add(rc.Region)
			}
		}
		for _, q := range iv.DataQuality {
			add(q.Region)
		}
	}
	return names
}

// hidden returns the set of intervention IDs the reader may not see at
// pos (recorded, but rejected by the evaluator's Visible filter).
func (g *Generator) hidden(ids []string, pos uint64) map[string]bool {
	e := g.cfg.Evaluator
	if e.Visible == nil {
		return nil
	}
	out := map[string]bool{}
	for _, id := range ids {
		if iv, ok := e.Interventions.Get(id, pos); ok && !e.Visible(iv) {
			out[id] = true
		} else if !ok {
			// Recorded after pos: judge by what it is now.
			if now, ok := e.Interventions.Get(id, 0); ok && !e.Visible(now) {
				out[id] = true
			}
		}
	}
	return out
}

// withoutHidden returns c without the hidden interventions and the
// findings about them.
func withoutHidden(c projections.Cycle, hidden map[string]bool) projections.Cycle {
	if len(hidden) == 0 {
		return c
	}
	var ivs []string
	for _, id := range c.Interventions {
		if !hidden[id] {
			ivs = append(ivs, id)
		}
	}
	var fs []projections.Finding
	for _, f := range c.Findings {
		if !hidden[f.Intervention] {
			fs = append(fs, f)
		}
	}
	c.Interventions, c.Findings = ivs, fs
	return c
}

// intervention evaluates one intervention of the scope at pos.
func (g *Generator) intervention(ctx context.Context, c projections.Cycle, id string, pos uint64, at time.Time) *InterventionReport {
	e := g.cfg.Evaluator
	ir := &InterventionReport{ID: id, Regions: []string{}, Impacts: []ImpactRow{}, NoData: []string{}, NoDataNames: []string{}, Displacement: []DisplacementRow{},
		DataQuality: []DataQualityRow{}, Findings: []FindingView{}}
	for _, f := range c.Findings {
		if f.Intervention == id {
			ir.Findings = append(ir.Findings, findingView(f))
		}
	}
	iv, err := e.Intervention("intervention", id, pos)
	if err != nil {
		ir.Missing = fmt.Sprintf("Not recorded at position %d.", pos)
		return ir
	}
	ir.Kind, ir.Title, ir.Start, ir.End = iv.Kind, iv.Title, iv.Start, iv.End
	ir.Regions = nonNil(iv.Regions)
	ir.Proportionality = proportionality(iv, at)
	ir.Outputs = outputs(iv)

	to, _ := domain.ParseDate(c.To)
	seen := map[string]bool{}
	for _, fam := range Families {
		for _, ind := range e.Catalog.IndicatorsAt(fam, pos) {
			if ctx.Err() != nil {
				return ir
			}
			if len(e.ExpandWithData(ind.Code, iv.Regions, pos)) == 0 {
				ir.NoData = append(ir.NoData, ind.Code)
				ir.NoDataNames = append(ir.NoDataNames, orCode(ind.Name, ind.Code))
				continue
			}
			row := g.impact(ctx, iv, ind, domain.PeriodOf(ind.Granularity, to).String(), pos, ir.Outputs)
			ir.Impacts = append(ir.Impacts, row)
			for _, region := range row.Regions {
				if k := ind.Code + "\x00" + region; !seen[k] {
					seen[k] = true
					ir.DataQuality = append(ir.DataQuality, g.quality(ind, region, row.To, pos))
				}
			}
			if ind.DesiredDirection != domain.DirectionNone {
				ir.Displacement = append(ir.Displacement, g.displacement(iv, ind, pos))
			}
		}
	}
	ir.Plans = g.plans(ctx, iv, ir, pos)
	return ir
}

func proportionality(iv evaluate.Intervention, at time.Time) *Proportionality {
	p := &Proportionality{Partners: []string{}}
	if op := iv.Operation; op != nil {
		p.TargetTier, p.Authorisation, p.LegalBasis = string(op.TargetTier), op.JudicialAuthorisation, op.LegalBasis
		p.JudicialAuthorisation = strings.TrimSpace(op.JudicialAuthorisation) != ""
		p.Partners = nonNil(op.Partners)
		p.Classification = string(op.Classification)
	}
	if pol := iv.Policy; pol != nil {
		p.PolicyKind = string(pol.Kind)
	}
	end := at
	if iv.End != "" {
		if t, err := domain.ParseDate(iv.End); err == nil {
			end = t
		}
	} else {
		p.Ongoing = true
	}
	if d := int(end.Sub(iv.Date).Hours() / 24); d > 0 {
		p.DurationDays = d
	}
	return p
}

func outputs(iv evaluate.Intervention) *Outputs {
	op := iv.Operation
	if op == nil {
		return nil
	}
	o := &Outputs{Budget: Num(op.Budget), Seizures: []SeizureSum{}}
	kg := map[string]float64{}
	var cost, frozen, confiscated, totalKg float64
	for _, out := range op.Outputs {
		o.Periods++
		o.Arrests += out.Arrests
		o.LabsDismantled += out.LabsDismantled
		frozen += out.AssetsFrozen
		confiscated += out.AssetsConfiscated
		cost += out.Cost
		for _, s := range out.Seizures {
			kg[s.Substance] += s.Kg
			totalKg += s.Kg
		}
	}
	for _, sub := range sortedKeys(kg) {
		o.Seizures = append(o.Seizures, SeizureSum{Substance: sub, Kg: Num(kg[sub])})
	}
	o.AssetsFrozen, o.AssetsConfiscated = Num(frozen), Num(confiscated)
	switch {
	case cost > 0:
		o.Cost, o.CostSource = Num(cost), "outputs"
	case op.Budget > 0:
		o.Cost, o.CostSource = Num(op.Budget), "budget"
	default:
		o.CostSource = "none"
	}
	if o.Cost > 0 && o.Arrests > 0 {
		o.CostPerArrest = num(float64(o.Cost) / float64(o.Arrests))
	}
	if o.Cost > 0 && totalKg > 0 {
		o.CostPerKg = num(float64(o.Cost) / totalKg)
	}
	return o
}

// ImpactQuery returns the query the report runs for intervention on
// indicator: method AUTO, the intervention's regions, the default
// comparison pool, data up to the period holding the cycle's end (to),
// read at pos. Running it through evaluate.Evaluator.Impact gives the
// report's numbers.
func ImpactQuery(intervention, indicator, to string, pos uint64) evaluate.ImpactQuery {
	return evaluate.ImpactQuery{Intervention: intervention, Indicator: indicator, Method: impact.MethodAuto, To: to, AsOf: pos}
}

// DisplacementRequest returns the request the report runs for
// intervention on indicator: default roles and windows, read at pos.
func DisplacementRequest(intervention, indicator string, pos uint64) evaluate.DisplacementRequest {
	return evaluate.DisplacementRequest{Intervention: intervention, Indicator: indicator, AsOf: pos}
}

func (g *Generator) impact(ctx context.Context, iv evaluate.Intervention, ind projections.Indicator, to string, pos uint64, out *Outputs) ImpactRow {
	row := ImpactRow{Family: string(ind.Family), Indicator: ind.Code, Name: ind.Name, Unit: ind.Unit, DesiredDirection: string(ind.DesiredDirection),
		To: to, Regions: []string{}, Comparison: []string{}, Parameters: []Param{}, Series: []SeriesPoint{},
		Counts: evaluate.ScaleOf(ind) == displacement.Count}
	est, err := g.cfg.Evaluator.Impact(ctx, ImpactQuery(iv.ID, ind.Code, to, pos))
	if err != nil {
		row.Error, row.ErrorMsg = errText(err), errMsg(err)
		row.Regions = g.cfg.Evaluator.ExpandWithData(ind.Code, iv.Regions, pos)
		return row
	}
	row.Method, row.Model, row.Reason, row.ReasonMsgs = string(est.Method), string(est.Model), est.Choice, est.ChoiceMsgs
	row.Effect, row.Ratio = num(est.Effect.Value), est.Ratio
	if est.Effect.HasInterval {
		row.Low, row.High = num(est.Effect.Low), num(est.Effect.High)
	}
	if est.Effect.HasPValue {
		row.PValue = num(est.Effect.PValue)
	}
	if est.RelativeEffect != nil {
		row.RelativeEffect = num(est.RelativeEffect.Value)
	}
	row.Regions, row.Comparison = nonNil(est.Regions), nonNil(est.Comparison)
	row.FirstPeriod, row.Explanation, row.ExplanationMsgs = est.FirstPeriod, est.Explanation, est.ExplanationMsgs
	row.Trends = trendsNote(est.Sensitivity)
	if f := evaluate.DesignOf(est); f.Validate() == nil {
		row.Design = &f
	}
	for _, p := range est.Params {
		row.Parameters = append(row.Parameters, Param{Name: p.Name, Value: p.Value})
	}
	for _, c := range est.Counterfactual {
		sp := SeriesPoint{Period: c.Period, Observed: Num(c.Observed), Expected: Num(c.Expected), Post: c.Post}
		if c.HasBand {
			sp.Low, sp.High = num(c.Low), num(c.High)
		}
		row.Series = append(row.Series, sp)
	}
	row.Verdict = verdict(est, ind.DesiredDirection)
	row.CostEffectiveness = costEffectiveness(est, ind, out, row.Verdict)
	row.Power = g.power(ctx, iv, ind.Code, &row)
	return row
}

// verdict reads an estimate against the desired direction.
func verdict(est *evaluate.ImpactEstimate, dir domain.Direction) string {
	none := 0.0
	if est.Ratio {
		none = 1
	}
	eff := est.Effect
	if eff.HasInterval && eff.Low <= none && eff.High >= none {
		return "NO_CLEAR_EFFECT"
	}
	up := eff.Value > none
	switch {
	case dir == domain.DirectionNone:
		if up {
			return "INCREASE"
		}
		return "DECREASE"
	case up == (dir == domain.DirectionUp):
		return "DESIRED"
	default:
		return "UNDESIRED"
	}
}

// costEffectiveness divides the intervention's cost by its effect when the
// effect is in the desired direction.
func costEffectiveness(est *evaluate.ImpactEstimate, ind projections.Indicator, out *Outputs, verdict string) *CostEffectiveness {
	if out == nil || out.Cost <= 0 || verdict != "DESIRED" {
		return nil
	}
	var total float64
	ce := &CostEffectiveness{}
	if evaluate.ScaleOf(ind) == displacement.Count {
		for _, c := range est.Counterfactual {
			if c.Post {
				total += c.Observed - c.Expected
			}
		}
		ce.Unit = ind.Unit + " (total over the periods under the intervention)"
		ce.Note = "Cost (" + out.CostSource + ") per unit of the summed difference between observed and expected counts after the intervention."
	} else {
		total = est.Effect.Value
		if est.Ratio {
			total = 0
			n := 0
			for _, c := range est.Counterfactual {
				if c.Post {
					total += c.Observed - c.Expected
					n++
				}
			}
			if n > 0 {
				total /= float64(n)
			}
		}
		ce.Unit = ind.Unit + " (average change per period)"
		ce.Note = "Cost (" + out.CostSource + ") per unit of the average change per period after the intervention; levels are not additive over time."
	}
	if total == 0 || math.IsNaN(total) {
		return nil
	}
	ce.TotalEffect = Num(total)
	ce.PerUnit = Num(float64(out.Cost) / math.Abs(total))
	return ce
}

func (g *Generator) displacement(iv evaluate.Intervention, ind projections.Indicator, pos uint64) DisplacementRow {
	row := DisplacementRow{Indicator: ind.Code, Name: ind.Name, Unit: ind.Unit, Regions: []RegionChange{}}
	d, err := g.cfg.Evaluator.Displacement(DisplacementRequest(iv.ID, ind.Code, pos))
	if err != nil {
		row.Error, row.ErrorMsg = errText(err), errMsg(err)
		return row
	}
	row.Finding, row.FindingNote, row.FindingNoteMsg, row.CrossBorder = string(d.Finding), d.FindingNote, d.FindingNoteMsg, d.CrossBorder
	row.WDQ, row.SuccessMeasure = ptrNum(d.WDQ.Quotient), ptrNum(d.WDQ.SuccessMeasure)
	row.BufferMeasure, row.TotalNetEffect = ptrNum(d.WDQ.BufferMeasure), ptrNum(d.WDQ.TotalNetEffect)
	if w := d.WDD; w != nil {
		row.WDD = &WDD{Estimate: Num(w.Estimate), SE: Num(w.SE), Low: Num(w.Low), High: Num(w.High), Z: Num(w.Z)}
	}
	row.Before = windowText(d.Inputs.Before)
	row.After = windowText(d.Inputs.After)
	for _, rc := range d.Regions {
		if rc.Role != displacement.RoleTarget && rc.Role != displacement.RoleBuffer {
			row.Controls++
			continue
		}
		row.Regions = append(row.Regions, RegionChange{Region: rc.Region, Country: rc.Country, Role: string(rc.Role),
			Before: Num(rc.Before), After: Num(rc.After), Change: Num(rc.Change), CrossBorder: rc.CrossBorder})
	}
	sort.SliceStable(row.Regions, func(i, j int) bool {
		if ri, rj := roleOrder(row.Regions[i].Role), roleOrder(row.Regions[j].Role); ri != rj {
			return ri < rj
		}
		return row.Regions[i].Region < row.Regions[j].Region
	})
	return row
}

func roleOrder(r string) int {
	switch displacement.Role(r) {
	case displacement.RoleTarget:
		return 0
	case displacement.RoleBuffer:
		return 1
	case displacement.RoleControl:
		return 2
	}
	return 3
}

func windowText(w displacement.Window) string {
	if len(w.Periods) == 0 {
		return ""
	}
	return w.Periods[0] + " to " + w.Periods[len(w.Periods)-1]
}

// maxGapPeriods bounds the gap periods a data-quality row lists.
const maxGapPeriods = 6

// quality describes the series of indicator in region up to period to, as
// known at pos.
func (g *Generator) quality(ind projections.Indicator, region, to string, pos uint64) DataQualityRow {
	row := DataQualityRow{Indicator: ind.Code, Region: region, GapPeriods: []string{}, Sources: []string{}}
	var hi *int32
	if p, err := domain.ParsePeriod(ind.Granularity, to); err == nil {
		hi = &p.Index
	}
	d, _ := g.cfg.Evaluator.Series.Get(projections.Query{Indicator: ind.Code, Region: region, To: hi, AsOf: pos})
	if n := len(d.Points); n > 0 {
		row.First, row.Last, row.Observed = d.Points[0].Period, d.Points[n-1].Period, n
		for i := 1; i < n; i++ {
			for idx := d.Points[i-1].Index + 1; idx < d.Points[i].Index; idx++ {
				row.Gaps++
				if len(row.GapPeriods) < maxGapPeriods {
					row.GapPeriods = append(row.GapPeriods, domain.Period{G: ind.Granularity, Index: idx}.String())
				}
			}
		}
	}
	prov := g.cfg.Provenance.Of(ind.Code, region, pos)
	for _, s := range prov.Sources {
		row.Sources = append(row.Sources, s.Source)
	}
	for _, c := range prov.Changes {
		if c.Kind == "RETRACTED" {
			row.Retractions++
		} else {
			row.Revisions++
		}
	}
	return row
}

func findingView(f projections.Finding) FindingView {
	v := FindingView{FindingID: f.FindingID, Intervention: f.Intervention, Family: string(f.Family), Statement: f.Statement,
		EffectRating: string(f.EffectRating), EvidenceQuality: f.EvidenceQuality, Recommendation: f.Recommendation,
		Position: strconv.FormatUint(f.Position, 10), ev: f.Evidence, Rating: f.Rating, QualityOverride: f.QualityOverride}
	if ev := f.Evidence; ev != nil {
		parts := []string{ev.Method}
		if ev.Indicator != "" {
			parts = append(parts, "on "+ev.Indicator)
		}
		if ev.Estimate != nil {
			s := "estimate " + i18n.Plain(*ev.Estimate)
			if ev.Low != nil && ev.High != nil {
				s += " (95% interval " + i18n.Plain(*ev.Low) + " to " + i18n.Plain(*ev.High) + ")"
			}
			parts = append(parts, s)
		}
		for _, p := range ev.Parameters {
			parts = append(parts, p.Name+"="+p.Value)
		}
		v.Evidence = strings.Join(parts, "; ")
	}
	return v
}

// followUp relates the previous cycle's findings to this cycle's.
func followUp(prev, cur projections.Cycle) *PreviousCycle {
	p := &PreviousCycle{ID: prev.ID, Title: prev.Title, Summary: prev.Summary, Recommendations: nonNil(prev.Recommendations), FollowUps: []FollowUp{}}
	inScope := map[string]bool{}
	for _, id := range cur.Interventions {
		inScope[id] = true
	}
	for _, f := range prev.Findings {
		fu := FollowUp{Previous: findingView(f), Current: []FindingView{}}
		for _, c := range cur.Findings {
			if c.Intervention == f.Intervention && c.Family == f.Family {
				fu.Current = append(fu.Current, findingView(c))
			}
		}
		switch {
		case len(fu.Current) > 0:
			fu.Outcome = "FOLLOWED_UP"
		case f.Intervention == "" || inScope[f.Intervention]:
			fu.Outcome = "NOT_YET"
		default:
			fu.Outcome = "OUT_OF_SCOPE"
		}
		p.FollowUps = append(p.FollowUps, fu)
	}
	return p
}

// errMsg is the catalogue message of the first domain error in err's
// chain (the zero Msg when it has none), kept beside errText's English so
// that a report in another language says why in that language.
func errMsg(err error) i18n.Msg {
	var de *domain.Error
	if errors.As(err, &de) {
		return de.Msg
	}
	return i18n.Msg{}
}

// problem is why there is no result, in w's language: the message of
// the catalogue when there is one, else the English written when the
// report was made.
func (w words) problem(english string, m i18n.Msg) string { return w.RenderOr(m, english) }

func errText(err error) string {
	var de *domain.Error
	if errors.As(err, &de) {
		return de.Error()
	}
	return "internal error: " + err.Error()
}

func orCode(name, code string) string {
	if strings.TrimSpace(name) == "" {
		return code
	}
	return name
}

func ptrNum(p *float64) *Num {
	if p == nil {
		return nil
	}
	return num(*p)
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return append([]string(nil), s...)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// editionNoteKey is the message saying under which edition a closed
// cycle's report was issued and whether this copy is of the same one.
func editionNoteKey(closed, current int) string {
	switch {
	case closed == current:
		return "status.FINAL.note.edition"
	case closed == 0:
		return "report.edition.unrecorded"
	}
	return "report.edition.differs"
}
