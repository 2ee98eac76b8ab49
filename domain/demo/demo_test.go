package demo

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/supplyeval/supplyeval/domain"
)

var (
	defaultOnce  sync.Once
	defaultW     World
	defaultWErr  error
	coverageOnce sync.Once
	coverageWs   []World
)

// defaultWorld returns the default world, generated once per test binary.
func defaultWorld(tb testing.TB) World {
	tb.Helper()
	defaultOnce.Do(func() { defaultW, defaultWErr = Generate(Config{}) })
	if defaultWErr != nil {
		tb.Fatalf("Generate(default): %v", defaultWErr)
	}
	return defaultW
}

// coverageWorlds returns ten seeded variants, generated once.
func coverageWorlds(tb testing.TB) []World {
	tb.Helper()
	coverageOnce.Do(func() {
		for _, cfg := range CoverageConfigs(10) {
			w, err := Generate(cfg)
			if err != nil {
				tb.Fatalf("Generate(%+v): %v", cfg, err)
			}
			coverageWs = append(coverageWs, w)
		}
	})
	return coverageWs
}

func TestGenerateIsDeterministic(t *testing.T) {
	a := defaultWorld(t)
	b, err := Generate(Config{From: DefaultFrom, To: DefaultTo})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(a, b) {
		t.Fatal("two worlds generated from the same config differ")
	}
	c, err := Generate(Config{Seed: 42})
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Steps) != len(a.Steps) {
		t.Fatalf("seed 42 gives %d steps, seed 0 %d: the structure must not depend on the seed", len(c.Steps), len(a.Steps))
	}
	for i := range a.Steps {
		if a.Steps[i].CommandID != c.Steps[i].CommandID {
			t.Fatalf("step %d: command ID %s with seed 0, %s with seed 42", i, a.Steps[i].CommandID, c.Steps[i].CommandID)
		}
	}
	if !reflect.DeepEqual(a.Truth, c.Truth) || !reflect.DeepEqual(a.Displacements, c.Displacements) {
		t.Error("the truth depends on the seed")
	}
	sa, _ := a.SeriesOf(PortIncidents, "NLRTM")
	sc, _ := c.SeriesOf(PortIncidents, "NLRTM")
	if reflect.DeepEqual(sa.Values, sc.Values) {
		t.Error("seeds 0 and 42 give the same values")
	}
}

// TestGoldenValues pins a few values so that a change to the generator (or
// to the random streams) that alters the default world is noticed: the
// evaluation tests' tolerances were set on it.
func TestGoldenValues(t *testing.T) {
	w := defaultWorld(t)
	for _, g := range []struct {
		indicator, region string
		period            int
		want              float64
	}{
		{PortIncidents, "NLRTM", 0, 42},
		{CocainePrice, "DEA1", 102, 74.51},
		{Population, "NL", 0, 16_730_000},
	} {
		s, ok := w.SeriesOf(g.indicator, g.region)
		if !ok {
			t.Fatalf("no series %s/%s", g.indicator, g.region)
		}
		if s.Values[g.period] != g.want {
			t.Errorf("%s/%s[%s] = %v, want %v", g.indicator, g.region, s.Periods[g.period], s.Values[g.period], g.want)
		}
	}
}

func TestEveryCommandIsValid(t *testing.T) {
	for i, s := range defaultWorld(t).Steps {
		if err := s.Command.Validate(); err != nil {
			t.Errorf("step %d (%s): %v", i, s.CommandID, err)
		}
	}
}

func TestCommandIDsAreUniqueAndStable(t *testing.T) {
	seen := map[string]int{}
	for i, s := range defaultWorld(t).Steps {
		if !strings.HasPrefix(s.CommandID, "demo-") || len(s.CommandID) > 128 {
			t.Errorf("step %d: command ID %q must start with demo- and be at most 128 bytes", i, s.CommandID)
		}
		if j, dup := seen[s.CommandID]; dup {
			t.Errorf("steps %d and %d share command ID %s", j, i, s.CommandID)
		}
		seen[s.CommandID] = i
	}
}

