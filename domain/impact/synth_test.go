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
	if g := r.Counterfactual[len(r.Counterfactual)-1].Gap(); g != last.Value {
		t.Errorf("gap series %v, diagnostic %v", g, last.Value)
	}
	if math.Abs(last.Value-(-26)) > 3 {
		t.Errorf("gap in 2000 %.2f, published about -26", last.Value)
	}
	if r.Placebo.Rank != 1 || r.Placebo.Of != 39 || math.Abs(r.Placebo.PValue-1.0/39) > 1e-12 {
		t.Errorf("placebo rank %d of %d", r.Placebo.Rank, r.Placebo.Of)
	}
	t.Log(r.Explanation)
}

// basque builds the specification of Abadie & Gardeazabal (2003) as the R
// package Synth states it in its example (Abadie, Diamond & Hainmueller
// 2011, J Stat Softw 42(13)): the Basque Country (regionno 17) against the
// other 16 regions (not Spain as a whole), predictors the 1964-69 means of
// the schooling shares and investment, the 1960-69 mean GDP per capita, the
// sector shares averaged over 1961, 1963, ..., 1969 and population density
// in 1969; V chosen on 1960-69; treatment from 1970.
func basque(tb testing.TB) SynthInput {
	tb.Helper()
	h, rows := readCSV(tb, "basque.csv")
	const first, last = 1955, 1997
	cols := []string{"gdpcap", "sec.agriculture", "sec.energy", "sec.industry", "sec.construction", "sec.services.venta",
		"sec.services.nonventa", "school.illit", "school.prim", "school.med", "school.high", "school.post.high", "popdens", "invest"}
	idx := map[string]int{}
	for _, c := range cols {
		idx[c] = column(tb, h, c)
	}
	ir, in, iy := column(tb, h, "regionno"), column(tb, h, "regionname"), column(tb, h, "year")
	type region struct {
		name string
		v    map[string][]float64
	}
	regions := map[int]*region{}
	for _, r := range rows {
		no := int(parseNum(tb, r[ir]))
		g := regions[no]
		if g == nil {
			g = &region{name: r[in], v: map[string][]float64{}}
			for _, c := range cols {
				s := make([]float64, last-first+1)
				for i := range s {
					s[i] = math.NaN()
				}
				g.v[c] = s
			}
			regions[no] = g
		}
		y := int(parseNum(tb, r[iy])) - first
		for _, c := range cols {
			g.v[c][y] = parseNum(tb, r[idx[c]])
		}
	}
	type pred struct {
		col      string
		from, to int
	}
	var preds []pred
	for _, c := range []string{"school.illit", "school.prim", "school.med", "school.high", "school.post.high", "invest"} {
		preds = append(preds, pred{c, 1964, 1969})
	}
	preds = append(preds, pred{"gdpcap", 1960, 1969})
	for _, c := range []string{"sec.agriculture", "sec.energy", "sec.industry", "sec.construction", "sec.services.venta", "sec.services.nonventa"} {
		preds = append(preds, pred{c, 1961, 1969}) // recorded in odd years only
	}
	preds = append(preds, pred{"popdens", 1969, 1969})
	out := SynthInput{Start: 1970 - first}
	for y := first; y <= last; y++ {
		out.Periods = append(out.Periods, strconv.Itoa(y))
	}
	for _, p := range preds {
		out.PredictorNames = append(out.PredictorNames, p.col+" "+strconv.Itoa(p.from)+"-"+strconv.Itoa(p.to))
	}
	for t := 1960; t <= 1969; t++ {
		out.FitPeriods = append(out.FitPeriods, t-first)
	}
	unit := func(no int) SynthUnit {
		g := regions[no]
		u := SynthUnit{Unit: g.name, Outcome: g.v["gdpcap"]}
		for _, p := range preds {
			m, err := WindowMean(g.v[p.col], p.from-first, p.to-first)
			if err != nil {
				tb.Fatalf("%s %s: %v", g.name, p.col, err)
			}
			u.Predictors = append(u.Predictors, m)
		}
		return u
	}
	out.Treated = unit(17)
	for no := 2; no <= 18; no++ {
		if no != 17 {
			out.Donors = append(out.Donors, unit(no))
		}
	}
	return out
}

