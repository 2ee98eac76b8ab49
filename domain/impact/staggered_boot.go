package impact

import (
	"math"
	"math/bits"
	"math/rand/v2"
	"slices"
)

// Inference methods for the standard errors of staggered adoption
// (StaggeredInput.Inference).
const (
	// InferenceAnalytic takes each aggregate's standard error from the
	// sample variance of its influence function, clustered by unit.
	InferenceAnalytic = "ANALYTIC"
	// InferenceBootstrap takes it from a multiplier bootstrap of the same
	// influence functions, as R's did package does by default (mboot):
	// Rademacher weights by unit, and the interquartile range of the
	// draws scaled to a normal's standard deviation.
	InferenceBootstrap = "BOOTSTRAP"
)

// Bounds of StaggeredInput.Draws when it is set (0 means DefaultDraws).
const (
	MinDraws     = 99
	MaxDraws     = 9999
	DefaultDraws = 999
)

// CheckInference returns a *domain.Error with code BadInput naming
// "inference" or "draws" when method is not "", InferenceAnalytic or
// InferenceBootstrap, or draws is neither 0 nor within [MinDraws,
// MaxDraws]; nil otherwise. Staggered checks its input with it; a caller
// may check a request with it before reading any data.
func CheckInference(method string, draws int) error {
	if method != "" && method != InferenceAnalytic && method != InferenceBootstrap {
		return badInputm("inference", "impact.err.stag.inference", method)
	}
	if draws != 0 && (draws < MinDraws || draws > MaxDraws) {
		return badInputm("draws", "impact.err.stag.draws", draws, MinDraws, MaxDraws)
	}
	return nil
}

// rademacher is a multiplier bootstrap's weights: for each of draws
// draws, a weight of +1 or -1 (each with probability 1/2) for each of n
// units, drawn once so that the draws of every influence function share
// them. The weights are packed eight units to a byte, block-major: byte
// w[j*draws+b] holds draw b's weights of units 8j..8j+7, bit u for unit
// 8j+u (1 for +1).
type rademacher struct {
	draws, blocks int
	w             []byte
}

// newRademacher draws the weights from a PCG generator seeded with seed.
func newRademacher(n, draws int, seed uint64) *rademacher {
	r := &rademacher{draws: draws, blocks: (n + 7) / 8}
	r.w = make([]byte, r.blocks*draws)
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	for i := 0; i < len(r.w); i += 8 {
		v := rng.Uint64()
		for k := i; k < min(i+8, len(r.w)); k++ {
			r.w[k] = byte(v)
			v >>= 8
		}
	}
	return r
}

// mean writes into out (of length r.draws) each draw's (1/nf) sum_i v_i
// psi_i, where v_i is unit i's weight in the draw: did's draws of an
// estimate whose influence function is psi, scaled as here so that its
// analytic variance is sum(psi^2)/nf^2 (which is also the variance of
// each draw over the weights). For each block of eight units it tabulates
// the 256 signed sums of their values once, so that a draw costs one
// look-up and one addition a block; blocks where psi is zero are skipped.
func (r *rademacher) mean(psi []float64, nf float64, out []float64) {
	out = out[:r.draws]
	clear(out)
	var t [256]float64
	for j := 0; j < r.blocks; j++ {
		var x [8]float64
		copy(x[:], psi[8*j:min(len(psi), 8*j+8)])
		if x == ([8]float64{}) {
			continue
		}
		s := 0.0
		for _, v := range x {
			s += v
		}
		t[0] = -s
		for u := 1; u < 256; u++ {
			// Units with bit set weigh +1: flip the lowest one from -1.
			t[u] = t[u&(u-1)] + 2*x[bits.TrailingZeros8(uint8(u))]
		}
		col := r.w[j*r.draws : (j+1)*r.draws]
		o := out[:len(col)]
		for b, u := range col {
			o[b] += t[u]
		}
	}
	for b := range out {
		out[b] /= nf
	}
}

// iqrNormal is the interquartile range of the standard normal,
// qnorm(0.75) - qnorm(0.25).
const iqrNormal = 2 * 0.6744897501960817

// iqrScale is did's bootstrap standard error of draws x: their
// interquartile range divided by the standard normal's, the quartiles
// being the order statistics ceil(0.25 B) and ceil(0.75 B) of the B draws
// (R's quantile type 1). It sorts x.
func iqrScale(x []float64) float64 {
	slices.Sort(x)
	B := float64(len(x))
	return (x[int(math.Ceil(0.75*B))-1] - x[int(math.Ceil(0.25*B))-1]) / iqrNormal
}

// supCritical returns the critical value of the simultaneous 95% band: the
// 95% quantile (type 1) over the draws of the largest |draw / se| over
// the estimates with se > 0, where draws[k] are estimate k's draws; at
// least the pointwise 1.96 (did falls back to pointwise intervals
// below it).
func supCritical(draws [][]float64, se []float64) float64 {
	const z = 1.959963984540054
	var ks []int
	for k := range draws {
		if se[k] > 0 {
			ks = append(ks, k)
		}
	}
	if len(ks) == 0 {
		return z
	}
	B := len(draws[ks[0]])
	maxT := make([]float64, B)
	for _, k := range ks {
		for b, d := range draws[k][:B] {
			if t := math.Abs(d) / se[k]; t > maxT[b] {
				maxT[b] = t
			}
		}
	}
	slices.Sort(maxT)
	return max(maxT[int(math.Ceil(0.95*float64(B)))-1], z)
}
