package evaluate

import (
	"context"
	"errors"
	"math"
	"strconv"
	"strings"

	"github.com/supplyeval/supplyeval/domain"
	"github.com/supplyeval/supplyeval/domain/impact"
	"github.com/supplyeval/supplyeval/i18n"
	"github.com/supplyeval/supplyeval/projections"
)

// ImpactQuery asks what an intervention did to an indicator: the arguments
// of the GraphQL query impact (DESIGN.md section 5).
type ImpactQuery struct {
	// Intervention is the operation or policy change ID.
	Intervention string
	// Indicator is the outcome indicator's code.
	Indicator string
	// Method is one of the impact methods, or impact.MethodAuto.
	Method impact.Method
	// Regions are the target regions. Nil means the intervention's regions
	// (its scope or jurisdictions). Either way each region stands for
	// itself when it has a series of the indicator, and for its
	// descendants that do otherwise (see [Evaluator.ExpandWithData]).
	Regions []string
	// Comparison are the comparison regions (expanded like Regions). Nil
	// means the default pool (see [Evaluator.ComparisonPool]); a
	// non-nil empty list means none.
	Comparison []string
	// From and To bound the periods (inclusive), in the indicator's
	// granularity ("2015-01" for a monthly indicator); empty for open.
	From, To string
	// Predictors are the synthetic control's predictors; none means the
	// outcome in every period before the intervention, with equal weights.
	Predictors []Predictor
	// ITS holds the options of the interrupted time series.
	ITS ITSOptions
	// AsOf answers as of a log position; 0 means the position the read
	// models have reached when the query starts, which the estimate then
	// reports, so that it can be reproduced.
	AsOf uint64
}

// Predictor is one synthetic control predictor: the mean of an indicator
// over a window of its own periods, for each unit. The outcome indicator
// with From equal to To is a lagged outcome.
type Predictor struct {
	Indicator string
	From, To  string
}

// ITSOptions are the options of the interrupted time series.
type ITSOptions struct {
	// Model is impact.Gaussian or impact.QuasiPoisson. Empty means
	// quasi-Poisson when the outcome counts events or an Offset is given,
	// Gaussian otherwise.
	Model impact.Model
	// Offset is the code of an indicator of the outcome's granularity
	// (a population, say) whose logarithm enters the quasi-Poisson model
	// with coefficient 1, making the estimates ratios of rates.
	Offset string
	// Harmonics is the number of Fourier pairs for seasonality (season of
	// 12 months, 4 quarters, 52 weeks or 7 days); yearly data have none.
	Harmonics int
	// SlopeChange adds a change in trend at the intervention.
	SlopeChange bool
	// Errors is how the Gaussian model treats autocorrelated noise:
	// impact.NeweyWest (least squares with Newey-West errors; the default
	// when the model is asked for) or impact.AR1 (generalised least squares
	// with AR(1) noise, which AUTO uses). For the quasi-Poisson model,
	// impact.NeweyWest replaces the model-based standard errors by the
	// Newey-West sandwich (AUTO does so when the residuals are
	// autocorrelated, see impact.AutoRefit).
	Errors impact.ITSErrors
	// HACLag is the Newey-West truncation lag, as impact.ITSInput.HACLag:
	// 0 the default floor(4 (n/100)^(2/9)), impact.HACWhite none.
	HACLag int
	// Interruptions are other interventions fitted in the same series
	// (piecewise interrupted time series, method ITS only), each with its
	// own level (and slope) change. Nil means those found on the targets'
	// timeline within the window (see [Evaluator.interruptions]); a
	// non-nil empty list means none.
	Interruptions []string
}

// ImpactEstimate is an impact estimate with the data it was computed from,
// as read from the read models.
type ImpactEstimate struct {
	impact.Result
	// Intervention and Indicator are the resolved definitions.
	Intervention Intervention
	Indicator    projections.Indicator
	// Regions are the target regions whose data entered the estimate.
	Regions []string
	// Comparison are the comparison regions whose data entered the
	// estimate (none for before/after and interrupted time series).
	Comparison []string
	// Periods are the labels of the periods used, in order.
	Periods []string
	// FirstPeriod is the first period under the intervention (T0): the
	// first period that starts on or after its start or effective date.
	FirstPeriod string
	// AsOf is the log position the data were read at.
	AsOf uint64
	// Aggregation says how several target regions were combined into one
	// series ("sum" or "mean"); empty when they were not.
	Aggregation string
}

