package report_test

import (
	"context"
	"strings"
	"testing"

	"github.com/supplyeval/supplyeval/i18n"
	"github.com/supplyeval/supplyeval/projections/report"
)

// englishExplanation are phrases of the impact methods' English
// explanations (the annex "why" of a report).
var englishExplanation = []string{
	"An interrupted time series", "estimates that after the intervention", "That is ", "evidence of a change",
	"Comparing how the outcome changed", "A synthetic control for", "Method chosen automatically", "The estimate assumes",
	"as recorded up to log position", "Left out of the default", "takes effect from", "95% interval",
	"comparison unit", "target regions are", "than expected", "Fitted together", "written by the estimation code",
	// Why an operation's power is unknown (no history at its launch).
	"had been recorded when", "was not defined when",
}

// TestFrenchReportExplainsInFrench: the French report (HTML and
// Markdown) prints the methods' explanations in French: no English
// sentence of the estimation code is left, every message they use has
// French, and the English report keeps the explanations the API answers.
func TestFrenchReportExplainsInFrench(t *testing.T) {
	if raceDetector {
		t.Skip("a whole-report check, ten times slower under the race detector; the run without it checks it (see race_on_test.go)")
	}
	g := closedCycle(t)
	ctx := context.Background()
	r, err := g.Build(ctx, "c")
	if err != nil {
		t.Fatal(err)
	}
	var rows, keys int
	for _, iv := range r.Interventions {
		for _, im := range iv.Impacts {
			if im.Error != "" {
				continue
			}
			rows++
			if got := im.ExplanationMsgs.In(i18n.EN); got != im.Explanation {
				t.Errorf("%s %s: the English rendering differs from the explanation", iv.ID, im.Indicator)
			}
			for _, k := range append(im.ExplanationMsgs.Keys(), im.ReasonMsgs.Keys()...) {
				keys++
				if !i18n.FR.Has(k) {
					t.Errorf("%s %s: message %q has no French", iv.ID, im.Indicator, k)
				}
			}
		}
	}
	if rows == 0 || keys == 0 {
		t.Fatalf("%d estimates with %d messages in the report", rows, keys)
	}
	en, err := g.GenerateIn(ctx, "c", report.Markdown, i18n.EN)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(en), "An interrupted time series") || !strings.Contains(string(en), "Method chosen automatically") {
		t.Error("the English report lacks the English explanations")
	}
	for _, f := range []report.Format{report.HTML, report.Markdown} {
		page, err := g.GenerateIn(ctx, "c", f, i18n.FR)
		if err != nil {
			t.Fatal(err)
		}
		text := string(page)
		if f == report.HTML {
			text = visibleText(page)
		}
		for _, p := range englishExplanation {
			if strings.Contains(text, p) {
				i := strings.Index(text, p)
				t.Errorf("French %s report holds English %q: …%s…", f, p, text[max(0, i-120):min(len(text), i+120)])
			}
		}
		if i := strings.Index(text, "[power."); i >= 0 {
			t.Errorf("French %s report names a message missing from the catalogue: …%s…", f, text[i:min(len(text), i+60)])
		}
		for _, want := range []string{"Une série chronologique interrompue", "Méthode choisie automatiquement"} {
			if !strings.Contains(text, want) {
				t.Errorf("French %s report lacks %q", f, want)
			}
		}
	}
}
