package domain

import (
	"context"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/supplyeval/supplyeval/i18n"
)

// An analysis plan is registered before an intervention's post-period data
// exist: it fixes how the intervention will be evaluated (indicator,
// method, regions, comparison, predictors, model options, windows and the
// hypotheses tested), so that the evaluation cannot be tuned to the data.
// The log proves the order: a plan registered after post-period
// observations were recorded is refused unless it says so (Late), and the
// cycle report then says so too. Its events live in stream plan-{id}.

// AnalysisMethod is the method a plan fixes: one of the impact methods,
// never AUTO (which chooses after seeing the data). The values are those
// of domain/impact's methods.
type AnalysisMethod string

// The values of AnalysisMethod.
const (
	AnalysisBeforeAfter      AnalysisMethod = "BEFORE_AFTER"
	AnalysisITS              AnalysisMethod = "ITS"
	AnalysisDiD              AnalysisMethod = "DID"
	AnalysisSyntheticControl AnalysisMethod = "SYNTHETIC_CONTROL"
)

// AnalysisMethods lists every AnalysisMethod.
var AnalysisMethods = []AnalysisMethod{AnalysisBeforeAfter, AnalysisITS, AnalysisDiD, AnalysisSyntheticControl}

// PlanITSModel is the error model a plan fixes for an interrupted time
// series (the values of domain/impact's models).
type PlanITSModel string

// PlanITSModels lists the models a plan may fix.
var PlanITSModels = []PlanITSModel{"GAUSSIAN", "QUASI_POISSON"}

// PlanITSErrors is how a plan's Gaussian series treats autocorrelated
// noise (the values of domain/impact's ITSErrors).
type PlanITSErrors string

// PlanITSErrorKinds lists the values of PlanITSErrors.
var PlanITSErrorKinds = []PlanITSErrors{"NEWEY_WEST", "AR1"}

// PlanWindow is an inclusive run of periods in the indicator's
// granularity.
type PlanWindow struct {
	From string `json:"from"`
	To   string `json:"to"`
}

// PlanPredictor is a synthetic control predictor: the mean of an
// indicator over a window of its periods.
type PlanPredictor struct {
	Indicator string `json:"indicator"`
	From      string `json:"from"`
	To        string `json:"to"`
}

// PlanITS are the interrupted time series options a plan fixes.
type PlanITS struct {
	Model       PlanITSModel  `json:"model,omitempty"`
	Offset      string        `json:"offset,omitempty"`
	Harmonics   int           `json:"harmonics,omitempty"`
	SlopeChange bool          `json:"slopeChange,omitempty"`
	Errors      PlanITSErrors `json:"errors,omitempty"`
	// HACLag is the Newey-West lag; nil for the default, 0 for none.
	HACLag *int `json:"hacLag,omitempty"`
	// Interruptions are the other interventions fitted in the same series
	// (piecewise interrupted time series): nil for the default (read from
	// the timeline at the position the plan is run at), empty for none.
	Interruptions *[]string `json:"interruptions,omitempty"`
}

// maxHarmonics bounds the seasonal harmonics a plan may ask for.
const maxHarmonics = 26

// RegisterAnalysisPlan registers how an intervention will be evaluated on
// one indicator. Regions default to the intervention's regions (recorded
// resolved, so that later scope changes do not change the plan);
// Comparison empty means the default comparison pool. Before and After are
// contiguous windows, After starting at the intervention's first period
// (the first that starts on or after its start or effective date).
type RegisterAnalysisPlan struct {
	ID           string          `json:"id"`
	Intervention string          `json:"intervention"`
	Indicator    string          `json:"indicator"`
	Method       AnalysisMethod  `json:"method"`
	Regions      []string        `json:"regions,omitempty"`
	Comparison   []string        `json:"comparison,omitempty"`
	Predictors   []PlanPredictor `json:"predictors,omitempty"`
	ITS          *PlanITS        `json:"its,omitempty"`
	Before       PlanWindow      `json:"before"`
	After        PlanWindow      `json:"after"`
	Hypotheses   []string        `json:"hypotheses"`
	RegisteredBy string          `json:"registeredBy"`
	// Late registers the plan although post-period observations exist; the
	// plan is then recorded as late and reports say so.
	Late bool `json:"late,omitempty"`
}

