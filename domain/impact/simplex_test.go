package impact

import (
	"math"
	"math/rand/v2"
	"testing"
)

// checkKKT verifies the optimality conditions of the simplex QP: w is
// feasible and every donor's gradient <x, d_j>_V is at least the common
// value on the support (which the support attains).
func checkKKT(t *testing.T, qp *simplexQP, w []float64, tol float64) {
	t.Helper()
	k := qp.k
	var sum float64
	x := make([]float64, k)
	for j, wj := range w {
		if wj < 0 {
			t.Fatalf("negative weight %v", wj)
		}
		sum += wj
		for l := 0; l < k; l++ {
			x[l] += wj * qp.d[j*k+l]
		}
	}
	if math.Abs(sum-1) > 1e-12 {
		t.Fatalf("weights sum to %v", sum)
	}
	var xx, scale float64
	for l := 0; l < k; l++ {
		xx += qp.v[l] * x[l] * x[l]
	}
	g := make([]float64, len(w))
	for j := range w {
		for l := 0; l < k; l++ {
			g[j] += qp.v[l] * x[l] * qp.d[j*k+l]
		}
		scale = math.Max(scale, qp.norm2[j])
	}
	for j, gj := range g {
		if gj < xx-tol*scale {
			t.Fatalf("donor %d: gradient %.3g below the support value %.3g: not optimal", j, gj, xx)
		}
		if w[j] > 1e-9 && math.Abs(gj-xx) > tol*scale {
			t.Fatalf("donor %d in the support: gradient %.3g differs from %.3g", j, gj, xx)
		}
	}
}

func TestSimplexQPOptimality(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for rep := 0; rep < 300; rep++ {
		k := 1 + rng.IntN(8)
		J := 2 + rng.IntN(60)
		d := make([]float64, J*k)
		shift := rng.NormFloat64() * 2 // treated unit inside or outside the hull
		for i := range d {
			d[i] = rng.NormFloat64() + shift
		}
		if rep%5 == 0 { // duplicated donors
			copy(d[k:2*k], d[:k])
		}
		qp := newSimplexQP(k, J, d)
		for l := range qp.v {
			qp.v[l] = rng.Float64()
			if rng.IntN(4) == 0 {
				qp.v[l] = 0
			}
		}
		w := make([]float64, J)
		qp.solve(w)
		checkKKT(t, qp, w, 1e-9)
	}
}

func TestSimplexQPKnownSolutions(t *testing.T) {
	// Treated unit at the midpoint of two donors, a third far away.
	d := []float64{-1, 0, 1, 0, 5, 5} // k = 2, J = 3 (d_j = X0_j - x1)
	qp := newSimplexQP(2, 3, d)
	qp.v[0], qp.v[1] = 1, 1
	w := make([]float64, 3)
	if obj := qp.solve(w); obj > 1e-20 || math.Abs(w[0]-0.5) > 1e-12 || math.Abs(w[1]-0.5) > 1e-12 || w[2] != 0 {
		t.Errorf("midpoint: w %v obj %v", w, obj)
	}
	// Treated unit outside: nearest point of the segment [(1,1), (3,1)] to
	// the origin is the vertex (1,1).
	d = []float64{1, 1, 3, 1}
	qp = newSimplexQP(2, 2, d)
	qp.v[0], qp.v[1] = 1, 1
	w = w[:2]
	if obj := qp.solve(w); math.Abs(obj-2) > 1e-12 || w[0] != 1 {
		t.Errorf("vertex: w %v obj %v", w, obj)
	}
}
