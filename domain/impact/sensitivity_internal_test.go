package impact

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/optimize/convex/lp"
)

// medicaid is the event study of HonestDiD's README (Medicaid expansion
// and insurance coverage of low-income childless adults, ACS state panel
// 2008-2015, states expanding in 2014 against never-expanding ones,
// reference year 2013): fixest::feols(dins ~ i(year, D, ref = 2013) |
// stfips + year, cluster = "stfips"). The coefficients and covariance
// were computed with R 4.2.2 (base lm with state and year factors, the
// cluster sandwich by state times fixest's small-sample factor
// G/(G-1) (n-1)/(n-K) with G = 43, n = 344, K = 15) from the data frame
// df_nonstaggered stored in the README's knitr cache
// (README_cache/gfm/unnamed-chunk-8_*.rdb of asheshrambachan/HonestDiD at
// commit 6813f02, package version 0.2.8); they give the README's original
// interval for the average of 2014 and 2015, [0.04037, 0.07528], exactly.
func medicaid() eventCoefs {
	beta := []float64{-0.0052853545327207433, -0.011297324648151155, -0.0026759918117935971, -0.0014193122521107308, 0.00033966351897168147, 0.046446854159945504, 0.069206175479021942}
	rows := [][]float64{
		{7.4884836358977771e-05, 6.0398740956444489e-05, 4.4446198184612074e-05, 3.38576470608924e-05, 4.3280112547436132e-05, 4.7658804787780339e-05, 2.4251286997541945e-05},
		{6.0398740956444543e-05, 7.2665006169970306e-05, 3.7893302212881515e-05, 2.8665780251485059e-05, 4.5433206284037937e-05, 4.4288501193181196e-05, 2.8246550429846383e-05},
		{4.4446198184612033e-05, 3.7893302212881468e-05, 5.0520519401629478e-05, 2.6736794324839241e-05, 2.7781935676740783e-05, 3.06064410890557e-05, 9.6375338826690048e-06},
		{3.3857647060892407e-05, 2.8665780251485073e-05, 2.6736794324839285e-05, 4.0032220263378079e-05, 2.412859975716417e-05, 2.3808682090736343e-05, 2.923878143363979e-06},
		{4.3280112547436112e-05, 4.5433206284037924e-05, 2.7781935676740766e-05, 2.4128599757164116e-05, 5.4626622070543137e-05, 3.6825310517432053e-05, 9.7229475024184108e-06},
		{4.765880478778019e-05, 4.4288501193181202e-05, 3.06064410890557e-05, 2.3808682090736296e-05, 3.6825310517432046e-05, 8.3756688246775939e-05, 6.3213979625338158e-05},
		{2.4251286997541786e-05, 2.8246550429846373e-05, 9.6375338826690505e-06, 2.9238781433639494e-06, 9.7229475024184024e-06, 6.321397962533809e-05, 0.00010712352303004436},
	}
	sigma := mat.NewSymDense(7, nil)
	for i := range rows {
		for j := i; j < 7; j++ {
			sigma.SetSym(i, j, (rows[i][j]+rows[j][i])/2)
		}
	}
	return eventCoefs{Beta: beta, Sigma: sigma, NPre: 5, L: []float64{0.5, 0.5}}
}

// honestGrid is the confidence set as HonestDiD reports it: the lowest and
// highest accepted points of 1,000 equally spaced points on
// [-20 sd, 20 sd] (sd the target's standard error), and the spacing.
func honestGrid(t *testing.T, a *rmAnalysis, mbar float64) (lo, hi, step float64) {
	t.Helper()
	sd := math.Sqrt(a.varL)
	ps := a.polys(mbar)
	step = 40 * sd / 999
	lo, hi = math.Inf(1), math.Inf(-1)
	for i := 0; i < 1000; i++ {
		th := -20*sd + float64(i)*step
		if a.acceptsAny(ps, th) {
			lo, hi = math.Min(lo, th), math.Max(hi, th)
		}
	}
	return lo, hi, step
}

