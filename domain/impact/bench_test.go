package impact

import (
	"math"
	"math/rand/v2"
	"strconv"
	"testing"
)

// BenchmarkITS360HAC: Gaussian ITS over 360 monthly points with slope
// change, two harmonic pairs and Newey-West errors (DESIGN.md section 8:
// target <= 30 us).
func BenchmarkITS360HAC(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	in := simITS(rng, 360, 240, 0.3, -3, false)
	in.Harmonics = 2
	in.SlopeChange = true
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ITS(in); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkITS360QuasiPoisson: quasi-Poisson ITS over 360 points with an
// offset.
func BenchmarkITS360QuasiPoisson(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	in := simITS(rng, 360, 240, 0, -0.1, true)
	in.Offset = make([]float64, 360)
	for i := range in.Offset {
		in.Offset[i] = 1e5 + float64(i)
	}
	in.SlopeChange = true
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ITS(in); err != nil {
			b.Fatal(err)
		}
	}
}

// synthBench builds a synthetic control problem with J donors from a
// two-factor model: 30 periods (20 before), four covariates averaged over the
// pre-period and three lagged outcomes as predictors, like Prop 99.
func synthBench(J int) SynthInput {
	rng := rand.New(rand.NewPCG(uint64(J), 99))
	const T, start = 30, 20
	f1 := make([]float64, T)
	f2 := make([]float64, T)
	for t := range f1 {
		f1[t] = float64(t) / 10
		f2[t] = math.Sin(float64(t) / 4)
	}
	mk := func(name string) SynthUnit {
		a, l1, l2 := 100+10*rng.NormFloat64(), rng.NormFloat64(), rng.NormFloat64()
		u := SynthUnit{Unit: name, Outcome: make([]float64, T)}
		for t := range u.Outcome {
			u.Outcome[t] = a + 5*l1*f1[t] + 3*l2*f2[t] + rng.NormFloat64()
		}
		u.Predictors = []float64{
			a/10 + rng.NormFloat64(), l1 + 0.5*rng.NormFloat64(), l2 + 0.5*rng.NormFloat64(), rng.NormFloat64(),
			u.Outcome[start-1], u.Outcome[10], u.Outcome[5],
		}
		return u
	}
	in := SynthInput{Start: start, PredictorNames: []string{"c1", "c2", "c3", "c4", "y19", "y10", "y5"}}
	for t := 0; t < T; t++ {
		in.Periods = append(in.Periods, strconv.Itoa(1990+t))
	}
	in.Treated = mk("treated")
	for j := 0; j < J; j++ {
		in.Donors = append(in.Donors, mk("donor"+strconv.Itoa(j)))
	}
	return in
}

// BenchmarkSynthWeights100: donor weights for 100 donors with the nested
// choice of V (target <= 50 ms).
func BenchmarkSynthWeights100(b *testing.B) {
	in := synthBench(100)
	b.ReportAllocs()
	var evals float64
	for b.Loop() {
		r, err := SyntheticControl(in)
		if err != nil {
			b.Fatal(err)
		}
		d, _ := r.Diagnostic("objective_evaluations")
		evals = d.Value
	}
	b.ReportMetric(evals, "evals/op")
}

// BenchmarkSynthPlacebo100: the fit and the placebo test over its 100
// donors, each refitted with nested V (target <= 5 s).
func BenchmarkSynthPlacebo100(b *testing.B) {
	in := synthBench(100)
	in.Placebo = true
	b.ReportAllocs()
	for b.Loop() {
		if _, err := SyntheticControl(in); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSynthPlacebo100FixedV: the same with V fixed at equal weights
// (101 weight solves), the work of a scipy SLSQP loop with fixed V.
func BenchmarkSynthPlacebo100FixedV(b *testing.B) {
	in := synthBench(100)
	in.Placebo = true
	in.V = []float64{1, 1, 1, 1, 1, 1, 1}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := SyntheticControl(in); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkProp99Placebo: the Prop 99 fit with its 38 placebos.
func BenchmarkProp99Placebo(b *testing.B) {
	in := prop99(b)
	in.Placebo = true
	for b.Loop() {
		if _, err := SyntheticControl(in); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDiD100x360: difference-in-differences over 20 treated and 80
// comparison units, 360 periods.
func BenchmarkDiD100x360(b *testing.B) {
	rng := rand.New(rand.NewPCG(3, 3))
	in := simPanel(rng, 20, 80, 360, 240, 1, 0.3)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := DiD(in); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSimplexQP100: one exact weight solve, 100 donors, 7 predictors.
func BenchmarkSimplexQP100(b *testing.B) {
	in := synthBench(100)
	d, err := newSynthData(in)
	if err != nil {
		b.Fatal(err)
	}
	k := d.k
	D := make([]float64, 100*k)
	for j := 0; j < 100; j++ {
		for l := 0; l < k; l++ {
			D[j*k+l] = d.x[(j+1)*k+l] - d.x[l]
		}
	}
	qp := newSimplexQP(k, 100, D)
	for l := range qp.v {
		qp.v[l] = 1 / float64(k)
	}
	w := make([]float64, 100)
	b.ReportAllocs()
	for b.Loop() {
		qp.solve(w)
	}
}

// BenchmarkITS360HACEstimatesOnly: the same fit without the counterfactual
// series (ITSInput.NoCounterfactual), as a scan over many series needs it.
func BenchmarkITS360HACEstimatesOnly(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	in := simITS(rng, 360, 240, 0.3, -3, false)
	in.Harmonics = 2
	in.SlopeChange = true
	in.NoCounterfactual = true
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ITS(in); err != nil {
			b.Fatal(err)
		}
	}
}
