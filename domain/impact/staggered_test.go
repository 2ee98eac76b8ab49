package impact_test

import (
	"encoding/csv"
	"errors"
	"math"
	"math/rand/v2"
	"os"
	"strconv"
	"testing"

	"github.com/supplyeval/supplyeval/domain"
	"github.com/supplyeval/supplyeval/domain/impact"
)

// stagPanel simulates n units over T periods: each adopts at period 3, at
// 6 or never (or, with allTreated, at 8), with probability 1/3 each, so
// that cohort sizes vary from panel to panel as the influence function of
// the aggregation assumes; unit and period
// effects; effects that grow with time since adoption at a rate that
// differs by cohort (so two-way fixed effects is biased); noise N(0,1).
// It returns the input and the true "simple" overall ATT: the average of
// the effects over treated cells weighted by the cohorts' probabilities.
func stagPanel(rng *rand.Rand, n, T int, allTreated bool) (impact.StaggeredInput, float64) {
	in := impact.StaggeredInput{Y: make([][]float64, n), Cohort: make([]int, n), Draws: 199}
	lambda := make([]float64, T)
	for t := range lambda {
		lambda[t] = 0.5*float64(t) + rng.NormFloat64()
	}
	rate := map[int]float64{3: 2, 6: 0.5, 8: 1}
	num, den := 0.0, 0.0
	for _, g := range []int{3, 6, 8} {
		if g == 8 && !allTreated {
			continue
		}
		for t := g; t < T; t++ {
			num += rate[g] * float64(t-g+1)
			den++
		}
	}
	for i := 0; i < n; i++ {
		g := -1
		switch u := rng.IntN(3); {
		case u == 0:
			g = 3
		case u == 1:
			g = 6
		case allTreated:
			g = 8
		}
		in.Cohort[i] = g
		alpha := rng.NormFloat64() * 2
		row := make([]float64, T)
		for t := range row {
			tau := 0.0
			if g >= 0 && t >= g {
				tau = rate[g] * float64(t-g+1)
			}
			row[t] = alpha + lambda[t] + tau + rng.NormFloat64()
		}
		in.Y[i] = row
	}
	return in, num / den
}

// TestStaggeredCoverage checks the 95% interval of the overall ATT over
// simulated panels with heterogeneous, dynamic effects: it covers the
// true ATT in 92-98% of them (400 panels; 100 with -short and a wider
// band; SUPPLYEVAL_STAGGERED_PANELS sets the number), with both control
// groups, and two-way fixed effects is biased on them.
func TestStaggeredCoverage(t *testing.T) {
	panels, lo, hi := 400, 0.92, 0.98
	if testing.Short() {
		panels, lo, hi = 100, 0.88, 1.0
	}
	if s := os.Getenv("SUPPLYEVAL_STAGGERED_PANELS"); s != "" {
		var k int
		for _, c := range s {
			k = k*10 + int(c-'0')
		}
		panels = k
	}
	for _, control := range []string{impact.NeverTreated, impact.NotYetTreated} {
		rng := rand.New(rand.NewPCG(14, 2021))
		covered, coveredByCohort, twfeBias := 0, 0, 0.0
		// The cohort-weighted ATT of stagPanel's design (10 periods,
		// cohorts 3 and 6 equally likely): cohort 3's effect averages
		// 2 x (1..7) = 8, cohort 6's 0.5 x (1..4) = 1.25.
		byCohortTruth := (8 + 1.25) / 2
		for p := 0; p < panels; p++ {
			in, truth := stagPanel(rng, 150, 10, false)
			in.Control, in.Seed = control, uint64(p)
			r, err := impact.Staggered(in)
			if err != nil {
				t.Fatal(err)
			}
			if r.Overall.Low <= truth && truth <= r.Overall.High {
				covered++
			}
			if r.ByCohort.Low <= byCohortTruth && byCohortTruth <= r.ByCohort.High {
				coveredByCohort++
			}
			twfeBias += (r.TWFE.Beta - truth) / float64(panels)
		}
		rate, rateByCohort := float64(covered)/float64(panels), float64(coveredByCohort)/float64(panels)
		t.Logf("%s: coverage %.3f (by cohort %.3f) over %d panels; mean TWFE bias %.3f", control, rate, rateByCohort, panels, twfeBias)
		if rate < lo || rate > hi {
			t.Errorf("%s: the 95%% interval covers the true ATT in %.1f%% of %d panels, want %.0f-%.0f%%", control, 100*rate, panels, 100*lo, 100*hi)
		}
		if rateByCohort < lo || rateByCohort > hi {
			t.Errorf("%s: the 95%% interval of the cohort-weighted ATT covers the truth in %.1f%% of %d panels, want %.0f-%.0f%%", control, 100*rateByCohort, panels, 100*lo, 100*hi)
		}
		if math.Abs(twfeBias) < 0.5 {
			t.Errorf("%s: two-way fixed effects bias %.3f: the simulation does not show the bias it is meant to", control, twfeBias)
		}
	}
}

