package evaluate_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/supplyeval/supplyeval/domain/demo"
	"github.com/supplyeval/supplyeval/i18n"
	"github.com/supplyeval/supplyeval/projections/evaluate"
)

// englishDisplacement are phrases of the displacement analyses' English
// explanations, finding notes and assumptions.
var englishDisplacement = []string{
	"After ", "compared with", "the target region", "control region", "In the buffer", "the count ", "the level ",
	"stayed at", "rose from", "fell from", "Relative to the control", "weighted displacement", "which reads as",
	"Over target and buffer", "The interval", "Finding:", "the WDQ reads as", "chance", "Left out of the default control",
	"exposed in", "Scale:", "Exposure:", "Target:", "Windows:", "Before window", "After window", "The control regions show",
	"WDQ and total net effect:", "Poisson counts", "not interpretable", "not computed", "across the border", " more",
}

// TestDisplacementTextsInFrench: every displacement analysis of the demo
// world, written in French (explanation, finding note, assumptions, WDD
// note, the WDQ's reason), keeps no English sentence, uses only messages
// the catalogue has in French, writes decimals with a comma; its English
// rendering is what the API answers.
func TestDisplacementTextsInFrench(t *testing.T) {
	e, _ := demoWorld(t)
	ivs := []string{demo.RotterdamPortControl, demo.AntwerpHighValue, demo.BrabantLabs, demo.GermanPrecursors, demo.ChannelJIT}
	inds := []string{demo.CocainePrice, demo.CocaineSeizures, demo.PortIncidents, demo.DrugViolence, demo.ActiveGroups, demo.CocainePurity}
	decimalPoint := regexp.MustCompile(`\d\.\d`)
	var n int
	for _, iv := range ivs {
		for _, ind := range inds {
			d, err := e.Displacement(evaluate.DisplacementRequest{Intervention: iv, Indicator: ind})
			if err != nil {
				continue
			}
			n++
			name := iv + "/" + ind
			if d.ExplanationMsgs.In(i18n.EN) != d.Explanation || i18n.EN.Render(d.FindingNoteMsg) != d.FindingNote {
				t.Errorf("%s: the English rendering differs from the API's text", name)
			}
			keys := append(d.ExplanationMsgs.Keys(), d.FindingNoteMsg.Keys()...)
			for _, a := range d.AssumptionMsgs {
				keys = append(keys, a.Keys()...)
			}
			for _, k := range keys {
				if !i18n.FR.Has(k) {
					t.Errorf("%s: message %q has no French", name, k)
				}
			}
			fr := strings.Join(append([]string{d.ExplanationIn(i18n.FR), i18n.FR.Render(d.FindingNoteMsg), d.WDDNoteIn(i18n.FR)},
				d.AssumptionsIn(i18n.FR)...), "\n")
			for _, user := range []string{d.Definition.Name, d.Resolved.Title, d.Definition.Unit} {
				if user != "" {
					fr = strings.ReplaceAll(fr, user, "")
				}
			}
			for _, r := range d.Regions {
				fr = strings.ReplaceAll(fr, r.Name, "")
			}
			for _, p := range englishDisplacement {
				if strings.Contains(fr, p) {
					i := strings.Index(fr, p)
					t.Errorf("%s: English %q in the French text: …%s…", name, p, fr[max(0, i-100):min(len(fr), i+100)])
				}
			}
			if m := decimalPoint.FindString(fr); m != "" {
				t.Errorf("%s: a decimal point (%q) in the French text:\n%s", name, m, fr)
			}
			if len(d.AssumptionMsgs) != len(d.Assumptions) {
				t.Errorf("%s: %d assumptions, %d as messages", name, len(d.Assumptions), len(d.AssumptionMsgs))
			}
		}
	}
	if n < 10 {
		t.Fatalf("only %d analyses on the demo world", n)
	}
}
