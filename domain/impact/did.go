package impact

import (
	"errors"
	"math"

	"github.com/supplyeval/supplyeval/domain"
	"github.com/supplyeval/supplyeval/i18n"
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
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

// DiD estimates a difference-in-differences by two-way fixed effects:
//
//	y_it = a_i + g_t + delta D_it + e_it,  D_it = 1 for treated units from Start on,
//
// by removing the unit and period effects exactly (the Frisch-Waugh-Lovell
// theorem; see twoWay: the unit effects are absorbed and the period effects
// solved from their T x T system, so unbalanced panels of any pattern give
// the dummy-variable regression's answer, with no iteration to stop early)
// and regressing the residual outcome on the residual treatment. Missing
// values (NaN) are allowed, also in the treated units: every unit
// contributes the periods it is observed in (reported in Inputs.Coverage).
// A unit observed only once carries no information about delta once its own
// effect is removed and is left out, as is a unit with no data; both are
// listed in Inputs.Excluded and named in the explanation. With a balanced
// panel delta equals the 2x2 difference of the treated and comparison
// changes in means.
//
// Standard errors are clustered by unit. Below cr2Clusters (50) units they
// are CR2 (Bell & McCaffrey 2002) with Satterthwaite degrees of freedom
// (Pustejovsky & Tipton 2018), as R's clubSandwich coef_test(vcov = "CR2",
// test = "Satterthwaite") computes them on the dummy-variable regression;
// from 50 units on, CR1 with small-sample factor G/(G-1) (N-1)/(N-K), K the
// parameters other than the unit effects (intercept, T-1 period effects and
// delta), and Student's t with G-1 degrees of freedom (Stata's reghdfe
// convention). When the spread of the effect across units cannot be
// estimated (fewer than three units, or a clustered standard error that is
// zero because the units' deviations cancel exactly, as with one treated
// and one comparison unit) the Effect has no interval and no p-value, and
// the explanation says why.
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
// after the intervention, or when the pattern of observed periods does not
// separate unit and period effects. It is safe for concurrent use.
func DiD(in DiDInput) (*Result, error) {
	if len(in.Treated) == 0 {
		return nil, badInputm("treated", "impact.err.did.notreated")
	}
	if len(in.Comparison) == 0 {
		return nil, badInputm("comparison", "impact.err.did.nocomparison")
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
		if err := checkMagnitude(field, s); err != nil {
			return nil, err
		}
		if !sameAxis(s.Periods, periods) {
			return nil, badInputm(field, "impact.err.series.axis", s.Unit, all[0].Unit)
		}
		if seen[s.Unit] {
			return nil, badInputm(field, "impact.err.unit.twice", s.Unit)
		}
		seen[s.Unit] = true
	}
	if err := checkStart(periods, in.Start, 1, 1); err != nil {
		return nil, err
	}

	p := newPanel(all, len(in.Treated), in.Start)
	if p.treatedBoth == 0 {
		return nil, badInputm("treated", "impact.err.did.treated.unobserved", periods[in.Start])
	}
	if p.comparisonBoth == 0 {
		return nil, badInputm("comparison", "impact.err.did.comparison.unobserved", periods[in.Start])
	}
	fe, err := p.fit(p.d, nil)
	if err != nil {
		return nil, err
	}

	r := &Result{Method: MethodDiD}
	if fe.noInterval == "" {
		r.Effect = interval(fe.coef, fe.se, tCrit(fe.df), tP(fe.coef/fe.se, fe.df))
	} else {
		r.Effect = pointOnly(fe.coef)
	}
	nT := len(periods)

	// Unit and period effects of y - delta D, for the counterfactual.
	a, g, err := p.effects(fe.coef)
	if err != nil {
		return nil, err
	}
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
			if r.Effect.HasInterval {
				h := r.Effect.High - r.Effect.Value
				cp.Low, cp.High, cp.HasBand = exp-h, exp+h, true
			}
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

	r.addParamm("estimator", "impparam.did.estimator")
	switch {
	case fe.noInterval != "":
		r.addParamm("standard_errors", "impparam.did.se.none", msgOr(fe.noIntervalMsg, fe.noInterval))
	case fe.cr2:
		r.addParamm("standard_errors", "impparam.did.se.cr2", cr2Clusters)
		r.addParamm("reference_distribution", "impparam.did.ref.satterthwaite", i18n.Num(fixed2, fe.df))
	default:
		r.addParamm("standard_errors", "impparam.did.se.cr1", fe.k, cr2Clusters)
		r.addParamm("reference_distribution", "impparam.did.ref.g1", int(fe.df))
	}
	r.addParamm("pre_trend_test", "impparam.did.pre_trend_test")

	var treatedUsed, compUsed []string
	for u, s := range all {
		switch {
		case !p.keep[u]:
			obs := 0
			for _, v := range s.Values {
				if !math.IsNaN(v) {
					obs++
				}
			}
			reason := i18n.M("impact.did.excluded.nodata")
			if obs == 1 {
				reason = i18n.M("impact.did.excluded.once")
			}
			r.Inputs.Excluded = append(r.Inputs.Excluded, ExcludedUnit{Unit: s.Unit, Reason: i18n.EN.Render(reason), ReasonMsg: reason})
		case u < p.nTreated:
			treatedUsed = append(treatedUsed, s.Unit)
		default:
			compUsed = append(compUsed, s.Unit)
		}
		if p.keep[u] {
			first, last, obs := -1, -1, 0
			for t, v := range s.Values {
				if !math.IsNaN(v) {
					if first < 0 {
						first = t
					}
					last = t
					obs++
				}
			}
			r.Inputs.Coverage = append(r.Inputs.Coverage, UnitCoverage{Unit: s.Unit, First: periods[first], Last: periods[last], Periods: obs})
		}
	}
	r.addDiagm("treated_units", float64(len(treatedUsed)), "impdiag.did.treated_units")
	r.addDiagm("comparison_units", float64(len(compUsed)), "impdiag.did.comparison_units")
	r.addDiagm("clusters", float64(fe.g), "impdiag.did.clusters")
	if fe.noInterval == "" {
		r.addDiagm("degrees_of_freedom", fe.df, "impdiag.did.degrees_of_freedom")
	}
	r.addDiagm("observations", float64(fe.n), "impdiag.did.observations")
	r.addDiagm("dropped_units", float64(len(r.Inputs.Excluded)), "impdiag.did.dropped_units")
	r.addDiagm("treated_mean_before", cell[1][0], "impdiag.did.treated_mean_before")
	r.addDiagm("treated_mean_after", cell[1][1], "impdiag.did.treated_mean_after")
	r.addDiagm("comparison_mean_before", cell[0][0], "impdiag.did.comparison_mean_before")
	r.addDiagm("comparison_mean_after", cell[0][1], "impdiag.did.comparison_mean_after")
	r.addDiagm("did_2x2_all_observations", raw, "impdiag.did.did_2x2_all_observations")

	pre, preErr := p.preTrend()
	if preErr == nil && pre.noInterval != "" {
		preErr = &domain.Error{Code: domain.BadInput, Field: "start", Message: pre.noInterval, Msg: pre.noIntervalMsg}
	}
	if preErr != nil {
		r.addDiagm("pre_trend_available", 0, "impdiag.did.pre_trend_available", errArg(preErr))
	} else {
		r.addDiagm("pre_trend", pre.coef, "impdiag.did.pre_trend")
		r.addDiagm("pre_trend_se", pre.se, "impdiag.did.pre_trend_se")
		r.addDiagm("pre_trend_p", tP(pre.coef/pre.se, pre.df), "impdiag.did.pre_trend_p")
	}
	r.Inputs.Units, r.Inputs.Comparison, r.Inputs.Periods = treatedUsed, compUsed, periods
	r.Inputs.First, r.Inputs.Last, r.Inputs.Start, r.Inputs.StartPeriod = 0, nT-1, in.Start, periods[in.Start]
	r.Inputs.PrePeriods, r.Inputs.PostPeriods, r.Inputs.Observations = in.Start, nT-in.Start, fe.n
	seNote := i18n.M("impact.did.assume.se.cr2", len(treatedUsed), len(compUsed))
	if !fe.cr2 {
		seNote = i18n.M("impact.did.assume.se", len(treatedUsed), len(compUsed))
	}
	r.SetAssumptions(
		i18n.M("impact.did.assume.parallel"),
		i18n.M("impact.did.assume.anticipation"),
		i18n.M("impact.did.assume.spillover"),
		i18n.M("impact.did.assume.average"),
		seNote,
	)
	text := didExplanation(r, in, treatedUsed, compUsed, pre, preErr, fe)
	var why i18n.Msg
	if r.Sensitivity, why = p.didSensitivity(); r.Sensitivity != nil {
		text = append(text, r.Sensitivity.Msg())
	} else {
		r.NoSensitivity = why.Localize(i18n.EN)
		text = append(text, i18n.M("sensitivity.rm.none", why))
	}
	r.SetExplanation(text)
	if err := r.checkFinite(); err != nil {
		return nil, err
	}
	return r, nil
}

func didExplanation(r *Result, in DiDInput, treated, comp []string, pre feFit, preErr error, fe feFit) i18n.Text {
	periods := in.Treated[0].Periods
	e := r.Effect
	opening := i18n.M("impact.did.opening", unitsList(treated), len(comp), unitsList(comp),
		spanMsg(periods[0], periods[in.Start-1]), spanMsg(periods[in.Start], periods[len(periods)-1]))
	var t i18n.Text
	switch {
	case e.HasInterval && r.RelativeEffect != nil:
		t = append(t, i18n.M("impact.did.effect.rel", opening, sn(e.Value), n(e.Low), n(e.High), pMsg(e.PValue),
			pctMsg(math.Abs(r.RelativeEffect.Value)), moreLessMsg(r.RelativeEffect.Value)))
	case e.HasInterval:
		t = append(t, i18n.M("impact.did.effect", opening, sn(e.Value), n(e.Low), n(e.High), pMsg(e.PValue)))
	case r.RelativeEffect != nil:
		t = append(t, i18n.M("impact.did.effect.nointerval.rel", opening, sn(e.Value),
			pctMsg(math.Abs(r.RelativeEffect.Value)), moreLessMsg(r.RelativeEffect.Value)))
	default:
		t = append(t, i18n.M("impact.did.effect.nointerval", opening, sn(e.Value)))
	}
	if e.HasInterval {
		t = append(t, i18n.M("impact.that.is", evidenceMsg(e.PValue)))
	} else {
		t = append(t, i18n.M("impact.did.nointerval", fe.noIntervalMsg))
	}
	if len(r.Inputs.Excluded) > 0 {
		parts := make([]any, len(r.Inputs.Excluded))
		for i, x := range r.Inputs.Excluded {
			var reason any = x.Reason
			if !x.ReasonMsg.IsZero() {
				reason = x.ReasonMsg
			}
			parts[i] = i18n.M("impact.did.excluded.unit", x.Unit, reason)
		}
		t = append(t, i18n.M("impact.did.excluded", i18n.List{Items: parts, Show: 5, More: "impact.more"}))
	}
	if unbalanced(r.Inputs.Coverage, len(periods)) {
		t = append(t, i18n.M("impact.did.unbalanced"))
	}
	switch {
	case preErr == nil:
		pp := tP(pre.coef/pre.se, pre.df)
		if pp < 0.05 {
			t = append(t, i18n.M("impact.did.pretrend.differ", pMsg(pp)))
		} else {
			t = append(t, i18n.M("impact.did.pretrend.parallel", pMsg(pp)))
		}
	case in.Start < 2:
		t = append(t, i18n.M("impact.did.pretrend.single"))
	default:
		t = append(t, i18n.M("impact.did.pretrend.unchecked", errMsg(preErr)))
	}
	return append(t, i18n.M("impact.did.assumes"))
}

// unbalanced reports whether some unit misses some of the n periods.
func unbalanced(cov []UnitCoverage, n int) bool {
	for _, c := range cov {
		if c.Periods < n {
			return true
		}
	}
	return false
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
	all                         *twoWay // projector of all cells, built on first use
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

// twoWay projects vectors on the cells of a panel onto the unit and period
// effects, exactly. Writing a vector's fit as a_u + g_t, the unit equations
// give a_u = mean over u's cells of (v - g); substituting them into the
// period equations leaves the period system L g = b, where
//
//	L = diag(cells per period) - sum_u c_u c_u' / n_u
//
// (c_u the indicator of the periods unit u is observed in, n_u their number)
// is the Laplacian of the graph that links two periods when a unit is
// observed in both, and b_t sums v minus its unit mean over period t's
// cells. L is singular once per connected component of that graph (the
// effects are identified up to one constant per component), so one period
// of each component is fixed at zero and the rest of L, positive definite,
// is inverted once (Cholesky, T x T). Every projection is then one pass over
// the cells and one T x T product: no iteration, so no iteration cap, on any
// unbalanced panel.
type twoWay struct {
	nUnits, nT int
	cells      []int        // indices into the panel's cells
	units, per []int        // of each cell in cells
	nu, nt     []float64    // cells per unit and per period
	free       []int        // periods not grounded
	ch         mat.Cholesky // of L restricted to free
	linv       []float64    // nT x nT generalised inverse of L, on first use
}

// twoWayFor is newTwoWay, with the projector of all cells (mask nil) built
// once per panel.
func (p *panel) twoWayFor(mask []bool) (*twoWay, error) {
	if mask != nil {
		return p.newTwoWay(mask)
	}
	if p.all == nil {
		w, err := p.newTwoWay(nil)
		if err != nil {
			return nil, err
		}
		p.all = w
	}
	return p.all, nil
}

// newTwoWay builds the projector for the panel's cells where mask is true
// (all when nil).
func (p *panel) newTwoWay(mask []bool) (*twoWay, error) {
	w := &twoWay{nUnits: p.nUnits, nT: p.nT, nu: make([]float64, p.nUnits), nt: make([]float64, p.nT)}
	for i := range p.y {
		if mask == nil || mask[i] {
			w.cells = append(w.cells, i)
			w.units = append(w.units, p.units[i])
			w.per = append(w.per, p.per[i])
			w.nu[p.units[i]]++
			w.nt[p.per[i]]++
		}
	}
	T := p.nT
	L := make([]float64, T*T)
	for t := 0; t < T; t++ {
		L[t*T+t] = w.nt[t]
	}
	// Link the periods each unit is observed in (union-find).
	parent := make([]int, T)
	for t := range parent {
		parent[t] = t
	}
	find := func(x int) int {
		for parent[x] != x {
			parent[x] = parent[parent[x]]
			x = parent[x]
		}
		return x
	}
	// L -= C'C with C (units x periods) holding 1/sqrt(n_u) where unit u is
	// observed (a rank-k update through BLAS dsyrk, upper triangle).
	C := make([]float64, p.nUnits*T)
	for lo := 0; lo < len(w.cells); {
		hi := lo
		for hi < len(w.cells) && w.units[hi] == w.units[lo] {
			hi++
		}
		c := 1 / math.Sqrt(float64(hi-lo))
		u := w.units[lo]
		for a := lo; a < hi; a++ {
			C[u*T+w.per[a]] = c
			if a > lo {
				parent[find(w.per[a])] = find(w.per[lo])
			}
		}
		lo = hi
	}
	blas64.Syrk(blas.Trans, -1, blas64.General{Rows: p.nUnits, Cols: T, Stride: T, Data: C}, 1, blas64.Symmetric{Uplo: blas.Upper, N: T, Stride: T, Data: L})
	// Fix one period per component (the first one met) at zero.
	grounded := make([]bool, T)
	rootSeen := make([]bool, T)
	for t := 0; t < T; t++ {
		if r := find(t); !rootSeen[r] {
			rootSeen[r] = true
			grounded[t] = true
		}
	}
	var free []int
	for t := 0; t < T; t++ {
		if !grounded[t] {
			free = append(free, t)
		}
	}
	w.free = free
	if len(free) == 0 {
		return w, nil
	}
	m := len(free)
	sym := mat.NewSymDense(m, nil)
	for a, ta := range free {
		for b := a; b < m; b++ {
			sym.SetSym(a, b, L[ta*T+free[b]])
		}
	}
	if !w.ch.Factorize(sym) || w.ch.Cond() > 1e13 {
		return nil, badInputm("series", "impact.err.did.weak.singular")
	}
	return w, nil
}

// inverse returns the generalised inverse of L (T x T, zero in the rows and
// columns of the grounded periods), computed on first use (CR2 needs it).
func (w *twoWay) inverse() ([]float64, error) {
	if w.linv != nil {
		return w.linv, nil
	}
	T := w.nT
	w.linv = make([]float64, T*T)
	if len(w.free) == 0 {
		return w.linv, nil
	}
	var inv mat.SymDense
	if err := w.ch.InverseTo(&inv); err != nil {
		return nil, badInputm("series", "impact.err.did.weak", err.Error())
	}
	for a, ta := range w.free {
		for b, tb := range w.free {
			w.linv[ta*T+tb] = inv.At(a, b)
		}
	}
	return w.linv, nil
}

// effects returns the unit and period effects of v (one value per cell of
// w, in the order of w.cells); the normalisation is arbitrary, a_u + g_t is
// not.
func (w *twoWay) effects(v []float64) (a, g []float64) {
	a = make([]float64, w.nUnits)
	g = make([]float64, w.nT)
	b := make([]float64, w.nT)
	for i, x := range v {
		a[w.units[i]] += x
	}
	for u := range a {
		if w.nu[u] > 0 {
			a[u] /= w.nu[u]
		}
	}
	for i, x := range v {
		b[w.per[i]] += x - a[w.units[i]]
	}
	if m := len(w.free); m > 0 {
		bf := mat.NewVecDense(m, nil)
		for i, t := range w.free {
			bf.SetVec(i, b[t])
		}
		var gf mat.VecDense
		if err := w.ch.SolveVecTo(&gf, bf); err != nil {
			for t := range g {
				g[t] = math.NaN() // caught by residual's check
			}
		} else {
			for i, t := range w.free {
				g[t] = gf.AtVec(i)
			}
		}
	}
	clear(a)
	for i, x := range v {
		a[w.units[i]] += x - g[w.per[i]]
	}
	for u := range a {
		if w.nu[u] > 0 {
			a[u] /= w.nu[u]
		}
	}
	return a, g
}

// residual overwrites v (one value per cell of w) with its residual from the
// unit and period effects, and checks the result: the residual must sum to
// zero over every unit and every period (the normal equations), to within
// 1e-9 of the vector's size; otherwise the solve failed and an error says so.
func (w *twoWay) residual(v []float64) error {
	a, g := w.effects(v)
	var scale float64
	for i := range v {
		scale = math.Max(scale, math.Abs(v[i]))
		v[i] -= a[w.units[i]] + g[w.per[i]]
	}
	us := make([]float64, w.nUnits)
	ts := make([]float64, w.nT)
	for i, x := range v {
		us[w.units[i]] += x
		ts[w.per[i]] += x
	}
	var worst float64
	for _, s := range us {
		worst = math.Max(worst, math.Abs(s))
	}
	for _, s := range ts {
		worst = math.Max(worst, math.Abs(s))
	}
	if worst > 1e-9*scale*float64(len(v)) || math.IsNaN(worst) {
		return badInputm("series", "impact.err.did.numeric", i18n.G(worst, 3), i18n.G(scale, 3))
	}
	return nil
}

// feFit is the coefficient of one regressor after sweeping out unit and
// period effects, with its clustered standard error.
type feFit struct {
	coef, se, df float64
	n, g, k      int
	cr2          bool // CR2 with Satterthwaite degrees of freedom (else CR1, G-1)
	// noInterval says why no standard error can be estimated ("" when one
	// can).
	noInterval string
	// noIntervalMsg is noInterval as a message of the catalogue.
	noIntervalMsg i18n.Msg
}

// Small-sample inference of the DiD: below cr2Clusters clusters the
// standard error is CR2 with Satterthwaite degrees of freedom (Bell &
// McCaffrey 2002; Pustejovsky & Tipton 2018, JBES 36(4):672-683), whose
// tests keep their size with few clusters where CR1 with G-1 degrees of
// freedom rejects too often; from cr2Clusters on, CR1 (the two agree
// closely there, and CR2 costs O(G^2 N)).
const cr2Clusters = 50

// fit regresses y on regressor x (one value per cell) with unit and period
// effects, over the cells in mask (all when nil), with errors clustered by
// unit.
func (p *panel) fit(x []float64, mask []bool) (feFit, error) {
	w, err := p.twoWayFor(mask)
	if err != nil {
		return feFit{}, err
	}
	N := len(w.cells)
	yt := make([]float64, N)
	xt := make([]float64, N)
	var scale, ymax float64
	for c, i := range w.cells {
		yt[c], xt[c] = p.y[i], x[i]
		scale += x[i] * x[i]
		ymax = math.Max(ymax, math.Abs(p.y[i]))
	}
	if err := w.residual(yt); err != nil {
		return feFit{}, err
	}
	if err := w.residual(xt); err != nil {
		return feFit{}, err
	}
	var sxx, sxy float64
	var n, g, nPer int
	seenUnit := make([]bool, p.nUnits)
	seenPer := make([]bool, p.nT)
	for c := range yt {
		if w.nu[w.units[c]] < 2 {
			continue
		}
		sxx += xt[c] * xt[c]
		sxy += xt[c] * yt[c]
		n++
		if u := w.units[c]; !seenUnit[u] {
			seenUnit[u] = true
			g++
		}
		if t := w.per[c]; !seenPer[t] {
			seenPer[t] = true
			nPer++
		}
	}
	if !(sxx > 1e-10*scale) {
		return feFit{}, badInputm("treated", "impact.err.did.unidentified")
	}
	coef := sxy / sxx
	e := make([]float64, N)
	var sse float64
	for c := range e {
		e[c] = yt[c] - coef*xt[c]
		sse += e[c] * e[c]
	}
	k := nPer + 1
	if n <= k {
		return feFit{}, badInputm("series", "impact.err.did.fewobs", n, k)
	}
	f := feFit{coef: coef, n: n, g: g, k: k}
	if g < 3 {
		f.setNoInterval(i18n.M("impact.did.nointerval.few", g))
		return f, nil
	}
	// The conventional standard error and the outcome's size, as
	// yardsticks for a degenerate clustered one.
	conv := math.Sqrt(sse / float64(n-k) / sxx)
	floor := math.Max(1e-8*conv, 1e-10*ymax/math.Sqrt(sxx))
	if g < cr2Clusters {
		f.se, f.df = w.cr2(xt, e, sxx)
		f.cr2 = true
	} else {
		score := make([]float64, p.nUnits)
		for c := range e {
			score[w.units[c]] += xt[c] * e[c]
		}
		var meat float64
		for _, s := range score {
			meat += s * s
		}
		cf := float64(g) / float64(g-1) * float64(n-1) / float64(n-k)
		f.se, f.df = math.Sqrt(cf*meat)/sxx, float64(g-1)
	}
	if !(f.se > floor) || !(f.df > 0) || math.IsInf(f.se, 0) {
		f.se, f.df = 0, 0
		f.setNoInterval(i18n.M("impact.did.nointerval.cancel"))
	}
	return f, nil
}

// cr2 returns the CR2 standard error of the coefficient of xt (residualised
// regressor, sxx its sum of squares) given residuals e, clustered by unit,
// and its Satterthwaite degrees of freedom under the working model of
// independent homoskedastic errors (Pustejovsky & Tipton 2018, section 3;
// the same as R clubSandwich's coef_test(vcov = "CR2", test =
// "Satterthwaite") on the dummy-variable regression).
//
// For cluster j with cells J the adjustment is A_j = (I - H_jj)^(+1/2), H the
// hat matrix of the full design (unit dummies, period dummies, treatment):
// H_jj = 11'/n_j + C L⁺_jj C + x_j x_j'/sxx with C = I - 11'/n_j centring
// within the unit. The variance is sum_j (x_j' A_j e_j)^2 / sxx^2; with
// p_j = (I - H)_{.,J} A_j x_j / sxx, the degrees of freedom are
// (sum_j p_j'p_j)^2 / sum_i sum_j (p_i'p_j)^2.
func (w *twoWay) cr2(xt, e []float64, sxx float64) (se, df float64) {
	N := len(xt)
	linv, err := w.inverse()
	if err != nil {
		return math.NaN(), math.NaN()
	}
	var ps [][]float64
	var v float64
	for lo := 0; lo < N; {
		hi := lo
		for hi < N && w.units[hi] == w.units[lo] {
			hi++
		}
		m := hi - lo
		if m < 2 {
			lo = hi
			continue
		}
		u := make([]float64, m)
		if !w.cr2Adjust(xt, lo, hi, linv, sxx, u) {
			return math.NaN(), math.NaN()
		}
		var ue float64
		for a := 0; a < m; a++ {
			ue += u[a] * e[lo+a]
		}
		v += ue * ue
		ps = append(ps, w.cr2Projection(xt, u, lo, sxx))
		lo = hi
	}
	return math.Sqrt(v) / sxx, satterthwaite(ps)
}

// cr2Adjust sets u (zero on entry, one value per cell) to A_j x_j for the
// unit whose cells are lo..hi: H_jj from L⁺ (linv) restricted to the
// unit's periods, A_j = Q diag(l^(-1/2), 0 for l ~ 0) Q' from the
// eigen-decomposition of I - H_jj. It is false when that decomposition
// fails.
func (w *twoWay) cr2Adjust(xt []float64, lo, hi int, linv []float64, sxx float64, u []float64) bool {
	T, m := w.nT, hi-lo
	cl := make([]float64, m*m) // L⁺ restricted to the unit's periods
	for a := 0; a < m; a++ {
		for b := 0; b < m; b++ {
			cl[a*m+b] = linv[w.per[lo+a]*T+w.per[lo+b]]
		}
	}
	rm := make([]float64, m) // row means
	var gm float64
	for a := 0; a < m; a++ {
		for b := 0; b < m; b++ {
			rm[a] += cl[a*m+b]
		}
		rm[a] /= float64(m)
		gm += rm[a]
	}
	gm /= float64(m)
	B := mat.NewSymDense(m, nil)
	for a := 0; a < m; a++ {
		for b := a; b < m; b++ {
			h := 1/float64(m) + cl[a*m+b] - rm[a] - rm[b] + gm + xt[lo+a]*xt[lo+b]/sxx
			id := 0.0
			if a == b {
				id = 1
			}
			B.SetSym(a, b, id-h)
		}
	}
	var es mat.EigenSym
	if !es.Factorize(B, true) {
		return false
	}
	vals := es.Values(nil)
	var vecs mat.Dense
	es.VectorsTo(&vecs)
	top := 0.0
	for _, l := range vals {
		top = math.Max(top, math.Abs(l))
	}
	for c, l := range vals {
		if !(l > 1e-12*math.Max(top, 1)) {
			continue
		}
		var qx float64
		for a := 0; a < m; a++ {
			qx += vecs.At(a, c) * xt[lo+a]
		}
		s := qx / math.Sqrt(l)
		for a := 0; a < m; a++ {
			u[a] += vecs.At(a, c) * s
		}
	}
	return true
}

// cr2Projection returns p_j = (I - H) q for the unit whose cells start at
// lo, with q = u/sxx on its cells (u = A_j x_j) and zero elsewhere, H the
// hat matrix of the two-way fixed-effects regression on xt (N cells).
func (w *twoWay) cr2Projection(xt, u []float64, lo int, sxx float64) []float64 {
	q := make([]float64, len(xt))
	for a, x := range u {
		q[lo+a] = x / sxx
	}
	var xq float64
	for c := range q {
		xq += xt[c] * q[c]
	}
	a, g := w.effects(q)
	for c := range q {
		q[c] -= a[w.units[c]] + g[w.per[c]] + xt[c]*xq/sxx
	}
	return q
}

// satterthwaite is the Satterthwaite degrees of freedom of the CR2
// variance from the units' projections ps: (sum_j p_j'p_j)^2 /
// sum_{i,j} (p_i'p_j)^2 (Bell & McCaffrey 2002).
func satterthwaite(ps [][]float64) float64 {
	var num, den float64
	for i, pi := range ps {
		num += floats.Dot(pi, pi)
		for j := i; j < len(ps); j++ {
			d := floats.Dot(pi, ps[j])
			if j == i {
				den += d * d
			} else {
				den += 2 * d * d
			}
		}
	}
	return num * num / den
}

// preTrend tests a treated-specific linear trend over the pre-intervention
// periods.
func (p *panel) preTrend() (feFit, error) {
	if p.start < 2 {
		return feFit{}, domain.Invalidm("start", "impact.did.pretrend.needs2")
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
func (p *panel) effects(coef float64) (a, g []float64, err error) {
	w, err := p.twoWayFor(nil)
	if err != nil {
		return nil, nil, err
	}
	r := make([]float64, len(p.y))
	for i := range p.y {
		r[i] = p.y[i] - coef*p.d[i]
	}
	a, g = w.effects(r)
	return a, g, nil
}

// errMessage is the plain message of a domain error (without its field).
// setNoInterval records why no standard error can be estimated.
func (f *feFit) setNoInterval(m i18n.Msg) {
	f.noIntervalMsg, f.noInterval = m, i18n.EN.Render(m)
}

func errMessage(err error) string {
	var de *domain.Error
	if errors.As(err, &de) {
		return de.Message
	}
	return err.Error()
}
