package web_test

import (
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/supplyeval/supplyeval/domain/demo"
	"github.com/supplyeval/supplyeval/i18n"
)

// get fetches path as the principal of token (the sign-in cookie), in
// language lang.
func (s *site) get(t testing.TB, token, path string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, s.srv.URL+path, nil)
	req.AddCookie(&http.Cookie{Name: "supplyeval_token", Value: token})
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

const antwerpViolence = "/compare?intervention=" + demo.AntwerpHighValue + "&indicator=" + demo.DrugViolence

// TestComparePage: the displacement after the Antwerp operation, as the
// API computes it for the same principal, is on the page in words (EN and
// FR) with a map of its regions drawn from their boundaries, coloured and
// outlined by role, and charts of the series INDEX and PER_100K.
func TestComparePage(t *testing.T) {
	s := newSite(t, false)
	var want struct {
		Displacement struct {
			WDQ            *float64
			Category       string
			TotalNetEffect *float64
			WDD            struct{ Estimate, Low, High float64 }
			Regions        []struct{ Region, Role string }
		}
	}
	s.query(t, restrictedToken, `query($iv: ID!, $ind: ID!) { displacement(intervention: $iv, indicator: $ind) {
		wdq category totalNetEffect wdd { estimate low high } regions { region role } } }`,
		map[string]any{"iv": demo.AntwerpHighValue, "ind": demo.DrugViolence}, &want)
	d := want.Displacement
	code, page := s.get(t, restrictedToken, antwerpViolence)
	if code != http.StatusOK {
		t.Fatalf("status %d\n%s", code, page)
	}
	en := i18n.EN
	for _, w := range []string{
		"Weighted displacement quotient (WDQ)",
		"Total net effect (TNE)",
		fmt.Sprintf("Weighted displacement difference (WDD): %s, with a 95%% interval from %s to %s.", en.Num(d.WDD.Estimate), en.Num(d.WDD.Low), en.Num(d.WDD.High)),
		en.Code("wdqcat", d.Category),
	} {
		if !strings.Contains(page, escapeHTML(w)) {
			t.Errorf("page lacks %q", w)
		}
	}
	if !strings.Contains(page, `<figure class="map"><svg xmlns="http://www.w3.org/2000/svg" class="map"`) {
		t.Error("no map")
	}
	if d.WDQ != nil && !strings.Contains(page, en.Fixed(*d.WDQ, 2)) {
		t.Errorf("WDQ %v not shown", *d.WDQ)
	}
	// Every region of the analysis is drawn from its boundary, with its role.
	for _, r := range d.Regions {
		role := map[string]string{"BUFFER_CONTROL": "CONTROL"}[r.Role]
		if role == "" {
			role = r.Role
		}
		if !regexp.MustCompile(`<path class="region" data-code="` + r.Region + `" data-role="` + role + `" d="M`).MatchString(page) {
			t.Errorf("region %s (%s) is not drawn on the map", r.Region, r.Role)
		}
	}
	if strings.Count(page, "<figure><figcaption>") < 2 || !strings.Contains(page, "Per 100,000 inhabitants") || !strings.Contains(page, "Index (100") {
		t.Errorf("the INDEX and PER_100K charts are missing:\n%s", page[strings.Index(page, `id="h-over"`):])
	}
	_, fr := s.get(t, restrictedToken, antwerpViolence+"&lang=fr")
	for _, w := range []string{"Quotient de déplacement pondéré (WDQ)", "Effet net total (TNE)", "Différence de déplacement pondérée (WDD)", "Pour 100 000 habitants"} {
		if !strings.Contains(fr, escapeHTML(w)) {
			t.Errorf("French page lacks %q", w)
		}
	}
}

func escapeHTML(s string) string {
	return strings.NewReplacer("&", "&amp;", "'", "&#39;", "<", "&lt;", ">", "&gt;", `"`, "&#34;").Replace(s)
}

