package impact

import (
	"context"
	"errors"
	"math"
	"runtime"
	"sync"

	"github.com/supplyeval/supplyeval/domain"
	"github.com/supplyeval/supplyeval/i18n"
)

// ConformalInput is the input of [Conformal]: a treated unit and its
// donors over one period axis, the intervention at index Start.
type ConformalInput struct {
	// Treated is the treated unit's outcome, one value per period.
	Treated []float64
	// Donors holds each donor's outcome over the same periods.
	Donors [][]float64
	// Start is the index of the first period under the intervention.
	Start int
	// Alpha is the level of the tests inverted: the confidence sets have
	// coverage 1 - Alpha. Zero means 0.05.
	Alpha float64
	// AverageOnly computes the average set alone (Periods is then empty),
	// for callers that need only the effect's interval, such as [Power].
	AverageOnly bool
	// Tolerance is the precision of the sets' ends, relative to the spread
	// of the residuals; zero means 1e-9. [Power] uses 1e-5, finer than its
	// own search for the minimum detectable effect, at half the cost.
	Tolerance float64
}

// ConformalSet is one confidence set of [Conformal], reported as an
// interval.
type ConformalSet struct {
	// Low and High bound the set; meaningful only when OK.
	Low, High float64
	// PValue is the p-value of "no effect" (zero in every period tested).
	PValue float64
	// OK is false when no effect tried was accepted (the set is empty or
	// lies outside the range searched).
	OK bool
}

// ConformalResult holds the confidence sets of [Conformal].
type ConformalResult struct {
	// Average is the set of constant effects (the same effect in every
	// period from Start) not rejected; its PValue tests zero effect in every
	// period jointly.
	Average ConformalSet
	// Periods holds one set per period from Start, in order: the effects in
	// that period not rejected, from the periods before Start and that
	// period alone.
	Periods []ConformalSet
	// Alpha is the level used.
	Alpha float64
}

// conformalSearchSteps bounds the outward search and the bisection that
// locate each end of a confidence set.
const (
	conformalExpand = 40 // doublings of the step before giving up
	conformalBisect = 40 // bisection steps (relative tolerance ~1e-12)
)

// Conformal computes confidence sets for the effect on the treated unit by
// the conformal inference of Chernozhukov, Wüthrich & Zhu (2021, JASA
// 116(536):1849-1864, "An Exact and Robust Conformal Inference Method for
// Counterfactual and Synthetic Controls"), with the canonical synthetic
// control as the counterfactual model and moving-block permutations.
//
// To test a hypothesised effect path theta (the null), the post-period
// outcomes of the treated unit are reduced by theta, the synthetic control
// (donor weights w >= 0, sum 1, least squares on the outcomes) is fitted
// on every period, pre and post, with the null imposed, and the residuals
// u_t are formed. The statistic S = sum of |u_t| over the post periods
// (q = 1) is compared with its values under the T cyclic shifts of the
// residuals (moving blocks, paper section 2.3); the p-value is the share
// of shifts, the identity included, whose statistic is at least S. A
// confidence set is the set of nulls with p-value above Alpha.
//
// The average set tests constant effects over all post periods; each
// per-period set uses the pre periods and that single period (paper
// section 2.4). Each set is found as an interval: from the best point of a
// coarse scan, outward by doubling steps until a value is rejected, then
// by bisection to the boundary. A set that is not an interval is reported
// by its outermost accepted ends found this way.
//
// The sets are exact in finite samples when the residuals are exchangeable
// under the shifts and approximately valid when they are stationary and
// weakly dependent and the weights are consistently estimated. A p-value
// cannot be below 1/n for n periods tested, so a set exists only when
// n >= 1/Alpha: at the 5% level, 20 periods for the average set and 19
// pre periods for the per-period sets.
//
// It returns a BadInput error for fewer than two donors, a Start that
// leaves no period before or after, lengths that disagree, non-finite
// values, Alpha outside (0, 1), or too few periods for a set at level
// Alpha. It is safe for concurrent use; the sets are computed in parallel
// on GOMAXPROCS goroutines.
func Conformal(in ConformalInput) (*ConformalResult, error) {
	return ConformalContext(context.Background(), in)
}

