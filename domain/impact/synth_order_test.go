package impact

import (
	"math"
	"math/rand/v2"
	"testing"
)

// permutePredictors reorders the predictors of in by perm.
func permutePredictors(in SynthInput, perm []int) SynthInput {
	out := in
	out.PredictorNames = make([]string, len(perm))
	for i, p := range perm {
		out.PredictorNames[i] = in.PredictorNames[p]
	}
	pu := func(u SynthUnit) SynthUnit {
		v := make([]float64, len(perm))
		for i, p := range perm {
			v[i] = u.Predictors[p]
		}
		u.Predictors = v
		return u
	}
	out.Treated = pu(in.Treated)
	out.Donors = make([]SynthUnit, len(in.Donors))
	for j, d := range in.Donors {
		out.Donors[j] = pu(d)
	}
	return out
}

// TestSyntheticControlPredictorOrder: the published cases give the same
// donor weights (within 0.01) and the same loss whatever the order of the
// predictors. Before, with the last predictor pinned in the softmax and two
// starts, Prop 99's loss ranged from 2.77 to 3.70 over 40 random orders
// (3.0767 in the documented order) and its weights moved by up to 0.11;
// the losses below 3.0767 (2.77, 3.06) had weights of 1e-9 to 1e-14 on five
// predictors, outside the spread of V the search now allows (vLogRange).
// The loss is the same in every order.
func TestSyntheticControlPredictorOrder(t *testing.T) {
	for _, c := range []struct {
		name string
		in   SynthInput
	}{{"prop99", prop99(t)}, {"basque", basque(t)}} {
		base, err := SyntheticControl(c.in)
		if err != nil {
			t.Fatal(err)
		}
		bl, _ := base.Diagnostic("loss_v")
		if v, ok := base.Param("v_search"); !ok || v != "converged" {
			t.Errorf("%s: v_search %q", c.name, v)
		}
		if _, ok := base.Param("loss_v"); !ok {
			t.Errorf("%s: no loss_v parameter", c.name)
		}
		if _, ok := base.Param("pre_rmspe"); !ok {
			t.Errorf("%s: no pre_rmspe parameter", c.name)
		}
		rng := rand.New(rand.NewPCG(1, 2))
		k := len(c.in.PredictorNames)
		for i := 0; i < 10; i++ {
			perm := rng.Perm(k)
			if i == 0 { // reversed
				for j := range perm {
					perm[j] = k - 1 - j
				}
			}
			r, err := SyntheticControl(permutePredictors(c.in, perm))
			if err != nil {
				t.Fatal(err)
			}
			l, _ := r.Diagnostic("loss_v")
			if l.Value > bl.Value*(1+1e-6) || bl.Value > l.Value*(1+1e-6) {
				t.Errorf("%s %v: loss %.6f, documented order %.6f", c.name, perm, l.Value, bl.Value)
			}
			for j, w := range r.Weights {
				if math.Abs(w.Weight-base.Weights[j].Weight) > 0.01 {
					t.Errorf("%s %v: %s weight %.4f, documented order %.4f", c.name, perm, w.Unit, w.Weight, base.Weights[j].Weight)
				}
			}
		}
		t.Logf("%s: loss %.6f in every order", c.name, bl.Value)
	}
}

// TestSyntheticControlLossNotBeaten: no V among 1,000 drawn at random
// (each weight log-uniform between 1e-6 and 1 of the largest, the range
// the search covers) gives a lower fit-period loss than the V the search
// returns, on Prop 99 and the Basque case.
func TestSyntheticControlLossNotBeaten(t *testing.T) {
	for _, c := range []struct {
		name string
		in   SynthInput
	}{{"prop99", prop99(t)}, {"basque", basque(t)}} {
		r, err := SyntheticControl(c.in)
		if err != nil {
			t.Fatal(err)
		}
		best, _ := r.Diagnostic("loss_v")
		rng := rand.New(rand.NewPCG(3, 14))
		k := len(c.in.PredictorNames)
		lowest := math.Inf(1)
		for i := 0; i < 1000; i++ {
			v := make([]float64, k)
			for l := range v {
				v[l] = math.Exp(-rng.Float64() * vLogRange)
			}
			in := c.in
			in.V = v
			f, err := SyntheticControl(in)
			if err != nil {
				t.Fatal(err)
			}
			l, _ := f.Diagnostic("loss_v")
			lowest = math.Min(lowest, l.Value)
		}
		t.Logf("%s: search %.6f, best of 1,000 random V %.6f", c.name, best.Value, lowest)
		if best.Value > lowest*(1+1e-9) {
			t.Errorf("%s: a random V has loss %.6f, the search %.6f", c.name, lowest, best.Value)
		}
	}
}
