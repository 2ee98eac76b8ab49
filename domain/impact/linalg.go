package impact

import (
	"math"
	"sync"

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

// qrLS solves (weighted) least squares by a Householder QR factorisation of
// the design (computed as the LQ factorisation of the transposed design, LAPACK
// dgelqf through gonum's lapack64, so that the reflectors run along
// contiguous memory), not through the
// normal equations: the error of the coefficients then grows with the
// condition number of the design, not with its square (the normal
// equations lose about ten times the accuracy on badly scaled data). The
// columns are scaled to unit norm first, so that |R_jj|^2 is the share of
// column j not explained by the columns before it and the same minPivot
// test reports a singular design. Scratch space is kept between calls.
type qrLS struct {
	n, p int
	a    []float64 // p×n row-major: (sqrt(w) X scaled)', then its LQ factor
	d    []float64 // column scales 1/||column||
	tau  []float64
	qtz  []float64 // n
	rinv []float64 // p×p
	work []float64
}

// qrPool recycles qrLS scratch space between fits.
var qrPool = sync.Pool{New: func() any { return new(qrLS) }}

// getQRLS returns a qrLS for n×p designs from the pool; putQRLS returns
// it.
func getQRLS(n, p int) *qrLS {
	q := qrPool.Get().(*qrLS)
	grow := func(b []float64, m int) []float64 {
		if cap(b) < m {
			return make([]float64, m)
		}
		return b[:m]
	}
	q.n, q.p = n, p
	q.a, q.d, q.tau, q.qtz, q.rinv = grow(q.a, n*p), grow(q.d, p), grow(q.tau, p), grow(q.qtz, n), grow(q.rinv, p*p)
	var w [1]float64
	lapack64.Gelqf(blas64.General{Rows: p, Cols: n, Stride: n, Data: q.a}, q.tau, w[:], -1)
	q.work = grow(q.work, max(int(w[0]), n, 1))
	return q
}

func putQRLS(q *qrLS) { qrPool.Put(q) }

// fit factorises sqrt(w) X (X column-major n×p, column j from row
// first(j) on, zero above; w nil for unit weights) and, when z is not nil,
// writes the least-squares coefficients of sqrt(w) z into beta. It reports
// false when the design is numerically singular.
func (q *qrLS) fit(x []float64, first func(int) int, w, z, beta []float64) bool {
	n, p, a := q.n, q.p, q.a
	// a holds X' (p×n, row-major: row j is column j of X), so that the
	// reflectors run along contiguous rows: X' = L Q (LQ, dgelqf), hence
	// X = Q' L', R = L'.
	for j := 0; j < p; j++ {
		row := a[j*n : j*n+n]
		col := x[j*n : j*n+n]
		l := first(j)
		clear(row[:l])
		if w == nil {
			copy(row[l:], col[l:])
		} else {
			for i := l; i < n; i++ {
				row[i] = col[i] * math.Sqrt(w[i])
			}
		}
		ss := blas64.Dot(blas64.Vector{N: n - l, Inc: 1, Data: row[l:]}, blas64.Vector{N: n - l, Inc: 1, Data: row[l:]})
		if !(ss > 0) || math.IsInf(ss, 0) {
			return false
		}
		q.d[j] = 1 / math.Sqrt(ss)
		blas64.Scal(q.d[j], blas64.Vector{N: n - l, Inc: 1, Data: row[l:]})
	}
	g := blas64.General{Rows: p, Cols: n, Stride: n, Data: a}
	lapack64.Gelqf(g, q.tau, q.work, len(q.work))
	for j := 0; j < p; j++ {
		if r := a[j*n+j]; !(r*r >= minPivot) {
			return false
		}
	}
	if z == nil {
		return true
	}
	for i, v := range z {
		if w != nil {
			v *= math.Sqrt(w[i])
		}
		q.qtz[i] = v
	}
	lapack64.Ormlq(blas.Left, blas.NoTrans, g, q.tau, blas64.General{Rows: n, Cols: 1, Stride: 1, Data: q.qtz}, q.work, len(q.work))
	copy(beta, q.qtz[:p])
	// R beta = Q'z with R = L' upper triangular: solve L' beta = qtz.
	blas64.Trsv(blas.Trans, q.l(), blas64.Vector{N: p, Inc: 1, Data: beta})
	for j := range beta {
		beta[j] *= q.d[j]
	}
	return true
}

// l is the lower triangular factor L = R' (scaled columns).
func (q *qrLS) l() blas64.Triangular {
	return blas64.Triangular{Uplo: blas.Lower, Diag: blas.NonUnit, N: q.p, Stride: q.n, Data: q.a}
}

// logDet returns log det(X'WX) from the last fit.
func (q *qrLS) logDet() float64 {
	var l float64
	for j := 0; j < q.p; j++ {
		l += 2 * (math.Log(math.Abs(q.a[j*q.n+j])) - math.Log(q.d[j]))
	}
	return l
}

// inverse writes (X'WX)^-1 (p×p, row-major, both triangles) from the last
// fit into out.
func (q *qrLS) inverse(out []float64) bool {
	p, rinv := q.p, q.rinv
	clear(rinv)
	for i := 0; i < p; i++ { // R = L'
		for j := i; j < p; j++ {
			rinv[i*p+j] = q.a[j*q.n+i]
		}
	}
	if !lapack64.Trtri(blas64.Triangular{Uplo: blas.Upper, Diag: blas.NonUnit, N: p, Stride: p, Data: rinv}) {
		return false
	}
	// (R'R)^-1 = Rinv Rinv', Rinv upper triangular.
	for i := 0; i < p; i++ {
		for j := i; j < p; j++ {
			var s float64
			for k := j; k < p; k++ {
				s += rinv[i*p+k] * rinv[j*p+k]
			}
			v := s * q.d[i] * q.d[j]
			out[i*p+j] = v
			out[j*p+i] = v
		}
	}
	return true
}
