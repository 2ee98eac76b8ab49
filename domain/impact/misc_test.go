package impact

import (
	"math"
	"strconv"
	"strings"
	"testing"
)

// miscRef reads testdata/misc_ref.csv (from misc_ref.R).
func miscRef(tb testing.TB) map[string]float64 {
	tb.Helper()
	_, rows := readCSV(tb, "misc_ref.csv")
	m := map[string]float64{}
	for _, r := range rows {
		m[r[0]] = parseNum(tb, r[1])
	}
	return m
}

func TestBeforeAfterWelchMatchesR(t *testing.T) {
	ref := miscRef(t)
	vals := []float64{12.1, 14.3, 11.8, 13.0, 15.2, 12.7, 13.9, 14.4, 10.2, 11.9, 9.8, 12.5, 10.1, 11.0}
	periods := make([]string, len(vals))
	for i := range periods {
		periods[i] = "2024-W" + strconv.Itoa(10+i)
	}
	r, err := BeforeAfter(BeforeAfterInput{Series: Series{Unit: "NL33", Periods: periods, Values: vals}, Start: 8})
	if err != nil {
		t.Fatal(err)
	}
	for name, got := range map[string]float64{"welch_diff": r.Effect.Value, "welch_low": r.Effect.Low, "welch_high": r.Effect.High, "welch_p": r.Effect.PValue} {
		if !relClose(got, ref[name], 1e-9) {
			t.Errorf("%s %.12g, R %.12g", name, got, ref[name])
		}
	}
	if d, _ := r.Diagnostic("welch_df"); !relClose(d.Value, ref["welch_df"], 1e-9) {
		t.Errorf("df %.12g, R %.12g", d.Value, ref["welch_df"])
	}
	t.Log(r.Explanation)
}

func TestBenjaminiHochbergMatchesR(t *testing.T) {
	ref := miscRef(t)
	var p, want []float64
	for i := 1; ; i++ {
		v, ok := ref["bh_p_"+strconv.Itoa(i)]
		if !ok {
			break
		}
		p = append(p, v)
		want = append(want, ref["bh_adj_"+strconv.Itoa(i)])
	}
	res, err := BenjaminiHochberg(p, 0.05)
	if err != nil {
		t.Fatal(err)
	}
	for i := range p {
		if !relClose(res.Adjusted[i], want[i], 1e-12) {
			t.Errorf("adjusted[%d] %.12g, R %.12g", i, res.Adjusted[i], want[i])
		}
		// Step-up rule directly: discovery iff p <= largest k q/m with p(k) <= k q/m.
		if res.Discoveries[i] != (res.Adjusted[i] <= 0.05) {
			t.Errorf("discovery %d inconsistent", i)
		}
	}
	// Only p = 0.001 passes: 0.001 <= 1*0.05/25, while 0.008 > 2*0.05/25.
	if res.Count != 1 || res.Threshold != 0.001 {
		t.Errorf("%d discoveries, threshold %v; want 1 and 0.001", res.Count, res.Threshold)
	}
	// At q = 0.3 the largest k with p(k) <= 0.012 k is 7 (0.074 <= 0.084).
	if res, _ := BenjaminiHochberg(p, 0.3); res.Count != 7 || res.Threshold != 0.074 {
		t.Errorf("q = 0.3: %d discoveries, threshold %v; want 7 and 0.074", res.Count, res.Threshold)
	}
	for _, bad := range []struct {
		p []float64
		q float64
	}{{[]float64{0.1}, 0}, {[]float64{0.1}, 1}, {[]float64{math.NaN()}, 0.05}, {[]float64{1.2}, 0.05}, {[]float64{-0.1}, 0.05}} {
		if _, err := BenjaminiHochberg(bad.p, bad.q); !isBadInput(err) {
			t.Errorf("p %v q %v: want BadInput, got %v", bad.p, bad.q, err)
		}
	}
	if res, err := BenjaminiHochberg(nil, 0.1); err != nil || res.Count != 0 {
		t.Errorf("empty scan: %v %v", res, err)
	}
}