func TestStepsRespectDependencies(t *testing.T) {
	regions := map[string]domain.RegionLevel{}
	indicators := map[string]domain.Granularity{}
	type opState struct {
		start    time.Time
		launched bool
		ended    bool
	}
	ops := map[string]*opState{}
	links := map[string]bool{}
	mustRegion := func(step int, field, code string) {
		if _, ok := regions[code]; !ok {
			t.Errorf("step %d: %s %q is not defined before", step, field, code)
		}
	}
	for i, s := range defaultWorld(t).Steps {
		switch c := s.Command.(type) {
		case domain.DefineRegion:
			if _, dup := regions[c.Code]; dup {
				t.Errorf("step %d: region %s defined twice", i, c.Code)
			}
			if c.Parent != "" {
				mustRegion(i, "parent", c.Parent)
				want := map[domain.RegionLevel]domain.RegionLevel{domain.RegionLevelNuts2: domain.RegionLevelCountry, domain.RegionLevelPort: domain.RegionLevelNuts2}[c.Level]
				if regions[c.Parent] != want {
					t.Errorf("step %d: %s (%s) has parent %s of level %s, want %s", i, c.Code, c.Level, c.Parent, regions[c.Parent], want)
				}
			}
			regions[c.Code] = c.Level
		case domain.LinkRegions:
			mustRegion(i, "a", c.A)
			mustRegion(i, "b", c.B)
			if c.A >= c.B {
				t.Errorf("step %d: link %s-%s is not in canonical order", i, c.A, c.B)
			}
			key := c.A + "|" + c.B + "|" + string(c.Kind)
			if links[key] {
				t.Errorf("step %d: link %s twice", i, key)
			}
			links[key] = true
		case domain.DefineIndicator:
			indicators[c.Code] = c.Granularity
		case domain.RecordObservations:
			if _, ok := indicators[c.Indicator]; !ok {
				t.Errorf("step %d: indicator %s is not defined before", i, c.Indicator)
			}
			if len(c.Rows) > MaxBatchRows {
				t.Errorf("step %d: %d rows, more than %d", i, len(c.Rows), MaxBatchRows)
			}
			for _, r := range c.Rows {
				mustRegion(i, "rows.region", r.Region)
			}
		case domain.LaunchOperation:
			for _, r := range c.Regions {
				mustRegion(i, "regions", r)
			}
			start, _ := domain.ParseDate(c.Start)
			ops[c.ID] = &opState{start: start, launched: true}
		case domain.ReportOperationOutputs:
			o := ops[c.ID]
			if o == nil {
				t.Errorf("step %d: outputs of %s before its launch", i, c.ID)
				continue
			}
			p, _ := domain.ParsePeriod(domain.Month, c.Period)
			if !p.Add(1).Start().After(o.start) {
				t.Errorf("step %d: outputs of %s for %s end before its start", i, c.ID, c.Period)
			}
			if o.ended {
				t.Errorf("step %d: outputs of %s after its conclusion", i, c.ID)
			}
		case domain.ConcludeOperation:
			o := ops[c.ID]
			if o == nil {
				t.Errorf("step %d: conclusion of %s before its launch", i, c.ID)
				continue
			}
			end, _ := domain.ParseDate(c.End)
			if end.Before(o.start) {
				t.Errorf("step %d: %s ends before it starts", i, c.ID)
			}
			o.ended = true
		case domain.AdoptPolicyChange:
			for _, r := range c.Jurisdictions {
				mustRegion(i, "jurisdictions", r)
			}
			if c.Effective < c.Adopted {
				t.Errorf("step %d: %s takes effect before its adoption", i, c.ID)
			}
		case domain.DefineRegionBoundary:
			mustRegion(i, "region", c.Region)
		default:
			t.Errorf("step %d: unexpected command %T", i, c)
		}
	}
}

