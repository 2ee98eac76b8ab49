package displacement

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/supplyeval/supplyeval/domain"
)

var (
	seizures = Indicator{Code: "SEIZURES", Name: "cocaine seizures", Unit: "seizures", Direction: domain.DirectionDown}
	year23   = Window{Periods: []string{"2023"}}
	year24   = Window{Periods: []string{"2024"}}
)

// TestAnalysePublishedExample runs the Lancashire counts (Guerette 2009,
// appendix D; Wheeler & Ratcliffe 2018) through the whole analysis, one
// region per role, with the buffer across a border.
func TestAnalysePublishedExample(t *testing.T) {
	g := lowCountries(t)
	data := Table{
		"NL1": {"2023": 207, "2024": 110},
		"NL3": {"2023": 308, "2024": 318},
		"BE1": {"2023": 178, "2024": 157},
		"DE1": {"2023": 150, "2024": 140},
	}
	r, err := Analyse(Input{
		Intervention: "operation Harbour Sweep",
		Indicator:    seizures,
		Areas:        Areas{Target: []string{"NL1"}, Buffer: []string{"BE1"}, Control: []string{"NL3"}, BufferControl: []string{"DE1"}},
		Before:       year23, After: year24,
		Data: data, Graph: g, AsOf: "42",
	})
	if err != nil {
		t.Fatal(err)
	}
	assertFinite(t, r)
	checkNear(t, "WDQ", deref(t, "WDQ", r.WDQ.Quotient), 0.2582, 0.00005)
	checkNear(t, "TNE", deref(t, "TNE", r.WDQ.TotalNetEffect), 130.5, 1e-9)
	if r.WDD == nil {
		t.Fatalf("no WDD: %s", r.WDDNote)
	}
	checkNear(t, "WDD", r.WDD.Estimate, -118, 1e-9)
	checkNear(t, "SE", r.WDD.SE, math.Sqrt(1568), 1e-9)
	if r.WDD.SharedControl || r.Inputs.SharedControl {
		t.Error("a separate buffer control was given")
	}
	if r.Inputs.AsOf != "42" || !slices.Equal(r.Inputs.BufferControl, []string{"DE1"}) {
		t.Errorf("inputs %+v", r.Inputs)
	}

	// Breakdown: regions with roles and countries; the Belgian buffer is
	// marked as across the border.
	want := []RegionChange{
		{Region: "NL1", Name: "Rotterdam area", Country: "NL", Role: RoleTarget, Before: 207, After: 110, Change: -97},
		{Region: "BE1", Name: "Antwerp area", Country: "BE", Role: RoleBuffer, Before: 178, After: 157, Change: -21, CrossBorder: true},
		{Region: "NL3", Name: "Utrecht", Country: "NL", Role: RoleControl, Before: 308, After: 318, Change: 10},
		{Region: "DE1", Name: "Kleve", Country: "DE", Role: RoleBufferControl, Before: 150, After: 140, Change: -10, CrossBorder: true},
	}
	if !slices.Equal(r.Regions, want) {
		t.Errorf("regions\n got %+v\nwant %+v", r.Regions, want)
	}
	if len(r.Countries) != 4 || r.Countries[1].Country != "BE" || !r.Countries[1].CrossBorder {
		t.Errorf("countries %+v", r.Countries)
	}
	if len(r.Roles) != 4 || r.Roles[0].Change != -97 {
		t.Errorf("roles %+v", r.Roles)
	}

	for _, s := range []string{
		"After operation Harbour Sweep (2023 compared with 2024), cocaine seizures in the target region (Rotterdam area) fell from 207 to 110 (-47%)",
		"in the control region (Utrecht) the count rose from 308 to 318 (+3.2%)",
		"In the buffer (across the border in BE: Antwerp area) the count fell from 178 to 157 (-12%)",
		"WDQ = 0.26, which reads as diffusion of benefits",
		"total net effect is TNE = 130.5: 130.5 seizures fewer than the control's trend predicts, a change in the desired direction",
		"WDD = -118 (95% interval -195.6 to -40.4; z = -2.98, p = 0.003): 118 seizures fewer than the controls' changes predict, -107 in the target and -11 in the buffer",
		"evidence of a net change in the desired direction",
	} {
		if !strings.Contains(r.Explanation, s) {
			t.Errorf("explanation lacks %q:\n%s", s, r.Explanation)
		}
	}
	if len(r.Assumptions) < 3 || r.Method != Method {
		t.Errorf("assumptions %v", r.Assumptions)
	}
}

