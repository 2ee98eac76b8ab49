package web_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/supplyeval/supplyeval/i18n"
)

// TestFrenchPages switches to French with the language link: the page is
// in French (lang="fr", French words), numbers have decimal commas, and
// no English catalogue text or missing key is left.
func TestFrenchPages(t *testing.T) {
	s := newSite(t, true)
	b := newBrowser(t)
	const id = "op-2018-rtm-container-control"
	b.visit(s.srv.URL + "/interventions/" + id)
	b.submit(`a[hreflang="fr"]`)
	b.waitAfterClick("html[lang=fr]")
	text := b.text()
	for _, want := range []string{i18n.FR.T("web.nav.overview"), i18n.FR.T("web.iv.effect"), i18n.FR.T("web.iv.interval")} {
		if !strings.Contains(text, want) {
			t.Errorf("French page lacks %q", want)
		}
	}
	effects := b.texts("dd.effect")
	if len(effects) == 0 {
		t.Fatal("no effect shown")
	}
	all := strings.Join(effects, "\n")
	if regexp.MustCompile(`[0-9]\.[0-9]`).MatchString(all) {
		t.Errorf("a decimal point in the French effects %q", effects)
	}
	if !regexp.MustCompile(`[0-9],[0-9]`).MatchString(all) {
		t.Errorf("no decimal comma in the French effects %q", effects)
	}
	// The methods' explanations, assumptions and reasons are French too.
	expl := strings.Join(b.texts("p.explanation"), "\n")
	if !strings.Contains(expl, "Méthode choisie automatiquement") || !strings.Contains(expl, "intervalle de confiance à 95") {
		t.Errorf("the explanations are not in French:\n%.800s", expl)
	}
	for _, en := range []string{"Method chosen automatically", "An interrupted time series", "95% interval", "as recorded up to log position",
		"The estimate assumes", "That is ", "evidence of a change", "Without the intervention", "Counts vary"} {
		if strings.Contains(text, en) {
			i := strings.Index(text, en)
			t.Errorf("English %q on the French page: …%s…", en, text[max(0, i-100):min(len(text), i+100)])
		}
	}
	if strings.Contains(text, "[web.") {
		t.Errorf("a catalogue key is missing: %q", regexp.MustCompile(`\[web\.[a-z.]+\]`).FindString(text))
	}
	// The choice is remembered on the next page.
	b.visit(s.srv.URL + "/")
	if txt := b.text(); !strings.Contains(txt, i18n.FR.T("web.overview.title")) || !strings.Contains(txt, "Position du journal") {
		t.Errorf("the overview is not in French:\n%.600s", txt)
	}
}

// TestFormErrorsInFrench: a form refused by the API's validation shows
// the reason in French on a French page (from the message key the API
// gives in extensions), in English on an English one.
func TestFormErrorsInFrench(t *testing.T) {
	s := newSite(t, false)
	b := newBrowser(t)
	b.signIn(s.srv.URL, restrictedToken)
	for _, c := range []struct{ lang, want, not string }{
		{"fr", `"bad id!" ne peut contenir que des lettres, des chiffres`, "may hold only"},
		{"en", `"bad id!" may hold only letters, digits`, "ne peut contenir"},
	} {
		b.visit(s.srv.URL + "/lang?to=" + c.lang + "&next=/cycles")
		b.do(chromedpSendKeys("#c-id", "bad id!"), chromedpSendKeys("#c-title", "Port controls"),
			chromedpSetValue("#c-from", "2018-01-01"), chromedpSetValue("#c-to", "2022-12-31"))
		b.submit("#open-cycle")
		msg := strings.Join(b.texts("div.error"), "\n")
		if !strings.Contains(msg, c.want) || strings.Contains(msg, c.not) {
			t.Errorf("%s page: error %q, want it to contain %q", c.lang, msg, c.want)
		}
	}
	// A rule of the command itself (domain.err.cycle.tobefore), not only
	// of a field's form.
	for _, c := range []struct{ lang, want, not string }{
		{"fr", "2017-12-31 est antérieur à from (2018-01-01)", "is before"},
		{"en", "2017-12-31 is before from (2018-01-01)", "antérieur"},
	} {
		b.visit(s.srv.URL + "/lang?to=" + c.lang + "&next=/cycles")
		b.do(chromedpSendKeys("#c-id", "c-late"), chromedpSendKeys("#c-title", "Port controls"),
			chromedpSetValue("#c-from", "2018-01-01"), chromedpSetValue("#c-to", "2017-12-31"))
		b.submit("#open-cycle")
		msg := strings.Join(b.texts("div.error"), "\n")
		if !strings.Contains(msg, c.want) || strings.Contains(msg, c.not) {
			t.Errorf("%s page: error %q, want it to contain %q", c.lang, msg, c.want)
		}
	}
}
