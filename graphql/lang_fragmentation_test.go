package graphql_test

import (
	"strings"
	"testing"

	"github.com/supplyeval/supplyeval/domain/demo"
	"github.com/supplyeval/supplyeval/graphql"
)

// The English of the fragmentation check after Harbour Crown and of the
// displacement scan after the Rotterdam port control on the demo world,
// as the API answered before their texts came from the catalogue.
const (
	fragmentationEN      = `After operation "Harbour Crown: dismantling of top-tier cocaine import networks (Antwerp)" (op-2021-antwerp-hvt) (2020-04 to 2021-03 compared with 2021-04 to 2022-03), 2 indicator(s) were compared with the control's trend in 1 target region and 4 buffer regions. Drug-related violent incidents in the target regions: 304 observed against 302.2 expected (+1.8, 95% interval -55.3 to +58.9). Drug-related violent incidents in the buffer regions: 351 observed against 333.6 expected (+17.4, 95% interval -43.8 to +78.7). Active drug-trafficking groups in the target regions: 506 observed against 367.2 expected (+138.8, 95% interval +76.7 to +200.8). Active drug-trafficking groups in the buffer regions: 816 observed against 850.7 expected (-34.7, 95% interval -129.3 to +59.9). Flagged as a possible sign of fragmentation (false discovery rate 0.05): Prov. Antwerpen (target, Active drug-trafficking groups: 506 against 367.2 expected, 1.38 times the expected).`
	fragmentationFlagsEN = `Flags: p-values in the undesired direction (more violence or more active groups for DOWN indicators), Benjamini-Hochberg adjusted over all 10 region-indicator pairs at a false discovery rate of 0.05. A flag is a signal of possible fragmentation to corroborate, not proof that the operation caused it.`
	scanEN               = `After operation "Rotterdam container terminal control programme" (op-2018-rtm-container-control), 3 indicator(s) were tested for displacement, controlling the false discovery rate at 0.05. 1 show evidence of it: PORT_INCIDENTS (z = 3.39, adjusted p = 0.001). Expect up to 5% of such findings to be false leads. Not ranked: COC_PRICE, COC_PURITY, COC_WASTEWATER (see the reasons given for each).`
	scanDefaultsEN       = `Each indicator was analysed with the defaults of a displacement analysis (target: the intervention's regions with data; buffer: their neighbours; control: other regions of the same level; windows: up to a year either side of the first effect period), so the regions and windows may differ between indicators.`
	scanSkippedEN        = `analysed (WDQ: NOT_INTERPRETABLE) but not ranked: the WDD's Poisson variance holds for counts, and Cocaine retail price is a level (EUR/g); for levels use a difference-in-differences with clustered standard errors`
)

// englishFragScan are phrases of the English texts of a fragmentation
// check or a scan; none may be left in the French ones.
var englishFragScan = []string{
	"After ", "compared with", "indicator(s) were", "observed against", "expected", "95% interval", "false discovery rate",
	"Flagged", "times the", "Counterfactual", "Counts are", "Flags:", "Some roles", "Scale:", "Target:", "Windows:",
	"tested for", "show evidence", "Not ranked", "analysed", "not ranked", "is a level", "Each indicator", "one-sided",
	"Benjamini-Hochberg controls", "adjusted p", "false leads", "left out", "no data for", "the operation", "the intervention",
}

