package impact

import (
	"errors"
	"math"
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/supplyeval/supplyeval/domain"
)

// piecewiseRef reads testdata/piecewise_ref.csv into
// model -> kind -> term -> [estimate, se, low, high].
func piecewiseRef(tb testing.TB) map[string]map[string]map[string][4]float64 {
	tb.Helper()
	_, rows := readCSV(tb, "piecewise_ref.csv")
	out := map[string]map[string]map[string][4]float64{}
	for _, r := range rows {
		if r[0] == "meta" {
			continue
		}
		if out[r[0]] == nil {
			out[r[0]] = map[string]map[string][4]float64{}
		}
		if out[r[0]][r[1]] == nil {
			out[r[0]][r[1]] = map[string][4]float64{}
		}
		out[r[0]][r[1]][r[2]] = [4]float64{parseNum(tb, r[3]), parseNum(tb, r[4]), parseNum(tb, r[5]), parseNum(tb, r[6])}
	}
	return out
}

// TestPiecewiseITSAgainstR checks a piecewise interrupted time series with
// two interruptions (the Sicily smoking ban from 2005-01 and a hypothetical
// second break from 2006-01) against R 4.2.2: lm with sandwich 3.0.2
// NeweyWest(lag = 3, prewhite = FALSE, adjust = FALSE) for the Gaussian
// model with slope changes and harmonics, glm(family = quasipoisson) with
// the population offset for the level-only counts model
// (testdata/piecewise_ref.R): every coefficient, standard error and
// interval, and both counterfactuals (each with one interruption removed)
// with their bands.
func TestPiecewiseITSAgainstR(t *testing.T) {
	periods, aces, stdpop, start := sicily(t)
	ref := piecewiseRef(t)
	rTerm := map[string]string{"intercept": "(Intercept)", "trend": "time", "level": "smokban", "slope": "slope",
		"sin1": "s1", "sin2": "s2", "cos1": "c1", "cos2": "c2", "level:break2": "lev2", "slope:break2": "slope2"}
	list := []Interruption{{ID: "ban", Start: start}, {ID: "break2", Start: start + 12}}
	var maxDiff float64
	for _, c := range []struct {
		name  string
		model Model
		slope bool
	}{{"gaussian_slope", Gaussian, true}, {"quasipoisson_level", QuasiPoisson, false}} {
		t.Run(c.name, func(t *testing.T) {
			in := ITSInput{Series: Series{Unit: "Sicily", Periods: periods, Values: aces}, Model: c.model, Harmonics: 2, SlopeChange: c.slope}
			if c.model == QuasiPoisson {
				in.Offset = stdpop
			} else {
				in.HACLag = 3
			}
			r, err := PiecewiseITS(in, list)
			if err != nil {
				t.Fatal(err)
			}
			want := ref[c.name]["coef"]
			if len(r.Coefficients) != len(want) {
				t.Fatalf("%d coefficients, R has %d", len(r.Coefficients), len(want))
			}
			check := func(what string, got, want, tol float64) {
				t.Helper()
				d := math.Abs(got - want)
				maxDiff = max(maxDiff, d/math.Max(1, math.Abs(want)))
				if !relClose(got, want, tol) && d > 1e-9 {
					t.Errorf("%s: %.12g, R %.12g", what, got, want)
				}
			}
			for _, co := range r.Coefficients {
				w, ok := want[rTerm[co.Name]]
				if !ok {
					t.Fatalf("no R term for %s", co.Name)
				}
				check(co.Name+" estimate", co.Estimate.Value, w[0], 1e-8)
				check(co.Name+" se", co.Estimate.SE, w[1], 1e-7)
				check(co.Name+" low", co.Estimate.Low, w[2], 1e-7)
				check(co.Name+" high", co.Estimate.High, w[3], 1e-7)
			}
			if len(r.Segments) != 2 || r.Segments[0].ID != "ban" || r.Segments[1].ID != "break2" {
				t.Fatalf("segments %+v", r.Segments)
			}
			for _, sg := range r.Segments {
				cf := ref[c.name]["cf_"+sg.ID]
				if len(sg.Counterfactual) != len(cf) {
					t.Fatalf("%s: %d counterfactual points, R %d", sg.ID, len(sg.Counterfactual), len(cf))
				}
				for i, p := range sg.Counterfactual {
					w := cf[strconv.Itoa(i+1)]
					if c.model == QuasiPoisson { // R's are on the log scale, without the offset
						w[0], w[2], w[3] = math.Exp(w[0])*stdpop[i], math.Exp(w[2])*stdpop[i], math.Exp(w[3])*stdpop[i]
					}
					check(sg.ID+" counterfactual "+p.Period, p.Expected, w[0], 1e-8)
					check(sg.ID+" band low "+p.Period, p.Low, w[2], 1e-7)
					check(sg.ID+" band high "+p.Period, p.High, w[3], 1e-7)
				}
				lv := want[rTerm[map[string]string{"ban": "level", "break2": "level:break2"}[sg.ID]]]
				got := sg.LevelChange.Value
				if c.model == QuasiPoisson {
					got = math.Log(got)
				}
				check(sg.ID+" segment level", got, lv[0], 1e-8)
			}
			if r.LevelChange == nil || r.LevelChange.Value != r.Segments[0].LevelChange.Value || r.Counterfactual[0] != r.Segments[0].Counterfactual[0] {
				t.Errorf("headline is not the first interruption's")
			}
		})
	}
	t.Logf("largest difference from R (relative to max(1, |R|)): %.2g", maxDiff)
}