// TestAnalyseBriefingExample builds the briefing sentence of the brief:
// seizures fall in the target port, rise in a port across the border, by
// less than the fall: displacement smaller than the direct effect.
func TestAnalyseBriefingExample(t *testing.T) {
	g := lowCountries(t)
	months := func(y string) Window {
		w, err := NewWindow(domain.Month, y+"-01", y+"-12")
		if err != nil {
			t.Fatal(err)
		}
		return w
	}
	before, after := months("2023"), months("2024")
	data := Table{}
	put := func(region string, perMonthBefore, perMonthAfter float64) {
		data[region] = map[string]float64{}
		for _, p := range before.Periods {
			data[region][p] = perMonthBefore
		}
		for _, p := range after.Periods {
			data[region][p] = perMonthAfter
		}
	}
	put("RTM", 10, 5)  // target: 120 -> 60
	put("ANR", 10, 12) // buffer: 120 -> 144
	put("GDN", 10, 10) // control: flat
	put("HAM", 10, 10) // other buffer, flat
	areas, err := g.CompleteAreas(Areas{Target: []string{"RTM"}}, AreaOptions{Buffer: NeighbourhoodOptions{Kinds: []domain.LinkKind{domain.LinkKindSeaRoute}}})
	if err != nil {
		t.Fatal(err)
	}
	r, err := Analyse(Input{Intervention: "operation X", Indicator: seizures, Areas: areas, Before: before, After: after, Data: data, Graph: g})
	if err != nil {
		t.Fatal(err)
	}
	// Buffer 240 -> 264; success = 60/120 - 120/120 = -0.5; buffer measure
	// = 264/120 - 240/120 = 0.2; WDQ = -0.4.
	checkNear(t, "WDQ", deref(t, "WDQ", r.WDQ.Quotient), -0.4, 1e-12)
	if r.WDQ.Category != DisplacementSmaller {
		t.Errorf("category %s", r.WDQ.Category)
	}
	for _, s := range []string{
		"in the target region (Port of Rotterdam) fell from 120 to 60 (-50%)",
		"In the buffer (across the border in BE: Port of Antwerp; across the border in DE: Port of Hamburg) the count rose from 240 to 264 (+10%)",
		"WDQ = -0.40, which reads as displacement smaller than the direct effect",
		"2023-01 to 2023-12 compared with 2024-01 to 2024-12",
	} {
		if !strings.Contains(r.Explanation, s) {
			t.Errorf("explanation lacks %q:\n%s", s, r.Explanation)
		}
	}
	// The buffer is compared with the control itself (shared) and the two
	// buffer ports are weighed against one control port: size weights.
	if !r.Inputs.SharedControl || r.WDD == nil || r.WDD.Weights.BufferControl != 0.5 || r.WDD.Weights.Control != 1 {
		t.Fatalf("shared %v WDD %+v", r.Inputs.SharedControl, r.WDD)
	}
	// local (60-120) - (120-120) = -60; displacement (264-240) - 2*(120-120) = 24.
	checkNear(t, "WDD", r.WDD.Estimate, -36, 1e-9)
	checkNear(t, "SE", r.WDD.SE, math.Sqrt(120+60+240+264+9*(120+120)), 1e-9)
	if !slices.Contains(r.Inputs.Derived, RoleBuffer) || !strings.Contains(strings.Join(r.Assumptions, " "), "chosen from the region graph") {
		t.Errorf("derived roles not reported: %v", r.Assumptions)
	}
}

