package impact

import (
	"math"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/lapack/lapack64"
)

// simplexQP solves the synthetic control weight problem
//
//	minimise (x1 - X0 w)' V (x1 - X0 w)  subject to  w >= 0, sum(w) = 1,
//
// V diagonal, exactly (to rounding), by Wolfe's (1976) minimum-norm-point
// algorithm. Writing d_j = X0_j - x1 for donor j, the objective is
// ||sum_j w_j d_j||^2_V, so the problem is to find the point of the convex
// hull of {d_j} nearest the origin in the V-norm. Wolfe's algorithm is an
// active-set method for exactly this problem: it keeps a "corral", an
// affinely independent subset S of the points (at most k+1 of them for k
// predictors) with positive weights, and alternates
//
//   - major cycle: if some point d_j has <x, d_j>_V < <x, x>_V - tol, where x
//     is the current nearest point, x is not optimal (this is the KKT
//     condition of the QP, whose gradient in w_j is 2<x, d_j>_V); add the
//     most violating point to S;
//   - minor cycle: move to the point of the affine hull of S nearest the
//     origin; if it lies in the relative interior of conv(S) accept it,
//     otherwise step towards it as far as the weights stay non-negative and
//     drop the points whose weight reaches zero, and repeat.
//
// The affine minimiser solves (G + 11')u = 1, G the V-Gram matrix of S, and
// normalises u to sum 1; the system is at most (k+1)×(k+1) and is
// factorised by Cholesky (LAPACK dpotrf via gonum's lapack64). Each major
// cycle costs O(Jk), so the solver suits many donors and few predictors. It
// terminates in finitely many steps (Wolfe 1976, theorem 2); the tolerances
// are Wolfe's Z1 = 1e-12 (optimality, relative to the largest squared
// norm), Z2 = 1e-10 (positivity of weights).
//
// A simplexQP is not safe for concurrent use; the scratch space is reused
// between calls so that solving does not allocate.
type simplexQP struct {
	k, j int
	d    []float64 // j×k, row r = X0_r - x1 (scaled)
	v    []float64 // V diagonal

	norm2 []float64 // ||d_r||²_V
	dots  []float64 // <x, d_r>_V
	q     []float64 // V x
	x     []float64 // current point (unweighted coordinates)

	set   []int     // corral S
	lam   []float64 // weights on S
	alpha []float64 // affine minimiser
	gram  []float64 // maxS×maxS V-Gram matrix of S (row-major)
	chol  []float64 // maxS×maxS scratch for the Cholesky factor
	maxS  int
	// iterations of the last solve (major + minor cycles)
	iters int
	// gap is the last solve's optimality gap (<x,x>_V - min_j <x,d_j>_V,
	// relative to the largest squared norm involved): at most wolfeZ1 when
	// the solve reached the optimum, larger when it stopped at its
	// iteration cap or on a numerical safeguard.
	gap float64
}

// wolfeIterFactor sets the iteration cap of a solve, wolfeIterFactor (J +
// k + 10) cycles; a variable so that tests can reach the cap.
var wolfeIterFactor = 50

// wolfeGapTol is the optimality gap above which a solve counts as stopped
// short of the optimum (reported, never silent).
const wolfeGapTol = 1e-8

const (
	wolfeZ1 = 1e-12
	wolfeZ2 = 1e-10
)

func newSimplexQP(k, j int, d []float64) *simplexQP {
	maxS := k + 2
	return &simplexQP{
		k: k, j: j, d: d,
		v:     make([]float64, k),
		norm2: make([]float64, j),
		dots:  make([]float64, j),
		q:     make([]float64, k),
		x:     make([]float64, k),
		set:   make([]int, 0, maxS),
		lam:   make([]float64, 0, maxS),
		alpha: make([]float64, maxS),
		gram:  make([]float64, maxS*maxS),
		chol:  make([]float64, maxS*maxS),
		maxS:  maxS,
	}
}

// vdot returns <d_a, d_b>_V.
func (s *simplexQP) vdot(a, b int) float64 {
	da := s.d[a*s.k : a*s.k+s.k]
	db := s.d[b*s.k : b*s.k+s.k]
	var r float64
	for l, vl := range s.v {
		r += vl * da[l] * db[l]
	}
	return r
}

// add appends point r to the corral with weight 0.
func (s *simplexQP) add(r int) {
	m := len(s.set)
	for i, o := range s.set {
		g := s.vdot(r, o)
		s.gram[i*s.maxS+m] = g
		s.gram[m*s.maxS+i] = g
	}
	s.gram[m*s.maxS+m] = s.norm2[r]
	s.set = append(s.set, r)
	s.lam = append(s.lam, 0)
}

// remove drops corral position i.
func (s *simplexQP) remove(i int) {
	m := len(s.set)
	ms := s.maxS
	for a := i; a < m-1; a++ {
		for b := 0; b < m; b++ {
			s.gram[a*ms+b] = s.gram[(a+1)*ms+b]
		}
	}
	for a := 0; a < m-1; a++ {
		for b := i; b < m-1; b++ {
			s.gram[a*ms+b] = s.gram[a*ms+b+1]
		}
	}
	s.set = append(s.set[:i], s.set[i+1:]...)
	s.lam = append(s.lam[:i], s.lam[i+1:]...)
}

