package impact

import (
	"math"
	"strconv"
	"sync"

	"github.com/supplyeval/supplyeval/i18n"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/stat/distuv"
)

// HACWhite, given as [ITSInput].HACLag, turns off the autocorrelation part
// of the Newey-West estimator: lag 0, White's heteroscedasticity-robust
// (HC0) standard errors.
const HACWhite = -1

// ITSErrors says how a Gaussian interrupted time series treats the
// correlation of its errors. The values are those of the GraphQL enum in
// ItsOptions.
type ITSErrors string

// The error treatments of a Gaussian interrupted time series.
const (
	// NeweyWest is least squares with Newey-West (HAC) standard errors.
	NeweyWest ITSErrors = "NEWEY_WEST"
	// AR1 is generalised least squares with first-order autoregressive
	// errors, the coefficient chosen by restricted maximum likelihood.
	AR1 ITSErrors = "AR1"
)

// DefaultSeasonLength is the period of the Fourier terms when
// [ITSInput].SeasonLength is zero: 12, for monthly data.
const DefaultSeasonLength = 12

// Minimum data for an interrupted time series. Three points on each side is
// the Cochrane EPOC minimum for an interrupted time series; many more are
// needed for useful precision (Lopez Bernal et al. 2017 discuss power).
const (
	minITSPre      = 3
	minITSPost     = 3
	minITSResidual = 3 // residual degrees of freedom n - p
)

// ITSInput is the input of [ITS].
//
// The model is the segmented regression of Wagner et al. (2002) and Lopez
// Bernal, Cummins & Gasparrini (2017):
//
//	g(E[y_t]) = b0 + b1 t + b2 X_t + b3 (t - T0) X_t [+ Fourier terms] [+ log offset_t]
//
// with t = 1, 2, ... counting the periods of Series (t = index + 1), X_t = 1
// from Start on and 0 before, and T0 = Start, the t of the last period before
// the intervention, so that the slope term is 1 in the first period under the
// intervention (as in the tutorial's I(time-36):smokban). b2 is then the
// level change and b3 the slope change. g is the identity (Gaussian) or the
// log (QuasiPoisson). The Fourier terms are sin(2πkt/L) for k = 1..Harmonics
// followed by cos(2πkt/L) for k = 1..Harmonics, L = SeasonLength (the order
// of tsModel::harmonic in R).
type ITSInput struct {
	// Series is the outcome; it must be complete (no NaN). For QuasiPoisson
	// the values are counts (non-negative).
	Series Series
	// Start is the index of the first period under the intervention.
	Start int
	// Model is Gaussian (the default when empty) or QuasiPoisson.
	Model Model
	// Offset, for QuasiPoisson only, is the population (or other exposure)
	// of each period, positive, one per period; the model includes
	// log(Offset) with coefficient 1, so estimates are rate ratios. Nil for
	// none.
	Offset []float64
	// Harmonics is the number of sine/cosine pairs for seasonality (0 for
	// none); 2*Harmonics must be less than SeasonLength.
	Harmonics int
	// SeasonLength is the period of the Fourier terms in periods; 0 means
	// DefaultSeasonLength (12).
	SeasonLength int
	// SlopeChange adds the slope-change term b3.
	SlopeChange bool
	// HACLag is the Newey-West truncation lag (Gaussian, or QuasiPoisson
	// with NeweyWest errors): 0 selects the
	// default floor(4 (n/100)^(2/9)) (Newey & West 1994; the default of
	// statsmodels' cov_hac), a positive value that many lags, HACWhite none.
	HACLag int
	// Errors, for QuasiPoisson, is empty (the default: model-based
	// quasi-Poisson standard errors) or NeweyWest: the sandwich
	// (X'WX)^-1 Omega (X'WX)^-1 with Omega the Newey-West estimate (Bartlett
	// kernel, lag HACLag) from the Poisson scores x_t (y_t - mu_t), robust
	// to overdispersion and autocorrelation, with normal intervals (R
	// sandwich::NeweyWest(glm(family = poisson), prewhite = FALSE,
	// adjust = FALSE)).
	//
	// For Gaussian, Errors is NeweyWest (the default when empty) or AR1:
	// generalised least squares with errors u_t = rho u_{t-1} + e_t, rho
	// chosen by restricted maximum likelihood over (-0.98, 0.98) (the
	// Prais-Winsten transform, which keeps the first period), standard
	// errors from s^2 (X*'X*)^-1 with s^2 = RSS*/(n-p) and Student t on
	// n-p degrees of freedom: the conventions of nlme::gls(correlation =
	// corAR1(), method = "REML"). Newey-West intervals are too narrow when
	// the noise is persistent (about 85% coverage of a nominal 95% on
	// monthly AR(1) noise with rho 0.5-0.7 over 13 years); AR(1) errors
	// bring that near 94%.
	Errors ITSErrors
	// NoCounterfactual leaves Result.Counterfactual nil; every other field
	// is the same. For scans over many series that read only the
	// estimates: the counterfactual is most of a result's memory and a
	// fifth of the time of a fit.
	NoCounterfactual bool
	// SmallSample (Gaussian only) multiplies the Newey-West covariance by
	// n/(n-p) and uses Student's t with n-p degrees of freedom instead of the
	// normal, as statsmodels does with use_correction=True, use_t=True. It
	// widens intervals for short series, where the uncorrected estimator is
	// known to be too narrow.
	SmallSample bool
}

