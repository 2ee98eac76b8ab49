package impact

import (
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
)

// TestFarTailPValues: p-values far in the tail are not rounded to zero.
// Reference values from R 4.2.2 (Debian r-base-core): 2*pnorm(-9),
// 2*pt(-40, 10), 2*pt(-12, 30). Before, normalP(9) was exactly 0.
func TestFarTailPValues(t *testing.T) {
	for _, c := range []struct {
		got, want float64
	}{
		{normalP(9), 2.25717681191e-19},
		{normalP(-20), 5.50724823721e-89},
		{tP(40, 10), 2.28085774309e-12},
		{tP(-12, 30), 5.58018541520e-13},
	} {
		if !relClose(c.got, c.want, 1e-9) {
			t.Errorf("p %.12g, R %.12g", c.got, c.want)
		}
	}
}

// TestExtremeValuesSaySo: values near 1e300 overflow sums of squares; the
// methods must say the data are too extreme, not that the model fits
// exactly or is singular.
func TestExtremeValuesSaySo(t *testing.T) {
	n := 24
	periods := make([]string, n)
	y := make([]float64, n)
	for i := range y {
		periods[i] = "P" + strconv.Itoa(i)
		y[i] = 1e300 * (1 + 0.1*math.Sin(float64(i)))
	}
	s := Series{Unit: "A", Periods: periods, Values: y}
	check := func(name string, err error) {
		t.Helper()
		if err == nil || !isBadInput(err) || !strings.Contains(err.Error(), "too extreme") {
			t.Errorf("%s: %v; want a BadInput error saying the values are too extreme", name, err)
		}
	}
	_, err := ITS(ITSInput{Series: s, Start: 12})
	check("its gaussian", err)
	_, err = ITS(ITSInput{Series: s, Start: 12, Errors: AR1})
	check("its ar1", err)
	_, err = ITS(ITSInput{Series: s, Start: 12, Model: QuasiPoisson})
	check("its quasi-poisson", err)
	_, err = BeforeAfter(BeforeAfterInput{Series: s, Start: 12})
	check("before/after", err)
	c := Series{Unit: "B", Periods: periods, Values: append([]float64(nil), y...)}
	c.Values[3] *= 0.5
	d := Series{Unit: "C", Periods: periods, Values: append([]float64(nil), y...)}
	d.Values[5] *= 0.7
	_, err = DiD(DiDInput{Treated: []Series{s}, Comparison: []Series{c, d}, Start: 12})
	check("did", err)
}

// TestExtremeSynthSaysSo: the synthetic control refuses outcomes and
// predictors near 1e300 with the same words.
func TestExtremeSynthSaysSo(t *testing.T) {
	in := synthCase(5, 10, 5, 2, func(in *SynthInput) { in.Donors[1].Outcome[2] = 1e300 })
	if _, err := SyntheticControl(in); err == nil || !strings.Contains(err.Error(), "too extreme") {
		t.Errorf("outcome 1e300: %v", err)
	}
	in = synthCase(5, 10, 5, 2, func(in *SynthInput) { in.Treated.Predictors[0] = -1e300 })
	if _, err := SyntheticControl(in); err == nil || !strings.Contains(err.Error(), "too extreme") {
		t.Errorf("predictor -1e300: %v", err)
	}
}

// TestQuasiPoissonNeweyWestMatchesR checks the Newey-West covariance of the
// quasi-Poisson ITS on the Sicily data against R 4.2.2 with sandwich 3.0.2
// (Debian r-base-core, r-cran-sandwich): glm(aces ~ t + level [+ harmonics]
// + offset(log(stdpop)), family = poisson) and NeweyWest(m, lag = L,
// prewhite = FALSE, adjust = FALSE); lag 3 is the default rule for 59
// months.
func TestQuasiPoissonNeweyWestMatchesR(t *testing.T) {
	periods, aces, stdpop, start := sicily(t)
	for _, c := range []struct {
		harmonics, lag              int
		level, levelSE, trend, trSE float64
	}{
		{0, 0, -0.111628442559, 0.031995941330, 0.004944992032, 0.000774634890},
		{0, 6, -0.111628442559, 0.030919080858, 0.004944992032, 0.000768901586},
		{2, 0, -0.122086792899, 0.021768017672, 0.005389219541, 0.000778272645},
		{2, 6, -0.122086792899, 0.020530153658, 0.005389219541, 0.000790989934},
	} {
		r, err := ITS(ITSInput{Series: Series{Unit: "Sicily", Periods: periods, Values: aces}, Start: start,
			Model: QuasiPoisson, Offset: stdpop, Harmonics: c.harmonics, Errors: NeweyWest, HACLag: c.lag})
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]Estimate{}
		for _, co := range r.Coefficients {
			got[co.Name] = co.Estimate
		}
		if l := got["level"]; !relClose(l.Value, c.level, 1e-8) || !relClose(l.SE, c.levelSE, 1e-6) {
			t.Errorf("h%d lag %d: level %.10f (SE %.10f); R %.10f (%.10f)", c.harmonics, c.lag, l.Value, l.SE, c.level, c.levelSE)
		}
		if tr := got["trend"]; !relClose(tr.Value, c.trend, 1e-8) || !relClose(tr.SE, c.trSE, 1e-6) {
			t.Errorf("h%d lag %d: trend %.10f (SE %.10f); R %.10f (%.10f)", c.harmonics, c.lag, tr.Value, tr.SE, c.trend, c.trSE)
		}
		if v, _ := r.Param("reference_distribution"); v != "normal" {
			t.Errorf("reference distribution %q", v)
		}
	}
}