// TestChoose pins the AUTO policy, the one [Choose] holds (it was copied,
// with other thresholds, in projections/evaluate before).
func TestChoose(t *testing.T) {
	for _, c := range []struct {
		a    Availability
		want Method
		mod  Model
	}{
		{Availability{Periods: 31, Start: 19, TreatedUnits: 1, ComparisonUnits: 38}, MethodSyntheticControl, ""},
		{Availability{Periods: 156, Start: 72, TreatedUnits: 1, ComparisonUnits: 38, Counts: true}, MethodSyntheticControl, ""},
		{Availability{Periods: 156, Start: 72, TreatedUnits: 1, ComparisonUnits: 6, Counts: true}, MethodITS, QuasiPoisson},
		{Availability{Periods: 156, Start: 72, TreatedUnits: 4, ComparisonUnits: 16, Counts: true}, MethodITS, QuasiPoisson},
		{Availability{Periods: 156, Start: 72, TreatedUnits: 4, ComparisonUnits: 16}, MethodDiD, ""},
		{Availability{Periods: 2, Start: 1, TreatedUnits: 3, ComparisonUnits: 2, Counts: true}, MethodDiD, ""},
		{Availability{Periods: 2, Start: 1, TreatedUnits: 331, ComparisonUnits: 79}, MethodDiD, ""},
		// One treated unit and a few comparison units: never DiD.
		{Availability{Periods: 31, Start: 19, TreatedUnits: 1, ComparisonUnits: 5}, MethodITS, Gaussian},
		{Availability{Periods: 156, Start: 72, TreatedUnits: 1, ComparisonUnits: 6}, MethodITS, Gaussian},
		{Availability{Periods: 8, Start: 4, TreatedUnits: 1, ComparisonUnits: 6}, MethodSyntheticControl, ""},
		{Availability{Periods: 31, Start: 5, TreatedUnits: 1, ComparisonUnits: 38}, MethodSyntheticControl, ""},
		{Availability{Periods: 59, Start: 36, TreatedUnits: 1, ComparisonUnits: 1}, MethodITS, Gaussian},
		{Availability{Periods: 59, Start: 36, TreatedUnits: 1, Counts: true}, MethodITS, QuasiPoisson},
		{Availability{Periods: 59, Start: 36, TreatedUnits: 1}, MethodITS, Gaussian},
		{Availability{Periods: 8, Start: 4, TreatedUnits: 1}, MethodBeforeAfter, ""},
		{Availability{Periods: 8, Start: 4, TreatedUnits: 1, ComparisonUnits: 1}, MethodBeforeAfter, ""},
	} {
		got, err := Choose(c.a)
		if err != nil {
			t.Errorf("%+v: %v", c.a, err)
			continue
		}
		if got.Method != c.want || got.Model != c.mod || got.Reason == "" {
			t.Errorf("%+v: got %s %s, want %s %s", c.a, got.Method, got.Model, c.want, c.mod)
		}
	}
	for _, a := range []Availability{
		{Periods: 10, Start: 5},                   // no treated unit
		{Periods: 10, Start: 0, TreatedUnits: 1},  // nothing before
		{Periods: 10, Start: 10, TreatedUnits: 1}, // nothing after
		{Periods: 10, Start: 9, TreatedUnits: 1},  // one period after, no comparison
		{Periods: 3, Start: 1, TreatedUnits: 1},   // one before
		{Periods: 10, Start: 0, TreatedUnits: 1, ComparisonUnits: 5},
		{Periods: 10, Start: 10, TreatedUnits: 1, ComparisonUnits: 5},
		{Periods: 3, Start: 2, TreatedUnits: 1, ComparisonUnits: 1},
	} {
		if _, err := Choose(a); !isBadInput(err) {
			t.Errorf("%+v: want BadInput, got %v", a, err)
		}
	}
}

func TestAutoRunsChosenMethod(t *testing.T) {
	periods, aces, stdpop, start := sicily(t)
	r, err := Auto(AutoInput{Treated: []Series{{Unit: "Sicily", Periods: periods, Values: aces}}, Start: start, Counts: true, Offset: stdpop, Harmonics: 2})
	if err != nil {
		t.Fatal(err)
	}
	if r.Method != MethodITS || r.Model != QuasiPoisson || r.Choice == "" || !strings.HasPrefix(r.Explanation, "Method chosen automatically.") {
		t.Errorf("got %s %s %q", r.Method, r.Model, r.Choice)
	}
	if !relClose(r.LevelChange.Value, 0.88507154724383696, 1e-6) {
		t.Errorf("level RR %v", r.LevelChange.Value)
	}

	in := prop99(t)
	ai := AutoInput{Treated: []Series{{Unit: in.Treated.Unit, Periods: in.Periods, Values: in.Treated.Outcome}}, Start: in.Start}
	for _, d := range in.Donors {
		ai.Comparison = append(ai.Comparison, Series{Unit: d.Unit, Periods: in.Periods, Values: d.Outcome})
	}
	r, err = Auto(ai)
	if err != nil {
		t.Fatal(err)
	}
	if r.Method != MethodSyntheticControl || r.Placebo == nil {
		t.Fatalf("got %s", r.Method)
	}
	t.Logf("auto synthetic control for California: effect %.2f, pre RMSPE %.2f, placebo rank %d/%d", r.Effect.Value, r.PreRMSPE, r.Placebo.Rank, r.Placebo.Of)

	nj, pa := cardKrueger(t)
	r, err = Auto(AutoInput{Treated: nj, Comparison: pa, Start: 1})
	if err != nil || r.Method != MethodDiD {
		t.Fatalf("Card-Krueger: %v %v", r, err)
	}
}