func TestObservationsAreWellFormed(t *testing.T) {
	w := defaultWorld(t)
	defs := map[string]domain.DefineIndicator{}
	counts := map[string]bool{CocaineSeizures: true, PortIncidents: true, ActiveGroups: true, DrugViolence: true, PortCorruption: true, Population: true}
	seen := map[string]bool{}
	for _, s := range w.Steps {
		switch c := s.Command.(type) {
		case domain.DefineIndicator:
			defs[c.Code] = c
		case domain.RecordObservations:
			g := defs[c.Indicator].Granularity
			for _, r := range c.Rows {
				p, err := domain.ParsePeriod(g, r.Period)
				if err != nil {
					t.Fatalf("%s/%s: %v", c.Indicator, r.Region, err)
				}
				if p.String() != r.Period {
					t.Errorf("%s/%s: period %q is not canonical (%s)", c.Indicator, r.Region, r.Period, p)
				}
				key := c.Indicator + "|" + r.Region + "|" + r.Period
				if seen[key] {
					t.Errorf("observation %s recorded twice", key)
				}
				seen[key] = true
				v := r.Value
				switch {
				case math.IsNaN(v) || math.IsInf(v, 0):
					t.Fatalf("%s: value %v", key, v)
				case counts[c.Indicator] && (v < 0 || v != math.Trunc(v)):
					t.Fatalf("%s: count %v is not a non-negative integer", key, v)
				case !counts[c.Indicator] && v <= 0:
					t.Fatalf("%s: value %v is not positive", key, v)
				case c.Indicator == CocainePurity && v >= 100:
					t.Fatalf("%s: purity %v%%", key, v)
				}
			}
		}
	}
	// Every series covers every month of the range.
	for _, s := range w.Series {
		if len(s.Values) != len(s.Periods) || s.Periods[0] != DefaultFrom || s.Periods[len(s.Periods)-1] != DefaultTo {
			t.Errorf("%s/%s covers %s..%s with %d values", s.Indicator, s.Region, s.Periods[0], s.Periods[len(s.Periods)-1], len(s.Values))
		}
	}
}

func TestCountsAreModest(t *testing.T) {
	regions, indicators, observations, interventions := defaultWorld(t).Counts()
	t.Logf("regions %d, indicators %d, observations %d, interventions %d", regions, indicators, observations, interventions)
	if regions < 30 || regions > 45 {
		t.Errorf("%d regions, want 30-45", regions)
	}
	if indicators < 8 || indicators > 11 {
		t.Errorf("%d indicators, want 8-11 (10 and the staggered programme's)", indicators)
	}
	if observations < 20_000 || observations > 150_000 {
		t.Errorf("%d observations, want 20,000-150,000", observations)
	}
	if interventions < 8 {
		t.Errorf("%d interventions, want at least 8", interventions)
	}
}

func TestInterventionsCoverClassificationsAndKinds(t *testing.T) {
	classes := map[domain.Classification][]string{}
	kinds := map[domain.OperationKind]bool{}
	running := 0
	concluded := map[string]bool{}
	var launched []string
	for _, s := range defaultWorld(t).Steps {
		switch c := s.Command.(type) {
		case domain.LaunchOperation:
			classes[c.Classification] = append(classes[c.Classification], c.ID)
			kinds[c.Kind] = true
			launched = append(launched, c.ID)
		case domain.ConcludeOperation:
			concluded[c.ID] = true
		}
	}
	for _, id := range launched {
		if !concluded[id] {
			running++
		}
	}
	if len(classes[domain.ClassificationRestricted]) != 1 || len(classes[domain.ClassificationConfidential]) != 1 {
		t.Errorf("want one RESTRICTED and one CONFIDENTIAL operation, got %v", classes)
	}
	for _, k := range []domain.OperationKind{domain.OperationKindPortControl, domain.OperationKindHighValueTargeting, domain.OperationKindLabDismantling, domain.OperationKindFinancialInvestigation, domain.OperationKindJointInvestigation} {
		if !kinds[k] {
			t.Errorf("no %s operation", k)
		}
	}
	if running != 1 {
		t.Errorf("%d operations still running at the end of the data, want 1", running)
	}
}