// AnalysisPlanRegistered: an analysis plan was registered. Regions are
// the resolved target regions; Late is true when it was registered with
// late: true (post-period observations may already have been seen), and
// PostData names the first post-period observation found then, if any.
type AnalysisPlanRegistered struct {
	ID           string          `json:"id"`
	Intervention string          `json:"intervention"`
	Indicator    string          `json:"indicator"`
	Method       AnalysisMethod  `json:"method"`
	Regions      []string        `json:"regions"`
	Comparison   []string        `json:"comparison,omitempty"`
	Predictors   []PlanPredictor `json:"predictors,omitempty"`
	ITS          *PlanITS        `json:"its,omitempty"`
	Before       PlanWindow      `json:"before"`
	After        PlanWindow      `json:"after"`
	Hypotheses   []string        `json:"hypotheses"`
	RegisteredBy string          `json:"registeredBy"`
	Late         bool            `json:"late,omitempty"`
	PostData     string          `json:"postData,omitempty"`
}

// TypeAnalysisPlanRegistered is the type name of AnalysisPlanRegistered.
const TypeAnalysisPlanRegistered = "AnalysisPlanRegistered"

// EventType returns "AnalysisPlanRegistered".
func (AnalysisPlanRegistered) EventType() string { return TypeAnalysisPlanRegistered }

// PlanStream returns the stream of analysis plan id.
func PlanStream(id string) string { return "plan-" + id }

// CommandName returns "registerAnalysisPlan".
func (RegisterAnalysisPlan) CommandName() string { return "registerAnalysisPlan" }

// Validate checks what can be checked without the log.
func (c RegisterAnalysisPlan) Validate() error {
	if err := checkID("id", c.ID); err != nil {
		return err
	}
	if err := checkID("intervention", c.Intervention); err != nil {
		return err
	}
	if err := checkCode("indicator", c.Indicator); err != nil {
		return err
	}
	if c.Method == "AUTO" {
		return Invalidm("method", "domain.err.plan.auto", joinList(methodNames()))
	}
	if !slices.Contains(AnalysisMethods, c.Method) {
		return enumError("method", c.Method, AnalysisMethods)
	}
	if len(c.Regions) > 0 {
		if err := checkCodes("regions", c.Regions, 1); err != nil {
			return err
		}
	}
	if len(c.Comparison) > 0 {
		if err := checkCodes("comparison", c.Comparison, 1); err != nil {
			return err
		}
		for i, r := range c.Comparison {
			if slices.Contains(c.Regions, r) {
				return Invalidm("comparison["+itoa(i)+"]", "domain.err.plan.target", r)
			}
		}
	}
	if len(c.Predictors) > MaxDimensions*4 {
		return Invalidm("predictors", "error.list.max", MaxDimensions*4)
	}
	for i, p := range c.Predictors {
		f := "predictors[" + itoa(i) + "]"
		if err := checkCode(f+".indicator", p.Indicator); err != nil {
			return err
		}
		if p.From == "" {
			return Invalidm(f+".from", "error.required")
		}
		if p.To == "" {
			return Invalidm(f+".to", "error.required")
		}
	}
	if len(c.Predictors) > 0 && c.Method != AnalysisSyntheticControl {
		return Invalidm("predictors", "domain.err.plan.predictors", string(c.Method))
	}
	if o := c.ITS; o != nil {
		if c.Method != AnalysisITS {
			return Invalidm("its", "domain.err.plan.its", string(c.Method))
		}
		if o.Model != "" && !slices.Contains(PlanITSModels, o.Model) {
			return enumError("its.model", o.Model, PlanITSModels)
		}
		if o.Errors != "" && !slices.Contains(PlanITSErrorKinds, o.Errors) {
			return enumError("its.errors", o.Errors, PlanITSErrorKinds)
		}
		if o.Offset != "" {
			if err := checkCode("its.offset", o.Offset); err != nil {
				return err
			}
		}
		if o.Harmonics < 0 || o.Harmonics > maxHarmonics {
			return Invalidm("its.harmonics", "domain.err.range", i18n.Int(o.Harmonics), i18n.Int(0), i18n.Int(maxHarmonics))
		}
		if o.Interruptions != nil {
			if len(*o.Interruptions) > maxCycleItems {
				return Invalidm("its.interruptions", "error.list.max", maxCycleItems)
			}
			for i, id := range *o.Interruptions {
				if err := checkID("its.interruptions["+itoa(i)+"]", id); err != nil {
					return err
				}
				if id == c.Intervention {
					return Invalidm("its.interruptions["+itoa(i)+"]", "domain.err.plan.own", id)
				}
			}
		}
		if o.HACLag != nil && (*o.HACLag < 0 || *o.HACLag > 1000) {
			return Invalidm("its.hacLag", "domain.err.range", i18n.Int(*o.HACLag), i18n.Int(0), i18n.Int(1000))
		}
	}
	for _, w := range []struct {
		name string
		win  PlanWindow
	}{{"before", c.Before}, {"after", c.After}} {
		if w.win.From == "" {
			return Invalidm(w.name+".from", "domain.err.plan.window")
		}
		if w.win.To == "" {
			return Invalidm(w.name+".to", "domain.err.plan.window")
		}
	}
	if len(c.Hypotheses) == 0 {
		return Invalidm("hypotheses", "domain.err.plan.hypotheses")
	}
	if err := checkTexts("hypotheses", c.Hypotheses); err != nil {
		return err
	}
	return checkText("registeredBy", c.RegisteredBy, MaxNameLen, true)
}

