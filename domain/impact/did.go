package impact

import (
	"fmt"
	"math"
)

// DiDInput is the input of [DiD]: a panel of treated and comparison units
// over the same periods, the treatment starting for all treated units at
// Start.
type DiDInput struct {
	// Treated are the outcome series of the treated units.
	Treated []Series
	// Comparison are the outcome series of the comparison units.
	Comparison []Series
	// Start is the index of the first period under the intervention.
	Start int
}

// Convergence of the alternating projections that sweep out the unit and
// period effects (exact after one sweep for a balanced panel).
const (
	fwlTol     = 1e-13
	fwlMaxIter = 10000
)

// DiD estimates a difference-in-differences by two-way fixed effects:
//
//	y_it = a_i + g_t + delta D_it + e_it,  D_it = 1 for treated units from Start on,
//
// by sweeping out the unit and period effects (the Frisch-Waugh-Lovell
// theorem, by alternating projections so that unbalanced panels work) and
// regressing the residual outcome on the residual treatment. Missing values
// (NaN) are allowed; a unit observed only once carries no information about
// delta once its own effect is removed and is dropped (as reghdfe drops
// singletons). With a balanced panel delta equals the 2x2 difference of the
// treated and comparison changes in means.
//
// Standard errors are clustered by unit (CR1): the sandwich with small-
// sample factor G/(G-1) (N-1)/(N-K), G clusters, N observations, K the
// parameters other than the unit effects (intercept, T-1 period effects and
// delta), which are nested within the clusters; this is the convention of
// Stata's xtreg, fe vce(cluster) and reghdfe. Intervals and p-values use
// Student's t with G-1 degrees of freedom.
//
// The pre-trend test regresses, on the pre-intervention periods only, the
// outcome on unit and period effects and a treated-specific linear trend
// (Treated_i x t), with the same clustered errors; a small p-value means the
// treated units were already moving differently before the intervention. It
// needs two pre-intervention periods; with one it is reported as unavailable.
//
// The counterfactual is the treated units' mean of a_i + g_t, the band in
// post-intervention periods reflects the uncertainty of delta only.
//
// It returns a BadInput error when there are no treated or no comparison
// units, when the series do not share one period axis, when Start is outside
// the data, when no treated or no comparison unit is observed both before and
// after the intervention, or when the clustered standard error is zero. It is
// safe for concurrent use.
func DiD(in DiDInput) (*Result, error) {
	if len(in.Treated) == 0 {
		return nil, badInput("treated", "difference-in-differences needs at least one treated unit")
	}
	if len(in.Comparison) == 0 {
		return nil, badInput("comparison", "difference-in-differences needs at least one comparison unit; there are none")
	}
	periods := in.Treated[0].Periods
	seen := map[string]bool{}
	all := make([]Series, 0, len(in.Treated)+len(in.Comparison))
	all = append(all, in.Treated...)
	all = append(all, in.Comparison...)
	for i, s := range all {
		field := "treated"
		if i >= len(in.Treated) {
			field = "comparison"
		}
		if err := checkSeries(field, s, true); err != nil {
			return nil, err
		}
		if !sameAxis(s.Periods, periods) {
			return nil, badInput(field, "series %q has other periods than %q; all series must share one period axis", s.Unit, all[0].Unit)
		}
		if seen[s.Unit] {
			return nil, badInput(field, "unit %q appears twice", s.Unit)
		}
		seen[s.Unit] = true
	}
	if err := checkStart(periods, in.Start, 1, 1); err != nil {
		return nil, err
	}

	p := newPanel(all, len(in.Treated), in.Start)
	if p.treatedBoth == 0 {
		return nil, badInput("treated", "no treated unit is observed both before and after %s", periods[in.Start])
	}
	if p.comparisonBoth == 0 {
		return nil, badInput("comparison", "no comparison unit is observed both before and after %s", periods[in.Start])
	}
	fe, err := p.fit(p.d, nil)
	if err != nil {
		return nil, err
	}

	r := &Result{Method: MethodDiD}
	r.Effect = interval(fe.coef, fe.se, tCrit(fe.df), tP(fe.coef/fe.se, fe.df))
	nT := len(periods)

	// Unit and period effects of y - delta D, for the counterfactual.
	a, g := p.effects(fe.coef)
	r.Counterfactual = make([]CounterfactualPoint, 0, nT)
	var cfPost, sq float64
	var nPre, nPost int
	for t := 0; t < nT; t++ {
		var obs, exp float64
		var k int
		for u := 0; u < p.nTreated; u++ {
			if !p.keep[u] {
				continue
			}
			v := all[u].Values[t]
			if math.IsNaN(v) {
				continue
			}
			obs += v
			exp += a[u] + g[t]
			k++
		}
		if k == 0 {
			continue
		}
		obs /= float64(k)
		exp /= float64(k)
		cp := CounterfactualPoint{Period: periods[t], Index: t, Post: t >= in.Start, Observed: obs, Expected: exp, Low: exp, High: exp}
		if cp.Post {
			h := r.Effect.High - r.Effect.Value
			cp.Low, cp.High, cp.HasBand = exp-h, exp+h, true
			cfPost += exp
			nPost++
		} else {
			sq += (obs - exp) * (obs - exp)
			nPre++
		}
		r.Counterfactual = append(r.Counterfactual, cp)
	}
	if nPre > 0 {
		r.PreRMSPE = math.Sqrt(sq / float64(nPre))
	}
	if nPost > 0 && cfPost != 0 {
		rel := pointOnly(fe.coef / (cfPost / float64(nPost)))
		r.RelativeEffect = &rel
	}

	// Simple 2x2 difference of means with every observed value.
	var cell [2][2]float64
	var cnt [2][2]int
	for u, s := range all {
		grp := 0
		if u < p.nTreated {
			grp = 1
		}
		for t, v := range s.Values {
			if math.IsNaN(v) {
				continue
			}
			post := 0
			if t >= in.Start {
				post = 1
			}
			cell[grp][post] += v
			cnt[grp][post]++
		}
	}
	for i := range cell {
		for j := range cell[i] {
			if cnt[i][j] > 0 {
				cell[i][j] /= float64(cnt[i][j])
			}
		}
	}
	raw := (cell[1][1] - cell[1][0]) - (cell[0][1] - cell[0][0])

	r.addParam("estimator", "two-way fixed effects (unit and period), within transformation")
	r.addParam("standard_errors", "clustered by unit, CR1: G/(G-1) (N-1)/(N-K), K = %d (intercept, period effects, effect; unit effects are nested in clusters)", fe.k)
	r.addParam("reference_distribution", "Student t, G-1 = %d df", int(fe.df))
	r.addParam("pre_trend_test", "treated-specific linear trend over the pre-intervention periods, clustered t test")

	var treatedUsed, compUsed, dropped []string
	for u, s := range all {
		switch {
		case !p.keep[u]:
			dropped = append(dropped, s.Unit)
		case u < p.nTreated:
			treatedUsed = append(treatedUsed, s.Unit)
		default:
			compUsed = append(compUsed, s.Unit)
		}
	}
	r.addDiag("treated_units", float64(len(treatedUsed)), "treated units in the estimate")
	r.addDiag("comparison_units", float64(len(compUsed)), "comparison units in the estimate")
	r.addDiag("clusters", float64(fe.g), "clusters (units) for the standard errors")
	r.addDiag("observations", float64(fe.n), "unit-period observations in the estimate")
	r.addDiag("dropped_units", float64(len(dropped)), "units observed only once, which carry no information once their own effect is removed")
	r.addDiag("treated_mean_before", cell[1][0], "mean of the treated units' observed values before the intervention")
	r.addDiag("treated_mean_after", cell[1][1], "mean of the treated units' observed values from the intervention on")
	r.addDiag("comparison_mean_before", cell[0][0], "mean of the comparison units' observed values before the intervention")
	r.addDiag("comparison_mean_after", cell[0][1], "mean of the comparison units' observed values from the intervention on")
	r.addDiag("did_2x2_all_observations", raw, "difference of the changes in means using every observed value (equals the estimate for a balanced panel)")

	pre, preErr := p.preTrend()
	if preErr != nil {
		r.addDiag("pre_trend_available", 0, "no pre-trend test: "+preErr.Error())
	} else {
		r.addDiag("pre_trend", pre.coef, "difference in linear trend per period between treated and comparison units before the intervention")
		r.addDiag("pre_trend_se", pre.se, "clustered standard error of the pre-trend difference")
		r.addDiag("pre_trend_p", tP(pre.coef/pre.se, pre.df), "p-value of the test of equal pre-intervention trends; small means the trends differed")
	}
	r.Inputs = Inputs{
		Units: treatedUsed, Comparison: compUsed, Periods: periods, First: 0, Last: nT - 1,
		Start: in.Start, StartPeriod: periods[in.Start], PrePeriods: in.Start, PostPeriods: nT - in.Start, Observations: fe.n,
	}
	r.Assumptions = []string{
		"Parallel trends: without the intervention, the treated units' outcome would have changed by the same amount as the comparison units'.",
		"No anticipation: the treated units did not react before the intervention started.",
		"No spillover: the intervention did not affect the comparison units (for example by displacing activity into them).",
		"The effect is summarised as one average over the treated units and the periods after the start.",
		fmt.Sprintf("Standard errors are clustered by unit, which needs many units; with %d treated and %d comparison units they may be too small if either number is below about 10.", len(treatedUsed), len(compUsed)),
	}
	r.Explanation = didExplanation(r, in, treatedUsed, compUsed, pre, preErr)
	if err := r.checkFinite(); err != nil {
		return nil, err
	}
	return r, nil
}

