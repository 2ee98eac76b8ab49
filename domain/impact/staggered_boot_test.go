package impact_test

import (
	"errors"
	"math"
	"math/rand/v2"
	"reflect"
	"strconv"
	"testing"

	"github.com/supplyeval/supplyeval/domain"
	"github.com/supplyeval/supplyeval/domain/impact"
)

// aggregates lists a result's aggregates by name: what the bootstrap
// gives a standard error to.
func aggregates(r *impact.StaggeredResult) map[string]impact.Aggregate {
	m := map[string]impact.Aggregate{"overall": r.Overall, "by cohort": r.ByCohort, "event-study average": r.EventAverage}
	for _, c := range r.Cohorts {
		m["cohort "+strconv.Itoa(c.Cohort)] = c.Aggregate
	}
	for _, e := range r.Event {
		m["event "+strconv.Itoa(e.Relative)] = e.Aggregate
	}
	return m
}

// TestStaggeredBootstrapAgreesWithAnalytic: on large simulated panels
// (3,000 units, so that no unit's influence dominates and the draws are
// normal), the bootstrap standard error of every aggregate estimates the
// same variance as the analytic one. With 9,999 draws the interquartile
// estimate of a normal's standard deviation has a relative Monte Carlo
// standard deviation of 1.166/sqrt(9999) = 1.2%: each must be within 5%
// of the analytic SE (4 standard deviations), and their mean ratio
// within 1.5%.
func TestStaggeredBootstrapAgreesWithAnalytic(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 3000))
	for p, control := range []string{impact.NeverTreated, impact.NotYetTreated} {
		in, _ := stagPanel(rng, 3000, 10, p == 1)
		in.Control, in.Draws, in.Seed = control, 9999, uint64(p)
		analytic, err := impact.Staggered(in)
		if err != nil {
			t.Fatal(err)
		}
		in.Inference = impact.InferenceBootstrap
		boot, err := impact.Staggered(in)
		if err != nil {
			t.Fatal(err)
		}
		a, b := aggregates(analytic), aggregates(boot)
		sum, worst, worstName := 0.0, 0.0, ""
		for name, x := range a {
			r := b[name].SE/x.SE - 1
			sum += r
			if math.Abs(r) > math.Abs(worst) {
				worst, worstName = r, name
			}
			if math.Abs(r) > 0.05 {
				t.Errorf("%s: %s: bootstrap SE %.4f, analytic %.4f (%+.1f%%)", control, name, b[name].SE, x.SE, 100*r)
			}
			if b[name].Estimate != x.Estimate {
				t.Errorf("%s: %s: estimate %v with the bootstrap, %v analytic", control, name, b[name].Estimate, x.Estimate)
			}
		}
		mean := sum / float64(len(a))
		t.Logf("%s: %d aggregates; bootstrap/analytic SE - 1: mean %+.2f%%, largest %+.2f%% (%s); critical value %.3f bootstrap, %.3f analytic",
			control, len(a), 100*mean, 100*worst, worstName, boot.Critical, analytic.Critical)
		if math.Abs(mean) > 0.015 {
			t.Errorf("%s: bootstrap SEs differ from the analytic ones by %+.2f%% on average", control, 100*mean)
		}
		if boot.AnalyticFallbacks != 0 {
			t.Errorf("%s: %d fallbacks to the analytic SE", control, boot.AnalyticFallbacks)
		}
	}
}

// TestStaggeredBootstrapCoverage checks the 95% bootstrap interval of the
// overall ATT (and of the cohort-weighted ATT) on TestStaggeredCoverage's
// simulated panels: it covers the truth in 92-98% of 400 panels (100 with
// -short, 88-100%), with both control groups, 999 draws each.
func TestStaggeredBootstrapCoverage(t *testing.T) {
	panels, lo, hi := 400, 0.92, 0.98
	if testing.Short() {
		panels, lo, hi = 100, 0.88, 1.0
	}
	for _, control := range []string{impact.NeverTreated, impact.NotYetTreated} {
		rng := rand.New(rand.NewPCG(14, 2022))
		byCohortTruth := (8 + 1.25) / 2 // see TestStaggeredCoverage
		covered, coveredByCohort := 0, 0
		for p := 0; p < panels; p++ {
			in, truth := stagPanel(rng, 150, 10, false)
			in.Control, in.Seed, in.Inference, in.Draws = control, uint64(p), impact.InferenceBootstrap, 999
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
		}
		rate, rateByCohort := float64(covered)/float64(panels), float64(coveredByCohort)/float64(panels)
		t.Logf("%s: bootstrap coverage %.3f (by cohort %.3f) over %d panels", control, rate, rateByCohort, panels)
		if rate < lo || rate > hi {
			t.Errorf("%s: the 95%% bootstrap interval covers the true ATT in %.1f%% of %d panels, want %.0f-%.0f%%", control, 100*rate, panels, 100*lo, 100*hi)
		}
		if rateByCohort < lo || rateByCohort > hi {
			t.Errorf("%s: the 95%% bootstrap interval of the cohort-weighted ATT covers the truth in %.1f%% of %d panels, want %.0f-%.0f%%", control, 100*rateByCohort, panels, 100*lo, 100*hi)
		}
	}
}

