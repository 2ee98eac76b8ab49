package web_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/supplyeval/supplyeval/domain/demo"
	"github.com/supplyeval/supplyeval/graphql"
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
	for _, w := range []string{"Quotient de déplacement pondéré (WDQ)", "Effet net total (TNE)", "Différence de déplacement pondérée (WDD)", "Pour 100 000 habitants",
		"Constat :", "Dans la zone tampon"} {
		if !strings.Contains(fr, escapeHTML(w)) {
			t.Errorf("French page lacks %q", w)
		}
	}
	// The analysis's explanation and finding are French on the French
	// page: none of the English sentences of the estimation code.
	for _, w := range []string{"Finding:", "weighted displacement quotient is", "In the buffer", "The weighted displacement difference", "compared with",
		"the control's trend", "95% interval", "Left out of the default control"} {
		if strings.Contains(fr, escapeHTML(w)) {
			i := strings.Index(fr, escapeHTML(w))
			t.Errorf("French page holds English %q: …%s…", w, fr[max(0, i-150):min(len(fr), i+150)])
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

// TestCompareAsKnownAt: the compare page has an "as known at" selector (a
// log position, or a cycle's pinned position) like the intervention page;
// switching it in the browser shows the displacement the API gives at that
// position, not the latest one.
func TestCompareAsKnownAt(t *testing.T) {
	s := newSite(t, false)
	type wdd struct {
		Displacement struct {
			WDD    struct{ Estimate, Low, High float64 }
			Inputs struct{ AsOf string }
		}
	}
	const q = `query($iv: ID!, $ind: ID!, $asOf: String) { displacement(intervention: $iv, indicator: $ind, asOf: $asOf) {
		wdd { estimate low high } inputs { asOf } } }`
	at := func(pos string) (wdd, bool) {
		var out wdd
		vars := map[string]any{"iv": demo.AntwerpHighValue, "ind": demo.DrugViolence}
		if pos != "" {
			vars["asOf"] = pos
		}
		ctx := graphql.NewContextWithPrincipal(context.Background(), principals[restrictedToken])
		resp := s.api.Do(ctx, graphql.Request{Query: q, Variables: vars}, true)
		if len(resp.Errors) > 0 {
			return out, false
		}
		decode(t, resp.Data, &out)
		return out, true
	}
	latest, ok := at("")
	if !ok {
		t.Fatal("no displacement at the latest position")
	}
	head, _ := strconv.Atoi(latest.Displacement.Inputs.AsOf)
	// The latest earlier position whose answer differs from today's.
	var earlier wdd
	var pos string
	for p := head - 1; p > 0 && pos == ""; p-- {
		if w, ok := at(strconv.Itoa(p)); ok && w.Displacement.WDD != latest.Displacement.WDD {
			earlier, pos = w, strconv.Itoa(p)
		}
	}
	if pos == "" {
		t.Fatal("the displacement is the same at every position of the demo world; nothing to switch to")
	}
	words := func(w wdd) string {
		return fmt.Sprintf("Weighted displacement difference (WDD): %s, with a 95%% interval from %s to %s.",
			i18n.EN.Num(w.Displacement.WDD.Estimate), i18n.EN.Num(w.Displacement.WDD.Low), i18n.EN.Num(w.Displacement.WDD.High))
	}
	if words(latest) == words(earlier) {
		t.Fatalf("positions %s and %s differ only below the precision shown", pos, latest.Displacement.Inputs.AsOf)
	}
	b := newBrowser(t)
	b.signIn(s.srv.URL, restrictedToken)
	b.visit(s.srv.URL + antwerpViolence)
	shown := func() string { return strings.Join(b.texts("ul.words li"), "\n") }
	if got := shown(); !strings.Contains(got, words(latest)) {
		t.Fatalf("latest: want %q in\n%s", words(latest), got)
	}
	// A typed log position.
	b.do(chromedpSendKeys("#asOf", pos))
	b.submit("form.filters button")
	if got := shown(); !strings.Contains(got, words(earlier)) {
		t.Errorf("as known at %s: want %q in\n%s", pos, words(earlier), got)
	}
	if got := b.texts("#read-at"); len(got) != 1 || !strings.Contains(got[0], pos) {
		t.Errorf("the page does not say it reads position %s: %q", pos, got)
	}
	// A cycle's pin: choosing it clears the typed position.
	var pinned struct{ PinCycleEvidence struct{ Position string } }
	for _, m := range []string{
		`mutation { openCycle(input: {id: "c-asof", title: "Antwerp review", from: "2018-01-01", to: "2022-12-31", interventions: ["` + demo.AntwerpHighValue + `"], regions: [], questions: []}) { position } }`,
		`mutation { pinCycleEvidence(input: {id: "c-asof", position: "` + pos + `"}) { position } }`,
	} {
		resp := s.api.Do(t.Context(), graphql.Request{Query: m}, false)
		if len(resp.Errors) > 0 {
			t.Fatal(resp.Errors)
		}
		decode(t, resp.Data, &pinned)
	}
	b.visit(s.srv.URL + antwerpViolence)
	if got := shown(); !strings.Contains(got, words(latest)) {
		t.Fatalf("latest again: want %q in\n%s", words(latest), got)
	}
	b.do(chromedpSendKeys("#asOf", "1"))
	b.do(chromedpSetValue("#pin", pos))
	b.eval(`document.getElementById("pin").dispatchEvent(new Event("change")), true`, nil)
	b.submit("form.filters button")
	if got := shown(); !strings.Contains(got, words(earlier)) {
		t.Errorf("as known at the pin of c-asof (%s): want %q in\n%s", pos, words(earlier), got)
	}
	if v := b.values("#pin"); len(v) != 1 || v[0] != pos {
		t.Errorf("the pin chosen is not kept selected: %q", v)
	}
}

// TestCompareByKeyboard: the compare page is used with the keyboard
// alone: Tab reaches the intervention, indicator and "as known at"
// controls and the button in reading order, arrow keys choose, Enter on
// the button shows the displacement, and the focused control is outlined.
func TestCompareByKeyboard(t *testing.T) {
	s := newSite(t, true)
	b := newBrowser(t)
	b.visit(s.srv.URL + "/compare")
	var order []string
	for range 40 {
		b.do(chromedp.KeyEvent(kb.Tab))
		var id string
		b.eval(`document.activeElement.id || document.activeElement.tagName + ":" + (document.activeElement.getAttribute("href") || document.activeElement.textContent.trim())`, &id)
		order = append(order, id)
		if id == "BUTTON:Show" {
			break
		}
	}
	want := []string{"c-iv", "c-ind", "pin", "asOf", "BUTTON:Show"}
	var got []string
	for _, id := range order {
		if slices.Contains(want, id) {
			got = append(got, id)
		}
	}
	if !slices.Equal(got, want) {
		t.Fatalf("Tab reaches %q (all: %q); want %q in that order", got, order, want)
	}
	var outline string
	b.eval(`getComputedStyle(document.activeElement).outlineStyle`, &outline)
	if outline == "none" || outline == "" {
		t.Errorf("the focused button has no visible outline")
	}
	// Choose with the arrow keys, then press Enter on the button.
	b.do(chromedp.Focus(chromedp.ID("c-iv")))
	var ivs []string
	b.eval(`Array.from(document.querySelectorAll("#c-iv option")).map(o => o.value)`, &ivs)
	target := slices.Index(ivs, demo.RotterdamPortControl)
	if target < 0 {
		t.Fatalf("%s is not offered: %q", demo.RotterdamPortControl, ivs)
	}
	for range target {
		b.do(chromedp.KeyEvent(kb.ArrowDown))
	}
	b.do(chromedp.Focus(chromedp.ID("c-ind")))
	var inds []string
	b.eval(`Array.from(document.querySelectorAll("#c-ind option")).map(o => o.value)`, &inds)
	for range slices.Index(inds, "PORT_INCIDENTS") {
		b.do(chromedp.KeyEvent(kb.ArrowDown))
	}
	if v := b.values("#c-iv, #c-ind"); !slices.Equal(v, []string{demo.RotterdamPortControl, "PORT_INCIDENTS"}) {
		t.Fatalf("the arrow keys chose %q", v)
	}
	b.do(chromedp.Focus(chromedp.CSS("form.filters button")))
	if _, err := chromedp.RunResponse(b.ctx, chromedp.KeyEvent(kb.Enter)); err != nil {
		t.Fatal(err)
	}
	b.do(chromedp.WaitReady(chromedp.CSS("main")))
	if words := b.texts("ul.words li"); len(words) < 3 {
		t.Fatalf("Enter on the button did not show the displacement:\n%.1500s", b.text())
	}
	// Every control of the result page is reachable too (the skip link first).
	b.do(chromedp.KeyEvent(kb.Tab))
	var first string
	b.eval(`document.activeElement.className`, &first)
	if first != "skip" {
		t.Errorf("the first Tab stop is %q, not the skip link", first)
	}
}

// TestComparePortsWithoutPopulation: ports have no population, so the
// Rotterdam port-incident analysis cannot be charted per 100,000
// inhabitants; the page says so in a note with the API's reason (EN and FR)
// instead of an error box over the whole section.
func TestComparePortsWithoutPopulation(t *testing.T) {
	s := newSite(t, false)
	path := "/compare?intervention=" + demo.RotterdamPortControl + "&indicator=PORT_INCIDENTS"
	code, page := s.get(t, adminToken, path)
	if code != http.StatusOK {
		t.Fatalf("status %d", code)
	}
	charts := page[strings.Index(page, `id="h-over"`):]
	if strings.Contains(charts, `class="error"`) {
		t.Errorf("the charts show an error:\n%s", charts)
	}
	var want struct {
		Displacement struct {
			Regions []struct{ Region, Name string }
		}
	}
	s.query(t, adminToken, `query($iv: ID!) { displacement(intervention: $iv, indicator: "PORT_INCIDENTS") { regions { region name } } }`,
		map[string]any{"iv": demo.RotterdamPortControl}, &want)
	note := regexp.MustCompile(`<p class="hint per100k-note">([^<]*)</p>`).FindStringSubmatch(charts)
	if note == nil || !strings.Contains(note[1], "Not shown") {
		t.Fatalf("no note on the per-100,000 section:\n%s", charts)
	}
	_, fr := s.get(t, adminToken, path+"&lang=fr")
	if !strings.Contains(fr, "Non représenté") {
		t.Error("the French page has no note on the per-100,000 section")
	}
	if len(want.Displacement.Regions) == 0 {
		t.Fatal("no regions in the analysis")
	}
}

// TestComparePortsOnACountryMap: the Rotterdam ports analysis spans
// Hamburg to Algeciras; the map draws the countries of its ports in grey
// behind them (from the demo world's country outlines, asked for in the
// same request as the ports', at the analysis's position), names them,
// and labels every port. The index charts' axis title fits the plot.
func TestComparePortsOnACountryMap(t *testing.T) {
	s := newSite(t, false)
	code, page := s.get(t, adminToken, "/compare?intervention="+demo.RotterdamPortControl+"&indicator=PORT_INCIDENTS")
	if code != http.StatusOK {
		t.Fatalf("status %d", code)
	}
	i := strings.Index(page, `<svg class="context"`)
	if i < 0 {
		t.Fatal("the map has no context")
	}
	ctx := page[i : i+strings.Index(page[i:], "</svg>")]
	for _, c := range []string{"NL", "BE", "DE", "FR", "ES"} {
		if !strings.Contains(ctx, `<path data-code="`+c+`"`) {
			t.Errorf("country %s is not drawn behind the ports", c)
		}
	}
	for _, name := range []string{"Netherlands", "Spain"} {
		if !strings.Contains(ctx, ">"+name+"</text>") {
			t.Errorf("country %s is not named", name)
		}
	}
	var want struct {
		Displacement struct{ Regions []struct{ Region string } }
	}
	s.query(t, adminToken, `query($iv: ID!) { displacement(intervention: $iv, indicator: "PORT_INCIDENTS") { regions { region } } }`,
		map[string]any{"iv": demo.RotterdamPortControl}, &want)
	if len(want.Displacement.Regions) == 0 {
		t.Fatal("no regions in the analysis")
	}
	for _, r := range want.Displacement.Regions {
		if !regexp.MustCompile(`paint-order="stroke" aria-hidden="true">` + r.Region + `</text>`).MatchString(page) {
			t.Errorf("port %s is not labelled on the map", r.Region)
		}
	}
	for _, m := range regexp.MustCompile(`class="ytitle"[^>]*>([^<]*)<`).FindAllStringSubmatch(page, -1) {
		if strings.HasSuffix(m[1], "…") {
			t.Errorf("an axis title is cut: %q", m[1])
		}
	}
	_, fr := s.get(t, adminToken, "/compare?intervention="+demo.RotterdamPortControl+"&indicator=PORT_INCIDENTS&lang=fr")
	if !strings.Contains(fr, ">Indice, base 100</text>") {
		t.Error("the French index charts lack their axis title")
	}
}