// TestCompareHidesConfidentialOperations: a RESTRICTED user is never
// offered the CONFIDENTIAL demo operation, and asking for it by id is
// answered as for an unknown one; an admin sees it.
func TestCompareHidesConfidentialOperations(t *testing.T) {
	s := newSite(t, false)
	var iv struct{ Intervention struct{ Title string } }
	s.query(t, adminToken, `query($id: ID!) { intervention(id: $id) { title } }`, map[string]any{"id": demo.HamburgDelivery}, &iv)
	title := escapeHTML(iv.Intervention.Title)
	if _, page := s.get(t, adminToken, "/compare"); !strings.Contains(page, demo.HamburgDelivery) || !strings.Contains(page, title) {
		t.Fatal("the admin is not offered the confidential operation")
	}
	for _, path := range []string{"/compare", "/compare?intervention=" + demo.HamburgDelivery + "&indicator=" + demo.DrugViolence} {
		_, page := s.get(t, restrictedToken, path)
		if strings.Contains(page, title) || strings.Contains(page, "Controlled delivery") {
			t.Errorf("%s shows the confidential operation to a RESTRICTED user", path)
		}
	}
	_, page := s.get(t, restrictedToken, "/compare?intervention="+demo.HamburgDelivery+"&indicator="+demo.DrugViolence)
	_, unknown := s.get(t, restrictedToken, "/compare?intervention=op-never&indicator="+demo.DrugViolence)
	if !strings.Contains(page, "could not be computed") ||
		strings.ReplaceAll(errorOf(page), demo.HamburgDelivery, "X") != strings.ReplaceAll(errorOf(unknown), "op-never", "X") {
		t.Errorf("the hidden operation is answered unlike an unknown one:\n%s\n%s", errorOf(page), errorOf(unknown))
	}
}

var errorDiv = regexp.MustCompile(`<div class="error" role="alert">([^<]*)</div>`)

func errorOf(page string) string {
	m := errorDiv.FindStringSubmatch(page)
	if m == nil {
		return ""
	}
	return m[1]
}

// TestCompareInTheBrowser: a RESTRICTED analyst signs in, runs the
// displacement of the Antwerp operation and sees the map (every region
// of the analysis drawn) and the measures in words, in English and in
// French; the confidential operation is in no option of the page.
func TestCompareInTheBrowser(t *testing.T) {
	s := newSite(t, false)
	b := newBrowser(t)
	b.signIn(s.srv.URL, restrictedToken)
	b.visit(s.srv.URL + antwerpViolence)
	var regions []string
	b.eval(`Array.from(document.querySelectorAll("figure.map svg .region")).map(e => e.getAttribute("data-code"))`, &regions)
	var want struct {
		Displacement struct{ Regions []struct{ Region string } }
	}
	s.query(t, restrictedToken, `query($iv: ID!, $ind: ID!) { displacement(intervention: $iv, indicator: $ind) { regions { region } } }`,
		map[string]any{"iv": demo.AntwerpHighValue, "ind": demo.DrugViolence}, &want)
	if len(regions) == 0 || len(regions) != len(want.Displacement.Regions) {
		t.Fatalf("the map draws %v; the analysis has %d regions", regions, len(want.Displacement.Regions))
	}
	words := strings.Join(b.texts("ul.words li"), "\n")
	for _, w := range []string{"Weighted displacement quotient (WDQ)", "Total net effect (TNE)", "Weighted displacement difference (WDD)", "95% interval"} {
		if !strings.Contains(words, w) {
			t.Errorf("the words lack %q:\n%s", w, words)
		}
	}
	var options []string
	b.eval(`Array.from(document.querySelectorAll("#c-iv option")).map(o => o.value + " " + o.textContent)`, &options)
	if len(options) < 3 {
		t.Fatalf("options %v", options)
	}
	for _, o := range options {
		if strings.Contains(o, demo.HamburgDelivery) || strings.Contains(o, "Hamburg to Cologne") {
			t.Errorf("the confidential operation is offered: %q", o)
		}
	}
	if html := b.html(); strings.Contains(html, demo.HamburgDelivery) {
		t.Error("the page holds the confidential operation's id")
	}
	b.visit(s.srv.URL + antwerpViolence + "&lang=fr")
	if fr := b.text(); !strings.Contains(fr, "Quotient de déplacement pondéré (WDQ)") || !strings.Contains(fr, "Différence de déplacement pondérée (WDD)") {
		t.Errorf("French words missing:\n%.1500s", fr)
	}
}
