package impact

import (
	"math"
	"math/rand/v2"
	"sort"
	"strconv"

	"github.com/supplyeval/supplyeval/domain"
	"github.com/supplyeval/supplyeval/i18n"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat/distuv"
)

// SensitivityInterval is the 95% confidence set for the effect when
// post-adoption violations of parallel trends may move by up to Mbar
// times the largest pre-adoption move.
type SensitivityInterval struct {
	Mbar, Low, High float64
}

// Sensitivity is a sensitivity analysis of an event study to violations of
// parallel trends under the relative-magnitudes restriction of Rambachan
// & Roth (2023, Review of Economic Studies 90(5), "A More Credible
// Approach to Parallel Trends"): between consecutive periods after the
// reference period, the violation moves by at most Mbar times the largest
// move between consecutive periods before it. The intervals are their
// conditional-least-favourable hybrid confidence sets (Andrews, Roth &
// Pakes 2023), which account for the sampling error of the pre-period
// moves as well as of the effects.
type Sensitivity struct {
	// Target names what is bounded: the average of the event-study effects
	// from adoption on.
	Target string
	// Estimate and SE are the target's estimate and standard error.
	Estimate, SE float64
	// MaxPre is the largest estimated pre-adoption move (in absolute value)
	// between consecutive periods.
	MaxPre float64
	// Breakdown is the largest Mbar at which the 95% confidence set still
	// excludes zero (to within 0.01): 0 if it does not at Mbar = 0, +Inf
	// when it does at every Mbar (up to 1,000).
	Breakdown float64
	Intervals []SensitivityInterval
	// Sentence says it in words, in English; [Sensitivity.SentenceIn]
	// gives it in another language of the catalogue.
	Sentence string
}

// SentenceIn is the plain sentence of s in language l.
func (s *Sensitivity) SentenceIn(l i18n.Lang) string { return s.Msg().Localize(l) }

// Msg is the plain sentence of s as a message of the catalogue.
func (s *Sensitivity) Msg() i18n.Msg {
	switch {
	case s.Breakdown == 0:
		return i18n.M("sensitivity.rm.insignificant")
	case math.IsInf(s.Breakdown, 1):
		return i18n.M("sensitivity.rm.robust")
	}
	return i18n.M("sensitivity.rm.breakdown", i18n.Num(func(v float64) string { return strconv.FormatFloat(v, 'f', 2, 64) }, s.Breakdown))
}

// MbarGrid are the Mbar values reported.
var MbarGrid = []float64{0, 0.25, 0.5, 0.75, 1, 1.5, 2}

// rmAlpha is the size of the test (95% confidence sets), rmKappa the size
// of the least-favourable first stage of the hybrid test (alpha/10, as
// Rambachan & Roth recommend), rmSims the draws for its critical value.
const (
	rmAlpha = 0.05
	rmKappa = rmAlpha / 10
	rmSims  = 1000
)

// eventCoefs is an event study in the form Rambachan & Roth use: Beta
// holds NPre coefficients for the periods before the reference period
// (oldest first) and then the coefficients for the periods after it, all
// relative to the reference period, whose own coefficient is normalised to
// zero and left out; Sigma is their covariance; L weighs the periods after
// the reference to make the target theta = L'beta_post.
type eventCoefs struct {
	Beta  []float64
	Sigma *mat.SymDense
	NPre  int
	L     []float64
}

// rmAnalysis holds what the tests of Delta^RM need, computed once per
// event study: the target's and the pre-period moves' estimates and
// covariances, and common draws for the least-favourable critical values.
type rmAnalysis struct {
	nPre, nPost int
	thetaHat    float64
	varL        float64
	mHat        []float64   // pre-period moves: m_s = beta_{s+1} - beta_s (s = nPre-1 ends at the reference)
	varM, covLM []float64   // Var(m_s), Cov(theta, m_s)
	varP        []float64   // Var of the post-period moves p_t (p_0 from the reference)
	covPM       [][]float64 // Cov(p_t, m_s)
	c           []float64   // c_t = sum of L over post periods >= t
	cSum        float64
	drawL       []float64   // draws of theta - thetaHat
	drawM       [][]float64 // draws of m - mHat, [s][draw] (lfCritical reads one s across draws)
}

