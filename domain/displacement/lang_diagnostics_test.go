package displacement

import (
	"fmt"
	"strings"
	"testing"

	"github.com/supplyeval/supplyeval/i18n"
)

// TestDiagnosticsInFrench: the analysis's diagnostics (a derived region
// left out, unequal windows, small counts, scale warnings, a WDQ that
// cannot be read, no WDD) are messages of the catalogue; the English is
// Diagnostics as it was, the French has no English sentence and no
// missing key.
func TestDiagnosticsInFrench(t *testing.T) {
	g := lowCountries(t)
	var before, after Window
	for k := 0; k < 8; k++ {
		before.Periods = append(before.Periods, fmt.Sprintf("2023-%02d", k+1))
	}
	for k := 0; k < 4; k++ {
		after.Periods = append(after.Periods, fmt.Sprintf("2024-%02d", k+1))
	}
	data := Table{}
	for _, r := range []string{"NL1", "NL2", "BE1", "BE2", "DE1", "NL3"} {
		data[r] = map[string]float64{}
		for _, p := range append(append([]string{}, before.Periods...), after.Periods...) {
			data[r][p] = 1
		}
	}
	data["BE2"] = map[string]float64{}
	for _, p := range before.Periods {
		data["BE2"][p] = 400
	}
	for _, p := range after.Periods {
		data["BE2"][p] = 420
	}
	// NL3 lacks six before periods: "... and 1 more".
	for _, p := range before.Periods[:6] {
		delete(data["NL3"], p)
	}
	areas, err := g.CompleteAreas(Areas{Target: []string{"NL1"}}, AreaOptions{})
	if err != nil {
		t.Fatal(err)
	}
	r, err := Analyse(Input{Indicator: seizures, Areas: areas, Before: before, After: after, Data: data, Graph: g})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.DiagnosticMsgs) != len(r.Diagnostics) || len(r.Diagnostics) < 3 {
		t.Fatalf("diagnostics %q, messages %v", r.Diagnostics, r.DiagnosticMsgs)
	}
	if got := r.DiagnosticsIn(i18n.EN); strings.Join(got, "\n") != strings.Join(r.Diagnostics, "\n") {
		t.Errorf("English %q, want %q", got, r.Diagnostics)
	}
	en := strings.Join(r.Diagnostics, "\n")
	for _, want := range []string{
		"1 derived region(s) left out for want of data: NL3 (control: no value for 2023-01, 2023-02, 2023-03, 2023-04, 2023-05 and 1 more (before))",
		"the before window has 8 periods and the after window 4",
		"small counts (target 8/4",
		"times the target's",
	} {
		if !strings.Contains(en, want) {
			t.Errorf("English lacks %q:\n%s", want, en)
		}
	}
	fr := strings.Join(r.DiagnosticsIn(i18n.FR), "\n")
	for _, want := range []string{
		"NL3 (témoin : aucune valeur pour 2023-01, 2023-02, 2023-03, 2023-04, 2023-05 et 1 autre (fenêtre d'avant))",
		"la fenêtre d'avant compte 8 périodes et celle d'après 4",
		"faibles effectifs (cible 8/4",
		"fois celui de la cible",
	} {
		if !strings.Contains(fr, want) {
			t.Errorf("French lacks %q:\n%s", want, fr)
		}
	}
	for _, bad := range []string{"[", "left out", "window", "small counts", "times the", " and "} {
		if strings.Contains(fr, bad) {
			t.Errorf("French holds %q:\n%s", bad, fr)
		}
	}
}

// TestMorePlural: the lists cut short say "and 1 more" / "and 2 more" in
// English and "et 1 autre" / "et 2 autres" in French.
func TestMorePlural(t *testing.T) {
	ps := []string{"a", "b", "c", "d", "e", "f", "g"}
	for _, c := range []struct {
		n      int
		en, fr string
	}{{6, "and 1 more", "et 1 autre"}, {7, "and 2 more", "et 2 autres"}} {
		m := missingMsg([2][]string{ps[:c.n], nil})
		if got := i18n.EN.Render(m); !strings.HasSuffix(got, c.en+" (before)") {
			t.Errorf("English %q", got)
		}
		if got := i18n.FR.Render(m); !strings.HasSuffix(got, c.fr+" (fenêtre d'avant)") {
			t.Errorf("French %q", got)
		}
		items := make([]any, 10+c.n-5)
		for i := range items {
			items[i] = "x"
		}
		li := limited{items: items, n: 10}
		if got := li.Localize(i18n.EN); !strings.HasSuffix(got, "; "+c.en) {
			t.Errorf("English %q", got)
		}
		if got := li.Localize(i18n.FR); !strings.HasSuffix(got, " ; "+c.fr) {
			t.Errorf("French %q", got)
		}
	}
}