// ITS fits an interrupted time series (segmented regression) and reports the
// level change, the optional slope change, the average effect over the
// post-intervention periods, the counterfactual series with a 95% band and
// residual diagnostics.
//
// Gaussian: ordinary least squares; covariance by Newey-West with Bartlett
// weights 1 - l/(L+1), no small-sample correction, and normal intervals and
// p-values, which are the conventions of statsmodels'
// OLS.fit(cov_type="HAC", cov_kwds={"maxlags": L}). With Errors AR1,
// generalised least squares with AR(1) errors instead, as nlme::gls with
// corAR1 and REML (see [ITSInput].Errors); the residual diagnostics are
// then those of the innovations.
//
// QuasiPoisson: a log-link GLM fitted by iteratively reweighted least
// squares, variance proportional to the mean with dispersion = Pearson
// chi-squared / (n - p), standard errors scaled by its square root, t
// intervals and p-values on n - p degrees of freedom, which are the
// conventions of R's summary(glm(family = quasipoisson)). Estimates are
// reported as rate ratios (Result.Ratio is true).
//
// The headline Effect is the average effect over the post-intervention
// periods on the model's scale: b2 + b3 (m+1)/2 for m post periods (b2 alone
// without a slope change), a difference in levels (Gaussian) or a geometric-
// mean rate ratio (QuasiPoisson).
//
// It returns a BadInput error when Start leaves fewer than 3 periods on
// either side, when the series has missing values, when the outcome is
// constant, when counts are negative or all zero on one side, when the offset
// is missing a value or not positive, when the design is singular, when the
// fit leaves no residual variation, or when AR(1) errors are asked for and
// their coefficient reaches the bound 0.98 (a wandering series). It is safe
// for concurrent use.
func ITS(in ITSInput) (*Result, error) {
	model, L, p, err := checkITS(in, 0)
	if err != nil {
		return nil, err
	}
	f := newITSFit(len(in.Series.Values), p, in, L)
	defer f.release()
	if err := f.fit(in, model); err != nil {
		return nil, err
	}
	r := f.result(in, model, L)
	if err := r.checkFinite(); err != nil {
		return nil, err
	}
	return r, nil
}

// checkITS checks in (with extra design terms beyond those of a single
// interruption) and returns the model, the season length and the number
// of terms.
func checkITS(in ITSInput, extra int) (Model, int, int, error) {
	s := in.Series
	if err := checkSeries("series", s, false); err != nil {
		return "", 0, 0, err
	}
	if err := checkMagnitude("series", s); err != nil {
		return "", 0, 0, err
	}
	model := in.Model
	if model == "" {
		model = Gaussian
	}
	if model != Gaussian && model != QuasiPoisson {
		return "", 0, 0, badInputm("model", "impact.err.its.model", model, Gaussian, QuasiPoisson)
	}
	if err := checkStart(s.Periods, in.Start, minITSPre, minITSPost); err != nil {
		return "", 0, 0, err
	}
	switch in.Errors {
	case "":
		if model == QuasiPoisson && in.HACLag != 0 {
			return "", 0, 0, badInputm("hac_lag", "impact.err.its.lag.qp", QuasiPoisson)
		}
	case NeweyWest:
	case AR1:
		if model != Gaussian {
			return "", 0, 0, badInputm("errors", "impact.err.its.ar1.model", Gaussian)
		}
		if in.HACLag != 0 || in.SmallSample {
			return "", 0, 0, badInputm("hac_lag", "impact.err.its.lag.ar1")
		}
	default:
		return "", 0, 0, badInputm("errors", "impact.err.its.errors", in.Errors, NeweyWest, AR1)
	}
	L := in.SeasonLength
	if L == 0 {
		L = DefaultSeasonLength
	}
	if in.Harmonics < 0 {
		return "", 0, 0, badInputm("harmonics", "impact.err.its.harmonics.negative")
	}
	if in.Harmonics > 0 && (L < 3 || 2*in.Harmonics >= L) {
		return "", 0, 0, badInputm("harmonics", "impact.err.its.harmonics.season", in.Harmonics, 2*in.Harmonics, L)
	}
	n := len(s.Values)
	p := 3 + 2*in.Harmonics + extra
	if in.SlopeChange {
		p++
	}
	if n-p < minITSResidual {
		return "", 0, 0, badInputm("series", "impact.err.its.fewperiods", n, p, p+minITSResidual)
	}
	if in.Offset != nil && model != QuasiPoisson {
		return "", 0, 0, badInputm("offset", "impact.err.its.offset.model", QuasiPoisson)
	}
	y := s.Values
	switch model {
	case Gaussian:
		constant := true
		for _, v := range y {
			if v != y[0] {
				constant = false
				break
			}
		}
		if constant {
			return "", 0, 0, badInputm("series", "impact.err.its.constant", i18n.Num(num, y[0]))
		}
	case QuasiPoisson:
		var pre, post float64
		for i, v := range y {
			if v < 0 {
				return "", 0, 0, badInputm("series", "impact.err.its.qp.counts", s.Periods[i], i18n.Num(num, v))
			}
			if i < in.Start {
				pre += v
			} else {
				post += v
			}
		}
		if pre == 0 || post == 0 {
			return "", 0, 0, badInputm("series", map[bool]string{true: "impact.err.its.qp.zero.before", false: "impact.err.its.qp.zero.after"}[pre == 0], s.Periods[in.Start])
		}
		if in.Offset != nil {
			if len(in.Offset) != n {
				return "", 0, 0, badInputm("offset", "impact.err.its.offset.length", len(in.Offset), n)
			}
			for i, v := range in.Offset {
				if !(v > 0) || math.IsInf(v, 0) {
					return "", 0, 0, badInputm("offset", "impact.err.its.offset.value", s.Periods[i], i18n.Num(num, v))
				}
			}
		}
	}

	return model, L, p, nil
}

// fit fits the model to the series of in by the method its error
// treatment asks for.
func (f *itsFit) fit(in ITSInput, model Model) error {
	y, n := in.Series.Values, f.n
	var err error
	if model == Gaussian && in.Errors == AR1 {
		f.ar1 = true
		err = f.gaussianAR1(y)
	} else if model == Gaussian {
		if f.hacLag, err = hacLagFor(in.HACLag, n); err != nil {
			return err
		}
		err = f.gaussian(y)
	} else {
		if in.Errors == NeweyWest {
			f.qpHAC = true
			if f.hacLag, err = hacLagFor(in.HACLag, n); err != nil {
				return err
			}
		}
		err = f.quasiPoisson(y, in.Offset)
	}
	return err
}