// errRM is returned when an event study cannot carry the analysis. Its
// code is Internal, as it has always been: the callers give the reader a
// reason of their own (sensitivity.rm.*) rather than this error.
var errRM = domain.Errorm(domain.Internal, "", "impact.err.rm")

// newRM prepares the analysis of e. seed fixes the draws of the
// least-favourable critical values.
func newRM(e eventCoefs, seed uint64) (*rmAnalysis, error) {
	P := len(e.Beta)
	nPost := P - e.NPre
	if e.NPre < 1 || nPost < 1 || len(e.L) != nPost || e.Sigma == nil || e.Sigma.SymmetricDim() != P {
		return nil, errRM
	}
	a := &rmAnalysis{nPre: e.NPre, nPost: nPost}
	a.c = make([]float64, nPost)
	for t := nPost - 1; t >= 0; t-- {
		a.c[t] = e.L[t]
		if t+1 < nPost {
			a.c[t] += a.c[t+1]
		}
		if !(a.c[t] >= 0) {
			return nil, errRM
		}
		a.cSum += a.c[t]
	}
	if !(a.c[0] > 0) {
		return nil, errRM
	}
	for _, v := range e.Beta {
		if !finite(v) {
			return nil, errRM
		}
	}
	// The linear functionals of beta used: the target l, the pre moves
	// m_s, the post moves p_t.
	fl := make([]float64, P)
	for t, w := range e.L {
		fl[e.NPre+t] = w
	}
	move := func(from, to int) []float64 { // beta_to - beta_from, -1 for the reference
		f := make([]float64, P)
		if from >= 0 {
			f[from] = -1
		}
		if to >= 0 {
			f[to] = 1
		}
		return f
	}
	fm := make([][]float64, e.NPre)
	for s := range fm {
		to := s + 1
		if to == e.NPre {
			to = -1
		}
		fm[s] = move(s, to)
	}
	fp := make([][]float64, nPost)
	for t := range fp {
		from := e.NPre + t - 1
		if t == 0 {
			from = -1
		}
		fp[t] = move(from, e.NPre+t)
	}
	beta := mat.NewVecDense(P, e.Beta)
	sf := func(f []float64) *mat.VecDense {
		var v mat.VecDense
		v.MulVec(e.Sigma, mat.NewVecDense(P, f))
		return &v
	}
	dot := func(f []float64, v mat.Vector) float64 { return mat.Dot(mat.NewVecDense(P, f), v) }
	sl := sf(fl)
	a.thetaHat = dot(fl, beta)
	a.varL = dot(fl, sl)
	a.mHat = make([]float64, e.NPre)
	a.varM = make([]float64, e.NPre)
	a.covLM = make([]float64, e.NPre)
	sm := make([]*mat.VecDense, e.NPre)
	for s, f := range fm {
		sm[s] = sf(f)
		a.mHat[s] = dot(f, beta)
		a.varM[s] = dot(f, sm[s])
		a.covLM[s] = dot(fl, sm[s])
	}
	a.varP = make([]float64, nPost)
	a.covPM = make([][]float64, nPost)
	for t, f := range fp {
		a.varP[t] = dot(f, sf(f))
		a.covPM[t] = make([]float64, e.NPre)
		for s := range fm {
			a.covPM[t][s] = dot(f, sm[s])
		}
	}
	if !(a.varL > 0) {
		return nil, errRM
	}
	// Draws of (theta, m) - (thetaHat, mHat) ~ N(0, Sigma) through the
	// symmetric square root of Sigma (negative eigenvalues from rounding
	// are taken as zero).
	var eig mat.EigenSym
	if !eig.Factorize(e.Sigma, true) {
		return nil, errRM
	}
	var vec mat.Dense
	eig.VectorsTo(&vec)
	vals := eig.Values(nil)
	root := mat.NewDense(P, P, nil) // columns V_j sqrt(lambda_j)
	for j, v := range vals {
		r := math.Sqrt(math.Max(v, 0))
		for i := 0; i < P; i++ {
			root.Set(i, j, vec.At(i, j)*r)
		}
	}
	// Each functional times the root: a row of coefficients on the
	// standard normal draws.
	rowOf := func(f []float64) []float64 {
		out := make([]float64, P)
		for j := 0; j < P; j++ {
			s := 0.0
			for i, w := range f {
				if w != 0 {
					s += w * root.At(i, j)
				}
			}
			out[j] = s
		}
		return out
	}
	rl := rowOf(fl)
	rm := make([][]float64, e.NPre)
	for s := range fm {
		rm[s] = rowOf(fm[s])
	}
	rng := rand.New(rand.NewPCG(seed, 0x4d626172))
	z := make([]float64, P)
	a.drawL = make([]float64, rmSims)
	a.drawM = make([][]float64, e.NPre)
	for s := range a.drawM {
		a.drawM[s] = make([]float64, rmSims)
	}
	for k := 0; k < rmSims; k++ {
		for j := range z {
			z[j] = rng.NormFloat64()
		}
		a.drawL[k] = dotf(rl, z)
		for s := range rm {
			a.drawM[s][k] = dotf(rm[s], z)
		}
	}
	return a, nil
}

