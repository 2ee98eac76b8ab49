package evaluate_test

import (
	"context"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/supplyeval/supplyeval/domain"
	"github.com/supplyeval/supplyeval/domain/demo"
	"github.com/supplyeval/supplyeval/domain/displacement"
	"github.com/supplyeval/supplyeval/projections"
	"github.com/supplyeval/supplyeval/projections/evaluate"
	"github.com/supplyeval/supplyeval/projections/projectionstest"
)

// expectedWorld records the demo world with every observation replaced by
// its expected value (demo.Series.Mean): the injected effects without
// noise, so that the measures must come out as the truth computes them.
func expectedWorld(t testing.TB) (*evaluate.Evaluator, demo.World) {
	t.Helper()
	n := projectionstest.Start(t, t.TempDir())
	t.Cleanup(n.Stop)
	w, err := demo.Generate(demo.Config{})
	if err != nil {
		t.Fatal(err)
	}
	var last uint64
	for _, s := range w.Steps {
		cmd := s.Command
		if rec, ok := cmd.(domain.RecordObservations); ok {
			rows := slices.Clone(rec.Rows)
			for i, r := range rows {
				ser, ok := w.SeriesOf(rec.Indicator, r.Region)
				j := slices.Index(ser.Periods, r.Period)
				if !ok || j < 0 {
					t.Fatalf("no expected value for %s %s %s", rec.Indicator, r.Region, r.Period)
				}
				rows[i].Value = ser.Mean[j]
			}
			rec.Rows = rows
			cmd = rec
		}
		res, err := n.Service.Handle(context.Background(), domain.Envelope{Principal: domain.System("test"), CommandID: s.CommandID}, cmd)
		if err != nil {
			t.Fatalf("%s: %v", s.CommandID, err)
		}
		last = res.Position
	}
	n.Wait(last)
	return &evaluate.Evaluator{Catalog: n.Catalog, Series: n.Series, Interventions: n.Interventions}, w
}

func truthOf(t testing.TB, w demo.World, intervention string) demo.InjectedDisplacement {
	t.Helper()
	for _, d := range w.Displacements {
		if d.Intervention == intervention {
			return d
		}
	}
	t.Fatalf("no displacement truth for %s", intervention)
	return demo.InjectedDisplacement{}
}

// checkFinite fails on any NaN or infinity among a result's numbers.
func checkFinite(t testing.TB, d *evaluate.Displacement) {
	t.Helper()
	nums := []float64{d.WDQ.GrossEffect}
	for _, p := range []*float64{d.WDQ.Quotient, d.WDQ.SuccessMeasure, d.WDQ.BufferMeasure, d.WDQ.NetEffect, d.WDQ.TotalNetEffect} {
		if p != nil {
			nums = append(nums, *p)
		}
	}
	if d.WDD != nil {
		nums = append(nums, d.WDD.Estimate, d.WDD.SE, d.WDD.Z, d.WDD.P, d.WDD.Low, d.WDD.High)
	}
	for _, r := range d.Regions {
		nums = append(nums, r.Before, r.After, r.Change)
	}
	for _, x := range nums {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			t.Fatalf("result holds %v: %+v", x, d.WDQ)
		}
	}
}

func region(d *evaluate.Displacement, code string) displacement.RegionChange {
	for _, r := range d.Regions {
		if r.Region == code {
			return r
		}
	}
	return displacement.RegionChange{}
}