// hacLagFor is the Newey-West lag of [ITSInput].HACLag for n periods: the
// default rule floor(4 (n/100)^(2/9)) for 0, none for HACWhite, the given
// number otherwise (which must be below n).
func hacLagFor(lag, n int) (int, error) {
	switch {
	case lag == 0:
		lag = hacDefaultLag(n)
	case lag < 0:
		lag = 0
	}
	if lag >= n {
		return 0, badInputm("hac_lag", "impact.err.its.lag.periods", lag, n)
	}
	return lag, nil
}

// itsFit holds the design, the estimates and the scratch space of one fit.
type itsFit struct {
	n, p, start int
	slope       bool
	x           []float64 // n×p design, column-major: column j is x[j*n : j*n+n]
	beta        []float64
	cov         []float64 // p×p covariance of beta
	fitted      []float64 // on the response scale
	resid       []float64 // raw (Gaussian) or deviance (quasi-Poisson) residuals
	scratch     []float64
	tmp         []float64 // p*p
	lin         *spd      // its a holds (X'WX)^-1 after a fit
	qr          *qrLS     // least squares by QR
	crit        float64   // critical value for 95% intervals
	df          float64   // degrees of freedom for t tests; 0 = normal
	hacLag      int
	smallSample bool
	ar1         bool    // AR(1) errors (generalised least squares)
	qpHAC       bool    // quasi-Poisson with Newey-West (HAC) covariance
	rho         float64 // their coefficient
	season      int     // L when there are harmonics, else 1
	harmonics   int
	diag        []Diagnostic
	pooled      *[]float64
}

// release returns the scratch memory to the pool; f must not be used after.
func (f *itsFit) release() {
	itsBuffers.Put(f.pooled)
	f.pooled = nil
	putQRLS(f.qr)
	f.qr = nil
}

// col returns column j of the design.
func (f *itsFit) col(j int) []float64 { return f.x[j*f.n : j*f.n+f.n] }

// vec wraps a slice as a unit-stride gonum vector.
func vec(x []float64) blas64.Vector { return blas64.Vector{N: len(x), Inc: 1, Data: x} }

// itsBuffers recycles the scratch memory of ITS fits (the design and work
// arrays, which never leave the package), so that repeated fits do not
// churn the garbage collector.
var itsBuffers = sync.Pool{New: func() any { return new([]float64) }}

func newITSFit(n, p int, in ITSInput, L int) *itsFit {
	scratch := max(nhacWork(n, p, n-1), 4*n) // Newey-West work (lag < n), IRLS work
	need := n*p + scratch + p + 2*p*p + 2*n + p*p + p
	bp := itsBuffers.Get().(*[]float64)
	if cap(*bp) < need {
		*bp = make([]float64, need)
	}
	buf := (*bp)[:need]
	clear(buf[:n*p]) // the design relies on zeros; the rest is written before it is read
	f := &itsFit{n: n, p: p, start: in.Start, slope: in.SlopeChange, smallSample: in.SmallSample && in.Model != QuasiPoisson, pooled: bp}
	f.x, buf = buf[:n*p], buf[n*p:]
	f.scratch, buf = buf[:scratch], buf[scratch:]
	f.beta, buf = buf[:p], buf[p:]
	f.cov, buf = buf[:p*p], buf[p*p:]
	f.tmp, buf = buf[:p*p], buf[p*p:]
	f.fitted, buf = buf[:n], buf[n:]
	f.resid, buf = buf[:n], buf[n:]
	f.lin = &spd{p: p, a: buf[:p*p], d: buf[p*p : p*p+p]}
	f.qr = getQRLS(n, p)
	t0 := float64(in.Start)
	h := in.Harmonics
	// Fourier terms depend on t only through t mod L: tabulate them.
	var sinTab, cosTab []float64
	if h > 0 {
		sinTab = make([]float64, 2*L*h)
		cosTab = sinTab[L*h:]
		for ph := 0; ph < L; ph++ {
			for k := 1; k <= h; k++ {
				a := 2 * math.Pi * float64(k*ph) / float64(L)
				sinTab[ph*h+k-1] = math.Sin(a)
				cosTab[ph*h+k-1] = math.Cos(a)
			}
		}
	}
	c := 3
	if in.SlopeChange {
		c = 4
	}
	f.season, f.harmonics = 1, h
	if h > 0 {
		f.season = L
	}
	for i := 0; i < n; i++ {
		t := float64(i + 1)
		f.x[i] = 1
		f.x[n+i] = t
		if i >= in.Start {
			f.x[2*n+i] = 1
			if in.SlopeChange {
				f.x[3*n+i] = t - t0
			}
		}
		if h > 0 {
			ph := (i + 1) % L
			for k := 0; k < h; k++ {
				f.x[(c+k)*n+i] = sinTab[ph*h+k]
				f.x[(c+h+k)*n+i] = cosTab[ph*h+k]
			}
		}
	}
	return f
}

// first0 is the first row of every column of a transformed design (AR(1)
// errors fill the rows before the intervention).
func (f *itsFit) first0(int) int { return 0 }

// first returns the first row where design column j can be non-zero: the
// level and slope columns are zero before the intervention.
func (f *itsFit) first(j int) int {
	if j == 2 || (j == 3 && f.slope) {
		return f.start
	}
	return 0
}

// linear sets out = off + X beta (off nil for none).
func (f *itsFit) linear(off, out []float64) {
	if off != nil {
		copy(out, off)
	} else {
		clear(out)
	}
	for j, b := range f.beta {
		l := f.first(j)
		blas64.Axpy(b, vec(f.col(j)[l:]), vec(out[l:]))
	}
}

func errSingular(p int) error {
	return badInputm("series", "impact.err.its.singular", p)
}