func dotf(a, b []float64) float64 {
	s := 0.0
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}

// rmVertex is one extreme point of the dual polytope of the test's linear
// program, as the linear function Alpha*theta^ + Beta*m^_s + K*theta of
// the estimates and the value theta tested.
type rmVertex struct{ Alpha, Beta, K float64 }

// rmPoly is one polyhedron of Delta^RM(Mbar): the pre-period move s,
// taken with sign sgn, is the largest in absolute value, and every
// post-period move is at most Mbar times it. Its moments (post-period
// rows only, as HonestDiD's default postPeriodMomentsOnly) are, for each
// post move p_t, +-p_t(delta) - Mbar sgn m_s(delta) <= 0 with delta =
// beta - (0, tau) and L'tau = theta.
//
// The ARP statistic eta = min over the nuisance of the largest
// standardised moment is a linear program whose dual polytope
// {lambda >= 0, sd'lambda = 1, X'lambda = 0} has, for these moments,
// the T + 2 extreme points below (T = post periods), so that eta is the
// largest of T + 2 linear functions of the data: for each t,
// (upper_t + lower_t)/(a_t + b_t) = -2 Mbar sgn m_s/(a_t + b_t); and
// c'upper/c'a and c'lower/c'b, with c_t the tail sums of L, a_t and b_t
// the standard deviations of the upper and lower moments. (The box
// constraints a_t eta >= upper_t - u_t, b_t eta >= lower_t + u_t on the
// nuisance u = moves, restricted to c'u = 0, are feasible exactly when
// eta is at least each of these.) TestRMEtaEqualsLP checks it against the
// linear program solved by gonum's simplex.
type rmPoly struct {
	s           int
	v           []rmVertex
	vl, clm, vm float64   // Var(theta^), Cov(theta^, m^_s), Var(m^_s)
	qmax        float64   // the largest variance of a vertex's value
	base        []float64 // each vertex's value at theta = 0
	vals        []float64 // scratch for accepts
	lfcv        float64
}

func (a *rmAnalysis) poly(s int, sgn, mbar float64) *rmPoly {
	T := a.nPost
	p := &rmPoly{s: s}
	k := mbar * sgn // moment: +-p_t - k m_s
	ca, cb := 0.0, 0.0
	for t := 0; t < T; t++ {
		base := a.varP[t] + k*k*a.varM[s]
		va := math.Sqrt(math.Max(base-2*k*a.covPM[t][s], 0))
		vb := math.Sqrt(math.Max(base+2*k*a.covPM[t][s], 0))
		ca += a.c[t] * va
		cb += a.c[t] * vb
		if va+vb > 0 {
			p.v = append(p.v, rmVertex{Beta: -2 * k / (va + vb)})
		}
	}
	// c'upper = (thetaHat - theta) - k cSum m_s; c'lower = -(thetaHat - theta) - k cSum m_s.
	p.v = append(p.v, rmVertex{Alpha: 1 / ca, Beta: -k * a.cSum / ca, K: -1 / ca})
	p.v = append(p.v, rmVertex{Alpha: -1 / cb, Beta: -k * a.cSum / cb, K: 1 / cb})
	n := len(p.v)
	p.vl, p.clm, p.vm = a.varL, a.covLM[s], a.varM[s]
	p.base, p.vals = make([]float64, n), make([]float64, n)
	for i, x := range p.v {
		p.qmax = math.Max(p.qmax, math.Abs(p.cov(x, x)))
		p.base[i] = x.Alpha*a.thetaHat + x.Beta*a.mHat[s]
	}
	p.lfcv = math.NaN() // computed on first use (lfCritical)
	return p
}

