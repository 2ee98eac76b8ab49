package impact_test

import (
	"math/rand/v2"
	"testing"

	"github.com/supplyeval/supplyeval/domain/impact"
)

// BenchmarkStaggered: 500 interventions adopted at random months, each in
// 2 of 2,000 regions (1,000 never treated), 360 months, both control
// groups, event study over +-36 months with 999 bootstrap draws (for the
// band; with BOOTSTRAP for every standard error too: 247 cohort, 73
// event-study and 3 overall estimates drawn), issue 14's target: <= 2 s
// with the panel read; this is the estimator alone.
func BenchmarkStaggered(b *testing.B) {
	rng := rand.New(rand.NewPCG(500, 2000))
	const n, T = 2000, 360
	in := impact.StaggeredInput{Y: make([][]float64, n), Cohort: make([]int, n), EventWindow: 36}
	for i := range in.Y {
		in.Cohort[i] = -1
		row := make([]float64, T)
		a := rng.NormFloat64()
		for t := range row {
			row[t] = a + 0.01*float64(t) + rng.NormFloat64()
		}
		in.Y[i] = row
	}
	for k := 0; k < 500; k++ {
		g := 12 + rng.IntN(T-24)
		for _, i := range []int{2 * k, 2*k + 1} {
			in.Cohort[i] = g
			for t := g; t < T; t++ {
				in.Y[i][t] += 1
			}
		}
	}
	for _, control := range []string{impact.NeverTreated, impact.NotYetTreated} {
		for _, inference := range []string{impact.InferenceAnalytic, impact.InferenceBootstrap} {
			b.Run(control+"/"+inference, func(b *testing.B) {
				in.Control, in.Inference = control, inference
				for i := 0; i < b.N; i++ {
					if _, err := impact.Staggered(in); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
