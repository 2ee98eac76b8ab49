package impact

import (
	"math"

	"github.com/supplyeval/supplyeval/i18n"
)

// Availability describes the data at hand, for [Choose].
type Availability struct {
	// Periods is the length of the period axis.
	Periods int
	// Start is the index of the first period under the intervention.
	Start int
	// TreatedUnits counts the treated units.
	TreatedUnits int
	// ComparisonUnits counts the comparison units with data.
	ComparisonUnits int
	// Counts is true when the outcome is a count of events (non-negative),
	// for which the quasi-Poisson model suits.
	Counts bool
}

// Choice is the method [Choose] picked and why.
type Choice struct {
	// Method is the chosen method.
	Method Method
	// Model is the ITS model when Method is MethodITS.
	Model Model
	// Reason says in words why this method fits the data: the English
	// rendering of Why.
	Reason string
	// Why is Reason as messages of the catalogue.
	Why i18n.Text `json:"-"`
}

// Thresholds of [Choose].
const (
	// autoSynthDonors: with J donors the placebo p-value is at least
	// 1/(J+1); 19 donors are needed for it to reach 0.05.
	autoSynthDonors = 19
	// autoSynthPre: a synthetic control needs a long pre-intervention
	// period to be credible (ADH 2010 use 19 years).
	autoSynthPre = 10
	// autoITSPre and autoITSPost: enough points to estimate a trend before
	// and an effect after.
	autoITSPre  = 8
	autoITSPost = 3
	// autoSynthSmallPre: a synthetic control without an interval (fewer
	// than autoSynthDonors donors) still needs a few periods to fit.
	autoSynthSmallPre = 3
)

// AutoLjungBox is the level below which AUTO refuses a Gaussian
// interrupted time series whose residuals (innovations, with AR(1)
// errors) fail the Ljung-Box test, its intervals being too narrow, and
// gives a quasi-Poisson one Newey-West standard errors instead of its
// model-based ones.
const AutoLjungBox = 0.01

// Choose is the AUTO policy, the one place it is decided: it picks a
// method whose 95% interval can be trusted on the data at hand, or says
// why none can be. It avoids the methods known to give intervals that are
// too narrow:
//
//   - Difference-in-differences is never chosen for a single treated
//     unit: standard errors clustered by unit rest on the number of
//     treated units, and with one they are far too small (Conley & Taber
//     2011, Rev Econ Stat 93(1):113-125); on the demo world its 95%
//     intervals hold the truth about half the time.
//   - For counts, an interrupted time series with the quasi-Poisson model
//     is preferred to difference-in-differences: units of different
//     sizes whose counts grow in proportion do not share a trend in levels,
//     which difference-in-differences assumes.
//   - The Gaussian interrupted time series is chosen with AR(1) errors
//     (Model Gaussian; the caller runs it with [AR1] errors), not
//     Newey-West errors, whose intervals are too narrow when the noise is
//     persistent (about 85% coverage on the demo world's AR(1) series);
//     the caller refuses it when its innovations remain autocorrelated
//     (Ljung-Box p < [AutoLjungBox]), see [CheckAuto].
//   - The quasi-Poisson interrupted time series is checked the same way;
//     when its residuals are autocorrelated its standard errors are
//     corrected (Newey-West sandwich for the GLM) rather than the method
//     refused, see [AutoRefit].
//
// The order:
//
//  1. one treated unit, at least 19 comparison units (so that the placebo
//     test can reach p = 0.05) and 10 periods before: synthetic control,
//     with the placebo test and an interval by test inversion;
//  2. counts with 8 periods before and 3 after: quasi-Poisson interrupted
//     time series of the (summed) treated units;
//  3. two or more treated units and a comparison unit:
//     difference-in-differences;
//  4. 8 periods before and 3 after: Gaussian interrupted time series with
//     AR(1) errors;
//  5. one treated unit, two or more comparison units and 3 periods
//     before: synthetic control, whose placebo p-value holds but which has
//     no interval with fewer than 19 comparison units;
//  6. two periods on each side: before/after.
//
// It returns a BadInput error when none applies (no treated unit, the
// intervention outside the data, or too few periods). It is safe for
// concurrent use.
func Choose(a Availability) (Choice, error) {
	if a.TreatedUnits < 1 {
		return Choice{}, badInputm("treated", "impact.err.auto.notreated")
	}
	if a.Start <= 0 || a.Start >= a.Periods {
		return Choice{}, badInputm("start", "impact.err.auto.outside", a.Start, a.Periods)
	}
	pre, post := a.Start, a.Periods-a.Start
	unused := i18n.M("impact.auto.unused", a.ComparisonUnits, autoSynthDonors, autoSynthPre)
	why := func(ms ...i18n.Msg) i18n.Text { return i18n.Text(ms) }
	switch {
	case a.TreatedUnits == 1 && a.ComparisonUnits >= autoSynthDonors && pre >= autoSynthPre:
		return newChoice(MethodSyntheticControl, "", why(i18n.M("impact.auto.scm",
			a.ComparisonUnits, pre, a.ComparisonUnits+1, i18n.Num(fixed(3), 1/float64(a.ComparisonUnits+1))))), nil
	case a.Counts && pre >= autoITSPre && post >= autoITSPost:
		t := why(i18n.M("impact.auto.its.qp", pre, post))
		switch {
		case a.ComparisonUnits > 0 && a.TreatedUnits == 1:
			t = append(t, unused)
		case a.ComparisonUnits > 0:
			t = append(t, i18n.M("impact.auto.its.qp.nodid"))
		}
		return newChoice(MethodITS, QuasiPoisson, t), nil
	case a.TreatedUnits >= 2 && a.ComparisonUnits >= 1:
		key := "impact.auto.did.pretrend"
		if pre < 2 {
			key = "impact.auto.did.nopretrend"
		}
		return newChoice(MethodDiD, "", why(i18n.M(key, a.TreatedUnits, a.ComparisonUnits))), nil
	case pre >= autoITSPre && post >= autoITSPost:
		t := why(i18n.M("impact.auto.its.ar1", pre, post))
		if a.ComparisonUnits > 0 {
			t = append(t, unused)
		}
		return newChoice(MethodITS, Gaussian, t), nil
	case a.TreatedUnits == 1 && a.ComparisonUnits >= 2 && pre >= autoSynthSmallPre:
		return newChoice(MethodSyntheticControl, "", why(i18n.M("impact.auto.scm.small",
			a.ComparisonUnits, pre, autoITSPre, autoITSPost, autoSynthDonors, autoSynthPre, i18n.Num(fixed(3), 1/float64(a.ComparisonUnits+1))))), nil
	case pre >= minBeforeAfter && post >= minBeforeAfter:
		t := why(i18n.M("impact.auto.ba", pre, post, autoITSPre, autoITSPost))
		if a.ComparisonUnits > 0 {
			t = append(t, i18n.M("impact.auto.ba.unused", a.ComparisonUnits))
		}
		return newChoice(MethodBeforeAfter, "", t), nil
	default:
		return Choice{}, badInputm("start", "impact.err.auto.fewperiods", pre, post, minBeforeAfter)
	}
}