// gaussian fits by OLS with Newey-West covariance.
func (f *itsFit) gaussian(y []float64) error {
	n, p := f.n, f.p
	if !f.qr.fit(f.x, f.first, nil, y, f.beta) || !f.qr.inverse(f.lin.a) {
		return errSingular(p)
	}
	bread := f.lin.a
	f.linear(nil, f.fitted)
	var rss float64
	for i, v := range y {
		e := v - f.fitted[i]
		f.resid[i] = e
		rss += e * e
	}
	var ybar float64
	for _, v := range y {
		ybar += v
	}
	ybar /= float64(n)
	var tss float64
	for _, v := range y {
		tss += (v - ybar) * (v - ybar)
	}
	if !(rss > exactFit*tss) {
		return badInputm("series", "impact.err.its.exact")
	}

	lag := f.hacLag
	meat := f.tmp
	neweyWestMeat(f.x, f.resid, n, p, lag, f.scratch, meat, f.first)
	sandwich(bread, meat, f.cov, f.scratch[:p*p], p)
	f.crit, f.df = zCrit, 0
	if f.smallSample {
		c := float64(n) / float64(n-p)
		for i := range f.cov {
			f.cov[i] *= c
		}
		f.df = float64(n - p)
		f.crit = tCrit(f.df)
	}
	r2 := 1 - rss/tss
	f.diag = append(f.diag,
		diagm("r2", r2, "impdiag.its.r2"),
		diagm("adj_r2", 1-(1-r2)*float64(n-1)/float64(n-p), "impdiag.its.adj_r2"),
		diagm("residual_sd", math.Sqrt(rss/float64(n-p)), "impdiag.its.residual_sd"),
		diagm("hac_lag", float64(lag), "impdiag.its.hac_lag"),
	)
	return nil
}

// AR(1) search: the coefficient is chosen on a grid of this step over
// [-ar1Bound, ar1Bound], then refined by golden-section search to ar1Tol
// between the grid neighbours of the best point.
const (
	ar1Bound = 0.98
	ar1Step  = 0.02
	ar1Tol   = 1e-10
)

// gaussianAR1 fits by generalised least squares with AR(1) errors, the
// coefficient by restricted maximum likelihood: it minimises
//
//	(n-p)/2 log RSS*(rho) - 1/2 log(1 - rho^2) + 1/2 log det(X*'X*)
//
// (minus the REML log-likelihood with the variance profiled out), where *
// is the Prais-Winsten transform (first row times sqrt(1 - rho^2), then
// z_t - rho z_{t-1}) and RSS* the residual sum of squares of least squares
// on the transformed data.
func (f *itsFit) gaussianAR1(y []float64) error {
	n, p := f.n, f.p
	x := f.x
	xs := make([]float64, n*p+2*n)
	ys, work := xs[n*p:n*p+n], xs[n*p+n:]
	transform := func(src, dst []float64, rho float64) {
		dst[0] = math.Sqrt(1-rho*rho) * src[0]
		for i := 1; i < len(src); i++ {
			dst[i] = src[i] - rho*src[i-1]
		}
	}
	// fit solves the transformed least squares at rho and returns the
	// criterion and RSS*; f.beta and the factor in f.lin are left at rho.
	fit := func(rho float64) (crit, rss float64, ok bool) {
		for j := 0; j < p; j++ {
			transform(x[j*n:j*n+n], xs[j*n:j*n+n], rho)
		}
		transform(y, ys, rho)
		f.x = xs
		defer func() { f.x = x }()
		if !f.qr.fit(xs, f.first0, nil, ys, f.beta) {
			return 0, 0, false
		}
		logDet := f.qr.logDet()
		f.linear(nil, work)
		for i, v := range ys {
			e := v - work[i]
			rss += e * e
		}
		return float64(n-p)/2*math.Log(rss) - 0.5*math.Log(1-rho*rho) + 0.5*logDet, rss, true
	}
	best, bestCrit := math.NaN(), math.Inf(1)
	steps := int(math.Round(2 * ar1Bound / ar1Step))
	for k := 0; k <= steps; k++ {
		rho := -ar1Bound + float64(k)*ar1Step
		if c, rss, ok := fit(rho); ok && rss > 0 && c < bestCrit {
			best, bestCrit = rho, c
		}
	}
	if math.IsNaN(best) {
		return errSingular(p)
	}
	// Golden-section search in the grid cell around the best point.
	lo, hi := math.Max(best-ar1Step, -ar1Bound), math.Min(best+ar1Step, ar1Bound)
	g := (math.Sqrt(5) - 1) / 2
	a, b := hi-g*(hi-lo), lo+g*(hi-lo)
	fa, _, _ := fit(a)
	fb, _, _ := fit(b)
	for hi-lo > ar1Tol {
		if fa < fb {
			hi, b, fb = b, a, fa
			a = hi - g*(hi-lo)
			fa, _, _ = fit(a)
		} else {
			lo, a, fa = a, b, fb
			b = lo + g*(hi-lo)
			fb, _, _ = fit(b)
		}
	}
	rho := (lo + hi) / 2
	if c, _, ok := fit(rho); !ok || c > bestCrit {
		rho = best
	}
	if math.Abs(rho) >= ar1Bound-ar1Step/2 {
		return badInputm("series", "impact.err.its.ar1.bound", i18n.Num(fixed2, math.Copysign(ar1Bound, rho)))
	}
	_, rss, ok := fit(rho)
	if !ok || !f.qr.inverse(f.lin.a) {
		return errSingular(p)
	}
	// Innovations (for the residual diagnostics) and the transformed
	// total sum of squares around the transformed mean.
	f.x = xs
	f.linear(nil, work)
	f.x = x
	var tss, ybar float64
	for i, v := range ys {
		f.resid[i] = v - work[i]
		ybar += v
	}
	ybar /= float64(n)
	for _, v := range ys {
		tss += (v - ybar) * (v - ybar)
	}
	if !(rss > exactFit*tss) {
		return badInputm("series", "impact.err.its.exact")
	}
	s2 := rss / float64(n-p)
	for i := range f.cov {
		f.cov[i] = s2 * f.lin.a[i]
	}
	f.linear(nil, f.fitted)
	var rawRSS, rawTSS, m float64
	for _, v := range y {
		m += v
	}
	m /= float64(n)
	for i, v := range y {
		e := v - f.fitted[i]
		rawRSS += e * e
		rawTSS += (v - m) * (v - m)
	}
	f.rho = rho
	f.df = float64(n - p)
	f.crit = tCrit(f.df)
	r2 := 1 - rawRSS/rawTSS
	f.diag = append(f.diag,
		diagm("r2", r2, "impdiag.its.r2.ar1"),
		diagm("ar1_rho", rho, "impdiag.its.ar1_rho"),
		diagm("innovation_sd", math.Sqrt(s2), "impdiag.its.innovation_sd"),
	)
	return nil
}