// readStaggeredPanel reads testdata/staggered_panel.csv (unit, cohort,
// period, y; 30 units x 8 periods, cohorts 3, 5 and never).
func readStaggeredPanel(t *testing.T) impact.StaggeredInput {
	t.Helper()
	f, err := os.Open("testdata/staggered_panel.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	idx := map[string]int{}
	var in impact.StaggeredInput
	for _, r := range recs[1:] {
		i, ok := idx[r[0]]
		if !ok {
			i = len(in.Units)
			idx[r[0]] = i
			in.Units = append(in.Units, r[0])
			g, _ := strconv.Atoi(r[1])
			in.Cohort = append(in.Cohort, g)
			in.Y = append(in.Y, make([]float64, 8))
		}
		p, _ := strconv.Atoi(r[2])
		in.Y[i][p], _ = strconv.ParseFloat(r[3], 64)
	}
	return in
}

// TestStaggeredAgainstR checks every ATT(g,t) and its standard error on a
// fixed panel against R 4.2.2 (r-base-core): lm(dy ~ D) on each 2x2
// subset (the cohort and its controls, dy = y_t - y_base), coefficient on
// D, with sandwich 3.0-2 vcovHC(type = "HC0") for the standard error
// (which is the influence-function variance of a difference in means);
// script in the commit message of this test.
func TestStaggeredAgainstR(t *testing.T) {
	ref := []struct {
		control string
		g, t    int
		att, se float64
	}{
		{impact.NeverTreated, 3, 1, -0.6709800000, 0.4173710107},
		{impact.NeverTreated, 3, 2, -0.7498400000, 0.5072960080},
		{impact.NeverTreated, 3, 3, 1.4627100000, 0.4813831089},
		{impact.NeverTreated, 3, 4, 2.8922700000, 0.6845935308},
		{impact.NeverTreated, 3, 5, 4.5403200000, 0.5584754008},
		{impact.NeverTreated, 3, 6, 6.3944000000, 0.4810433654},
		{impact.NeverTreated, 3, 7, 7.3371200000, 0.5724030702},
		{impact.NeverTreated, 5, 1, -1.0410600000, 0.5938244935},
		{impact.NeverTreated, 5, 2, 0.5373900000, 0.5975296831},
		{impact.NeverTreated, 5, 3, -0.1630700000, 0.6489656412},
		{impact.NeverTreated, 5, 4, 0.2621200000, 0.6824736810},
		{impact.NeverTreated, 5, 5, 0.1669600000, 0.5954844654},
		{impact.NeverTreated, 5, 6, 0.8474400000, 0.6792383403},
		{impact.NeverTreated, 5, 7, 1.9124900000, 0.5581694957},
		{impact.NotYetTreated, 3, 1, -0.1504500000, 0.3943740749},
		{impact.NotYetTreated, 3, 2, -1.0185350000, 0.4754022629},
		{impact.NotYetTreated, 3, 3, 1.5442450000, 0.5324526186},
		{impact.NotYetTreated, 3, 4, 2.8427450000, 0.5970802303},
		{impact.NotYetTreated, 3, 5, 4.5403200000, 0.5584754008},
		{impact.NotYetTreated, 3, 6, 6.3944000000, 0.4810433654},
		{impact.NotYetTreated, 3, 7, 7.3371200000, 0.5724030702},
		{impact.NotYetTreated, 5, 1, -0.7055700000, 0.5305023471},
		{impact.NotYetTreated, 5, 2, 0.9123100000, 0.5515388233},
		{impact.NotYetTreated, 5, 3, -0.1630700000, 0.6489656412},
		{impact.NotYetTreated, 5, 4, 0.2621200000, 0.6824736810},
		{impact.NotYetTreated, 5, 5, 0.1669600000, 0.5954844654},
		{impact.NotYetTreated, 5, 6, 0.8474400000, 0.6792383403},
		{impact.NotYetTreated, 5, 7, 1.9124900000, 0.5581694957},
	}
	in := readStaggeredPanel(t)
	for _, control := range []string{impact.NeverTreated, impact.NotYetTreated} {
		in.Control = control
		r, err := impact.Staggered(in)
		if err != nil {
			t.Fatal(err)
		}
		got := map[[2]int]impact.GroupTime{}
		for _, c := range r.Cells {
			got[[2]int{c.Cohort, c.Period}] = c
		}
		n := 0
		for _, w := range ref {
			if w.control != control {
				continue
			}
			n++
			c, ok := got[[2]int{w.g, w.t}]
			if !ok {
				t.Errorf("%s: ATT(%d,%d) missing", control, w.g, w.t)
				continue
			}
			if math.Abs(c.ATT-w.att) > 1e-8 || math.Abs(c.SE-w.se) > 1e-8 {
				t.Errorf("%s: ATT(%d,%d) = %.10f (se %.10f), R says %.10f (%.10f)", control, w.g, w.t, c.ATT, c.SE, w.att, w.se)
			}
		}
		if n != len(r.Cells) {
			t.Errorf("%s: %d cells, R has %d", control, len(r.Cells), n)
		}
	}
}

// TestStaggeredRefusals checks that bad input is refused naming the field.
func TestStaggeredRefusals(t *testing.T) {
	good := readStaggeredPanel(t)
	good.Control = impact.NeverTreated
	cases := []struct {
		field string
		edit  func(in *impact.StaggeredInput)
	}{
		{"control", func(in *impact.StaggeredInput) { in.Control = "SOMETIMES" }},
		{"anticipation", func(in *impact.StaggeredInput) { in.Anticipation = -1 }},
		{"regions", func(in *impact.StaggeredInput) { in.Y[2] = append([]float64{math.NaN()}, in.Y[2][1:]...) }},
		{"control", func(in *impact.StaggeredInput) { // no never-treated unit
			for i, g := range in.Cohort {
				if g < 0 {
					in.Cohort[i] = 5
				}
			}
		}},
		{"interventions", func(in *impact.StaggeredInput) {
			for i := range in.Cohort {
				in.Cohort[i] = -1
			}
		}},
	}
	for _, c := range cases {
		in := readStaggeredPanel(t)
		in.Control = impact.NeverTreated
		c.edit(&in)
		_, err := impact.Staggered(in)
		var de *domain.Error
		if !errors.As(err, &de) || de.Field != c.field || de.Code != domain.Invalid("", "").Code {
			t.Errorf("want a refusal naming %s, got %v", c.field, err)
		}
	}
	if _, err := impact.Staggered(good); err != nil {
		t.Fatal(err)
	}
}
