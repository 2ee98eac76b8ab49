package impact

import (
	"fmt"
	"math"
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
	// Reason says in words why this method fits the data.
	Reason string
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
)

// Choose picks an impact method from what the data allow, in this order:
//
//  1. one treated unit, at least 19 comparison units (so that the placebo
//     test can reach p = 0.05) and at least 10 periods before the
//     intervention: synthetic control;
//  2. any comparison unit: difference-in-differences (with a pre-trend test
//     when there are two or more periods before);
//  3. at least 8 periods before and 3 after: interrupted time series,
//     quasi-Poisson for counts, Gaussian otherwise;
//  4. at least 2 periods on each side: before/after;
//
// and returns a BadInput error when none applies (no treated unit, the
// intervention outside the data, or too few periods). It is safe for
// concurrent use.
func Choose(a Availability) (Choice, error) {
	if a.TreatedUnits < 1 {
		return Choice{}, badInput("treated", "no treated unit: an impact needs the outcome of the units the intervention targeted")
	}
	if a.Start <= 0 || a.Start >= a.Periods {
		return Choice{}, badInput("start", "the intervention (period index %d) is outside the %d periods of data; an impact needs periods both before and after it", a.Start, a.Periods)
	}
	pre, post := a.Start, a.Periods-a.Start
	switch {
	case a.TreatedUnits == 1 && a.ComparisonUnits >= autoSynthDonors && pre >= autoSynthPre:
		return Choice{Method: MethodSyntheticControl, Reason: fmt.Sprintf(
			"One treated unit, %d comparison units and %d periods before the intervention: a synthetic control can be built from the comparison units and tested by placebos (with %d units the smallest possible p-value is %.3f).",
			a.ComparisonUnits, pre, a.ComparisonUnits+1, 1/float64(a.ComparisonUnits+1))}, nil
	case a.ComparisonUnits >= 1:
		reason := fmt.Sprintf("%d treated and %d comparison unit(s) observed before and after the intervention: difference-in-differences compares their changes", a.TreatedUnits, a.ComparisonUnits)
		if a.TreatedUnits == 1 && a.ComparisonUnits < autoSynthDonors {
			reason += fmt.Sprintf(" (a synthetic control would need at least %d comparison units)", autoSynthDonors)
		} else if a.TreatedUnits == 1 {
			reason += fmt.Sprintf(" (a synthetic control would need at least %d periods before the intervention)", autoSynthPre)
		}
		if pre >= 2 {
			reason += "; with several periods before it, parallel pre-trends can be tested."
		} else {
			reason += "; with a single period before it, parallel pre-trends cannot be tested."
		}
		return Choice{Method: MethodDiD, Reason: reason}, nil
	case pre >= autoITSPre && post >= autoITSPost:
		c := Choice{Method: MethodITS, Model: Gaussian}
		c.Reason = fmt.Sprintf("No comparison units, but %d periods before and %d after the intervention: an interrupted time series compares the series with its own earlier trend", pre, post)
		if a.Counts {
			c.Model = QuasiPoisson
			c.Reason += "; the outcome is a count, so a quasi-Poisson model reports rate ratios."
		} else {
			c.Reason += "; the outcome is not a count, so a linear model with autocorrelation-robust errors is used."
		}
		return c, nil
	case pre >= minBeforeAfter && post >= minBeforeAfter:
		return Choice{Method: MethodBeforeAfter, Reason: fmt.Sprintf(
			"No comparison units and only %d periods before and %d after the intervention, too few to estimate a trend (an interrupted time series needs %d before and %d after): only a before/after comparison of means is possible, which cannot separate the intervention from other changes.",
			pre, post, autoITSPre, autoITSPost)}, nil
	default:
		return Choice{}, badInput("start", "only %d period(s) before and %d after the intervention and no comparison units; at least %d on each side are needed for any estimate", pre, post, minBeforeAfter)
	}
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
// placebo test. The reason for the choice is in Result.Choice and opens the
// explanation. Errors of the chosen method are returned as they are: there
// is no silent fallback to another method. It is safe for concurrent use.
func Auto(in AutoInput) (*Result, error) {
	if len(in.Treated) == 0 {
		return nil, badInput("treated", "no treated unit: an impact needs the outcome of the units the intervention targeted")
	}
	periods := in.Treated[0].Periods
	for _, s := range append(append([]Series(nil), in.Treated...), in.Comparison...) {
		if !sameAxis(s.Periods, periods) {
			return nil, badInput("series", "series %q has other periods than %q; all series must share one period axis", s.Unit, in.Treated[0].Unit)
		}
	}
	c, err := Choose(Availability{Periods: len(periods), Start: in.Start, TreatedUnits: len(in.Treated), ComparisonUnits: len(in.Comparison), Counts: in.Counts})
	if err != nil {
		return nil, err
	}
	var r *Result
	switch c.Method {
	case MethodSyntheticControl:
		r, err = SyntheticControl(autoSynth(in))
	case MethodDiD:
		r, err = DiD(DiDInput{Treated: in.Treated, Comparison: in.Comparison, Start: in.Start})
	case MethodITS:
		var s Series
		if s, err = combine(in.Treated, in.Counts); err == nil {
			r, err = ITS(ITSInput{Series: s, Start: in.Start, Model: c.Model, Offset: in.Offset, Harmonics: in.Harmonics, SlopeChange: in.SlopeChange})
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
	r.Choice = c.Reason
	r.addParam("auto_choice", "%s", c.Method)
	r.Explanation = "Method chosen automatically. " + c.Reason + " " + r.Explanation
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
			return Series{}, badInput("treated", "the combined treated series overflows")
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