func TestBufferTablesMatchTheLinkGraph(t *testing.T) {
	w := defaultWorld(t)
	for _, d := range w.Displacements {
		if d.Intervention == AntwerpHighValue && !reflect.DeepEqual(d.Buffer, sorted(antwerpBuffer)) {
			t.Errorf("Antwerp's NUTS 2 neighbours are %v, antwerpBuffer says %v", d.Buffer, antwerpBuffer)
		}
	}
}

// TestTruthMatchesTheSeries checks the truth against the expected values
// the series were generated from: the effect acts exactly in its window
// and regions, and comparison regions are untouched.
func TestTruthMatchesTheSeries(t *testing.T) {
	w := defaultWorld(t)
	dates := interventionDates(w)
	if len(w.Truth) == 0 {
		t.Fatal("no truth")
	}
	nonNull := 0
	for _, e := range w.Truth {
		name := e.Intervention + "/" + e.Indicator
		date, ok := dates[e.Intervention]
		if !ok {
			t.Errorf("%s: intervention not in the steps", name)
			continue
		}
		if want := domain.FirstPeriodFrom(domain.Month, date).String(); e.From != want {
			t.Errorf("%s: From %s, want %s (first period on or after %s)", name, e.From, want, date.Format(domain.DateLayout))
		}
		if len(e.Comparison) < 5 {
			t.Errorf("%s: only %d comparison regions", name, len(e.Comparison))
		}
		for _, c := range e.Comparison {
			if slices.Contains(e.Regions, c) {
				t.Errorf("%s: %s is both affected and comparison", name, c)
			}
		}
		if !e.Null() {
			nonNull++
		}
		for _, r := range e.Regions {
			s, ok := w.SeriesOf(e.Indicator, r)
			if !ok {
				t.Fatalf("%s: no series for %s", name, r)
			}
			from, until := slices.Index(s.Periods, e.From), slices.Index(s.Periods, e.Until)
			for i := range s.Mean {
				want := 1.0
				got := s.Mean[i] / s.Baseline[i]
				if e.Scale == Additive {
					want, got = 0, s.Mean[i]-s.Baseline[i]
				}
				if i >= from && i <= until {
					if e.Scale == Additive {
						want = e.Value + e.SlopeChange*float64(i-from)
					} else {
						want = e.Value
					}
				} else if i > until {
					continue // another effect may follow a null window
				}
				if math.Abs(got-want) > 1e-9 {
					t.Fatalf("%s in %s at %s: effect %v, want %v", name, r, s.Periods[i], got, want)
				}
			}
		}
		for _, c := range e.Comparison {
			s, ok := w.SeriesOf(e.Indicator, c)
			if !ok {
				t.Fatalf("%s: comparison %s has no series", name, c)
			}
			until := slices.Index(s.Periods, e.Until)
			for i := 0; i <= until; i++ {
				if s.Mean[i] != s.Baseline[i] {
					t.Fatalf("%s: comparison %s is affected at %s", name, c, s.Periods[i])
				}
			}
		}
	}
	if nonNull < 8 {
		t.Errorf("%d non-null effects, want at least 8", nonNull)
	}
}

// interventionDates returns each intervention's start or effective date
// as the steps record it.
func interventionDates(w World) map[string]time.Time {
	out := map[string]time.Time{}
	for _, s := range w.Steps {
		switch c := s.Command.(type) {
		case domain.LaunchOperation:
			out[c.ID], _ = domain.ParseDate(c.Start)
		case domain.AdoptPolicyChange:
			out[c.ID], _ = domain.ParseDate(c.Effective)
		}
	}
	return out
}

// windowEstimate is the effect an analyst would read from the generated
// values: the change in the affected regions from the 12 months before
// From to the months from From (up to 12), against the same change in the
// comparison regions. The windows hold the same calendar months, so the
// season cancels; the common trend cancels against the comparison. Rate
// ratios are estimated on the log scale.
func windowEstimate(w World, e InjectedEffect, values func(Series) []float64) float64 {
	s0, _ := w.SeriesOf(e.Indicator, e.Regions[0])
	from := slices.Index(s0.Periods, e.From)
	n := min(12, slices.Index(s0.Periods, e.Until)-from+1)
	total := func(regions []string, start int) float64 {
		sum := 0.0
		for _, r := range regions {
			s, _ := w.SeriesOf(e.Indicator, r)
			for _, v := range values(s)[start : start+n] {
				sum += v
			}
		}
		return sum
	}
	ta, tb := total(e.Regions, from), total(e.Regions, from-12)
	ca, cb := total(e.Comparison, from), total(e.Comparison, from-12)
	if e.Scale == RateRatio {
		return math.Log(ta/tb) - math.Log(ca/cb)
	}
	nt, nc := float64(n*len(e.Regions)), float64(n*len(e.Comparison))
	return (ta-tb)/nt - (ca-cb)/nc
}