func TestAnalyseMissingData(t *testing.T) {
	g := lowCountries(t)
	data := Table{
		"NL1": {"2023": 50, "2024": 30},
		"NL2": {"2023": 40, "2024": 45},
		"BE1": {"2023": 40, "2024": 41},
		"BE2": {"2023": 60, "2024": 60},
		"NL3": {"2023": 70}, // no 2024
		"DE1": {"2023": 20, "2024": 22},
	}
	areas, err := g.CompleteAreas(Areas{Target: []string{"NL1"}}, AreaOptions{})
	if err != nil {
		t.Fatal(err)
	}
	r, err := Analyse(Input{Indicator: seizures, Areas: areas, Before: year23, After: year24, Data: data, Graph: g})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Inputs.Dropped) != 1 || r.Inputs.Dropped[0].Region != "NL3" || !strings.Contains(r.Inputs.Dropped[0].Reason, "2024 (after)") {
		t.Errorf("dropped %+v", r.Inputs.Dropped)
	}
	if !slices.Equal(r.Inputs.Control, []string{"BE2", "DE1"}) {
		t.Errorf("control %v", r.Inputs.Control)
	}
	if !strings.Contains(strings.Join(r.Diagnostics, "\n"), "left out for want of data: NL3") {
		t.Errorf("diagnostics %v", r.Diagnostics)
	}

	// The same region named by the analyst is an error naming it.
	_, err = Analyse(Input{Indicator: seizures, Areas: Areas{Target: []string{"NL1"}, Buffer: []string{"NL2"}, Control: []string{"BE2", "NL3"}},
		Before: year23, After: year24, Data: data, Graph: g})
	wantBadInput(t, err, "control[1]", "NL3", "2024 (after)")

	// A derived role left empty is an error.
	_, err = Analyse(Input{Indicator: seizures, Areas: Areas{Target: []string{"NL1"}, Buffer: []string{"NL2"}, Control: []string{"NL3"}, Derived: []Role{RoleControl}},
		Before: year23, After: year24, Data: data, Graph: g})
	wantBadInput(t, err, "control", "no control region")
}

func TestAnalyseBadInput(t *testing.T) {
	g := lowCountries(t)
	areas := Areas{Target: []string{"NL1"}, Buffer: []string{"NL2"}, Control: []string{"NL3"}}
	data := Table{"NL1": {"2023": 5, "2024": 3}, "NL2": {"2023": 5, "2024": 3}, "NL3": {"2023": 5, "2024": -3}}
	for _, tc := range []struct {
		name  string
		in    Input
		field string
	}{
		{"no direction", Input{Indicator: Indicator{Name: "context", Direction: domain.DirectionNone}, Areas: areas, Before: year23, After: year24, Data: data}, "indicator.direction"},
		{"bad scale", Input{Indicator: Indicator{Direction: domain.DirectionDown, Scale: "RATIO"}, Areas: areas, Before: year23, After: year24, Data: data}, "indicator.scale"},
		{"no data", Input{Indicator: seizures, Areas: areas, Before: year23, After: year24}, "data"},
		{"empty window", Input{Indicator: seizures, Areas: areas, After: year24, Data: data}, "before.periods"},
		{"overlapping windows", Input{Indicator: seizures, Areas: areas, Before: year23, After: Window{Periods: []string{"2024", "2023"}}, Data: data}, "after.periods[1]"},
		{"negative value", Input{Indicator: seizures, Areas: areas, Before: year23, After: year24, Data: data, Graph: g}, "control[0]"},
		{"unknown region", Input{Indicator: seizures, Areas: Areas{Target: []string{"NL1"}, Buffer: []string{"NL2"}, Control: []string{"XX"}}, Before: year23, After: year24, Data: data, Graph: g}, "control[0]"},
		{"missing exposure", Input{Indicator: seizures, Areas: areas, Before: year23, After: year24,
			Data:     Table{"NL1": {"2023": 5, "2024": 3}, "NL2": {"2023": 5, "2024": 3}, "NL3": {"2023": 5, "2024": 3}},
			Exposure: map[string]float64{"NL1": 1, "NL2": 2}}, "exposure[NL3]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Analyse(tc.in)
			wantBadInput(t, err, tc.field)
		})
	}
}