// Impact estimates what intervention q.Intervention did to indicator
// q.Indicator with method q.Method, reading every input as of one log
// position (q.AsOf, or the read models' position when it is 0), so that
// the same query at the same position gives the same answer.
//
// The steps: resolve the intervention and the indicator (NotFound when
// unknown); resolve the target regions and the comparison regions (an
// unknown region is NotFound; a comparison region that is also a target,
// or that the intervention covers, is BadInput); read the panel between
// From and To; keep the periods where every target region has data (for
// difference-in-differences, every period any region has: each target
// contributes the periods it is observed in); find
// the first period under the intervention (T0, the first period that
// starts on or after the start or effective date); run the method.
//
// Several target regions are combined into one series for the methods
// that take one (before/after and interrupted time series): summed when
// the outcome counts events (the quasi-Poisson model, or an indicator
// whose scale is COUNT), averaged otherwise (levels, rates and shares:
// prices, purities, spending); an offset is summed likewise. Difference-in-differences keeps
// them apart, and a synthetic control needs exactly one.
//
// Every case the data cannot support (too few periods before or after,
// no comparison regions, the intervention outside the data, a constant or
// all-zero series, a missing offset or predictor value) is a
// *domain.Error with code BadInput whose field names the argument to
// change and whose message says what is missing. No returned number is
// NaN or infinite. It is safe for concurrent use.
func (e *Evaluator) Impact(ctx context.Context, q ImpactQuery) (*ImpactEstimate, error) {
	w, err := e.resolveImpact(q)
	if err != nil {
		return nil, err
	}
	if err := e.readImpactPanel(w); err != nil {
		return nil, err
	}
	if err := w.choose(); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return e.runImpact(ctx, w)
}

// impactWork is one impact query on its way through [Evaluator.Impact]:
// resolved (the intervention, indicator, target and comparison regions),
// then read (the panel on the periods every target has), then chosen (the
// method), then run.
type impactWork struct {
	q   ImpactQuery
	pos uint64
	iv  Intervention
	ind projections.Indicator
	// from and to bound the periods read (nil: open).
	from, to *int32
	// targets and comparison are the regions, expanded to those with data;
	// covered are the intervention's own regions so expanded.
	targets, comparison, covered []string
	defaultPool                  bool

	// The panel, from readImpactPanel.
	axis   []domain.Period
	labels []string
	rows   func(region string) []float64
	start  int // index of t0 in axis
	t0     domain.Period
	counts bool
	notes  []i18n.Msg
	est    *ImpactEstimate

	// The method, from choose.
	method impact.Method
	choice impact.Choice
}

// resolveImpact checks the method and resolves the intervention, the
// indicator, the period bounds, and the target and comparison regions, all
// as of the query's position.
func (e *Evaluator) resolveImpact(q ImpactQuery) (*impactWork, error) {
	w := &impactWork{q: q, pos: q.AsOf}
	if w.pos == 0 {
		w.pos = e.position()
	}
	switch q.Method {
	case impact.MethodBeforeAfter, impact.MethodITS, impact.MethodDiD, impact.MethodSyntheticControl, impact.MethodAuto:
	default:
		return nil, domain.Invalidm("method", "evaluate.err.impact.method", q.Method)
	}
	if len(q.ITS.Interruptions) > 0 && q.Method != impact.MethodITS {
		return nil, domain.Invalidm("its.interruptions", "evaluate.err.interruptions.its")
	}
	var err error
	if w.iv, err = e.Intervention("intervention", q.Intervention, w.pos); err != nil {
		return nil, err
	}
	if w.ind, err = e.Indicator("indicator", q.Indicator, w.pos); err != nil {
		return nil, err
	}
	if w.from, w.to, err = PeriodBounds(w.ind.Granularity, q.From, q.To); err != nil {
		return nil, err
	}
	if err := e.resolveTargets(w); err != nil {
		return nil, err
	}
	return w, e.resolveComparison(w)
}