// exactFit is the share of variation below which a fit counts as exact
// (R-squared above 1 - 1e-12, or a dispersion below 1e-12): there is then
// no residual variation to estimate uncertainty from.
const exactFit = 1e-12

// neweyWestMeat sets meat (p×p) to the Newey-West "meat"
//
//	S = sum_t u_t u_t' + sum_{l=1..L} (1 - l/(L+1)) sum_t (u_t u_{t-l}' + u_{t-l} u_t'),  u_t = e_t x_t,
//
// (statsmodels' S_hac_simple with Bartlett weights). S = U'KU with K the
// triangular kernel matrix K_ts = max(0, 1 - |t-s|/(L+1)); the triangle is
// the convolution of two boxcars of width L+1, so KU takes two running sums
// per column, O(np) rather than O(npL): with u_s = 0 outside [0, n),
// v_m = sum_{s=m}^{m+L} u_s for m = -L..n-1 and (KU)_t = sum_{m=t-L}^{t} v_m / (L+1).
// Both running sums are taken as differences of prefix sums, built row by
// row so that the p columns form independent addition chains. x is
// column-major (n×p); work (at least nhacWork(n, p, lag)) is scratch.
//
// first(j), when not nil, is the first row where column j of x can be
// non-zero; the cross-products skip the rows before it.
func neweyWestMeat(x, e []float64, n, p, lag int, work, meat []float64, first func(int) int) {
	inv := 1 / float64(lag+1)
	uAll, work := work[:n*p], work[n*p:]
	kuAll, work := work[:n*p], work[n*p:]
	P, work := work[:(n+1)*p], work[(n+1)*p:] // row k: sum_{s<k} u_s
	Q := work[:(n+lag+1)*p]                   // row k: sum of v_m, m = -lag .. -lag+k-1
	for j := 0; j < p; j++ {
		u := uAll[j*n : j*n+n]
		for i, v := range x[j*n : j*n+n] {
			u[i] = e[i] * v
		}
	}
	clear(P[:p])
	for i := 0; i < n; i++ {
		prev, cur := P[i*p:i*p+p], P[(i+1)*p:(i+1)*p+p]
		for j := range cur {
			cur[j] = prev[j] + uAll[j*n+i]
		}
	}
	// v_m = P[min(m+lag+1, n)] - P[max(m, 0)], m = k - lag, in three
	// stretches without clamping.
	clear(Q[:p])
	k := 0
	for ; k < lag; k++ { // m < 0
		prev, cur, a := Q[k*p:k*p+p], Q[(k+1)*p:(k+1)*p+p], P[(k+1)*p:(k+1)*p+p]
		for j := range cur {
			cur[j] = prev[j] + a[j]
		}
	}
	for ; k < n; k++ { // 0 <= m <= n-lag-1
		prev, cur := Q[k*p:k*p+p], Q[(k+1)*p:(k+1)*p+p]
		a, b := P[(k+1)*p:(k+1)*p+p], P[(k-lag)*p:(k-lag)*p+p]
		for j := range cur {
			cur[j] = prev[j] + a[j] - b[j]
		}
	}
	last := P[n*p : n*p+p]
	for ; k < n+lag; k++ { // m >= n-lag
		prev, cur, b := Q[k*p:k*p+p], Q[(k+1)*p:(k+1)*p+p], P[(k-lag)*p:(k-lag)*p+p]
		for j := range cur {
			cur[j] = prev[j] + last[j] - b[j]
		}
	}
	for t := 0; t < n; t++ {
		hi, lo := Q[(t+lag+1)*p:(t+lag+1)*p+p], Q[t*p:t*p+p]
		for j := range hi {
			kuAll[j*n+t] = (hi[j] - lo[j]) * inv
		}
	}
	for i := 0; i < p; i++ {
		ui := uAll[i*n : i*n+n]
		li := 0
		if first != nil {
			li = first(i)
		}
		for j := i; j < p; j++ {
			v := blas64.Dot(vec(ui[li:]), vec(kuAll[j*n+li:j*n+n]))
			meat[i*p+j] = v
			meat[j*p+i] = v
		}
	}
}

// nhacWork is the scratch length neweyWestMeat needs.
func nhacWork(n, p, lag int) int { return 2*n*p + (n+1)*p + (n+lag+1)*p }

// sandwich sets out = B M B for p×p row-major B (symmetric) and M; tmp
// (p*p) is scratch.
func sandwich(b, m, out, tmp []float64, p int) {
	for i := 0; i < p; i++ {
		for j := 0; j < p; j++ {
			var s float64
			for k := 0; k < p; k++ {
				s += b[i*p+k] * m[k*p+j]
			}
			tmp[i*p+j] = s
		}
	}
	for i := 0; i < p; i++ {
		for j := 0; j < p; j++ {
			var s float64
			for k := 0; k < p; k++ {
				s += tmp[i*p+k] * b[k*p+j]
			}
			out[i*p+j] = s
		}
	}
}

// IRLS settings for the quasi-Poisson fit: R's glm.fit criterion
// |dev - dev_old| / (|dev| + 0.1) with a tighter tolerance than R's 1e-8, so
// that the estimates are the converged ones.
const (
	irlsTol     = 1e-12
	irlsMaxIter = 100
)