func TestInjectedEffectsAreVisibleInTheValues(t *testing.T) {
	worlds := coverageWorlds(t)
	observed := func(s Series) []float64 { return s.Values }
	expected := func(s Series) []float64 { return s.Mean }
	for k, e := range worlds[0].Truth {
		name := e.Intervention + "/" + e.Indicator + "/" + string(e.Role)
		est := make([]float64, len(worlds))
		for i, w := range worlds {
			est[i] = windowEstimate(w, w.Truth[k], observed)
		}
		mean, se := meanSE(est)
		// What the estimator targets in expectation, and the injected value
		// on the same scale (with the average slope change over the window).
		target := windowEstimate(worlds[0], e, expected)
		truth, null := e.Value, 0.0
		if e.Scale == RateRatio {
			truth = math.Log(e.Value)
		} else if e.SlopeChange != 0 {
			s, _ := worlds[0].SeriesOf(e.Indicator, e.Regions[0])
			n := min(12, slices.Index(s.Periods, e.Until)-slices.Index(s.Periods, e.From)+1)
			truth += e.SlopeChange * float64(n-1) / 2
		}
		t.Logf("%-55s truth %8.3f  expected %8.3f  observed %8.3f (se %.3f)", name, truth, target, mean, se)
		if tol := 0.01 * math.Max(1, math.Abs(truth)); math.Abs(target-truth) > tol {
			t.Errorf("%s: the noise-free estimate is %.4f, the truth %.4f", name, target, truth)
		}
		if math.Abs(mean-truth) > 4*se+0.01 {
			t.Errorf("%s: observed %.3f (se %.3f) over %d seeds, truth %.3f", name, mean, se, len(worlds), truth)
		}
		if !e.Null() && math.Abs(truth-null) < 4*se {
			t.Errorf("%s: the effect %.3f is not visible against noise of se %.3f", name, truth, se)
		}
	}
}

func meanSE(xs []float64) (mean, se float64) {
	for _, x := range xs {
		mean += x
	}
	mean /= float64(len(xs))
	ss := 0.0
	for _, x := range xs {
		ss += (x - mean) * (x - mean)
	}
	return mean, math.Sqrt(ss / float64(len(xs)-1) / float64(len(xs)))
}