// resolveTargets sets the target regions: those asked for, or the
// intervention's own, expanded to regions with data.
func (e *Evaluator) resolveTargets(w *impactWork) error {
	w.covered = e.ExpandWithData(w.ind.Code, w.iv.Regions, w.pos)
	if w.q.Regions != nil {
		var err error
		w.targets, err = e.expandArg("regions", w.ind.Code, w.q.Regions, w.pos)
		return err
	}
	w.targets = w.covered
	if len(w.targets) == 0 {
		return domain.Invalidm("regions", "evaluate.err.targets.nodata",
			strings.Join(w.iv.Regions, ", "), w.ind.Code)
	}
	return nil
}

// resolveComparison sets the comparison regions: the default pool, or
// those asked for, none of which may be a target or covered by the
// intervention.
func (e *Evaluator) resolveComparison(w *impactWork) error {
	w.defaultPool = w.q.Comparison == nil
	if w.defaultPool {
		w.comparison = e.ComparisonPool(w.ind.Code, w.targets, w.covered, w.pos)
		return nil
	}
	var err error
	if w.comparison, err = e.expandArg("comparison", w.ind.Code, w.q.Comparison, w.pos); err != nil {
		return err
	}
	tset, cset := setOf(w.targets), setOf(w.covered)
	for i, c := range w.q.Comparison {
		for _, x := range e.ExpandWithData(w.ind.Code, []string{c}, w.pos) {
			switch {
			case tset[x]:
				return domain.Invalidm("comparison["+strconv.Itoa(i)+"]", "evaluate.err.comparison.target", x)
			case cset[x]:
				return domain.Invalidm("comparison["+strconv.Itoa(i)+"]", "evaluate.err.comparison.covered", x, w.iv.ID)
			}
		}
	}
	return nil
}

// readImpactPanel reads the panel, trims it to the periods where every
// target has data (for difference-in-differences, every period any region
// has), finds the first period under the intervention (T0), and drops
// default comparison regions without data in that window.
func (e *Evaluator) readImpactPanel(w *impactWork) error {
	ind := w.ind
	all := append(append(make([]string, 0, len(w.targets)+len(w.comparison)), w.targets...), w.comparison...)
	p := e.Panel(ind.Code, ind.Granularity, all, w.from, w.to, w.pos)
	keep, err := w.periodsUsed(p, all)
	if err != nil {
		return err
	}
	if err := w.setAxis(p, keep); err != nil {
		return err
	}
	if len(keep) == len(p.Periods) || keep[len(keep)-1]-keep[0]+1 == len(keep) {
		lo, hi := keep[0], keep[len(keep)-1]
		w.rows = func(r string) []float64 { return p.Values[r][lo : hi+1] }
	} else {
		sel := make(map[string][]float64, len(all))
		for _, r := range all {
			v := make([]float64, len(keep))
			for j, i := range keep {
				v[j] = p.Values[r][i]
			}
			sel[r] = v
		}
		w.rows = func(r string) []float64 { return sel[r] }
	}
	w.est = &ImpactEstimate{Intervention: w.iv, Indicator: ind, Regions: w.targets, Periods: w.labels, FirstPeriod: w.t0.String(), AsOf: w.pos}
	w.counts = w.q.ITS.Model == impact.QuasiPoisson || ind.Scale.Counts()
	if o := scaleOriginMsg(ind); !o.IsZero() {
		w.notes = append(w.notes, o)
	}
	e.excludeExposed(w)
	return w.dropEmptyComparison()
}

