package impact

import (
	"context"
	"math"
	"sort"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat/distuv"
)

// Control groups for staggered adoption.
const (
	// NeverTreated compares each cohort with the units never treated
	// within the panel.
	NeverTreated = "NEVER_TREATED"
	// NotYetTreated compares each cohort with the units not yet treated
	// (including those never treated) at the periods compared.
	NotYetTreated = "NOT_YET_TREATED"
)

// StaggeredInput is a balanced panel of units adopting a treatment at
// different periods.
type StaggeredInput struct {
	// Units names the rows of Y.
	Units []string
	// Y holds each unit's outcome for periods 0..T-1; every value finite.
	Y [][]float64
	// Cohort is each unit's first treated period (index into Y's columns),
	// or -1 for a unit never treated. A unit first treated at or after T
	// counts as never treated within the panel.
	Cohort []int
	// Control is NeverTreated or NotYetTreated.
	Control string
	// Anticipation is the number of periods before adoption in which units
	// may already react (delta in Callaway & Sant'Anna); >= 0.
	Anticipation int
	// EventWindow bounds the event study to relative periods in
	// [-EventWindow, EventWindow]; 0 keeps every relative period.
	EventWindow int
	// Inference is InferenceAnalytic (the default, also "") or
	// InferenceBootstrap: how the standard errors of the aggregates
	// (Overall, ByCohort, Cohorts, Event, EventAverage) and their
	// pointwise intervals are computed. Either way they are clustered by
	// unit, and the group-time cells' standard errors, the pre-trend test
	// and the sensitivity analysis use the analytic variance.
	Inference string
	// Draws is the number of multiplier-bootstrap draws: for the
	// simultaneous band of the event study, and with InferenceBootstrap
	// for every aggregate's standard error too; 0 for DefaultDraws, else
	// MinDraws to MaxDraws.
	Draws int
	// Seed makes the bootstrap reproducible: the same input and seed give
	// the same result.
	Seed uint64
}

// GroupTime is ATT(g,t), the average effect at period t on the units
// first treated at period g.
type GroupTime struct {
	Cohort, Period int
	// Base is the period compared with: g-1-anticipation for t >=
	// g-anticipation, t-1 before ("varying" base period).
	Base     int
	ATT, SE  float64
	Treated  int
	Controls int
}

// Aggregate is an aggregated effect with its standard error and 95%
// pointwise interval.
type Aggregate struct {
	Estimate, SE, Low, High float64
}

// CohortEffect is the average effect on one cohort over its treated periods.
type CohortEffect struct {
	Cohort int
	Units  int
	Aggregate
}

// EventEffect is the average effect e periods after adoption (e < 0:
// before), over the cohorts observed then, with a simultaneous band.
type EventEffect struct {
	Relative int
	Cohorts  int
	Aggregate
	// BandLow and BandHigh bound the simultaneous (sup-t) 95% band over
	// every relative period of the event study.
	BandLow, BandHigh float64
}

// TWFEComparison is what a two-way fixed-effects regression of the outcome
// on unit and period effects and a treated-after-adoption dummy says, and
// the weights it puts on each ATT(g,t).
type TWFEComparison struct {
	// Beta is the regression's coefficient on the dummy.
	Beta float64
	// Weighted is the sum of weight x ATT(g,t) over treated cells: what
	// Beta equals when parallel trends hold (de Chaisemartin &
	// D'Haultfoeuille 2020).
	Weighted float64
	// NegativeCells counts the treated (g,t) cells with a negative weight;
	// NegativeWeight is the sum of those weights.
	NegativeCells  int
	NegativeWeight float64
	// ForbiddenShare is the share of the Goodman-Bacon (2021) 2x2
	// comparisons' total weight on comparisons that use already-treated
	// units as controls.
	ForbiddenShare float64
}

