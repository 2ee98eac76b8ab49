package impact

import (
	"math"
	"strconv"
	"testing"
)

// rRef reads the R reference (testdata/sicily_ref.csv) into
// model -> term -> column -> value.
func rRef(tb testing.TB) map[string]map[string]map[string]float64 {
	tb.Helper()
	h, rows := readCSV(tb, "sicily_ref.csv")
	out := map[string]map[string]map[string]float64{}
	for _, r := range rows {
		if out[r[0]] == nil {
			out[r[0]] = map[string]map[string]float64{}
		}
		m := map[string]float64{}
		for j := 2; j < len(h); j++ {
			if r[j] != "" {
				m[h[j]] = parseNum(tb, r[j])
			}
		}
		out[r[0]][r[1]] = m
	}
	return out
}

// TestITSQuasiPoissonSicily reproduces the quasi-Poisson models of Lopez
// Bernal, Cummins & Gasparrini (2017) against R's glm (testdata/sicily_ref.R).
func TestITSQuasiPoissonSicily(t *testing.T) {
	periods, aces, stdpop, start := sicily(t)
	if start != 36 || periods[start] != "2005-01" {
		t.Fatalf("start %d %s", start, periods[start])
	}
	ref := rRef(t)
	rTerm := map[string]string{"intercept": "(Intercept)", "trend": "time", "level": "smokban", "slope": "slope",
		"sin1": "s1", "sin2": "s2", "cos1": "c1", "cos2": "c2"}
	for _, c := range []struct {
		name      string
		harmonics int
		slope     bool
	}{{"level", 0, false}, {"level_harmonics", 2, false}, {"slope_harmonics", 2, true}} {
		t.Run(c.name, func(t *testing.T) {
			r, err := ITS(ITSInput{
				Series: Series{Unit: "Sicily", Periods: periods, Values: aces}, Start: start,
				Model: QuasiPoisson, Offset: stdpop, Harmonics: c.harmonics, SlopeChange: c.slope,
			})
			if err != nil {
				t.Fatal(err)
			}
			want := ref[c.name]
			if len(r.Coefficients) != len(want)-4-5 { // less dispersion, deviances, df, 5 counterfactual rows
				t.Fatalf("%d coefficients, R has %d", len(r.Coefficients), len(want)-9)
			}
			for _, co := range r.Coefficients {
				w := want[rTerm[co.Name]]
				if w == nil {
					t.Fatalf("no R term for %s", co.Name)
				}
				if !relClose(co.Estimate.Value, w["estimate"], 1e-6) {
					t.Errorf("%s: estimate %.12g, R %.12g", co.Name, co.Estimate.Value, w["estimate"])
				}
				if !relClose(co.Estimate.SE, w["se"], 1e-6) {
					t.Errorf("%s: SE %.12g, R %.12g", co.Name, co.Estimate.SE, w["se"])
				}
				if !relClose(co.Estimate.PValue, w["p"], 1e-5) {
					t.Errorf("%s: p %.12g, R %.12g", co.Name, co.Estimate.PValue, w["p"])
				}
			}
			lv := want["smokban"]
			if !relClose(r.LevelChange.Value, lv["rr"], 1e-6) || !relClose(r.LevelChange.Low, lv["rr_low_t"], 1e-6) || !relClose(r.LevelChange.High, lv["rr_high_t"], 1e-6) {
				t.Errorf("level RR %.6f (%.6f-%.6f), R %.6f (%.6f-%.6f)", r.LevelChange.Value, r.LevelChange.Low, r.LevelChange.High, lv["rr"], lv["rr_low_t"], lv["rr_high_t"])
			}
			for name, rname := range map[string]string{"dispersion": "dispersion", "deviance": "deviance", "null_deviance": "null_deviance"} {
				d, ok := r.Diagnostic(name)
				if !ok || !relClose(d.Value, want[rname]["estimate"], 1e-6) {
					t.Errorf("%s %v, R %.12g", name, d.Value, want[rname]["estimate"])
				}
			}
			if !r.Ratio {
				t.Error("quasi-Poisson result must be a ratio")
			}
			for _, i := range []int{0, 35, 36, 47, 58} {
				w := want["cf_"+strconv.Itoa(i)]
				cp := r.Counterfactual[i]
				if !relClose(cp.Expected, w["estimate"], 1e-6) || !relClose(cp.Low, w["rr_low_t"], 1e-6) || !relClose(cp.High, w["rr_high_t"], 1e-6) {
					t.Errorf("counterfactual %s: %.6f (%.6f-%.6f), R %.6f (%.6f-%.6f)", cp.Period, cp.Expected, cp.Low, cp.High, w["estimate"], w["rr_low_t"], w["rr_high_t"])
				}
			}
			t.Logf("level change RR %.4f (%.4f-%.4f), p %.2g; effect %.4f; dispersion %.3f",
				r.LevelChange.Value, r.LevelChange.Low, r.LevelChange.High, r.LevelChange.PValue, r.Effect.Value, r.Diagnostics[3].Value)
			t.Log(r.Explanation)
		})
	}
}