// TestPiecewiseOneEqualsITS: with one interruption, the piecewise fit is
// the single interrupted time series, every number the same.
func TestPiecewiseOneEqualsITS(t *testing.T) {
	periods, aces, stdpop, start := sicily(t)
	for _, in := range []ITSInput{
		{Model: Gaussian, SlopeChange: true, Harmonics: 2},
		{Model: Gaussian, Errors: AR1},
		{Model: QuasiPoisson, Offset: stdpop, Harmonics: 1},
	} {
		in.Series = Series{Unit: "Sicily", Periods: periods, Values: aces}
		in.Start = start
		want, err := ITS(in)
		if err != nil {
			t.Fatal(err)
		}
		got, err := PiecewiseITS(in, []Interruption{{ID: "ban", Start: start}})
		if err != nil {
			t.Fatal(err)
		}
		close := func(what string, a, b float64) {
			t.Helper()
			if math.Abs(a-b) > 1e-9*math.Max(1, math.Abs(b)) {
				t.Errorf("%s %s: piecewise %.12g, ITS %.12g", in.Model, what, a, b)
			}
		}
		close("effect", got.Effect.Value, want.Effect.Value)
		close("effect low", got.Effect.Low, want.Effect.Low)
		close("effect p", got.Effect.PValue, want.Effect.PValue)
		close("relative effect", got.RelativeEffect.Value, want.RelativeEffect.Value)
		close("pre RMSPE", got.PreRMSPE, want.PreRMSPE)
		for i := range want.Coefficients {
			close(want.Coefficients[i].Name, got.Coefficients[i].Estimate.SE, want.Coefficients[i].Estimate.SE)
		}
		for i, p := range want.Counterfactual {
			close("counterfactual "+p.Period, got.Counterfactual[i].Expected, p.Expected)
			close("band "+p.Period, got.Counterfactual[i].High, p.High)
		}
	}
}

// TestPiecewiseRecoversEffects: on simulated series with two known
// interventions, the piecewise fit recovers each level change (interval
// covers the truth in most series), while a single interruption at the
// first mixes the second into it.
func TestPiecewiseRecoversEffects(t *testing.T) {
	rng := rand.New(rand.NewPCG(14, 2))
	const n, s1, s2, l1, l2 = 120, 40, 80, -10.0, 6.0
	periods := make([]string, n)
	for i := range periods {
		periods[i] = strconv.Itoa(2000+i/12) + "-" + strconv.Itoa(100 + i%12 + 1)[1:]
	}
	cover, bias1 := 0, 0.0
	const reps = 200
	for k := 0; k < reps; k++ {
		y := make([]float64, n)
		for i := range y {
			y[i] = 50 + 0.1*float64(i) + rng.NormFloat64()*2
			if i >= s1 {
				y[i] += l1
			}
			if i >= s2 {
				y[i] += l2
			}
		}
		in := ITSInput{Series: Series{Unit: "x", Periods: periods, Values: y}}
		r, err := PiecewiseITS(in, []Interruption{{ID: "second", Start: s2}, {ID: "first", Start: s1}})
		if err != nil {
			t.Fatal(err)
		}
		if r.Segments[0].ID != "first" || r.Coefficients[2].Name != "level" || r.Coefficients[3].Name != "level:first" {
			t.Fatalf("order: %+v %+v", r.Segments[0].ID, r.Coefficients)
		}
		for _, sg := range r.Segments {
			truth := map[string]float64{"first": l1, "second": l2}[sg.ID]
			if sg.LevelChange.Low <= truth && truth <= sg.LevelChange.High {
				cover++
			}
		}
		in.Start = s1
		one, err := ITS(in)
		if err != nil {
			t.Fatal(err)
		}
		bias1 += one.LevelChange.Value - l1
	}
	if rate := float64(cover) / (2 * reps); rate < 0.88 || rate > 0.99 {
		t.Errorf("coverage of the level changes %.3f", rate)
	}
	if bias1 /= reps; math.Abs(bias1) < 1 {
		t.Errorf("a single interruption should be biased by the second intervention; mean bias %.3f", bias1)
	}
}

// TestPiecewiseBadInput: each bad list is a BadInput error naming the
// field.
func TestPiecewiseBadInput(t *testing.T) {
	periods, aces, _, start := sicily(t)
	in := ITSInput{Series: Series{Unit: "Sicily", Periods: periods, Values: aces}, SlopeChange: true}
	for name, list := range map[string][]Interruption{
		"empty":     nil,
		"no name":   {{Start: start}},
		"twice":     {{ID: "a", Start: start}, {ID: "a", Start: start + 5}},
		"too early": {{ID: "a", Start: start}, {ID: "b", Start: 2}},
		"too late":  {{ID: "a", Start: start}, {ID: "b", Start: len(aces) - 1}},
		"same":      {{ID: "a", Start: start}, {ID: "b", Start: start}},
		"adjacent":  {{ID: "a", Start: start}, {ID: "b", Start: start + 1}},
	} {
		_, err := PiecewiseITS(in, list)
		var de *domain.Error
		if !errors.As(err, &de) || de.Code != domain.BadInput || de.Field != "interruptions" {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// BenchmarkPiecewiseITS360: Gaussian piecewise ITS over 360 monthly points,
// three interruptions with slope changes, two harmonic pairs, Newey-West
// errors (compare BenchmarkITS360HAC, the same with one interruption).
func BenchmarkPiecewiseITS360(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	in := simITS(rng, 360, 240, 0.3, -3, false)
	in.Harmonics = 2
	in.SlopeChange = true
	list := []Interruption{{ID: "a", Start: 240}, {ID: "b", Start: 120}, {ID: "c", Start: 300}}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := PiecewiseITS(in, list); err != nil {
			b.Fatal(err)
		}
	}
}