func TestDisplacementOnDemoWorld(t *testing.T) {
	e, _ := demoWorld(t)
	w, err := demo.Generate(demo.Config{})
	if err != nil {
		t.Fatal(err)
	}
	truth := truthOf(t, w, demo.RotterdamPortControl)

	t.Run("rotterdam defaults", func(t *testing.T) {
		d, err := e.Displacement(evaluate.DisplacementRequest{Intervention: demo.RotterdamPortControl, Indicator: demo.PortIncidents})
		if err != nil {
			t.Fatal(err)
		}
		checkFinite(t, d)
		in := d.Inputs
		// The default control is the truth's less the ports exposed over
		// the windows to the Channel joint investigation (BEZEE and FRDKK
		// covered, FRLEH next to one), named in the explanation.
		exposed := []string{"BEZEE", "FRDKK", "FRLEH"}
		control := slices.DeleteFunc(slices.Clone(truth.Control), func(c string) bool { return slices.Contains(exposed, c) })
		if !slices.Equal(in.Target, truth.Target) || !slices.Equal(in.Buffer, truth.Buffer) || !slices.Equal(in.Control, control) {
			t.Fatalf("regions %v / %v / %v, want the truth's %v / %v / %v less %v", in.Target, in.Buffer, in.Control, truth.Target, truth.Buffer, truth.Control, exposed)
		}
		if !strings.Contains(d.Explanation, "Left out of the default control as exposed") || !strings.Contains(d.Explanation, demo.ChannelJIT) {
			t.Fatalf("exposed controls not named: %s", d.Explanation)
		}
		if in.Before.From != truth.Before.From || in.Before.To != truth.Before.To || in.After.From != truth.After.From || in.After.To != truth.After.To {
			t.Fatalf("windows %s..%s / %s..%s, want %v / %v", in.Before.From, in.Before.To, in.After.From, in.After.To, truth.Before, truth.After)
		}
		if d.WDQ.Quotient == nil || *d.WDQ.Quotient >= 0 || *d.WDQ.SuccessMeasure >= 0 {
			t.Fatalf("WDQ %+v: want a success and a negative quotient", d.WDQ)
		}
		if d.Finding != evaluate.FindingDisplacement || d.BufferTest == nil || d.BufferTest.P >= 0.01 {
			t.Fatalf("finding %s (%s), test %+v", d.Finding, d.FindingNote, d.BufferTest)
		}
		anr := region(d, "BEANR")
		if anr.Role != displacement.RoleBuffer || anr.Change <= 0 || !anr.CrossBorder || anr.Country != "BE" {
			t.Fatalf("BEANR = %+v: want a buffer region across the border, rising", anr)
		}
		if !d.CrossBorder || !strings.Contains(d.Explanation, "across the border in BE") || !strings.Contains(d.Explanation, "Finding: displacement") {
			t.Fatalf("cross-border displacement not explained: %s", d.Explanation)
		}
		if d.Scale != displacement.Count || d.WDD == nil {
			t.Fatalf("scale %s, WDD %v", d.Scale, d.WDD)
		}
	})

	t.Run("rotterdam with the displaced port as buffer", func(t *testing.T) {
		d, err := e.Displacement(evaluate.DisplacementRequest{Intervention: demo.RotterdamPortControl, Indicator: demo.PortIncidents,
			Buffer: truth.Displaced, Control: truth.Control})
		if err != nil {
			t.Fatal(err)
		}
		if d.WDQ.Category != displacement.DisplacementSmaller || d.Finding != evaluate.FindingDisplacement {
			t.Fatalf("category %s, finding %s: want displacement smaller than the effect", d.WDQ.Category, d.Finding)
		}
		if len(d.Inputs.Derived) != 0 {
			t.Fatalf("derived %v: every role was named", d.Inputs.Derived)
		}
	})

	t.Run("brabant null case", func(t *testing.T) {
		d, err := e.Displacement(evaluate.DisplacementRequest{Intervention: demo.BrabantLabs, Indicator: demo.DrugViolence})
		if err != nil {
			t.Fatal(err)
		}
		checkFinite(t, d)
		if d.Finding == evaluate.FindingDisplacement || d.BufferTest == nil || d.BufferTest.P < 0.05 {
			t.Fatalf("null case reported as %s (%s)", d.Finding, d.FindingNote)
		}
		if !slices.Contains(d.Assumptions, "Exposure: each region's POPULATION at 2015-09 (the end of the before window) is its size in the WDD.") {
			t.Fatalf("population exposure not used: %q", d.Assumptions)
		}
	})

	t.Run("level indicator and a country's jurisdiction", func(t *testing.T) {
		d, err := e.Displacement(evaluate.DisplacementRequest{Intervention: demo.GermanPrecursors, Indicator: demo.CocainePrice})
		if err != nil {
			t.Fatal(err)
		}
		checkFinite(t, d)
		if d.Scale != displacement.Level || d.WDD != nil || d.BufferTest != nil || len(d.Inputs.Target) != 5 {
			t.Fatalf("scale %s, WDD %v, targets %v", d.Scale, d.WDD, d.Inputs.Target)
		}
		if d.Finding == evaluate.FindingDisplacement || d.Finding == evaluate.FindingDiffusion {
			t.Fatalf("untested level reported as %s", d.Finding)
		}
	})

	t.Run("scan", func(t *testing.T) {
		s, err := e.Scan(demo.RotterdamPortControl, 0, 0.05)
		if err != nil {
			t.Fatal(err)
		}
		if len(s.Rows) < 2 || s.Rows[0].Indicator != demo.PortIncidents || !s.Rows[0].Discovery || s.Discoveries != 1 {
			t.Fatalf("scan rows %+v", s.Rows)
		}
		for _, r := range s.Rows {
			if r.Adjusted < r.P {
				t.Fatalf("%s: adjusted %g below raw %g", r.Indicator, r.Adjusted, r.P)
			}
		}
		var skipped []string
		for _, x := range s.Skipped {
			skipped = append(skipped, x.Indicator)
		}
		if !slices.Contains(skipped, demo.CocainePrice) || slices.Contains(skipped, demo.CocaineSeizures) {
			t.Fatalf("skipped %v: levels are listed, indicators without direction are not eligible", skipped)
		}
		null, err := e.Scan(demo.BrabantLabs, 0, 0)
		if err != nil {
			t.Fatal(err)
		}
		if null.Discoveries != 0 {
			t.Fatalf("null case scan found %+v", null.Rows)
		}
	})

	t.Run("fragmentation", func(t *testing.T) {
		f, err := e.Fragmentation(demo.AntwerpHighValue, 0, 0)
		if err != nil {
			t.Fatal(err)
		}
		var be21 []string
		var violence bool
		for _, r := range f.Rows {
			if r.Region == "BE21" && r.Flag {
				be21 = append(be21, r.Indicator)
			}
			if r.Region == "BE21" && r.Indicator == demo.DrugViolence {
				violence = r.Role == displacement.RoleTarget && r.Excess > 0
			}
		}
		if !slices.Contains(be21, demo.ActiveGroups) || !violence {
			t.Fatalf("BE21 flagged for %v (violence above expected: %v): %s", be21, violence, f.Explanation)
		}
		if f.Inputs.After.From != "2021-04" {
			t.Fatalf("after window %+v", f.Inputs.After)
		}
		for _, id := range []string{demo.RotterdamPortControl, demo.GermanPrecursors} {
			if _, err := e.Fragmentation(id, 0, 0); domain.ErrorCode(err) != domain.BadInput || !strings.Contains(err.Error(), "HIGH_VALUE") && !strings.Contains(err.Error(), "policy change") {
				t.Fatalf("fragmentation after %s: %v", id, err)
			}
		}
	})
}