// smRef reads the statsmodels reference (testdata/sicily_ols_ref.csv) into
// case -> quantity -> index -> value.
func smRef(tb testing.TB) map[string]map[string]map[int]float64 {
	tb.Helper()
	_, rows := readCSV(tb, "sicily_ols_ref.csv")
	out := map[string]map[string]map[int]float64{}
	for _, r := range rows {
		if out[r[0]] == nil {
			out[r[0]] = map[string]map[int]float64{}
		}
		if out[r[0]][r[1]] == nil {
			out[r[0]][r[1]] = map[int]float64{}
		}
		i, _ := strconv.Atoi(r[2])
		out[r[0]][r[1]][i] = parseNum(tb, r[3])
	}
	return out
}

// TestITSGaussianStatsmodels checks OLS with Newey-West errors against
// statsmodels (testdata/sicily_ols_ref.py).
func TestITSGaussianStatsmodels(t *testing.T) {
	periods, aces, stdpop, start := sicily(t)
	rate := make([]float64, len(aces))
	for i := range aces {
		rate[i] = aces[i] / stdpop[i] * 1e5
	}
	ref := smRef(t)
	for _, c := range []struct {
		name      string
		slope     bool
		harmonics int
		lag       int
		small     bool
	}{{"level", false, 0, 0, false}, {"slope", true, 0, 0, false}, {"slope_h2", true, 2, 0, false}, {"slope_h2_lag6", true, 2, 6, false},
		{"level_h1_lag0", false, 1, HACWhite, false}, {"slope_h2_small", true, 2, 0, true}} {
		t.Run(c.name, func(t *testing.T) {
			r, err := ITS(ITSInput{Series: Series{Unit: "Sicily", Periods: periods, Values: rate}, Start: start,
				SlopeChange: c.slope, Harmonics: c.harmonics, HACLag: c.lag, SmallSample: c.small})
			if err != nil {
				t.Fatal(err)
			}
			w := ref[c.name]
			if lag, _ := r.Diagnostic("hac_lag"); lag.Value != w["maxlags"][0] {
				t.Errorf("HAC lag %v, statsmodels %v", lag.Value, w["maxlags"][0])
			}
			for j, co := range r.Coefficients {
				e := co.Estimate
				for q, got := range map[string]float64{"params": e.Value, "bse": e.SE, "ci_low": e.Low, "ci_high": e.High} {
					if !relClose(got, w[q][j], 1e-6) {
						t.Errorf("%s %s: %.12g, statsmodels %.12g", co.Name, q, got, w[q][j])
					}
				}
				if math.Abs(e.PValue-w["pvalues"][j]) > 1e-9+1e-6*w["pvalues"][j] {
					t.Errorf("%s p: %.12g, statsmodels %.12g", co.Name, e.PValue, w["pvalues"][j])
				}
			}
			for name, q := range map[string]string{"r2": "rsquared", "adj_r2": "rsquared_adj", "durbin_watson": "durbin_watson",
				"ljung_box_q": "ljungbox_stat", "ljung_box_p": "ljungbox_pvalue", "ljung_box_lags": "ljungbox_lags"} {
				d, _ := r.Diagnostic(name)
				if !relClose(d.Value, w[q][0], 1e-6) {
					t.Errorf("%s: %.12g, statsmodels %.12g", name, d.Value, w[q][0])
				}
			}
			for _, i := range []int{0, 35, 36, 47, 58} {
				cp := r.Counterfactual[i]
				if !relClose(cp.Expected, w["cf_mean"][i], 1e-6) || !relClose(cp.Low, w["cf_low"][i], 1e-6) || !relClose(cp.High, w["cf_high"][i], 1e-6) {
					t.Errorf("counterfactual %s: %.6f (%.6f, %.6f), statsmodels %.6f (%.6f, %.6f)", cp.Period, cp.Expected, cp.Low, cp.High, w["cf_mean"][i], w["cf_low"][i], w["cf_high"][i])
				}
			}
			t.Logf("level %.3f (%.3f, %.3f) p %.2g", r.LevelChange.Value, r.LevelChange.Low, r.LevelChange.High, r.LevelChange.PValue)
		})
	}
}