func methodNames() []string {
	out := make([]string, len(AnalysisMethods))
	for i, m := range AnalysisMethods {
		out[i] = string(m)
	}
	return out
}

// plan is the aggregate of stream plan-{id}.
type plan struct {
	commandLog
	registered AnalysisPlanRegistered
	exists     bool
}

func newPlan() *plan { return &plan{} }

func (p *plan) apply(rec Recorded) error {
	if e, ok := rec.Event.(AnalysisPlanRegistered); ok {
		p.registered, p.exists = e, true
	}
	return nil
}

// interventionScope returns the current regions and start (or effective
// date) of the intervention id, if p may see it.
func (s *Service) interventionScope(ctx context.Context, p Principal, id string) (regions []string, start time.Time, found bool, err error) {
	if err = view(ctx, s, OperationStream(id), newOperation, func(o *operation, _ int64) {
		if o.exists && p.Sees(o.classifiedAs()) {
			found, start = true, o.start
			for r := range o.regions {
				regions = append(regions, r)
			}
			sort.Strings(regions)
		}
	}); err != nil || found {
		return regions, start, found, err
	}
	err = view(ctx, s, PolicyStream(id), newPolicy, func(pol *policy, _ int64) {
		if pol.exists {
			found, start = true, pol.effective
			regions = slices.Clone(pol.adopted.Jurisdictions)
		}
	})
	return regions, start, found, err
}

// parseWindow parses a plan window in granularity g.
func parseWindow(g Granularity, field string, w PlanWindow) (Period, Period, error) {
	from, err := ParsePeriod(g, w.From)
	if err != nil {
		return Period{}, Period{}, invalidBy(field+".from", err)
	}
	to, err := ParsePeriod(g, w.To)
	if err != nil {
		return Period{}, Period{}, invalidBy(field+".to", err)
	}
	if to.Index < from.Index {
		return Period{}, Period{}, Invalidm(field+".to", "domain.err.plan.window.order", w.To, field, w.From)
	}
	return from, to, nil
}

