package demo

import (
	"math"
	"testing"
)

// moments returns the sample mean and variance of n draws.
func moments(n int, draw func() float64) (mean, variance float64) {
	xs := make([]float64, n)
	for i := range xs {
		xs[i] = draw()
		mean += xs[i]
	}
	mean /= float64(n)
	for _, x := range xs {
		variance += (x - mean) * (x - mean)
	}
	return mean, variance / float64(n-1)
}

func TestSamplersHaveTheirMoments(t *testing.T) {
	const n = 40_000
	s := newSource(7, "test")
	for _, c := range []struct {
		name           string
		draw           func() float64
		mean, variance float64
	}{
		{"uniform", s.uniform, 0.5, 1.0 / 12},
		{"normal", s.normal, 0, 1},
		{"gamma(2)", func() float64 { return s.gamma(2) }, 2, 2},
		{"gamma(40)", func() float64 { return s.gamma(40) }, 40, 40},
		{"poisson(0.6)", func() float64 { return float64(s.poisson(0.6)) }, 0.6, 0.6},
		{"poisson(7)", func() float64 { return float64(s.poisson(7)) }, 7, 7},
		{"poisson(35)", func() float64 { return float64(s.poisson(35)) }, 35, 35},
		{"poisson(400)", func() float64 { return float64(s.poisson(400)) }, 400, 400},
		{"negBin(20, 5)", func() float64 { return float64(s.negBin(20, 5)) }, 20, 20 + 400.0/5},
		{"negBin(20, 0)", func() float64 { return float64(s.negBin(20, 0)) }, 20, 20},
	} {
		mean, variance := moments(n, c.draw)
		if se := math.Sqrt(c.variance / n); math.Abs(mean-c.mean) > 5*se {
			t.Errorf("%s: mean %.4f, want %.4f (se %.4f)", c.name, mean, c.mean, se)
		}
		if math.Abs(variance/c.variance-1) > 0.06 {
			t.Errorf("%s: variance %.4f, want %.4f", c.name, variance, c.variance)
		}
	}
}

func TestSourcesAreIndependentStreams(t *testing.T) {
	a, b, c := newSource(1, "x"), newSource(1, "x"), newSource(1, "y")
	same, differ := true, false
	for range 100 {
		u, v, w := a.pcg.Uint64(), b.pcg.Uint64(), c.pcg.Uint64()
		same = same && u == v
		differ = differ || u != w
	}
	if !same || !differ {
		t.Errorf("same stream identical: %v; other stream different: %v", same, differ)
	}
	for range 10_000 {
		if u := a.uniform(); u <= 0 || u >= 1 {
			t.Fatalf("uniform %v outside (0, 1)", u)
		}
	}
}

func TestRound(t *testing.T) {
	for _, c := range []struct {
		v    float64
		d    int
		want float64
	}{{74.514, 2, 74.51}, {66.96, 1, 67}, {123_449.9, -2, 123_400}, {1385, -1, 1390}, {-2.5, 0, -3}} {
		if got := round(c.v, c.d); got != c.want {
			t.Errorf("round(%v, %d) = %v, want %v", c.v, c.d, got, c.want)
		}
	}
}