func didExplanation(r *Result, in DiDInput, treated, comp []string, pre feFit, preErr error) string {
	periods := in.Treated[0].Periods
	e := r.Effect
	var b []byte
	b = fmt.Appendf(b, "Comparing how the outcome changed in %s (treated) with how it changed in %d comparison unit(s) (%s), between %s and %s, ",
		joinUnits(treated), len(comp), joinUnits(comp), span(periods[0], periods[in.Start-1]), span(periods[in.Start], periods[len(periods)-1]))
	b = fmt.Appendf(b, "the intervention is associated with a change of %s (95%% interval %s to %s; %s)",
		signed(e.Value), num(e.Low), num(e.High), pIs(e.PValue))
	if r.RelativeEffect != nil {
		b = fmt.Appendf(b, ", %s %s than the treated units would have had otherwise", pct(math.Abs(r.RelativeEffect.Value)), moreLess(r.RelativeEffect.Value))
	}
	b = fmt.Appendf(b, ". That is %s. ", evidence(e.PValue))
	if preErr != nil {
		b = append(b, "With a single period before the intervention, whether the two groups were on parallel paths cannot be checked. "...)
	} else {
		pp := tP(pre.coef/pre.se, pre.df)
		if pp < 0.05 {
			b = fmt.Appendf(b, "Before the intervention the treated units were already on a different trend (test of equal trends: %s), so the estimate may be biased. ", pIs(pp))
		} else {
			b = fmt.Appendf(b, "Before the intervention the two groups moved in parallel as far as the data show (test of equal trends: %s). ", pIs(pp))
		}
	}
	b = append(b, "The estimate assumes that without the intervention the treated units would have changed like the comparison units, and that the comparison units were not affected."...)
	return string(b)
}

