package impact

import (
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// BenchmarkRMSensitivity: the relative-magnitudes analysis of an event
// study the size of BenchmarkStaggered's (window +-36: 36 pre-adoption
// moves, 37 periods from adoption on), seven Mbar values and the
// breakdown.
func BenchmarkRMSensitivity(b *testing.B) {
	rng := rand.New(rand.NewPCG(36, 37))
	const nPre, nPost = 36, 37
	P := nPre + nPost
	g := mat.NewDense(P, 3*P, nil)
	for i := 0; i < P; i++ {
		for j := 0; j < 3*P; j++ {
			g.Set(i, j, rng.NormFloat64())
		}
	}
	var sig mat.SymDense
	sig.SymOuterK(0.01/float64(3*P), g)
	beta := make([]float64, P)
	for i := range beta {
		beta[i] = 0.1 * rng.NormFloat64()
		if i >= nPre {
			beta[i] += 1
		}
	}
	l := make([]float64, nPost)
	for i := range l {
		l[i] = 1.0 / nPost
	}
	e := eventCoefs{Beta: beta, Sigma: &sig, NPre: nPre, L: l}
	for i := 0; i < b.N; i++ {
		if _, err := rmSensitivity(e, "average"); err != nil {
			b.Fatal(err)
		}
	}
}
