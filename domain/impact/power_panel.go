package impact

import (
	"context"
	"math"
	"runtime"
	"sync"

	"gonum.org/v1/gonum/stat/distuv"

	"github.com/supplyeval/supplyeval/domain"
	"github.com/supplyeval/supplyeval/i18n"
)

// Power of the methods with comparison units (difference-in-differences
// and the synthetic control), by the same placebo in time as [Power]'s
// interrupted time series: every window of the history is evaluated once,
// by the real method, and the injected effect is then read off that one
// evaluation, because both methods are equivariant in it.
//
// An effect e injected into the treated units' periods from the pretended
// start moves each method's answer by exactly e and changes nothing else:
//
//   - Difference-in-differences (two-way fixed effects): the treatment
//     dummy D is a regressor, so the estimate of y + e D is delta + e (the
//     residualised D regressed on itself has slope 1) and the residuals,
//     hence the clustered standard error and its degrees of freedom, are
//     those of y. The t statistic of y + e D is (delta + e) / se.
//   - Synthetic control, conformal interval (what the evaluation reports
//     as low and high when the window has 1/alpha periods or more): the
//     test of the null theta on y + e D reduces the post periods by theta
//     and so is the test of theta - e on y; the set of effects not
//     rejected moves by e.
//   - Synthetic control, placebo interval (fewer periods, 20 units or
//     more): the donor weights are fitted on the pre-period, which the
//     injection does not touch, so the gaps after the start move by e, the
//     placebo fits (the treated unit left out of their pools) do not move,
//     and the interval mean(gap) -/+ sqrt(c^2 pre^2 - var(gap)) moves by e.
//
// So a window detects an injected decrease of size x exactly when x
// exceeds a threshold found from its one evaluation, and the power at any
// effect is the share of windows whose threshold it exceeds.
// TestPanelPowerEquivariance checks the thresholds against the methods run
// on injected windows.

// panelWindow is what one placebo window's evaluation says about every
// injected effect.
type panelWindow struct {
	// down and up are the sizes (positive) a decrease or an increase must
	// exceed to be detected; +Inf when none is (no interval).
	down, up float64
	// zero: significant, in either direction, with nothing injected.
	zero bool
}

// panelPower holds the windows' thresholds of a DiD or synthetic control
// power analysis.
type panelPower struct {
	windows []panelWindow
	// placebo is true when the synthetic control's intervals are the
	// placebo-test inversion (windows too short for conformal inference).
	placebo bool
	// comparison is the number of comparison units.
	comparison int
	// design is the DiD design shared by the balanced windows; nil when
	// none is balanced.
	design *didDesign
}

// didDesign builds the design of the balanced DiD windows (all alike) from
// the first of them.
func (pp *panelPower) didDesign(r *PowerResult) error {
	for w := 0; w < r.Windows; w++ {
		if !r.balanced(w) {
			continue
		}
		var all []Series
		for _, s := range r.in.treatedUnits() {
			all = append(all, r.cut(s, w))
		}
		for _, s := range r.in.Comparison {
			all = append(all, r.cut(s, w))
		}
		d, err := newDiDDesign(all, len(r.in.treatedUnits()), r.PrePeriods)
		if err != nil {
			return domain.Wrapm(err, "wrapm.placebo.window", r.in.Series.Periods[w])
		}
		pp.design = d
		return nil
	}
	return nil
}

// balanced reports whether every unit is observed in every period of
// window w.
func (r *PowerResult) balanced(w int) bool {
	L := r.PrePeriods + r.Horizon
	for _, ss := range [][]Series{r.in.treatedUnits(), r.in.Comparison} {
		for _, s := range ss {
			for _, v := range s.Values[w : w+L] {
				if math.IsNaN(v) {
					return false
				}
			}
		}
	}
	return true
}