// TestSyntheticControlBasque compares with Synth's example, which reports
// Cataluna 0.851 and Madrid 0.149 (ADH 2011, JSS) with a fit-period loss
// (mean squared GDP gap over 1960-69) of 0.008865. The V surface is not
// convex and Synth's optimiser stops at a local optimum: the nested search
// here finds a V with half that loss (about 0.0043), whose weights keep Madrid
// at 0.15 but split Synth's Cataluna weight between Cataluna (0.63) and the
// Balearic Islands (0.22). The test asserts that the loss is no worse than
// Synth's and that Madrid's weight agrees.
func TestSyntheticControlBasque(t *testing.T) {
	in := basque(t)
	in.Placebo = true
	r, err := SyntheticControl(in)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]float64{"Cataluna": 0.851, "Madrid (Comunidad De)": 0.149}
	for _, w := range r.Weights {
		if w.Weight > 0.001 || want[w.Unit] > 0 {
			t.Logf("%-28s %.4f (Synth %.3f)", w.Unit, w.Weight, want[w.Unit])
		}
		if w.Unit == "Madrid (Comunidad De)" && math.Abs(w.Weight-0.149) > 0.02 {
			t.Errorf("Madrid %.4f, Synth 0.149", w.Weight)
		}
	}
	// Synth's own weights, scored on the same criterion.
	var synthLoss float64
	for _, ti := range in.FitPeriods {
		g := in.Treated.Outcome[ti]
		for _, d := range in.Donors {
			g -= want[d.Unit] * d.Outcome[ti]
		}
		synthLoss += g * g
	}
	synthLoss /= float64(len(in.FitPeriods))
	loss, _ := r.Diagnostic("loss_v")
	t.Logf("loss_v %.6g (Synth's weights %.6g); pre RMSPE %.4f; effect %.3f; placebo %d of %d",
		loss.Value, synthLoss, r.PreRMSPE, r.Effect.Value, r.Placebo.Rank, r.Placebo.Of)
	if loss.Value > synthLoss*(1+1e-6) {
		t.Errorf("fit-period loss %.6g worse than Synth's %.6g", loss.Value, synthLoss)
	}
	if r.Effect.HasInterval {
		t.Error("with 17 units the placebo test cannot reach 5%: there must be no interval")
	}
}

// TestSyntheticControlProperties: weights on the simplex, determinism of
// the parallel placebo test, the fixed-V and one-predictor paths, a donor
// that reproduces the treated unit exactly, and the placebo interval.
func TestSyntheticControlProperties(t *testing.T) {
	in := prop99(t)
	in.Placebo = true
	a, err := SyntheticControl(in)
	if err != nil {
		t.Fatal(err)
	}
	var sum float64
	for _, w := range a.Weights {
		if w.Weight < 0 {
			t.Fatalf("negative weight %v", w)
		}
		sum += w.Weight
	}
	if math.Abs(sum-1) > 1e-12 {
		t.Fatalf("weights sum to %v", sum)
	}
	b, err := SyntheticControl(in)
	if err != nil {
		t.Fatal(err)
	}
	for i := range a.Placebo.Fits {
		if a.Placebo.Fits[i] != b.Placebo.Fits[i] {
			t.Fatalf("placebo fits differ between runs: %+v %+v", a.Placebo.Fits[i], b.Placebo.Fits[i])
		}
	}
	if !a.Effect.HasInterval || a.Effect.Low > a.Effect.Value || a.Effect.High < a.Effect.Value || a.Effect.High >= 0 {
		t.Errorf("placebo interval %v..%v around %v", a.Effect.Low, a.Effect.High, a.Effect.Value)
	}

	// ADH's placebo pools include California: rank 1 still, no interval.
	in.PlaceboIncludesTreated = true
	c, err := SyntheticControl(in)
	if err != nil {
		t.Fatal(err)
	}
	if c.Placebo.Rank != 1 || c.Effect.HasInterval {
		t.Errorf("pool with California: rank %d, interval %v", c.Placebo.Rank, c.Effect.HasInterval)
	}
	in.PlaceboIncludesTreated = false

	// Fixed V: the weights are the QP solution for that V (no search).
	in.Placebo = false
	v := make([]float64, len(a.Predictors))
	for l, p := range a.Predictors {
		v[l] = p.V
	}
	in.V = v
	d, err := SyntheticControl(in)
	if err != nil {
		t.Fatal(err)
	}
	for j := range d.Weights {
		if math.Abs(d.Weights[j].Weight-a.Weights[j].Weight) > 1e-9 {
			t.Errorf("fixed V: %s %.6f vs %.6f", d.Weights[j].Unit, d.Weights[j].Weight, a.Weights[j].Weight)
		}
	}
	if d.Placebo != nil || d.Effect.HasPValue || d.Effect.HasInterval {
		t.Error("no placebo: no p-value or interval")
	}

	// One predictor.
	one := in
	one.V = nil
	one.PredictorNames = one.PredictorNames[4:5]
	one.Treated.Predictors = one.Treated.Predictors[4:5]
	one.Donors = append([]SynthUnit(nil), in.Donors...)
	for j := range one.Donors {
		one.Donors[j].Predictors = one.Donors[j].Predictors[4:5]
	}
	if _, err := SyntheticControl(one); err != nil {
		t.Errorf("one predictor: %v", err)
	}

	// A donor identical to the treated unit: weight 1, zero pre RMSPE, and a
	// finite placebo ratio.
	twin := in
	twin.V = nil
	twin.Placebo = true
	twin.Donors = append(append([]SynthUnit(nil), in.Donors...), SynthUnit{Unit: "Twin", Outcome: in.Treated.Outcome, Predictors: in.Treated.Predictors})
	e, err := SyntheticControl(twin)
	if err != nil {
		t.Fatal(err)
	}
	if w := e.Weights[len(e.Weights)-1]; math.Abs(w.Weight-1) > 1e-9 || e.PreRMSPE > 1e-9 {
		t.Errorf("twin weight %v, pre RMSPE %v", w.Weight, e.PreRMSPE)
	}
}
