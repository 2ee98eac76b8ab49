package impact

import "math"

// nelderMead minimises f from x0 by the Nelder-Mead simplex method with the
// dimension-adaptive coefficients of Gao & Han (2012), Comput Optim Appl
// 51:259-277 (reflection 1, expansion 1+2/n, contraction 3/4-1/(2n), shrink
// 1-1/n), the same choice as gonum's optimize.NelderMead. The initial simplex
// is x0 plus step along each axis.
//
// It stops after maxEval evaluations of f, or when the spread of f over the
// simplex is at most absTol + relTol |f_best| and the simplex diameter is at
// most xTol. It returns the best point and its value.
//
// It is written here rather than taken from gonum.org/v1/gonum/optimize
// because that package imports gonum's stat/distmv, which needs
// golang.org/x/tools in the module's go.sum, and this package may not change
// the module's dependencies; it also avoids optimize's per-evaluation
// goroutine hand-off, which matters for the placebo test's thousands of
// calls.
func nelderMead(f func([]float64) float64, x0 []float64, step float64, maxEval int, absTol, relTol, xTol float64) ([]float64, float64, int) {
	n := len(x0)
	if n == 0 {
		return nil, f(x0), 1
	}
	alpha, beta, gamma, delta := 1.0, 1+2/float64(n), 0.75-1/(2*float64(n)), 1-1/float64(n)
	if n == 1 {
		beta, gamma, delta = 2, 0.5, 0.5
	}
	buf := make([]float64, (n+1)*n+4*n)
	verts := make([][]float64, n+1)
	for i := range verts {
		verts[i] = buf[i*n : i*n+n]
		copy(verts[i], x0)
		if i > 0 {
			verts[i][i-1] += step
		}
	}
	rest := buf[(n+1)*n:]
	cen, xr, xe, xc := rest[:n], rest[n:2*n], rest[2*n:3*n], rest[3*n:4*n]
	vals := make([]float64, n+1)
	evals := 0
	eval := func(x []float64) float64 {
		evals++
		v := f(x)
		if math.IsNaN(v) {
			return math.Inf(1)
		}
		return v
	}
	for i := range verts {
		vals[i] = eval(verts[i])
	}
	order := make([]int, n+1)
	for i := range order {
		order[i] = i
	}
	by := func() { // insertion sort: n is small and this must not allocate
		for a := 1; a < len(order); a++ {
			for b := a; b > 0 && vals[order[b]] < vals[order[b-1]]; b-- {
				order[b], order[b-1] = order[b-1], order[b]
			}
		}
	}
	for evals < maxEval {
		by()
		best, worst, second := order[0], order[n], order[n-1]
		fb, fw := vals[best], vals[worst]
		if fw-fb <= absTol+relTol*math.Abs(fb) {
			var diam float64
			for _, i := range order[1:] {
				for j := 0; j < n; j++ {
					diam = math.Max(diam, math.Abs(verts[i][j]-verts[best][j]))
				}
			}
			if diam <= xTol {
				break
			}
		}
		clear(cen)
		for _, i := range order[:n] {
			for j, x := range verts[i] {
				cen[j] += x
			}
		}
		for j := range cen {
			cen[j] /= float64(n)
		}
		for j := range xr {
			xr[j] = cen[j] + alpha*(cen[j]-verts[worst][j])
		}
		fr := eval(xr)
		switch {
		case fr < fb:
			for j := range xe {
				xe[j] = cen[j] + beta*(xr[j]-cen[j])
			}
			if fe := eval(xe); fe < fr {
				copy(verts[worst], xe)
				vals[worst] = fe
			} else {
				copy(verts[worst], xr)
				vals[worst] = fr
			}
			continue
		case fr < vals[second]:
			copy(verts[worst], xr)
			vals[worst] = fr
			continue
		case fr < fw:
			for j := range xc {
				xc[j] = cen[j] + gamma*(xr[j]-cen[j])
			}
			if fc := eval(xc); fc <= fr {
				copy(verts[worst], xc)
				vals[worst] = fc
				continue
			}
		default:
			for j := range xc {
				xc[j] = cen[j] - gamma*(cen[j]-verts[worst][j])
			}
			if fc := eval(xc); fc < fw {
				copy(verts[worst], xc)
				vals[worst] = fc
				continue
			}
		}
		// Shrink towards the best vertex.
		for _, i := range order[1:] {
			for j := range verts[i] {
				verts[i][j] = verts[best][j] + delta*(verts[i][j]-verts[best][j])
			}
			vals[i] = eval(verts[i])
		}
	}
	by()
	out := append([]float64(nil), verts[order[0]]...)
	return out, vals[order[0]], evals
}
