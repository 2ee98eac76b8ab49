package impact

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"sync/atomic"
	"testing"
	"time"
)

// factorModel is a panel's data-generating process, a one-factor model:
// unit j has level a_j and loading l_j on a common AR(1) factor f (rho
// 0.5, innovations sd 1), plus iid noise of sd 1. Each treated unit's level
// and loading are the mean of two comparison units', so that a synthetic
// control can reproduce it.
type factorModel struct {
	a, l   []float64 // treated units first
	nTreat int
}

func newFactorModel(rng *rand.Rand, treated, comparison int) factorModel {
	m := factorModel{nTreat: treated, a: make([]float64, treated+comparison), l: make([]float64, treated+comparison)}
	for j := treated; j < len(m.a); j++ {
		m.a[j], m.l[j] = 50+5*rng.NormFloat64(), 1+0.5*rng.NormFloat64()
	}
	for i := 0; i < treated; i++ {
		j, k := treated+rng.IntN(comparison), treated+rng.IntN(comparison)
		m.a[i], m.l[i] = (m.a[j]+m.a[k])/2, (m.l[j]+m.l[k])/2
	}
	return m
}

// draw simulates n periods of the model's units (new factor and noise).
func (m factorModel) draw(rng *rand.Rand, n int) (tr, co []Series) {
	f := make([]float64, n)
	x := rng.NormFloat64() / math.Sqrt(1-0.25)
	for t := range f {
		x = 0.5*x + rng.NormFloat64()
		f[t] = x
	}
	for j := range m.a {
		v := make([]float64, n)
		for t := range v {
			v[t] = m.a[j] + m.l[j]*f[t] + rng.NormFloat64()
		}
		if j < m.nTreat {
			tr = append(tr, Series{Unit: fmt.Sprintf("t%d", j), Periods: labels(n), Values: v})
		} else {
			co = append(co, Series{Unit: fmt.Sprintf("c%d", j-m.nTreat), Periods: labels(n), Values: v})
		}
	}
	return tr, co
}

// factorPanel draws n periods of a new factor model.
func factorPanel(rng *rand.Rand, treated, comparison, n int) (tr, co []Series) {
	return newFactorModel(rng, treated, comparison).draw(rng, n)
}

// panelPowerInput is the power analysis of a 12-period evaluation of the
// simulated panel by method.
func panelPowerInput(tr, co []Series, h int, m Method) PowerInput {
	in := PowerInput{Series: tr[0], Horizon: h, Method: m, Comparison: co}
	if m == MethodDiD {
		in.Treated = tr
	}
	return in
}

// synthEvaluation runs the synthetic control as the evaluation does
// (projections/evaluate: the outcome in every period before the start as
// predictors with equal weights, placebo test, conformal sets).
func synthEvaluation(y Series, donors []Series, start int) (*Result, error) {
	in := SynthInput{Periods: y.Periods, Start: start, Placebo: true, Conformal: true, V: make([]float64, start)}
	for t := 0; t < start; t++ {
		in.PredictorNames = append(in.PredictorNames, y.Periods[t])
		in.V[t] = 1
	}
	in.Treated = SynthUnit{Unit: y.Unit, Outcome: y.Values, Predictors: y.Values[:start]}
	for _, d := range donors {
		in.Donors = append(in.Donors, SynthUnit{Unit: d.Unit, Outcome: d.Values, Predictors: d.Values[:start]})
	}
	return SyntheticControl(in)
}

// injected returns the treated units with effect e added from start.
func injected(tr []Series, start int, e float64) []Series {
	inj := make([]Series, len(tr))
	for i, s := range tr {
		v := append([]float64(nil), s.Values...)
		for t := start; t < len(v); t++ {
			v[t] += e
		}
		inj[i] = Series{Unit: s.Unit, Periods: s.Periods, Values: v}
	}
	return inj
}

// evaluateInjected runs the real method on treated and comparison units
// with effect e added to the treated units from start, and reports whether
// it detects it as the evaluation would say so: DiD p < alpha in the
// direction of e, the synthetic control's interval (low, high) excluding
// zero on the side of e.
func evaluateInjected(m Method, tr, co []Series, start int, e, alpha float64) (bool, error) {
	inj := injected(tr, start, e)
	if m == MethodDiD {
		r, err := DiD(DiDInput{Treated: inj, Comparison: co, Start: start})
		if err != nil {
			return false, err
		}
		return r.Effect.HasPValue && r.Effect.PValue < alpha && r.Effect.Value*e > 0, nil
	}
	r, err := synthEvaluation(inj[0], co, start)
	if err != nil {
		return false, err
	}
	x := r.Effect
	return x.HasInterval && ((e < 0 && x.High < 0) || (e > 0 && x.Low > 0)), nil
}