// periodsUsed returns the indexes of the panel's periods the estimate
// uses: those every target has data in (the span from the latest first
// observation to the earliest last one); for difference-in-differences,
// whose periods need not be consecutive and whose regions may each have
// their own, every period in which any region has data.
func (w *impactWork) periodsUsed(p Panel, all []string) ([]int, error) {
	ind, q := w.ind, w.q
	lo, hi := 0, len(p.Periods)-1
	for _, r := range w.targets {
		first, last := observedSpan(p.Values[r])
		if first < 0 {
			return nil, domain.Invalidm("regions", "evaluate.err.region.nodata.range", r, ind.Code, rangeMsg(q.From, q.To), w.pos)
		}
		lo, hi = max(lo, first), min(hi, last)
	}
	did := q.Method == impact.MethodDiD
	if did {
		lo, hi = 0, len(p.Periods)-1
	}
	if lo > hi {
		return nil, domain.Invalidm("regions", "evaluate.err.targets.nooverlap", ind.Code, rangeMsg(q.From, q.To))
	}
	keep := make([]int, 0, hi-lo+1)
	for i := lo; i <= hi; i++ {
		if !did || anyObserved(p, all, i) {
			keep = append(keep, i)
		}
	}
	return keep, nil
}

// setAxis sets the periods used (keep, indexes into p.Periods), their
// labels, T0 and its index, which must leave periods on both sides.
func (w *impactWork) setAxis(p Panel, keep []int) error {
	w.t0 = domain.FirstPeriodFrom(w.ind.Granularity, w.iv.Date)
	w.axis = make([]domain.Period, len(keep))
	w.labels = make([]string, len(keep))
	w.start = len(keep)
	for j, i := range keep {
		w.axis[j], w.labels[j] = p.Periods[i], p.Periods[i].String()
		if p.Periods[i].Index >= w.t0.Index && j < w.start {
			w.start = j
		}
	}
	switch {
	case w.start <= 0:
		return domain.Invalidm("intervention", "evaluate.err.start.nobefore",
			w.iv.ID, w.t0, w.iv.Start, w.ind.Code, strings.Join(w.targets, ", "), w.labels[0])
	case w.start >= len(w.axis):
		return domain.Invalidm("intervention", "evaluate.err.start.noafter",
			w.iv.ID, w.t0, w.iv.Start, w.ind.Code, strings.Join(w.targets, ", "), w.labels[len(w.labels)-1])
	}
	return nil
}

// dropEmptyComparison handles comparison regions with no data at all in
// the window, which carry nothing: one asked for is an error; one of the
// default pool is left out, and the explanation says so.
func (w *impactWork) dropEmptyComparison() error {
	var kept, empty []string
	for _, c := range w.comparison {
		if first, _ := observedSpan(w.rows(c)); first >= 0 {
			kept = append(kept, c)
			continue
		}
		if !w.defaultPool {
			return domain.Invalidm("comparison", "evaluate.err.comparison.nodata", c, w.ind.Code, w.labels[0], w.labels[len(w.labels)-1])
		}
		empty = append(empty, c)
	}
	if len(empty) > 0 {
		w.notes = append(w.notes, i18n.M("evaluate.impact.nodata", w.ind.Code, w.labels[0], w.labels[len(w.labels)-1], listMsg(empty)))
	}
	w.comparison = kept
	return nil
}

// anyObserved reports whether any of regions has a value at period i of p.
func anyObserved(p Panel, regions []string, i int) bool {
	for _, r := range regions {
		if !math.IsNaN(p.Values[r][i]) {
			return true
		}
	}
	return false
}

// choose sets the method: the one asked for, or AUTO's (impact.Choose,
// the one policy).
func (w *impactWork) choose() error {
	w.method = w.q.Method
	if w.method != impact.MethodAuto {
		return nil
	}
	var err error
	w.choice, err = impact.Choose(impact.Availability{Periods: len(w.axis), Start: w.start, TreatedUnits: len(w.targets),
		ComparisonUnits: len(w.comparison), Counts: w.counts})
	w.method = w.choice.Method
	return argError(err)
}