// TestFragmentationAndScanInFrench: the texts of fragmentation and
// displacementScan take lang; French has no English sentence left and as
// many assumptions; the default, and lang: EN, are the English answered
// so far.
func TestFragmentationAndScanInFrench(t *testing.T) {
	a := newAPI(t, graphql.Limits{})
	recordDemo(t, a)
	// Words of the data (titles, names of indicators and regions, units)
	// are the user's and stay as recorded.
	userWords := []string{"Harbour Crown: dismantling of top-tier cocaine import networks (Antwerp)", "Rotterdam container terminal control programme",
		"Drug-related violent incidents", "Active drug-trafficking groups", "Prov. Antwerpen", "Cocaine retail price", "Cocaine retail purity",
		"Cocaine residues in wastewater", "mg benzoylecgonine/1000 inhabitants/day"}
	french := func(what, s string) {
		t.Helper()
		for _, u := range userWords {
			s = strings.ReplaceAll(s, u, "")
		}
		for _, p := range englishFragScan {
			if strings.Contains(s, p) {
				t.Errorf("%s: English %q in French: %s", what, p, s)
			}
		}
	}
	strs := func(v any) []string {
		var out []string
		for _, x := range v.([]any) {
			out = append(out, x.(string))
		}
		return out
	}

	t.Run("fragmentation", func(t *testing.T) {
		f := a.ok(`{ fragmentation(intervention: "`+demo.AntwerpHighValue+`") {
		  explanation en: explanation(lang: EN) fr: explanation(lang: FR)
		  assumptions frAssumptions: assumptions(lang: FR) diagnostics frDiagnostics: diagnostics(lang: FR)
		  skipped { reason fr: reason(lang: FR) } inputs { dropped { reason fr: reason(lang: FR) } } } }`, nil)["fragmentation"].(map[string]any)
		if f["explanation"] != fragmentationEN || f["en"] != fragmentationEN {
			t.Errorf("the English explanation changed:\n%v\n%v", f["explanation"], f["en"])
		}
		en, fr := strs(f["assumptions"]), strs(f["frAssumptions"])
		if len(en) < 4 || en[2] != fragmentationFlagsEN || len(fr) != len(en) {
			t.Fatalf("assumptions %q, in French %q", en, fr)
		}
		for i := range en {
			if fr[i] == en[i] {
				t.Errorf("assumption %d not in French: %s", i, fr[i])
			}
			french("assumption", fr[i])
		}
		s := f["fr"].(string)
		for _, want := range []string{"Après l'opération «\u00a0Harbour Crown", "1 région cible et 4 régions de la zone tampon", "506 observés contre 367,2 attendus (+138,8 ; intervalle à 95 % : +76,7 à +200,8)", "Signalé comme signe possible de fragmentation (taux de fausses découvertes 0,05) : Prov. Antwerpen (cible,"} {
			if !strings.Contains(s, want) {
				t.Errorf("French explanation lacks %q: %s", want, s)
			}
		}
		french("explanation", s)
		if len(f["diagnostics"].([]any)) != len(f["frDiagnostics"].([]any)) {
			t.Errorf("diagnostics %v, in French %v", f["diagnostics"], f["frDiagnostics"])
		}
	})

	t.Run("scan", func(t *testing.T) {
		s := a.ok(`{ displacementScan(intervention: "`+demo.RotterdamPortControl+`") {
		  explanation en: explanation(lang: EN) fr: explanation(lang: FR) assumptions frAssumptions: assumptions(lang: FR)
		  skipped { indicator reason en: reason(lang: EN) fr: reason(lang: FR) } } }`, nil)["displacementScan"].(map[string]any)
		if s["explanation"] != scanEN || s["en"] != scanEN {
			t.Errorf("the English explanation changed:\n%v\n%v", s["explanation"], s["en"])
		}
		en, fr := strs(s["assumptions"]), strs(s["frAssumptions"])
		if len(en) != 3 || en[2] != scanDefaultsEN || len(fr) != len(en) {
			t.Fatalf("assumptions %q, in French %q", en, fr)
		}
		for i := range en {
			if fr[i] == en[i] {
				t.Errorf("assumption %d not in French: %s", i, fr[i])
			}
			french("assumption", fr[i])
		}
		x := s["fr"].(string)
		for _, want := range []string{"Après l'opération «\u00a0Rotterdam", "3 indicateur(s) ont été testés", "contrôlé à 0,05", "1 en présente des indices : PORT_INCIDENTS (z = 3,39, p ajustée = 0,001)", "Jusqu'à 5 % de ces résultats", "Non classés : COC_PRICE, COC_PURITY, COC_WASTEWATER"} {
			if !strings.Contains(x, want) {
				t.Errorf("French explanation lacks %q: %s", want, x)
			}
		}
		french("explanation", x)
		sk := s["skipped"].([]any)
		if len(sk) != 3 || get(sk, 0, "indicator") != demo.CocainePrice || get(sk, 0, "reason") != scanSkippedEN {
			t.Fatalf("skipped %v", sk)
		}
		for i := range sk {
			r, e, f := get(sk, i, "reason").(string), get(sk, i, "en").(string), get(sk, i, "fr").(string)
			if r != e || f == e || !strings.HasPrefix(f, "analysé (WDQ : ") {
				t.Errorf("skipped %d: %q / %q / %q", i, r, e, f)
			}
			french("skipped reason", f)
		}
	})
}
