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
func (p *panel) eventStudy() (eventCoefs, i18n.Msg) {
	w, err := p.twoWayFor(nil)
	if err != nil {
		return eventCoefs{}, i18n.M("sensitivity.rm.unidentified")
	}
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
	nPre := ref // periods 0..ref-1
	l := make([]float64, K-nPre)
	for i := range l {
		l[i] = 1 / float64(len(l))
	}
	out := eventCoefs{Beta: make([]float64, K), Sigma: sigma, NPre: nPre, L: l}
	for k := range out.Beta {
		out.Beta[k] = beta.AtVec(k)
		if math.IsNaN(out.Beta[k]) {
			return eventCoefs{}, i18n.M("sensitivity.rm.unidentified")
		}
	}
	return out, i18n.Msg{}
}