// TestStaggeredBootstrapReproducible: the same input and seed give the
// same result, to the bit; another seed other standard errors (and the
// same estimates).
func TestStaggeredBootstrapReproducible(t *testing.T) {
	in := readMPDTA(t)
	in.Control, in.Inference, in.Seed = impact.NotYetTreated, impact.InferenceBootstrap, 42
	a, err := impact.Staggered(in)
	if err != nil {
		t.Fatal(err)
	}
	b, err := impact.Staggered(in)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(a, b) {
		t.Errorf("same seed, different results:\n%+v\n%+v", a, b)
	}
	in.Seed = 43
	c, err := impact.Staggered(in)
	if err != nil {
		t.Fatal(err)
	}
	same := 0
	for name, x := range aggregates(a) {
		y := aggregates(c)[name]
		if x.Estimate != y.Estimate {
			t.Errorf("%s: estimate %v with seed 42, %v with 43", name, x.Estimate, y.Estimate)
		}
		if x.SE == y.SE {
			same++
		}
	}
	if same > 0 || a.Critical == c.Critical {
		t.Errorf("seeds 42 and 43 give %d identical standard errors, critical values %v and %v", same, a.Critical, c.Critical)
	}
}

// TestStaggeredInferenceRefusals: an unknown inference and a number of
// draws out of [99, 9999] are refused naming the field; 0 draws means
// the default 999.
func TestStaggeredInferenceRefusals(t *testing.T) {
	for _, c := range []struct {
		inference string
		draws     int
		field     string
	}{
		{"JACKKNIFE", 0, "inference"}, {"bootstrap", 0, "inference"},
		{impact.InferenceBootstrap, 98, "draws"}, {impact.InferenceBootstrap, -1, "draws"}, {impact.InferenceAnalytic, 10000, "draws"},
	} {
		in := readStaggeredPanel(t)
		in.Control, in.Inference, in.Draws = impact.NeverTreated, c.inference, c.draws
		_, err := impact.Staggered(in)
		var de *domain.Error
		if !errors.As(err, &de) || de.Field != c.field || de.Code != domain.Invalid("", "").Code {
			t.Errorf("%s with %d draws: want a refusal naming %s, got %v", c.inference, c.draws, c.field, err)
		}
		if err2 := impact.CheckInference(c.inference, c.draws); err2 == nil || err2.Error() != err.Error() {
			t.Errorf("CheckInference(%q, %d) = %v, Staggered says %v", c.inference, c.draws, err2, err)
		}
	}
	for _, draws := range []int{0, 99, 9999} {
		in := readStaggeredPanel(t)
		in.Control, in.Inference, in.Draws = impact.NeverTreated, impact.InferenceBootstrap, draws
		r, err := impact.Staggered(in)
		if err != nil {
			t.Fatalf("%d draws: %v", draws, err)
		}
		want := draws
		if draws == 0 {
			want = impact.DefaultDraws
		}
		if r.Draws != want || r.Inference != impact.InferenceBootstrap {
			t.Errorf("%d draws: result says %s with %d, want %d", draws, r.Inference, r.Draws, want)
		}
	}
}

// TestStaggeredBootstrapFallback: with one treated unit and two controls
// the influence of every aggregate sits on the two controls with equal
// and opposite values, so a draw is 0 (probability 1/2) or +-2a: for
// some seeds fewer than a quarter of the draws fall on each side and
// the interquartile range is 0. Those aggregates keep their analytic
// standard error, and the result counts them.
func TestStaggeredBootstrapFallback(t *testing.T) {
	in := impact.StaggeredInput{Y: [][]float64{{1, 5}, {2, 3}, {4, 4.5}}, Cohort: []int{1, -1, -1},
		Control: impact.NeverTreated, Inference: impact.InferenceBootstrap}
	analytic, err := impact.Staggered(impact.StaggeredInput{Y: in.Y, Cohort: in.Cohort, Control: in.Control})
	if err != nil {
		t.Fatal(err)
	}
	fell, spread := 0, 0
	for seed := uint64(1); seed <= 40; seed++ {
		in.Seed = seed
		r, err := impact.Staggered(in)
		if err != nil {
			t.Fatal(err)
		}
		// Three aggregates (overall, by cohort, the cohort) and the event
		// study's period 0 and its average: all the same estimate here.
		switch r.AnalyticFallbacks {
		case 0:
			spread++
			if r.Overall.SE == analytic.Overall.SE {
				t.Errorf("seed %d: no fallback, yet the analytic SE %v", seed, r.Overall.SE)
			}
		case len(aggregates(r)):
			fell++
			if r.Overall.SE != analytic.Overall.SE || r.Overall.SE <= 0 {
				t.Errorf("seed %d: fell back, SE %v, analytic %v", seed, r.Overall.SE, analytic.Overall.SE)
			}
		default:
			t.Errorf("seed %d: %d of %d aggregates fell back; they share one influence function", seed, r.AnalyticFallbacks, len(aggregates(r)))
		}
	}
	t.Logf("%d of 40 seeds fell back to the analytic SE", fell)
	if fell == 0 || spread == 0 {
		t.Errorf("%d seeds fell back, %d did not: the case does not test the fallback", fell, spread)
	}
}