func TestDisplacementTruth(t *testing.T) {
	w := defaultWorld(t)
	byID := map[string]InjectedDisplacement{}
	for _, d := range w.Displacements {
		byID[d.Intervention] = d
	}
	rtm := byID[RotterdamPortControl]
	if !reflect.DeepEqual(rtm.Buffer, []string{"BEANR", "DEHAM"}) || !reflect.DeepEqual(rtm.Displaced, []string{"BEANR"}) {
		t.Errorf("Rotterdam: buffer %v, displaced %v", rtm.Buffer, rtm.Displaced)
	}
	if !slices.Contains(rtm.Control, "ESALG") || slices.Contains(rtm.Control, "BEANR") {
		t.Errorf("Rotterdam: control %v must hold the far port ESALG and not Antwerp", rtm.Control)
	}
	// Ports share their trend and season, so the expected WDQ is exactly
	// (1.20-1)*34 / ((0.65-1)*30) from the 2012 rates of Antwerp and Rotterdam.
	if want := (1.20 - 1) * 34 / ((0.65 - 1) * 30); !rtm.Expected.WDQReadable || math.Abs(rtm.Expected.WDQ-want) > 1e-9 {
		t.Errorf("Rotterdam: expected WDQ %v (readable %v), want %v", rtm.Expected.WDQ, rtm.Expected.WDQReadable, want)
	}
	if rtm.Expected.WDQ <= -1 || rtm.Expected.WDQ >= 0 || rtm.Expected.TotalNetEffect <= 0 {
		t.Errorf("Rotterdam: want -1 < WDQ < 0 and a positive net effect, got %+v", rtm.Expected)
	}
	hvt := byID[AntwerpHighValue]
	if hvt.Expected.WDQReadable || hvt.Expected.Success <= 0 || hvt.Expected.Buffer <= 0 || hvt.Expected.TotalNetEffect >= 0 {
		t.Errorf("Antwerp: want a fragmentation pattern (success > 0, buffer > 0, TNE < 0, WDQ not read), got %+v", hvt.Expected)
	}
	null := byID[BrabantLabs]
	if null.Expected.WDQReadable || math.Abs(null.Expected.Success) > 1e-3 || math.Abs(null.Expected.Buffer) > 1e-3 {
		t.Errorf("Brabant: want no effect and no displacement, got %+v", null.Expected)
	}
	for _, d := range w.Displacements {
		m, err := w.ExpectedDisplacement(d.Indicator, d.Target, d.Buffer, d.Control, d.Before, d.After)
		if err != nil {
			t.Fatalf("%s: %v", d.Intervention, err)
		}
		if m.Success != d.Expected.Success || m.Buffer != d.Expected.Buffer || m.TotalNetEffect != d.Expected.TotalNetEffect || m.WDD != d.Expected.WDD {
			t.Errorf("%s: ExpectedDisplacement %+v, truth %+v", d.Intervention, m, d.Expected)
		}
	}
}

func TestObservedWDQNearTheTruth(t *testing.T) {
	worlds := coverageWorlds(t)
	var wdq []float64
	for _, w := range worlds {
		d := w.Displacements[0]
		if d.Intervention != RotterdamPortControl {
			t.Fatalf("first displacement is %s", d.Intervention)
		}
		sum := func(regions []string, win Window) float64 {
			total := 0.0
			for _, r := range regions {
				s, _ := w.SeriesOf(d.Indicator, r)
				for _, v := range s.Values[slices.Index(s.Periods, win.From) : slices.Index(s.Periods, win.To)+1] {
					total += v
				}
			}
			return total
		}
		rb, ra := sum(d.Target, d.Before), sum(d.Target, d.After)
		db, da := sum(d.Buffer, d.Before), sum(d.Buffer, d.After)
		cb, ca := sum(d.Control, d.Before), sum(d.Control, d.After)
		wdq = append(wdq, (da/ca-db/cb)/(ra/ca-rb/cb))
	}
	mean, se := meanSE(wdq)
	want := worlds[0].Displacements[0].Expected.WDQ
	t.Logf("observed WDQ %.3f (se %.3f), expected %.3f", mean, se, want)
	if math.Abs(mean-want) > 4*se+0.05 {
		t.Errorf("observed WDQ %.3f (se %.3f), expected %.3f", mean, se, want)
	}
}

func TestExpectedDisplacementRefusesBadInput(t *testing.T) {
	w := defaultWorld(t)
	win := Window{"2017-01", "2017-12"}
	for _, c := range []struct {
		name                    string
		indicator               string
		target, buffer, control []string
		before                  Window
		field                   string
	}{
		{"unknown indicator", "NOPE", []string{"NLRTM"}, []string{"BEANR"}, []string{"ESALG"}, win, "indicator"},
		{"region without series", PortIncidents, []string{"NL33"}, []string{"BEANR"}, []string{"ESALG"}, win, "target"},
		{"empty control", PortIncidents, []string{"NLRTM"}, []string{"BEANR"}, nil, win, "control"},
		{"window outside the data", PortIncidents, []string{"NLRTM"}, []string{"BEANR"}, []string{"ESALG"}, Window{"2001-01", "2001-12"}, "before"},
	} {
		_, err := w.ExpectedDisplacement(c.indicator, c.target, c.buffer, c.control, c.before, Window{"2018-01", "2018-12"})
		var de *domain.Error
		if !errors.As(err, &de) || de.Code != domain.BadInput || de.Field != c.field {
			t.Errorf("%s: error %v, want BAD_INPUT on %s", c.name, err, c.field)
		}
	}
}

