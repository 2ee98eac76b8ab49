package web_test

import (
	"strings"
	"testing"
)

// TestRestrictedUserNeverSeesTheConfidentialOperation browses every page
// as a RESTRICTED analyst and checks that neither the CONFIDENTIAL demo
// operation's id nor its title is in any request the browser made or any
// answer it got, even when its address is typed in.
func TestRestrictedUserNeverSeesTheConfidentialOperation(t *testing.T) {
	s := newSite(t, false)
	var all struct {
		Interventions []struct{ ID, Title, Classification string }
	}
	s.query(t, adminToken, `{ interventions { id title ... on Operation { classification } } }`, nil, &all)
	var secret []string
	var visible []string
	for _, iv := range all.Interventions {
		if iv.Classification == "CONFIDENTIAL" {
			secret = append(secret, iv.ID, iv.Title)
		} else {
			visible = append(visible, iv.ID)
		}
	}
	if len(secret) != 2 {
		t.Fatalf("the demo world should hold one CONFIDENTIAL operation, found %v", secret)
	}
	b := newBrowser(t)
	b.signIn(s.srv.URL, restrictedToken)
	pages := []string{"/", "/?kind=CONTROLLED_DELIVERY", "/cycles", "/import", "/audit", "/no-such-page"}
	for _, id := range visible {
		pages = append(pages, "/interventions/"+id)
	}
	for _, p := range pages {
		b.visit(s.srv.URL + p)
	}
	checkNone := func(what string) {
		for _, x := range s.exchanges() {
			if n := containsAny(x.request, secret...); n != "" {
				t.Errorf("%s: request %s names the confidential operation (%q)", what, x.request, n)
			}
			if n := containsAny(x.response, secret...); n != "" {
				t.Errorf("%s: the answer to %s names the confidential operation (%q)", what, x.request, n)
			}
		}
	}
	checkNone("browsing")
	// Typed in: the page answers "not found", without a word of it.
	b.visit(s.srv.URL + "/interventions/" + secret[0])
	if !strings.Contains(b.text(), "No intervention") {
		t.Errorf("the confidential operation's page should say not found:\n%.800s", b.text())
	}
	for _, x := range s.exchanges() {
		if n := containsAny(x.response, secret[1]); n != "" {
			t.Errorf("the answer to %s names the confidential operation (%q)", x.request, n)
		}
	}
	// An administrator sees it (the test would pass vacuously otherwise).
	b.signIn(s.srv.URL, adminToken)
	b.visit(s.srv.URL + "/")
	if !strings.Contains(b.text(), secret[1]) {
		t.Error("an administrator does not see the confidential operation on the overview")
	}
}

// containsAny returns the first of the needles that s holds ("" if none).
func containsAny(s string, needles ...string) string {
	for _, n := range needles {
		if n != "" && strings.Contains(s, n) {
			return n
		}
	}
	return ""
}