// TestNeweyWestMeatDirect checks the running-sum Newey-West meat against the
// textbook double sum on scores that are not orthogonal to the design (so
// that boundary errors cannot cancel).
func TestNeweyWestMeatDirect(t *testing.T) {
	for _, c := range []struct{ n, p, lag int }{{10, 3, 0}, {10, 3, 1}, {25, 4, 5}, {7, 2, 6}, {40, 5, 12}} {
		x := make([]float64, c.n*c.p) // column-major: x[j*n+s]
		e := make([]float64, c.n)
		for i := range x {
			x[i] = math.Sin(float64(3*i + 1))
		}
		at := func(s, j int) float64 { return x[j*c.n+s] }
		for i := range e {
			e[i] = math.Cos(float64(7*i + 2))
		}
		meat := make([]float64, c.p*c.p)
		neweyWestMeat(x, e, c.n, c.p, c.lag, make([]float64, nhacWork(c.n, c.p, c.lag)), meat, nil)
		for i := 0; i < c.p; i++ {
			for j := 0; j < c.p; j++ {
				var want float64
				for s := 0; s < c.n; s++ {
					want += e[s] * at(s, i) * e[s] * at(s, j)
				}
				for l := 1; l <= c.lag; l++ {
					w := 1 - float64(l)/float64(c.lag+1)
					for s := l; s < c.n; s++ {
						want += w * (e[s]*at(s, i)*e[s-l]*at(s-l, j) + e[s-l]*at(s-l, i)*e[s]*at(s, j))
					}
				}
				if math.Abs(meat[i*c.p+j]-want) > 1e-12*(1+math.Abs(want)) {
					t.Fatalf("%+v S[%d,%d] = %.15g, direct %.15g", c, i, j, meat[i*c.p+j], want)
				}
			}
		}
	}
}

// TestITSNoCounterfactual: leaving the counterfactual out changes nothing
// else, the relative effect and the pre-period RMSPE included.
func TestITSNoCounterfactual(t *testing.T) {
	periods, aces, stdpop, start := sicily(t)
	for _, in := range []ITSInput{
		{Series: Series{Unit: "Sicily", Periods: periods, Values: aces}, Start: start, Harmonics: 2, SlopeChange: true},
		{Series: Series{Unit: "Sicily", Periods: periods, Values: aces}, Start: start, Model: QuasiPoisson, Offset: stdpop, Harmonics: 2},
	} {
		full, err := ITS(in)
		if err != nil {
			t.Fatal(err)
		}
		in.NoCounterfactual = true
		lean, err := ITS(in)
		if err != nil {
			t.Fatal(err)
		}
		if lean.Counterfactual != nil || len(full.Counterfactual) != len(periods) {
			t.Fatalf("counterfactual %d points, lean %v", len(full.Counterfactual), lean.Counterfactual != nil)
		}
		if lean.Effect != full.Effect || *lean.RelativeEffect != *full.RelativeEffect || lean.PreRMSPE != full.PreRMSPE || lean.Explanation != full.Explanation {
			t.Errorf("%s: lean %+v %+v %v, full %+v %+v %v", in.Model, lean.Effect, *lean.RelativeEffect, lean.PreRMSPE, full.Effect, *full.RelativeEffect, full.PreRMSPE)
		}
	}
}

