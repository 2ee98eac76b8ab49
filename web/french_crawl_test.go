package web_test

import (
	"html"
	"regexp"
	"strings"
	"testing"

	"github.com/supplyeval/supplyeval/domain"
	"github.com/supplyeval/supplyeval/domain/demo"
	"github.com/supplyeval/supplyeval/i18n/i18ntest"
)

var (
	reScripts = regexp.MustCompile(`(?s)<(script|style)[^>]*>.*?</(script|style)>`)
	reTags    = regexp.MustCompile(`<[^>]*>`)
	reSpaces  = regexp.MustCompile(`\s+`)
)

// pageText is what a reader sees of an HTML page, spaces folded.
func pageText(page string) string {
	return reSpaces.ReplaceAllString(html.UnescapeString(reTags.ReplaceAllString(reScripts.ReplaceAllString(page, " "), " ")), " ")
}

// TestFrenchPagesHoldNoEnglish visits every page of the web application
// in French, as an administrator, on the demo world with an open cycle
// (pinned, with a finding) and a closed one: intervention pages with
// estimates that succeed and some that cannot be made, the compare page
// (map, measures, charts and the notes of what cannot be drawn), the
// cycles, the import page, the audit and the cycles' reports (HTML and
// Markdown). No sentence of the English catalogue may be on them, no
// catalogue key may be missing, and no English may be written outside
// the catalogue (i18ntest.Checker).
func TestFrenchPagesHoldNoEnglish(t *testing.T) {
	s := newSite(t, false)
	n := s.node
	n.Do(domain.OpenCycle{ID: "c-open", Title: "Cycle", From: "2018-01-01", To: "2023-12-31", Regions: []string{"NL33", "BE21"},
		Interventions: []string{demo.RotterdamPortControl, demo.AntwerpHighValue}})
	n.Do(domain.PinCycleEvidence{ID: "c-open", Position: n.Head()})
	n.Do(domain.OpenCycle{ID: "c-closed", Title: "Closed", From: "2018-01-01", To: "2023-12-31", Interventions: []string{demo.BrabantLabs}})
	n.Do(domain.PinCycleEvidence{ID: "c-closed", Position: n.Head()})
	n.Do(domain.CloseCycle{ID: "c-closed", Summary: "Done.", Recommendations: []string{"Go on."}})
	n.Wait(n.Head())
	french, err := i18ntest.NewChecker()
	if err != nil {
		t.Fatal(err)
	}
	paths := []string{"/", "/cycles", "/cycles/c-open", "/cycles/c-closed", "/import", "/audit", "/compare",
		"/compare?intervention=" + demo.RotterdamPortControl + "&indicator=PORT_INCIDENTS",
		"/compare?intervention=" + demo.AntwerpHighValue + "&indicator=" + demo.DrugViolence,
		"/interventions/no-such-thing",
		// The reports a French evaluator downloads.
		"/cycles/c-open/report.html?inline=1", "/cycles/c-closed/report.html?inline=1", "/cycles/c-closed/report.md?inline=1"}
	for _, iv := range []string{demo.RotterdamPortControl, demo.AntwerpHighValue, demo.BrabantLabs, demo.GermanPrecursors, demo.HamburgDelivery} {
		paths = append(paths, "/interventions/"+iv)
		// Every method, asked for by name: their parameters, reasons and
		// refusals.
		for _, m := range []string{"ITS", "DID", "SYNTHETIC_CONTROL", "BEFORE_AFTER"} {
			paths = append(paths, "/interventions/"+iv+"?method="+m)
		}
	}
	for _, p := range paths {
		sep := "?"
		if strings.Contains(p, "?") {
			sep = "&"
		}
		_, page := s.get(t, adminToken, p+sep+"lang=fr")
		if !strings.Contains(page, `<html lang="fr"`) && !strings.HasSuffix(strings.SplitN(p, "?", 2)[0], ".md") {
			t.Errorf("%s is not in French", p)
			continue
		}
		for _, e := range french.English(pageText(page)) {
			t.Errorf("%s: %s", p, e)
		}
	}
}