// TestAutoQuasiPoissonAutocorrelated: AUTO checks the quasi-Poisson ITS's
// residuals too. A count series with persistent noise (AR(1), rho 0.8, on
// the log scale) fails the Ljung-Box test; AUTO then reports Newey-West
// (HAC) standard errors and says so, where before it accepted the
// model-based ones (narrower here) in silence.
func TestAutoQuasiPoissonAutocorrelated(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 5))
	n, start := 72, 48
	periods := make([]string, n)
	y := make([]float64, n)
	u := 0.0
	for i := range y {
		periods[i] = "P" + strconv.Itoa(i)
		u = 0.8*u + 0.15*rng.NormFloat64()
		mu := math.Exp(5 + 0.005*float64(i) + u)
		// Poisson draw by inversion (the mean is moderate).
		k, p, c, x := 0.0, math.Exp(-mu), math.Exp(-mu), rng.Float64()
		for x > c {
			k++
			p *= mu / k
			c += p
		}
		y[i] = k
	}
	s := Series{Unit: "A", Periods: periods, Values: y}
	plain, err := ITS(ITSInput{Series: s, Start: start, Model: QuasiPoisson})
	if err != nil {
		t.Fatal(err)
	}
	lb, _ := plain.Diagnostic("ljung_box_p")
	if !(lb.Value < AutoLjungBox) {
		t.Fatalf("Ljung-Box p %.3g: the series is not autocorrelated enough for the test", lb.Value)
	}
	r, err := Auto(AutoInput{Treated: []Series{s}, Start: start, Counts: true})
	if err != nil {
		t.Fatal(err)
	}
	cov, _ := r.Param("covariance")
	if r.Model != QuasiPoisson || !strings.Contains(cov, "Newey-West") || !strings.Contains(r.Choice, "Newey-West") {
		t.Errorf("model %s, covariance %q, choice %q", r.Model, cov, r.Choice)
	}
	t.Logf("Ljung-Box p %.2g; level SE model-based %.4f, Newey-West %.4f", lb.Value, plain.LevelChange.SE, r.LevelChange.SE)
}

// TestSynthWeightCapReported: a weight solve that stops at its iteration
// cap is reported in the result (parameter weights_optimal, diagnostic
// weights_optimality_gap), never returned as if optimal. Before, the cap
// was silent.
func TestSynthWeightCapReported(t *testing.T) {
	in := prop99(t)
	r, err := SyntheticControl(in)
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := r.Param("weights_optimal"); v != "yes" {
		t.Errorf("uncapped solve: weights_optimal %q", v)
	}
	defer func(f int) { wolfeIterFactor = f }(wolfeIterFactor)
	wolfeIterFactor = 0
	r, err = SyntheticControl(in)
	if err != nil {
		t.Fatal(err)
	}
	gap, ok := r.Diagnostic("weights_optimality_gap")
	if v, _ := r.Param("weights_optimal"); !strings.HasPrefix(v, "no") || !ok || !(gap.Value > wolfeGapTol) {
		t.Errorf("capped solve: weights_optimal %q, gap %v", v, gap.Value)
	}
}

// TestITSBadlyScaledAccuracy: a series around 1e8 with a level change of
// about 3 (testdata/its_scaled.csv). The coefficients must match the exact
// least-squares solution, computed in rational arithmetic outside the
// project (Python 3.11 fractions: exact normal equations of the exact
// design and data, then rounded): QR keeps the error near the condition
// number times the rounding unit, where the normal equations (Cholesky)
// square it.
func TestITSBadlyScaledAccuracy(t *testing.T) {
	_, rows := readCSV(t, "its_scaled.csv")
	n := len(rows)
	periods := make([]string, n)
	y := make([]float64, n)
	for i, r := range rows {
		periods[i] = "P" + strconv.Itoa(i)
		y[i] = parseNum(t, r[0])
	}
	r, err := ITS(ITSInput{Series: Series{Unit: "A", Periods: periods, Values: y}, Start: 240, SlopeChange: true})
	if err != nil {
		t.Fatal(err)
	}
	exact := map[string]float64{"intercept": 100000000.06226644, "trend": 0.49835769352869269, "level": 3.4910543559145237, "slope": 0.049931387086404426}
	for _, c := range r.Coefficients {
		w := exact[c.Name]
		t.Logf("%s %.17g exact %.17g rel error %.2g", c.Name, c.Estimate.Value, w, math.Abs(c.Estimate.Value-w)/math.Abs(w))
		if !relClose(c.Estimate.Value, w, 1e-9) {
			t.Errorf("%s %.17g, exact %.17g", c.Name, c.Estimate.Value, w)
		}
	}
}
