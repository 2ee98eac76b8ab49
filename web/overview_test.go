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
