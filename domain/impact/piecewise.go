package impact

import (
	"math"
	"slices"

	"github.com/supplyeval/supplyeval/i18n"
)

// Interruption is one intervention of a piecewise interrupted time series.
type Interruption struct {
	// ID names the intervention.
	ID string
	// Start is the index of the first period under it.
	Start int
}

// Segment is what one interruption of a piecewise interrupted time series
// did: its level change, its slope change (when fitted), its average
// effect over the periods under it, and the counterfactual series with
// that interruption alone removed.
type Segment struct {
	// ID names the intervention.
	ID string
	// Start is the index of its first period, StartPeriod that period.
	Start       int
	StartPeriod string
	// LevelChange is the step at Start (a rate ratio when the result's
	// Ratio is set).
	LevelChange Estimate
	// SlopeChange is the change in trend from Start on; nil when slope
	// changes are not fitted.
	SlopeChange *Estimate
	// Effect is the average of its level and slope terms over the periods
	// from Start to the end of the series: b_level + b_slope (m+1)/2 for m
	// periods (a geometric-mean rate ratio for the quasi-Poisson model).
	Effect Estimate
	// Counterfactual is the fitted series with this interruption's terms
	// set to zero (every other interruption kept), with a 95% band.
	Counterfactual []CounterfactualPoint
}

// PiecewiseITS fits an interrupted time series with several interruptions
// (segmented regression with one level change, and one slope change when
// in.SlopeChange, per interruption):
//
//	g(E[y_t]) = b0 + b1 t + sum_k [c_k X_kt + d_k (t - T_k) X_kt] [+ Fourier terms] [+ log offset_t]
//
// with X_kt = 1 from interruption k on and T_k the t of the period before
// it, as in [ITS]. The first interruption of list is the headline: the
// result's Effect, LevelChange, SlopeChange, RelativeEffect and
// Counterfactual are its own, and its coefficients are named "level" and
// "slope"; the others' are "level:ID" and "slope:ID". Every interruption
// has its [Segment], in order of start. in.Start is ignored: the
// interruptions give the starts. Model, offset, harmonics and error
// treatment are those of [ITS], with the same conventions; with one
// interruption the result equals ITS's.
//
// It returns a BadInput error (field "interruptions") when the list is
// empty, an ID is empty or repeated, a start leaves fewer than 3 periods
// before the earliest or after any interruption, or two interruptions
// are too close to be told apart (the same period; consecutive periods
// when slope changes are fitted); and the errors of [ITS] otherwise. It is
// safe for concurrent use.
func PiecewiseITS(in ITSInput, list []Interruption) (*Result, error) {
	if len(list) == 0 {
		return nil, badInputm("interruptions", "impact.err.pw.none")
	}
	n := len(in.Series.Values)
	seen := map[string]bool{}
	for i, x := range list {
		switch {
		case x.ID == "":
			return nil, badInputm("interruptions", "impact.err.pw.noname", i)
		case seen[x.ID]:
			return nil, badInputm("interruptions", "impact.err.pw.twice", x.ID)
		case x.Start < minITSPre || x.Start > n-minITSPost:
			return nil, badInputm("interruptions", "impact.err.pw.start", x.ID, x.Start, n, minITSPre, minITSPost)
		}
		seen[x.ID] = true
	}
	order := slices.Clone(list)
	slices.SortStableFunc(order, func(a, b Interruption) int { return a.Start - b.Start })
	gap := 1
	if in.SlopeChange {
		gap = 2
	}
	for i := 1; i < len(order); i++ {
		if order[i].Start-order[i-1].Start < gap {
			what := i18n.M("impact.err.pw.close.same")
			if order[i].Start != order[i-1].Start {
				what = i18n.M("impact.err.pw.close.next")
			}
			return nil, badInputm("interruptions", "impact.err.pw.close", order[i-1].ID, order[i].ID, what, in.Series.Periods[order[i].Start])
		}
	}
	per := 1
	if in.SlopeChange {
		per = 2
	}
	in.Start = list[0].Start
	model, L, p, err := checkITS(in, per*(len(list)-1))
	if err != nil {
		return nil, err
	}
	f := newITSFit(n, p, in, L)
	defer f.release()
	p0 := p - per*(len(list)-1)
	// cols[k] are the design columns of interruption k: level, then slope.
	cols := make([][2]int, len(list))
	cols[0] = [2]int{2, -1}
	if in.SlopeChange {
		cols[0][1] = 3
	}
	names := make([]string, 0, p-p0)
	for k := 1; k < len(list); k++ {
		c := p0 + per*(k-1)
		cols[k] = [2]int{c, -1}
		names = append(names, "level:"+list[k].ID)
		if in.SlopeChange {
			cols[k][1] = c + 1
			names = append(names, "slope:"+list[k].ID)
		}
		s := list[k].Start
		lv := f.col(c)
		for i := s; i < n; i++ {
			lv[i] = 1
			if in.SlopeChange {
				f.x[(c+1)*n+i] = float64(i + 1 - s)
			}
		}
	}
	if err := f.fit(in, model); err != nil {
		return nil, err
	}
	r := f.piecewiseResult(in, model, L, list, cols, names)
	if err := r.checkFinite(); err != nil {
		return nil, err
	}
	return r, nil
}