// ConformalContext is [Conformal] that stops once ctx is done (each null
// tested checks it) and then returns ctx's error.
func ConformalContext(ctx context.Context, in ConformalInput) (*ConformalResult, error) {
	alpha := in.Alpha
	if alpha == 0 {
		alpha = 0.05
	}
	if !(alpha > 0 && alpha < 1) {
		return nil, badInputm("alpha", "impact.err.alpha", i18n.G(alpha, -1))
	}
	T := len(in.Treated)
	if len(in.Donors) < minSynthDonors {
		return nil, badInputm("donors", "impact.err.conformal.donors", minSynthDonors, len(in.Donors))
	}
	if in.Start < 1 || in.Start >= T {
		return nil, badInputm("start", "impact.err.conformal.start", in.Start, T)
	}
	for _, v := range in.Treated {
		if !finite(v) {
			return nil, badInputm("treated", "impact.err.conformal.treated")
		}
	}
	for j, d := range in.Donors {
		if len(d) != T {
			return nil, badInputm("donors", "impact.err.conformal.donor.length", j, len(d), T)
		}
		for _, v := range d {
			if !finite(v) {
				return nil, badInputm("donors", "impact.err.conformal.donor.value", j)
			}
		}
	}
	if !enoughPeriods(T, alpha) {
		return nil, badInputm("periods", "impact.err.conformal.periods", i18n.G(alpha, -1), int(math.Ceil(1/alpha-1e-9)), T)
	}
	post := T - in.Start
	res := &ConformalResult{Alpha: alpha}
	perPeriod := !in.AverageOnly && enoughPeriods(in.Start+1, alpha)
	if in.AverageOnly {
		c := newConformalTest(in.Treated, in.Donors, allPeriods(T), in.Start, alpha)
		if in.Tolerance > 0 {
			c.tol = in.Tolerance
		}
		c.ctx = ctx
		res.Average = c.set()
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		return res, nil
	}
	res.Periods = make([]ConformalSet, post)
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), post+1) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := range jobs { // k = -1: the average set; else post period k
				if ctx.Err() != nil {
					continue
				}
				idx := allPeriods(T)
				if k >= 0 {
					idx = append(allPeriods(in.Start), in.Start+k)
				}
				c := newConformalTest(in.Treated, in.Donors, idx, in.Start, alpha)
				c.ctx = ctx
				if k < 0 {
					res.Average = c.set()
				} else {
					res.Periods[k] = c.set()
				}
			}
		}()
	}
	jobs <- -1
	if perPeriod {
		for k := 0; k < post; k++ {
			jobs <- k
		}
	}
	close(jobs)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return res, nil
}

// enoughPeriods reports whether n permutations can reject at level alpha:
// the smallest p-value, 1/n, must be at most alpha.
func enoughPeriods(n int, alpha float64) bool { return float64(n)*alpha >= 1-1e-9 }

func allPeriods(n int) []int {
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	return idx
}

// conformalTest tests nulls of a constant effect over the periods idx (in
// time order, the last post of them from the intervention on).
type conformalTest struct {
	y      []float64 // treated outcome over idx
	y0     []float64 // donors × n, row j = donor j over idx
	n, nT1 int       // periods, post periods among them
	j      int
	alpha  float64
	qp     *simplexQP
	w      []float64
	u      []float64
	scale  float64 // typical size of the outcome, for the search steps
	center float64 // the effect estimate from the fit under no effect
	tol    float64 // precision of the ends, relative to scale
	// ctx, when set, stops the search: once it is done no null is
	// accepted (the caller returns ctx's error, not the set).
	ctx context.Context
}

func newConformalTest(treated []float64, donors [][]float64, idx []int, start int, alpha float64) *conformalTest {
	n, J := len(idx), len(donors)
	c := &conformalTest{n: n, j: J, alpha: alpha, y: make([]float64, n), y0: make([]float64, J*n), w: make([]float64, J), u: make([]float64, n), tol: 1e-9}
	for i, t := range idx {
		c.y[i] = treated[t]
		if t >= start {
			c.nT1++
		}
		for j, d := range donors {
			c.y0[j*n+i] = d[t]
		}
	}
	c.qp = newSimplexQP(n, J, make([]float64, J*n))
	for i := range c.qp.v {
		c.qp.v[i] = 1
	}
	// Scale: the spread of the pre-period residuals under no effect, with a
	// floor relative to the outcome's size.
	c.residuals(0)
	var s, m float64
	pre := n - c.nT1
	for i := 0; i < pre; i++ {
		s += c.u[i] * c.u[i]
		m += math.Abs(c.y[i])
	}
	var g float64
	for i := pre; i < n; i++ {
		g += c.u[i]
	}
	c.center = g / float64(c.nT1)
	c.scale = math.Max(math.Sqrt(s/float64(pre)), 1e-6*(m/float64(pre)+math.Abs(c.center)))
	if !(c.scale > 0) {
		c.scale = 1
	}
	return c
}

// residuals fits the synthetic control with the null theta imposed on the
// post periods and leaves the residuals in c.u.
func (c *conformalTest) residuals(theta float64) {
	n, pre := c.n, c.n-c.nT1
	d := c.qp.d
	for j := 0; j < c.j; j++ {
		row := c.y0[j*n : j*n+n]
		dr := d[j*n : j*n+n]
		for i := range dr {
			yn := c.y[i]
			if i >= pre {
				yn -= theta
			}
			dr[i] = row[i] - yn
		}
	}
	c.qp.solve(c.w)
	for i := 0; i < n; i++ {
		yn := c.y[i]
		if i >= pre {
			yn -= theta
		}
		var s float64
		for j, w := range c.w {
			if w != 0 {
				s += w * c.y0[j*n+i]
			}
		}
		c.u[i] = yn - s
	}
}