// rate is the share of windows that detect the signed effect e (for e = 0,
// a change in either direction).
func (p *panelPower) rate(e float64) float64 {
	k := 0
	for _, w := range p.windows {
		switch {
		case e < 0:
			if -e > w.down {
				k++
			}
		case e > 0:
			if e > w.up {
				k++
			}
		default:
			if w.zero {
				k++
			}
		}
	}
	return float64(k) / float64(len(p.windows))
}

// checkPanelInput validates the comparison units (and, for DiD, the
// treated units) of a power analysis by DiD or synthetic control.
func checkPanelInput(in PowerInput) error {
	n := len(in.Series.Periods)
	switch in.Method {
	case MethodDiD:
		if len(in.Comparison) == 0 {
			return badInputm("comparison", "impact.err.power.did.nocomparison")
		}
		for _, s := range in.Treated {
			if err := checkSeries("treated", s, true); err != nil {
				return err
			}
			if len(s.Values) != n {
				return badInputm("treated", "impact.err.power.treated.length", s.Unit, len(s.Values), n)
			}
		}
	case MethodSyntheticControl:
		if len(in.Treated) > 1 {
			return badInputm("treated", "impact.err.power.synth.treated", len(in.Treated))
		}
		if len(in.Comparison) < minSynthDonors {
			return badInputm("comparison", "impact.err.synth.donors", minSynthDonors, len(in.Comparison))
		}
	}
	for _, s := range in.Comparison {
		if err := checkSeries("comparison", s, in.Method == MethodDiD); err != nil {
			return err
		}
		if err := checkMagnitude("comparison", s); err != nil {
			return err
		}
		if len(s.Values) != n {
			return badInputm("comparison", "impact.err.power.comparison.length", s.Unit, len(s.Values), n)
		}
	}
	return nil
}

// treatedUnits returns the treated units of a DiD power analysis: in.Treated,
// or the history alone.
func (in PowerInput) treatedUnits() []Series {
	if len(in.Treated) > 0 {
		return in.Treated
	}
	return []Series{in.Series}
}

// preparePanel evaluates every placebo window once, in parallel, and keeps
// its thresholds.
func (r *PowerResult) preparePanel(ctx context.Context) error {
	pp := &panelPower{windows: make([]panelWindow, r.Windows), comparison: len(r.in.Comparison)}
	L := r.PrePeriods + r.Horizon
	if r.in.Method == MethodSyntheticControl && !enoughPeriods(L, r.Alpha) {
		if len(r.in.Comparison)+1 < minPlaceboUnitsFor(r.Alpha) {
			return badInputm("comparison", "impact.err.power.synth.interval",
				int(math.Ceil(1/r.Alpha-1e-9)), i18n.G(r.Alpha, -1), L, r.PrePeriods, r.Horizon, minPlaceboUnitsFor(r.Alpha), len(r.in.Comparison)+1)
		}
		pp.placebo = true
	}
	if r.in.Method == MethodDiD {
		if err := pp.didDesign(r); err != nil {
			return err
		}
	}
	errs := make([]error, r.Windows)
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), r.Windows) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var y, work []float64
			if pp.design != nil {
				y, work = make([]float64, len(pp.design.xt)), make([]float64, len(pp.design.xt))
			}
			for w := range next {
				if errs[w] = ctx.Err(); errs[w] != nil {
					continue
				}
				if r.in.Method == MethodDiD {
					pp.windows[w], errs[w] = r.didWindow(w, pp.design, y, work)
				} else {
					pp.windows[w], errs[w] = r.synthWindow(ctx, w, pp.placebo)
				}
			}
		}()
	}
	for w := 0; w < r.Windows; w++ {
		next <- w
	}
	close(next)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return err
	}
	for w, err := range errs {
		if err != nil {
			return domain.Wrapm(err, "wrapm.placebo.window", r.in.Series.Periods[w])
		}
	}
	r.panel = pp
	return nil
}

// cut returns window w of series s (labels and values of the window's
// periods).
func (r *PowerResult) cut(s Series, w int) Series {
	L := r.PrePeriods + r.Horizon
	return Series{Unit: s.Unit, Periods: r.in.Series.Periods[w : w+L], Values: s.Values[w : w+L]}
}