func cutAll(ss []Series, from, n int) []Series {
	out := make([]Series, len(ss))
	for i, s := range ss {
		out[i] = Series{Unit: s.Unit, Periods: s.Periods[from : from+n], Values: s.Values[from : from+n]}
	}
	return out
}

// TestPanelPowerEquivariance checks what power_panel.go rests on: each
// window's threshold, from one evaluation, says whether the real method run
// on the window with the effect injected detects it. For effects 10% below
// and above each window's threshold (both directions), DiD (three treated
// units, eight comparison units) and the synthetic control (one treated
// unit, eight donors, conformal interval) are re-run on the injected
// window.
func TestPanelPowerEquivariance(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 7))
	const n, h = 60, 8
	for _, m := range []Method{MethodDiD, MethodSyntheticControl} {
		tr, co := factorPanel(rng, 3, 8, n)
		if m == MethodSyntheticControl {
			tr = tr[:1]
		}
		r, err := Power(panelPowerInput(tr, co, h, m))
		if err != nil {
			t.Fatal(err)
		}
		L := r.PrePeriods + h
		checked := 0
		for w := 0; w < r.Windows; w += 5 {
			pw := r.panel.windows[w]
			for _, dir := range []float64{-1, 1} {
				th := pw.down
				if dir > 0 {
					th = pw.up
				}
				if math.IsInf(th, 1) || th <= 0 {
					continue
				}
				for _, f := range []float64{0.9, 1.1} {
					got, err := evaluateInjected(m, cutAll(tr, w, L), cutAll(co, w, L), r.PrePeriods, dir*f*th, 0.05)
					if err != nil {
						t.Fatal(err)
					}
					if want := f > 1; got != want {
						t.Errorf("%s window %d: effect %.4g (threshold %.4g): the method detects it: %v, the threshold says %v", m, w, dir*f*th, th, got, want)
					}
					checked++
				}
			}
		}
		if checked < 8 {
			t.Fatalf("%s: only %d checks", m, checked)
		}
		t.Logf("%s: %d injected windows agree with their thresholds; MDE %.3f, size %.3f", m, checked, r.MDE, r.Size)
	}
}

// TestPanelPowerAtMDE validates the minimum detectable effect of DiD and
// the synthetic control by simulation, as TestPowerAtMDE does for ITS:
// for each of 25 simulated panels (factorModel: 25 sets of regions, 360
// periods of history each) Power reports the MDE of an evaluation over 12
// periods; then 16 fresh panels of the same regions (new factor and
// noise), as long as the placebo windows, get that MDE as a decrease of
// the treated units from the start and are evaluated. Over the 400
// evaluations the share that detects it must be 80% +/- 5%. DiD: three
// treated units and ten comparison units, CR2 clustered t test (computed
// through the balanced design, which TestDiDDesignMatchesDiD shows equal
// to DiD; every 50th evaluation is also run through DiD and must agree).
// Synthetic control: one treated unit and ten donors, the conformal
// interval for the average effect, which is what the evaluation reports
// with fewer than 20 units (every 50th evaluation is also run through
// the full evaluation, SyntheticControl with placebo and conformal sets,
// and must agree). The synthetic control's shortfall below 80% grows as
// the history shortens (about 70% with 200 periods: the windows of one
// history share most of their periods, so the MDE varies from history to
// history more than its windows show). Skipped with -short.
func TestPanelPowerAtMDE(t *testing.T) {
	if testing.Short() {
		t.Skip("simulation of 800 evaluations; run without -short")
	}
	for _, m := range []Method{MethodDiD, MethodSyntheticControl} {
		t.Run(string(m), func(t *testing.T) {
			t.Parallel()
			rng := rand.New(rand.NewPCG(15, 81))
			const histories, fresh, n, h = 25, 16, 360, 12
			treated := 3
			if m == MethodSyntheticControl {
				treated = 1
			}
			hits, total := 0, 0
			var mdeSum, sizeSum float64
			var design *didDesign
			for k := 0; k < histories; k++ {
				model := newFactorModel(rng, treated, 10)
				tr, co := model.draw(rng, n)
				r, err := Power(panelPowerInput(tr, co, h, m))
				if err != nil {
					t.Fatal(err)
				}
				if !r.Detectable || !(r.MDE > 0) {
					t.Fatalf("history %d: %+v", k, r)
				}
				mdeSum += r.MDE
				sizeSum += r.Size
				L := r.PrePeriods + h
				for j := 0; j < fresh; j++ {
					ftr, fco := model.draw(rng, L)
					inj := injected(ftr, r.PrePeriods, -r.MDE)
					var hit bool
					if m == MethodDiD {
						all := append(append([]Series(nil), inj...), fco...)
						if design == nil {
							if design, err = newDiDDesign(all, treated, r.PrePeriods); err != nil {
								t.Fatal(err)
							}
						}
						y := make([]float64, 0, len(design.xt))
						for _, s := range all {
							y = append(y, s.Values...)
						}
						coef, se, ok, err := design.estimate(y, make([]float64, len(y)))
						if err != nil || !ok {
							t.Fatal(ok, err)
						}
						c := r.tWindow(0, se, design.df)
						hit = coef < -c.down
					} else {
						donors := make([][]float64, len(fco))
						for i, d := range fco {
							donors[i] = d.Values
						}
						cr, err := Conformal(ConformalInput{Treated: inj[0].Values, Donors: donors, Start: r.PrePeriods, AverageOnly: true})
						if err != nil {
							t.Fatal(err)
						}
						hit = cr.Average.OK && cr.Average.High < 0
					}
					if total%50 == 0 {
						full, err := evaluateInjected(m, ftr, fco, r.PrePeriods, -r.MDE, 0.05)
						if err != nil {
							t.Fatal(err)
						}
						if full != hit {
							t.Errorf("%s evaluation %d: the evaluation detects the MDE: %v; the shortcut says %v", m, total, full, hit)
						}
					}
					total++
					if hit {
						hits++
					}
				}
			}
			got := float64(hits) / float64(total)
			t.Logf("%s: empirical power at the reported MDE: %.3f (%d of %d); mean MDE %.3f (noise sd 1), mean size %.3f", m, got, hits, total, mdeSum/histories, sizeSum/histories)
			if math.Abs(got-0.8) > 0.05 {
				t.Errorf("%s: empirical power %.3f at the MDE, want 0.80 +/- 0.05", m, got)
			}
		})
	}
}

