package impact

import (
	"math"
	"math/rand/v2"
	"strconv"
	"testing"
)

// cardKrueger loads card_krueger.csv as one two-period series per store:
// New Jersey stores treated, Pennsylvania stores the comparison.
func cardKrueger(tb testing.TB) (nj, pa []Series) {
	tb.Helper()
	h, rows := readCSV(tb, "card_krueger.csv")
	iid, inj, id, ifte := column(tb, h, "id"), column(tb, h, "nj"), column(tb, h, "d"), column(tb, h, "fte")
	periods := []string{"1992-02", "1992-11"}
	type store struct {
		nj  bool
		fte [2]float64
	}
	stores := map[string]*store{}
	var order []string
	for _, r := range rows {
		s := stores[r[iid]]
		if s == nil {
			s = &store{nj: r[inj] == "1", fte: [2]float64{math.NaN(), math.NaN()}}
			stores[r[iid]] = s
			order = append(order, r[iid])
		}
		w, _ := strconv.Atoi(r[id])
		s.fte[w] = parseNum(tb, r[ifte])
	}
	for _, id := range order {
		s := stores[id]
		ser := Series{Unit: "store-" + id, Periods: periods, Values: []float64{s.fte[0], s.fte[1]}}
		if s.nj {
			nj = append(nj, ser)
		} else {
			pa = append(pa, ser)
		}
	}
	return nj, pa
}

// TestDiDCardKrueger checks the two-way fixed effects estimate on Card &
// Krueger's (1994) fast-food data against the 2x2 difference of means
// computed directly from the file and against the published Table 3.
func TestDiDCardKrueger(t *testing.T) {
	nj, pa := cardKrueger(t)
	if len(nj)+len(pa) != 410 {
		t.Fatalf("%d stores", len(nj)+len(pa))
	}
	r, err := DiD(DiDInput{Treated: nj, Comparison: pa, Start: 1})
	if err != nil {
		t.Fatal(err)
	}
	// 2x2 by hand on the balanced sample (stores with FTE in both waves),
	// which is what two-way fixed effects use.
	change := func(ss []Series, balanced bool) float64 {
		var b, a float64
		var nb, na int
		for _, s := range ss {
			both := !math.IsNaN(s.Values[0]) && !math.IsNaN(s.Values[1])
			if balanced && !both {
				continue
			}
			if !math.IsNaN(s.Values[0]) {
				b += s.Values[0]
				nb++
			}
			if !math.IsNaN(s.Values[1]) {
				a += s.Values[1]
				na++
			}
		}
		return a/float64(na) - b/float64(nb)
	}
	balanced := change(nj, true) - change(pa, true)
	all := change(nj, false) - change(pa, false)
	if math.Abs(r.Effect.Value-balanced) > 1e-9 {
		t.Errorf("TWFE %.10f, balanced 2x2 %.10f", r.Effect.Value, balanced)
	}
	if d, _ := r.Diagnostic("did_2x2_all_observations"); math.Abs(d.Value-all) > 1e-9 {
		t.Errorf("2x2 diagnostic %.10f, by hand %.10f", d.Value, all)
	}
	// Card & Krueger (1994) Table 3: row 3 (all stores) 2.76 (SE 1.36), row 4
	// (balanced sample) 2.75 (SE 1.34).
	if math.Abs(r.Effect.Value-2.75) > 0.05 || math.Abs(all-2.76) > 0.05 {
		t.Errorf("DiD %.3f (balanced), %.3f (all); published 2.75 and 2.76", r.Effect.Value, all)
	}
	if math.Abs(r.Effect.SE-1.34) > 0.1 {
		t.Errorf("clustered SE %.3f; published 1.34 (balanced)", r.Effect.SE)
	}
	if _, ok := r.Diagnostic("pre_trend_p"); ok {
		t.Error("a pre-trend test needs two pre periods")
	}
	t.Logf("DiD %.4f (SE %.4f, 95%% %.3f to %.3f, p %.3f); 2x2 all observations %.4f; %d stores used",
		r.Effect.Value, r.Effect.SE, r.Effect.Low, r.Effect.High, r.Effect.PValue, all, len(r.Inputs.Units)+len(r.Inputs.Comparison))
	t.Log(r.Explanation)
}