// CheckAuto is the part of the AUTO policy that needs the estimate: a
// Gaussian interrupted time series that [Choose] picked is refused (a
// BadInput error naming "method") when its residuals remain
// autocorrelated (Ljung-Box p < [AutoLjungBox]), since its interval would
// be too narrow. errors is how the series was run (AR1 unless the caller
// overrode it). It returns nil for every other choice.
func CheckAuto(c Choice, r *Result, errors ITSErrors) error {
	if c.Model != Gaussian || r == nil {
		return nil
	}
	lb, ok := r.Diagnostic("ljung_box_p")
	if !ok || !(lb.Value < AutoLjungBox) {
		return nil
	}
	what := i18n.M("impact.err.auto.untrusted.nw")
	if r.Model == Gaussian && errors != NeweyWest {
		what = i18n.M("impact.err.auto.untrusted.ar1")
	}
	return badInputm("method", "impact.err.auto.untrusted", what, i18n.G(lb.Value, 2))
}

// AutoRefit is the part of the AUTO policy for a quasi-Poisson interrupted
// time series that [Choose] picked and that was run with model-based
// standard errors (errors empty): when its residuals are autocorrelated
// (Ljung-Box p < [AutoLjungBox]) those standard errors are too small, and
// AUTO corrects them rather than choosing otherwise: it returns NeweyWest,
// to run the same model again with the Newey-West (HAC) sandwich (robust to
// overdispersion and autocorrelation, see [ITSInput].Errors), and a
// sentence for the explanation saying so. It returns "" and "" for every
// other case.
func AutoRefit(c Choice, r *Result, errors ITSErrors) (ITSErrors, i18n.Msg) {
	if c.Method != MethodITS || c.Model != QuasiPoisson || errors != "" || r == nil {
		return "", i18n.Msg{}
	}
	lb, ok := r.Diagnostic("ljung_box_p")
	if !ok || !(lb.Value < AutoLjungBox) {
		return "", i18n.Msg{}
	}
	return NeweyWest, i18n.M("impact.auto.refit", i18n.Num(gfmt(2), lb.Value))
}

// AutoInput is the input of [Auto].
type AutoInput struct {
	// Treated are the outcome series of the treated units; several are
	// combined (summed for counts, averaged otherwise) for the methods that
	// take one series.
	Treated []Series
	// Comparison are the outcome series of comparison units (may be empty).
	Comparison []Series
	// Start is the index of the first period under the intervention.
	Start int
	// Counts is true when the outcome counts events.
	Counts bool
	// Offset is the population of the (combined) treated units, for the
	// quasi-Poisson ITS; nil for none.
	Offset []float64
	// Harmonics is passed to [ITS] (Fourier pairs for seasonality).
	Harmonics int
	// SlopeChange is passed to [ITS] (adds a change in trend).
	SlopeChange bool
}

