package impact

import (
	"math"

	"github.com/supplyeval/supplyeval/i18n"
	"gonum.org/v1/gonum/mat"
)

// maxEventStudyWork bounds the event study's cost (regressors squared
// times cells) so that a very long panel does not stall the estimate.
const maxEventStudyWork = 2e9

// didSensitivity is the relative-magnitudes sensitivity ([Sensitivity]) of
// the average effect after the start, from the event study of the panel
// ([panel.eventStudy]); with none, the reason (a message of the
// catalogue).
func (p *panel) didSensitivity() (*Sensitivity, i18n.Msg) {
	if p.start < 2 || p.nT-p.start < 1 {
		return nil, i18n.M("sensitivity.rm.few")
	}
	e, reason := p.eventStudy()
	if !reason.IsZero() {
		return nil, reason
	}
	s, err := rmSensitivity(e, "the average effect from the start on (average of the event-study effects)")
	if err != nil {
		return nil, i18n.M("sensitivity.rm.singular")
	}
	return s, i18n.Msg{}
}

// eventStudy fits the event study of the DiD panel,
//
//	y_it = a_i + g_t + sum over t != start-1 of b_t Treated_i 1[t] + e_it,
//
// by sweeping out the unit and period effects (Frisch-Waugh-Lovell) and
// solving the normal equations of the residual regressors, with the CR1
// covariance clustered by unit: G/(G-1) (N-1)/(N-K) times the sandwich,
// K the parameters other than the unit effects (intercept, period effects
// and the b_t), as fixest's feols(y ~ i(t, treated, ref) | unit + t,
// cluster = ~unit) computes it. (The DiD estimate itself uses CR2 below
// 50 units; the event study's covariance matrix uses CR1 at every size,
// as Rambachan & Roth's examples do.) The coefficients come in the order
// Rambachan & Roth use: the periods before the reference period start-1,
// then those from start on; the target is their average from start on.
//
// A balanced panel (every unit in every period) takes the closed form of
// [panel.eventStudyBalanced]; any other the general sweep of
// [panel.eventStudySwept]. Both give the same numbers on a balanced panel
// (TestEventStudyClosedFormEqualsSweep).
func (p *panel) eventStudy() (eventCoefs, i18n.Msg) {
	w, err := p.twoWayFor(nil)
	if err != nil {
		return eventCoefs{}, i18n.M("sensitivity.rm.unidentified")
	}
	if len(w.cells) == p.nUnits*p.nT && p.nTreated > 0 && p.nTreated < p.nUnits {
		return p.eventStudyBalanced(w)
	}
	return p.eventStudySwept(w)
}

// eventStudyBalanced is the event study of a balanced panel in closed
// form. With D_u the treatment indicator, D its mean over the n units
// and T periods, the residual of the regressor Treated x 1[t = k] from
// the unit and period effects is (D_u - D)(1[t = k] - 1/T), so that
// with n1 treated units and c = n1 (1 - D):
//
//	X~'X~ = c (I - J/T) on the T-1 periods other than the reference,
//	whose inverse is (I + J) / c (Sherman-Morrison: J/T has trace
//	(T-1)/T), so b = (X~'y~ + 1 sum X~'y~) / c;
//	unit u's score on period k is (D_u - D)(e_uk - mean_t e_ut).
//
// That is O(n T + n K^2) for K = T-1 coefficients, where the sweep costs
// K residual projections of n T cells each and a K x nT matrix.
func (p *panel) eventStudyBalanced(w *twoWay) (eventCoefs, i18n.Msg) {
	T, n, ref := p.nT, p.nUnits, p.start-1
	K, N := T-1, len(w.cells)
	if n < 3 || N <= T+K {
		return eventCoefs{}, i18n.M("sensitivity.rm.few")
	}
	yt := make([]float64, N)
	for c, i := range w.cells {
		yt[c] = p.y[i]
	}
	if err := w.residual(yt); err != nil {
		return eventCoefs{}, i18n.M("sensitivity.rm.unidentified")
	}
	Y := make([]float64, n*T) // swept outcome by unit and period
	for c := range yt {
		Y[w.units[c]*T+w.per[c]] = yt[c]
	}
	cols := make([]int, 0, K) // the period of each coefficient
	for t := 0; t < T; t++ {
		if t != ref {
			cols = append(cols, t)
		}
	}
	dbar := float64(p.nTreated) / float64(n)
	c0 := float64(p.nTreated) * (1 - dbar)
	// X~'y~: the swept outcome summed over the treated units, by period.
	xty := make([]float64, K)
	var sum float64
	for k, t := range cols {
		for u := 0; u < p.nTreated; u++ {
			xty[k] += Y[u*T+t]
		}
		sum += xty[k]
	}
	beta := make([]float64, K)
	bt := make([]float64, T) // coefficient by period, 0 at the reference
	var bsum float64
	for k, t := range cols {
		beta[k] = (xty[k] + sum) / c0
		bt[t] = beta[k]
		bsum += beta[k]
		if math.IsNaN(beta[k]) || math.IsInf(beta[k], 0) {
			return eventCoefs{}, i18n.M("sensitivity.rm.unidentified")
		}
	}
	// Residuals, scores, and the sandwich: with q_u = (s_u + 1 sum s_u)/c
	// the bread times unit u's score, V = sum over units of q_u q_u'.
	sigma := mat.NewSymDense(K, nil)
	e := make([]float64, T)
	q := make([]float64, K)
	for u := 0; u < n; u++ {
		du := -dbar
		if u < p.nTreated {
			du = 1 - dbar
		}
		var mean float64
		for t := 0; t < T; t++ {
			e[t] = Y[u*T+t] - du*(bt[t]-bsum/float64(T))
			mean += e[t]
		}
		mean /= float64(T)
		var ssum float64
		for k, t := range cols {
			q[k] = du * (e[t] - mean)
			ssum += q[k]
		}
		for k := range q {
			q[k] = (q[k] + ssum) / c0
		}
		sigma.SymRankOne(sigma, 1, mat.NewVecDense(K, q))
	}
	kAll := T + K
	cf := float64(n) / float64(n-1) * float64(N-1) / float64(N-kAll)
	sigma.ScaleSym(cf, sigma)
	return p.eventCoefs(beta, sigma, ref), i18n.Msg{}
}