// StaggeredResult is the Callaway & Sant'Anna (2021) estimate.
type StaggeredResult struct {
	Cells []GroupTime
	// Overall is the "simple" aggregation of did::aggte: the average of
	// ATT(g,t) over treated cells (t >= g) weighted by cohort size.
	Overall Aggregate
	// ByCohort is the "group" aggregation of did::aggte, Callaway &
	// Sant'Anna's recommended overall summary (theta^O_sel): the average
	// of the cohort effects weighted by cohort size, so that each treated
	// unit counts once whatever the number of periods it is observed
	// treated; the weights' estimation is in its influence function.
	ByCohort Aggregate
	Cohorts  []CohortEffect
	Event    []EventEffect
	// Critical is the sup-t critical value of the event-study band.
	Critical float64
	// PreTrend is the Wald test that every pre-adoption event-study
	// effect (e < -anticipation) is zero; NaN when there is none.
	PreTrendStat, PreTrendP float64
	PreTrendDF              int
	// DroppedCohorts are cohorts left out: adopted in the first period
	// (no period before to compare with).
	DroppedCohorts []int
	// NeverTreated and Treated count the units used.
	NeverTreated, Treated int
	TWFE                  TWFEComparison
	// EventAverage is the average of the event-study effects from
	// adoption on (did::aggte type "dynamic", overall).
	EventAverage Aggregate
	// Sensitivity of EventAverage to violations of parallel trends; nil
	// without periods before and after adoption in the event study.
	Sensitivity *Sensitivity
	// Inference is the method of the aggregates' standard errors
	// (InferenceAnalytic or InferenceBootstrap) and Draws the number of
	// multiplier-bootstrap draws, shared by every aggregate and the band.
	Inference string
	Draws     int
	// AnalyticFallbacks counts the aggregates whose bootstrap draws have
	// no spread between their quartiles (an estimate resting on one or two
	// units): their standard error is the analytic one. 0 with
	// InferenceAnalytic.
	AnalyticFallbacks int
}

// Staggered estimates group-time average treatment effects after Callaway
// & Sant'Anna (2021) under unconditional parallel trends (the simple
// difference-in-differences estimator, no covariates), aggregates them,
// and computes standard errors clustered by unit (each unit is a
// cluster) from the influence functions, analytic or by multiplier
// bootstrap (in.Inference), a multiplier-bootstrap sup-t band for the
// event study and a Wald pre-trend test.
func Staggered(in StaggeredInput) (*StaggeredResult, error) {
	return StaggeredContext(context.Background(), in)
}