// affine computes the affine minimiser of the corral into s.alpha. It
// reports false when the corral is not affinely independent.
func (s *simplexQP) affine() bool {
	m := len(s.set)
	for a := 0; a < m; a++ {
		for b := a; b < m; b++ {
			s.chol[a*m+b] = s.gram[a*s.maxS+b] + 1
		}
	}
	t, ok := lapack64.Potrf(blas64.Symmetric{Uplo: blas.Upper, N: m, Stride: m, Data: s.chol[:m*m]})
	if !ok {
		return false
	}
	u := s.alpha[:m]
	for i := range u {
		u[i] = 1
	}
	lapack64.Potrs(t, blas64.General{Rows: m, Cols: 1, Stride: 1, Data: u})
	var sum float64
	for _, x := range u {
		sum += x
	}
	if !(sum > 0) || math.IsInf(sum, 0) {
		return false
	}
	for i := range u {
		u[i] /= sum
	}
	return true
}

// point sets s.x = sum lam_i d_{S_i}.
func (s *simplexQP) point() {
	clear(s.x)
	for i, r := range s.set {
		row := s.d[r*s.k : r*s.k+s.k]
		li := s.lam[i]
		for l := range s.x {
			s.x[l] += li * row[l]
		}
	}
}

// solve finds the weights for the V diagonal in s.v and writes them to w
// (length j, zero outside the support). It returns the minimum of the
// objective.
func (s *simplexQP) solve(w []float64) float64 {
	k := s.k
	best, bestNorm := 0, math.Inf(1)
	for r := 0; r < s.j; r++ {
		row := s.d[r*k : r*k+k]
		var n2 float64
		for l, vl := range s.v {
			n2 += vl * row[l] * row[l]
		}
		s.norm2[r] = n2
		if n2 < bestNorm {
			best, bestNorm = r, n2
		}
	}
	s.set = s.set[:0]
	s.lam = s.lam[:0]
	s.add(best)
	s.lam[0] = 1
	s.point()
	s.iters = 0
	s.gap = math.Inf(1)
	maxIter := wolfeIterFactor * (s.j + k + 10)
	for s.iters < maxIter {
		s.iters++
		// Major cycle: most violating point.
		var xx float64
		for l, vl := range s.v {
			s.q[l] = vl * s.x[l]
			xx += s.q[l] * s.x[l]
		}
		dots := s.dots
		blas64.Gemv(blas.NoTrans, 1, blas64.General{Rows: s.j, Cols: k, Stride: k, Data: s.d}, blas64.Vector{N: k, Inc: 1, Data: s.q}, 0, blas64.Vector{N: s.j, Inc: 1, Data: dots})
		jmin, dmin := 0, math.Inf(1)
		for r, dr := range dots {
			if dr < dmin {
				jmin, dmin = r, dr
			}
		}
		scale := s.norm2[jmin]
		for _, r := range s.set {
			scale = math.Max(scale, s.norm2[r])
		}
		s.gap = (xx - dmin) / scale
		if xx-dmin <= wolfeZ1*scale || len(s.set) >= s.maxS {
			break
		}
		inSet := false
		for _, r := range s.set {
			if r == jmin {
				inSet = true
				break
			}
		}
		if inSet {
			break
		}
		s.add(jmin)
		// Minor cycles.
		for {
			s.iters++
			if !s.affine() {
				// Numerically dependent corral (cannot happen in exact
				// arithmetic): keep the current feasible weights and stop.
				s.iters = maxIter
				break
			}
			m := len(s.set)
			alpha := s.alpha[:m]
			interior := true
			for _, a := range alpha {
				if a <= wolfeZ2 {
					interior = false
					break
				}
			}
			if interior {
				copy(s.lam, alpha)
				break
			}
			theta := 1.0
			for i, a := range alpha {
				if a <= wolfeZ2 {
					den := s.lam[i] - a
					th := 0.0
					if den > 0 {
						th = s.lam[i] / den
					}
					theta = math.Min(theta, th)
				}
			}
			for i := range s.lam {
				s.lam[i] = theta*alpha[i] + (1-theta)*s.lam[i]
			}
			// Drop points whose weight reached zero (at least one does).
			dropped := false
			for i := len(s.lam) - 1; i >= 0; i-- {
				if s.lam[i] <= wolfeZ2 {
					s.remove(i)
					dropped = true
				}
			}
			if !dropped || len(s.set) == 0 {
				// Cannot happen in exact arithmetic; restart from the best
				// single point to stay safe.
				s.set, s.lam = s.set[:0], s.lam[:0]
				s.add(best)
				s.lam[0] = 1
				s.iters = maxIter
				break
			}
			var sum float64
			for _, l := range s.lam {
				sum += l
			}
			for i := range s.lam {
				s.lam[i] /= sum
			}
		}
		s.point()
	}
	if s.iters >= maxIter || s.gap > wolfeZ1 {
		s.gap = s.kktGap()
	}
	clear(w)
	for i, r := range s.set {
		w[r] = s.lam[i]
	}
	var obj float64
	for l, vl := range s.v {
		obj += vl * s.x[l] * s.x[l]
	}
	return obj
}

// kktGap returns the optimality gap of the current point, relative to the
// largest squared norm involved.
func (s *simplexQP) kktGap() float64 {
	var xx float64
	for l, vl := range s.v {
		s.q[l] = vl * s.x[l]
		xx += s.q[l] * s.x[l]
	}
	dmin, scale := math.Inf(1), 0.0
	for r := 0; r < s.j; r++ {
		var d float64
		row := s.d[r*s.k : r*s.k+s.k]
		for l, ql := range s.q {
			d += ql * row[l]
		}
		dmin = math.Min(dmin, d)
		scale = math.Max(scale, s.norm2[r])
	}
	if !(scale > 0) {
		return 0
	}
	return math.Max(xx-dmin, 0) / scale
}
