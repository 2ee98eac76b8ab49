package impact_test

import (
	"encoding/csv"
	"math"
	"os"
	"strconv"
	"testing"

	"github.com/supplyeval/supplyeval/domain/impact"
)

// readMPDTA reads did's minimum-wage panel (testdata/mpdta.csv: 500
// counties, 2003-2007; see testdata/README.md) as a staggered input with
// periods 0..4 for 2003..2007.
func readMPDTA(t *testing.T) impact.StaggeredInput {
	t.Helper()
	f, err := os.Open("testdata/mpdta.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	index := map[string]int{}
	var in impact.StaggeredInput
	for _, r := range rows[1:] {
		year, _ := strconv.Atoi(r[1])
		lemp, err1 := strconv.ParseFloat(r[2], 64)
		first, err2 := strconv.Atoi(r[3])
		if err1 != nil || err2 != nil || year < 2003 || year > 2007 {
			t.Fatalf("row %v", r)
		}
		i, ok := index[r[0]]
		if !ok {
			i = len(in.Units)
			index[r[0]] = i
			in.Units = append(in.Units, r[0])
			in.Y = append(in.Y, make([]float64, 5))
			c := -1
			if first > 0 {
				c = first - 2003
			}
			in.Cohort = append(in.Cohort, c)
		}
		in.Y[i][year-2003] = lemp
	}
	if len(in.Units) != 500 {
		t.Fatalf("%d counties, want 500", len(in.Units))
	}
	return in
}

// TestStaggeredMatchesDidOnMinimumWage checks the Callaway & Sant'Anna
// estimates on the minimum-wage panel against the results published in
// the README of the R package did 2.5.1 (github.com/bcallaway11/did,
// commit 71ba8a5; att_gt(yname = "lemp", gname = "first.treat", idname =
// "countyreal", tname = "year", xformla = ~1, est_method = "reg"), never
// treated controls, no anticipation), printed there to 4 decimals. The
// point estimates are exact functions of the data, so they must agree to
// the printed rounding. did's standard errors come from its multiplier
// bootstrap (random draws); ours are analytic (the same influence
// functions), so they agree only up to the bootstrap's noise: within 15%.
func TestStaggeredMatchesDidOnMinimumWage(t *testing.T) {
	in := readMPDTA(t)
	in.Control = impact.NeverTreated
	in.Seed = 1
	res, err := impact.Staggered(in)
	if err != nil {
		t.Fatal(err)
	}
	near := func(what string, got, want, tol float64) {
		t.Helper()
		if math.Abs(got-want) > tol {
			t.Errorf("%s = %.5f, did 2.5.1 publishes %.4f", what, got, want)
		}
	}
	// Group-time effects: group (first treated year), time, ATT(g,t), SE.
	cells := []struct {
		g, t    int
		att, se float64
	}{
		{2004, 2004, -0.0105, 0.0246}, {2004, 2005, -0.0704, 0.0332}, {2004, 2006, -0.1373, 0.0397}, {2004, 2007, -0.1008, 0.0357},
		{2006, 2004, 0.0065, 0.0229}, {2006, 2005, -0.0028, 0.0197}, {2006, 2006, -0.0046, 0.0179}, {2006, 2007, -0.0412, 0.0192},
		{2007, 2004, 0.0305, 0.0154}, {2007, 2005, -0.0027, 0.0164}, {2007, 2006, -0.0311, 0.0184}, {2007, 2007, -0.0261, 0.0170},
	}
	found := 0
	for _, want := range cells {
		for _, c := range res.Cells {
			if c.Cohort == want.g-2003 && c.Period == want.t-2003 {
				found++
				name := "ATT(" + strconv.Itoa(want.g) + "," + strconv.Itoa(want.t) + ")"
				near(name, c.ATT, want.att, 0.00005+1e-9)
				if r := c.SE / want.se; r < 0.85 || r > 1.15 {
					t.Errorf("%s standard error %.4f, did's bootstrap %.4f", name, c.SE, want.se)
				}
			}
		}
	}
	if found != len(cells) {
		t.Fatalf("%d of %d group-time cells found in %+v", found, len(cells), res.Cells)
	}
	// Event study (aggte type "dynamic") and its overall average.
	event := map[int][2]float64{-3: {0.0305, 0.0154}, -2: {-0.0006, 0.0132}, -1: {-0.0245, 0.0153},
		0: {-0.0199, 0.0123}, 1: {-0.0510, 0.0167}, 2: {-0.1373, 0.0413}, 3: {-0.1008, 0.0351}}
	if len(res.Event) != len(event) {
		t.Fatalf("event study has %d relative periods, did 7", len(res.Event))
	}
	for _, e := range res.Event {
		want, ok := event[e.Relative]
		if !ok {
			t.Fatalf("relative period %d not in did's event study", e.Relative)
		}
		near("event effect "+strconv.Itoa(e.Relative), e.Estimate, want[0], 0.00005+1e-9)
		if r := e.SE / want[1]; r < 0.85 || r > 1.15 {
			t.Errorf("event effect %d standard error %.4f, did's bootstrap %.4f", e.Relative, e.SE, want[1])
		}
	}
	near("event-study average", res.EventAverage.Estimate, -0.0772, 0.00005+1e-9)
	if r := res.EventAverage.SE / 0.0219; r < 0.85 || r > 1.15 {
		t.Errorf("event-study average standard error %.4f, did's bootstrap 0.0219", res.EventAverage.SE)
	}
	// Cohort effects (aggte type "group"), and their average weighted by
	// cohort size, which did reports as the overall ATT: -0.031.
	groups := map[int]float64{2004: -0.0797, 2006: -0.0229, 2007: -0.0261}
	num, den := 0.0, 0.0
	for _, c := range res.Cohorts {
		want, ok := groups[c.Cohort+2003]
		if !ok {
			t.Fatalf("cohort %d not in did's", c.Cohort+2003)
		}
		near("cohort "+strconv.Itoa(c.Cohort+2003), c.Estimate, want, 0.00005+1e-9)
		num += float64(c.Units) * c.Estimate
		den += float64(c.Units)
	}
	near("cohort-weighted overall ATT", num/den, -0.031, 0.0005)
	near("ByCohort", res.ByCohort.Estimate, num/den, 1e-12)
	if r := res.ByCohort.SE / 0.0126; r < 0.85 || r > 1.15 {
		t.Errorf("ByCohort standard error %.4f, did's bootstrap 0.0126", res.ByCohort.SE)
	}
	// The "simple" aggregation (aggte type "simple"), which did's README
	// does not print for this panel: the cells' average weighted by cohort
	// size.
	t.Logf("overall (simple) %.4f (SE %.4f), event-study average %.4f (SE %.4f), by cohort %.4f (SE %.4f)",
		res.Overall.Estimate, res.Overall.SE, res.EventAverage.Estimate, res.EventAverage.SE, res.ByCohort.Estimate, res.ByCohort.SE)
}
