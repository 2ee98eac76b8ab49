package impact

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestRademacherMean: the tabulated draws equal (1/n) sum_i v_i psi_i
// written out unit by unit from the packed weights, for n not a multiple
// of 8 and an influence function zero on whole blocks; and the weights
// are +1 or -1 about half the time each.
func TestRademacherMean(t *testing.T) {
	const n, draws = 37, 501
	r := newRademacher(n, draws, 9)
	rng := rand.New(rand.NewPCG(1, 2))
	psi := make([]float64, n)
	for i := range psi {
		if i/8 != 1 { // units 8..15 (the second block) have no influence
			psi[i] = rng.NormFloat64() * float64(1+i%5)
		}
	}
	got := make([]float64, draws)
	r.mean(psi, float64(n), got)
	plus := 0
	for b := 0; b < draws; b++ {
		s := 0.0
		for i, p := range psi {
			v := -1.0
			if r.w[(i/8)*draws+b]>>(i%8)&1 == 1 {
				v = 1
				plus++
			}
			s += v * p
		}
		if want := s / n; math.Abs(got[b]-want) > 1e-13 {
			t.Fatalf("draw %d: %v, written out %v", b, got[b], want)
		}
	}
	if share := float64(plus) / (n * draws); math.Abs(share-0.5) > 0.01 {
		t.Errorf("share of +1 weights %.4f", share)
	}
	// The same seed, the same weights; another, others.
	if s := newRademacher(n, draws, 9); string(s.w) != string(r.w) {
		t.Error("seed 9 drew different weights twice")
	}
	if s := newRademacher(n, draws, 10); string(s.w) == string(r.w) {
		t.Error("seeds 9 and 10 drew the same weights")
	}
}

// TestIQRScale follows did's rule: the order statistics ceil(0.25 B) and
// ceil(0.75 B) (R's quantile type 1), over qnorm(0.75) - qnorm(0.25).
func TestIQRScale(t *testing.T) {
	for _, c := range []struct {
		B      int
		lo, hi float64 // the order statistics of the values 1..B
	}{{999, 250, 750}, {1000, 250, 750}, {99, 25, 75}, {9999, 2500, 7500}} {
		x := make([]float64, c.B)
		for i := range x {
			x[i] = float64(c.B - i) // descending: iqrScale sorts
		}
		if got, want := iqrScale(x), (c.hi-c.lo)/1.3489795003921634; math.Abs(got-want) > 1e-12 {
			t.Errorf("B = %d: %v, want (%v - %v) / 1.349 = %v", c.B, got, c.hi, c.lo, want)
		}
	}
	if math.Abs(iqrNormal-1.3489795003921634) > 1e-15 {
		t.Errorf("iqrNormal %v", iqrNormal)
	}
}

// TestSupCritical: the 95% quantile of the largest |draw/se| per draw,
// estimates with se 0 left out, never below 1.96.
func TestSupCritical(t *testing.T) {
	const B = 100
	a, b, c := make([]float64, B), make([]float64, B), make([]float64, B)
	for i := range a {
		a[i] = float64(i) / 10  // |t| = i/10 with se 1
		b[i] = -float64(i) / 40 // |t| = i/20 with se 0.5: never the larger
		c[i] = 1e9              // se 0: left out
	}
	// Order statistic ceil(0.95 * 100) = 95: the value 9.4.
	if got := supCritical([][]float64{a, b, c}, []float64{1, 0.5, 0}); math.Abs(got-9.4) > 1e-12 {
		t.Errorf("critical value %v, want 9.4", got)
	}
	for i := range a {
		a[i] /= 100
	}
	if got := supCritical([][]float64{a}, []float64{1}); got != 1.959963984540054 {
		t.Errorf("critical value %v, want the pointwise 1.96", got)
	}
	if got := supCritical(nil, nil); got != 1.959963984540054 {
		t.Errorf("no estimate: critical value %v", got)
	}
}