func TestDisplacementRecoversTruthOnExpectedCounts(t *testing.T) {
	e, w := expectedWorld(t)
	truth := truthOf(t, w, demo.RotterdamPortControl)
	// The truth's control, named: the default leaves out the ports exposed
	// to the Channel joint investigation.
	d, err := e.Displacement(evaluate.DisplacementRequest{Intervention: demo.RotterdamPortControl, Indicator: demo.PortIncidents, Control: truth.Control})
	if err != nil {
		t.Fatal(err)
	}
	want := truth.Expected
	if d.WDQ.Quotient == nil || math.Abs(*d.WDQ.Quotient-want.WDQ) > 1e-9 || math.Abs(*d.WDQ.Quotient+0.648) > 0.001 {
		t.Fatalf("WDQ %v, want %g", d.WDQ.Quotient, want.WDQ)
	}
	if math.Abs(*d.WDQ.TotalNetEffect-want.TotalNetEffect) > 1e-6 || math.Abs(*d.WDQ.SuccessMeasure-want.Success) > 1e-12 {
		t.Fatalf("TNE %g success %g, want %g %g", *d.WDQ.TotalNetEffect, *d.WDQ.SuccessMeasure, want.TotalNetEffect, want.Success)
	}
	if d.WDQ.Category != displacement.DisplacementSmaller || d.Finding != evaluate.FindingDisplacement {
		t.Fatalf("category %s finding %s", d.WDQ.Category, d.Finding)
	}

	f, err := e.Fragmentation(demo.AntwerpHighValue, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	flagged := map[string]bool{}
	for _, r := range f.Rows {
		if r.Flag {
			flagged[r.Indicator+"@"+r.Region] = true
		}
	}
	if !flagged[demo.DrugViolence+"@BE21"] || !flagged[demo.ActiveGroups+"@BE21"] {
		t.Fatalf("flagged %v: want violence and active groups in BE21", flagged)
	}

	null, err := e.Displacement(evaluate.DisplacementRequest{Intervention: demo.BrabantLabs, Indicator: demo.DrugViolence})
	if err != nil {
		t.Fatal(err)
	}
	if null.Finding == evaluate.FindingDisplacement || math.Abs(null.BufferTest.Z) > 0.5 {
		t.Fatalf("null case: %s, buffer z %g", null.Finding, null.BufferTest.Z)
	}
}

func TestDisplacementBadInput(t *testing.T) {
	e, _ := demoWorld(t)
	base := evaluate.DisplacementRequest{Intervention: demo.RotterdamPortControl, Indicator: demo.PortIncidents}
	with := func(f func(*evaluate.DisplacementRequest)) evaluate.DisplacementRequest {
		r := base
		f(&r)
		return r
	}
	rng := func(from, to string) *evaluate.PeriodRange { return &evaluate.PeriodRange{From: from, To: to} }
	cases := []struct {
		name  string
		req   evaluate.DisplacementRequest
		code  domain.Code
		field string
	}{
		{"unknown intervention", with(func(r *evaluate.DisplacementRequest) { r.Intervention = "op-nope" }), domain.NotFound, "intervention"},
		{"unknown indicator", with(func(r *evaluate.DisplacementRequest) { r.Indicator = "NOPE" }), domain.NotFound, "indicator"},
		{"no desired direction", with(func(r *evaluate.DisplacementRequest) { r.Indicator = demo.CocaineSeizures }), domain.BadInput, "indicator"},
		{"empty target", with(func(r *evaluate.DisplacementRequest) { r.Target = []string{} }), domain.BadInput, "target"},
		{"empty control", with(func(r *evaluate.DisplacementRequest) { r.Control = []string{} }), domain.BadInput, "control"},
		{"unknown buffer region", with(func(r *evaluate.DisplacementRequest) { r.Buffer = []string{"BEANR", "XX99"} }), domain.NotFound, "buffer[1]"},
		{"region without data", with(func(r *evaluate.DisplacementRequest) { r.Target = []string{"NL33"} }), domain.BadInput, "target[0]"},
		{"target in the buffer", with(func(r *evaluate.DisplacementRequest) { r.Buffer = []string{"BEANR", "NLRTM"} }), domain.BadInput, "buffer[1]"},
		{"buffer in the control", with(func(r *evaluate.DisplacementRequest) {
			r.Buffer, r.Control = []string{"BEANR"}, []string{"FRLEH", "BEANR"}
		}), domain.BadInput, "control[1]"},
		{"repeated region", with(func(r *evaluate.DisplacementRequest) { r.Buffer = []string{"BEANR", "BEANR"} }), domain.BadInput, "buffer[1]"},
		{"period with no data", with(func(r *evaluate.DisplacementRequest) { r.Before = rng("1990-01", "1990-12") }), domain.BadInput, "before"},
		{"window past the data", with(func(r *evaluate.DisplacementRequest) { r.After = rng("2024-07", "2025-06") }), domain.BadInput, "target[0]"},
		{"window in another granularity", with(func(r *evaluate.DisplacementRequest) { r.Before = rng("2017", "2017-12") }), domain.BadInput, "before.from"},
		{"malformed period", with(func(r *evaluate.DisplacementRequest) { r.After = rng("2018-01", "2018-13") }), domain.BadInput, "after.to"},
		{"reversed range", with(func(r *evaluate.DisplacementRequest) { r.Before = rng("2017-12", "2017-01") }), domain.BadInput, "before.to"},
		{"overlapping windows", with(func(r *evaluate.DisplacementRequest) {
			r.Before, r.After = rng("2017-01", "2018-03"), rng("2018-01", "2018-12")
		}), domain.BadInput, "after.from"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d, err := e.Displacement(c.req)
			if err == nil {
				t.Fatalf("succeeded: %+v", d.WDQ)
			}
			if got := domain.ErrorCode(err); got != c.code || !strings.HasPrefix(err.Error(), c.field+": ") {
				t.Fatalf("%v (code %s), want %s naming %s", err, got, c.code, c.field)
			}
		})
	}
	if _, err := e.Scan(demo.RotterdamPortControl, 0, 1.5); domain.ErrorCode(err) != domain.BadInput || !strings.HasPrefix(err.Error(), "q: ") {
		t.Fatalf("scan q = 1.5: %v", err)
	}
	if _, err := e.Scan("op-nope", 0, 0); domain.ErrorCode(err) != domain.NotFound {
		t.Fatalf("scan of an unknown intervention: %v", err)
	}
}