// quasiPoisson fits the log-link GLM by IRLS.
func (f *itsFit) quasiPoisson(y, offset []float64) error {
	n, p := f.n, f.p
	work := f.scratch[:4*n]
	clear(work)
	off, mu, z, w := work[:n], work[n:2*n], work[2*n:3*n], work[3*n:]
	for i, v := range offset {
		off[i] = math.Log(v)
	}
	eta := f.fitted // reuse as scratch for the linear predictor
	for i, v := range y {
		mu[i] = v + 0.1 // R's poisson()$initialize
		eta[i] = math.Log(mu[i])
	}
	devOld := math.Inf(1)
	var dev float64
	converged := false
	iter := 0
	for iter = 1; iter <= irlsMaxIter; iter++ {
		for i := range y {
			z[i] = eta[i] - off[i] + (y[i]-mu[i])/mu[i]
			w[i] = mu[i]
		}
		if !f.qr.fit(f.x, f.first, w, z, f.beta) {
			return errSingular(p)
		}
		f.linear(off, eta)
		for i, e := range eta {
			mu[i] = math.Exp(e)
			if !(mu[i] > 0) || math.IsInf(mu[i], 0) {
				return badInputm("series", "impact.err.its.qp.diverged", i)
			}
		}
		dev = poissonDeviance(y, mu)
		if math.Abs(dev-devOld)/(math.Abs(dev)+0.1) < irlsTol {
			converged = true
			break
		}
		devOld = dev
	}
	if !converged {
		return badInputm("series", "impact.err.its.qp.noconv", irlsMaxIter)
	}
	// Covariance at the converged mean.
	for i := range y {
		w[i] = mu[i]
		z[i] = 0
	}
	if !f.qr.fit(f.x, f.first, w, nil, nil) || !f.qr.inverse(f.lin.a) {
		return errSingular(p)
	}
	var pearson float64
	for i, v := range y {
		d := v - mu[i]
		pearson += d * d / mu[i]
		f.resid[i] = devianceResidual(v, mu[i])
	}
	df := float64(n - p)
	phi := pearson / df
	if !(phi > exactFit) {
		return badInputm("series", "impact.err.its.qp.exact")
	}
	for i := range f.cov {
		f.cov[i] = phi * f.lin.a[i]
	}
	copy(f.fitted, mu)
	f.crit, f.df = tCrit(df), df

	// Null deviance: intercept (and offset) only; the MLE of the intercept
	// is log(sum y / sum exp(offset)).
	var sy, se float64
	for i, v := range y {
		sy += v
		se += math.Exp(off[i])
	}
	for i := range mu {
		mu[i] = math.Exp(off[i]) * sy / se
	}
	nullDev := poissonDeviance(y, mu)
	f.diag = append(f.diag,
		diagm("deviance", dev, "impdiag.its.deviance"),
		diagm("null_deviance", nullDev, "impdiag.its.null_deviance"),
		diagm("pseudo_r2", 1-dev/nullDev, "impdiag.its.pseudo_r2"),
		diagm("dispersion", phi, "impdiag.its.dispersion"),
		diagm("pearson_chi2", pearson, "impdiag.its.pearson_chi2"),
		diagm("df_residual", df, "impdiag.its.df_residual"),
		diagm("iterations", float64(iter), "impdiag.its.iterations"),
	)
	if f.qpHAC {
		// Sandwich (X'WX)^-1 Omega (X'WX)^-1 with Omega the Newey-West
		// (Bartlett) estimate from the scores x_t (y_t - mu_t), the
		// convention of R sandwich::NeweyWest(glm(family = poisson),
		// prewhite = FALSE, adjust = FALSE); normal reference.
		e := make([]float64, n)
		for i, v := range y {
			e[i] = v - f.fitted[i]
		}
		bread := make([]float64, p*p)
		copy(bread, f.lin.a)
		neweyWestMeat(f.x, e, n, p, f.hacLag, f.scratch, f.tmp, f.first)
		sandwich(bread, f.tmp, f.cov, f.scratch[:p*p], p)
		f.crit, f.df = zCrit, 0
		f.diag = append(f.diag, diagm("hac_lag", float64(f.hacLag), "impdiag.its.hac_lag"))
	}
	return nil
}

// poissonDeviance returns 2 sum(y log(y/mu) - (y - mu)).
func poissonDeviance(y, mu []float64) float64 {
	var d float64
	for i, v := range y {
		d += devTerm(v, mu[i])
	}
	return d
}

func devTerm(y, mu float64) float64 {
	if y == 0 {
		return 2 * mu
	}
	return 2 * (y*math.Log(y/mu) - (y - mu))
}

func devianceResidual(y, mu float64) float64 {
	d := math.Sqrt(math.Max(devTerm(y, mu), 0))
	if y < mu {
		return -d
	}
	return d
}

// hacDefaultLag is floor(4 (n/100)^(2/9)).
func hacDefaultLag(n int) int {
	return int(math.Floor(4 * math.Pow(float64(n)/100, 2.0/9.0)))
}

