package impact

import (
	"math"
	"testing"
)

func TestNelderMeadRosenbrock(t *testing.T) {
	rosen := func(x []float64) float64 {
		var s float64
		for i := 0; i+1 < len(x); i++ {
			a, b := 1-x[i], x[i+1]-x[i]*x[i]
			s += a*a + 100*b*b
		}
		return s
	}
	for _, dim := range []int{2, 3, 4} {
		x0 := make([]float64, dim)
		for i := range x0 {
			x0[i] = -1.2
		}
		x, f, evals, conv := nelderMead(rosen, x0, 0.5, 20000, 200, 1e-14)
		if f > 1e-8 || evals > 20000 || !conv {
			t.Errorf("dim %d: f %.3g at %v after %d evaluations", dim, f, x, evals)
		}
		for _, xi := range x {
			if math.Abs(xi-1) > 1e-3 {
				t.Errorf("dim %d: x %v", dim, x)
			}
		}
	}
}

func TestNelderMeadOneDimension(t *testing.T) {
	x, f, _, _ := nelderMead(func(x []float64) float64 { return (x[0] - 3) * (x[0] - 3) }, []float64{0}, 1, 1000, 50, 1e-14)
	if math.Abs(x[0]-3) > 1e-6 || f > 1e-12 {
		t.Errorf("x %v f %v", x, f)
	}
}

// TestNelderMeadNaNAndBudget: NaN counts as +Inf (the search moves away
// from it) and the evaluation budget is kept.
func TestNelderMeadNaNAndBudget(t *testing.T) {
	f := func(x []float64) float64 {
		if x[0] > 2 {
			return math.NaN()
		}
		return (x[0] - 1) * (x[0] - 1)
	}
	x, v, _, _ := nelderMead(f, []float64{0}, 1, 1000, 50, 1e-14)
	if math.Abs(x[0]-1) > 1e-5 || math.IsNaN(v) {
		t.Errorf("x %v f %v", x, v)
	}
	calls := 0
	_, _, evals, conv := nelderMead(func(x []float64) float64 { calls++; return x[0]*x[0] + x[1]*x[1] }, []float64{5, 5}, 1, 50, 1000, 0)
	if calls > 50 || evals != calls || conv {
		t.Errorf("%d calls, %d evaluations reported, budget 50", calls, evals)
	}
}
