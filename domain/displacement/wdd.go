package displacement

import (
	"math"

	"github.com/supplyeval/supplyeval/domain"
)

// WDDCounts are the eight counts of the weighted displacement difference:
// target (T), its control (C), buffer or displacement area (D) and the
// buffer's own control (Dc), before (0) and after (1) the intervention.
type WDDCounts struct {
	TargetBefore, TargetAfter               float64 // T0, T1
	ControlBefore, ControlAfter             float64 // C0, C1
	BufferBefore, BufferAfter               float64 // D0, D1
	BufferControlBefore, BufferControlAfter float64 // Dc0, Dc1
}

// WDDWeights rescale the counts before they are differenced, after Wheeler
// (2021) and the R package ptools: each count is divided by the product of
// its window's weight and its area's weight, and its variance by the square
// of that product. A zero weight means 1; with every weight 1 the statistic
// is exactly that of Wheeler & Ratcliffe (2018).
//
// Time weights let the before and after windows differ in length (Before =
// 24, After = 12 for two years against one; or Before = 2, After = 1): the
// estimate is then a change per unit of time. Size weights let the areas
// differ in size (square kilometres, population, number of regions); the
// estimate is then a change per unit of size, and the parallel-trends
// assumption is made on that scale rather than on raw counts (Wheeler 2021).
// Wheeler & Ratcliffe (2018) define the unweighted statistic only; these
// weights are the first author's later extensions.
type WDDWeights struct {
	// Before and After are the lengths of the windows (time weights).
	Before, After float64
	// Target, Control, Buffer and BufferControl are the sizes of the areas
	// (size weights).
	Target, Control, Buffer, BufferControl float64
}

func (w WDDWeights) or1() WDDWeights {
	one := func(x float64) float64 {
		if x == 0 {
			return 1
		}
		return x
	}
	return WDDWeights{one(w.Before), one(w.After), one(w.Target), one(w.Control), one(w.Buffer), one(w.BufferControl)}
}

// WDDInput is the input of [WeightedDisplacementDifference].
type WDDInput struct {
	// Counts are the eight counts.
	Counts WDDCounts
	// Weights rescale them; the zero value is the unweighted statistic.
	Weights WDDWeights
	// SharedControl says that the buffer is compared with the target's own
	// control regions: the BufferControl counts are ignored and the
	// control's counts are used in both differences (with the BufferControl
	// weight in the second, or the Control weight when that is zero). They
	// then enter the statistic twice, and their variance is counted
	// accordingly (four times for equal weights, since Var(2X) = 4 Var(X)),
	// not once as the eight-count formula for separate controls would have
	// it.
	SharedControl bool
	// Direction is the way the intervention means to move the indicator:
	// DOWN (the published setting) or UP.
	Direction domain.Direction
}

// WDDComponent is one part of the WDD with its standard error.
type WDDComponent struct {
	// Estimate is the part's value (oriented like WDD.Estimate).
	Estimate float64
	// SE is its Poisson standard error.
	SE float64
}

// WDD is the weighted displacement difference with its test. Estimates are
// oriented: negative is a change in the desired direction beyond the
// control (for DOWN, Wheeler & Ratcliffe's "crimes reduced" with a minus
// sign). Low and High bound the 95% confidence interval; P is two-sided.
type WDD struct {
	// Estimate is the WDD; SE its standard error; Z = Estimate/SE; P the
	// two-sided p-value; Low and High the 95% interval.
	Estimate, SE, Z, P, Low, High float64
	// Local is (T1-T0) - (C1-C0), the effect in the target.
	Local WDDComponent
	// Displacement is (D1-D0) - (Dc1-Dc0), the change in the buffer beyond
	// its control: positive suggests displacement, negative diffusion.
	Displacement WDDComponent
	// Orientation is +1 for a DOWN indicator and -1 for an UP one.
	Orientation float64
	// Weights are the weights used (zeros replaced by 1).
	Weights WDDWeights
	// SharedControl repeats the input.
	SharedControl bool
}

