package web_test

import (
	"context"
	"strings"
	"testing"

	"github.com/supplyeval/supplyeval/graphql"
)

// TestOverviewInTheBrowser signs in and reads the overview: the log
// position the API gives, every intervention the API lists as a link on
// the timeline, the indicators, and the filters narrowing the list.
func TestOverviewInTheBrowser(t *testing.T) {
	s := newSite(t, false)
	b := newBrowser(t)
	b.visit(s.srv.URL + "/")
	if !strings.Contains(b.text(), "Access token") {
		t.Fatalf("not sent to the sign-in page:\n%.500s", b.text())
	}
	b.signIn(s.srv.URL, adminToken)
	text := b.text()
	var want struct {
		Position      string
		Interventions []struct{ ID, Title string }
	}
	s.query(t, adminToken, `{ position interventions { id title } }`, nil, &want)
	if !strings.Contains(text, "Log position: "+want.Position) {
		t.Errorf("position %s not shown:\n%.800s", want.Position, text)
	}
	html := b.html()
	for _, iv := range want.Interventions {
		if !strings.Contains(html, `href="/interventions/`+iv.ID+`"`) {
			t.Errorf("intervention %s has no link", iv.ID)
		}
	}
	if !strings.Contains(text, "Signed in as ada") || !strings.Contains(text, "Cocaine") && !strings.Contains(text, "COC_PRICE") {
		t.Errorf("principal or indicators missing:\n%.1500s", text)
	}
	// Filter by kind: only port controls remain in the table.
	b.visit(s.srv.URL + "/?kind=PORT_CONTROL")
	rows := b.texts("main section:nth-of-type(2) table tbody tr")
	if len(rows) == 0 {
		t.Fatal("no port control listed")
	}
	for _, r := range rows {
		if !strings.Contains(r, "port control") {
			t.Errorf("filter by kind kept %q", r)
		}
	}
}

// query runs a GraphQL query as the principal of token, in-process.
func (s *site) query(t testing.TB, token, q string, vars map[string]any, out any) {
	t.Helper()
	ctx := graphql.NewContextWithPrincipal(context.Background(), principals[token])
	resp := s.api.Do(ctx, graphql.Request{Query: q, Variables: vars}, true)
	if len(resp.Errors) > 0 {
		t.Fatalf("%s: %v", q, resp.Errors)
	}
	decode(t, resp.Data, out)
}

// TestTimelineLabelsAreReadable: on the overview's timelines, as the
// browser lays them out, no bar's title runs off the drawing, and a title
// written in white sits inside its bar (a short bar's title was cut to
// "Co" and "Harbour Crown: dis"); a legend says which colour is which
// kind of intervention.
func TestTimelineLabelsAreReadable(t *testing.T) {
	s := newSite(t, true)
	b := newBrowser(t)
	b.visit(s.srv.URL + "/")
	var labels []struct {
		Text, Fill                  string
		TX, TW, RX, RW, ViewW, Font float64
	}
	b.eval(`Array.from(document.querySelectorAll("svg.tl a")).map(a => {
		const t = a.querySelector("text"), r = a.querySelector("rect"), tb = t.getBBox(), rb = r.getBBox();
		return {text: t.textContent, fill: t.getAttribute("fill"), tx: tb.x, tw: tb.width, rx: rb.x, rw: rb.width,
			viewW: a.ownerSVGElement.viewBox.baseVal.width};
	})`, &labels)
	if len(labels) < 10 {
		t.Fatalf("%d bars on the timelines", len(labels))
	}
	for _, l := range labels {
		if l.TX < -0.5 || l.TX+l.TW > l.ViewW+0.5 {
			t.Errorf("%q runs off the drawing: x %.1f to %.1f of %.0f", l.Text, l.TX, l.TX+l.TW, l.ViewW)
		}
		if strings.HasSuffix(l.Text, "…") {
			t.Errorf("%q is shortened (its link's name would not hold the text shown)", l.Text)
		}
		if l.Fill == "#fff" && (l.TX < l.RX-0.5 || l.TX+l.TW > l.RX+l.RW+0.5) {
			t.Errorf("%q is white outside its bar: text %.1f to %.1f, bar %.1f to %.1f", l.Text, l.TX, l.TX+l.TW, l.RX, l.RX+l.RW)
		}
	}
	legend := strings.Join(b.texts("#h-timeline ~ p.legend"), " ")
	if !strings.Contains(legend, "Operation") || !strings.Contains(legend, "Policy change") {
		t.Errorf("no legend of the bars' colours: %q", legend)
	}
}