// pValue is the moving-block permutation p-value of the null theta.
func (c *conformalTest) pValue(theta float64) float64 {
	c.residuals(theta)
	n, t1 := c.n, c.nT1
	// Window sums of |u| over t1 consecutive (cyclic) periods; shift 0 is
	// the post window, the last t1 periods.
	var win float64
	for i := n - t1; i < n; i++ {
		win += math.Abs(c.u[i])
	}
	s0 := win
	tol := 1e-12 * (s0 + 1e-300)
	count := 1
	// Shift by j: the window covering periods (n - t1 + j .. n - 1 + j) mod n.
	for j := 1; j < n; j++ {
		win += math.Abs(c.u[(n-1+j)%n]) - math.Abs(c.u[(n-t1+j-1)%n])
		if win >= s0-tol {
			count++
		}
	}
	return float64(count) / float64(n)
}

func (c *conformalTest) accepted(theta float64) bool {
	if c.ctx != nil && c.ctx.Err() != nil {
		return false
	}
	return c.pValue(theta) > c.alpha*(1+1e-9)
}

// set finds the confidence set as an interval around the best accepted
// point.
func (c *conformalTest) set() ConformalSet {
	out := ConformalSet{PValue: c.pValue(0)}
	x0 := c.center
	if !c.accepted(x0) {
		// Scan for an accepted point.
		found := false
		for k := 1; k <= 40 && !found; k++ {
			for _, sgn := range []float64{1, -1} {
				x := c.center + sgn*float64(k)*c.scale/4
				if c.accepted(x) {
					x0, found = x, true
					break
				}
			}
		}
		if !found {
			return out
		}
	}
	end := func(dir float64) (float64, bool) {
		in, step := x0, c.scale
		out := in + dir*step
		for k := 0; c.accepted(out); k++ {
			if k == conformalExpand {
				return 0, false
			}
			in = out
			step *= 2
			out = in + dir*step
		}
		for k := 0; k < conformalBisect && math.Abs(out-in) > c.tol*c.scale; k++ {
			mid := (in + out) / 2
			if c.accepted(mid) {
				in = mid
			} else {
				out = mid
			}
		}
		return in, true
	}
	lo, ok1 := end(-1)
	hi, ok2 := end(1)
	if !ok1 || !ok2 {
		return out
	}
	out.Low, out.High, out.OK = lo, hi, true
	return out
}

// addConformal runs [Conformal] for a synthetic control and puts the sets
// into its result: the average set as the Effect's interval (replacing the
// placebo inversion), the per-period sets as bands of the counterfactual
// (observed minus the effects not rejected), and parameters and
// diagnostics that name the method. When the data are too short for a set
// it says so in the parameter conformal and leaves the rest as it was.
func addConformal(ctx context.Context, r *Result, in SynthInput, cfPost float64) error {
	donors := make([][]float64, len(in.Donors))
	for j, d := range in.Donors {
		donors[j] = d.Outcome
	}
	cr, err := ConformalContext(ctx, ConformalInput{Treated: in.Treated.Outcome, Donors: donors, Start: in.Start})
	if ctxErr := ctx.Err(); ctxErr != nil {
		return ctxErr
	}
	if err != nil {
		r.addParamm("conformal", "impparam.conformal.notcomputed", errArg(err))
		return nil
	}
	r.addParamm("interval_method", "impparam.conformal.interval_method")
	r.addParamm("conformal_permutations", "impparam.conformal.permutations", len(in.Periods), in.Start+1)
	r.addDiagm("conformal_p_value", cr.Average.PValue, "impdiag.conformal.p_value")
	if a := cr.Average; a.OK {
		r.Effect.Low, r.Effect.High, r.Effect.HasInterval = a.Low, a.High, true
		if r.RelativeEffect != nil {
			r.RelativeEffect.Low, r.RelativeEffect.High, r.RelativeEffect.HasInterval = r.RelativeEffect.Value, r.RelativeEffect.Value, false
			if cfPost > 0 {
				r.RelativeEffect.Low, r.RelativeEffect.High, r.RelativeEffect.HasInterval = a.Low/cfPost, a.High/cfPost, true
			}
		}
	} else {
		r.Effect.Low, r.Effect.High, r.Effect.HasInterval = r.Effect.Value, r.Effect.Value, false
		r.addParamm("conformal_average", "impparam.conformal.average.none")
	}
	bands := 0
	for k, s := range cr.Periods {
		if !s.OK {
			continue
		}
		c := &r.Counterfactual[in.Start+k]
		c.Low, c.High, c.HasBand = c.Observed-s.High, c.Observed-s.Low, true
		bands++
	}
	if bands < len(cr.Periods) {
		r.addParamm("conformal_periods", "impparam.conformal.periods", bands, len(cr.Periods), int(math.Ceil(1/cr.Alpha-1e-9))-1)
	}
	return nil
}

// errArg is err as an argument of a message: its message of the
// catalogue when it is a *domain.Error with one (the field, when it has
// one, leads as in its Error()), else its text.
func errArg(err error) any {
	var e *domain.Error
	if errors.As(err, &e) && !e.Msg.IsZero() {
		if e.Field != "" {
			return i18n.M("impparam.field", e.Field, e.Msg)
		}
		return e.Msg
	}
	return err.Error()
}