// cov is the covariance of the values of extreme points x and y.
func (p *rmPoly) cov(x, y rmVertex) float64 {
	return x.Alpha*y.Alpha*p.vl + (x.Alpha*y.Beta+x.Beta*y.Alpha)*p.clm + x.Beta*y.Beta*p.vm
}

// lfCritical is the least-favourable critical value of polyhedron p.
func (a *rmAnalysis) lfCritical(p *rmPoly) float64 {
	// Least-favourable critical value: the 1-kappa quantile of eta when
	// the moments are centred at zero (R's quantile type 7). The first T
	// vertices are multiples of m_s: their largest is at the largest or
	// the smallest multiple. Only the top of the draws is kept.
	bmin, bmax := 0.0, 0.0
	s := p.s
	for i, x := range p.v[:len(p.v)-2] {
		if i == 0 || x.Beta < bmin {
			bmin = x.Beta
		}
		if i == 0 || x.Beta > bmax {
			bmax = x.Beta
		}
	}
	vb, vc := p.v[len(p.v)-2], p.v[len(p.v)-1]
	nd := len(a.drawL)
	h := (1 - rmKappa) * float64(nd-1)
	lo := int(math.Floor(h))
	top := make([]float64, 0, nd-lo) // the nd-lo largest, ascending
	dm := a.drawM[s][:nd]
	for d, l := range a.drawL {
		m := dm[d]
		e := vb.Alpha*l + vb.Beta*m
		if x := vc.Alpha*l + vc.Beta*m; x > e {
			e = x
		}
		if len(p.v) > 2 {
			if x := bmin * m; x > e {
				e = x
			}
			if x := bmax * m; x > e {
				e = x
			}
		}
		if len(top) < cap(top) {
			top = append(top, e)
		} else if e > top[0] {
			top[0] = e
		} else {
			continue
		}
		for i := len(top) - 1; i > 0 && top[i] < top[i-1]; i-- { // keep ascending
			top[i], top[i-1] = top[i-1], top[i]
		}
		for i := 0; i+1 < len(top) && top[i] > top[i+1]; i++ {
			top[i], top[i+1] = top[i+1], top[i]
		}
	}
	// top[0] is order statistic lo, top[1] lo+1.
	cv := top[0]
	if len(top) > 1 {
		cv += (h - float64(lo)) * (top[1] - top[0])
	}
	return cv
}

// accepts runs the hybrid conditional-least-favourable test of theta
// against polyhedron p (the LF branch of HonestDiD's
// .lp_conditional_test_fn, with the truncation points of the conditional
// test computed exactly from the extreme points).
func (a *rmAnalysis) accepts(p *rmPoly, theta float64) bool {
	vals := p.vals
	g := 0
	for i, x := range p.v {
		vals[i] = p.base[i] + x.K*theta
		if vals[i] > vals[g] {
			g = i
		}
	}
	eta := vals[g]
	if !(eta > 0) {
		// The statistic is at most 0, below any critical value (both
		// stages' are non-negative).
		return true
	}
	if math.IsNaN(p.lfcv) {
		p.lfcv = math.Max(a.lfCritical(p), 0)
	}
	if eta > p.lfcv {
		return false
	}
	s2 := p.cov(p.v[g], p.v[g])
	if s2 < 1e-300 || s2 < 1e-14*p.qmax {
		return !(eta > 0)
	}
	// Along y = s + b c with b = Sigma gamma / gamma'Sigma gamma, vertex v
	// stays below gamma while c (1 - v'b) >= v's.
	vlo, vup := math.Inf(-1), math.Inf(1)
	for i := range p.v {
		if i == g {
			continue
		}
		bv := p.cov(p.v[i], p.v[g]) / s2
		sv := vals[i] - bv*eta
		den := 1 - bv
		switch {
		case den > 1e-10:
			vlo = math.Max(vlo, sv/den)
		case den < -1e-10:
			vup = math.Min(vup, sv/den)
		}
	}
	sd := math.Sqrt(s2)
	stat := eta / sd
	zlo, zup := vlo/sd, math.Min(vup, p.lfcv)/sd
	if !(zlo <= stat && stat <= zup) {
		return true
	}
	size := (rmAlpha - rmKappa) / (1 - rmKappa)
	cv := math.Max(0, truncNormQuantile(1-size, zlo, zup))
	return !(stat > cv)
}

