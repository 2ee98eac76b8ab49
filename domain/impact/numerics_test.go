package impact

import (
	"math"
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