// StaggeredContext is [Staggered] that stops once ctx is done: the
// influence functions check it at each group-time cell, the bootstrap
// before each aggregate's draws; it then returns ctx's error.
func StaggeredContext(ctx context.Context, in StaggeredInput) (*StaggeredResult, error) {
	n := len(in.Y)
	if n == 0 {
		return nil, badInputm("regions", "impact.err.stag.nounits")
	}
	if len(in.Cohort) != n {
		return nil, badInputm("cohort", "impact.err.stag.cohorts", len(in.Cohort), n)
	}
	T := len(in.Y[0])
	for i, row := range in.Y {
		if len(row) != T {
			return nil, badInputm("regions", "impact.err.stag.length", i, len(row), T)
		}
		for _, v := range row {
			if !finite(v) {
				return nil, badInputm("regions", "impact.err.stag.value", i)
			}
		}
	}
	if T < 2 {
		return nil, badInputm("from", "impact.err.stag.periods")
	}
	if in.Control != NeverTreated && in.Control != NotYetTreated {
		return nil, badInputm("control", "impact.err.stag.control", in.Control)
	}
	if in.Anticipation < 0 {
		return nil, badInputm("anticipation", "impact.err.stag.anticipation", in.Anticipation)
	}
	if err := CheckInference(in.Inference, in.Draws); err != nil {
		return nil, err
	}
	d := in.Anticipation
	res := &StaggeredResult{PreTrendStat: math.NaN(), PreTrendP: math.NaN()}

	// Cohorts: units by first treated period; -1 never treated; units
	// adopting with no period before (g-d-1 < 0) are left out.
	cohort := make([]int, n)
	byCohort := map[int][]int{}
	for i, g := range in.Cohort {
		if g >= T || g < 0 {
			g = -1
		}
		cohort[i] = g
		if g >= 0 && g-d-1 < 0 {
			if len(byCohort[g]) == 0 {
				res.DroppedCohorts = append(res.DroppedCohorts, g)
			}
			byCohort[g] = append(byCohort[g], i)
			cohort[i] = -2
			continue
		}
		byCohort[g] = append(byCohort[g], i)
	}
	sort.Ints(res.DroppedCohorts)
	var gs []int
	for g := range byCohort {
		if g >= 0 && g-d-1 >= 0 {
			gs = append(gs, g)
		}
	}
	sort.Ints(gs)
	never := byCohort[-1]
	res.NeverTreated = len(never)
	for _, g := range gs {
		res.Treated += len(byCohort[g])
	}
	if len(gs) == 0 {
		return nil, badInputm("interventions", "impact.err.stag.noadoption")
	}
	if in.Control == NeverTreated && len(never) == 0 {
		return nil, badInputm("control", "impact.err.stag.nevertreated")
	}
	// Units used (cohort -2 left out) count in n for the influence functions.
	used := 0
	for _, c := range cohort {
		if c != -2 {
			used++
		}
	}
	nf := float64(used)

	// Cohort totals for the means. Groups are indexed as the control
	// lists name them: 0 for the never treated, k+1 for cohort gs[k].
	grpUnits := make([][]int, len(gs)+1)
	grpTot := make([][]float64, len(gs)+1)
	grpUnits[0] = never
	for k, g := range gs {
		grpUnits[k+1] = byCohort[g]
	}
	for k, units := range grpUnits {
		row := make([]float64, T)
		for _, i := range units {
			for t, v := range in.Y[i] {
				row[t] += v
			}
		}
		grpTot[k] = row
	}
	// controls returns buf holding the groups that serve as controls for
	// cohort gs[k] comparing t with b: the never treated (if any) and,
	// with NotYetTreated, the cohorts adopting after max(t, b) + d, in
	// the order of gs.
	controls := func(buf []int, k, t, b int) []int {
		buf = buf[:0]
		if len(never) > 0 {
			buf = append(buf, 0)
		}
		if in.Control == NotYetTreated {
			for h := sort.SearchInts(gs, max(t, b)+d+1); h < len(gs); h++ {
				if h != k {
					buf = append(buf, h+1)
				}
			}
		}
		return buf
	}

	// Pass 1: ATT(g,t) from the totals.
	type cell struct {
		GroupTime
		k      int // index of the cohort in gs
		mG, mC float64
		nC     int
	}
	var cells []cell
	var cc []int
	for k, g := range gs {
		nG := len(grpUnits[k+1])
		totG := grpTot[k+1]
		for t := 0; t < T; t++ {
			b := t - 1
			if t >= g-d {
				b = g - d - 1
			}
			if b < 0 || t == b {
				continue
			}
			cc = controls(cc, k, t, b)
			nC, sC := 0, 0.0
			for _, h := range cc {
				nC += len(grpUnits[h])
				sC += grpTot[h][t] - grpTot[h][b]
			}
			if nC == 0 {
				continue
			}
			mG := (totG[t] - totG[b]) / float64(nG)
			mC := sC / float64(nC)
			cells = append(cells, cell{GroupTime: GroupTime{Cohort: g, Period: t, Base: b, ATT: mG - mC, Treated: nG, Controls: nC},
				k: k, mG: mG, mC: mC, nC: nC})
		}
	}
	if len(cells) == 0 {
		return nil, badInputm("control", "impact.err.stag.nocontrol")
	}

	// Aggregation weights.
	sPost := 0.0
	postCells := map[int]int{}
	eventSize := map[int]float64{}
	eventCohorts := map[int]int{}
	inWindow := func(e int) bool { return in.EventWindow <= 0 || (e >= -in.EventWindow && e <= in.EventWindow) }
	for _, c := range cells {
		nG := float64(c.Treated)
		if c.Period >= c.Cohort {
			sPost += nG
			postCells[c.Cohort]++
		}
		if e := c.Period - c.Cohort; inWindow(e) {
			eventSize[e] += nG
			eventCohorts[e]++
		}
	}
	if sPost == 0 {
		return nil, badInputm("to", "impact.err.stag.noafter")
	}
	overall := 0.0
	cohortEst := map[int]float64{}
	eventEst := map[int]float64{}
	for _, c := range cells {
		nG := float64(c.Treated)
		if c.Period >= c.Cohort {
			overall += nG / sPost * c.ATT
			cohortEst[c.Cohort] += c.ATT / float64(postCells[c.Cohort])
		}
		if e := c.Period - c.Cohort; inWindow(e) {
			eventEst[e] += nG / eventSize[e] * c.ATT
		}
	}
	var es []int
	for e := range eventSize {
		es = append(es, e)
	}
	sort.Ints(es)
	eIndex := map[int]int{}
	for k, e := range es {
		eIndex[e] = k
	}
	var cgs []int
	for g := range postCells {
		cgs = append(cgs, g)
	}
	sort.Ints(cgs)
	gIndex := map[int]int{}
	for k, g := range cgs {
		gIndex[g] = k
	}

	// Pass 2: influence functions, accumulated per unit for every
	// aggregate (scaled so that Var = sum(psi^2)/n^2).
	psiAll := make([]float64, n)
	psiG := make([][]float64, len(cgs))
	for k := range psiG {
		psiG[k] = make([]float64, n)
	}
	psiE := make([][]float64, len(es))
	for k := range psiE {
		psiE[k] = make([]float64, n)
	}
	for ci := range cells {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		c := &cells[ci]
		g, t, b := c.Cohort, c.Period, c.Base
		nG := float64(c.Treated)
		var wAll, wG, wE float64
		var pG, pE []float64
		if t >= g {
			wAll = nG / sPost
			wG = 1 / float64(postCells[g])
			pG = psiG[gIndex[g]]
		}
		e := t - g
		if inWindow(e) {
			wE = nG / eventSize[e]
			pE = psiE[eIndex[e]]
		}
		ss := 0.0
		kT := nf / nG
		for _, i := range byCohort[g] {
			v := kT * (in.Y[i][t] - in.Y[i][b] - c.mG)
			ss += v * v
			psiAll[i] += wAll * v
			if pG != nil {
				pG[i] += wG * v
			}
			if pE != nil {
				pE[i] += wE * v
			}
		}
		kC := nf / float64(c.nC)
		cc = controls(cc, c.k, t, b)
		for _, h := range cc {
			for _, i := range grpUnits[h] {
				v := -kC * (in.Y[i][t] - in.Y[i][b] - c.mC)
				ss += v * v
				psiAll[i] += wAll * v
				if pG != nil {
					pG[i] += wG * v
				}
				if pE != nil {
					pE[i] += wE * v
				}
			}
		}
		c.SE = math.Sqrt(ss) / nf
		// The weights are estimated (cohort shares): their influence.
		if t >= g || pE != nil {
			for _, i := range byCohort[g] {
				if t >= g {
					psiAll[i] += nf * (c.ATT - overall) / sPost
				}
				if pE != nil {
					pE[i] += nf * (c.ATT - eventEst[e]) / eventSize[e]
				}
			}
		}
	}
	// Standard errors: analytic, or from one multiplier bootstrap whose
	// weights every aggregate shares (did's mboot); the event study's
	// draws give its simultaneous band either way.
	draws := in.Draws
	if draws == 0 {
		draws = DefaultDraws
	}
	res.Inference, res.Draws = InferenceAnalytic, draws
	boot := in.Inference == InferenceBootstrap
	if boot {
		res.Inference = InferenceBootstrap
	}
	var rad *rademacher
	weights := func() *rademacher {
		if rad == nil {
			rad = newRademacher(n, draws, in.Seed)
		}
		return rad
	}
	scratch := make([]float64, draws)
	z := 1.959963984540054
	// agg is the aggregate est with influence function psi; keep, when
	// not nil, receives its bootstrap draws with InferenceBootstrap.
	agg := func(est float64, psi, keep []float64) Aggregate {
		ss := 0.0
		for _, v := range psi {
			ss += v * v
		}
		se := math.Sqrt(ss) / nf
		if boot {
			d := scratch
			weights().mean(psi, nf, d)
			if keep != nil {
				copy(keep, d)
			}
			if b := iqrScale(d); b > 0 {
				se = b
			} else if se > 0 {
				res.AnalyticFallbacks++
			}
		}
		return Aggregate{Estimate: est, SE: se, Low: est - z*se, High: est + z*se}
	}
	res.Overall = agg(overall, psiAll, nil)
	nTreated := 0
	for _, g := range cgs {
		nTreated += len(byCohort[g])
	}
	byCohortEst := 0.0
	for _, g := range cgs {
		byCohortEst += float64(len(byCohort[g])) / float64(nTreated) * cohortEst[g]
	}
	psiSel := make([]float64, n)
	for k, g := range cgs {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		res.Cohorts = append(res.Cohorts, CohortEffect{Cohort: g, Units: len(byCohort[g]), Aggregate: agg(cohortEst[g], psiG[k], nil)})
		w := float64(len(byCohort[g])) / float64(nTreated)
		for i, v := range psiG[k] {
			psiSel[i] += w * v
		}
		// The cohort shares are estimated: their influence.
		for _, i := range byCohort[g] {
			psiSel[i] += nf * (cohortEst[g] - byCohortEst) / float64(nTreated)
		}
	}
	if nTreated > 0 {
		res.ByCohort = agg(byCohortEst, psiSel, nil)
	}
	eventDraws := make([][]float64, len(es))
	eventSE := make([]float64, len(es))
	for k, e := range es {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		eventDraws[k] = make([]float64, draws)
		res.Event = append(res.Event, EventEffect{Relative: e, Cohorts: eventCohorts[e], Aggregate: agg(eventEst[e], psiE[k], eventDraws[k])})
		eventSE[k] = res.Event[k].SE
		if !boot && eventSE[k] > 0 {
			weights().mean(psiE[k], nf, eventDraws[k])
		}
	}
	res.Cells = make([]GroupTime, len(cells))
	for i, c := range cells {
		res.Cells[i] = c.GroupTime
	}

	// Sup-t band: the largest |t| over the event study in each draw.
	res.Critical = supCritical(eventDraws, eventSE)
	for k := range res.Event {
		ev := &res.Event[k]
		ev.BandLow, ev.BandHigh = ev.Estimate-res.Critical*ev.SE, ev.Estimate+res.Critical*ev.SE
	}

	// Pre-trend Wald test on the pre-adoption event-study effects.
	var pre []int
	for k, e := range es {
		if e < -d && res.Event[k].SE > 0 {
			pre = append(pre, k)
		}
	}
	if len(pre) > 0 {
		res.PreTrendStat, res.PreTrendP, res.PreTrendDF = wald(res.Event, psiE, pre, nf)
	}
	// The event-study average over e >= 0 and its sensitivity.
	var post []int
	for k, e := range es {
		if e >= 0 {
			post = append(post, k)
		}
	}
	if len(post) > 0 {
		avg := 0.0
		psi := make([]float64, n)
		for _, k := range post {
			avg += res.Event[k].Estimate / float64(len(post))
			for i, v := range psiE[k] {
				psi[i] += v / float64(len(post))
			}
		}
		res.EventAverage = agg(avg, psi, nil)
		res.Sensitivity = staggeredSensitivity(res.Event, psiE, d, nf)
	}
	res.TWFE = twfe(in.Y, cohort, gs, byCohort, cells2gt(res.Cells))
	return res, nil
}