// piecewiseResult assembles the Result of a piecewise fit.
func (f *itsFit) piecewiseResult(in ITSInput, model Model, L int, list []Interruption, cols [][2]int, extra []string) *Result {
	s := in.Series
	n, p := f.n, f.p
	ratio := model == QuasiPoisson
	r := &Result{Method: MethodITS, Model: model, Ratio: ratio}
	test := func(v, se float64) Estimate {
		pv := normalP(v / se)
		if f.df > 0 {
			pv = tP(v/se, f.df)
		}
		e := interval(v, se, f.crit, pv)
		if ratio {
			e = expEstimate(e)
		}
		return e
	}
	names := []string{"intercept", "trend", "level"}
	if f.slope {
		names = append(names, "slope")
	}
	for k := 1; k <= in.Harmonics; k++ {
		names = append(names, harmonicName("sin", k))
	}
	for k := 1; k <= in.Harmonics; k++ {
		names = append(names, harmonicName("cos", k))
	}
	names = append(names, extra...)
	r.Coefficients = make([]Coefficient, p)
	for j := 0; j < p; j++ {
		v, se := f.beta[j], math.Sqrt(f.cov[j*p+j])
		pv := normalP(v / se)
		if f.df > 0 {
			pv = tP(v/se, f.df)
		}
		r.Coefficients[j] = Coefficient{Name: names[j], Estimate: interval(v, se, f.crit, pv)}
	}
	var off []float64
	if ratio && in.Offset != nil {
		off = make([]float64, n)
		for i, v := range in.Offset {
			off[i] = math.Log(v)
		}
	}
	eta := make([]float64, n)
	f.linear(off, eta)
	c := make([]float64, p)
	a := make([]float64, p)
	for k, x := range list {
		seg := Segment{ID: x.ID, Start: x.Start, StartPeriod: s.Periods[x.Start]}
		lc, sc := cols[k][0], cols[k][1]
		seg.LevelChange = test(f.beta[lc], math.Sqrt(f.cov[lc*p+lc]))
		clear(c)
		c[lc] = 1
		m := n - x.Start
		if sc >= 0 {
			e := test(f.beta[sc], math.Sqrt(f.cov[sc*p+sc]))
			seg.SlopeChange = &e
			c[sc] = float64(m+1) / 2
		}
		var eff float64
		for j := range c {
			eff += c[j] * f.beta[j]
		}
		seg.Effect = test(eff, math.Sqrt(quadForm(f.cov, c)))
		seg.Counterfactual = make([]CounterfactualPoint, n)
		var cfPost float64
		for i := 0; i < n; i++ {
			for j := range a {
				a[j] = f.x[j*n+i]
			}
			e := eta[i] - a[lc]*f.beta[lc]
			a[lc] = 0
			if sc >= 0 {
				e -= a[sc] * f.beta[sc]
				a[sc] = 0
			}
			sd := math.Sqrt(max(quadForm(f.cov, a), 0))
			cp := CounterfactualPoint{Period: s.Periods[i], Index: i, Post: i >= x.Start, Observed: s.Values[i], HasBand: true,
				Expected: e, Low: e - f.crit*sd, High: e + f.crit*sd}
			if ratio {
				cp.Expected, cp.Low, cp.High = math.Exp(cp.Expected), math.Exp(cp.Low), math.Exp(cp.High)
			}
			if cp.Post {
				cfPost += cp.Expected
			}
			seg.Counterfactual[i] = cp
		}
		if k == 0 {
			lv, eff := seg.LevelChange, seg.Effect
			r.LevelChange, r.Effect, r.SlopeChange, r.Counterfactual = &lv, eff, seg.SlopeChange, seg.Counterfactual
			if ratio {
				rel := Estimate{Value: eff.Value - 1, SE: eff.SE, Low: eff.Low - 1, High: eff.High - 1, HasInterval: true, PValue: eff.PValue, HasPValue: true}
				r.RelativeEffect = &rel
			} else if cfPost != 0 {
				rel := pointOnly(eff.Value / (cfPost / float64(m)))
				r.RelativeEffect = &rel
			}
		}
		r.Segments = append(r.Segments, seg)
	}
	slices.SortStableFunc(r.Segments, func(a, b Segment) int { return a.Start - b.Start })
	earliest := r.Segments[0].Start
	var sq float64
	for i := 0; i < earliest; i++ {
		d := s.Values[i] - f.fitted[i]
		sq += d * d
	}
	r.PreRMSPE = math.Sqrt(sq / float64(earliest))

	r.Diagnostics = append(make([]Diagnostic, 0, len(f.diag)+7), f.diag...)
	addResidualDiagnostics(r, f.resid, f.scratch)
	start := list[0].Start
	r.addDiagm("n_pre", float64(start), "impdiag.pw.n_pre")
	r.addDiagm("n_post", float64(n-start), "impdiag.pw.n_post")
	r.addDiagm("interruptions", float64(len(list)), "impdiag.pw.interruptions")
	f.setParams(r, in, model, L)
	ids := make([]any, len(r.Segments))
	for i, sg := range r.Segments {
		ids[i] = i18n.M("impparam.pw.interruption", sg.ID, sg.StartPeriod)
	}
	r.addParamm("interruptions", "impparam.pw.interruptions", i18n.List{Items: ids, Sep: "impparam.pw.sep"})
	r.addParamm("time_origin", "impparam.pw.time_origin", s.Periods[0])
	r.Inputs = Inputs{
		Units: []string{s.Unit}, Periods: s.Periods, First: 0, Last: n - 1,
		Start: start, StartPeriod: s.Periods[start], PrePeriods: start, PostPeriods: n - start, Observations: n,
	}
	in.Start = start
	r.SetAssumptions(append(itsAssumptions(in, ratio, f.hacLag, f.rho), i18n.M("impact.piecewise.assume.additive"))...)
	r.SetExplanation(piecewiseExplanation(r, in, ratio, list[0].ID))
	return r
}

func piecewiseExplanation(r *Result, in ITSInput, ratio bool, headline string) i18n.Text {
	t := itsExplanation(r, in, ratio)
	segs := make([]any, len(r.Segments))
	for i, sg := range r.Segments {
		e := sg.Effect
		if ratio {
			segs[i] = i18n.M("impact.piecewise.segment.ratio", sg.ID, sg.StartPeriod, n(e.Value), n(e.Low), n(e.High))
		} else {
			segs[i] = i18n.M("impact.piecewise.segment", sg.ID, sg.StartPeriod, sn(e.Value), n(e.Low), n(e.High))
		}
	}
	key := "impact.piecewise.explain"
	if in.SlopeChange {
		key = "impact.piecewise.explain.slope"
	}
	return append(t, i18n.M(key, len(r.Segments), headline, i18n.List{Items: segs, Sep: "list.semicolon"}))
}
