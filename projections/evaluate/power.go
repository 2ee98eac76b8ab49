package evaluate

import (
	"context"
	"errors"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/supplyeval/supplyeval/domain"
	"github.com/supplyeval/supplyeval/domain/impact"
	"github.com/supplyeval/supplyeval/i18n"
	"github.com/supplyeval/supplyeval/projections"
)

// PowerQuery asks how large a change an evaluation could detect: the
// arguments of the GraphQL query power (issue 15).
type PowerQuery struct {
	// Indicator is the outcome indicator's code.
	Indicator string
	// Regions are the target regions (expanded like ImpactQuery.Regions;
	// several are combined into one series, summed for counts, averaged
	// otherwise).
	Regions []string
	// Start is the planned start, YYYY-MM-DD; the history is every period
	// before the first period that starts on or after it.
	Start string
	// Horizon is the number of periods the evaluation will cover.
	Horizon int
	// Method is ITS (the default when empty), BEFORE_AFTER, DID,
	// SYNTHETIC_CONTROL, or AUTO (the method impact.Choose, the impact
	// query's AUTO policy, picks for this history, its horizon and the
	// comparison regions; its Gaussian interrupted time series with AR(1)
	// errors).
	Method impact.Method
	// Comparison are the comparison regions of DID and SYNTHETIC_CONTROL
	// (expanded like Regions). Nil means the default pool the impact query
	// would use (see [Evaluator.ComparisonPool]), less the regions exposed
	// to other interventions expected to affect the indicator's family
	// over the history and the horizon.
	Comparison []string
	// Alpha is the significance level; nil means 0.05.
	Alpha *float64
	// AsOf reads the history as of a log position; 0 the latest.
	AsOf uint64

	// launch is set by LaunchPower: the intervention (left out of the
	// exposure check) and its regions (left out of the default pool).
	launch *Intervention
}

// PowerEstimate is a power analysis with the data it was computed from.
type PowerEstimate struct {
	*impact.PowerResult
	// Indicator is the resolved indicator.
	Indicator projections.Indicator
	// Regions are the target regions whose history was used.
	Regions []string
	// Method is the method simulated.
	Method impact.Method
	// Periods are the history's periods, in order.
	Periods []string
	// FirstPeriod is the first period under the planned intervention.
	FirstPeriod string
	// Aggregation is "sum" or "mean" when several regions were combined.
	Aggregation string
	// Comparison are the comparison regions whose history was used (DID,
	// SYNTHETIC_CONTROL); empty otherwise.
	Comparison []string
	// Choice says why AUTO chose the method; empty otherwise.
	Choice string
	// ChoiceWhy is Choice as messages of the catalogue.
	ChoiceWhy i18n.Text `json:"-"`
	// Notes are what the explanation says about the comparison regions
	// before the simulation's own words, in the catalogue's messages (see
	// [PowerEstimate.ExplanationIn]).
	Notes []PowerNote
	// AsOf is the log position the history was read at.
	AsOf uint64
}