func TestDisplacementAsOf(t *testing.T) {
	e, n := demoWorld(t)
	iv, ok := n.Interventions.Get(demo.RotterdamPortControl, 0)
	if !ok {
		t.Fatal("no Rotterdam operation")
	}
	// Before the operation was launched, it is not known.
	if _, err := e.Displacement(evaluate.DisplacementRequest{Intervention: demo.RotterdamPortControl, Indicator: demo.PortIncidents, AsOf: iv.Created - 1}); domain.ErrorCode(err) != domain.NotFound {
		t.Fatalf("as of before the launch: %v", err)
	}
	// Once launched but before any observation, the target has no data.
	if _, err := e.Displacement(evaluate.DisplacementRequest{Intervention: demo.RotterdamPortControl, Indicator: demo.PortIncidents, AsOf: iv.Created}); domain.ErrorCode(err) != domain.BadInput {
		t.Fatalf("as of the launch: %v", err)
	}
	head := n.Head()
	a, err := e.Displacement(evaluate.DisplacementRequest{Intervention: demo.RotterdamPortControl, Indicator: demo.PortIncidents, AsOf: head})
	if err != nil {
		t.Fatal(err)
	}
	b, err := e.Displacement(evaluate.DisplacementRequest{Intervention: demo.RotterdamPortControl, Indicator: demo.PortIncidents})
	if err != nil {
		t.Fatal(err)
	}
	if *a.WDQ.Quotient != *b.WDQ.Quotient || a.Inputs.AsOf == b.Inputs.AsOf {
		t.Fatalf("as of the head %v (%s), latest %v (%s)", *a.WDQ.Quotient, a.Inputs.AsOf, *b.WDQ.Quotient, b.Inputs.AsOf)
	}
}