// WeightedDisplacementDifference computes the WDD test of Wheeler &
// Ratcliffe (2018): WDD = (T1-T0) - (C1-C0) + (D1-D0) - (Dc1-Dc0), whose
// variance under independent Poisson counts is the sum of the eight counts;
// z = WDD/SE, a two-sided p-value and a 95% normal interval. Weights (see
// [WDDWeights]) and a shared control (see [WDDInput]) generalise it.
//
// It returns a *domain.Error (BAD_INPUT) for a negative or non-finite count
// or weight, a direction other than UP or DOWN, or counts that are all zero
// (the variance is then zero and no test is possible).
func WeightedDisplacementDifference(in WDDInput) (WDD, error) {
	s, err := orientation("direction", in.Direction)
	if err != nil {
		return WDD{}, err
	}
	c := in.Counts
	if in.SharedControl {
		c.BufferControlBefore, c.BufferControlAfter = c.ControlBefore, c.ControlAfter
	}
	for _, f := range []struct {
		name string
		v    float64
	}{
		{"counts.targetBefore", c.TargetBefore}, {"counts.targetAfter", c.TargetAfter},
		{"counts.controlBefore", c.ControlBefore}, {"counts.controlAfter", c.ControlAfter},
		{"counts.bufferBefore", c.BufferBefore}, {"counts.bufferAfter", c.BufferAfter},
		{"counts.bufferControlBefore", c.BufferControlBefore}, {"counts.bufferControlAfter", c.BufferControlAfter},
		{"weights.before", in.Weights.Before}, {"weights.after", in.Weights.After},
		{"weights.target", in.Weights.Target}, {"weights.control", in.Weights.Control},
		{"weights.buffer", in.Weights.Buffer}, {"weights.bufferControl", in.Weights.BufferControl},
	} {
		if err := checkCount(f.name, f.v); err != nil {
			return WDD{}, err
		}
	}
	w := in.Weights.or1()
	if in.SharedControl && in.Weights.BufferControl == 0 {
		w.BufferControl = w.Control
	}

	// Each term: a count divided by its weight; its variance is the count
	// divided by the weight squared.
	type term struct{ est, coef, count float64 }
	t1 := term{c.TargetAfter / (w.Target * w.After), 1 / (w.Target * w.After), c.TargetAfter}
	t0 := term{c.TargetBefore / (w.Target * w.Before), 1 / (w.Target * w.Before), c.TargetBefore}
	c1 := term{c.ControlAfter / (w.Control * w.After), 1 / (w.Control * w.After), c.ControlAfter}
	c0 := term{c.ControlBefore / (w.Control * w.Before), 1 / (w.Control * w.Before), c.ControlBefore}
	d1 := term{c.BufferAfter / (w.Buffer * w.After), 1 / (w.Buffer * w.After), c.BufferAfter}
	d0 := term{c.BufferBefore / (w.Buffer * w.Before), 1 / (w.Buffer * w.Before), c.BufferBefore}
	dc1 := term{c.BufferControlAfter / (w.BufferControl * w.After), 1 / (w.BufferControl * w.After), c.BufferControlAfter}
	dc0 := term{c.BufferControlBefore / (w.BufferControl * w.Before), 1 / (w.BufferControl * w.Before), c.BufferControlBefore}
	v := func(t term) float64 { return t.count * t.coef * t.coef }

	local := (t1.est - t0.est) - (c1.est - c0.est)
	disp := (d1.est - d0.est) - (dc1.est - dc0.est)
	varT, varC, varD, varDc := v(t1)+v(t0), v(c1)+v(c0), v(d1)+v(d0), v(dc1)+v(dc0)
	varLocal, varDisp := varT+varC, varD+varDc
	varTotal := varLocal + varDisp
	if in.SharedControl {
		// The control's counts appear in both differences with the same
		// sign: coefficient (1/w_local + 1/w_buffer) per count.
		a1, a0 := c1.coef+dc1.coef, c0.coef+dc0.coef
		varTotal = varT + varD + c.ControlAfter*a1*a1 + c.ControlBefore*a0*a0
	}
	if varTotal <= 0 {
		return WDD{}, domain.Invalidm("counts", "displacement.err.wdd.zero")
	}
	est := s * (local + disp)
	se := math.Sqrt(varTotal)
	out := WDD{
		Estimate:      clean(est),
		SE:            se,
		Z:             clean(est / se),
		Low:           est - z95*se,
		High:          est + z95*se,
		Local:         WDDComponent{Estimate: clean(s * local), SE: math.Sqrt(varLocal)},
		Displacement:  WDDComponent{Estimate: clean(s * disp), SE: math.Sqrt(varDisp)},
		Orientation:   s,
		Weights:       w,
		SharedControl: in.SharedControl,
	}
	out.P = twoSidedP(out.Z)
	for _, x := range []float64{out.Estimate, out.SE, out.Z, out.P, out.Low, out.High, out.Local.Estimate, out.Local.SE, out.Displacement.Estimate, out.Displacement.SE} {
		if !finite(x) {
			return WDD{}, domain.Invalidm("counts", "displacement.err.wdd.overflow")
		}
	}
	return out, nil
}