// panel holds the observed cells of a DiD panel.
type panel struct {
	nUnits, nTreated, nT, start int
	keep                        []bool // unit observed at least twice
	off                         []int  // cells of unit u are off[u]..off[u+1]
	per                         []int  // period of each cell
	y, d                        []float64
	units                       []int // unit of each cell
	treatedBoth, comparisonBoth int
}

func newPanel(all []Series, nTreated, start int) *panel {
	nT := len(all[0].Periods)
	p := &panel{nUnits: len(all), nTreated: nTreated, nT: nT, start: start, keep: make([]bool, len(all)), off: make([]int, len(all)+1)}
	cells := len(all) * nT
	p.per, p.units = make([]int, 0, cells), make([]int, 0, cells)
	p.y, p.d = make([]float64, 0, cells), make([]float64, 0, cells)
	for u, s := range all {
		var obs, pre, post int
		for t, v := range s.Values {
			if !math.IsNaN(v) {
				obs++
				if t < start {
					pre++
				} else {
					post++
				}
			}
		}
		p.keep[u] = obs >= 2
		if p.keep[u] {
			for t, v := range s.Values {
				if math.IsNaN(v) {
					continue
				}
				p.per = append(p.per, t)
				p.units = append(p.units, u)
				p.y = append(p.y, v)
				dv := 0.0
				if u < nTreated && t >= start {
					dv = 1
				}
				p.d = append(p.d, dv)
			}
		}
		p.off[u+1] = len(p.y)
		if pre > 0 && post > 0 {
			if u < nTreated {
				p.treatedBoth++
			} else {
				p.comparisonBoth++
			}
		}
	}
	return p
}

// feFit is the coefficient of one regressor after sweeping out unit and
// period effects, with its clustered standard error.
type feFit struct {
	coef, se, df float64
	n, g, k      int
}

// sweep removes unit and period means from each of vs in place, over the
// cells with mask true (all when mask is nil), by alternating projections.
func (p *panel) sweep(mask []bool, vs ...[]float64) {
	um := make([]float64, p.nUnits)
	uc := make([]float64, p.nUnits)
	pm := make([]float64, p.nT)
	pc := make([]float64, p.nT)
	for i := range p.y {
		if mask == nil || mask[i] {
			uc[p.units[i]]++
			pc[p.per[i]]++
		}
	}
	for _, v := range vs {
		scale := 0.0
		for i, x := range v {
			if mask == nil || mask[i] {
				scale = math.Max(scale, math.Abs(x))
			}
		}
		tol := fwlTol * (scale + 1e-300)
		for iter := 0; iter < fwlMaxIter; iter++ {
			clear(um)
			clear(pm)
			for i, x := range v {
				if mask == nil || mask[i] {
					um[p.units[i]] += x
				}
			}
			var change float64
			for u := range um {
				if uc[u] > 0 {
					um[u] /= uc[u]
					change = math.Max(change, math.Abs(um[u]))
				}
			}
			for i := range v {
				if mask == nil || mask[i] {
					v[i] -= um[p.units[i]]
					pm[p.per[i]] += v[i]
				}
			}
			for t := range pm {
				if pc[t] > 0 {
					pm[t] /= pc[t]
					change = math.Max(change, math.Abs(pm[t]))
				}
			}
			for i := range v {
				if mask == nil || mask[i] {
					v[i] -= pm[p.per[i]]
				}
			}
			if change <= tol {
				break
			}
		}
	}
}

