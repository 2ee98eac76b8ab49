package impact

import (
	"errors"
	"math"
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/supplyeval/supplyeval/domain"
)

func isBadInput(err error) bool {
	var e *domain.Error
	return errors.As(err, &e) && e.Code == domain.BadInput && e.Message != ""
}

func labels(n int) []string {
	p := make([]string, n)
	for i := range p {
		p[i] = "2020-" + strconv.Itoa(100+i)
	}
	return p
}

func series(unit string, vals ...float64) Series {
	return Series{Unit: unit, Periods: labels(len(vals)), Values: vals}
}

func ramp(n int, f func(i int) float64) []float64 {
	v := make([]float64, n)
	for i := range v {
		v[i] = f(i)
	}
	return v
}

// TestUnsupportedDataIsBadInput: every case the data cannot support is a
// BadInput error that says what is missing, never a result with NaN.
func TestUnsupportedDataIsBadInput(t *testing.T) {
	noisy := func(i int) float64 { return 10 + float64(i%3) + 0.1*float64(i) }
	counts := func(i int) float64 { return float64(20 + i%4) }
	long := ramp(24, noisy)
	cases := []struct {
		name string
		run  func() (*Result, error)
	}{
		{"ba: intervention before the data", func() (*Result, error) { return BeforeAfter(BeforeAfterInput{Series: series("A", long...), Start: 0}) }},
		{"ba: intervention after the data", func() (*Result, error) { return BeforeAfter(BeforeAfterInput{Series: series("A", long...), Start: 24}) }},
		{"ba: one pre-period", func() (*Result, error) {
			return BeforeAfter(BeforeAfterInput{Series: series("A", 1, 2, 3, 4), Start: 1})
		}},
		{"ba: one post-period observed", func() (*Result, error) {
			return BeforeAfter(BeforeAfterInput{Series: series("A", 1, 2, 3, 4, math.NaN()), Start: 3})
		}},
		{"ba: constant", func() (*Result, error) {
			return BeforeAfter(BeforeAfterInput{Series: series("A", 5, 5, 5, 5), Start: 2})
		}},
		{"ba: lengths", func() (*Result, error) {
			return BeforeAfter(BeforeAfterInput{Series: Series{Unit: "A", Periods: labels(4), Values: []float64{1, 2}}, Start: 2})
		}},
		{"ba: infinite", func() (*Result, error) {
			return BeforeAfter(BeforeAfterInput{Series: series("A", 1, math.Inf(1), 3, 4), Start: 2})
		}},
		{"its: too few pre-periods", func() (*Result, error) { return ITS(ITSInput{Series: series("A", long...), Start: 2}) }},
		{"its: too few post-periods", func() (*Result, error) { return ITS(ITSInput{Series: series("A", long...), Start: 22}) }},
		{"its: intervention outside", func() (*Result, error) { return ITS(ITSInput{Series: series("A", long...), Start: 30}) }},
		{"its: negative start", func() (*Result, error) { return ITS(ITSInput{Series: series("A", long...), Start: -1}) }},
		{"its: constant series", func() (*Result, error) {
			return ITS(ITSInput{Series: series("A", ramp(24, func(int) float64 { return 7 })...), Start: 12})
		}},
		{"its: exact fit", func() (*Result, error) {
			return ITS(ITSInput{Series: series("A", ramp(24, func(i int) float64 { return 3 + 2*float64(i) })...), Start: 12})
		}},
		{"its: missing value", func() (*Result, error) {
			v := append([]float64(nil), long...)
			v[5] = math.NaN()
			return ITS(ITSInput{Series: series("A", v...), Start: 12})
		}},
		{"its: too many terms", func() (*Result, error) {
			return ITS(ITSInput{Series: series("A", long[:8]...), Start: 4, Harmonics: 2, SlopeChange: true})
		}},
		{"its: harmonics beyond the season", func() (*Result, error) { return ITS(ITSInput{Series: series("A", long...), Start: 12, Harmonics: 6}) }},
		{"its: unknown model", func() (*Result, error) { return ITS(ITSInput{Series: series("A", long...), Start: 12, Model: "LOGIT"}) }},
		{"its: offset with gaussian", func() (*Result, error) {
			return ITS(ITSInput{Series: series("A", long...), Start: 12, Offset: ramp(24, noisy)})
		}},
		{"qp: all-zero counts", func() (*Result, error) {
			return ITS(ITSInput{Series: series("A", make([]float64, 24)...), Start: 12, Model: QuasiPoisson})
		}},
		{"qp: zero counts after", func() (*Result, error) {
			return ITS(ITSInput{Series: series("A", ramp(24, func(i int) float64 { return map[bool]float64{true: 5, false: 0}[i < 12] })...), Start: 12, Model: QuasiPoisson})
		}},
		{"qp: negative count", func() (*Result, error) {
			v := ramp(24, counts)
			v[3] = -1
			return ITS(ITSInput{Series: series("A", v...), Start: 12, Model: QuasiPoisson})
		}},
		{"qp: offset too short", func() (*Result, error) {
			return ITS(ITSInput{Series: series("A", ramp(24, counts)...), Start: 12, Model: QuasiPoisson, Offset: make([]float64, 10)})
		}},
		{"qp: zero offset", func() (*Result, error) {
			off := ramp(24, func(int) float64 { return 1000 })
			off[7] = 0
			return ITS(ITSInput{Series: series("A", ramp(24, counts)...), Start: 12, Model: QuasiPoisson, Offset: off})
		}},
		{"qp: missing offset value", func() (*Result, error) {
			off := ramp(24, func(int) float64 { return 1000 })
			off[7] = math.NaN()
			return ITS(ITSInput{Series: series("A", ramp(24, counts)...), Start: 12, Model: QuasiPoisson, Offset: off})
		}},
		{"qp: singular design (a season so long its sine is the trend)", func() (*Result, error) {
			return ITS(ITSInput{Series: series("A", ramp(24, counts)...), Start: 12, Model: QuasiPoisson, Harmonics: 1, SeasonLength: 1e7})
		}},
		{"its: singular design", func() (*Result, error) {
			return ITS(ITSInput{Series: series("A", long...), Start: 12, Harmonics: 1, SeasonLength: 1e7})
		}},
		{"did: no comparison", func() (*Result, error) { return DiD(DiDInput{Treated: []Series{series("T", long...)}, Start: 12}) }},
		{"did: no treated", func() (*Result, error) { return DiD(DiDInput{Comparison: []Series{series("C", long...)}, Start: 12}) }},
		{"did: intervention outside", func() (*Result, error) {
			return DiD(DiDInput{Treated: []Series{series("T", long...)}, Comparison: []Series{series("C", long...)}, Start: 24})
		}},
		{"did: other periods", func() (*Result, error) {
			return DiD(DiDInput{Treated: []Series{series("T", long...)}, Comparison: []Series{series("C", long[:20]...)}, Start: 12})
		}},
		{"did: treated never observed after", func() (*Result, error) {
			v := append([]float64(nil), long...)
			for i := 12; i < 24; i++ {
				v[i] = math.NaN()
			}
			return DiD(DiDInput{Treated: []Series{series("T", v...)}, Comparison: []Series{series("C", long...), series("D", long...)}, Start: 12})
		}},
		{"did: duplicate unit", func() (*Result, error) {
			return DiD(DiDInput{Treated: []Series{series("T", long...)}, Comparison: []Series{series("T", long...)}, Start: 12})
		}},
		{"sc: no donors", func() (*Result, error) { return SyntheticControl(synthCase(0, 10, 5, 2, nil)) }},
		{"sc: one donor", func() (*Result, error) { return SyntheticControl(synthCase(1, 10, 5, 2, nil)) }},
		{"sc: too few pre-periods", func() (*Result, error) { return SyntheticControl(synthCase(5, 10, 2, 2, nil)) }},
		{"sc: intervention outside", func() (*Result, error) { return SyntheticControl(synthCase(5, 10, 10, 2, nil)) }},
		{"sc: no predictors", func() (*Result, error) { return SyntheticControl(synthCase(5, 10, 5, 0, nil)) }},
		{"sc: missing outcome", func() (*Result, error) {
			return SyntheticControl(synthCase(5, 10, 5, 2, func(in *SynthInput) { in.Donors[2].Outcome[3] = math.NaN() }))
		}},
		{"sc: missing predictor", func() (*Result, error) {
			return SyntheticControl(synthCase(5, 10, 5, 2, func(in *SynthInput) { in.Treated.Predictors[1] = math.NaN() }))
		}},
		{"sc: constant predictor", func() (*Result, error) {
			return SyntheticControl(synthCase(5, 10, 5, 2, func(in *SynthInput) {
				in.Treated.Predictors[0] = 1
				for i := range in.Donors {
					in.Donors[i].Predictors[0] = 1
				}
			}))
		}},
		{"sc: bad V", func() (*Result, error) {
			return SyntheticControl(synthCase(5, 10, 5, 2, func(in *SynthInput) { in.V = []float64{-1, 1} }))
		}},
		{"sc: fit period after start", func() (*Result, error) {
			return SyntheticControl(synthCase(5, 10, 5, 2, func(in *SynthInput) { in.FitPeriods = []int{1, 7} }))
		}},
		{"auto: nothing before", func() (*Result, error) { return Auto(AutoInput{Treated: []Series{series("A", long...)}, Start: 0}) }},
		{"auto: no treated", func() (*Result, error) { return Auto(AutoInput{Start: 3}) }},
	}
	for _, c := range cases {
		r, err := c.run()
		if !isBadInput(err) {
			t.Errorf("%s: want a BadInput error, got %v (result %v)", c.name, err, r != nil)
			continue
		}
		if r != nil {
			t.Errorf("%s: result with error", c.name)
		}
	}
}