// TestAnalyseWeights: windows of different lengths and regions of
// different sizes reach the WDD as Wheeler's time and size weights.
func TestAnalyseWeights(t *testing.T) {
	before, _ := NewWindow(domain.Quarter, "2022-Q1", "2023-Q4") // 8 quarters
	after, _ := NewWindow(domain.Quarter, "2024-Q1", "2024-Q4")  // 4 quarters
	data := Table{}
	fill := func(region string, b, a float64) {
		data[region] = map[string]float64{}
		for _, p := range before.Periods {
			data[region][p] = b
		}
		for _, p := range after.Periods {
			data[region][p] = a
		}
	}
	fill("T", 10, 6)
	fill("D", 5, 6)
	fill("C1", 10, 10)
	fill("C2", 20, 18)
	in := Input{Indicator: seizures, Areas: Areas{Target: []string{"T"}, Buffer: []string{"D"}, Control: []string{"C1", "C2"}},
		Before: before, After: after, Data: data}
	r, err := Analyse(in)
	if err != nil {
		t.Fatal(err)
	}
	// Totals: T 80 -> 24, D 40 -> 24, C 240 -> 112. Two controls for one
	// target: control weight 2; before weight 8/4 = 2.
	w := r.WDD.Weights
	if w.Before != 2 || w.After != 1 || w.Control != 2 || w.BufferControl != 2 || w.Target != 1 || w.Buffer != 1 {
		t.Fatalf("weights %+v", w)
	}
	want, err := WeightedDisplacementDifference(WDDInput{
		Counts: WDDCounts{TargetBefore: 80, TargetAfter: 24, ControlBefore: 240, ControlAfter: 112,
			BufferBefore: 40, BufferAfter: 24},
		Weights: WDDWeights{Before: 2, Control: 2, BufferControl: 2}, SharedControl: true, Direction: domain.DirectionDown,
	})
	if err != nil {
		t.Fatal(err)
	}
	checkNear(t, "WDD", r.WDD.Estimate, want.Estimate, 1e-12)
	checkNear(t, "SE", r.WDD.SE, want.SE, 1e-12)
	// By hand: local (24 - 40) - (112 - 120)/2 = -12; displacement
	// (24 - 20) - (112 - 120)/2 = 8.
	checkNear(t, "WDD by hand", r.WDD.Estimate, -4, 1e-12)
	diag := strings.Join(r.Diagnostics, "\n")
	if !strings.Contains(diag, "the before window has 8 periods and the after window 4") {
		t.Errorf("diagnostics %s", diag)
	}

	// Exposures replace the region count.
	in.Exposure = map[string]float64{"T": 2, "D": 1, "C1": 3, "C2": 5}
	r, err = Analyse(in)
	if err != nil {
		t.Fatal(err)
	}
	if w := r.WDD.Weights; w.Control != 4 || w.BufferControl != 8 {
		t.Errorf("exposure weights %+v", w)
	}
}

// TestAnalyseLevelUp: a retail price meant to go UP, averaged, with no WDD.
func TestAnalyseLevelUp(t *testing.T) {
	price := Indicator{Code: "PRICE_COC", Name: "cocaine retail price", Unit: "EUR/g", Direction: domain.DirectionUp, Scale: Level}
	data := Table{
		"T1": {"2023": 50, "2024": 72},
		"T2": {"2023": 50, "2024": 68}, // target mean 50 -> 70
		"D1": {"2023": 50, "2024": 40},
		"C1": {"2023": 60, "2024": 60},
		"C2": {"2023": 40, "2024": 40}, // control mean 50 -> 50
	}
	r, err := Analyse(Input{Intervention: "operation Y", Indicator: price,
		Areas:  Areas{Target: []string{"T1", "T2"}, Buffer: []string{"D1"}, Control: []string{"C1", "C2"}},
		Before: year23, After: year24, Data: data})
	if err != nil {
		t.Fatal(err)
	}
	assertFinite(t, r)
	checkNear(t, "WDQ", deref(t, "WDQ", r.WDQ.Quotient), -0.5, 1e-12)
	checkNear(t, "target mean after", r.Roles[0].After, 70, 1e-12)
	if r.WDD != nil || !strings.Contains(r.WDDNote, "counts") {
		t.Errorf("WDD %+v note %q", r.WDD, r.WDDNote)
	}
	all := strings.Join(r.Assumptions, " ")
	for _, s := range []string{"sign-flipped", "mean per period"} {
		if !strings.Contains(all, s) {
			t.Errorf("assumptions lack %q: %s", s, all)
		}
	}
	if !strings.Contains(r.Explanation, "(mean per period)") || !strings.Contains(r.Explanation, "is not computed: the WDD's Poisson variance holds for counts") {
		t.Errorf("explanation: %s", r.Explanation)
	}
}