func TestConfigValidate(t *testing.T) {
	for _, c := range []struct {
		cfg    Config
		fields []string
	}{
		{Config{}, nil},
		{Config{From: "2008-01", To: "2030-12"}, nil},
		{Config{From: "2012-1"}, []string{"from"}},
		{Config{From: "2012-01", To: "2024"}, []string{"to"}},
		{Config{From: "2007-12"}, []string{"from"}},
		{Config{From: "2015-01"}, []string{"from"}},
		{Config{To: "2024-06"}, []string{"to"}},
		{Config{To: "2031-01"}, []string{"to"}},
		{Config{From: "2016-01", To: "2020-01"}, []string{"from", "to"}},
	} {
		err := c.cfg.Validate()
		var got []string
		for _, e := range unjoin(err) {
			var de *domain.Error
			if !errors.As(e, &de) || de.Code != domain.BadInput {
				t.Errorf("%+v: error %v is not BAD_INPUT", c.cfg, e)
				continue
			}
			got = append(got, de.Field)
		}
		if !slices.Equal(got, c.fields) {
			t.Errorf("%+v: errors on %v (%v), want %v", c.cfg, got, err, c.fields)
		}
		if _, gerr := Generate(c.cfg); (gerr == nil) != (err == nil) {
			t.Errorf("%+v: Generate error %v, Validate error %v", c.cfg, gerr, err)
		}
	}
}