// result assembles the Result of a fit.
func (f *itsFit) result(in ITSInput, model Model, L int) *Result {
	s := in.Series
	n, p := f.n, f.p
	ratio := model == QuasiPoisson
	r := &Result{Method: MethodITS, Model: model, Ratio: ratio, Params: make([]Param, 0, 10)}

	names := make([]string, 0, p)
	names = append(names, "intercept", "trend", "level")
	if f.slope {
		names = append(names, "slope")
	}
	for k := 1; k <= in.Harmonics; k++ {
		names = append(names, harmonicName("sin", k))
	}
	for k := 1; k <= in.Harmonics; k++ {
		names = append(names, harmonicName("cos", k))
	}
	r.Coefficients = make([]Coefficient, p)
	test := func(v, se float64) Estimate {
		var pv float64
		if f.df > 0 {
			pv = tP(v/se, f.df)
		} else {
			pv = normalP(v / se)
		}
		return interval(v, se, f.crit, pv)
	}
	for j := 0; j < p; j++ {
		r.Coefficients[j] = Coefficient{Name: names[j], Estimate: test(f.beta[j], math.Sqrt(f.cov[j*p+j]))}
	}
	level := r.Coefficients[2].Estimate
	m := n - in.Start
	c := make([]float64, p)
	c[2] = 1
	if f.slope {
		c[3] = float64(m+1) / 2
	}
	var eff float64
	for j := range c {
		eff += c[j] * f.beta[j]
	}
	effect := test(eff, math.Sqrt(quadForm(f.cov, c)))
	var slope Estimate
	if f.slope {
		slope = r.Coefficients[3].Estimate
	}
	if ratio {
		level, effect, slope = expEstimate(level), expEstimate(effect), expEstimate(slope)
	}
	r.Effect = effect
	r.LevelChange = &level
	if f.slope {
		r.SlopeChange = &slope
	}

	// Counterfactual: the same model with level and slope terms set to 0.
	// Its design row is a_ph + t e_trend, where a_ph (intercept and Fourier
	// terms) depends on t only through the phase t mod L, so the linear
	// predictor and its variance are a'b + t b_1 and
	// a'Ca + 2t (Ca)_1 + t^2 C_11 with a'b, a'Ca and (Ca)_1 tabulated per phase.
	per := f.season
	tab := make([]float64, 3*per)
	base, quad, cross := tab[:per], tab[per:2*per], tab[2*per:]
	a := c // reuse
	ca := make([]float64, p)
	for ph := 0; ph < per; ph++ {
		i := (ph - 1 + per) % per // row with t = i+1 ≡ ph (mod per)
		if i >= n {
			continue
		}
		for j := range a {
			a[j] = f.x[j*n+i]
		}
		a[1], a[2] = 0, 0
		if f.slope {
			a[3] = 0
		}
		for j := range ca {
			var v float64
			for k, ak := range a {
				v += f.cov[j*p+k] * ak
			}
			ca[j] = v
		}
		var b0, q float64
		for j, aj := range a {
			b0 += aj * f.beta[j]
			q += aj * ca[j]
		}
		base[ph], quad[ph], cross[ph] = b0, q, ca[1]
	}
	c11 := f.cov[1*p+1]
	if !in.NoCounterfactual {
		r.Counterfactual = make([]CounterfactualPoint, n)
	}
	var cfPost, sq float64
	for i := 0; i < in.Start; i++ {
		d := s.Values[i] - f.fitted[i]
		sq += d * d
	}
	for i := 0; i < n; i++ {
		if r.Counterfactual == nil && (i < in.Start || ratio) {
			continue // only the post-period mean of the linear model is needed
		}
		t := float64(i + 1)
		ph := (i + 1) % per
		e := base[ph] + t*f.beta[1]
		if ratio && in.Offset != nil {
			e += math.Log(in.Offset[i])
		}
		if r.Counterfactual == nil {
			cfPost += e
			continue
		}
		sd := math.Sqrt(max(quad[ph]+2*t*cross[ph]+t*t*c11, 0))
		cp := &r.Counterfactual[i]
		cp.Period, cp.Index, cp.Post, cp.Observed, cp.HasBand = s.Periods[i], i, i >= in.Start, s.Values[i], true
		if ratio {
			cp.Expected, cp.Low, cp.High = math.Exp(e), math.Exp(e-f.crit*sd), math.Exp(e+f.crit*sd)
		} else {
			cp.Expected, cp.Low, cp.High = e, e-f.crit*sd, e+f.crit*sd
		}
		if cp.Post {
			cfPost += cp.Expected
		}
	}
	cfPost /= float64(m)
	r.PreRMSPE = math.Sqrt(sq / float64(in.Start))
	if ratio {
		rel := Estimate{Value: effect.Value - 1, SE: effect.SE, Low: effect.Low - 1, High: effect.High - 1, HasInterval: true, PValue: effect.PValue, HasPValue: true}
		r.RelativeEffect = &rel
	} else if cfPost != 0 {
		rel := pointOnly(effect.Value / cfPost)
		r.RelativeEffect = &rel
	}

	r.Diagnostics = append(make([]Diagnostic, 0, len(f.diag)+7), f.diag...)
	addResidualDiagnostics(r, f.resid, f.scratch)
	r.addDiagm("n_pre", float64(in.Start), "impdiag.its.n_pre")
	r.addDiagm("n_post", float64(m), "impdiag.its.n_post")

	f.setParams(r, in, model, L)
	r.addParamm("time_origin", "impparam.its.time_origin", s.Periods[0], in.Start, s.Periods[in.Start-1])

	r.Inputs = Inputs{
		Units: []string{s.Unit}, Periods: s.Periods, First: 0, Last: n - 1,
		Start: in.Start, StartPeriod: s.Periods[in.Start], PrePeriods: in.Start, PostPeriods: m, Observations: n,
	}
	r.SetAssumptions(itsAssumptions(in, ratio, f.hacLag, f.rho)...)
	r.SetExplanation(itsExplanation(r, in, ratio))
	return r
}

// setParams records the model's parameters in r.
func (f *itsFit) setParams(r *Result, in ITSInput, model Model, L int) {
	n, p, ratio := f.n, f.p, model == QuasiPoisson
	r.setParam("model", string(model))
	r.setParam("slope_change", strconv.FormatBool(f.slope))
	r.setParam("harmonics", strconv.Itoa(in.Harmonics))
	if in.Harmonics > 0 {
		r.setParam("season_length", strconv.Itoa(L))
	}
	if ratio {
		r.setParam("offset", strconv.FormatBool(in.Offset != nil))
		if f.qpHAC {
			r.setParam("hac_lag", strconv.Itoa(f.hacLag))
			r.addParamm("covariance", "impparam.its.covariance.qp")
			r.addParamm("reference_distribution", "impparam.normal")
		} else {
			r.addParamm("dispersion", "impparam.its.dispersion")
			r.addParamm("reference_distribution", "impparam.student", n-p)
		}
	} else {
		switch {
		case f.ar1:
			r.addParamm("errors", "impparam.its.errors.ar1")
			r.addParamm("reference_distribution", "impparam.student", n-p)
		case f.smallSample:
			r.setParam("hac_lag", strconv.Itoa(f.hacLag))
			r.addParamm("covariance", "impparam.its.covariance.hac.small")
			r.addParamm("reference_distribution", "impparam.student", n-p)
		default:
			r.setParam("hac_lag", strconv.Itoa(f.hacLag))
			r.addParamm("covariance", "impparam.its.covariance.hac")
			r.addParamm("reference_distribution", "impparam.normal")
		}
	}
}

