package displacement

import (
	"math"
	"strings"
	"testing"

	"github.com/supplyeval/supplyeval/domain"
)

var violence = Indicator{Code: "VIOLENCE", Name: "drug-related violent incidents", Unit: "incidents", Direction: domain.DirectionDown}

func TestFragmentation(t *testing.T) {
	g := lowCountries(t)
	data := Table{
		"NL1": {"2023": 20, "2024": 40}, // target: doubled against a flat control
		"NL2": {"2023": 30, "2024": 30}, // target: flat
		"BE1": {"2023": 10, "2024": 25}, // buffer across the border: up
		"BE2": {"2023": 0, "2024": 0},   // buffer: nothing at all
		"NL3": {"2023": 100, "2024": 100},
	}
	r, err := Fragmentation(FragmentationInput{
		Intervention: "operation Kingpin",
		Areas:        Areas{Target: []string{"NL1", "NL2"}, Buffer: []string{"BE1", "BE2"}, Control: []string{"NL3"}},
		Before:       year23, After: year24,
		Indicators: []FragmentationIndicator{{Indicator: violence, Data: data}},
		Graph:      g,
	})
	if err != nil {
		t.Fatal(err)
	}
	assertFinite(t, r)
	if len(r.Rows) != 4 || len(r.Totals) != 2 {
		t.Fatalf("rows %d totals %d", len(r.Rows), len(r.Totals))
	}
	rows := map[string]RegionExcess{}
	for _, row := range r.Rows {
		rows[row.Region] = row
	}
	// NL1: expected 20 x 100/100 = 20, excess 20, variance
	// 40 + 20 + 20^2 (100/100^2 + 100^2/100^3) = 68.
	a := rows["NL1"]
	checkNear(t, "NL1 expected", a.Expected, 20, 1e-12)
	checkNear(t, "NL1 excess", a.Excess, 20, 1e-12)
	checkNear(t, "NL1 SE", a.SE, math.Sqrt(68), 1e-12)
	checkNear(t, "NL1 low", a.Low, 20-z95*math.Sqrt(68), 1e-12)
	checkNear(t, "NL1 p", a.P, 0.5*math.Erfc(20/math.Sqrt(68)/math.Sqrt2), 1e-15)
	checkNear(t, "NL1 ratio", deref(t, "ratio", a.Ratio), 2, 1e-12)
	x := rows["BE1"]
	checkNear(t, "BE1 SE", x.SE, math.Sqrt(37), 1e-12)
	if !x.CrossBorder || x.Role != RoleBuffer || x.Country != "BE" {
		t.Errorf("BE1 %+v", x)
	}
	// Four tests: the two excesses survive Benjamini-Hochberg at 0.05.
	if !a.Flag || !x.Flag || rows["NL2"].Flag || rows["BE2"].Flag || r.Flagged != 2 {
		t.Errorf("flags: %+v", r.Rows)
	}
	if z := rows["BE2"]; z.SE != 0 || z.P != 1 || z.Ratio != nil {
		t.Errorf("zero region %+v", z)
	}
	checkNear(t, "target total excess", r.Totals[0].Excess, 20, 1e-12)
	checkNear(t, "buffer total excess", r.Totals[1].Excess, 15, 1e-12)
	for _, s := range []string{
		"After operation Kingpin (2023 compared with 2024), 1 indicator(s) were compared with the control's trend in 2 target regions and 2 buffer regions.",
		"Drug-related violent incidents in the target regions: 70 observed against 50 expected (+20, 95% interval -5.6 to +45.6)",
		"Flagged as a possible sign of fragmentation (false discovery rate 0.05): Rotterdam area (target, ",
		"Antwerp area, across the border in BE (buffer, drug-related violent incidents: 25 against 10 expected, 2.50 times the expected)",
	} {
		if !strings.Contains(r.Explanation, s) {
			t.Errorf("explanation lacks %q:\n%s", s, r.Explanation)
		}
	}
	if len(r.Assumptions) < 3 || r.Method != FragmentationMethod {
		t.Errorf("assumptions %v", r.Assumptions)
	}
}