// staggeredSensitivity is the relative-magnitudes analysis of the
// event-study average over e >= 0. The event study uses the varying base
// period, so its estimates before adoption (e <= r = -d-1) are moves
// between consecutive periods; they are summed back to levels relative to
// the reference period r (level_{e-1} = level_e - move_e, level_r = 0), as
// Rambachan & Roth's analysis takes them, with the covariance from the
// same sums of influence functions. nil when the event study lacks a
// period on either side of r or has a gap.
func staggeredSensitivity(ev []EventEffect, psiE [][]float64, d int, nf float64) *Sensitivity {
	r := -d - 1
	var pre, post []int // indexes into ev: pre-adoption moves, oldest first; periods after r
	for k, e := range ev {
		if k > 0 && e.Relative != ev[k-1].Relative+1 {
			return nil
		}
		if e.Relative <= r {
			pre = append(pre, k)
		} else {
			post = append(post, k)
		}
	}
	if len(pre) == 0 || len(post) == 0 || ev[post[len(post)-1]].Relative < 0 {
		return nil
	}
	n := len(psiE[0])
	nPre := len(pre)
	P := nPre + len(post)
	beta := make([]float64, P)
	psi := make([][]float64, P)
	// Levels before r, newest first: level_{e-1} = level_e - move_e.
	level, lpsi := 0.0, make([]float64, n)
	for j := nPre - 1; j >= 0; j-- {
		k := pre[j]
		level -= ev[k].Estimate
		next := make([]float64, n)
		for i := range next {
			next[i] = lpsi[i] - psiE[k][i]
		}
		lpsi = next
		beta[j], psi[j] = level, lpsi
	}
	l := make([]float64, len(post))
	nl := 0
	for j, k := range post {
		beta[nPre+j], psi[nPre+j] = ev[k].Estimate, psiE[k]
		if ev[k].Relative >= 0 {
			nl++
		}
	}
	for j, k := range post {
		if ev[k].Relative >= 0 {
			l[j] = 1 / float64(nl)
		}
	}
	sigma := mat.NewSymDense(P, nil)
	for a := 0; a < P; a++ {
		for b := a; b < P; b++ {
			sigma.SetSym(a, b, dotf(psi[a], psi[b])/(nf*nf))
		}
	}
	s, err := rmSensitivity(eventCoefs{Beta: beta, Sigma: sigma, NPre: nPre, L: l}, "the average effect from adoption on (event-study average)")
	if err != nil {
		return nil
	}
	return s
}