// runImpact runs the chosen method and completes the estimate.
func (e *Evaluator) runImpact(ctx context.Context, w *impactWork) (*ImpactEstimate, error) {
	var (
		r   *impact.Result
		err error
	)
	switch w.method {
	case impact.MethodBeforeAfter, impact.MethodITS:
		r, err = e.runOneSeries(w)
	case impact.MethodDiD:
		r, err = runDiD(w)
	case impact.MethodSyntheticControl:
		var dropped []any
		r, dropped, err = e.synth(ctx, w.q, w.targets, w.comparison, w.defaultPool, w.labels, w.rows, w.start, w.t0, w.pos)
		if len(dropped) > 0 {
			w.notes = append(w.notes, i18n.M("evaluate.impact.dropped", i18n.List{Items: dropped, Sep: "list.semicolon"}))
		}
	}
	if err != nil {
		return nil, err
	}
	if w.choice.Reason != "" {
		r.SetChoice(w.choice.Why)
		r.Params = append(r.Params, impact.Param{Name: "auto_choice", Value: string(w.choice.Method)})
	}
	est := w.est
	est.Result = *r
	est.Comparison = r.Inputs.Comparison
	if est.Comparison == nil {
		est.Comparison = []string{}
	}
	est.SetExplanation(append(e.context(est, w.notes), r.ExplanationMsgs...))
	return est, nil
}

// runOneSeries runs before/after or the interrupted time series on the
// targets combined into one series, with AUTO's check of the latter.
func (e *Evaluator) runOneSeries(w *impactWork) (*impact.Result, error) {
	s, agg := combined(w.targets, w.labels, w.rows, w.counts)
	w.est.Aggregation = agg
	if w.method == impact.MethodBeforeAfter {
		r, err := impact.BeforeAfter(impact.BeforeAfterInput{Series: s, Start: w.start})
		return r, argError(err)
	}
	opts := w.q.ITS
	if w.choice.Model != "" && opts.Model == "" {
		opts.Model = w.choice.Model
	}
	if w.choice.Model == impact.Gaussian && opts.Errors == "" {
		opts.Errors = impact.AR1
	}
	if err := complete(s, w.targets, w.rows); err != nil {
		return nil, argError(err)
	}
	extra, err := e.interruptions(w)
	if err != nil {
		return nil, err
	}
	if len(extra) < 2 {
		extra = nil
	}
	r, err := e.its(s, w.start, w.targets, w.axis, w.ind.Granularity, w.counts, opts, w.pos, extra)
	if err != nil {
		return nil, argError(err)
	}
	if errs, why := impact.AutoRefit(w.choice, r, opts.Errors); errs != "" {
		opts.Errors = errs
		if r, err = e.its(s, w.start, w.targets, w.axis, w.ind.Granularity, w.counts, opts, w.pos, extra); err != nil {
			return nil, argError(err)
		}
		w.choice.Why = append(append(i18n.Text(nil), w.choice.Why...), why)
		w.choice.Reason = w.choice.Why.In(i18n.EN)
	}
	if err := impact.CheckAuto(w.choice, r, opts.Errors); err != nil {
		var de *domain.Error
		if errors.As(err, &de) { // in the words of this API: units are regions
			return nil, rewrap("method", de, strings.ReplaceAll(de.Message, "comparison units", "comparison regions"))
		}
		return nil, err
	}
	return r, nil
}

// runDiD runs the difference-in-differences with each target and
// comparison region as a unit.
func runDiD(w *impactWork) (*impact.Result, error) {
	in := impact.DiDInput{Start: w.start}
	for _, t := range w.targets {
		in.Treated = append(in.Treated, impact.Series{Unit: t, Periods: w.labels, Values: w.rows(t)})
	}
	for _, c := range w.comparison {
		in.Comparison = append(in.Comparison, impact.Series{Unit: c, Periods: w.labels, Values: w.rows(c)})
	}
	r, err := impact.DiD(in)
	return r, argError(err)
}

// position returns the position all three read models have reached.
func (e *Evaluator) position() uint64 {
	return min(e.Catalog.Checkpoint(), e.Series.Checkpoint(), e.Interventions.Checkpoint())
}