func TestScaleOf(t *testing.T) {
	for s, want := range map[domain.Scale]displacement.Scale{
		domain.ScaleCount: displacement.Count, domain.ScaleLevel: displacement.Level,
		domain.ScaleRate: displacement.Level, domain.ScaleShare: displacement.Level,
	} {
		// The unit says otherwise: the stated scale decides.
		ind := projections.Indicator{IndicatorDefined: domain.IndicatorDefined{Unit: "EUR/g", Scale: s}}
		if got := evaluate.ScaleOf(ind); got != want {
			t.Errorf("ScaleOf(scale %s) = %s, want %s", s, got, want)
		}
	}
}

func TestCompareRegionsErrors(t *testing.T) {
	e, _ := demoWorld(t)
	for _, c := range []struct {
		indicator string
		regions   []string
		norm      evaluate.Normalisation
		code      domain.Code
		field     string
	}{
		{"NOPE", []string{"NL33"}, evaluate.NormaliseNone, domain.NotFound, "indicator"},
		{demo.DrugViolence, nil, evaluate.NormaliseNone, domain.BadInput, "regions"},
		{demo.DrugViolence, []string{"NL33", "XX"}, evaluate.NormaliseNone, domain.NotFound, "regions[1]"},
		{demo.DrugViolence, []string{"NL33", "NL33"}, evaluate.NormaliseNone, domain.BadInput, "regions[1]"},
		{demo.DrugViolence, []string{"NL33"}, "LOG", domain.BadInput, "normalise"},
		{demo.CocainePrice, []string{"NL33"}, evaluate.NormalisePer100k, domain.BadInput, "normalise"},
		{demo.PortIncidents, []string{"NLRTM"}, evaluate.NormalisePer100k, domain.BadInput, "regions[0]"},
		{demo.PortIncidents, []string{"NLRTM", "NL33"}, evaluate.NormaliseIndex, domain.BadInput, "regions"},
	} {
		_, err := e.CompareRegions(c.indicator, c.regions, nil, nil, c.norm, 0)
		if domain.ErrorCode(err) != c.code || err == nil || !strings.HasPrefix(err.Error(), c.field+": ") {
			t.Errorf("%s %v %s: %v, want %s naming %s", c.indicator, c.regions, c.norm, err, c.code, c.field)
		}
	}
	c, err := e.CompareRegions(demo.DrugViolence, []string{"NL33", "BE21"}, nil, nil, evaluate.NormalisePer100k, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Series) != 2 || len(c.Series[0].Points) == 0 || c.Unit != "incidents per 100,000 inhabitants" {
		t.Fatalf("comparison %+v", c)
	}
}