func cells2gt(c []GroupTime) map[[2]int]float64 {
	m := make(map[[2]int]float64, len(c))
	for _, x := range c {
		m[[2]int{x.Cohort, x.Period}] = x.ATT
	}
	return m
}

// wald tests that the event-study effects at indexes ks are all zero.
func wald(ev []EventEffect, psi [][]float64, ks []int, nf float64) (stat, p float64, df int) {
	m := len(ks)
	V := mat.NewSymDense(m, nil)
	for a := 0; a < m; a++ {
		for b := a; b < m; b++ {
			s := 0.0
			pa, pb := psi[ks[a]], psi[ks[b]]
			for i := range pa {
				s += pa[i] * pb[i]
			}
			V.SetSym(a, b, s/(nf*nf))
		}
	}
	theta := mat.NewVecDense(m, nil)
	for a, k := range ks {
		theta.SetVec(a, ev[k].Estimate)
	}
	var chol mat.Cholesky
	if !chol.Factorize(V) {
		return math.NaN(), math.NaN(), m
	}
	x := mat.NewVecDense(m, nil)
	if err := chol.SolveVecTo(x, theta); err != nil {
		return math.NaN(), math.NaN(), m
	}
	stat = mat.Dot(theta, x)
	return stat, distuv.ChiSquared{K: float64(m)}.Survival(stat), m
}

