package displacement

import (
	"math"
	"strings"
	"testing"

	"github.com/supplyeval/supplyeval/domain"
	"github.com/supplyeval/supplyeval/domain/impact"
)

// TestBHAdjustBenjaminiHochberg1995 uses the worked example of Benjamini &
// Hochberg (1995): fifteen p-values from Neuhaus et al. (1992); at q = 0.05
// the step-up procedure rejects the four smallest (Bonferroni only three).
// The adjusted p-values are those printed in SciPy's documentation of
// scipy.stats.false_discovery_control, which uses this example.
func TestBHAdjustBenjaminiHochberg1995(t *testing.T) {
	ps := []float64{0.0001, 0.0004, 0.0019, 0.0095, 0.0201, 0.0278, 0.0298, 0.0344,
		0.0459, 0.3240, 0.4262, 0.5719, 0.6528, 0.7590, 1.000}
	want := []float64{0.0015, 0.003, 0.0095, 0.035625, 0.0603,
		0.06385714, 0.06385714, 0.0645, 0.0765, 0.486,
		0.58118182, 0.714875, 0.75323077, 0.81321429, 1}
	// Shuffle the input order: the adjustment must follow each p-value.
	order := []int{14, 3, 0, 7, 12, 1, 9, 5, 11, 2, 13, 6, 10, 4, 8}
	shuffled := make([]float64, len(ps))
	for i, j := range order {
		shuffled[i] = ps[j]
	}
	adj := impact.AdjustBH(shuffled)
	rejected := 0
	for i, j := range order {
		checkNear(t, "adjusted", adj[i], want[j], 5e-9)
		if adj[i] <= 0.05 {
			rejected++
		}
	}
	if rejected != 4 {
		t.Errorf("%d rejections at q = 0.05, want 4", rejected)
	}
	if got := impact.AdjustBH(nil); len(got) != 0 {
		t.Errorf("empty input: %v", got)
	}
}

func TestScanIndicators(t *testing.T) {
	entries := []ScanEntry{
		{Indicator: "VIOLENCE", Z: 0.4},
		{Indicator: "SEIZURES_COC", Z: 3.6, Estimate: 40, SE: 11.1},
		{Indicator: "SEIZURES_HER", Z: 2.9},
		{Indicator: "ARRESTS", Z: -3.5}, // diffusion: no displacement
	}
	r, err := ScanIndicators("operation X", entries, ScanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	assertFinite(t, r)
	got := []string{}
	for _, row := range r.Rows {
		got = append(got, row.Indicator)
	}
	if strings.Join(got, ",") != "SEIZURES_COC,SEIZURES_HER,VIOLENCE,ARRESTS" {
		t.Errorf("ranking %v", got)
	}
	// One-sided p: P(Z >= 3.6) = 0.000159, P(Z >= 2.9) = 0.001866;
	// adjusted with m = 4: 0.000637 and 0.003732.
	checkNear(t, "p1", r.Rows[0].P, 0.5*math.Erfc(3.6/math.Sqrt2), 1e-15)
	checkNear(t, "adj1", r.Rows[0].Adjusted, 4*r.Rows[0].P, 1e-15)
	checkNear(t, "adj2", r.Rows[1].Adjusted, 2*r.Rows[1].P, 1e-15)
	if r.Discoveries != 2 || !r.Rows[0].Discovery || !r.Rows[1].Discovery || r.Rows[2].Discovery || r.Rows[3].Discovery {
		t.Errorf("discoveries %+v", r.Rows)
	}
	if r.Rows[0].Rank != 1 || r.Rows[3].Rank != 4 || r.Rows[0].Estimate != 40 {
		t.Errorf("rows %+v", r.Rows)
	}
	if !strings.Contains(r.Explanation, "2 show evidence of it: SEIZURES_COC (z = 3.60") {
		t.Errorf("explanation %s", r.Explanation)
	}

	// Two-sided: the diffusion in arrests now counts as a buffer change.
	r, err = ScanIndicators("operation X", entries, ScanOptions{TwoSided: true, Q: 0.01})
	if err != nil {
		t.Fatal(err)
	}
	if r.Discoveries != 3 || r.Rows[1].Indicator != "ARRESTS" {
		t.Errorf("two-sided %+v", r.Rows)
	}

	r, err = ScanIndicators("", []ScanEntry{{Indicator: "A", Z: 1}}, ScanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if r.Discoveries != 0 || !strings.Contains(r.Explanation, "None stands out") {
		t.Errorf("%+v", r)
	}
}

func TestScanBadInput(t *testing.T) {
	_, err := ScanIndicators("x", nil, ScanOptions{})
	wantBadInput(t, err, "entries")
	_, err = ScanIndicators("x", []ScanEntry{{Indicator: "A"}, {Indicator: "A"}}, ScanOptions{})
	wantBadInput(t, err, "entries[1].indicator", "twice")
	_, err = ScanIndicators("x", []ScanEntry{{Indicator: "A", Z: math.Inf(1)}}, ScanOptions{})
	wantBadInput(t, err, "entries[0].z")
	_, err = ScanIndicators("x", []ScanEntry{{Indicator: "A", SE: -1}}, ScanOptions{})
	wantBadInput(t, err, "entries[0].se")
	_, err = ScanIndicators("x", []ScanEntry{{Indicator: "A"}}, ScanOptions{Q: 1.5})
	wantBadInput(t, err, "q")
}

func TestEntryFromResult(t *testing.T) {
	data := Table{
		"T": {"a": 200, "b": 100},
		"D": {"a": 100, "b": 160},
		"C": {"a": 200, "b": 200},
		"E": {"a": 100, "b": 100},
	}
	r, err := Analyse(Input{Indicator: seizures, Areas: Areas{Target: []string{"T"}, Buffer: []string{"D"}, Control: []string{"C"}, BufferControl: []string{"E"}},
		Before: Window{Periods: []string{"a"}}, After: Window{Periods: []string{"b"}}, Data: data})
	if err != nil {
		t.Fatal(err)
	}
	e, err := EntryFromResult(r)
	if err != nil {
		t.Fatal(err)
	}
	// Displacement part: (160 - 100) - (100 - 100) = 60, SE sqrt(460).
	checkNear(t, "estimate", e.Estimate, 60, 1e-12)
	checkNear(t, "z", e.Z, 60/math.Sqrt(460), 1e-12)
	if e.Indicator != "SEIZURES" {
		t.Errorf("indicator %q", e.Indicator)
	}

	r.WDD, r.WDDNote = nil, "not computed: reasons"
	_, err = EntryFromResult(r)
	wantBadInput(t, err, "result", "reasons")
	_, err = EntryFromResult(&Result{WDD: &WDD{}, Indicator: Indicator{Direction: domain.DirectionDown}})
	wantBadInput(t, err, "result", "nothing")
}
