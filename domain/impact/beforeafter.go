package impact

import (
	"math"

	"github.com/supplyeval/supplyeval/i18n"
)

// BeforeAfterInput is the input of [BeforeAfter].
type BeforeAfterInput struct {
	// Series is the outcome of the treated unit. Missing values (NaN) are
	// skipped.
	Series Series
	// Start is the index of the first period under the intervention.
	Start int
}

// minBeforeAfter is the number of observed values needed on each side.
const minBeforeAfter = 2

// BeforeAfter compares the mean of the observed values before Start with the
// mean from Start on: the difference (after minus before) with a Welch
// t interval (Satterthwaite degrees of freedom) and p-value.
//
// It returns a BadInput error when Start is outside the series, when either
// side has fewer than two observed values, or when both sides are constant
// (no variation to estimate uncertainty from). It is safe for concurrent
// use.
func BeforeAfter(in BeforeAfterInput) (*Result, error) {
	s := in.Series
	if err := checkSeries("series", s, true); err != nil {
		return nil, err
	}
	if err := checkMagnitude("series", s); err != nil {
		return nil, err
	}
	if err := checkStart(s.Periods, in.Start, 1, 1); err != nil {
		return nil, err
	}
	var pre, post []float64
	for i, v := range s.Values {
		if math.IsNaN(v) {
			continue
		}
		if i < in.Start {
			pre = append(pre, v)
		} else {
			post = append(post, v)
		}
	}
	if len(pre) < minBeforeAfter || len(post) < minBeforeAfter {
		return nil, badInputm("series", "impact.err.ba.few", minBeforeAfter, s.Periods[in.Start], len(pre), len(post))
	}
	m0, v0 := meanVar(pre)
	m1, v1 := meanVar(post)
	n0, n1 := float64(len(pre)), float64(len(post))
	a, b := v0/n0, v1/n1
	se := math.Sqrt(a + b)
	if se == 0 || math.IsNaN(se) {
		return nil, badInputm("series", "impact.err.ba.constant", s.Periods[in.Start])
	}
	df := (a + b) * (a + b) / (a*a/(n0-1) + b*b/(n1-1))
	diff := m1 - m0
	r := &Result{Method: MethodBeforeAfter}
	r.Effect = interval(diff, se, tCrit(df), tP(diff/se, df))
	if m0 != 0 {
		rel := pointOnly(diff / m0)
		r.RelativeEffect = &rel
	}
	r.addParamm("test", "impparam.ba.test")
	r.addParam("df", "%.2f", df)
	r.addDiagm("mean_before", m0, "impdiag.ba.mean_before")
	r.addDiagm("mean_after", m1, "impdiag.ba.mean_after")
	r.addDiagm("sd_before", math.Sqrt(v0), "impdiag.ba.sd_before")
	r.addDiagm("sd_after", math.Sqrt(v1), "impdiag.ba.sd_after")
	r.addDiagm("n_before", n0, "impdiag.ba.n_before")
	r.addDiagm("n_after", n1, "impdiag.ba.n_after")
	r.addDiagm("welch_df", df, "impdiag.ba.welch_df")
	r.Inputs = Inputs{
		Units: []string{s.Unit}, Periods: s.Periods, First: 0, Last: len(s.Periods) - 1,
		Start: in.Start, StartPeriod: s.Periods[in.Start],
		PrePeriods: in.Start, PostPeriods: len(s.Periods) - in.Start, Observations: len(pre) + len(post),
	}
	for i, p := range s.Periods {
		if math.IsNaN(s.Values[i]) {
			continue
		}
		cp := CounterfactualPoint{Period: p, Index: i, Post: i >= in.Start, Observed: s.Values[i], Expected: m0, Low: m0, High: m0}
		if cp.Post {
			c := tCrit(n0 - 1)
			sd0 := math.Sqrt(v0 / n0)
			cp.Low, cp.High, cp.HasBand = m0-c*sd0, m0+c*sd0, true
		}
		r.Counterfactual = append(r.Counterfactual, cp)
	}
	r.SetAssumptions(
		i18n.M("impact.ba.assume.level"),
		i18n.M("impact.ba.assume.nothing.else"),
		i18n.M("impact.ba.assume.independent"),
	)
	r.SetExplanation(i18n.Text{
		i18n.M("impact.ba.explain", unitMsg(s.Unit), s.Periods[in.Start], n(m0), len(pre), n(m1), len(post),
			sn(diff), n(r.Effect.Low), n(r.Effect.High), pMsg(r.Effect.PValue)),
		i18n.M("impact.ba.explain.caveat"),
	})
	if err := r.checkFinite(); err != nil {
		return nil, err
	}
	return r, nil
}

// meanVar returns the mean and the sample variance (n-1 denominator).
func meanVar(xs []float64) (m, v float64) {
	m = mean(xs)
	for _, x := range xs {
		d := x - m
		v += d * d
	}
	if len(xs) > 1 {
		v /= float64(len(xs) - 1)
	}
	return m, v
}