// didWindow runs the difference-in-differences on window w: the estimate
// of y + e D is delta + e with the same standard error and degrees of
// freedom, so it is significant at Alpha in the direction of e when
// |delta + e| > c se, c the Student quantile.
func (r *PowerResult) didWindow(w int, d *didDesign, y, work []float64) (panelWindow, error) {
	never := panelWindow{down: math.Inf(1), up: math.Inf(1)}
	if d != nil && r.balanced(w) {
		L := r.PrePeriods + r.Horizon
		i := 0
		for _, ss := range [][]Series{r.in.treatedUnits(), r.in.Comparison} {
			for _, s := range ss {
				i += copy(y[i:], s.Values[w:w+L])
			}
		}
		coef, se, ok, err := d.estimate(y, work)
		if err != nil || !ok {
			return never, err
		}
		return r.tWindow(coef, se, d.df), nil
	}
	in := DiDInput{Start: r.PrePeriods}
	for _, s := range r.in.treatedUnits() {
		in.Treated = append(in.Treated, r.cut(s, w))
	}
	for _, s := range r.in.Comparison {
		in.Comparison = append(in.Comparison, r.cut(s, w))
	}
	res, err := DiD(in)
	if err != nil {
		return panelWindow{}, err
	}
	est := res.Effect
	df, ok := res.Diagnostic("degrees_of_freedom")
	if !est.HasPValue || !ok || !(est.SE > 0) {
		return never, nil
	}
	return r.tWindow(est.Value, est.SE, df.Value), nil
}

// tWindow is the window of a t test of coef with standard error se and df
// degrees of freedom at Alpha, two-sided: the estimate of y + e D is
// coef + e with the same se, significant when |coef + e| > c se.
func (r *PowerResult) tWindow(coef, se, df float64) panelWindow {
	c := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: df}.Quantile(1 - r.Alpha/2)
	h := c * se
	return panelWindow{down: h + coef, up: h - coef, zero: math.Abs(coef) > h}
}

// synthWindow finds the interval the synthetic control evaluation reports
// on window w with nothing injected: the conformal average set at Alpha
// (its ends to 1e-5 of the residuals' spread rather than 1e-9),
// or, for a window too short for it, the placebo-test inversion. An
// injected e moves it by e: a decrease x is detected when x > high, an
// increase when x > -low.
func (r *PowerResult) synthWindow(ctx context.Context, w int, placebo bool) (panelWindow, error) {
	never := panelWindow{down: math.Inf(1), up: math.Inf(1)}
	y := r.cut(r.in.Series, w)
	if !placebo {
		donors := make([][]float64, len(r.in.Comparison))
		for j, s := range r.in.Comparison {
			donors[j] = r.cut(s, w).Values
		}
		cr, err := ConformalContext(ctx, ConformalInput{Treated: y.Values, Donors: donors, Start: r.PrePeriods, Alpha: r.Alpha, AverageOnly: true, Tolerance: 1e-5})
		if err != nil {
			return panelWindow{}, err
		}
		a := cr.Average
		if !a.OK {
			return never, nil
		}
		return panelWindow{down: a.High, up: -a.Low, zero: a.Low > 0 || a.High < 0}, nil
	}
	lo, hi, ok, err := r.placeboInterval(ctx, w)
	if err != nil || !ok {
		return never, err
	}
	return panelWindow{down: hi, up: -lo, zero: lo > 0 || hi < 0}, nil
}

// minPlaceboUnitsFor is the number of units a placebo test needs for a
// p-value as small as alpha.
func minPlaceboUnitsFor(alpha float64) int { return int(math.Ceil(1/alpha - 1e-9)) }