// expandArg checks a list argument of region codes (defined, no
// duplicates, not empty) and expands it to regions with data.
func (e *Evaluator) expandArg(field, indicator string, codes []string, asOf uint64) ([]string, error) {
	if len(codes) == 0 && field == "regions" {
		return nil, domain.Invalidm(field, "evaluate.err.regions.empty")
	}
	if err := e.CheckRegions(field, codes, asOf); err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	for i, c := range codes {
		if seen[c] {
			return nil, domain.Invalidm(field+"["+strconv.Itoa(i)+"]", "evaluate.err.region.twice", c)
		}
		seen[c] = true
	}
	out := e.ExpandWithData(indicator, codes, asOf)
	if len(out) == 0 && len(codes) > 0 {
		return nil, domain.Invalidm(field, "evaluate.err.regions.nodata", strings.Join(codes, ", "), indicator)
	}
	if out == nil {
		out = []string{}
	}
	return out, nil
}

// PeriodBounds parses an inclusive range of periods of granularity g,
// either end empty for open. It returns the periods' indexes, or a
// BadInput error naming "from" or "to".
func PeriodBounds(g domain.Granularity, fromS, toS string) (from, to *int32, err error) {
	parse := func(field, s string) (*int32, error) {
		if s == "" {
			return nil, nil
		}
		p, err := domain.ParsePeriod(g, s)
		if err != nil {
			return nil, parseError(field, err)
		}
		return &p.Index, nil
	}
	if from, err = parse("from", fromS); err != nil {
		return nil, nil, err
	}
	if to, err = parse("to", toS); err != nil {
		return nil, nil, err
	}
	if from != nil && to != nil && *from > *to {
		return nil, nil, domain.Invalidm("to", "evaluate.err.to.before", toS, fromS)
	}
	return from, to, nil
}

// observedSpan returns the first and last index of a non-NaN value, or
// -1, -1.
func observedSpan(v []float64) (first, last int) {
	first, last = -1, -1
	for i, x := range v {
		if !math.IsNaN(x) {
			if first < 0 {
				first = i
			}
			last = i
		}
	}
	return first, last
}

// combined returns the targets as one series: the region's own for one,
// the sum (counts) or mean (levels) otherwise. A period where some but not
// all targets have a value is missing in the combination.
func combined(targets, labels []string, rows func(string) []float64, counts bool) (impact.Series, string) {
	if len(targets) == 1 {
		return impact.Series{Unit: targets[0], Periods: labels, Values: rows(targets[0])}, ""
	}
	agg := "mean"
	if counts {
		agg = "sum"
	}
	v := make([]float64, len(labels))
	for _, t := range targets {
		for i, x := range rows(t) {
			v[i] += x // NaN propagates: the combination is missing there
		}
	}
	if !counts {
		for i := range v {
			v[i] /= float64(len(targets))
		}
	}
	return impact.Series{Unit: strings.Join(targets, "+"), Periods: labels, Values: v}, agg
}

// complete returns a BadInput error naming the first period where a
// target has no value: an interrupted time series needs every period.
func complete(s impact.Series, targets []string, rows func(string) []float64) error {
	for i, v := range s.Values {
		if !math.IsNaN(v) {
			continue
		}
		var missing []string
		for _, t := range targets {
			if math.IsNaN(rows(t)[i]) {
				missing = append(missing, t)
			}
		}
		return domain.Invalidm("regions", "evaluate.err.its.missing",
			andList(missing), s.Periods[i])
	}
	return nil
}

// seasonLength is the number of periods of a year in granularity g, for
// the Fourier terms; 0 for yearly data.
func seasonLength(g domain.Granularity) int {
	switch g {
	case domain.Quarter:
		return 4
	case domain.Month:
		return 12
	case domain.Week:
		return 52
	case domain.Day:
		return 7
	}
	return 0
}