// synthCase builds a small synthetic control input with J donors, T
// periods, intervention at start and k predictors (lagged outcomes), then
// applies mod.
func synthCase(J, T, start, k int, mod func(*SynthInput)) SynthInput {
	rng := rand.New(rand.NewPCG(uint64(J), uint64(T)))
	mk := func(name string) SynthUnit {
		u := SynthUnit{Unit: name, Outcome: make([]float64, T)}
		for t := range u.Outcome {
			u.Outcome[t] = 10 + rng.NormFloat64()
		}
		for l := 0; l < k; l++ {
			u.Predictors = append(u.Predictors, u.Outcome[min(l, T-1)]+rng.NormFloat64())
		}
		return u
	}
	in := SynthInput{Periods: labels(T), Start: start, Treated: mk("T")}
	for l := 0; l < k; l++ {
		in.PredictorNames = append(in.PredictorNames, "p"+strconv.Itoa(l))
	}
	for j := 0; j < J; j++ {
		in.Donors = append(in.Donors, mk("D"+strconv.Itoa(j)))
	}
	if mod != nil {
		mod(&in)
	}
	return in
}

// TestRandomInputsNeverNaN throws random, often degenerate, data at every
// method: each call either succeeds with finite numbers or fails with
// BadInput.
func TestRandomInputsNeverNaN(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	gen := func(n int) []float64 {
		v := make([]float64, n)
		kind := rng.IntN(4)
		for i := range v {
			switch kind {
			case 0:
				v[i] = rng.NormFloat64() * 1e6
			case 1:
				v[i] = float64(rng.IntN(3))
			case 2:
				v[i] = 5
			default:
				v[i] = math.Exp(rng.NormFloat64() * 10)
			}
			if rng.IntN(20) == 0 {
				v[i] = 0
			}
		}
		return v
	}
	check := func(what string, r *Result, err error) {
		if err != nil {
			if !isBadInput(err) {
				t.Fatalf("%s: unexpected error %v", what, err)
			}
			return
		}
		if e := r.checkFinite(); e != nil {
			t.Fatalf("%s: %v", what, e)
		}
	}
	for rep := 0; rep < 300; rep++ {
		n := 2 + rng.IntN(30)
		start := rng.IntN(n + 1)
		s := series("A", gen(n)...)
		r, err := BeforeAfter(BeforeAfterInput{Series: s, Start: start})
		check("before/after", r, err)
		for _, m := range []Model{Gaussian, QuasiPoisson} {
			r, err = ITS(ITSInput{Series: s, Start: start, Model: m, SlopeChange: rng.IntN(2) == 0, Harmonics: rng.IntN(3)})
			check("its", r, err)
		}
		r, err = DiD(DiDInput{Treated: []Series{s, series("B", gen(n)...)}, Comparison: []Series{series("C", gen(n)...), series("D", gen(n)...)}, Start: start})
		check("did", r, err)
	}
}