// TestRMMedicaidPublished compares the confidence sets under
// Delta^RM(Mbar) with those HonestDiD 0.2.8 publishes for the Medicaid
// example (asheshrambachan/HonestDiD, commit 6813f02):
//   - the first post-period effect (2014), README.md "Sensitivity analysis
//     using relative magnitudes restrictions": the printed table of
//     createSensitivityResults_relativeMagnitudes (C-LF, Mbar 0.5 to 2),
//     lb/ub to three significant digits, and its breakdown value "Mbar =
//     2" on that grid (the set includes zero at 2, not at 1.5);
//   - the average of 2014 and 2015, l_vec = c(0.5, 0.5), Mbar 0 to 2: the
//     values of delta_rm_results_avg in the README's knitr cache
//     (README_cache/gfm/unnamed-chunk-7_*.rdb), shown in the README only
//     as a plot.
//
// The sets are read as HonestDiD reads them, from 1,000 grid points on
// [-20 sd, 20 sd]. The tolerance is three grid steps (0.0011, an eighth of
// the standard error): the least-favourable critical value of the hybrid
// test is a simulated 99.5% quantile over 1,000 draws (mvtnorm draws with
// seed 0 in R, PCG draws here), and changing only the seed of our draws
// moves the ends by up to three grid steps on this example.
func TestRMMedicaidPublished(t *testing.T) {
	cases := []struct {
		l    []float64
		want [][3]float64 // Mbar, lb, ub
	}{
		{[]float64{1, 0}, [][3]float64{{0.5, 0.0241, 0.0673}, {1, 0.0171, 0.0720}, {1.5, 0.00859, 0.0796}, {2, -0.00107, 0.0883}}},
		{[]float64{0.5, 0.5}, [][3]float64{{0, 0.0405304671488131429, 0.075122562490154310}, {0.5, 0.0321417831953705324, 0.079815601605595060},
			{1, 0.0193843173055917584, 0.090148561485392908}, {1.5, 0.0058242648754914250, 0.103501494808313499}, {2, -0.0085383740949304954, 0.117248615355159236}}},
	}
	for _, c := range cases {
		e := medicaid()
		e.L = c.l
		a, err := newRM(e, 0x52522023)
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range c.want {
			lo, hi, step := honestGrid(t, a, w[0])
			t.Logf("l = %v, Mbar %v: [%.5f, %.5f], HonestDiD [%.5f, %.5f]", c.l, w[0], lo, hi, w[1], w[2])
			if math.Abs(lo-w[1]) > 3*step || math.Abs(hi-w[2]) > 3*step {
				t.Errorf("l = %v, Mbar %v: [%.5f, %.5f], HonestDiD [%.5f, %.5f] (tolerance %.5f)", c.l, w[0], lo, hi, w[1], w[2], 3*step)
			}
			// The bisection finds the same ends to within a grid step.
			blo, bhi, ok := a.interval(w[0])
			if !ok || math.Abs(blo-lo) > step || math.Abs(bhi-hi) > step {
				t.Errorf("l = %v, Mbar %v: bisection [%.5f, %.5f], grid [%.5f, %.5f]", c.l, w[0], blo, bhi, lo, hi)
			}
		}
	}
	e := medicaid()
	e.L = []float64{1, 0}
	a, _ := newRM(e, 0x52522023)
	if b := a.breakdown(); b < 1.5 || b >= 2 {
		t.Errorf("breakdown %v, HonestDiD's README: significant at Mbar 1.5, not at 2", b)
	}
}

// TestRMEtaEqualsLP checks the closed form of the ARP statistic against
// the linear program HonestDiD solves, built here from Rambachan & Roth's
// matrices (.create_A_RM, post-period rows) and solved in its dual form
// (max lambda'y, lambda >= 0, sd'lambda = 1, X'lambda = 0) by gonum's
// simplex, for random event studies, polyhedra and theta.
func TestRMEtaEqualsLP(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	for trial := 0; trial < 200; trial++ {
		nPre, nPost := 1+rng.IntN(4), 1+rng.IntN(4)
		P := nPre + nPost
		// A random covariance and coefficients.
		g := mat.NewDense(P, P+2, nil)
		for i := 0; i < P; i++ {
			for j := 0; j < P+2; j++ {
				g.Set(i, j, rng.NormFloat64())
			}
		}
		var sig mat.SymDense
		sig.SymOuterK(0.01, g)
		beta := make([]float64, P)
		for i := range beta {
			beta[i] = 0.3 * rng.NormFloat64()
		}
		l := make([]float64, nPost)
		for i := range l {
			l[i] = rng.Float64()
		}
		if trial%3 == 0 {
			for i := range l {
				l[i] = 1 / float64(nPost)
			}
		}
		a, err := newRM(eventCoefs{Beta: beta, Sigma: &sig, NPre: nPre, L: l}, 1)
		if err != nil {
			t.Fatal(err)
		}
		s, sgn, mbar := rng.IntN(nPre), []float64{1, -1}[rng.IntN(2)], 2*rng.Float64()
		theta := a.thetaHat + rng.NormFloat64()
		p := a.poly(s, sgn, mbar)
		closed := math.Inf(-1)
		for _, v := range p.v {
			closed = math.Max(closed, v.Alpha*a.thetaHat+v.Beta*a.mHat[s]+v.K*theta)
		}
		// HonestDiD's A over (delta_pre, delta_0 = 0, delta_post), moves r
		// from period r to r+1; rows +-move_r - Mbar sgn move_s for the
		// post moves; the reference column dropped.
		full := P + 1
		var rows [][]float64
		for r := nPre; r < P; r++ {
			for _, sign := range []float64{1, -1} {
				row := make([]float64, full)
				row[r] -= sign
				row[r+1] += sign
				row[s] += mbar * sgn
				row[s+1] -= mbar * sgn
				rows = append(rows, row)
			}
		}
		M := len(rows)
		A := mat.NewDense(M, P, nil)
		for i, row := range rows {
			for j := 0; j < full; j++ {
				switch {
				case j < nPre:
					A.Set(i, j, row[j])
				case j > nPre:
					A.Set(i, j-1, row[j])
				}
			}
		}
		// theta direction: post weights w0 = l/|l|^2; nuisance: null space of l.
		ll := 0.0
		for _, v := range l {
			ll += v * v
		}
		last := nPost - 1
		for l[last] == 0 {
			last--
		}
		Apost := A.Slice(0, M, nPre, P)
		y := make([]float64, M)
		X := mat.NewDense(M, max(nPost-1, 1), nil)
		for i := 0; i < M; i++ {
			y[i] = mat.Dot(A.RowView(i), mat.NewVecDense(P, beta))
			for t2 := 0; t2 < nPost; t2++ {
				y[i] -= Apost.At(i, t2) * l[t2] / ll * theta
			}
			col := 0
			for j := 0; j < nPost; j++ {
				if j == last {
					continue
				}
				X.Set(i, col, Apost.At(i, j)-l[j]/l[last]*Apost.At(i, last))
				col++
			}
		}
		var sy mat.Dense
		sy.Product(A, &sig, A.T())
		k := nPost - 1
		W := mat.NewDense(1+k, M, nil)
		for i := 0; i < M; i++ {
			W.Set(0, i, math.Sqrt(sy.At(i, i)))
			for j := 0; j < k; j++ {
				W.Set(1+j, i, X.At(i, j))
			}
		}
		b := make([]float64, 1+k)
		b[0] = 1
		cost := make([]float64, M)
		for i := range cost {
			cost[i] = -y[i]
		}
		opt, _, err := lp.Simplex(cost, W, b, 1e-10, nil)
		if err != nil {
			t.Fatalf("trial %d: simplex: %v", trial, err)
		}
		if math.Abs(-opt-closed) > 1e-7*math.Max(1, math.Abs(closed)) {
			t.Errorf("trial %d (pre %d post %d s %d sgn %v Mbar %.2f l %v): eta %v, linear program %v", trial, nPre, nPost, s, sgn, mbar, l, closed, -opt)
		}
	}
}

