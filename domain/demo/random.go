package demo

import (
	"hash/fnv"
	"math"
	"math/rand/v2"
)

// source draws the random numbers of one named stream (one series, one
// operation's outputs). Every stream has its own PCG generator seeded from
// the world's seed and a hash of the stream's name, so a stream's numbers
// do not depend on which other streams exist or in which order they are
// drawn.
//
// Only the PCG-DXSM bit stream of math/rand/v2 is used (a specified
// algorithm); uniforms, normals, gamma and Poisson variates are derived
// here, so a seed gives the same world whatever the Go release.
type source struct {
	pcg      *rand.PCG
	spare    float64
	hasSpare bool
}

func newSource(seed int64, stream string) *source {
	h := fnv.New64a()
	h.Write([]byte(stream))
	return &source{pcg: rand.NewPCG(uint64(seed), h.Sum64())}
}

// uniform returns a number in the open interval (0, 1).
func (s *source) uniform() float64 {
	return (float64(s.pcg.Uint64()>>11) + 0.5) / (1 << 53)
}

// normal returns a standard normal variate (Marsaglia's polar method).
func (s *source) normal() float64 {
	if s.hasSpare {
		s.hasSpare = false
		return s.spare
	}
	for {
		u := 2*s.uniform() - 1
		v := 2*s.uniform() - 1
		q := u*u + v*v
		if q >= 1 || q == 0 {
			continue
		}
		f := math.Sqrt(-2 * math.Log(q) / q)
		s.spare, s.hasSpare = v*f, true
		return u * f
	}
}

// gamma returns a Gamma(shape, 1) variate for shape >= 1 (Marsaglia &
// Tsang 2000, ACM TOMS 26(3):363-372).
func (s *source) gamma(shape float64) float64 {
	d := shape - 1.0/3
	c := 1 / math.Sqrt(9*d)
	for {
		x := s.normal()
		v := 1 + c*x
		if v <= 0 {
			continue
		}
		v = v * v * v
		u := s.uniform()
		if u < 1-0.0331*x*x*x*x || math.Log(u) < 0.5*x*x+d*(1-v+math.Log(v)) {
			return d * v
		}
	}
}

// poisson returns a Poisson(mean) variate: by multiplication of uniforms
// for small means, otherwise by Hörmann's transformed rejection PTRS
// (1993, Insurance: Mathematics and Economics 12:39-45).
func (s *source) poisson(mean float64) int {
	if mean <= 0 {
		return 0
	}
	if mean < 10 {
		limit := math.Exp(-mean)
		k, p := 0, s.uniform()
		for p > limit {
			k++
			p *= s.uniform()
		}
		return k
	}
	slam := math.Sqrt(mean)
	loglam := math.Log(mean)
	b := 0.931 + 2.53*slam
	a := -0.059 + 0.02483*b
	invAlpha := 1.1239 + 1.1328/(b-3.4)
	vr := 0.9277 - 3.6224/(b-2)
	for {
		u := s.uniform() - 0.5
		v := s.uniform()
		us := 0.5 - math.Abs(u)
		k := math.Floor((2*a/us+b)*u + mean + 0.43)
		if us >= 0.07 && v <= vr {
			return int(k)
		}
		if k < 0 || (us < 0.013 && v > us) {
			continue
		}
		lg, _ := math.Lgamma(k + 1)
		if math.Log(v)+math.Log(invAlpha)-math.Log(a/(us*us)+b) <= -mean+k*loglam-lg {
			return int(k)
		}
	}
}

// negBin returns a negative binomial count with the given mean and shape
// (variance mean + mean²/shape), drawn as a gamma-Poisson mixture; shape 0
// gives a Poisson count.
func (s *source) negBin(mean, shape float64) int {
	if shape <= 0 {
		return s.poisson(mean)
	}
	return s.poisson(mean * s.gamma(shape) / shape)
}

// logNormal returns exp(log(median) + sigma*Z).
func (s *source) logNormal(median, sigma float64) float64 {
	return median * math.Exp(sigma*s.normal())
}

// round rounds v to the given number of decimals; negative decimals round
// to tens, hundreds, ...
func round(v float64, decimals int) float64 {
	if decimals < 0 {
		q := math.Pow(10, float64(-decimals))
		return math.Round(v/q) * q
	}
	p := math.Pow(10, float64(decimals))
	return math.Round(v*p) / p
}
