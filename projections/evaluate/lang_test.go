package evaluate_test

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/supplyeval/supplyeval/domain/demo"
	"github.com/supplyeval/supplyeval/domain/impact"
	"github.com/supplyeval/supplyeval/i18n"
	"github.com/supplyeval/supplyeval/projections/evaluate"
)

// englishExplanation are phrases of the impact methods' English
// explanations, assumptions and reasons; none may be left in French text.
var englishExplanation = []string{
	"An interrupted time series", "estimates that after the intervention", "That is ", "evidence of a change",
	"Comparing ", "comparison unit", "A synthetic control for", "Method chosen automatically", "The estimate assumes",
	"as recorded up to log position", "Left out of", "takes effect from", "95% interval", "periods before",
	"Without the intervention", "Standard errors", "The placebo p-value", "target regions are", "exposed in",
	"No anticipation", "Parallel trends", "the outcome", " than expected", "Counts vary", "The noise around",
	"Fitted together", "Not separated", " and a seasonal pattern", "Nothing else",
}

// TestImpactTextsInFrench: every estimate of the demo world by every
// method, written in French, keeps no English sentence, uses only
// messages the catalogue has in French, writes decimals with a comma, and
// its English rendering is the explanation the API answers.
func TestImpactTextsInFrench(t *testing.T) {
	if raceDetector {
		t.Skip("text checks over the demo world, in one goroutine: the run without the race detector checks them")
	}
	e, _ := demoWorld(t)
	ctx := context.Background()
	ivs := []string{demo.RotterdamPortControl, demo.AntwerpHighValue, demo.GermanPrecursors, demo.DutchResourcing}
	inds := []string{demo.CocainePrice, demo.CocaineSeizures, demo.PortIncidents, demo.DrugViolence, demo.EnforcementCost}
	if testing.Short() {
		ivs, inds = ivs[:2], inds[:3]
	}
	decimalPoint := regexp.MustCompile(`\d\.\d`)
	seen := map[impact.Method]int{}
	for _, iv := range ivs {
		for _, ind := range inds {
			for _, m := range []impact.Method{impact.MethodBeforeAfter, impact.MethodITS, impact.MethodDiD, impact.MethodSyntheticControl, impact.MethodAuto} {
				est, err := e.Impact(ctx, evaluate.ImpactQuery{Intervention: iv, Indicator: ind, Method: m})
				if err != nil {
					continue
				}
				seen[m]++
				name := iv + "/" + ind + "/" + string(m)
				if got := est.ExplanationMsgs.In(i18n.EN); got != est.Explanation || est.ExplanationIn(i18n.EN) != est.Explanation {
					t.Errorf("%s: the English rendering differs from the explanation:\n%s\n%s", name, got, est.Explanation)
				}
				keys := est.ExplanationMsgs.Keys()
				for _, a := range est.AssumptionMsgs {
					keys = append(keys, a.Keys()...)
				}
				keys = append(keys, est.ChoiceMsgs.Keys()...)
				for _, k := range keys {
					if !i18n.FR.Has(k) {
						t.Errorf("%s: message %q has no French", name, k)
					}
				}
				// User data (indicator names, titles, codes) stays as
				// recorded; the rest must be French.
				fr := est.ExplanationIn(i18n.FR) + "\n" + strings.Join(est.AssumptionsIn(i18n.FR), "\n") + "\n" + est.ChoiceIn(i18n.FR)
				fr = strings.ReplaceAll(fr, est.Indicator.Name, "")
				fr = strings.ReplaceAll(fr, est.Intervention.Title, "")
				for _, p := range englishExplanation {
					if strings.Contains(fr, p) {
						t.Errorf("%s: English %q in the French text:\n%s", name, p, fr)
					}
				}
				if m := decimalPoint.FindString(fr); m != "" {
					t.Errorf("%s: a decimal point (%q) in the French text:\n%s", name, m, fr)
				}
				if len(est.AssumptionMsgs) != len(est.Assumptions) {
					t.Errorf("%s: %d assumptions, %d as messages", name, len(est.Assumptions), len(est.AssumptionMsgs))
				}
			}
		}
	}
	for _, m := range []impact.Method{impact.MethodBeforeAfter, impact.MethodITS, impact.MethodDiD, impact.MethodSyntheticControl, impact.MethodAuto} {
		if seen[m] == 0 {
			t.Errorf("no estimate by %s on the demo world", m)
		}
	}
}