func TestAnalyseNotInterpretable(t *testing.T) {
	data := Table{"T": {"2023": 5, "2024": 9}, "D": {"2023": 5, "2024": 3}, "C": {"2023": 0, "2024": 0}}
	r, err := Analyse(Input{Indicator: seizures, Areas: Areas{Target: []string{"T"}, Buffer: []string{"D"}, Control: []string{"C"}},
		Before: year23, After: year24, Data: data})
	if err != nil {
		t.Fatal(err)
	}
	assertFinite(t, r)
	if r.WDQ.Category != NotInterpretable || !strings.Contains(r.Explanation, "cannot be read: the control recorded nothing before") {
		t.Errorf("explanation: %s", r.Explanation)
	}
	if !strings.Contains(strings.Join(r.Diagnostics, " "), "small counts") {
		t.Errorf("diagnostics %v", r.Diagnostics)
	}

	// Everything zero: no WDQ, no WDD, still an explanation and no NaN.
	data = Table{"T": {"2023": 0, "2024": 0}, "D": {"2023": 0, "2024": 0}, "C": {"2023": 0, "2024": 0}}
	r, err = Analyse(Input{Indicator: seizures, Areas: Areas{Target: []string{"T"}, Buffer: []string{"D"}, Control: []string{"C"}},
		Before: year23, After: year24, Data: data})
	if err != nil {
		t.Fatal(err)
	}
	assertFinite(t, r)
	if r.WDD != nil || !strings.Contains(r.WDDNote, "all counts are zero") {
		t.Errorf("WDD %+v note %q", r.WDD, r.WDDNote)
	}
}

// TestAnalysePropertyFinite: random data, zeros included, never yields a
// NaN or infinity anywhere in a result.
func TestAnalysePropertyFinite(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	regions := []string{"T1", "T2", "D1", "D2", "C1", "C2", "E1"}
	for i := 0; i < 2000; i++ {
		data := Table{}
		for _, r := range regions {
			data[r] = map[string]float64{}
			for _, p := range []string{"a", "b", "c", "d"} {
				v := 0.0
				if rng.IntN(3) > 0 {
					v = float64(rng.IntN(40))
				}
				data[r][p] = v
			}
		}
		in := Input{
			Indicator: seizures,
			Areas:     Areas{Target: []string{"T1", "T2"}, Buffer: []string{"D1", "D2"}, Control: []string{"C1", "C2"}},
			Before:    Window{Periods: []string{"a", "b", "c"}}, After: Window{Periods: []string{"d"}},
			Data: data,
		}
		switch i % 3 {
		case 1:
			in.Areas.BufferControl = []string{"E1"}
		case 2:
			in.Indicator = Indicator{Name: "price", Direction: domain.DirectionUp, Scale: Level}
		}
		r, err := Analyse(in)
		if err != nil {
			t.Fatal(err)
		}
		assertFinite(t, r)
		checkCategory(t, r.WDQ)
		if r.Explanation == "" || strings.Contains(r.Explanation, "NaN") || strings.Contains(r.Explanation, "Inf") {
			t.Fatalf("explanation %q", r.Explanation)
		}
	}
}

func TestNewWindow(t *testing.T) {
	w, err := NewWindow(domain.Quarter, "2023-Q3", "2024-Q2")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(w.Periods, []string{"2023-Q3", "2023-Q4", "2024-Q1", "2024-Q2"}) || w.label() != "2023-Q3 to 2024-Q2" {
		t.Errorf("%+v", w)
	}
	_, err = NewWindow(domain.Month, "2024-13", "2024-12")
	wantBadInput(t, err, "from")
	_, err = NewWindow(domain.Month, "2024-05", "2024-01")
	wantBadInput(t, err, "to", "before")
}