// Auto chooses a method with [Choose] and runs it. The synthetic control
// uses the outcome in every period before the intervention as predictors
// with equal weights (the synthetic control that best reproduces the
// pre-intervention path, without a nested choice of V) and always runs the
// placebo test. An interrupted time series goes through the same residual
// checks as in the API: a quasi-Poisson one with autocorrelated residuals
// is rerun with Newey-West standard errors ([AutoRefit]), a Gaussian one
// whose AR(1) innovations stay autocorrelated is refused ([CheckAuto]).
// The reason for the choice is in Result.Choice and opens the
// explanation. Errors of the chosen method are returned as they are: there
// is no silent fallback to another method. It is safe for concurrent use.
func Auto(in AutoInput) (*Result, error) {
	if len(in.Treated) == 0 {
		return nil, badInputm("treated", "impact.err.auto.notreated")
	}
	periods := in.Treated[0].Periods
	for _, s := range append(append([]Series(nil), in.Treated...), in.Comparison...) {
		if !sameAxis(s.Periods, periods) {
			return nil, badInputm("series", "impact.err.series.axis", s.Unit, in.Treated[0].Unit)
		}
	}
	c, err := Choose(Availability{Periods: len(periods), Start: in.Start, TreatedUnits: len(in.Treated), ComparisonUnits: len(in.Comparison), Counts: in.Counts})
	if err != nil {
		return nil, err
	}
	var r *Result
	var refit i18n.Msg
	switch c.Method {
	case MethodSyntheticControl:
		r, err = SyntheticControl(autoSynth(in))
	case MethodDiD:
		r, err = DiD(DiDInput{Treated: in.Treated, Comparison: in.Comparison, Start: in.Start})
	case MethodITS:
		var s Series
		if s, err = combine(in.Treated, in.Counts); err == nil {
			errs := ITSErrors("")
			if c.Model == Gaussian {
				errs = AR1
			}
			its := ITSInput{Series: s, Start: in.Start, Model: c.Model, Offset: in.Offset, Harmonics: in.Harmonics, SlopeChange: in.SlopeChange, Errors: errs}
			r, err = ITS(its)
			if err == nil {
				if its.Errors, refit = AutoRefit(c, r, errs); its.Errors != "" {
					r, err = ITS(its)
				}
			}
			if err == nil {
				err = CheckAuto(c, r, errs)
			}
		}
	case MethodBeforeAfter:
		var s Series
		if s, err = combine(in.Treated, in.Counts); err == nil {
			r, err = BeforeAfter(BeforeAfterInput{Series: s, Start: in.Start})
		}
	}
	if err != nil {
		return nil, err
	}
	choice := c.Why
	if !refit.IsZero() {
		choice = append(append(i18n.Text(nil), choice...), refit)
	}
	r.SetChoice(choice)
	r.addParam("auto_choice", "%s", c.Method)
	r.SetExplanation(append(i18n.Text{i18n.M("impact.auto.chosen", choice)}, r.ExplanationMsgs...))
	return r, nil
}

// autoSynth builds the synthetic control input of Auto.
func autoSynth(in AutoInput) SynthInput {
	periods := in.Treated[0].Periods
	names := make([]string, in.Start)
	v := make([]float64, in.Start)
	for t := range names {
		names[t] = "outcome " + periods[t]
		v[t] = 1
	}
	unit := func(s Series) SynthUnit {
		return SynthUnit{Unit: s.Unit, Outcome: s.Values, Predictors: s.Values[:in.Start]}
	}
	sin := SynthInput{Periods: periods, Start: in.Start, PredictorNames: names, Treated: unit(in.Treated[0]), V: v, Placebo: true}
	for _, s := range in.Comparison {
		sin.Donors = append(sin.Donors, unit(s))
	}
	return sin
}

// combine sums (counts) or averages the treated series period by period.
func combine(ss []Series, counts bool) (Series, error) {
	if len(ss) == 1 {
		return ss[0], nil
	}
	out := Series{Unit: joinUnits(unitsOf(ss)), Periods: ss[0].Periods, Values: make([]float64, len(ss[0].Periods))}
	for _, s := range ss {
		if err := checkSeries("treated", s, false); err != nil {
			return Series{}, err
		}
		for t, v := range s.Values {
			out.Values[t] += v
		}
	}
	if !counts {
		for t := range out.Values {
			out.Values[t] /= float64(len(ss))
		}
	}
	for _, v := range out.Values {
		if math.IsInf(v, 0) {
			return Series{}, badInputm("treated", "impact.err.auto.overflow")
		}
	}
	return out, nil
}

func unitsOf(ss []Series) []string {
	u := make([]string, len(ss))
	for i, s := range ss {
		u[i] = s.Unit
	}
	return u
}

// newChoice returns the choice of method m (model mod) for the reasons t.
func newChoice(m Method, mod Model, t i18n.Text) Choice {
	return Choice{Method: m, Model: mod, Reason: t.In(i18n.EN), Why: t}
}
