package impact

import (
	"math"
	"sort"
	"strconv"
	"testing"
)

// prop99 builds the synthetic control input of Abadie, Diamond & Hainmueller
// (2010) from prop99_smoking.csv: California treated from 1989, the other 38
// states as donors, predictors the means of lnincome, age15to24 and
// retprice over 1980-88, beer over 1984-88, and cigsale in 1975, 1980 and
// 1988.
func prop99(tb testing.TB) SynthInput {
	tb.Helper()
	h, rows := readCSV(tb, "prop99_smoking.csv")
	is, iy := column(tb, h, "state"), column(tb, h, "year")
	cols := map[string]int{}
	for _, c := range []string{"cigsale", "lnincome", "beer", "age15to24", "retprice"} {
		cols[c] = column(tb, h, c)
	}
	const first, last = 1970, 2000
	periods := make([]string, last-first+1)
	for i := range periods {
		periods[i] = strconv.Itoa(first + i)
	}
	data := map[string]map[string][]float64{}
	var states []string
	for _, r := range rows {
		st := r[is]
		if data[st] == nil {
			data[st] = map[string][]float64{}
			for c := range cols {
				v := make([]float64, len(periods))
				for i := range v {
					v[i] = math.NaN()
				}
				data[st][c] = v
			}
			states = append(states, st)
		}
		y := int(parseNum(tb, r[iy])) - first
		for c, i := range cols {
			data[st][c][y] = parseNum(tb, r[i])
		}
	}
	names := []string{"lnincome 1980-88", "age15to24 1980-88", "retprice 1980-88", "beer 1984-88", "cigsale 1988", "cigsale 1980", "cigsale 1975"}
	windows := []struct {
		col      string
		from, to int
	}{{"lnincome", 1980, 1988}, {"age15to24", 1980, 1988}, {"retprice", 1980, 1988}, {"beer", 1984, 1988}, {"cigsale", 1988, 1988}, {"cigsale", 1980, 1980}, {"cigsale", 1975, 1975}}
	unit := func(st string) SynthUnit {
		u := SynthUnit{Unit: st, Outcome: data[st]["cigsale"]}
		for _, w := range windows {
			m, err := WindowMean(data[st][w.col], w.from-first, w.to-first)
			if err != nil {
				tb.Fatalf("%s %s: %v", st, w.col, err)
			}
			u.Predictors = append(u.Predictors, m)
		}
		return u
	}
	in := SynthInput{Periods: periods, Start: 1989 - first, PredictorNames: names}
	sort.Strings(states)
	for _, st := range states {
		if st == "California" {
			in.Treated = unit(st)
		} else {
			in.Donors = append(in.Donors, unit(st))
		}
	}
	return in
}

// TestSyntheticControlProp99 reproduces ADH (2010): weights, placebo rank
// and the gap by 2000.
func TestSyntheticControlProp99(t *testing.T) {
	in := prop99(t)
	if len(in.Donors) != 38 {
		t.Fatalf("%d donors", len(in.Donors))
	}
	in.Placebo = true
	r, err := SyntheticControl(in)
	if err != nil {
		t.Fatal(err)
	}
	published := map[string]float64{"Utah": 0.334, "Nevada": 0.234, "Montana": 0.199, "Colorado": 0.164, "Connecticut": 0.069}
	var maxDev float64
	for _, w := range r.Weights {
		dev := math.Abs(w.Weight - published[w.Unit])
		maxDev = math.Max(maxDev, dev)
		if w.Weight > 0.001 || published[w.Unit] > 0 {
			t.Logf("%-14s %.4f (published %.3f)", w.Unit, w.Weight, published[w.Unit])
		}
	}
	t.Logf("largest weight deviation from ADH 2010: %.4f", maxDev)
	if maxDev > 0.02 {
		t.Errorf("weights deviate from ADH 2010 by up to %.4f", maxDev)
	}
	for _, p := range r.Predictors {
		t.Logf("%-18s treated %8.3f synthetic %8.3f donors %8.3f v %.4f", p.Name, p.Treated, p.Synthetic, p.DonorMean, p.V)
	}
	last, _ := r.Diagnostic("gap_last")
	t.Logf("pre RMSPE %.3f, effect %.2f, gap 2000 %.2f, placebo rank %d of %d (p %.4f), interval %.2f to %.2f (%v)",
		r.PreRMSPE, r.Effect.Value, last.Value, r.Placebo.Rank, r.Placebo.Of, r.Placebo.PValue, r.Effect.Low, r.Effect.High, r.Effect.HasInterval)
	if math.Abs(last.Value-(-26)) > 3 {
		t.Errorf("gap in 2000 %.2f, published about -26", last.Value)
	}
	if r.Placebo.Rank != 1 || r.Placebo.Of != 39 || math.Abs(r.Placebo.PValue-1.0/39) > 1e-12 {
		t.Errorf("placebo rank %d of %d", r.Placebo.Rank, r.Placebo.Of)
	}
	t.Log(r.Explanation)
}