// rmPanel simulates a balanced panel of 100 units adopting at period 4
// and 100 never adopting over 8 periods, with unit and period effects,
// N(0,1) noise, an effect tau = 0.5 in every period from adoption and a
// violation of parallel trends on the adopting units that moves by 0.1
// between consecutive periods before adoption (e = -4..-1) and by
// mbar*0.1 after (so Delta^RM(mbar) holds with equality).
func rmPanel(rng *rand.Rand, mbar float64) StaggeredInput {
	const n, T, g = 200, 8, 4
	in := StaggeredInput{Y: make([][]float64, n), Cohort: make([]int, n), Control: NeverTreated, Draws: 99}
	gam := make([]float64, T)
	for t := range gam {
		gam[t] = rng.NormFloat64()
	}
	for i := 0; i < n; i++ {
		a := rng.NormFloat64()
		row := make([]float64, T)
		in.Cohort[i] = -1
		if i < n/2 {
			in.Cohort[i] = g
		}
		for t := range row {
			row[t] = a + gam[t] + rng.NormFloat64()
			if i < n/2 {
				e := t - g
				if e < 0 {
					row[t] += 0.1 * float64(e+1)
				} else {
					row[t] += mbar*0.1*float64(e+1) + 0.5
				}
			}
		}
		in.Y[i] = row
	}
	return in
}

// TestRMCoverage: over 300 simulated panels the relative-magnitudes
// confidence set of the event-study average covers the true effect 0.5 at
// least 95% of the time (to simulation error) when the violation
// satisfies Delta^RM(1) with equality, and about 95% of the time at Mbar
// = 0 when there is no violation.
func TestRMCoverage(t *testing.T) {
	if testing.Short() {
		t.Skip("300 panels; run without -short")
	}
	for _, c := range []struct {
		mbar     float64
		min, max float64
	}{{1, 0.93, 1}, {0, 0.92, 0.985}} {
		rng := rand.New(rand.NewPCG(2023, uint64(10*c.mbar)))
		const panels = 300
		covered := 0
		for k := 0; k < panels; k++ {
			r, err := Staggered(rmPanel(rng, c.mbar))
			if err != nil {
				t.Fatal(err)
			}
			s := r.Sensitivity
			if s == nil {
				t.Fatal("no sensitivity")
			}
			for _, iv := range s.Intervals {
				if iv.Mbar == c.mbar && iv.Low <= 0.5 && 0.5 <= iv.High {
					covered++
				}
			}
		}
		cov := float64(covered) / panels
		t.Logf("Mbar %v: coverage %.3f over %d panels", c.mbar, cov, panels)
		if cov < c.min || cov > c.max {
			t.Errorf("Mbar %v: coverage %.3f, want in [%v, %v]", c.mbar, cov, c.min, c.max)
		}
	}
}