// fit regresses y on regressor x (one value per cell) with unit and period
// effects, over the cells in mask (all when nil), with CR1 errors clustered
// by unit.
func (p *panel) fit(x []float64, mask []bool) (feFit, error) {
	yt := append([]float64(nil), p.y...)
	xt := append([]float64(nil), x...)
	p.sweep(mask, yt, xt)
	cells := make([]int, p.nUnits)
	for i := range yt {
		if mask == nil || mask[i] {
			cells[p.units[i]]++
		}
	}
	var sxx, sxy float64
	var n, g, nPer int
	seenUnit := make([]bool, p.nUnits)
	seenPer := make([]bool, p.nT)
	for i := range yt {
		if (mask != nil && !mask[i]) || cells[p.units[i]] < 2 {
			continue
		}
		sxx += xt[i] * xt[i]
		sxy += xt[i] * yt[i]
		n++
		if u := p.units[i]; !seenUnit[u] {
			seenUnit[u] = true
			g++
		}
		if t := p.per[i]; !seenPer[t] {
			seenPer[t] = true
			nPer++
		}
	}
	var scale float64
	for i := range x {
		if mask == nil || mask[i] {
			scale += x[i] * x[i]
		}
	}
	if !(sxx > 1e-10*scale) {
		return feFit{}, badInput("treated", "the effect is not identified: after removing unit and period effects the treatment indicator has no variation left")
	}
	b := sxx
	coef := sxy / b
	score := make([]float64, p.nUnits)
	for i := range yt {
		if mask != nil && !mask[i] {
			continue
		}
		score[p.units[i]] += xt[i] * (yt[i] - coef*xt[i])
	}
	var meat float64
	for _, s := range score {
		meat += s * s
	}
	k := nPer + 1
	if g < 2 || n <= k {
		return feFit{}, badInput("comparison", "too few units or observations for clustered standard errors (%d units, %d observations)", g, n)
	}
	c := float64(g) / float64(g-1) * float64(n-1) / float64(n-k)
	se := math.Sqrt(c * meat / (b * b))
	if !(se > 0) {
		return feFit{}, badInput("series", "the panel leaves no residual variation; the uncertainty of the effect cannot be estimated")
	}
	return feFit{coef: coef, se: se, df: float64(g - 1), n: n, g: g, k: k}, nil
}

// preTrend tests a treated-specific linear trend over the pre-intervention
// periods.
func (p *panel) preTrend() (feFit, error) {
	if p.start < 2 {
		return feFit{}, badInput("start", "the pre-trend test needs at least two periods before the intervention")
	}
	mask := make([]bool, len(p.y))
	x := make([]float64, len(p.y))
	for i := range p.y {
		if p.per[i] < p.start {
			mask[i] = true
			if p.units[i] < p.nTreated {
				x[i] = float64(p.per[i])
			}
		}
	}
	return p.fit(x, mask)
}

// effects returns unit effects a and period effects g of y - coef d (the
// normalisation is arbitrary; a_u + g_t is not).
func (p *panel) effects(coef float64) (a, g []float64) {
	a = make([]float64, p.nUnits)
	g = make([]float64, p.nT)
	r := make([]float64, len(p.y))
	var scale float64
	for i := range p.y {
		r[i] = p.y[i] - coef*p.d[i]
		scale = math.Max(scale, math.Abs(r[i]))
	}
	gs := make([]float64, p.nT)
	gc := make([]float64, p.nT)
	for i := range r {
		gc[p.per[i]]++
	}
	for iter := 0; iter < fwlMaxIter; iter++ {
		var change float64
		for u := 0; u < p.nUnits; u++ {
			lo, hi := p.off[u], p.off[u+1]
			if lo == hi {
				continue
			}
			var s float64
			for i := lo; i < hi; i++ {
				s += r[i] - g[p.per[i]]
			}
			v := s / float64(hi-lo)
			change = math.Max(change, math.Abs(v-a[u]))
			a[u] = v
		}
		clear(gs)
		for i := range r {
			gs[p.per[i]] += r[i] - a[p.units[i]]
		}
		for t := range g {
			if gc[t] > 0 {
				v := gs[t] / gc[t]
				change = math.Max(change, math.Abs(v-g[t]))
				g[t] = v
			}
		}
		if change <= fwlTol*(scale+1e-300) {
			break
		}
	}
	return a, g
}
