package displacement

import (
	"strings"
	"testing"

	"github.com/supplyeval/supplyeval/i18n"
)

// TestFragmentationTextsInFrench: a fragmentation check with a derived
// region left out and small counts writes its diagnostics, assumptions
// and explanation in French from the catalogue, and in English as it
// always has.
func TestFragmentationTextsInFrench(t *testing.T) {
	data := Table{
		"NL1": {"2023": 20, "2024": 40},
		"NL2": {"2023": 3, "2024": 4},
		"BE1": {"2023": 10, "2024": 25},
		"NL3": {"2023": 100, "2024": 100},
		// BE2, a derived buffer region, has no data: it is left out.
	}
	r, err := Fragmentation(FragmentationInput{
		Intervention:    "the operation",
		InterventionMsg: i18n.M("frag.the.operation"),
		Areas:           Areas{Target: []string{"NL1"}, Buffer: []string{"NL2", "BE1", "BE2"}, Control: []string{"NL3"}, Derived: []Role{RoleBuffer}},
		Before:          year23, After: year24,
		Indicators: []FragmentationIndicator{{Indicator: violence, Data: data}},
		Graph:      lowCountries(t),
	})
	if err != nil {
		t.Fatal(err)
	}
	wantDiag := []string{
		"1 derived region(s) left out for want of data: BE2 (buffer, drug-related violent incidents: 2023 (before) and 2024 (after))",
		"1 of 3 region rows have fewer than 10 events before and after; their normal intervals are rough",
	}
	if strings.Join(r.Diagnostics, "\n") != strings.Join(wantDiag, "\n") || strings.Join(r.DiagnosticsIn(i18n.EN), "\n") != strings.Join(wantDiag, "\n") {
		t.Errorf("diagnostics %q", r.Diagnostics)
	}
	if len(r.Inputs.Dropped) != 1 || r.Inputs.Dropped[0].Reason != "drug-related violent incidents: 2023 (before) and 2024 (after)" ||
		i18n.EN.Render(r.Inputs.Dropped[0].ReasonMsg) != r.Inputs.Dropped[0].Reason {
		t.Errorf("dropped %+v", r.Inputs.Dropped)
	}
	if !strings.HasPrefix(r.Explanation, "After the operation (2023 compared with 2024), 1 indicator(s) were compared with the control's trend in 1 target region and 2 buffer regions. Drug-related violent incidents in the target regions: 40 observed against 20 expected (+20,") {
		t.Errorf("explanation %s", r.Explanation)
	}
	if r.ExplanationIn(i18n.EN) != r.Explanation || strings.Join(r.AssumptionsIn(i18n.EN), "\n") != strings.Join(r.Assumptions, "\n") {
		t.Error("the English rendering differs")
	}
	fr := strings.Join(append(append(r.DiagnosticsIn(i18n.FR), r.AssumptionsIn(i18n.FR)...), r.ExplanationIn(i18n.FR),
		i18n.FR.Render(r.Inputs.Dropped[0].ReasonMsg)), "\n")
	for _, want := range []string{
		"1 région(s) déterminée(s) automatiquement écartée(s) faute de données : BE2 (zone tampon, drug-related violent incidents : 2023 (fenêtre d'avant) et 2024 (fenêtre d'après))",
		"1 des 3 lignes de régions comptent moins de 10 événements",
		"Après l'opération (période 2023 comparée à 2024), 1 indicateur(s) ont été comparés à la tendance du témoin dans 1 région cible et 2 régions de la zone tampon.",
		"Drug-related violent incidents dans les régions cibles : 40 observés contre 20 attendus (+20 ;",
		"Certains rôles ont été déterminés à partir du graphe des régions",
		"Signalé comme signe possible de fragmentation",
	} {
		if !strings.Contains(fr, want) {
			t.Errorf("French lacks %q:\n%s", want, fr)
		}
	}
	for _, p := range []string{"derived region", "left out", "before)", "after)", "region rows", "After ", "compared with", "observed against", "expected", "Flagged", "Counterfactual", "Some roles"} {
		if strings.Contains(strings.ReplaceAll(fr, "drug-related violent incidents", ""), p) {
			t.Errorf("English %q in French:\n%s", p, fr)
		}
	}
}