// simPanel simulates y_it = a_i + g_t + delta D_it + e_it with AR(1) errors
// within units.
func simPanel(rng *rand.Rand, nTreated, nComp, nT, start int, delta, rho float64) DiDInput {
	periods := make([]string, nT)
	for t := range periods {
		periods[t] = "P" + strconv.Itoa(t)
	}
	g := make([]float64, nT)
	for t := range g {
		g[t] = 0.3*float64(t) + rng.NormFloat64()
	}
	mk := func(i int, treated bool) Series {
		a := 5 + 2*rng.NormFloat64()
		v := make([]float64, nT)
		e := rng.NormFloat64()
		for t := range v {
			e = rho*e + math.Sqrt(1-rho*rho)*rng.NormFloat64()
			v[t] = a + g[t] + e
			if treated && t >= start {
				v[t] += delta
			}
		}
		return Series{Unit: "U" + strconv.Itoa(i), Periods: periods, Values: v}
	}
	var in DiDInput
	in.Start = start
	for i := 0; i < nTreated; i++ {
		in.Treated = append(in.Treated, mk(i, true))
	}
	for i := 0; i < nComp; i++ {
		in.Comparison = append(in.Comparison, mk(nTreated+i, false))
	}
	return in
}

// TestDiDCoverage: the 95% interval covers the injected effect in at least
// 90% of seeded replications.
func TestDiDCoverage(t *testing.T) {
	const reps, delta = 200, 1.5
	rng := rand.New(rand.NewPCG(7, 11))
	cover, preReject := 0, 0
	for i := 0; i < reps; i++ {
		r, err := DiD(simPanel(rng, 12, 24, 10, 5, delta, 0.5))
		if err != nil {
			t.Fatal(err)
		}
		if r.Effect.Low <= delta && delta <= r.Effect.High {
			cover++
		}
		if d, _ := r.Diagnostic("pre_trend_p"); d.Value < 0.05 {
			preReject++
		}
	}
	t.Logf("coverage %d/%d; pre-trend test rejected %d/%d under parallel trends", cover, reps, preReject, reps)
	if float64(cover) < 0.9*reps {
		t.Errorf("coverage %d/%d below 90%%", cover, reps)
	}
	if float64(preReject) > 0.12*reps {
		t.Errorf("pre-trend test rejects %d/%d under parallel trends", preReject, reps)
	}
}

// TestDiDPreTrendDetects: a treated-specific trend before the start is
// flagged.
func TestDiDPreTrendDetects(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	in := simPanel(rng, 12, 24, 10, 5, 1, 0)
	for _, s := range in.Treated {
		for t := range s.Values {
			s.Values[t] += 0.8 * float64(t)
		}
	}
	r, err := DiD(in)
	if err != nil {
		t.Fatal(err)
	}
	if d, _ := r.Diagnostic("pre_trend_p"); d.Value > 0.01 {
		t.Errorf("pre-trend p %.3g; want a clear rejection", d.Value)
	}
}

// TestDiDUnbalancedMatchesDummies checks the within estimator on an
// unbalanced panel against the dummy-variable regression solved with the
// normal equations.
func TestDiDUnbalancedMatchesDummies(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	in := simPanel(rng, 4, 6, 7, 3, 2, 0.3)
	// knock out some cells
	in.Treated[0].Values[1] = math.NaN()
	in.Treated[2].Values[5] = math.NaN()
	in.Comparison[1].Values[0] = math.NaN()
	in.Comparison[3].Values[6] = math.NaN()
	in.Comparison[4].Values[3] = math.NaN()
	r, err := DiD(in)
	if err != nil {
		t.Fatal(err)
	}
	want := dummyDiD(t, in)
	if math.Abs(r.Effect.Value-want) > 1e-9 {
		t.Errorf("within %.12f, dummies %.12f", r.Effect.Value, want)
	}
}

// dummyDiD solves the dummy-variable regression y ~ unit + period + D by the
// normal equations (for the test only).
func dummyDiD(tb testing.TB, in DiDInput) float64 {
	tb.Helper()
	all := append(append([]Series(nil), in.Treated...), in.Comparison...)
	nU, nT := len(all), len(all[0].Periods)
	p := nU + nT // unit dummies, period dummies 1..nT-1, D
	s := newSPD(p)
	xty := make([]float64, p)
	row := make([]float64, p)
	for u, ser := range all {
		for t, v := range ser.Values {
			if math.IsNaN(v) {
				continue
			}
			clear(row)
			row[u] = 1
			if t > 0 {
				row[nU+t-1] = 1
			}
			if u < len(in.Treated) && t >= in.Start {
				row[p-1] = 1
			}
			for i := range row {
				xty[i] += row[i] * v
				for j := i; j < p; j++ {
					s.a[i*p+j] += row[i] * row[j]
				}
			}
		}
	}
	if !s.factor() {
		tb.Fatal("singular")
	}
	s.solve(xty)
	return xty[p-1]
}