// TestFragmentationTrendAndDirections: the control's trend sets the
// counterfactual; UP indicators flag shortfalls; NONE flags either way.
func TestFragmentationTrendAndDirections(t *testing.T) {
	data := Table{
		"T": {"a": 40, "b": 40},
		"D": {"a": 40, "b": 5},
		"C": {"a": 200, "b": 100},
	}
	in := FragmentationInput{
		Areas:  Areas{Target: []string{"T"}, Buffer: []string{"D"}, Control: []string{"C"}},
		Before: Window{Periods: []string{"a"}}, After: Window{Periods: []string{"b"}},
		Indicators: []FragmentationIndicator{{Indicator: violence, Data: data}},
	}
	r, err := Fragmentation(in)
	if err != nil {
		t.Fatal(err)
	}
	// k = 0.5: T expected 20, excess +20, variance
	// 40 + 40(0.25) + 1600 (100/200^2 + 100^2/200^3) = 56.
	tr := r.Rows[0]
	checkNear(t, "expected", tr.Expected, 20, 1e-12)
	checkNear(t, "SE", tr.SE, math.Sqrt(56), 1e-12)
	if !tr.Flag || r.Rows[1].Flag {
		t.Errorf("DOWN: %+v", r.Rows)
	}

	in.Indicators[0].Indicator = Indicator{Code: "SEIZED", Direction: domain.DirectionUp}
	r, err = Fragmentation(in)
	if err != nil {
		t.Fatal(err)
	}
	if r.Rows[0].Flag || !r.Rows[1].Flag {
		t.Errorf("UP flags shortfalls: %+v", r.Rows)
	}

	in.Indicators[0].Indicator = Indicator{Code: "GROUPS", Direction: domain.DirectionNone}
	r, err = Fragmentation(in)
	if err != nil {
		t.Fatal(err)
	}
	if !r.Rows[0].Flag || !r.Rows[1].Flag {
		t.Errorf("NONE flags both: %+v", r.Rows)
	}
}

func TestFragmentationBadInput(t *testing.T) {
	areas := Areas{Target: []string{"T"}, Buffer: []string{"D"}, Control: []string{"C"}}
	w0, w1 := Window{Periods: []string{"a"}}, Window{Periods: []string{"b"}}
	data := Table{"T": {"a": 1, "b": 2}, "D": {"a": 1, "b": 2}, "C": {"a": 0, "b": 2}}
	_, err := Fragmentation(FragmentationInput{Areas: areas, Before: w0, After: w1})
	wantBadInput(t, err, "indicators")
	_, err = Fragmentation(FragmentationInput{Areas: areas, Before: w0, After: w1, Indicators: []FragmentationIndicator{{Indicator: violence, Data: data}}})
	wantBadInput(t, err, "indicators[0]", "recorded no")
	_, err = Fragmentation(FragmentationInput{Areas: areas, Before: w0, After: w1, Indicators: []FragmentationIndicator{{Indicator: Indicator{Direction: domain.DirectionUp, Scale: Level}, Data: data}}})
	wantBadInput(t, err, "indicators[0].indicator.scale")
	_, err = Fragmentation(FragmentationInput{Areas: areas, Before: w0, After: w1, Indicators: []FragmentationIndicator{{Indicator: violence}}})
	wantBadInput(t, err, "indicators[0].data")
	_, err = Fragmentation(FragmentationInput{Areas: areas, Before: w0, After: w1, Q: -1, Indicators: []FragmentationIndicator{{Indicator: violence, Data: data}}})
	wantBadInput(t, err, "q")
	_, err = Fragmentation(FragmentationInput{Areas: areas, Before: w0, After: w1, Indicators: []FragmentationIndicator{{Indicator: violence, Data: Table{"T": {"a": 1}}}}})
	wantBadInput(t, err, "indicators[0].target[0]", "(after)")
}
