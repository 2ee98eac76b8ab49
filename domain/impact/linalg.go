package impact

import (
	"math"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/lapack/lapack64"
)

// minPivot is the smallest squared Cholesky pivot of a cross-product matrix
// scaled to unit diagonal that is accepted as non-singular. The squared
// pivot of column i is 1 - R²_i, the share of that column not explained by
// the columns before it, so a pivot below 1e-12 means a variance inflation
// above 1e12 (and a condition number at least that large): the design is
// reported as singular.
const minPivot = 1e-12

// spd factorises and inverts a small symmetric positive-definite matrix
// (a cross-product X'WX) in place, with scratch space kept between calls so
// that repeated use does not allocate. The matrix is scaled to unit diagonal
// before the Cholesky factorisation (LAPACK dpotrf through gonum's lapack64),
// which makes the accuracy depend on the correlation of the columns rather
// than on their units, and makes the pivots a direct collinearity measure
// (see minPivot).
type spd struct {
	p int
	a []float64 // p*p row-major; the caller fills the upper triangle
	d []float64 // scale: 1/sqrt(diag)
	t blas64.Triangular
}

func newSPD(p int) *spd {
	buf := make([]float64, p*p+p)
	return &spd{p: p, a: buf[:p*p], d: buf[p*p:]}
}

// factor scales and factorises s.a. It reports false when the matrix is not
// numerically positive definite (a zero or collinear column).
func (s *spd) factor() bool {
	p, a := s.p, s.a
	for i := 0; i < p; i++ {
		v := a[i*p+i]
		if !(v > 0) || math.IsInf(v, 0) {
			return false
		}
		s.d[i] = 1 / math.Sqrt(v)
	}
	for i := 0; i < p; i++ {
		for j := i; j < p; j++ {
			a[i*p+j] *= s.d[i] * s.d[j]
		}
	}
	sym := blas64.Symmetric{Uplo: blas.Upper, N: p, Stride: p, Data: a}
	t, ok := lapack64.Potrf(sym)
	if !ok {
		return false
	}
	s.t = t
	for i := 0; i < p; i++ {
		if r := a[i*p+i]; !(r*r >= minPivot) {
			return false
		}
	}
	return true
}

// logDet returns the log-determinant of the original matrix, using the
// factor from factor.
func (s *spd) logDet() float64 {
	var l float64
	for i := 0; i < s.p; i++ {
		l += 2 * (math.Log(s.a[i*s.p+i]) - math.Log(s.d[i]))
	}
	return l
}

// solve overwrites b with A⁻¹b using the factor from factor.
func (s *spd) solve(b []float64) {
	for i := range b {
		b[i] *= s.d[i]
	}
	lapack64.Potrs(s.t, blas64.General{Rows: s.p, Cols: 1, Stride: 1, Data: b})
	for i := range b {
		b[i] *= s.d[i]
	}
}

// inverse overwrites s.a with the full (both triangles) inverse of the
// original matrix, using the factor from factor.
func (s *spd) inverse() bool {
	if _, ok := lapack64.Potri(s.t); !ok {
		return false
	}
	p, a := s.p, s.a
	for i := 0; i < p; i++ {
		for j := i; j < p; j++ {
			v := a[i*p+j] * s.d[i] * s.d[j]
			a[i*p+j] = v
			a[j*p+i] = v
		}
	}
	return true
}

// quadForm returns x'Ax for a full row-major p×p matrix A.
func quadForm(a, x []float64) float64 {
	p := len(x)
	var q float64
	for i, xi := range x {
		if xi == 0 {
			continue
		}
		row := a[i*p : i*p+p]
		var s float64
		for j, xj := range x {
			s += row[j] * xj
		}
		q += xi * s
	}
	return q
}
