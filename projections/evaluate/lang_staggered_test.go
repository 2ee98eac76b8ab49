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

// TestStaggeredTextsInFrench: the staggered-adoption estimate of the demo
// outreach programme, written in French, keeps no English sentence, uses
// only messages the catalogue has in French and writes decimal commas;
// its English is what the API answers.
func TestStaggeredTextsInFrench(t *testing.T) {
	e, _ := demoWorld(t)
	english := []string{"regions adopted", "compared with", "Each cohort", "the effect is", "95% interval", "The interval",
		"Before adoption", "A naive", "It differs", "Left out", "The event study", "Parallel trends", "No anticipation",
		"stays treated", "do not affect", "never treated", "not yet treated", "Warning"}
	var n int
	for _, c := range []string{impact.NeverTreated, impact.NotYetTreated} {
		est, err := e.Staggered(context.Background(), evaluate.StaggeredQuery{Interventions: []string{"pol-outreach-1", "pol-outreach-2", "pol-outreach-3"},
			Indicator: demo.OutreachContacts, Control: c})
		if err != nil {
			t.Fatal(err)
		}
		n++
		if est.ExplanationMsgs.In(i18n.EN) != est.Explanation || est.ExplanationIn(i18n.EN) != est.Explanation {
			t.Errorf("%s: the English rendering differs", c)
		}
		keys := est.ExplanationMsgs.Keys()
		for _, a := range est.AssumptionMsgs {
			keys = append(keys, a.Keys()...)
		}
		for _, k := range keys {
			if !i18n.FR.Has(k) {
				t.Errorf("%s: %q has no French", c, k)
			}
		}
		fr := est.ExplanationIn(i18n.FR) + "\n" + strings.Join(est.AssumptionsIn(i18n.FR), "\n")
		for _, p := range english {
			if strings.Contains(fr, p) {
				i := strings.Index(fr, p)
				t.Errorf("%s: English %q in French: …%s…", c, p, fr[max(0, i-100):min(len(fr), i+100)])
			}
		}
		if m := regexp.MustCompile(`\d\.\d`).FindString(fr); m != "" {
			t.Errorf("%s: decimal point %q in French:\n%s", c, m, fr)
		}
		if !strings.Contains(fr, "intervalle de confiance à 95") {
			t.Errorf("%s: French lacks the interval:\n%s", c, fr)
		}
	}
}