// twfe fits Y = unit + period + beta*D on the balanced panel of the units
// used, and the weights it puts on ATT(g,t).
func twfe(Y [][]float64, cohort []int, gs []int, byCohort map[int][]int, att map[[2]int]float64) TWFEComparison {
	T := len(Y[0])
	var units []int
	for i, c := range cohort {
		if c != -2 {
			units = append(units, i)
		}
	}
	n := float64(len(units))
	D := func(c, t int) float64 {
		if c >= 0 && t >= c {
			return 1
		}
		return 0
	}
	// Means of D by unit (by cohort), by period, overall.
	rowMean := map[int]float64{}
	colMean := make([]float64, T)
	all := 0.0
	for _, i := range units {
		c := cohort[i]
		if _, ok := rowMean[c]; !ok {
			s := 0.0
			for t := 0; t < T; t++ {
				s += D(c, t)
			}
			rowMean[c] = s / float64(T)
		}
		for t := 0; t < T; t++ {
			colMean[t] += D(c, t) / n
		}
		all += rowMean[c] / n
	}
	tilde := func(c, t int) float64 { return D(c, t) - rowMean[c] - colMean[t] + all }
	num, den := 0.0, 0.0
	for _, i := range units {
		c := cohort[i]
		for t := 0; t < T; t++ {
			dt := tilde(c, t)
			num += dt * Y[i][t]
			den += dt * dt
		}
	}
	out := TWFEComparison{Beta: math.NaN()}
	if den <= 0 {
		return out
	}
	out.Beta = num / den
	// Weights on treated cells: n_g * tilde(g,t) / sum over treated cells.
	sum := 0.0
	for _, g := range gs {
		for t := g; t < T; t++ {
			sum += float64(len(byCohort[g])) * tilde(g, t)
		}
	}
	for _, g := range gs {
		for t := g; t < T; t++ {
			w := float64(len(byCohort[g])) * tilde(g, t) / sum
			if w < 0 {
				out.NegativeCells++
				out.NegativeWeight += w
			}
			out.Weighted += w * att[[2]int{g, t}]
		}
	}
	out.ForbiddenShare = baconForbidden(T, gs, byCohort, len(byCohort[-1]), n)
	return out
}