// placeboInterval runs the synthetic control on window w as the
// evaluation does with its default predictors (the outcome in every period
// before the start, equal weights), with the placebo test (the treated
// unit left out of the placebos' pools), and inverts the test at Alpha:
// the constant effects a for which the treated unit's post/pre RMSPE ratio
// with gaps g - a is not above the m-th largest placebo ratio,
// m = floor(Alpha (J+1)). At Alpha = 0.05 this is the evaluation's own
// interval (SyntheticControl's placebo interval).
func (r *PowerResult) placeboInterval(ctx context.Context, w int) (lo, hi float64, ok bool, err error) {
	pre := r.PrePeriods
	y := r.cut(r.in.Series, w)
	in := SynthInput{Periods: y.Periods, Start: pre, Placebo: true, V: make([]float64, pre)}
	for t := 0; t < pre; t++ {
		in.PredictorNames = append(in.PredictorNames, y.Periods[t])
		in.V[t] = 1
	}
	in.Treated = SynthUnit{Unit: y.Unit, Outcome: y.Values, Predictors: y.Values[:pre]}
	for _, s := range r.in.Comparison {
		d := r.cut(s, w)
		in.Donors = append(in.Donors, SynthUnit{Unit: d.Unit, Outcome: d.Values, Predictors: d.Values[:pre]})
	}
	res, err := SyntheticControlContext(ctx, in)
	if err != nil {
		return 0, 0, false, err
	}
	pl := res.Placebo
	m := int(math.Floor(r.Alpha * float64(pl.Of)))
	if m < 1 {
		return 0, 0, false, nil
	}
	ratios := make([]float64, 0, len(pl.Fits)-1)
	for _, f := range pl.Fits[1:] {
		ratios = append(ratios, f.Ratio)
	}
	// The m-th largest placebo ratio.
	for i := 0; i < m; i++ {
		k := i
		for j := i + 1; j < len(ratios); j++ {
			if ratios[j] > ratios[k] {
				k = j
			}
		}
		ratios[i], ratios[k] = ratios[k], ratios[i]
	}
	c := ratios[m-1]
	var gaps []float64
	for _, cp := range res.Counterfactual[pre:] {
		gaps = append(gaps, cp.Observed-cp.Expected)
	}
	gm := mean(gaps)
	var v float64
	for _, g := range gaps {
		v += (g - gm) * (g - gm)
	}
	v /= float64(len(gaps))
	p := floorPre(res.PreRMSPE, y.Values)
	h2 := c*c*p*p - v
	if !(h2 >= 0) {
		return 0, 0, false, nil
	}
	h := math.Sqrt(h2)
	return gm - h, gm + h, true, nil
}

// treatedLevel is the mean of the treated units' observed values from
// period index from on: the level a DiD's effect (per treated unit and
// period) is measured against.
func treatedLevel(treated []Series, from int) float64 {
	var s float64
	k := 0
	for _, u := range treated {
		for _, v := range u.Values[from:] {
			if !math.IsNaN(v) {
				s += v
				k++
			}
		}
	}
	if k == 0 {
		return 0
	}
	return s / float64(k)
}

// observedValues are the treated units' observed values, pooled.
func observedValues(treated []Series) []float64 {
	var out []float64
	for _, u := range treated {
		for _, v := range u.Values {
			if !math.IsNaN(v) {
				out = append(out, v)
			}
		}
	}
	return out
}

// methodMsg names the simulated evaluation in the explanation (from the
// catalogue, i18n/messages_power.go).
func (r *PowerResult) methodMsg() i18n.Msg {
	switch {
	case r.in.Method == MethodBeforeAfter:
		return i18n.M("power.method.BEFORE_AFTER")
	case r.in.Method == MethodDiD:
		return i18n.M("power.method.DID", r.ComparisonUnits)
	case r.in.Method == MethodSyntheticControl && r.PlaceboInterval:
		return i18n.M("power.method.SYNTHETIC_CONTROL.placebo", r.ComparisonUnits)
	case r.in.Method == MethodSyntheticControl:
		return i18n.M("power.method.SYNTHETIC_CONTROL.conformal", r.ComparisonUnits)
	case r.model == QuasiPoisson:
		return i18n.M("power.method.ITS.QUASI_POISSON")
	}
	return i18n.M("power.method.ITS")
}