// Power estimates, from the recorded history of q.Regions, the smallest
// change in q.Indicator that an evaluation by q.Method over q.Horizon
// periods from q.Start would detect with 80% power (see impact.Power),
// reading everything as of one log position. Changes are simulated in the
// indicator's desired direction (a decrease when it has none).
//
// DID and SYNTHETIC_CONTROL simulate the evaluation with the comparison
// regions' history over the same periods (see powerPanel).
//
// Bad arguments are *domain.Error values with code BadInput naming the
// field: horizon below 1, alpha outside (0, 1), an unknown method, an
// undefined or repeated region, regions without data, a start that is not
// a date or leaves too little history before it, comparison regions that
// are targets, lack data or are too few. An unknown indicator is
// NotFound. It is safe for concurrent use.
func (e *Evaluator) Power(ctx context.Context, q PowerQuery) (*PowerEstimate, error) {
	pos := q.AsOf
	if pos == 0 {
		pos = e.position()
	}
	if q.Horizon < 1 {
		return nil, domain.Invalidm("horizon", "evaluate.err.power.horizon", q.Horizon)
	}
	alpha := 0.05
	if q.Alpha != nil {
		alpha = *q.Alpha
		if !(alpha > 0 && alpha < 1) {
			return nil, domain.Invalidm("alpha", "evaluate.err.power.alpha", i18n.G(alpha, -1))
		}
	}
	in := impact.PowerInput{Horizon: q.Horizon, Alpha: alpha}
	method := q.Method
	switch method {
	case "", impact.MethodITS:
		method = impact.MethodITS
	case impact.MethodBeforeAfter, impact.MethodAuto, impact.MethodDiD, impact.MethodSyntheticControl:
	default:
		return nil, domain.Invalidm("method", "evaluate.err.power.method", q.Method)
	}
	ind, err := e.Indicator("indicator", q.Indicator, pos)
	if err != nil {
		return nil, err
	}
	if len(q.Regions) == 0 {
		return nil, domain.Invalidm("regions", "evaluate.err.power.noregion")
	}
	seen := map[string]bool{}
	for i, c := range q.Regions {
		f := "regions[" + strconv.Itoa(i) + "]"
		if _, ok := e.Catalog.RegionAt(c, pos); !ok {
			return nil, domain.Invalidm(f, "evaluate.err.region.undefined", c)
		}
		if seen[c] {
			return nil, domain.Invalidm(f, "evaluate.err.region.twice", c)
		}
		seen[c] = true
	}
	targets := e.ExpandWithData(ind.Code, q.Regions, pos)
	if len(targets) == 0 {
		return nil, domain.Invalidm("regions", "evaluate.err.regions.nodata", strings.Join(q.Regions, ", "), ind.Code)
	}
	date, err := domain.ParseDate(q.Start)
	if err != nil {
		return nil, parseError("start", err)
	}
	t0 := domain.FirstPeriodFrom(ind.Granularity, date)
	last := t0.Index - 1
	var pc *powerComparison
	if method == impact.MethodDiD || method == impact.MethodSyntheticControl || method == impact.MethodAuto {
		if pc, err = e.powerComparison(q, ind, targets, pos); err != nil {
			return nil, err
		}
	}
	p := e.Panel(ind.Code, ind.Granularity, append(slices.Clone(targets), pc.regions()...), nil, &last, pos)
	counts := ind.Scale.Counts()
	if len(p.Periods) == 0 {
		return nil, domain.Invalidm("start", "evaluate.err.power.nohistory",
			ind.Code, strings.Join(targets, ", "), t0, q.Start)
	}
	labels := make([]string, len(p.Periods))
	for i, per := range p.Periods {
		labels[i] = per.String()
	}
	s, agg := combined(targets, labels, func(r string) []float64 { return p.Values[r] }, counts)
	// The last complete stretch before the start.
	hi := len(s.Values) - 1
	for hi >= 0 && math.IsNaN(s.Values[hi]) {
		hi--
	}
	lo := hi
	for lo > 0 && !math.IsNaN(s.Values[lo-1]) {
		lo--
	}
	if hi < 0 {
		return nil, domain.Invalidm("start", "evaluate.err.power.nocomplete", ind.Code, strings.Join(targets, ", "), t0)
	}
	s = impact.Series{Unit: s.Unit, Periods: s.Periods[lo : hi+1], Values: s.Values[lo : hi+1]}
	in.Series = s
	var choice impact.Choice
	if method == impact.MethodAuto {
		if method, choice, err = pc.choose(&in, p, lo, hi, targets, q.Horizon, counts, t0); err != nil {
			return nil, err
		}
	}
	in.Method = method
	if method == impact.MethodITS && counts && in.Model == "" {
		in.Model = impact.QuasiPoisson
	}
	if method == impact.MethodDiD || method == impact.MethodSyntheticControl {
		if err := pc.fill(&in, p, lo, hi, targets, t0, q.Horizon); err != nil {
			return nil, err
		}
	}
	in.Increase = ind.DesiredDirection == domain.DirectionUp
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	r, err := impact.PowerContext(ctx, in)
	if err != nil {
		var de *domain.Error
		if errors.As(err, &de) && de.Field == "series" {
			c := *de
			c.Field = "start"
			c.Message = "from " + s.Periods[0] + " to " + s.Periods[len(s.Periods)-1] + ": " + c.Message
			if !c.Msg.IsZero() {
				c.Msg = i18n.M("evaluate.err.power.span", s.Periods[0], s.Periods[len(s.Periods)-1], c.Msg)
			}
			return nil, &c
		}
		if errors.As(err, &de) && de.Field == "treated" {
			c := *de
			c.Field = "regions"
			return nil, &c
		}
		return nil, err
	}
	est := &PowerEstimate{PowerResult: r, Indicator: ind, Regions: targets, Method: method, Periods: s.Periods, FirstPeriod: t0.String(), Aggregation: agg, AsOf: pos, Comparison: []string{}, Choice: choice.Reason, ChoiceWhy: choice.Why}
	if method == impact.MethodDiD || method == impact.MethodSyntheticControl {
		est.Comparison, est.Notes = pc.used, pc.notes
	}
	est.Explanation = est.ExplanationIn(i18n.EN)
	return est, nil
}

