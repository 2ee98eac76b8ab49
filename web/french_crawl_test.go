package web_test

import (
	"html"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/supplyeval/supplyeval/domain"
	"github.com/supplyeval/supplyeval/domain/demo"
	"github.com/supplyeval/supplyeval/i18n"
)

var (
	reVerb    = regexp.MustCompile(`%(\[\d+\])?[-+# 0]*\d*(\.\d+)?[a-zA-Z%]`)
	reScripts = regexp.MustCompile(`(?s)<(script|style)[^>]*>.*?</(script|style)>`)
	reTags    = regexp.MustCompile(`<[^>]*>`)
	reSpaces  = regexp.MustCompile(`\s+`)
)

// englishFragments are the pieces of the English catalogue that a French
// page must not show: the text of every message between its format
// verbs, where it has at least four words and its French differs.
func englishFragments() map[string]string {
	out := map[string]string{}
	for _, k := range i18n.Keys(i18n.EN) {
		en, fr := i18n.EN.T(k), i18n.FR.T(k)
		if en == fr {
			continue
		}
		for _, f := range reVerb.Split(en, -1) {
			f = strings.TrimSpace(f)
			if len(strings.Fields(f)) >= 4 && len(f) >= 20 && !strings.Contains(fr, f) {
				out[f] = k
			}
		}
	}
	return out
}

// reEnglish finds English function words (none of them is French) with
// the clause around them.
var reEnglish = regexp.MustCompile(`(?i)[^.;:!?()]{0,60}\b(the|which|with|from|is|are|was|not|of|and|than|this|that|has|have|by|for)\b[^.;:!?()]{0,60}`)

// englishAllowed are the English words a French page may hold: the names
// of API arguments quoted by the API's messages.
func englishAllowed(clause string) bool {
	return strings.Contains(clause, "from et to")
}

// demoTexts are the strings of the demo world's commands (titles, names,
// units, statements, reasons, sources), longest first: data recorded in
// English, which a French page shows as recorded.
func demoTexts(t *testing.T) []string {
	t.Helper()
	steps, err := demoSteps()
	if err != nil {
		t.Fatal(err)
	}
	set := map[string]bool{}
	var walk func(v reflect.Value)
	walk = func(v reflect.Value) {
		switch v.Kind() {
		case reflect.String:
			if s := v.String(); len(s) > 3 {
				set[s] = true
			}
		case reflect.Struct:
			for i := 0; i < v.NumField(); i++ {
				walk(v.Field(i))
			}
		case reflect.Slice, reflect.Array:
			if v.Type().Elem().Kind() != reflect.Float64 {
				for i := 0; i < v.Len(); i++ {
					walk(v.Index(i))
				}
			}
		case reflect.Pointer, reflect.Interface:
			if !v.IsNil() {
				walk(v.Elem())
			}
		case reflect.Map:
			for _, k := range v.MapKeys() {
				walk(v.MapIndex(k))
			}
		}
	}
	for _, st := range steps {
		walk(reflect.ValueOf(st.Command))
	}
	out := make([]string, 0, len(set))
	for s := range set {
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool { return len(out[i]) > len(out[j]) || len(out[i]) == len(out[j]) && out[i] < out[j] })
	return out
}

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
// Markdown). No sentence of the English
// catalogue may be on them, no catalogue key may be missing, and no
// English written outside the catalogue (English function words once
// the demo world's own recorded texts are taken out).
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
	frags := englishFragments()
	if len(frags) < 200 {
		t.Fatalf("only %d English fragments to look for", len(frags))
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
	data := demoTexts(t)
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
		text := pageText(page)
		var found []string
		for f, k := range frags {
			if strings.Contains(text, f) {
				found = append(found, k+": "+f)
			}
		}
		sort.Strings(found)
		for _, f := range found {
			t.Errorf("%s: English on the French page: %s", p, f)
		}
		if m := regexp.MustCompile(`\[[a-z]+(\.[A-Za-z0-9_]+)+\]`).FindString(text); m != "" {
			t.Errorf("%s: a catalogue key is missing: %s", p, m)
		}
		// English written outside the catalogue: English words left once
		// the demo world's own texts (its titles, names, units, statements:
		// data, in the language they were recorded in) are taken out.
		for _, d := range data {
			text = strings.ReplaceAll(text, d, " ")
		}
		for _, m := range reEnglish.FindAllString(text, -1) {
			if m = strings.TrimSpace(m); !englishAllowed(m) {
				t.Errorf("%s: English written outside the catalogue: %q", p, m)
			}
		}
	}
}