// polys returns the 2 nPre polyhedra of Delta^RM(mbar).
func (a *rmAnalysis) polys(mbar float64) []*rmPoly {
	out := make([]*rmPoly, 0, 2*a.nPre)
	for s := 0; s < a.nPre; s++ {
		out = append(out, a.poly(s, 1, mbar), a.poly(s, -1, mbar))
	}
	return out
}

// acceptsAny reports whether theta is in the confidence set under
// Delta^RM(mbar): accepted by the test of at least one polyhedron.
func (a *rmAnalysis) acceptsAny(ps []*rmPoly, theta float64) bool {
	for _, p := range ps {
		if a.accepts(p, theta) {
			return true
		}
	}
	return false
}

// interval is the confidence set under Delta^RM(mbar), from its lowest to
// its highest accepted theta: the union over polyhedra. ok is false when
// no theta is accepted.
//
// Each polyhedron's set is taken to be an interval around the theta that
// minimises its statistic (where the two theta-dependent extreme points
// meet), which it contains whenever that minimum is at most zero. The
// polyhedra accepted there are visited widest restriction first; one
// extends the union only if it accepts just beyond the current ends, and
// then its end is found by doubling steps and bisection to 1e-6 of the
// target's standard error. Polyhedra rejected at their centre are
// scanned on a grid of 101 points for any accepted theta.
// TestRMMedicaidPublished checks the result against HonestDiD's
// 1,000-point grid.
func (a *rmAnalysis) interval(mbar float64) (lo, hi float64, ok bool) {
	sdL := math.Sqrt(a.varL)
	tol := 1e-6 * sdL
	type cand struct {
		p    *rmPoly
		c, w float64
	}
	var cs, rest []cand
	for _, p := range a.polys(mbar) {
		vb, vc := p.v[len(p.v)-2], p.v[len(p.v)-1]
		// theta where the B and C extreme points are equal.
		c := (p.base[len(p.v)-2] - p.base[len(p.v)-1]) / (vc.K - vb.K)
		sdK := mbar * a.cSum * math.Sqrt(a.varM[p.s])
		w := math.Sqrt(a.varL+sdK*sdK) + mbar*a.cSum*math.Abs(a.mHat[p.s])
		if a.accepts(p, c) {
			cs = append(cs, cand{p, c, w})
		} else {
			rest = append(rest, cand{p, c, w})
		}
	}
	for _, x := range rest {
		// A polyhedron rejected at its centre: look for accepted points.
		const n = 101
		half := 20 * x.w
		step := 2 * half / (n - 1)
		for i := 0; i < n; i++ {
			if th := x.c - half + float64(i)*step; a.accepts(x.p, th) {
				cs = append(cs, cand{x.p, th, x.w})
				break
			}
		}
	}
	sort.Slice(cs, func(i, j int) bool { return cs[i].w > cs[j].w })
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, x := range cs {
		if x.c > hi || a.accepts(x.p, hi+tol) {
			hi = a.edge(x.p, math.Max(x.c, hi), 1, x.w, tol)
		}
		if x.c < lo || a.accepts(x.p, lo-tol) {
			lo = a.edge(x.p, math.Min(x.c, lo), -1, x.w, tol)
		}
	}
	return lo, hi, lo <= hi
}

// edge finds the end of p's accepted set beyond in (accepted) in
// direction dir: steps of w doubling until rejected, then bisection.
func (a *rmAnalysis) edge(p *rmPoly, in, dir, w, tol float64) float64 {
	step := w
	out := in + dir*step
	for k := 0; a.accepts(p, out); k++ {
		if k > 60 {
			return math.Inf(int(dir))
		}
		in, step = out, 2*step
		out = in + dir*step
	}
	return a.bisect(p, in, out, tol)
}

