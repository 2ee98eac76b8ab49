package web_test

import (
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
)

// client is a cookie-keeping HTTP client that does not follow redirects.
func client(t testing.TB) *http.Client {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// csrfOf reads the CSRF token a page's forms carry.
func csrfOf(t testing.TB, c *http.Client, u string) string {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	for _, ck := range c.Jar.Cookies(resp.Request.URL) {
		if ck.Name == "supplyeval_csrf" {
			return ck.Value
		}
	}
	t.Fatalf("%s set no CSRF cookie", u)
	return ""
}

// TestSignInAndCSRF: without a session every page leads to the sign-in
// page; a wrong token is refused; a right one is kept in an HttpOnly,
// SameSite=Strict cookie; a form posted without its CSRF token, or from
// another origin, is refused and records nothing; redirects stay on the
// site.
func TestSignInAndCSRF(t *testing.T) {
	s := newSite(t, false)
	c := client(t)
	resp, err := c.Get(s.srv.URL + "/cycles")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/signin?next=%2Fcycles") {
		t.Fatalf("not signed in: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	token := csrfOf(t, c, s.srv.URL+"/signin")
	post := func(path string, form url.Values, header map[string]string) *http.Response {
		req, _ := http.NewRequest(http.MethodPost, s.srv.URL+path, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		for k, v := range header {
			req.Header.Set(k, v)
		}
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	if r := post("/signin", url.Values{"csrf": {token}, "token": {"wrong"}}, nil); r.StatusCode != http.StatusUnauthorized {
		t.Errorf("a wrong token: %d, want 401", r.StatusCode)
	}
	r := post("/signin", url.Values{"csrf": {token}, "token": {adminToken}, "next": {"//evil.example/"}}, nil)
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/" {
		t.Errorf("sign-in: %d to %q, want 303 to / (never off the site)", r.StatusCode, r.Header.Get("Location"))
	}
	var session *http.Cookie
	for _, ck := range r.Cookies() {
		if ck.Name == "supplyeval_token" {
			session = ck
		}
	}
	if session == nil || !session.HttpOnly || session.SameSite != http.SameSiteStrictMode {
		t.Fatalf("session cookie %+v, want HttpOnly and SameSite=Strict", session)
	}
	open := url.Values{"id": {"c-csrf"}, "title": {"t"}, "from": {"2020-01-01"}, "to": {"2020-12-31"}, "interventions": {"op-2018-rtm-container-control"}}
	if r := post("/cycles", open, nil); r.StatusCode != http.StatusForbidden {
		t.Errorf("a form without its CSRF token: %d, want 403", r.StatusCode)
	}
	withToken := url.Values{"csrf": {token}}
	for k, v := range open {
		withToken[k] = v
	}
	if r := post("/cycles", withToken, map[string]string{"Origin": "http://evil.example"}); r.StatusCode != http.StatusForbidden {
		t.Errorf("a form from another origin: %d, want 403", r.StatusCode)
	}
	var got struct{ Cycle *struct{ ID string } }
	s.query(t, adminToken, `{ cycle(id: "c-csrf") { id } }`, nil, &got)
	if got.Cycle != nil {
		t.Fatal("a refused form recorded a cycle")
	}
	if r := post("/cycles", withToken, nil); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("the same form with its token: %d, want 303", r.StatusCode)
	}
	s.query(t, adminToken, `{ cycle(id: "c-csrf") { id } }`, nil, &got)
	if got.Cycle == nil {
		t.Fatal("the cycle was not opened")
	}
}