func unjoin(err error) []error {
	if err == nil {
		return nil
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

func TestLongerRangeKeepsTheModel(t *testing.T) {
	w, err := Generate(Config{From: "2010-01", To: "2026-06"})
	if err != nil {
		t.Fatal(err)
	}
	d := defaultWorld(t)
	for _, s := range d.Series {
		l, ok := w.SeriesOf(s.Indicator, s.Region)
		if !ok {
			t.Fatalf("no %s/%s in the longer world", s.Indicator, s.Region)
		}
		off := slices.Index(l.Periods, s.Periods[0])
		for i := range s.Mean {
			if math.Abs(l.Mean[off+i]-s.Mean[i]) > 1e-6*math.Max(1, s.Mean[i]) {
				t.Fatalf("%s/%s at %s: mean %v in the longer world, %v by default", s.Indicator, s.Region, s.Periods[i], l.Mean[off+i], s.Mean[i])
			}
		}
	}
	if !reflect.DeepEqual(stripTruth(w.Truth, "2026-06"), stripTruth(d.Truth, "2024-12")) {
		t.Error("the truth changes with the range beyond its windows")
	}
}

// stripTruth drops what depends on the range: lasting effects' Until.
func stripTruth(truth []InjectedEffect, last string) []InjectedEffect {
	out := slices.Clone(truth)
	for i := range out {
		if out[i].Until == last {
			out[i].Until = ""
		}
	}
	return out
}

func TestCoverageConfigs(t *testing.T) {
	cfgs := CoverageConfigs(3)
	if len(cfgs) != 3 || cfgs[0].Seed == cfgs[1].Seed || cfgs[0].Seed == 0 {
		t.Fatalf("CoverageConfigs(3) = %+v", cfgs)
	}
	worlds := coverageWorlds(t)
	for _, w := range worlds[1:] {
		if !reflect.DeepEqual(w.Truth, worlds[0].Truth) {
			t.Fatal("coverage worlds differ in their truth")
		}
	}
}

// TestTheCommandServiceAcceptsTheWorld drives the real command service
// with every step, then again: the first run records everything, the
// second nothing.
func TestTheCommandServiceAcceptsTheWorld(t *testing.T) {
	w := defaultWorld(t)
	log := newMemLog()
	clock := time.Date(2025, 1, 15, 9, 0, 0, 0, time.UTC)
	svc, err := domain.NewService(domain.ServiceConfig{Log: log, Now: func() time.Time { return clock }})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for i, s := range w.Steps {
		res, err := svc.Handle(ctx, domain.Envelope{Principal: domain.System("demo"), CommandID: s.CommandID}, s.Command)
		if err != nil {
			t.Fatalf("step %d (%s): %v", i, s.CommandID, err)
		}
		if res.Duplicate || res.Events == 0 {
			t.Fatalf("step %d (%s): recorded nothing (%+v)", i, s.CommandID, res)
		}
	}
	recorded := log.events()
	if recorded != len(w.Steps) {
		t.Errorf("%d events for %d steps", recorded, len(w.Steps))
	}
	for i, s := range w.Steps {
		res, err := svc.Handle(ctx, domain.Envelope{Principal: domain.System("demo"), CommandID: s.CommandID}, s.Command)
		if err != nil || !res.Duplicate {
			t.Fatalf("second run, step %d (%s): %+v, %v", i, s.CommandID, res, err)
		}
	}
	if log.events() != recorded {
		t.Errorf("the second run recorded %d more events", log.events()-recorded)
	}
}

// TestDocTableMatchesTheTruth keeps the truth table of doc.go in step with
// Truth: every entry must appear there as a row.
func TestDocTableMatchesTheTruth(t *testing.T) {
	doc, err := os.ReadFile("doc.go")
	if err != nil {
		t.Fatal(err)
	}
	w := defaultWorld(t)
	rows := 0
	for _, line := range strings.Split(string(doc), "\n") {
		if strings.HasPrefix(line, "//\t    ") && strings.Contains(line, "..") && !strings.Contains(line, "From..Until") {
			rows++
		}
	}
	if rows != len(w.Truth) {
		t.Errorf("doc.go has %d truth rows, Truth has %d entries", rows, len(w.Truth))
	}
	for _, e := range w.Truth {
		if row := docRow(e); !strings.Contains(string(doc), row) {
			t.Errorf("doc.go lacks the row\n%s", row)
		}
	}
}

// docRow formats a truth entry as a row of the table in doc.go.
func docRow(e InjectedEffect) string {
	var v string
	switch {
	case e.Scale == RateRatio && e.Null():
		v = "RR 1 (null)"
	case e.Scale == RateRatio:
		v = fmt.Sprintf("RR %.2f", e.Value)
	case e.Null():
		v = "+0 (null)"
	default:
		v = fmt.Sprintf("%+g", e.Value)
		if e.SlopeChange != 0 {
			v += fmt.Sprintf(", slope %+g", e.SlopeChange)
		}
	}
	until := e.Until
	if until == DefaultTo {
		until = "end"
	}
	role := ""
	if e.Role == RoleBuffer {
		role = "buffer"
	}
	return strings.TrimRight(fmt.Sprintf("//\t    %-16s %-6s %-24s %-22s %s..%s", e.Indicator, role, strings.Join(e.Regions, " "), v, e.From, until), " ")
}

func TestLookups(t *testing.T) {
	w := defaultWorld(t)
	if _, ok := w.SeriesOf(PortIncidents, "NL33"); ok {
		t.Error("NL33 has a PORT_INCIDENTS series; ports only")
	}
	if s, ok := w.SeriesOf(Population, "DE"); !ok || s.Values[0] != 80_328_000 {
		t.Errorf("POPULATION/DE: %v, %v", ok, s.Values)
	}
	got := w.Effects(RotterdamPortControl, PortIncidents)
	if len(got) != 2 || got[0].Role != RoleTarget || got[1].Role != RoleBuffer {
		t.Errorf("Effects(Rotterdam, PORT_INCIDENTS) = %+v", got)
	}
	if len(w.Effects(DutchResourcing, EnforcementCost)) != 5 {
		t.Error("want one cost entry per Dutch region")
	}
	if len(w.Effects("nope", PortIncidents)) != 0 {
		t.Error("effects of an unknown intervention")
	}
}

func BenchmarkGenerate(b *testing.B) {
	for b.Loop() {
		if _, err := Generate(Config{}); err != nil {
			b.Fatal(err)
		}
	}
}