func (s *Service) registerAnalysisPlan(ctx context.Context, env Envelope, c RegisterAnalysisPlan) (Result, error) {
	regions, start, found, err := s.interventionScope(ctx, env.Principal, c.Intervention)
	if err != nil {
		return Result{}, err
	}
	if !found {
		return Result{}, Errorm(NotFound, "intervention", "domain.err.intervention.unknown", c.Intervention)
	}
	if len(c.Regions) > 0 {
		if err := s.lookupRegions(ctx, "regions", c.Regions); err != nil {
			return Result{}, err
		}
		regions = slices.Clone(c.Regions)
	}
	if err := s.lookupRegions(ctx, "comparison", c.Comparison); err != nil {
		return Result{}, err
	}
	var (
		exists   bool
		postData string
	)
	after := c.After
	var firstAfter Period
	var check error
	if err := view(ctx, s, IndicatorStream(c.Indicator), newIndicator, func(a *indicator, _ int64) {
		if !a.exists {
			return
		}
		exists = true
		g := a.def.Granularity
		var beforeTo Period
		if _, beforeTo, check = parseWindow(g, "before", c.Before); check != nil {
			return
		}
		var afterFrom Period
		if afterFrom, _, check = parseWindow(g, "after", after); check != nil {
			return
		}
		firstAfter = afterFrom
		if beforeTo.Index+1 != afterFrom.Index {
			check = Invalidm("after.from", "domain.err.plan.contiguous", after.From, c.Before.To)
			return
		}
		if first := FirstPeriodFrom(g, start); first.Index != afterFrom.Index {
			check = Invalidm("after.from", "domain.err.plan.firstperiod", after.From, c.Intervention, start.Format(time.DateOnly), first.String())
			return
		}
		postData = a.firstAtOrAfter(append(slices.Clone(regions), c.Comparison...), afterFrom)
	}); err != nil {
		return Result{}, err
	}
	if !exists {
		return Result{}, Errorm(NotFound, "indicator", "domain.err.indicator.undefined", c.Indicator)
	}
	if check != nil {
		return Result{}, check
	}
	if postData != "" && !c.Late {
		return Result{}, Errorm(Conflict, "after.from", "domain.err.plan.late", postData, c.Indicator, firstAfter.String())
	}
	for i, p := range c.Predictors {
		if err := s.checkPredictor(ctx, "predictors["+itoa(i)+"]", p); err != nil {
			return Result{}, err
		}
	}
	if c.ITS != nil && c.ITS.Interruptions != nil {
		for i, id := range *c.ITS.Interruptions {
			_, _, ok, err := s.interventionScope(ctx, env.Principal, id)
			if err != nil {
				return Result{}, err
			}
			if !ok {
				return Result{}, Errorm(NotFound, "its.interruptions["+itoa(i)+"]", "domain.err.intervention.unknown", id)
			}
		}
	}
	if c.ITS != nil && c.ITS.Offset != "" {
		if err := s.indicatorMustExist(ctx, "its.offset", c.ITS.Offset); err != nil {
			return Result{}, err
		}
	}
	return update(ctx, s, env, c, PlanStream(c.ID), newPlan, func(p *plan) ([]Event, error) {
		if p.exists {
			// A plan exists for the principal when its intervention and
			// every intervention its interruptions name do.
			ids := []string{p.registered.Intervention}
			if o := p.registered.ITS; o != nil && o.Interruptions != nil {
				ids = append(ids, *o.Interruptions...)
			}
			ok := true
			for _, id := range ids {
				seen, err := s.interventionVisible(ctx, env.Principal, id)
				if err != nil {
					return nil, err
				}
				ok = ok && seen
			}
			if !ok {
				return nil, Errorm(Conflict, "id", "domain.err.plan.idtaken", c.ID)
			}
			return nil, Errorm(Conflict, "id", "domain.err.plan.exists", c.ID)
		}
		return []Event{AnalysisPlanRegistered{ID: c.ID, Intervention: c.Intervention, Indicator: c.Indicator, Method: c.Method,
			Regions: regions, Comparison: c.Comparison, Predictors: c.Predictors, ITS: c.ITS, Before: c.Before, After: c.After,
			Hypotheses: c.Hypotheses, RegisteredBy: c.RegisteredBy, Late: c.Late, PostData: postData}}, nil
	})
}

// firstAtOrAfter returns "region period" of the first observation of one
// of regions (any breakdown) at or after period from, or "" when none is
// recorded.
func (a *indicator) firstAtOrAfter(regions []string, from Period) string {
	keys := make([]string, 0, len(a.series))
	for k := range a.series {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, r := range regions {
		for _, k := range keys {
			if k != r && !strings.HasPrefix(k, r+"|") {
				continue
			}
			if idx, ok := a.series[k].firstAtOrAfter(from.Index); ok {
				return r + " " + Period{G: from.G, Index: idx}.String()
			}
		}
	}
	return ""
}

// firstAtOrAfter returns the first set index >= idx.
func (s *periodSet) firstAtOrAfter(idx int32) (int32, bool) {
	for _, w := range s.words {
		if w.at < idx>>6 || w.bits == 0 {
			continue
		}
		for b := int32(0); b < 64; b++ {
			if i := w.at<<6 + b; i >= idx && w.bits&(1<<uint32(b)) != 0 {
				return i, true
			}
		}
	}
	return 0, false
}

// checkPredictor checks that a predictor's indicator exists and its
// window parses in its granularity.
func (s *Service) checkPredictor(ctx context.Context, field string, p PlanPredictor) error {
	var check error
	exists := false
	if err := view(ctx, s, IndicatorStream(p.Indicator), newIndicator, func(a *indicator, _ int64) {
		if a.exists {
			exists = true
			_, _, check = parseWindow(a.def.Granularity, field, PlanWindow{From: p.From, To: p.To})
		}
	}); err != nil {
		return err
	}
	if !exists {
		return Errorm(NotFound, field+".indicator", "domain.err.indicator.undefined", p.Indicator)
	}
	return check
}

// indicatorMustExist returns NotFound on field when code is not defined.
func (s *Service) indicatorMustExist(ctx context.Context, field, code string) error {
	exists := false
	if err := view(ctx, s, IndicatorStream(code), newIndicator, func(a *indicator, _ int64) { exists = a.exists }); err != nil {
		return err
	}
	if !exists {
		return Errorm(NotFound, field, "domain.err.indicator.undefined", code)
	}
	return nil
}