// TestITSAR1Nlme checks the Gaussian model with AR(1) errors against
// nlme::gls(correlation = corAR1(), method = "REML")
// (testdata/its_ar1_ref.R) on the Sicilian rate of acute coronary events.
func TestITSAR1Nlme(t *testing.T) {
	periods, aces, stdpop, start := sicily(t)
	rate := make([]float64, len(aces))
	for i := range aces {
		rate[i] = aces[i] / stdpop[i] * 1e5
	}
	_, rows := readCSV(t, "its_ar1_ref.csv")
	ref := map[string]map[string]float64{}
	for _, r := range rows {
		if ref[r[0]] == nil {
			ref[r[0]] = map[string]float64{}
		}
		ref[r[0]][r[1]] = parseNum(t, r[2])
	}
	rTerm := map[string]string{"intercept": "(Intercept)", "trend": "time", "level": "smokban", "slope": "slope",
		"sin1": "sin1", "sin2": "sin2", "cos1": "cos1", "cos2": "cos2"}
	for _, c := range []struct {
		name      string
		harmonics int
		slope     bool
	}{{"level", 0, false}, {"slope_harmonics", 2, true}} {
		t.Run(c.name, func(t *testing.T) {
			r, err := ITS(ITSInput{Series: Series{Unit: "Sicily", Periods: periods, Values: rate}, Start: start,
				Errors: AR1, Harmonics: c.harmonics, SlopeChange: c.slope})
			if err != nil {
				t.Fatal(err)
			}
			want := ref[c.name]
			rho, _ := r.Diagnostic("ar1_rho")
			sd, _ := r.Diagnostic("innovation_sd")
			if !relClose(rho.Value, want["phi"], 1e-6) {
				t.Errorf("rho %.10g, nlme %.10g", rho.Value, want["phi"])
			}
			if s := want["sigma"] * math.Sqrt(1-want["phi"]*want["phi"]); !relClose(sd.Value, s, 1e-6) {
				t.Errorf("innovation sd %.10g, nlme %.10g", sd.Value, s)
			}
			for _, co := range r.Coefficients {
				term := rTerm[co.Name]
				if !relClose(co.Estimate.Value, want[term+"_estimate"], 1e-6) || !relClose(co.Estimate.SE, want[term+"_se"], 1e-6) ||
					!relClose(co.Estimate.PValue, want[term+"_p"], 1e-5) {
					t.Errorf("%s: %.10g (SE %.10g, p %.6g), nlme %.10g (SE %.10g, p %.6g)", co.Name, co.Estimate.Value, co.Estimate.SE, co.Estimate.PValue,
						want[term+"_estimate"], want[term+"_se"], want[term+"_p"])
				}
			}
			t.Logf("rho %.4f, level %.2f (%.2f to %.2f)", rho.Value, r.LevelChange.Value, r.LevelChange.Low, r.LevelChange.High)
		})
	}
}

func TestITSAR1Errors(t *testing.T) {
	periods, aces, stdpop, start := sicily(t)
	s := Series{Unit: "Sicily", Periods: periods, Values: aces}
	for _, in := range []ITSInput{
		{Series: s, Start: start, Errors: AR1, Model: QuasiPoisson, Offset: stdpop},
		{Series: s, Start: start, Errors: AR1, HACLag: 3},
		{Series: s, Start: start, Errors: "ARMA"},
	} {
		if _, err := ITS(in); !isBadInput(err) {
			t.Errorf("%+v: want BadInput, got %v", in.Errors, err)
		}
	}
	// A random walk is refused: its AR(1) coefficient is at the bound.
	walk := make([]float64, 120)
	x := 0.0
	for i := range walk {
		x += math.Sin(float64(i*i)) * 3
		walk[i] = 100 + x
	}
	if _, err := ITS(ITSInput{Series: Series{Unit: "walk", Periods: labels(120), Values: walk}, Start: 60, Errors: AR1}); !isBadInput(err) {
		t.Errorf("random walk: want BadInput, got %v", err)
	}
}