// its runs the interrupted time series on the combined target series;
// with a list of interruptions (the intervention at start first), the
// piecewise one.
func (e *Evaluator) its(s impact.Series, start int, targets []string, axis []domain.Period, g domain.Granularity, counts bool, o ITSOptions, pos uint64, extra []impact.Interruption) (*impact.Result, error) {
	model := o.Model
	switch model {
	case "":
		model = impact.Gaussian
		if counts || o.Offset != "" {
			model = impact.QuasiPoisson
		}
	case impact.Gaussian, impact.QuasiPoisson:
	default:
		return nil, domain.Invalidm("its.model", "evaluate.err.its.model", model)
	}
	in := impact.ITSInput{Series: s, Start: start, Model: model, Harmonics: o.Harmonics, SlopeChange: o.SlopeChange, Errors: o.Errors, HACLag: o.HACLag}
	if o.Harmonics != 0 {
		if in.SeasonLength = seasonLength(g); in.SeasonLength == 0 {
			return nil, domain.Invalidm("its.harmonics", "evaluate.err.its.harmonics", granularityWord(g))
		}
	}
	if o.Offset != "" {
		if model != impact.QuasiPoisson {
			return nil, domain.Invalidm("its.offset", "evaluate.err.its.offset.model")
		}
		off, err := e.offset(o.Offset, g, targets, axis, pos)
		if err != nil {
			return nil, err
		}
		in.Offset = off
	}
	if len(extra) > 0 {
		return impact.PiecewiseITS(in, extra)
	}
	return impact.ITS(in)
}

// offset reads the offset indicator for the targets over axis and sums it.
func (e *Evaluator) offset(code string, g domain.Granularity, targets []string, axis []domain.Period, pos uint64) ([]float64, error) {
	ind, err := e.Indicator("its.offset", code, pos)
	if err != nil {
		return nil, err
	}
	if ind.Granularity != g {
		return nil, domain.Invalidm("its.offset", "evaluate.err.its.offset.granularity", code, ind.Granularity, g)
	}
	lo, hi := axis[0].Index, axis[len(axis)-1].Index
	p := e.Panel(code, g, targets, &lo, &hi, pos)
	out := make([]float64, len(axis))
	for _, t := range targets {
		row := p.Values[t]
		for i, per := range axis {
			j := p.Index(per)
			if j < 0 || math.IsNaN(row[j]) {
				return nil, domain.Invalidm("its.offset", "evaluate.err.its.offset.missing", code, t, per)
			}
			if !(row[j] > 0) {
				return nil, domain.Invalidm("its.offset", "evaluate.err.its.offset.positive", code, t, i18n.G(row[j], -1), per)
			}
			out[i] += row[j]
		}
	}
	return out, nil
}

// synth builds and runs the synthetic control. Donors of the default pool
// without complete data are left out and listed in dropped; an explicit
// comparison region without them is an error.
func (e *Evaluator) synth(ctx context.Context, q ImpactQuery, targets, comparison []string, defaultPool bool, labels []string, rows func(string) []float64,
	start int, t0 domain.Period, pos uint64) (*impact.Result, []any, error) {
	if len(targets) != 1 {
		return nil, nil, domain.Invalidm("regions", "evaluate.err.synth.onetarget",
			len(targets), strings.Join(targets, ", "))
	}
	type pred struct {
		name     string
		ind      string
		from, to int32
	}
	var preds []pred
	for i, pr := range q.Predictors {
		field := "predictors[" + strconv.Itoa(i) + "]"
		ind, err := e.Indicator(field+".indicator", pr.Indicator, pos)
		if err != nil {
			return nil, nil, err
		}
		f, err := domain.ParsePeriod(ind.Granularity, pr.From)
		if err != nil {
			return nil, nil, parseError(field+".from", err)
		}
		t, err := domain.ParsePeriod(ind.Granularity, pr.To)
		if err != nil {
			return nil, nil, parseError(field+".to", err)
		}
		if t.Index < f.Index {
			return nil, nil, domain.Invalidm(field+".to", "evaluate.err.to.before", pr.To, pr.From)
		}
		if t.Add(1).Start().After(t0.Start()) {
			return nil, nil, domain.Invalidm(field+".to", "evaluate.err.predictor.late", t0, pr.To)
		}
		name := pr.Indicator + " " + pr.From
		if pr.To != pr.From {
			name += " to " + pr.To
		}
		preds = append(preds, pred{name: name, ind: ind.Code, from: f.Index, to: t.Index})
	}
	unit := func(r string) (impact.SynthUnit, i18n.Msg) {
		u := impact.SynthUnit{Unit: r, Outcome: rows(r)}
		for i, v := range u.Outcome {
			if math.IsNaN(v) {
				return u, i18n.M("evaluate.synth.novalue", r, q.Indicator, labels[i])
			}
		}
		for _, pr := range preds {
			pts := e.points(pr.ind, r, &pr.from, &pr.to, pos)
			if len(pts) == 0 {
				return u, i18n.M("evaluate.synth.nopredictor", r, pr.name)
			}
			var s float64
			for _, pt := range pts {
				s += pt.Value
			}
			u.Predictors = append(u.Predictors, s/float64(len(pts)))
		}
		if preds == nil {
			u.Predictors = u.Outcome[:start]
		}
		return u, i18n.Msg{}
	}
	in := impact.SynthInput{Periods: labels, Start: start, Placebo: true, Conformal: true}
	for _, pr := range preds {
		in.PredictorNames = append(in.PredictorNames, pr.name)
	}
	if preds == nil {
		in.V = make([]float64, start)
		for t := 0; t < start; t++ {
			in.PredictorNames = append(in.PredictorNames, q.Indicator+" "+labels[t])
			in.V[t] = 1
		}
	}
	var why i18n.Msg
	if in.Treated, why = unit(targets[0]); !why.IsZero() {
		field := "regions"
		if why.Key == "evaluate.synth.nopredictor" {
			field = "predictors"
		}
		return nil, nil, domain.Invalidm(field, "evaluate.synth.treated.incomplete", why)
	}
	var dropped []any
	for i, c := range comparison {
		u, why := unit(c)
		if !why.IsZero() {
			if !defaultPool {
				return nil, nil, domain.Invalidm("comparison["+strconv.Itoa(i)+"]", "evaluate.synth.comparison.incomplete", why)
			}
			dropped = append(dropped, why)
			continue
		}
		in.Donors = append(in.Donors, u)
	}
	r, err := impact.SyntheticControlContext(ctx, in)
	if err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil {
			return nil, nil, ctxErr
		}
		return nil, nil, argError(err)
	}
	if preds == nil {
		r.Params = append(r.Params, impact.MsgParam("predictors", "impparam.synth.predictors.default"))
	}
	return r, dropped, nil
}