var harmonicNames = map[string][]string{
	"sin": {"sin1", "sin2", "sin3", "sin4", "sin5", "sin6"},
	"cos": {"cos1", "cos2", "cos3", "cos4", "cos5", "cos6"},
}

// harmonicName is "sin3" for ("sin", 3), without allocating for k <= 6.
func harmonicName(f string, k int) string {
	if k <= len(harmonicNames[f]) {
		return harmonicNames[f][k-1]
	}
	return f + strconv.Itoa(k)
}

func itsAssumptions(in ITSInput, ratio bool, lag int, rho float64) []i18n.Msg {
	trend := i18n.M("impact.its.assume.trend")
	if in.Harmonics > 0 {
		trend = i18n.M("impact.its.assume.trend.season")
	}
	a := []i18n.Msg{
		trend,
		i18n.M("impact.its.assume.nothing.else"),
		i18n.M("impact.its.assume.recording"),
	}
	if in.SlopeChange {
		a = append(a, i18n.M("impact.its.assume.level.slope"))
	} else {
		a = append(a, i18n.M("impact.its.assume.level"))
	}
	if ratio && in.Errors == NeweyWest {
		a = append(a, i18n.M("impact.its.assume.qp.hac", lag))
	} else if ratio {
		a = append(a, i18n.M("impact.its.assume.qp"))
	} else if in.Errors == AR1 {
		a = append(a, i18n.M("impact.its.assume.ar1", i18n.Num(fixed(2), rho)))
	} else {
		if in.SmallSample {
			a = append(a, i18n.M("impact.its.assume.hac.small", lag))
		} else {
			a = append(a, i18n.M("impact.its.assume.hac", lag))
		}
	}
	return a
}

func itsExplanation(r *Result, in ITSInput, ratio bool) i18n.Text {
	s := in.Series
	nn := len(s.Periods)
	model := i18n.M("impact.its.model.linear")
	if ratio {
		model = i18n.M("impact.its.model.qp")
		if in.Offset != nil {
			model = i18n.M("impact.its.model.qp.offset")
		}
	}
	if in.Harmonics > 0 {
		model = i18n.M("impact.its.model.season", model)
	}
	if d, ok := r.Diagnostic("ar1_rho"); ok {
		model = i18n.M("impact.its.model.ar1", model, n(d.Value))
	}
	e := r.Effect
	opening := i18n.M("impact.its.opening", unitMsg(s.Unit), nn, s.Periods[0], s.Periods[nn-1], in.Start, nn-in.Start, s.Periods[in.Start], model)
	var t i18n.Text
	switch {
	case ratio:
		t = append(t, i18n.M("impact.its.effect.ratio", opening, n(e.Value), n(e.Low), n(e.High), pMsg(e.PValue), pctMsg(math.Abs(e.Value-1)), moreLessMsg(e.Value-1)))
	case r.RelativeEffect != nil:
		t = append(t, i18n.M("impact.its.effect.rel", opening, sn(e.Value), n(e.Low), n(e.High), pMsg(e.PValue), pctMsg(math.Abs(r.RelativeEffect.Value)), moreLessMsg(r.RelativeEffect.Value)))
	default:
		t = append(t, i18n.M("impact.its.effect", opening, sn(e.Value), n(e.Low), n(e.High), pMsg(e.PValue)))
	}
	t = append(t, i18n.M("impact.that.is", evidenceMsg(e.PValue)))
	if sc := r.SlopeChange; sc != nil {
		if ratio {
			t = append(t, i18n.M("impact.its.slope.ratio", n(sc.Value), n(sc.Low), n(sc.High)))
		} else {
			t = append(t, i18n.M("impact.its.slope", sn(sc.Value), n(sc.Low), n(sc.High)))
		}
	}
	if d, ok := r.Diagnostic("ljung_box_p"); ok && d.Value < 0.05 {
		t = append(t, i18n.M("impact.its.ljungbox", pMsg(d.Value)))
	}
	t = append(t, i18n.M("impact.its.assumes"))
	return t
}

// addResidualDiagnostics adds the lag-1 autocorrelation, the Durbin-Watson
// statistic and the Ljung-Box test (lags min(n/5, 10), the default of
// statsmodels' acorr_ljungbox; chi-squared with that many degrees of
// freedom) of the residuals e; work (n) is scratch.
func addResidualDiagnostics(r *Result, e, work []float64) {
	n := len(e)
	var m float64
	for _, v := range e {
		m += v
	}
	m /= float64(n)
	c := work[:n]
	var dw float64
	for i, v := range e {
		c[i] = v - m
		if i > 0 {
			dd := v - e[i-1]
			dw += dd * dd
		}
	}
	ss := blas64.Dot(vec(e), vec(e))
	c0 := blas64.Dot(vec(c), vec(c))
	h := max(min(n/5, 10), 1)
	var q, rho1 float64
	if c0 > 0 {
		for k := 1; k <= h; k++ {
			rk := blas64.Dot(vec(c[k:]), vec(c[:n-k])) / c0
			if k == 1 {
				rho1 = rk
			}
			q += rk * rk / float64(n-k)
		}
	}
	q *= float64(n) * float64(n+2)
	if ss > 0 {
		dw /= ss
	}
	lbp := distuv.ChiSquared{K: float64(h)}.Survival(q)
	r.Diagnostics = append(r.Diagnostics,
		diagm("lag1_autocorrelation", rho1, "impdiag.its.lag1_autocorrelation"),
		diagm("durbin_watson", dw, "impdiag.its.durbin_watson"),
		diagm("ljung_box_q", q, "impdiag.its.ljung_box_q"),
		diagm("ljung_box_lags", float64(h), "impdiag.its.ljung_box_lags"),
		diagm("ljung_box_p", lbp, "impdiag.its.ljung_box_p"),
	)
}