// TestPanelPowerPlacebo: with windows too short for conformal inference
// (fewer than 20 periods) and 20 units or more, the synthetic control's
// significance is the placebo-test interval; at alpha 0.05 each window's
// interval is SyntheticControl's own.
func TestPanelPowerPlacebo(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 4))
	const n, h = 38, 1 // windows of 18 + 1 periods, 20 of them
	tr, co := factorPanel(rng, 1, 20, n)
	r, err := Power(panelPowerInput(tr[:1], co, h, MethodSyntheticControl))
	if err != nil {
		t.Fatal(err)
	}
	if !r.PlaceboInterval || r.PrePeriods+h >= 20 {
		t.Fatalf("placebo interval %v, window %d", r.PlaceboInterval, r.PrePeriods+h)
	}
	L := r.PrePeriods + h
	for _, w := range []int{0, r.Windows / 2, r.Windows - 1} {
		res, err := synthEvaluation(cutAll(tr, w, L)[0], cutAll(co, w, L), r.PrePeriods)
		if err != nil {
			t.Fatal(err)
		}
		pw := r.panel.windows[w]
		if !res.Effect.HasInterval {
			if !math.IsInf(pw.down, 1) {
				t.Errorf("window %d: no interval, threshold %g", w, pw.down)
			}
			continue
		}
		if math.Abs(pw.down-res.Effect.High) > 1e-9*math.Abs(res.Effect.High)+1e-12 || math.Abs(pw.up+res.Effect.Low) > 1e-9*math.Abs(res.Effect.Low)+1e-12 {
			t.Errorf("window %d: thresholds %g %g, interval %g to %g", w, pw.down, pw.up, res.Effect.Low, res.Effect.High)
		}
	}
	t.Logf("%s", r.Explanation)
	// Too few units for the placebo interval and too few periods for the
	// conformal one.
	_, err = Power(panelPowerInput(tr[:1], co[:10], h, MethodSyntheticControl))
	assertBadInput(t, err, "comparison")
}