// OperationPower is the power of an operation's evaluation on one
// indicator, computed from what was recorded when it was launched.
type OperationPower struct {
	// Indicator is the indicator's code.
	Indicator string
	// Estimate is the power analysis; nil when Error is set.
	Estimate *PowerEstimate
	// Error says why there is none (too little history, say).
	Error string
}

// OperationPower computes, for every indicator with data in the regions
// operation id covered at its launch, the power of its default evaluation
// (see [LaunchPower]): later scope changes change neither the list nor
// the answers. It returns NotFound for an unknown intervention.
func (e *Evaluator) OperationPower(ctx context.Context, id string) ([]OperationPower, error) {
	iv, err := e.Intervention("id", id, 0)
	if err != nil {
		return nil, err
	}
	if at, err := e.Intervention("id", id, iv.Created); err == nil {
		iv = at // its regions as launched
	}
	var out []OperationPower
	for _, ind := range e.Catalog.IndicatorsAt("", iv.Created) {
		if len(e.ExpandWithData(ind.Code, iv.Regions, iv.Created)) == 0 {
			continue
		}
		est, err := e.LaunchPower(ctx, iv, ind.Code, impact.MethodAuto)
		op := OperationPower{Indicator: ind.Code, Estimate: est}
		if err != nil {
			var de *domain.Error
			if !errors.As(err, &de) || de.Code == domain.Internal {
				return nil, err
			}
			op.Error = de.Message
		}
		out = append(out, op)
	}
	return out, nil
}

// LaunchPower is the power of the evaluation of intervention iv on
// indicator by method over a year of periods from its start (see
// DefaultWindowPeriods), read as of the log position of its launch (its
// first event), with its regions then and, for DID and SYNTHETIC_CONTROL,
// the default comparison pool then (its regions and the regions exposed
// to other interventions left out): the answer never changes after the
// fact, whatever is recorded or revised later. Method AUTO (or empty) is
// the method the impact query's AUTO would choose on that history
// (impact.Choose): a synthetic control for one region with 19 comparison
// regions or more, a difference-in-differences for several regions, an
// interrupted time series otherwise.
func (e *Evaluator) LaunchPower(ctx context.Context, iv Intervention, indicator string, method impact.Method) (*PowerEstimate, error) {
	launch := iv.Created
	if at, err := e.Intervention("intervention", iv.ID, launch); err == nil {
		iv = at
	}
	ind, err := e.Indicator("indicator", indicator, launch)
	if err != nil {
		return nil, domain.Invalidm("indicator", "power.launch.undefined", indicator, iv.ID, launch)
	}
	if len(e.ExpandWithData(ind.Code, iv.Regions, launch)) == 0 {
		return nil, domain.Invalidm("indicator", "power.launch.nodata", ind.Code, strings.Join(iv.Regions, ", "), iv.ID, launch)
	}
	if method == "" {
		method = impact.MethodAuto
	}
	return e.Power(ctx, PowerQuery{Indicator: ind.Code, Regions: iv.Regions, Start: iv.Start, Horizon: DefaultWindowPeriods(ind.Granularity), Method: method, AsOf: launch, launch: &iv})
}
