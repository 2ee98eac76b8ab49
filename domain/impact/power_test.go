package impact

import (
	"math"
	"math/rand/v2"
	"testing"
)

// simHistory simulates n periods of a level series: 50 plus a small trend
// and iid normal noise of sd 2.
func simHistory(rng *rand.Rand, n int) []float64 {
	v := make([]float64, n)
	for i := range v {
		v[i] = 50 + 0.02*float64(i) + 2*rng.NormFloat64()
	}
	return v
}

// TestPowerAtMDE validates the minimum detectable effect by simulation:
// for each of 40 simulated histories (200 periods, trend plus iid noise)
// Power reports the MDE of a 12-period ITS evaluation; then 10 fresh
// series from the same process per history, as long as the placebo
// windows (PrePeriods + 12), get that MDE as a decrease from the start and
// are evaluated by the same ITS. Over the 400 evaluations the share that
// detects it must be 80% +/- 5%.
func TestPowerAtMDE(t *testing.T) {
	rng := rand.New(rand.NewPCG(15, 80))
	const histories, fresh, n, h = 40, 10, 200, 12
	hits, total := 0, 0
	var mdeSum, sizeSum float64
	for k := 0; k < histories; k++ {
		hist := simHistory(rng, n)
		r, err := Power(PowerInput{Series: Series{Unit: "sim", Periods: labels(n), Values: hist}, Horizon: h, Method: MethodITS})
		if err != nil {
			t.Fatal(err)
		}
		if !r.Detectable || !(r.MDE > 0) {
			t.Fatalf("history %d: %+v", k, r)
		}
		mdeSum += r.MDE
		sizeSum += r.Size
		m := r.PrePeriods + h
		for j := 0; j < fresh; j++ {
			v := simHistory(rng, m)
			for i := r.PrePeriods; i < m; i++ {
				v[i] -= r.MDE
			}
			res, err := ITS(ITSInput{Series: Series{Unit: "f", Periods: labels(m), Values: v}, Start: r.PrePeriods, Model: Gaussian, NoCounterfactual: true})
			if err != nil {
				t.Fatal(err)
			}
			total++
			if res.Effect.PValue < 0.05 && res.Effect.Value < 0 {
				hits++
			}
		}
	}
	got := float64(hits) / float64(total)
	t.Logf("empirical power at the reported MDE: %.3f (%d of %d); mean MDE %.3f (noise sd 2), mean size %.3f", got, hits, total, mdeSum/histories, sizeSum/histories)
	if math.Abs(got-0.8) > 0.05 {
		t.Errorf("empirical power %.3f at the MDE, want 0.80 +/- 0.05", got)
	}
}

// TestPowerCurve: the power of the reported MDE on the windows is at
// least the target, power grows with the effect, and a before/after
// comparison of the same history has an MDE of the size a Welch test
// gives (about (1.96 + 0.84) times the standard error of the difference
// for iid noise).
func TestPowerCurve(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	const n, h = 120, 12
	v := make([]float64, n)
	for i := range v {
		v[i] = 100 + 3*rng.NormFloat64()
	}
	r, err := Power(PowerInput{Series: Series{Unit: "x", Periods: labels(n), Values: v}, Horizon: h, Method: MethodBeforeAfter})
	if err != nil {
		t.Fatal(err)
	}
	p0, _ := r.PowerAt(0)
	pm, _ := r.PowerAt(-r.MDE)
	p2, _ := r.PowerAt(-2 * r.MDE)
	if !(pm >= 0.8 && p2 >= pm && pm > p0) {
		t.Fatalf("power at 0 %.2f, MDE %.2f, 2 MDE %.2f", p0, pm, p2)
	}
	se := 3 * math.Sqrt(1/float64(r.PrePeriods)+1.0/h)
	want := (1.96 + 0.84) * se
	t.Logf("MDE %.3f, normal approximation %.3f, relative %.4f, size %.3f; %s", r.MDE, want, r.MDERelative, r.Size, r.Explanation)
	if r.MDE < 0.7*want || r.MDE > 1.4*want {
		t.Errorf("MDE %.3f, want near %.3f", r.MDE, want)
	}
	if math.Abs(r.MDERelative-r.MDE/r.Baseline) > 1e-12 {
		t.Errorf("relative MDE %g", r.MDERelative)
	}
}

// TestPowerCounts: quasi-Poisson injections are proportional, and the
// relative MDE of Poisson counts around 400 over 12 months is a few
// percent.
func TestPowerCounts(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	const n = 150
	v := make([]float64, n)
	for i := range v {
		v[i] = float64(poissonRand(rng, 400))
	}
	r, err := Power(PowerInput{Series: Series{Unit: "c", Periods: labels(n), Values: v}, Horizon: 12, Method: MethodITS, Model: QuasiPoisson})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%s", r.Explanation)
	if !r.Multiplicative || !r.Detectable || r.MDERelative < 0.01 || r.MDERelative > 0.15 {
		t.Fatalf("%+v", r)
	}
	if _, err := r.PowerAt(-2 * r.Baseline); !isBadInput(err) {
		t.Fatalf("a decrease below zero: %v", err)
	}
}

func TestPowerBadInput(t *testing.T) {
	ok := PowerInput{Series: Series{Unit: "x", Periods: labels(100), Values: simHistory(rand.New(rand.NewPCG(1, 1)), 100)}, Horizon: 12, Method: MethodITS}
	cases := map[string]func(in *PowerInput){
		"horizon": func(in *PowerInput) { in.Horizon = 0 },
		"alpha":   func(in *PowerInput) { in.Alpha = 1 },
		"method":  func(in *PowerInput) { in.Method = "BOGUS" },
		"series":  func(in *PowerInput) { in.Horizon = 70 },
		"target":  func(in *PowerInput) { in.Target = -0.5 },
	}
	for field, mod := range cases {
		in := ok
		mod(&in)
		_, err := Power(in)
		assertBadInput(t, err, field)
	}
}

// BenchmarkPower360: power of a 12-month ITS evaluation from 360 months of
// history (issue 15 target: <= 1 s).
func BenchmarkPower360(b *testing.B) {
	rng := rand.New(rand.NewPCG(9, 9))
	in := PowerInput{Series: Series{Unit: "b", Periods: labels(360), Values: simHistory(rng, 360)}, Horizon: 12, Method: MethodITS}
	for b.Loop() {
		if _, err := Power(in); err != nil {
			b.Fatal(err)
		}
	}
}