// eventCoefs packs an event study's coefficients and covariance, with the
// average of the periods from the start on as the target.
func (p *panel) eventCoefs(beta []float64, sigma *mat.SymDense, ref int) eventCoefs {
	nPre := ref // periods 0..ref-1
	l := make([]float64, len(beta)-nPre)
	for i := range l {
		l[i] = 1 / float64(len(l))
	}
	return eventCoefs{Beta: beta, Sigma: sigma, NPre: nPre, L: l}
}

// eventStudySwept is the event study of any panel: each regressor swept
// of the unit and period effects, normal equations solved by Cholesky.
func (p *panel) eventStudySwept(w *twoWay) (eventCoefs, i18n.Msg) {
	ref := p.start - 1
	var cols []int // the period of each regressor
	for t := 0; t < p.nT; t++ {
		if t != ref {
			cols = append(cols, t)
		}
	}
	K, N := len(cols), len(w.cells)
	if float64(K)*float64(K)*float64(N) > maxEventStudyWork {
		return eventCoefs{}, i18n.M("sensitivity.rm.long", K+1)
	}
	col := make([]int, p.nT)
	for k, t := range cols {
		col[t] = k
	}
	col[ref] = -1
	yt := make([]float64, N)
	X := make([][]float64, K)
	for k := range X {
		X[k] = make([]float64, N)
	}
	for c, i := range w.cells {
		yt[c] = p.y[i]
		if p.units[i] < p.nTreated && col[p.per[i]] >= 0 {
			X[col[p.per[i]]][c] = 1
		}
	}
	if err := w.residual(yt); err != nil {
		return eventCoefs{}, i18n.M("sensitivity.rm.unidentified")
	}
	for k := range X {
		if err := w.residual(X[k]); err != nil {
			return eventCoefs{}, i18n.M("sensitivity.rm.unidentified")
		}
	}
	// X~'X~ = X'X~ and X~'y~ = X'y~ (the residual maker is idempotent):
	// sums of the residualised columns over each regressor's treated
	// cells, O(K x treated cells) instead of O(K^2 N).
	gram := make([][]float64, K)
	for a := range gram {
		gram[a] = make([]float64, K)
	}
	xty := mat.NewVecDense(K, nil)
	for c, i := range w.cells {
		if p.units[i] >= p.nTreated || col[p.per[i]] < 0 {
			continue
		}
		a := col[p.per[i]]
		for b := range X {
			gram[a][b] += X[b][c]
		}
		xty.SetVec(a, xty.AtVec(a)+yt[c])
	}
	xtx := mat.NewSymDense(K, nil)
	for a := 0; a < K; a++ {
		for b := a; b < K; b++ {
			xtx.SetSym(a, b, (gram[a][b]+gram[b][a])/2)
		}
	}
	var ch mat.Cholesky
	if !ch.Factorize(xtx) || ch.Cond() > 1e12 {
		return eventCoefs{}, i18n.M("sensitivity.rm.unidentified")
	}
	var beta mat.VecDense
	if err := ch.SolveVecTo(&beta, xty); err != nil {
		return eventCoefs{}, i18n.M("sensitivity.rm.unidentified")
	}
	// Residuals, scores by unit, clusters and periods observed.
	score := make([][]float64, p.nUnits)
	nPer := 0
	seenPer := make([]bool, p.nT)
	for c := range yt {
		e := yt[c]
		for k := range X {
			e -= X[k][c] * beta.AtVec(k)
		}
		u := w.units[c]
		if score[u] == nil {
			score[u] = make([]float64, K)
		}
		for k := range X {
			score[u][k] += X[k][c] * e
		}
		if t := w.per[c]; !seenPer[t] {
			seenPer[t] = true
			nPer++
		}
	}
	meat := mat.NewSymDense(K, nil)
	G := 0
	for _, s := range score {
		if s == nil {
			continue
		}
		G++
		meat.SymRankOne(meat, 1, mat.NewVecDense(K, s))
	}
	kAll := nPer + K
	if G < 3 || N <= kAll {
		return eventCoefs{}, i18n.M("sensitivity.rm.few")
	}
	var inv mat.SymDense
	if err := ch.InverseTo(&inv); err != nil {
		return eventCoefs{}, i18n.M("sensitivity.rm.unidentified")
	}
	var bm, v mat.Dense
	bm.Mul(&inv, meat)
	v.Mul(&bm, &inv)
	cf := float64(G) / float64(G-1) * float64(N-1) / float64(N-kAll)
	sigma := mat.NewSymDense(K, nil)
	for a := 0; a < K; a++ {
		for b := a; b < K; b++ {
			sigma.SetSym(a, b, cf*(v.At(a, b)+v.At(b, a))/2)
		}
	}
	b := make([]float64, K)
	for k := range b {
		b[k] = beta.AtVec(k)
		if math.IsNaN(b[k]) {
			return eventCoefs{}, i18n.M("sensitivity.rm.unidentified")
		}
	}
	return p.eventCoefs(b, sigma, ref), i18n.Msg{}
}