// argError renames the field of a method's error to the argument of the
// query a caller would change.
func argError(err error) error {
	var de *domain.Error
	if !errors.As(err, &de) {
		return err
	}
	c := *de
	switch c.Field {
	case "start", "":
		c.Field = "intervention"
	case "interruptions":
		c.Field = "its.interruptions"
	case "series", "treated":
		c.Field = "regions"
	case "donors", "comparison":
		c.Field = "comparison"
	case "predictors", "window", "v", "fit_periods":
		c.Field = "predictors"
	case "offset", "model", "harmonics", "hac_lag", "errors":
		c.Field = "its." + c.Field
	default:
		if strings.HasPrefix(c.Field, "donors[") {
			c.Field = "comparison"
		}
	}
	return &c
}

// context opens the explanation with what was estimated from which data.
func (e *Evaluator) context(est *ImpactEstimate, notes []i18n.Msg) i18n.Text {
	name := est.Indicator.Name
	if name == "" {
		name = est.Indicator.Code
	}
	t := i18n.Text{i18n.M("evaluate.impact.context", name, est.Indicator.Code, listMsg(est.Regions), est.Periods[0], est.Periods[len(est.Periods)-1], est.AsOf,
		kindWord(est.Intervention.Kind), quoted(est.Intervention.Title), est.Intervention.ID, est.FirstPeriod)}
	switch est.Aggregation {
	case "sum":
		t = append(t, i18n.M("evaluate.impact.sum", len(est.Regions)))
	case "mean":
		t = append(t, i18n.M("evaluate.impact.mean", len(est.Regions), scaleMsg(est.Indicator.Scale)))
	}
	t = append(t, notes...)
	if est.Choice != "" {
		t = append(t, i18n.M("evaluate.impact.chosen", est.ChoiceMsgs))
	}
	return t
}

// listText is listMsg in English.
func listText(codes []string) string { return listMsg(codes).Localize(i18n.EN) }

// listMsg lists region codes, the first six and how many more.
func listMsg(codes []string) i18n.List {
	l := i18n.Strings(codes)
	l.Show, l.More = 6, "impact.more"
	return l
}
