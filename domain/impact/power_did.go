package impact

import (
	"math"
)

// didDesign is what a difference-in-differences on a balanced window
// computes from the design alone (the units, the periods and the start,
// not the outcomes): the two-way projector, the residualised treatment,
// and the clustered standard error's weights and degrees of freedom. Every
// balanced placebo window of a power analysis has the same design, so it
// is computed once and each window costs one projection of its outcomes
// (O(units x periods)) instead of a DiD with its CR2 eigendecompositions
// (O(units x periods^3); 0.5 s for 21 units and 186 periods).
//
// It is [DiD]'s estimator, not an approximation: fit and twoWay.cr2 in
// did.go compute the same numbers for any outcome (the CR2 adjustment
// A_j x_j and the Satterthwaite degrees of freedom depend on the design
// only; the variance is sum_j (x_j' A_j e_j)^2 / sxx^2 for residuals e).
// TestDiDDesignMatchesDiD checks coefficient, standard error and degrees
// of freedom against DiD on every window of a panel.
type didDesign struct {
	p   *panel
	w   *twoWay
	xt  []float64 // residualised treatment, per cell
	sxx float64
	// u holds, per cell, A_j x_j for CR2 or sqrt(cf) x_j for CR1, so that
	// the variance is sum_j (u_j . e_j)^2 / sxx^2.
	u       []float64
	df      float64
	n, k, g int
	// noInterval: fewer than three units, or no valid degrees of freedom.
	noInterval bool
}

// newDiDDesign builds the design of a balanced panel (every unit observed
// in every period) of nTreated treated units first, then comparison units,
// the treatment from start.
func newDiDDesign(all []Series, nTreated, start int) (*didDesign, error) {
	p := newPanel(all, nTreated, start)
	w, err := p.twoWayFor(nil)
	if err != nil {
		return nil, err
	}
	d := &didDesign{p: p, w: w, xt: append([]float64(nil), p.d...)}
	if err := w.residual(d.xt); err != nil {
		return nil, err
	}
	var scale float64
	for c, x := range d.xt {
		d.sxx += x * x
		scale += p.d[c] * p.d[c]
	}
	if !(d.sxx > 1e-10*scale) {
		return nil, badInputm("treated", "impact.err.did.unidentified")
	}
	d.n, d.k, d.g = len(p.y), p.nT+1, p.nUnits
	if d.n <= d.k {
		return nil, badInputm("series", "impact.err.did.fewobs", d.n, d.k)
	}
	if d.g < 3 {
		d.noInterval = true
		return d, nil
	}
	if d.g >= cr2Clusters {
		cf := float64(d.g) / float64(d.g-1) * float64(d.n-1) / float64(d.n-d.k)
		d.u = make([]float64, len(d.xt))
		for c, x := range d.xt {
			d.u[c] = math.Sqrt(cf) * x
		}
		d.df = float64(d.g - 1)
		return d, nil
	}
	if !d.cr2() || !(d.df > 0) {
		d.noInterval = true
	}
	return d, nil
}

// cr2 sets the CR2 weights u_j = A_j x_j and the Satterthwaite degrees of
// freedom, as twoWay.cr2 computes them (see its comment for the formulas).
func (d *didDesign) cr2() bool {
	w, xt, sxx := d.w, d.xt, d.sxx
	N := len(xt)
	linv, err := w.inverse()
	if err != nil {
		return false
	}
	d.u = make([]float64, N)
	var ps [][]float64
	// Units observed in the same periods with the same residualised
	// treatment have the same adjustment: in a balanced panel, every
	// comparison unit alike and every treated unit alike, so two
	// eigendecompositions serve them all.
	type seen struct{ lo, hi int }
	var done []seen
	same := func(a, b seen) bool {
		if a.hi-a.lo != b.hi-b.lo {
			return false
		}
		for i := 0; i < a.hi-a.lo; i++ {
			if w.per[a.lo+i] != w.per[b.lo+i] || xt[a.lo+i] != xt[b.lo+i] {
				return false
			}
		}
		return true
	}
	for lo := 0; lo < N; {
		hi := lo
		for hi < N && w.units[hi] == w.units[lo] {
			hi++
		}
		reused := false
		for _, x := range done {
			if same(x, seen{lo, hi}) {
				copy(d.u[lo:hi], d.u[x.lo:x.hi])
				reused = true
				break
			}
		}
		if !reused {
			if !d.adjust(lo, hi, linv) {
				return false
			}
			done = append(done, seen{lo, hi})
		}
		ps = append(ps, w.cr2Projection(xt, d.u[lo:hi], lo, sxx))
		lo = hi
	}
	d.df = satterthwaite(ps)
	return true
}

// adjust sets u_j = A_j x_j for the unit whose cells are lo..hi.
func (d *didDesign) adjust(lo, hi int, linv []float64) bool {
	return d.w.cr2Adjust(d.xt, lo, hi, linv, d.sxx, d.u[lo:hi])
}

// estimate is the DiD of outcomes y (one value per cell, units in the
// design's order, each over its periods): the coefficient, its clustered
// standard error (ok false when DiD would give no interval) and the
// degrees of freedom. work has one value per cell.
func (d *didDesign) estimate(y, work []float64) (coef, se float64, ok bool, err error) {
	copy(work, y)
	var ymax float64
	for _, v := range y {
		ymax = math.Max(ymax, math.Abs(v))
	}
	if err := d.w.residual(work); err != nil {
		return 0, 0, false, err
	}
	var sxy float64
	for c, x := range d.xt {
		sxy += x * work[c]
	}
	coef = sxy / d.sxx
	if d.noInterval {
		return coef, 0, false, nil
	}
	var sse, v, s float64
	units := d.w.units
	for c, x := range d.xt {
		e := work[c] - coef*x
		sse += e * e
		s += d.u[c] * e
		if c+1 == len(d.xt) || units[c+1] != units[c] {
			v += s * s
			s = 0
		}
	}
	se = math.Sqrt(v) / d.sxx
	conv := math.Sqrt(sse / float64(d.n-d.k) / d.sxx)
	floor := math.Max(1e-8*conv, 1e-10*ymax/math.Sqrt(d.sxx))
	if !(se > floor) || math.IsInf(se, 0) {
		return coef, 0, false, nil
	}
	return coef, se, true, nil
}
