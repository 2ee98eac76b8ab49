package web_test

import (
	"html"
	"regexp"
	"strings"
	"testing"

	"github.com/supplyeval/supplyeval/domain/demo"
	"github.com/supplyeval/supplyeval/i18n"
)

// TestInterventionInTheBrowser opens an intervention: each indicator's
// chart and numbers match the API's impact estimate; picking another
// method and "as known at" a position changes what is asked of the API.
func TestInterventionInTheBrowser(t *testing.T) {
	s := newSite(t, false)
	b := newBrowser(t)
	b.signIn(s.srv.URL, adminToken)
	const id = "op-2018-rtm-container-control"
	var want struct {
		Impact struct {
			Method      string
			Ratio       bool
			Effect      float64
			Explanation string
		}
	}
	s.query(t, adminToken, `{ impact(intervention: "`+id+`", indicator: "PORT_INCIDENTS", method: AUTO) { method ratio effect explanation } }`, nil, &want)
	b.visit(s.srv.URL + "/interventions/" + id)
	card := b.texts(`article[data-indicator="PORT_INCIDENTS"]`)
	if len(card) != 1 {
		t.Fatalf("no PORT_INCIDENTS card:\n%.2000s", b.text())
	}
	effect := b.texts(`article[data-indicator="PORT_INCIDENTS"] dd.effect`)
	shown := i18n.EN.Num(want.Impact.Effect)
	if want.Impact.Ratio { // rate ratios are read to three decimals
		shown = i18n.EN.Fixed(want.Impact.Effect, 3)
	}
	if len(effect) != 1 || !strings.HasPrefix(effect[0], shown) {
		t.Errorf("effect shown %q, API says %v (%s)", effect, want.Impact.Effect, shown)
	}
	if !strings.Contains(card[0], want.Impact.Explanation) {
		t.Errorf("explanation missing from the card:\n%s", card[0])
	}
	var svg int
	b.eval(`document.querySelectorAll('article[data-indicator="PORT_INCIDENTS"] svg').length`, &svg)
	if svg != 1 {
		t.Errorf("%d charts in the card, want 1", svg)
	}
	// Another method, chosen with the form.
	b.do(chromedpSetValue("#method", "BEFORE_AFTER"))
	b.submit("form.filters button")
	var ba struct {
		Impact struct {
			Effect float64
			Ratio  bool
		}
	}
	s.query(t, adminToken, `{ impact(intervention: "`+id+`", indicator: "PORT_INCIDENTS", method: BEFORE_AFTER) { effect ratio } }`, nil, &ba)
	effect = b.texts(`article[data-indicator="PORT_INCIDENTS"] dd.effect`)
	if ba.Impact.Ratio {
		t.Fatal("before/after gave a ratio")
	}
	if len(effect) != 1 || !strings.HasPrefix(effect[0], i18n.EN.Num(ba.Impact.Effect)) {
		t.Errorf("before/after effect shown %q, API says %s", effect, i18n.EN.Num(ba.Impact.Effect))
	}
	// As known at position 1: nothing was recorded then.
	b.visit(s.srv.URL + "/interventions/" + id + "?asOf=1")
	if txt := b.text(); !strings.Contains(txt, "No estimate") {
		t.Errorf("as known at position 1 there should be no estimate:\n%.1500s", txt)
	}
}

// TestInterventionNamesIndicatorsWithoutData: a port records no retail
// price, purity or wastewater; the Rotterdam port operation's page names
// those indicators in one sentence, in the page's language, instead of a
// card each repeating the API's advice to pass regions; the indicators
// with data keep their cards.
func TestInterventionNamesIndicatorsWithoutData(t *testing.T) {
	s := newSite(t, false)
	for _, c := range []struct{ lang, want string }{
		{"en", "Not estimated, for want of data in Port of Rotterdam (NLRTM) or the regions below it: "},
		{"fr", "Non estimés, faute de données pour "},
	} {
		_, page := s.get(t, adminToken, "/interventions/"+demo.RotterdamPortControl+"?lang="+c.lang)
		m := regexp.MustCompile(`<p id="no-data" class="hint">([^<]*)</p>`).FindStringSubmatch(page)
		if m == nil {
			t.Fatalf("%s: no sentence naming the indicators without data", c.lang)
		}
		text := html.UnescapeString(m[1])
		if !strings.HasPrefix(text, c.want) || !strings.Contains(text, "(COC_PRICE)") || !strings.Contains(text, "(COC_WASTEWATER)") {
			t.Errorf("%s: %q", c.lang, text)
		}
		for _, code := range []string{"COC_PRICE", "COC_PURITY", "COC_WASTEWATER"} {
			if strings.Contains(page, `data-indicator="`+code+`"`) {
				t.Errorf("%s: %s still has a card", c.lang, code)
			}
		}
		if !strings.Contains(page, `data-indicator="PORT_INCIDENTS"`) {
			t.Errorf("%s: the port incidents, which have data, lost their card", c.lang)
		}
		if strings.Contains(page, "pass regions explicitly") {
			t.Errorf("%s: the API's advice to pass regions is on the page", c.lang)
		}
	}
}