// bisect narrows the boundary between an accepted in and a rejected out,
// to tol or to the last representable midpoint (a target whose standard
// error is far below its size, 1e-20 against 1, has a tol no float64
// step between in and out can reach), in at most 2,000 halvings.
func (a *rmAnalysis) bisect(p *rmPoly, in, out, tol float64) float64 {
	for k := 0; k < 2000 && math.Abs(out-in) > tol; k++ {
		mid := in + (out-in)/2
		if mid == in || mid == out {
			break
		}
		if a.accepts(p, mid) {
			in = mid
		} else {
			out = mid
		}
	}
	return in
}

// breakdown is the largest Mbar at which the confidence set excludes
// zero, to within 0.005: 0 when it includes zero at Mbar = 0, +Inf when it
// excludes it up to Mbar = 1,000. The set grows with Mbar (each
// polyhedron's restriction loosens), so bisection applies.
func (a *rmAnalysis) breakdown() float64 {
	// The pre-period with the largest move loosens its restriction most
	// as Mbar grows: trying it first ends most inclusions after one or two
	// polyhedra (the answer does not depend on the order).
	order := make([]int, a.nPre)
	for s := range order {
		order[s] = s
	}
	sort.SliceStable(order, func(i, j int) bool { return math.Abs(a.mHat[order[i]]) > math.Abs(a.mHat[order[j]]) })
	excludes := func(m float64) bool {
		for _, s := range order {
			for _, sgn := range []float64{1, -1} {
				if a.accepts(a.poly(s, sgn, m), 0) {
					return false
				}
			}
		}
		return true
	}
	if !excludes(0) {
		return 0
	}
	lo, hi := 0.0, 1.0
	for excludes(hi) {
		lo = hi
		hi *= 2
		if hi > 1000 {
			return math.Inf(1)
		}
	}
	for hi-lo > 0.005 {
		mid := (lo + hi) / 2
		if excludes(mid) {
			lo = mid
		} else {
			hi = mid
		}
	}
	return lo
}

// truncNormQuantile is the p-quantile of the standard normal truncated to
// [l, u], computed in the tail away from zero for accuracy.
func truncNormQuantile(p, l, u float64) float64 {
	if l >= u {
		return l
	}
	if u <= 0 { // mirror into the upper tail
		return -truncNormQuantile(1-p, -u, -l)
	}
	N := distuv.UnitNormal
	if l < 0 {
		return N.Quantile(N.CDF(l) + p*(N.CDF(u)-N.CDF(l)))
	}
	// Upper tail: Q(x) = Q(l) - p (Q(l) - Q(u)).
	ql, qu := N.Survival(l), N.Survival(u)
	if ql > 1e-300 {
		q := ql - p*(ql-qu)
		if q > 0 {
			return -N.Quantile(q)
		}
	}
	// Far tail: the density beyond l is close to l exp(-l (x - l)).
	r := 1 - math.Exp(-l*(u-l))
	if math.IsInf(u, 1) {
		r = 1
	}
	return l - math.Log(1-p*r)/l
}

// rmSensitivity is the relative-magnitudes analysis of e: the confidence
// set at each Mbar of [MbarGrid], the breakdown value and the sentence.
// target names what L'beta_post is.
func rmSensitivity(e eventCoefs, target string) (*Sensitivity, error) {
	a, err := newRM(e, 0x52522023)
	if err != nil {
		return nil, err
	}
	s := &Sensitivity{Target: target, Estimate: a.thetaHat, SE: math.Sqrt(a.varL)}
	for _, m := range a.mHat {
		s.MaxPre = math.Max(s.MaxPre, math.Abs(m))
	}
	for _, m := range MbarGrid {
		lo, hi, ok := a.interval(m)
		if !ok {
			lo, hi = math.NaN(), math.NaN()
		}
		s.Intervals = append(s.Intervals, SensitivityInterval{Mbar: m, Low: lo, High: hi})
	}
	s.Breakdown = a.breakdown()
	s.Sentence = s.SentenceIn(i18n.EN)
	return s, nil
}