// TestDiDDesignMatchesDiD: the shared design of balanced windows gives
// DiD's coefficient, clustered standard error and degrees of freedom on
// every window, with CR2 (one and three treated units) and CR1 (50 units).
func TestDiDDesignMatchesDiD(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 8))
	for _, c := range []struct{ treated, comparison int }{{1, 6}, {3, 8}, {2, 48}} {
		tr, co := factorPanel(rng, c.treated, c.comparison, 40)
		in := panelPowerInput(tr, co, 6, MethodDiD)
		r := &PowerResult{in: in, PrePeriods: 17, Horizon: 6, Windows: 18, Alpha: 0.05}
		all := append(cutAll(tr, 0, 23), cutAll(co, 0, 23)...)
		d, err := newDiDDesign(all, c.treated, 17)
		if err != nil {
			t.Fatal(err)
		}
		y, work := make([]float64, len(d.xt)), make([]float64, len(d.xt))
		for w := 0; w < r.Windows; w += 4 {
			win := append(cutAll(tr, w, 23), cutAll(co, w, 23)...)
			i := 0
			for _, s := range win {
				i += copy(y[i:], s.Values)
			}
			coef, se, ok, err := d.estimate(y, work)
			if err != nil || !ok {
				t.Fatal(ok, err)
			}
			res, err := DiD(DiDInput{Treated: win[:c.treated], Comparison: win[c.treated:], Start: 17})
			if err != nil {
				t.Fatal(err)
			}
			df, _ := res.Diagnostic("degrees_of_freedom")
			if !nearly(coef, res.Effect.Value) || !nearly(se, res.Effect.SE) || !nearly(d.df, df.Value) {
				t.Errorf("%v window %d: design %g (%g, df %g), DiD %g (%g, df %g)", c, w, coef, se, d.df, res.Effect.Value, res.Effect.SE, df.Value)
			}
		}
	}
}

func nearly(a, b float64) bool { return math.Abs(a-b) <= 1e-9*math.Max(math.Abs(b), 1e-9) }

func TestPanelPowerBadInput(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 2))
	tr, co := factorPanel(rng, 2, 4, 60)
	short := Series{Unit: "s", Periods: labels(50), Values: make([]float64, 50)}
	gap := Series{Unit: "g", Periods: labels(60), Values: append([]float64(nil), co[0].Values...)}
	gap.Values[3] = math.NaN()
	cases := map[string]PowerInput{
		"comparison": {Series: tr[0], Horizon: 8, Method: MethodDiD},
		"treated":    {Series: tr[0], Horizon: 8, Method: MethodSyntheticControl, Treated: tr, Comparison: co},
	}
	for field, in := range cases {
		_, err := Power(in)
		assertBadInput(t, err, field)
	}
	for _, c := range []PowerInput{
		{Series: tr[0], Horizon: 8, Method: MethodSyntheticControl, Comparison: co[:1]},
		{Series: tr[0], Horizon: 8, Method: MethodDiD, Comparison: []Series{short}},
		{Series: tr[0], Horizon: 8, Method: MethodSyntheticControl, Comparison: []Series{co[1], gap}},
	} {
		_, err := Power(c)
		assertBadInput(t, err, "comparison")
	}
}

// benchPanel is one region and 20 comparison regions over 360 months.
func benchPanel() (tr, co []Series) {
	return factorPanel(rand.New(rand.NewPCG(9, 9)), 1, 20, 360)
}

// BenchmarkPowerDiD360: power of a 12-month difference-in-differences,
// one region and 20 comparison regions, 360 months of history (175 placebo
// windows; issue 15 target for power: <= 1 s).
func BenchmarkPowerDiD360(b *testing.B) {
	tr, co := benchPanel()
	in := panelPowerInput(tr, co, 12, MethodDiD)
	cpu0 := cpuTime()
	for b.Loop() {
		if _, err := Power(in); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric((cpuTime()-cpu0).Seconds()/float64(b.N), "cpu-s/op")
}

// BenchmarkPowerSynth360: power of a 12-month synthetic control, one
// region and 20 donors, 360 months of history (175 placebo windows of 186
// periods, conformal average set in each; target <= 1 s).
func BenchmarkPowerSynth360(b *testing.B) {
	tr, co := benchPanel()
	in := panelPowerInput(tr, co, 12, MethodSyntheticControl)
	cpu0 := cpuTime()
	for b.Loop() {
		if _, err := Power(in); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric((cpuTime()-cpu0).Seconds()/float64(b.N), "cpu-s/op")
}

// BenchmarkPowerSynth360Cancel: how long the power of
// BenchmarkPowerSynth360 runs on once its context is cancelled, 100 ms
// after it started (stop-ms: from the cancel to the return). Before
// PowerContext nothing stopped it: the whole analysis ran on after its
// request's deadline.
func BenchmarkPowerSynth360Cancel(b *testing.B) {
	tr, co := benchPanel()
	in := panelPowerInput(tr, co, 12, MethodSyntheticControl)
	var stop time.Duration
	for b.Loop() {
		ctx, cancel := context.WithCancel(context.Background())
		var at atomic.Int64
		timer := time.AfterFunc(100*time.Millisecond, func() { at.Store(time.Now().UnixNano()); cancel() })
		_, err := PowerContext(ctx, in)
		timer.Stop()
		cancel()
		if !errors.Is(err, context.Canceled) {
			b.Fatalf("err %v, want context.Canceled", err)
		}
		stop += time.Since(time.Unix(0, at.Load()))
	}
	b.ReportMetric(float64(stop.Milliseconds())/float64(b.N), "stop-ms/op")
}