// baconForbidden returns the share of the total Goodman-Bacon (2021)
// weight on "later vs. already treated" 2x2 comparisons, from the weights
// of his equation (10) for balanced panels (before dividing by the
// variance of the demeaned dummy, which cancels in the share): for timing
// groups k (earlier) and l (later) with sample shares n_k, n_l, n_kl =
// n_k/(n_k+n_l), and shares of periods treated D_k > D_l, the early-vs-
// late comparison weighs ((n_k+n_l)(1-D_l))^2 n_kl(1-n_kl)
// ((D_k-D_l)/(1-D_l)) ((1-D_k)/(1-D_l)), the late-vs-early (the
// already-treated k as control) weighs ((n_k+n_l)D_k)^2 n_kl(1-n_kl)
// (D_l/D_k) ((D_k-D_l)/D_k); against the never treated U, group k weighs
// (n_k+n_U)^2 n_kU(1-n_kU) D_k(1-D_k).
func baconForbidden(T int, gs []int, byCohort map[int][]int, nNever int, n float64) float64 {
	frac := func(g int) float64 { return float64(T-g) / float64(T) } // share of periods treated
	share := func(g int) float64 { return float64(len(byCohort[g])) / n }
	nU := float64(nNever) / n
	total, forbidden := 0.0, 0.0
	for a, k := range gs {
		nk, Dk := share(k), frac(k)
		if nU > 0 {
			nkU := nk / (nk + nU)
			total += (nk + nU) * (nk + nU) * nkU * (1 - nkU) * Dk * (1 - Dk)
		}
		for _, l := range gs[a+1:] {
			nl, Dl := share(l), frac(l) // l later: Dl < Dk
			nkl := nk / (nk + nl)
			// Early (k) treated vs late (l) not yet treated: window before l.
			early := (nk + nl) * (nk + nl) * (1 - Dl) * (1 - Dl) * nkl * (1 - nkl) * ((Dk - Dl) / (1 - Dl)) * ((1 - Dk) / (1 - Dl))
			// Late (l) treated vs early (k) already treated: window after k.
			late := (nk + nl) * (nk + nl) * Dk * Dk * nkl * (1 - nkl) * (Dl / Dk) * ((Dk - Dl) / Dk)
			total += early + late
			forbidden += late
		}
	}
	if total == 0 {
		return 0
	}
	return forbidden / total
}
